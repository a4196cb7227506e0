package auglag

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/nlp"
	sol "github.com/kkt-go/kkt/solver"
)

// TestNothingIsDropped runs the problems of the shared SIF folder with
// n ≤ 12 whose SIF file has at most 4 kB (about 400 problems; with -short
// n ≤ 6 and 3 kB; with KKT_ALM_NODROP=1 every problem with n ≤ 200)
// through every method of Solve and through
// SolveNLP, with small iteration caps. Each run must either refuse the
// problem with an error wrapping nlp.ErrUnsupported or, when it reports
// Converged, stand at a point that satisfies the problem's bounds exactly
// and its constraints cl ≤ c(x) ≤ cu to the method's tolerance. A bound or
// an inequality that a method ignored would show as a Converged run at a
// point that violates it. TestNothingIsDroppedFull (KKT_NODROP_FULL=1)
// runs every file, the interior-point method included, under deadlines.
func TestNothingIsDropped(t *testing.T) {
	dir := kktdata.Require(t, "cutest/sif")
	files, _ := filepath.Glob(filepath.Join(dir, "*.SIF"))
	sort.Strings(files)
	maxN, maxBytes := 12, int64(4000)
	switch {
	case os.Getenv("KKT_ALM_NODROP") != "":
		maxN, maxBytes = 200, 1<<62
	case testing.Short():
		maxN, maxBytes = 6, 3000
	}
	var runs, refused, converged, problems int
	for _, file := range files {
		if fi, err := os.Stat(file); err != nil || fi.Size() > maxBytes {
			continue
		}
		p, err := cutest.ParseFile(file, nil)
		if err != nil || p.N() > maxN || p.M() > 2*maxN {
			continue
		}
		shape, err := nlp.Classify(p)
		if err != nil {
			t.Errorf("%s: %v", p.Name(), err)
			continue
		}
		problems++
		// check reports a Converged run outside the method's documented
		// feasibility (nodropFeasible).
		check := func(what string, x []float64, allowed func(kind byte, i int, b float64) float64) {
			if _, ok, msg := nodropFeasible(p, x, allowed); !ok {
				t.Errorf("%s %s: %s", p.Name(), what, msg)
			}
		}
		// ‖(∇ₓL, c − cl)‖₂ ≤ Tol = 1e-4 bounds every |cⱼ − clⱼ|.
		eqTol := func(kind byte, _ int, _ float64) float64 {
			if kind == 'x' {
				return 0
			}
			return 1e-4
		}
		for m := AdaSketchGV; m <= ALM; m++ {
			runs++
			res, err := Solve(context.Background(), p, Settings{Method: m, MaxIter: 5, MaxInner: 2000})
			switch {
			case errors.Is(err, nlp.ErrUnsupported):
				refused++
				if shape.EqualityOnly() {
					t.Errorf("%s %v: refused an equality-only problem: %v", p.Name(), m, err)
				}
				continue
			case err != nil:
				t.Errorf("%s %v: %v", p.Name(), m, err)
				continue
			}
			if !shape.EqualityOnly() {
				t.Errorf("%s %v: ran a problem with %d bounds and %d inequalities (%v)", p.Name(), m, shape.LowerBounds+shape.UpperBounds, shape.Inequalities+shape.Free, res.Status)
			}
			if res.Status == Converged {
				converged++
				check(m.String(), res.X, eqTol)
			}
		}
		runs++
		res, err := SolveNLP(context.Background(), p, NLPSettings{MaxIter: 5, MaxInner: 200})
		if err != nil {
			t.Errorf("%s auglag: %v", p.Name(), err)
			continue
		}
		if res.Status == sol.Converged {
			converged++
			check("auglag", res.X, almAllowance(p))
		}
	}
	t.Logf("%d problems with n ≤ %d, %d runs: %d refused, %d converged and checked feasible", problems, maxN, runs, refused, converged)
	if problems == 0 {
		t.Fatal("no problems found")
	}
}
