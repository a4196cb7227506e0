package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
)

func TestNLPCommands(t *testing.T) {
	var out, errb bytes.Buffer
	if st := run([]string{"nlp", "pde", "--grid", "3", "--method", "adasketch-rk", "--json"}, &out, &errb); st != exitOK {
		t.Fatalf("nlp pde: status %d, stderr %s", st, errb.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not one JSON object: %v", err)
	}
	for _, k := range []string{"status", "iterations", "kkt", "f", "time_s"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
	if got["status"] != "Converged" || got["iterations"].(float64) != 3 {
		t.Errorf("nlp pde N=3 RK: %v in %v iterations, want Converged in 3", got["status"], got["iterations"])
	}
	if st := run([]string{"nlp", "pde", "--method", "bogus"}, &out, &errb); st != exitBadInput {
		t.Errorf("bad method: status %d", st)
	}
	// A malformed SIF file: exit 2 with file:line on stderr.
	bad := filepath.Join(t.TempDir(), "BAD.SIF")
	os.WriteFile(bad, []byte("NAME          BAD\nVARIABLES\n    X1\nGROUPS\n XN OBJ       X1        notanumber\nENDATA\n"), 0o644)
	errb.Reset()
	if st := run([]string{"nlp", "solve", bad}, &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), "BAD.SIF:") {
		t.Errorf("malformed SIF: status %d, stderr %q", st, errb.String())
	}
	// A real problem when the data are there.
	if kktdata.Dir() != "" {
		sif := kktdata.Require(t, "cutest/sif/HS6.SIF")
		out.Reset()
		if st := run([]string{"nlp", "solve", sif, "--method", "adasketch-gv", "--json"}, &out, &errb); st != exitOK {
			t.Fatalf("nlp solve HS6: status %d, stderr %s", st, errb.String())
		}
		got = nil
		json.Unmarshal(out.Bytes(), &got)
		if got["iterations"].(float64) != 9 {
			t.Errorf("HS6 with GV: %v iterations, the authors' runs took 9", got["iterations"])
		}
		// HS21 has a bound and an inequality: refused, exit 2.
		hs21 := kktdata.Require(t, "cutest/sif/HS21.SIF")
		out.Reset()
		errb.Reset()
		if st := run([]string{"nlp", "solve", hs21, "--method", "newton"}, &out, &errb); st != exitBadInput ||
			!strings.Contains(errb.String(), "refused") || !strings.Contains(errb.String(), "newton") || !strings.Contains(errb.String(), "bounds") {
			t.Errorf("nlp solve HS21: status %d, stderr %q; want 2 and the refusal", st, errb.String())
		}
	}
}

// TestNLPMethods runs the preconditioned solver and the two baselines
// through the command line on the PDE problem (N = 3 and N = 16).
func TestNLPMethods(t *testing.T) {
	for _, c := range []struct {
		grid, method string
		its          float64
	}{
		{"16", "newton-schur", 1}, {"16", "newton-pminres", 1}, {"3", "l1sqp", 6}, {"3", "alm", 4},
	} {
		var out, errb bytes.Buffer
		if st := run([]string{"nlp", "pde", "--grid", c.grid, "--method", c.method, "--json"}, &out, &errb); st != exitOK {
			t.Fatalf("nlp pde %s: status %d, stderr %s", c.method, st, errb.String())
		}
		var got map[string]any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got["method"] != c.method || got["status"] != "Converged" || got["iterations"].(float64) != c.its || got["kkt"].(float64) > 1e-4 {
			t.Errorf("nlp pde --grid %s --method %s: %v %v in %v iterations (want %v), KKT %v", c.grid, c.method, got["method"], got["status"], got["iterations"], c.its, got["kkt"])
		}
	}
	// newton-schur on a problem with a non-diagonal Hessian: exit 1 with a message.
	if kktdata.Dir() != "" {
		sif := kktdata.Require(t, "cutest/sif/HS6.SIF")
		var out, errb bytes.Buffer
		if st := run([]string{"nlp", "solve", sif, "--method", "newton-schur"}, &out, &errb); st != exitNotConverge || !strings.Contains(out.String(), "NotApplicable") {
			t.Errorf("newton-schur on HS6: status %d, output %q", st, out.String())
		}
	}
}
