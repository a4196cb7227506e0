package main

import (
	"bytes"
	"compress/gzip"
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

func idxBytes(dims []int, data []byte, gz bool) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		b.Write([]byte{byte(d >> 24), byte(d >> 16), byte(d >> 8), byte(d)})
	}
	b.Write(data)
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(b.Bytes())
	w.Close()
	return z.Bytes()
}

func TestReadIDX(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dims, data, err := blReadIDX(bytes.NewReader(idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6}, gz)), "x.idx")
		if err != nil || len(dims) != 2 || dims[1] != 3 || len(data) != 6 || data[5] != 6 {
			t.Fatalf("gz=%v: %v %v %v", gz, dims, data, err)
		}
	}
	for name, in := range map[string][]byte{
		"short data": idxBytes([]int{2, 3}, []byte{1, 2}, false),
		"bad magic":  {1, 0, 8, 1, 0, 0, 0, 1, 7},
		"float type": {0, 0, 0x0d, 1, 0, 0, 0, 1, 7},
		"zero dims":  {0, 0, 8, 0},
		"empty":      {},
		"zero size":  idxBytes([]int{0}, nil, false),
	} {
		if _, _, err := blReadIDX(bytes.NewReader(in), "bad.idx"); err == nil || !strings.Contains(err.Error(), "bad.idx") {
			t.Errorf("%s: error %v (must name the file)", name, err)
		}
	}
}

func FuzzReadIDX(f *testing.F) {
	fuzzBudget(f)
	f.Add(idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6}, false))
	f.Add(idxBytes([]int{1, 2, 2}, []byte{1, 2, 3, 4}, true))
	f.Add([]byte{0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		dims, data, err := blReadIDX(bytes.NewReader(b), "fuzz.idx")
		if err != nil {
			return
		}
		n := 1
		for _, d := range dims {
			n *= d
		}
		if n != len(data) {
			t.Fatalf("dims %v but %d bytes", dims, len(data))
		}
	})
}
