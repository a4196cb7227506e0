package sorrepro

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/kkt-go/kkt/internal/repro"
	"github.com/kkt-go/kkt/sor"
)

// TestSORReproducePieces runs the experiment's code paths at toy sizes.
func TestSORReproducePieces(t *testing.T) {
	env := &repro.Env{Seed: 1, Progress: io.Discard, Stderr: io.Discard}
	rows, err := reproShifted(context.Background(), env, "low", sor.LowVariance, 40, 1)
	if err != nil {
		t.Fatal(err)
	}
	hrows, err := reproHeat(context.Background(), env, 8, 30, 0.3, 1)
	if err != nil {
		t.Fatal(err)
	}
	rows = append(rows, hrows...)
	seen := map[string]bool{}
	for _, r := range rows {
		if r.Status == "" || r.Experiment != "sor" {
			t.Errorf("row %+v", r)
		}
		seen[r.Metric] = true
	}
	for _, m := range []string{"low: tsallis mean iterations", "low: chebcb share of gap best-fixed→instance-optimal closed", "heat nx=8: cg total iterations", "heat nx=8: chebcb / CG total iterations"} {
		if !seen[m] {
			t.Errorf("metric %q missing", m)
		}
	}
	if len(env.Figures()) != 3 {
		t.Errorf("%d figures, want 3", len(env.Figures()))
	}
}

// The experiment is split into units; its summary refuses a wrong number of
// unit results instead of indexing past them, and the KKT_SOR_* variables
// select parts of the plan.
func TestSORPlan(t *testing.T) {
	for _, k := range []string{"KKT_SOR_PARTS", "KKT_SOR_SEED", "KKT_SOR_ORACLE"} {
		t.Setenv(k, "")
	}
	for _, c := range []struct {
		full bool
		sor  int
	}{{false, 13}, {true, 34}} {
		env := &repro.Env{Full: c.full, Seed: 1, Progress: io.Discard, Stderr: io.Discard}
		sp, err := sorPlan(env)
		if err != nil || len(sp) != c.sor {
			t.Errorf("full=%v: sor plan has %d units (%v)", c.full, len(sp), err)
		}
		if n := Experiments()[0].Units(env); n != c.sor {
			t.Errorf("full=%v: Units = %d, want %d", c.full, n, c.sor)
		}
		if _, err := summarizeSOR(env, []json.RawMessage{[]byte(`{}`)}); err == nil {
			t.Error("summarizeSOR accepted one result")
		}
	}
	t.Setenv("KKT_SOR_PARTS", "heat")
	if sp, err := sorPlan(&repro.Env{}); err != nil || len(sp) != 9 {
		t.Errorf("KKT_SOR_PARTS=heat: %d units (%v)", len(sp), err)
	}
	t.Setenv("KKT_SOR_PARTS", "shifted:low,long")
	if sp, err := sorPlan(&repro.Env{Full: true}); err != nil || len(sp) != 5+6 {
		t.Errorf("KKT_SOR_PARTS=shifted:low,long: %d units (%v)", len(sp), err)
	}
	t.Setenv("KKT_SOR_SEED", "x")
	if _, err := sorPlan(&repro.Env{}); err == nil {
		t.Error("KKT_SOR_SEED=x accepted")
	}
}
