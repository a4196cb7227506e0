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

// TestSummarizeTiming feeds a fabricated timing unit through summarize, in
// the quick and the --full settings, and checks the rows' logic: in the
// sweep with |Ω_j| ≥ k² the sketch solver's time ratio per doubling of k is
// checked against 2.2 (with --full only) and its iterations per regression
// within ±1 across k (always); the other configurations and the sweep at
// |Ω_j| ≈ 200 are information only.
func TestSummarizeTiming(t *testing.T) {
	u := unit{Kind: "timing", KS: []int{10, 20, 40}, KM: 2000, KOmega: 400000,
		LogOmega: []float64{math.Log(1e5), math.Log(4e5)}, LogTime: []float64{0, math.Log(4)}, LogTimeSketch: []float64{0, math.Log(5)},
		ItOmegaCG: []float64{3, 3}, ItOmegaSketch: []float64{4, 4}}
	for s := 0; s < 3; s++ {
		u.KTime[s] = []float64{1, 2, 4}
		u.KIters[s] = []float64{4, 4.5, 6}
	}
	u.KCPU[0], u.KCPU[1], u.KCPU[2] = []float64{1, 3, 9}, []float64{1, 2, 4}, []float64{1, 2.1, 5}
	u.RegM, u.RegP, u.RegRows, u.RegOmega = 2000, 0.8, 1600, 3200000
	u.RegNames = []string{"PCG", "sketch", "sketch, s = 3k"}
	u.RegTime = [][]float64{{1, 2, 4}, {1, 2, 4}, {1, 2, 4}}
	u.RegCPU = [][]float64{{1, 2.5, 6}, {1, 2.1, 4.83}, {1, 2, 4}}    // sketch: 2.1 (≤ 2.2), 2.3 (> 2.2)
	u.RegIts = [][]float64{{3, 4, 5}, {5, 5.9, 4.1}, {5.8, 6.8, 7.4}} // sketch within ±1; s = 3k not
	raw, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	const where = "|Ω|=3200000 (|Ω_j| ≈ 1600)"
	for _, full := range []bool{false, true} {
		env := quietEnv()
		env.Full = full
		rows, err := summarize(env, []json.RawMessage{raw})
		if err != nil {
			t.Fatal(err)
		}
		checked := func(st string) string {
			if full {
				return st
			}
			return "info"
		}
		want := map[string]string{
			"time ratio k=20 vs k=10 (CPU), " + where + ", sketch":                     checked("reproduced"),
			"time ratio k=40 vs k=20 (CPU), " + where + ", sketch":                     checked("differs"),
			"time ratio k=40 vs k=20 (CPU), " + where + ", PCG":                        "info",
			"time ratio k=40 vs k=20 (CPU), " + where + ", sketch, s = 3k":             "info",
			"iterations per regression, k = 10, 20, 40, " + where + ", sketch":         "reproduced",
			"iterations per regression, k = 10, 20, 40, " + where + ", sketch, s = 3k": "info",
			"iterations per regression, k = 10, 20, 40, " + where + ", PCG":            "info",
			"time ratio k=40 vs k=20 (CPU), |Ω|=400000, sketch":                        "info",
			"iterations per regression, k = 10, 20, 40, |Ω|=400000, sketch":            "info",
			"time per AltMin iteration (CPU), k=40, " + where + ", sketch":             "info",
		}
		seen := 0
		for _, r := range rows {
			if st, ok := want[r.Metric]; ok {
				seen++
				if r.Status != st {
					t.Errorf("full=%v %s: status %s, want %s (value %v)", full, r.Metric, r.Status, st, r.Value)
				}
			}
			if strings.HasPrefix(r.Metric, "log-log slope") && strings.Contains(r.Metric, "sketch") {
				seen++
				if math.Abs(r.Value-math.Log(5)/math.Log(4)) > 1e-12 || r.Status != checked("differs") {
					t.Errorf("%s = %v (%s), want log 5/log 4, differs", r.Metric, r.Value, r.Status)
				}
			}
		}
		if seen != len(want)+1 {
			t.Errorf("full=%v: found %d of the %d checked rows", full, seen, len(want)+1)
		}
		if full {
			t.Run("figures", func(t *testing.T) { checkFigures(t, env, rows) })
		}
	}
}

func checkFigures(t *testing.T, env *repro.Env, rows []repro.Row) {
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
