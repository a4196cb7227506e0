package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/matrix"
)

func TestMemBudgetFlag(t *testing.T) {
	old := matrix.MemoryBudget()
	defer matrix.SetMemoryBudget(old)
	t.Setenv(memBudgetEnv, "")
	var out, errb bytes.Buffer
	// After the command name, with '=': the 3×3 solve needs 72 bytes of
	// triplets and row pointers, over a 64-byte budget.
	st := run([]string{"linsolve", "--mem-budget=64", "--matrix", "testdata/hostile/diag-1e160.mtx"}, &out, &errb)
	if st != exitBadInput || !strings.Contains(errb.String(), "diag-1e160.mtx:2:") || !strings.Contains(errb.String(), "over the memory budget of 64 B") {
		t.Errorf("status %d, stderr %q", st, errb.String())
	}
	// Before the command name.
	errb.Reset()
	if st := run([]string{"--mem-budget", "1MiB", "linsolve", "--matrix", "testdata/hostile/diag-1e160.mtx"}, &out, &errb); st != exitOK {
		t.Errorf("status %d, stderr %q", st, errb.String())
	}
	if matrix.MemoryBudget() != 1<<20 {
		t.Errorf("budget %d", matrix.MemoryBudget())
	}
	errb.Reset()
	if st := run([]string{"--mem-budget", "lots", "linsolve"}, &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), "bad size") {
		t.Errorf("bad size: status %d, stderr %q", st, errb.String())
	}
	t.Setenv(memBudgetEnv, "-3")
	errb.Reset()
	if st := run([]string{"linsolve"}, &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), memBudgetEnv) {
		t.Errorf("bad env: status %d, stderr %q", st, errb.String())
	}
}
