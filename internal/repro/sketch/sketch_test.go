package sketchrepro

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/repro"
)

// TestSmoke runs the sketch experiment at tiny sizes: every row with a
// theoretical value must hold (status reproduced), and the figures must be
// produced.
func TestSmoke(t *testing.T) {
	env := &repro.Env{Seed: 1, Progress: io.Discard, Stderr: io.Discard}
	rows, err := run(context.Background(), env, smokeSizes)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 20 {
		t.Fatalf("only %d rows", len(rows))
	}
	for _, r := range rows {
		if r.Experiment != "sketch" {
			t.Errorf("row %q has experiment %q", r.Metric, r.Experiment)
		}
		if r.Status == "differs" && !strings.Contains(r.Metric, "speedup") {
			t.Errorf("%s: %v vs %v differs (%s)", r.Metric, r.Value, r.Paper, r.Note)
		}
	}
	if len(env.Figures()) != 2 {
		t.Errorf("%d figures, want 2", len(env.Figures()))
	}
}

func TestExperiments(t *testing.T) {
	e := Experiments()
	if len(e) != 1 || e[0].Name != "sketch" || e[0].Order != 30 || e[0].Run == nil {
		t.Fatalf("Experiments() = %+v", e)
	}
	if Experiments()[0] == e[0] {
		t.Error("Experiments returns the same value twice")
	}
}
