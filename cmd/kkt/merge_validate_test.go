package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testRun() *runInfo {
	return &runInfo{Seed: 1, Data: true, Experiments: []string{"dag", "lin"}, Shards: 2, Binary: "abc"}
}

func goodUnits() []mergeUnit {
	ri := testRun()
	return []mergeUnit{
		{"s0/units/dag-0000.json", &unitResult{Experiment: "dag", Unit: 0, Units: 2, Seed: 1, Run: ri, Data: json.RawMessage(`{"fits":[{"Method":"a","SHD":3,"TPR":0.5,"FDR":0.1,"Seconds":1}]}`)}},
		{"s1/units/dag-0001.json", &unitResult{Experiment: "dag", Unit: 1, Units: 2, Seed: 1, Run: ri, Data: json.RawMessage(`{"fits":[{"Method":"a","SHD":0,"TPR":1,"FDR":0,"Seconds":1}]}`)}},
		{"s0/units/lin-0000.json", &unitResult{Experiment: "lin", Unit: 0, Units: 1, Seed: 1, Run: ri, Rows: []row{{Experiment: "lin", Metric: "it", Value: 3, Paper: 3, Ratio: 1}}}},
	}
}

// TestValidateMerge corrupts a valid set of units one way at a time: every
// corruption must be refused with a message naming the unit file.
func TestValidateMerge(t *testing.T) {
	if err := validateMerge(goodUnits()); err != nil {
		t.Fatalf("valid units refused: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(u []mergeUnit) []mergeUnit
		msg    string
	}{
		{"data presence differs", func(u []mergeUnit) []mergeUnit { r := *u[1].r.Run; r.Data = false; u[1].r.Run = &r; return u }, "s1/units/dag-0001.json (dag unit 1) is from a different run than s0/units/dag-0000.json: data directory present=true vs false"},
		{"binary differs", func(u []mergeUnit) []mergeUnit { r := *u[2].r.Run; r.Binary = "def"; u[2].r.Run = &r; return u }, "kkt binary abc vs def"},
		{"seed differs", func(u []mergeUnit) []mergeUnit { r := *u[1].r.Run; r.Seed = 2; u[1].r.Run = &r; return u }, "--seed=1 vs --seed=2"},
		{"no run identity", func(u []mergeUnit) []mergeUnit { u[0].r.Run = nil; return u }, "s0/units/dag-0000.json (dag unit 0): no run identity"},
		{"experiment missing", func(u []mergeUnit) []mergeUnit { return u[:2] }, "experiment lin is missing"},
		{"unit missing", func(u []mergeUnit) []mergeUnit { return append(u[:1], u[2]) }, "experiment dag: units [1] of 2 are missing"},
		{"negative SHD", func(u []mergeUnit) []mergeUnit {
			u[0].r.Data = json.RawMessage(`{"fits":[{"Method":"a","SHD":-5,"TPR":0.5}]}`)
			return u
		}, "s0/units/dag-0000.json (dag unit 0): data.fits[0].SHD = -5 outside [0, +Inf]"},
		{"TPR 1e308", func(u []mergeUnit) []mergeUnit {
			u[1].r.Data = json.RawMessage(`{"fits":[{"Method":"a","SHD":1,"TPR":1e308}]}`)
			return u
		}, "data.fits[0].TPR = 1e308"},
		{"null entry", func(u []mergeUnit) []mergeUnit { u[1].r.Data = json.RawMessage(`{"fits":[null]}`); return u }, "data.fits[0] is null"},
		{"null beside an array is an empty slice", func(u []mergeUnit) []mergeUnit {
			u[1].r.Data = json.RawMessage(`{"SenseOneStep":[null,[1,2]],"fits":[{"Method":"a","SHD":1,"TPR":1}]}`)
			return u
		}, "ACCEPT"},
		{"row value out of range", func(u []mergeUnit) []mergeUnit { u[2].r.Rows[0].Value = 1e308; return u }, "lin-0000.json (lin unit 0): row 0: it: value 1e+308 out of range"},
		{"unit count disagrees", func(u []mergeUnit) []mergeUnit { u[1].r.Units = 3; return u }, "has 3 units here and 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := validateMerge(c.mutate(goodUnits()))
			if c.msg == "ACCEPT" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err = %v, want it to contain %q", err, c.msg)
			}
		})
	}
}

// TestMergeRefusesEndToEnd runs two real shards of the test experiments,
// then merges them after corrupting one unit file (exit 2 naming the file),
// and merges into a blocked output (exit 2 with a message).
func TestMergeRefusesEndToEnd(t *testing.T) {
	registerShardTestExperiments(t)
	only := []string{"reproduce", "--only", "zz-plain,zz-sharded", "--quiet"}
	var dirs []string
	for i := 0; i < 2; i++ {
		d := t.TempDir()
		dirs = append(dirs, d)
		var out, errb bytes.Buffer
		if st := run(append(only, "--out", d, "--shard", fmt.Sprintf("%d/2", i)), &out, &errb); st != exitOK {
			t.Fatalf("shard %d: %d %s", i, st, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if st := run(append([]string{"reproduce", "merge"}, dirs...), &out, &errb); st != exitOK {
		t.Fatalf("clean merge: %d %s", st, errb.String())
	}
	// A blocked output: a file where the CSV must go.
	blocked := t.TempDir()
	if err := os.Mkdir(filepath.Join(blocked, "zz-plain.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if st := run(append([]string{"reproduce", "merge", "--out", blocked}, dirs...), &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), "zz-plain.csv") {
		t.Errorf("blocked output: status %d, stderr %q", st, errb.String())
	}
	// A unit from a run without data merged with units from a run with it.
	files, _ := filepath.Glob(filepath.Join(dirs[1], "units", "*.json"))
	if len(files) == 0 {
		t.Fatal("no unit files")
	}
	b, _ := os.ReadFile(files[0])
	var r unitResult
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	r.Run.Data = !r.Run.Data
	b, _ = json.Marshal(r)
	if err := os.WriteFile(files[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if st := run(append([]string{"reproduce", "merge"}, dirs...), &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), files[0]) || !strings.Contains(errb.String(), "data directory present") {
		t.Errorf("mixed data presence: status %d, stderr %q", st, errb.String())
	}
}
