package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestBilevelCommandJSON(t *testing.T) {
	cases := []struct {
		args   []string
		status int
		xerr   float64 // upper bound on x_error (0: not checked)
	}{
		{[]string{"--problem", "t2", "--method", "lvhba", "--n", "20", "--max-iter", "30000"}, exitNotConverge, 1e-6}, // MaxIterations: exit 1 even when x is right,
		{[]string{"--problem", "t3", "--method", "penalty", "--sigma", "1e-3"}, exitOK, 0},                            // converges to x*_σ; x_error ≈ 5e-4 (bias O(σ))
		{[]string{"--problem", "t3", "--method", "aid"}, exitOK, 1e-8},
		{[]string{"--problem", "t4", "--method", "penalty"}, exitOK, 1e-6},
		{[]string{"--problem", "t1", "--method", "lvhba", "--n", "10", "--iters", "200"}, exitNotConverge, 0},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		st := run(append([]string{"bilevel", "--json"}, c.args...), &out, &errb)
		var got map[string]any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("%v: stdout is not one JSON object: %v\n%s", c.args, err, out.String())
		}
		for _, k := range []string{"status", "iterations", "x_error", "upper_objective", "time_s"} {
			if _, ok := got[k]; !ok {
				t.Errorf("%v: key %q missing", c.args, k)
			}
		}
		if st != c.status {
			t.Errorf("%v: exit %d, want %d (%v)", c.args, st, c.status, got)
		}
		if c.args[1] == "t3" && c.args[3] == "penalty" {
			if x, ok := got["x_sigma_error"].(float64); !ok || x > 1e-8 {
				t.Errorf("%v: x_sigma_error %v, want ≤ 1e-8", c.args, got["x_sigma_error"])
			}
		}
		if c.xerr > 0 {
			if x, ok := got["x_error"].(float64); !ok || x > c.xerr {
				t.Errorf("%v: x_error %v, want ≤ %g", c.args, got["x_error"], c.xerr)
			}
		}
	}
}

func TestBilevelCommandBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--problem", "t9"},
		{"--method", "newton"},
		{"--problem", "t1", "--method", "penalty"}, // coupled constraints
		{"--problem", "t5", "--method", "aid"},
		{"--iters", "-3"},
		{"--tol", "-1"},
		{"--tol", "NaN"},
	} {
		var out, errb bytes.Buffer
		if st := run(append([]string{"bilevel"}, args...), &out, &errb); st != exitBadInput {
			t.Errorf("%v: exit %d, want %d", args, st, exitBadInput)
		}
		if errb.Len() == 0 {
			t.Errorf("%v: no message on stderr", args)
		}
	}
}

// The data task on generated data (no KKT_DATA): it runs and reports the
// accuracies.
func TestBilevelSVMGenerated(t *testing.T) {
	var out, errb bytes.Buffer
	run([]string{"bilevel", "--problem", "svm", "--method", "lvhba", "--seeds", "1", "--data", "", "--json"}, &out, &errb)
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	for _, k := range []string{"test_accuracy", "baseline_test_accuracy", "val_accuracy"} {
		if _, ok := got[k].(float64); !ok {
			t.Errorf("key %q: %v", k, got[k])
		}
	}
	if !strings.Contains(got["data"].(string), "synthetic") {
		t.Errorf("data: %v", got["data"])
	}
}
