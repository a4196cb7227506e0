package nlprepro

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/internal/repro"
)

func TestRunNoData(t *testing.T) {
	rows, err := Run(context.Background(), &repro.Env{Progress: io.Discard})
	if err != nil || len(rows) != 1 || !strings.HasPrefix(rows[0].Metric, "skipped") {
		t.Errorf("no data: %v %+v", err, rows)
	}
}

// TestRun runs the quick experiment (the Hock–Schittkowski problems with
// the interior-point method, under a second) and checks its rows against
// the targets it reports on.
func TestRun(t *testing.T) {
	dir := kktdata.Require(t, "cutest/ipopt.csv")
	env := &repro.Env{DataDir: filepath.Dir(filepath.Dir(dir)), Progress: io.Discard}
	rows, err := Run(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]repro.Row{}
	for _, r := range rows {
		if r.Experiment != "nlp" {
			t.Errorf("row without the experiment's name: %+v", r)
		}
		got[r.Metric] = r
	}
	share := got["ipm: share of IPOPT's solved problems at IPOPT's objective (1e-6) or better, target ≥ 0.95"]
	if share.Status != "reproduced" || share.Value < 0.95 || share.Value > 1 {
		t.Errorf("share at IPOPT's optimum: %+v", share)
	}
	if r := got["auglag: skipped in quick mode (run with --full)"]; r.Status != "info" {
		t.Errorf("quick mode runs auglag: %+v", rows)
	}
	for _, N := range []string{"16 (n = 512, m = 256)", "32 (n = 2048, m = 1024)", "64 (n = 8192, m = 4096)"} {
		if r := got["ipm, PDE control with 0 ≤ z ≤ 2, N = "+N+": iterations"]; r.Status != "info" || !strings.HasPrefix(r.Note, "Converged") {
			t.Errorf("bounded PDE control N = %s: %+v", N, r)
		}
	}
	figs := env.Figures()
	if len(figs) != 1 || len(figs[0].Series) != 2 {
		t.Fatalf("figures: %+v", figs)
	}
	for _, s := range figs[0].Series {
		for i, y := range s.Y {
			if y < 0 || y > 1 || (i > 0 && y < s.Y[i-1]) {
				t.Errorf("%s: profile %v is not a nondecreasing fraction", s.Name, s.Y)
				break
			}
		}
	}
}

func TestExperimentsFresh(t *testing.T) {
	a := Experiments()
	a[0].Name = "changed"
	if b := Experiments(); len(b) != 1 || b[0].Name != "nlp" || b[0].Order != 14 {
		t.Errorf("Experiments: %+v", b)
	}
}
