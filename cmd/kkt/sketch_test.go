package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestSketchExperimentSmoke runs the sketch experiment at tiny sizes: every
// row with a theoretical value must hold (status reproduced), and the
// figures must be produced.
func TestSketchExperimentSmoke(t *testing.T) {
	env := &reproEnv{Seed: 1, Progress: io.Discard, Stderr: io.Discard}
	rows, err := runSketchExperiment(context.Background(), env, sketchSmoke)
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
	if len(env.figures) != 2 {
		t.Errorf("%d figures, want 2", len(env.figures))
	}
}

func TestSketchExperimentRegistered(t *testing.T) {
	for _, e := range experiments {
		if e.name == "sketch" && e.order == 30 {
			return
		}
	}
	t.Fatal("experiment sketch (order 30) not registered")
}
