package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/matrix"
)

func TestSORCommandJSON(t *testing.T) {
	for _, args := range [][]string{
		{"--sequence", "shifted-laplacian", "--instances", "25", "--tuner", "tsallis", "--json"},
		{"--sequence", "shifted-laplacian", "--dist", "low", "--instances", "20", "--tuner", "chebcb", "--optimal", "--json"},
		{"--sequence", "shifted-laplacian", "--instances", "10", "--tuner", "young", "--json", "--records"},
		{"--sequence", "heat", "--nx", "12", "--instances", "20", "--tuner", "tsallis-cb", "--json"},
		{"--sequence", "heat", "--nx", "12", "--instances", "10", "--tuner", "fixed:1.5", "--solver", "cg", "--hindsight=false", "--json"},
	} {
		var out, errb bytes.Buffer
		if st := run(append([]string{"sor"}, args...), &out, &errb); st != exitOK {
			t.Fatalf("%v: status %d, stderr %s", args, st, errb.String())
		}
		var got map[string]any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("%v: stdout is not one JSON object: %v\n%s", args, err, out.String())
		}
		keys := []string{"total_iterations", "mean_iterations", "time_s"}
		if !strings.Contains(strings.Join(args, " "), "hindsight=false") {
			keys = append(keys, "best_fixed_omega", "best_fixed_total")
		}
		for _, k := range keys {
			if _, ok := got[k]; !ok {
				t.Errorf("%v: key %q missing", args, k)
			}
		}
		if tot := got["total_iterations"].(float64); tot <= 0 {
			t.Errorf("%v: total_iterations %v", args, tot)
		}
	}
}

func TestSORCommandBadInput(t *testing.T) {
	dir := t.TempDir()
	for k, n := range []int{3, 4} {
		f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("a%d.mtx", k)))
		matrix.WriteMatrixMarket(f, matrix.AddDiag(matrix.Poisson2D(n, n), 0))
		f.Close()
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--tuner", "fixed:2.5"}, "outside (0, 2)"},
		{[]string{"--tuner", "fixed:0"}, "outside (0, 2)"},
		{[]string{"--tuner", "nosuch"}, "unknown tuner"},
		{[]string{"--solver", "gmres"}, "unknown solver"},
		{[]string{"--dist", "mid"}, "dist"},
		{[]string{"--sequence", dir, "--tuner", "fixed:1.2"}, "size changed"},
		{[]string{"--sequence", filepath.Join(dir, "missing")}, "not shifted-laplacian"},
	} {
		var out, errb bytes.Buffer
		st := run(append([]string{"sor", "--instances", "3"}, c.args...), &out, &errb)
		if st != exitBadInput || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: status %d, stderr %q (want %q)", c.args, st, errb.String(), c.want)
		}
	}
}
