package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/repro"
	"github.com/kkt-go/kkt/matrix"
)

// The fuzz targets of cmd/kkt's own readers run with the production limits
// and a 64 MiB memory budget (the budget a user sets with --mem-budget).
func fuzzBudget(tb testing.TB) {
	old := matrix.SetMemoryBudget(64 << 20)
	tb.Cleanup(func() { matrix.SetMemoryBudget(old) })
}

// FuzzMergeUnit decodes a unit file and validates it as a one-unit merge:
// no input panics; an accepted unit is internally consistent.
func FuzzMergeUnit(f *testing.F) {
	fuzzBudget(f)
	for _, p := range []string{"merge-bad/units/dag-0000.json", "merge-data/units/linsolve-0000.json"} {
		if b, err := os.ReadFile(hostileDir + "/" + p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"experiment":"x","unit":0,"units":1,"run":{"experiments":["x"]},"data":{"a":[null]}}`))
	f.Add([]byte(`{"run":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r repro.UnitResult
		if err := json.Unmarshal(b, &r); err != nil {
			return
		}
		err := repro.ValidateMerge([]repro.MergeUnit{{File: "fuzz.json", R: &r}})
		if err == nil {
			if r.Run == nil || r.Unit < 0 || r.Unit >= r.Units || r.Units != 1 {
				t.Fatalf("accepted an inconsistent unit: %+v", r)
			}
			return
		}
		if !strings.Contains(err.Error(), "fuzz.json") && !strings.Contains(err.Error(), "missing") {
			t.Fatalf("error does not name the unit: %v", err)
		}
	})
}

// FuzzReadCatalogue checks the CUTEst catalogue reader.
func FuzzReadCatalogue(f *testing.F) {
	fuzzBudget(f)
	f.Add("name,classification,equality_only\nHS6,QQR2-AN-2-1,1\n")
	f.Add("name\nA\n")
	f.Add("classification,name\n\"x\",y\n")
	f.Fuzz(func(t *testing.T, s string) {
		es, err := cutest.ParseCatalogue(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		_ = es
	})
}
