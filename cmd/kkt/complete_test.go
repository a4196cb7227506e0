package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestCompleteCommand(t *testing.T) {
	var out, errb bytes.Buffer
	var got map[string]any
	for _, m := range []string{"altmin", "altmin-fast", "altmin-sketch"} {
		out.Reset()
		if st := run([]string{"complete", "--synthetic", "200,150,3,0.3", "--method", m, "--json"}, &out, &errb); st != exitOK {
			t.Fatalf("synthetic %s: status %d, stderr %s", m, st, errb.String())
		}
		got = nil
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("not JSON: %v: %s", err, out.String())
		}
		if e, ok := got["rel_error"].(float64); !ok || e > 1e-8 {
			t.Errorf("%s: rel_error = %v", m, got["rel_error"])
		}
	}
	for _, k := range []string{"iterations", "time_s"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing key %s", k)
		}
	}
	dir := t.TempDir()
	ratings := filepath.Join(dir, "r.txt")
	var sb strings.Builder
	for i := 1; i <= 30; i++ {
		for j := 1; j <= 20; j++ {
			if (i*7+j*3)%4 != 0 {
				sb.WriteString(strings.Join([]string{strconv.Itoa(i), strconv.Itoa(j), strconv.Itoa(1 + (i+j)%5), "0"}, "\t") + "\n")
			}
		}
	}
	os.WriteFile(ratings, []byte(sb.String()), 0o644)
	out.Reset()
	if st := run([]string{"complete", "--ratings", ratings, "--rank", "2", "--json", "--out", filepath.Join(dir, "f")}, &out, &errb); st != exitNotConverge {
		t.Fatalf("ratings: status %d, want 1 (ALS has no convergence test), stderr %s", st, errb.String())
	}
	got = nil
	json.Unmarshal(out.Bytes(), &got)
	if got["status"] != "MaxIterations" {
		t.Errorf("ALS status %v, want MaxIterations", got["status"])
	}
	for _, k := range []string{"rmse_train", "rmse_test", "iterations", "time_s"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing key %s in %s", k, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "f", "U.json")); err != nil {
		t.Errorf("factors not written: %v", err)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("1\t2\t3\t4\n1\t2\t4\t5\n"), 0o644)
	errb.Reset()
	if st := run([]string{"complete", "--ratings", bad}, &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), "bad.txt:2:") {
		t.Errorf("duplicate rating: status %d, stderr %q", st, errb.String())
	}
	if st := run([]string{"complete", "--synthetic", "10,10,20,0.5"}, &out, &errb); st != exitBadInput {
		t.Errorf("rank > size: status %d", st)
	}
}

// The sketch half-step's options: Householder and a given sketch size reach
// the same accuracy; an unknown factorization is a usage error (exit 2).
func TestCompleteSketchFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if st := run([]string{"complete", "--synthetic", "200,150,3,0.3", "--method", "altmin-sketch", "--sketch-qr", "householder", "--sketch-rows", "12", "--json"}, &out, &errb); st != exitOK {
		t.Fatalf("status %d, stderr %s", st, errb.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v: %s", err, out.String())
	}
	if e, ok := got["rel_error"].(float64); !ok || e > 1e-8 {
		t.Errorf("rel_error = %v", got["rel_error"])
	}
	for _, bad := range [][]string{{"--sketch-qr", "givens"}, {"--sketch-rows", "-3"}} {
		errb.Reset()
		args := append([]string{"complete", "--synthetic", "200,150,3,0.3", "--method", "altmin-sketch"}, bad...)
		if st := run(args, &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), strings.TrimPrefix(bad[0], "--")) {
			t.Errorf("%v: status %d, stderr %q; want %d naming the flag", bad, st, errb.String(), exitBadInput)
		}
	}
}
