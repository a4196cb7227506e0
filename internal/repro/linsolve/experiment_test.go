package linsolverepro

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/repro"
)

func TestRun(t *testing.T) {
	var progress bytes.Buffer
	env := &repro.Env{Progress: &progress}
	rows, err := Run(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0].Status != "reproduced" || rows[0].Paper != SciPyCGPoisson100 {
		t.Errorf("rows: %+v", rows)
	}
	for _, r := range rows[1:] {
		if r.Note != "Converged" {
			t.Errorf("%s: %s", r.Metric, r.Note)
		}
	}
	figs := env.Figures()
	if len(figs) != 1 || len(figs[0].Series) != 5 {
		t.Fatalf("figures: %+v", figs)
	}
	for _, s := range figs[0].Series {
		// Every history starts at ‖b‖/‖b‖ = 1 (x₀ = 0) and ends below the tolerance.
		if len(s.Y) < 2 || math.Abs(s.Y[0]-1) > 1e-12 || s.Y[len(s.Y)-1] > 1e-8 {
			t.Errorf("%s: history of %d values from %v to %v", s.Name, len(s.Y), s.Y[0], s.Y[len(s.Y)-1])
		}
	}
	if !strings.Contains(progress.String(), "SciPy 183") {
		t.Errorf("progress: %q", progress.String())
	}
}

func TestExperimentsFresh(t *testing.T) {
	a := Experiments()
	a[0].Name = "changed"
	if b := Experiments(); len(b) != 1 || b[0].Name != "linsolve" || b[0].Run == nil {
		t.Errorf("Experiments: %+v", b)
	}
}
