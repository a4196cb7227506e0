package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Flag validation shared by the commands: an out-of-range value is a usage
// error (exit 2) naming the flag, never silently accepted or clamped.

// flagCheck is the check of one flag's value (NaN fails every check).
type flagCheck struct {
	name string
	ok   bool
	want string
	val  float64
}

// checkFlags prints the first failing check as "kkt cmd: --name v: want ..."
// and returns false.
func checkFlags(stderr io.Writer, cmd string, checks ...flagCheck) bool {
	for _, c := range checks {
		if !c.ok {
			fmt.Fprintf(stderr, "kkt %s: --%s %v: want %s\n", cmd, c.name, c.val, c.want)
			return false
		}
	}
	return true
}

// positive: v > 0 and finite.
func positive(name string, v float64) flagCheck {
	return flagCheck{name, v > 0 && !math.IsInf(v, 0), "a finite number > 0", v}
}

// nonNegative: v ≥ 0 and finite.
func nonNegative(name string, v float64) flagCheck {
	return flagCheck{name, v >= 0 && !math.IsInf(v, 0), "a finite number ≥ 0", v}
}

// nonNegativeInt: v ≥ 0.
func nonNegativeInt(name string, v int) flagCheck {
	return flagCheck{name, v >= 0, "an integer ≥ 0", float64(v)}
}

// halfOpen: lo ≤ v < hi.
func halfOpen(name string, v, lo, hi float64) flagCheck {
	return flagCheck{name, v >= lo && v < hi, fmt.Sprintf("a number in [%g, %g)", lo, hi), v}
}

// validate checks the ranges of the nlp/logreg flags.
func (f *nlpFlags) validate() error {
	var b strings.Builder
	if !checkFlags(&b, "nlp", positive("tol", *f.tol), nonNegativeInt("max-iter", *f.maxIter), nonNegativeInt("max-inner", *f.maxInner), nonNegative("superlinear", *f.theta), nonNegative("inner-rtol", *f.rtol)) {
		return errors.New(strings.TrimSpace(strings.TrimPrefix(b.String(), "kkt nlp: ")))
	}
	return nil
}
