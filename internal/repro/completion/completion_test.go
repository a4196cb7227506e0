package completionrepro

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/repro"
	"github.com/kkt-go/kkt/matrix/completion"
)

func quietEnv() *repro.Env { return &repro.Env{Seed: 1, Progress: io.Discard, Stderr: io.Discard} }

// TestSummarizeTiming feeds a fabricated timing unit through summarize and
// checks the checked rows: the sketch solver's time ratio per doubling of k
// against 2.2 and its iterations per regression within ±1 across k.
func TestSummarizeTiming(t *testing.T) {
	u := unit{Kind: "timing", KS: []int{10, 20, 40}, KOmega: 400000,
		LogOmega: []float64{math.Log(1e5), math.Log(4e5)}, LogTime: []float64{0, math.Log(4)}, LogTimeSketch: []float64{0, math.Log(5)},
		ItOmegaCG: []float64{3, 3}, ItOmegaSketch: []float64{4, 4}}
	for s := 0; s < 3; s++ {
		u.KTime[s] = []float64{1, 2, 4}
		u.KIters[s] = []float64{4, 4.5, 6}
	}
	u.KCPU[0], u.KCPU[1], u.KCPU[2] = []float64{1, 3, 9}, []float64{1, 2, 4}, []float64{1, 2.1, 5}
	u.KIters[2] = []float64{4, 4.9, 3.2}
	u.DenseOmega = 800000
	for s := 0; s < 3; s++ {
		u.DenseTime[s], u.DenseCPU[s], u.DenseIts[s] = []float64{1, 2, 4}, []float64{1, 2, 4.2}, []float64{5, 6, 6.5}
	}
	raw, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	env := quietEnv()
	env.Full = true
	rows, err := summarize(env, []json.RawMessage{raw})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"time ratio k=20 vs k=10 (CPU), sketch":             "reproduced",
		"time ratio k=40 vs k=20 (CPU), sketch":             "differs",
		"time ratio k=40 vs k=20 (CPU), PCG":                "info",
		"iterations per regression, k = 10, 20, 40, sketch": "reproduced",
		"iterations per regression, k = 10, 20, 40, PCG":    "info",
	}
	seen := 0
	for _, r := range rows {
		if st, ok := want[r.Metric]; ok {
			seen++
			if r.Status != st {
				t.Errorf("%s: status %s, want %s (value %v)", r.Metric, r.Status, st, r.Value)
			}
		}
		if strings.HasPrefix(r.Metric, "log-log slope") && strings.Contains(r.Metric, "sketch") {
			seen++
			if math.Abs(r.Value-math.Log(5)/math.Log(4)) > 1e-12 || r.Status != "differs" {
				t.Errorf("%s = %v (%s), want log 5/log 4, differs", r.Metric, r.Value, r.Status)
			}
		}
	}
	if seen != len(want)+1 {
		t.Errorf("found %d of the %d checked rows", seen, len(want)+1)
	}
	if len(env.Figures()) != 2 {
		t.Errorf("%d figures, want 2 (against |Ω| and against k)", len(env.Figures()))
	}
	// Time and iterations per regression against |Ω| for both solvers.
	byMetric := map[string]repro.Row{}
	for _, r := range rows {
		byMetric[r.Metric] = r
	}
	for m, v := range map[string]float64{
		"time per AltMin iteration (CPU), |Ω| sweep, |Ω|=400000, k=10, PCG":    4,
		"time per AltMin iteration (CPU), |Ω| sweep, |Ω|=100000, k=10, sketch": 1,
		"iterations per regression, k=10, |Ω| = 100000, 400000, PCG":           0,
	} {
		if r, ok := byMetric[m]; !ok || math.Abs(r.Value-v) > 1e-12 {
			t.Errorf("row %q: %+v (present %v), want value %v", m, r, ok, v)
		}
	}
}

// TestSensingUnit runs the sensing unit (seconds) and checks its claims.
func TestSensingUnit(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	env := quietEnv()
	seeds, _ := plan(env)
	raw, err := runUnit(context.Background(), env, seeds+1)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := summarize(env, []json.RawMessage{raw})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Status == "differs" {
			t.Errorf("%s: %v (%s)", r.Metric, r.Value, r.Note)
		}
	}
}

// TestTimePerIteration: the iteration timing of a small problem is
// positive and counts the sketch solver's iterations per regression.
func TestTimePerIteration(t *testing.T) {
	obs, _, _ := completion.Synthetic(rand.New(rand.NewPCG(1, 1)), 120, 100, 3, 0.3)
	for _, s := range []completion.Solver{completion.SolverExact, completion.SolverCG, completion.SolverSketch} {
		it, err := timePerIteration(context.Background(), obs, 3, s, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !(it.wall > 0) || math.IsInf(it.wall, 0) {
			t.Errorf("%v: wall %v", s, it.wall)
		}
		if (s == completion.SolverExact) != (it.iters == 0) {
			t.Errorf("%v: %v iterations per regression", s, it.iters)
		}
	}
}
