package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestSketchExperimentRegistered(t *testing.T) {
	for _, e := range experimentList() {
		if e.Name == "sketch" && e.Order == 30 {
			return
		}
	}
	t.Fatal("experiment sketch (order 30) not registered")
}

func TestSketchCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if st := run([]string{"sketch", "--m", "2000", "--n", "20", "--kappa", "1e6", "--json"}, &out, &errb); st != exitOK {
		t.Fatalf("status %d, stderr %s", st, errb.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v: %s", err, out.String())
	}
	if got["status"] != "Converged" || got["normal_residual"].(float64) > 1e-10 {
		t.Errorf("unexpected result %v", got)
	}
	dir := t.TempDir()
	if st := run([]string{"sketch", "--m", "30", "--n", "3", "--write", dir}, &out, &errb); st != exitOK {
		t.Fatalf("write: status %d", st)
	}
	if st, err := os.Stat(filepath.Join(dir, "A.bin")); err != nil || st.Size() != 30*3*8 {
		t.Errorf("A.bin: %v %v", st, err)
	}
	for _, bad := range [][]string{{"--kind", "nosuch"}, {"--n", "0"}, {"--m", "10", "--n", "20"}, {"--gamma", "0.5"}} {
		errb.Reset()
		if st := run(append([]string{"sketch"}, bad...), &out, &errb); st != exitBadInput || errb.Len() == 0 {
			t.Errorf("%v: status %d, stderr %q", bad, st, errb.String())
		}
	}
	// Plain LSQR with a tiny iteration cap does not converge: exit status 1.
	if st := run([]string{"sketch", "--m", "500", "--n", "20", "--kappa", "1e6", "--plain", "--maxiter", "3"}, &out, &errb); st != exitNotConverge {
		t.Errorf("plain capped: status %d", st)
	}
}
