package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
)

func TestCutestEvalAndList(t *testing.T) {
	dir := kktdata.Require(t, "cutest/sif")
	var out, errb bytes.Buffer
	if st := run([]string{"cutest", "eval", "HS6", "--json", "--sifdir", dir}, &out, &errb); st != exitOK {
		t.Fatalf("eval exit %d: %s", st, errb.String())
	}
	var res map[string]any
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	// reference.csv: HS6 f0 = 4.84, cnorm0 = 4.4 (REFERENCE.md example).
	if res["name"] != "HS6" || res["n"].(float64) != 2 || res["m"].(float64) != 1 ||
		math.Abs(res["f0"].(float64)-4.84) > 1e-12 || math.Abs(res["cnorm0"].(float64)-4.4) > 1e-12 {
		t.Errorf("eval HS6: %v", res)
	}
	out.Reset()
	if st := run([]string{"cutest", "eval", "DTOC1L", "--param", "N=20", "--sifdir", dir}, &out, &errb); st != exitOK {
		t.Fatalf("eval with --param exit %d: %s", st, errb.String())
	}
	if !strings.Contains(out.String(), "n               118") { // (N−1)·2 + N·4
		t.Errorf("eval DTOC1L N=20:\n%s", out.String())
	}
	out.Reset()
	if st := run([]string{"cutest", "list", "--class", "SUR2-*", "--max-n", "2", "--sifdir", dir}, &out, &errb); st != exitOK {
		t.Fatalf("list exit %d: %s", st, errb.String())
	}
	if !strings.Contains(out.String(), "BEALE") || strings.Contains(out.String(), "BARD") {
		t.Errorf("list --class SUR2-* --max-n 2:\n%s", out.String())
	}
	out.Reset()
	if st := run([]string{"cutest", "list", "--constraints", "equality", "--class", "QQR2", "--sifdir", dir}, &out, &errb); st != exitOK {
		t.Fatalf("list exit %d: %s", st, errb.String())
	}
	if !strings.Contains(out.String(), "HS6 ") || strings.Contains(out.String(), "ROSENBR") {
		t.Errorf("list --constraints equality:\n%s", out.String())
	}
}

func TestCutestEvalMalformed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "BAD.SIF")
	src := "NAME          BAD\nVARIABLES\n    X\nGROUPS\n N  OBJ       Y         1.0\nENDATA\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	st := run([]string{"cutest", "eval", file}, &out, &errb)
	if st != exitBadInput || !strings.Contains(errb.String(), file+":5: unknown variable \"Y\"") {
		t.Errorf("exit %d, stderr %q", st, errb.String())
	}
	if st := run([]string{"cutest", "eval", "NOSUCH", "--sifdir", t.TempDir()}, &out, &errb); st != exitBadInput {
		t.Errorf("missing problem: exit %d", st)
	}
	if st := run([]string{"cutest", "frobnicate"}, &out, &errb); st != exitBadInput {
		t.Errorf("unknown subcommand: exit %d", st)
	}
}
