package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// parseDagStats decodes a file written by 'kkt dag sweep --json' (a JSON
// object {"cells": [...]}, or the bare array of older files) and checks every entry before it is plotted:
// no null entries, a method and a graph name, d ≥ 1, and SHD statistics that
// are finite and ≥ 0. Errors name the file and the entry.
func parseDagStats(name string, b []byte) ([]*dagStat, error) {
	var st []*dagStat
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var obj struct{ Cells []*dagStat }
		if err := json.Unmarshal(b, &obj); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		st = obj.Cells
	} else if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(st) == 0 {
		return nil, fmt.Errorf("%s: no entries (want the JSON written by kkt dag sweep --json)", name)
	}
	for k, s := range st {
		switch {
		case s == nil:
			return nil, fmt.Errorf("%s: entry %d is null", name, k)
		case s.Method == "" || s.Graph == "":
			return nil, fmt.Errorf("%s: entry %d has no method or graph name", name, k)
		case s.D < 1 || s.D > 1<<20:
			return nil, fmt.Errorf("%s: entry %d: d = %d out of range [1, 2²⁰]", name, k, s.D)
		case math.IsNaN(s.MeanSHD) || math.IsInf(s.MeanSHD, 0) || s.MeanSHD < 0:
			return nil, fmt.Errorf("%s: entry %d: mean SHD %v is not a finite number ≥ 0", name, k, s.MeanSHD)
		}
		for _, v := range s.SHD {
			if v < 0 {
				return nil, fmt.Errorf("%s: entry %d: SHD %d < 0", name, k, v)
			}
		}
	}
	return st, nil
}
