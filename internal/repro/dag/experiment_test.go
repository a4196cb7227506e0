package dagrepro

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/dag"
	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/internal/repro"
)

func TestExperiments(t *testing.T) {
	a, b := Experiments(), Experiments()
	if len(a) != 1 || a[0] == b[0] || a[0].Name != "dag" || a[0].Order != 60 || a[0].RunUnit == nil || a[0].Summarize == nil {
		t.Fatalf("Experiments: %+v", a)
	}
	if n := a[0].Units(&repro.Env{Seed: 1}); n != 16 {
		t.Errorf("quick units without data: %d", n)
	}
}

// The plan: 5 seeds of every cell (3 quick cells, 24 full ones), the seeds
// counting from env.Seed, then one Sachs unit without data (it reports the
// missing data) or two with it.
func TestPlan(t *testing.T) {
	withData := t.TempDir()
	for _, f := range []string{SachsData, SachsGraph} {
		p := filepath.Join(withData, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("a\n1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		full       bool
		data       string
		cells      int
		sachsUnits int
	}{{false, "", 3, 1}, {true, "", 24, 1}, {false, withData, 3, 2}} {
		env := &repro.Env{Full: c.full, Seed: 11, DataDir: c.data}
		p := Plan(env)
		if len(p) != 5*c.cells+c.sachsUnits {
			t.Errorf("full=%v data=%q: %d units", c.full, c.data, len(p))
			continue
		}
		for i, u := range p[:5*c.cells] {
			if u.Sachs != "" || u.S != i%5+1 || u.Seed != uint64(10+i%5+1) || u.Seeds != 5 || len(u.Methods) == 0 {
				t.Errorf("full=%v: unit %d is %+v", c.full, i, u)
			}
		}
		for i, u := range p[5*c.cells:] {
			if u.Sachs != SachsVariants()[i] {
				t.Errorf("Sachs unit %d: %+v", i, u)
			}
		}
		if c.full && (len(p[0].Methods) != len(Methods()) || p[5*c.cells-1].Cell.Name() != "SF4 d=100 nv") {
			t.Errorf("full plan: %+v ... %+v", p[0], p[5*c.cells-1])
		}
		if _, err := Summarize(env, nil); err == nil || !strings.Contains(err.Error(), "0 results for") {
			t.Errorf("Summarize accepted no results: %v", err)
		}
		if _, err := RunUnit(context.Background(), env, len(p)); err == nil {
			t.Error("RunUnit accepted a unit past the plan")
		}
	}
}

// Summarize over hand-made unit results: the rows follow from the fits
// (mean SHD against the reference, the targets of the paper's claims),
// timing rows are marked, and the files land in OutDir.
func TestSummarize(t *testing.T) {
	dir := t.TempDir()
	env := &repro.Env{Seed: 1, OutDir: dir}
	plan := Plan(env)
	f := func(x float64) *float64 { return &x }
	data := make([]json.RawMessage, len(plan))
	for i, u := range plan {
		var unit Unit
		if u.Sachs != "" {
			unit.Sachs = []repro.Row{{Experiment: "dag", Metric: "Sachs", Value: math.NaN(), Paper: math.NaN(), Status: "info"}}
		} else {
			unit.Seed = u.Seed
			for _, m := range u.Methods {
				fit := Fit{Method: m, Seconds: 0.5, Score: f(1)}
				switch m {
				case "topo":
					fit.SHD = []int{0, 0, 0, 1, 0}[u.S-1] // 4 of 5 at SHD 0
				case "colide-ev":
					fit.SHD, fit.SigmaErr = 4+2*u.S, f(0.01) // 6..14: mean 10, sd √10
				case "colide-ev+topo":
					fit.SHD, fit.StartLS = 1, f(1) // score 1 ≤ 1: not worse
				case "dagma":
					fit.SHD = 40
				case "colide-nv":
					fit.SHD = 30
				}
				unit.Fits = append(unit.Fits, fit)
			}
		}
		b, err := json.Marshal(unit)
		if err != nil {
			t.Fatal(err)
		}
		data[i] = b
	}
	rows, err := Summarize(env, data)
	if err != nil {
		t.Fatal(err)
	}
	byMetric := map[string]repro.Row{}
	for _, r := range rows {
		byMetric[r.Metric] = r
		if r.Timing != strings.HasSuffix(r.Metric, "time per fit") {
			t.Errorf("%s: timing %v", r.Metric, r.Timing)
		}
	}
	for _, w := range []struct {
		metric string
		value  float64
		status string
	}{
		{"ER2 d=20 ev topo mean SHD", 0.2, "info"},
		{"ER2 d=20 ev topo seeds with SHD 0", 4, "reproduced"},
		{"ER4 d=20 ev colide-ev mean SHD", 10, "reproduced"}, // |10 − 6| ≤ max(6, √10)
		{"ER4 d=20 ev colide-ev mean |σ̂/σ − 1|", 0.01, "reproduced"},
		{"ER4 d=20 ev colide-ev+topo seeds not worse than start", 5, "reproduced"},
		{"ER4 d=20 nv colide-nv mean SHD", 30, "reproduced"}, // |30 − 28.4| ≤ 15.1
		{"ER4 d=20 nv colide-nv − dagma mean SHD", -10, "reproduced"},
		{"ER4 d=20 nv dagma time per fit", 0.5, "info"},
		{"Sachs", math.NaN(), "info"},
	} {
		r, ok := byMetric[w.metric]
		if !ok {
			t.Errorf("no row %q", w.metric)
			continue
		}
		if !(math.Abs(r.Value-w.value) <= 1e-12 || math.IsNaN(w.value) && math.IsNaN(r.Value)) || r.Status != w.status {
			t.Errorf("%s: %v %s, want %v %s", w.metric, r.Value, r.Status, w.value, w.status)
		}
	}
	if r := byMetric["ER4 d=20 ev colide-ev mean SHD"]; r.Paper != 6 || math.Abs(r.Ratio-10.0/6) > 1e-15 || !strings.Contains(r.Note, "sd 3.2 over 5 seeds") {
		t.Errorf("reference row %+v", r)
	}
	for _, f := range []string{"dag-shd-er2-ev.svg", "dag-shd-er4-nv.png", "dag-sweep.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	// a unit of the wrong seed is refused
	data[0], _ = json.Marshal(Unit{Seed: 99, Fits: []Fit{{Method: "topo"}}})
	if _, err := Summarize(&repro.Env{Seed: 1}, data); err == nil || !strings.Contains(err.Error(), "unit 0: seed 99") {
		t.Errorf("wrong seed: %v", err)
	}
}

// StatRows against the references: outside one sd differs; NV > DAGMA
// differs; a missed TOPO target differs.
func TestStatRowsDiffers(t *testing.T) {
	stats := []*Stat{
		{Cell: "ER4 d=20 nv", Graph: "er", K: 4, D: 20, Unequal: true, Method: "colide-nv", Seeds: 5, MeanSHD: 50, SDSHD: 2},
		{Cell: "ER4 d=20 nv", Graph: "er", K: 4, D: 20, Unequal: true, Method: "dagma", Seeds: 5, MeanSHD: 45},
		{Cell: "ER2 d=20 ev", Graph: "er", K: 2, D: 20, Method: "topo", Seeds: 5, ZeroSHD: 3},
		{Cell: "ER2 d=20 ev", Graph: "er", K: 2, D: 20, Method: "colide-ev", Seeds: 5, MeanSHD: 0, SigmaRelErr: 0.07},
	}
	want := map[string]string{
		"ER4 d=20 nv colide-nv mean SHD":         "differs", // |50 − 28.4| > 15.1
		"ER4 d=20 nv colide-nv − dagma mean SHD": "differs",
		"ER2 d=20 ev topo seeds with SHD 0":      "differs",
		"ER2 d=20 ev colide-ev mean SHD":         "reproduced", // ref 0 ± 0
		"ER2 d=20 ev colide-ev mean |σ̂/σ − 1|":  "differs",
		"ER4 d=20 nv dagma mean SHD":             "info",
	}
	got := 0
	for _, r := range StatRows(stats) {
		if w, ok := want[r.Metric]; ok {
			got++
			if r.Status != w {
				t.Errorf("%s: %s, want %s", r.Metric, r.Status, w)
			}
		}
	}
	if got != len(want) {
		t.Errorf("%d of %d rows", got, len(want))
	}
	if r := StatRows(stats[3:])[0]; r.Ratio != 0 || r.Paper != 0 {
		t.Errorf("zero reference: %+v", r)
	}
}

func TestSachsWithoutData(t *testing.T) {
	rows, err := Sachs(context.Background(), &repro.Env{Progress: io.Discard}, Methods(), "raw")
	if err != nil || len(rows) != 1 || rows[0].Status != "info" || !strings.Contains(rows[0].Note, "not found") {
		t.Errorf("%v %+v", err, rows)
	}
}

// Sachs (853 observational samples, 17-edge consensus graph): TOPO from a
// random order on the raw data reaches the published SHD range (≤ 16).
func TestSachsTOPO(t *testing.T) {
	kktdata.Require(t, SachsData)
	kktdata.Require(t, SachsGraph)
	env := &repro.Env{Seed: 1, DataDir: kktdata.Dir(), Progress: io.Discard}
	rows, err := Sachs(context.Background(), env, []string{"topo"}, "raw")
	if err != nil || len(rows) != 1 {
		t.Fatalf("%v %+v", err, rows)
	}
	if r := rows[0]; r.Value > 16 || r.Status != "reproduced" || !strings.Contains(r.Note, "n=853") {
		t.Errorf("Sachs TOPO: %+v", r)
	}
	// the standardised variant is information only
	rows, err = Sachs(context.Background(), env, []string{"topo"}, "standardised")
	if err != nil || rows[0].Status != "info" || rows[0].Metric != "Sachs (standardised) topo SHD" {
		t.Errorf("%v %+v", err, rows)
	}
}

// RunUnit of a sweep unit returns the fits FitSeed computes for its seed.
func TestRunUnit(t *testing.T) {
	env := &repro.Env{Seed: 3, Progress: io.Discard}
	raw, err := RunUnit(context.Background(), env, 0)
	if err != nil {
		t.Fatal(err)
	}
	var u Unit
	if err := json.Unmarshal(raw, &u); err != nil {
		t.Fatal(err)
	}
	fits, err := FitSeed(context.Background(), Cell{dag.ER, 2, 20, false}, []string{"topo"}, 3, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if u.Seed != 3 || len(u.Fits) != 1 || u.Fits[0].SHD != fits[0].SHD || *u.Fits[0].Score != *fits[0].Score {
		t.Errorf("unit %+v, fits %+v", u, fits)
	}
}
