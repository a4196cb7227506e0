package auglag

import (
	"context"
	"errors"
	"math"
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
// point that violates it.
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
		xl, xu, cl, cu := p.XL(), p.XU(), p.CL(), p.CU()
		// feasible reports the largest bound violation (must be 0) and the
		// largest constraint violation relative to tol·w_j.
		check := func(what string, x []float64, tol float64, w []float64) {
			for i, v := range x {
				if v < xl[i] || v > xu[i] || math.IsNaN(v) {
					t.Errorf("%s %s: Converged with x[%d] = %v outside [%v, %v]", p.Name(), what, i, v, xl[i], xu[i])
					return
				}
			}
			c := make([]float64, p.M())
			p.Constraints(c, x)
			for j, v := range c {
				viol := math.Max(cl[j]-v, v-cu[j])
				if !(viol <= tol*w[j]) {
					t.Errorf("%s %s: Converged with constraint %d violated by %.3g > %.3g (c = %v, [%v, %v])", p.Name(), what, j, viol, tol*w[j], v, cl[j], cu[j])
					return
				}
			}
		}
		ones := make([]float64, p.M())
		for j := range ones {
			ones[j] = 1
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
				// ‖(∇ₓL, c)‖₂ ≤ Tol = 1e-4 bounds every |cⱼ|.
				check(m.String(), res.X, 1e-4, ones)
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
			// Tol = 1e-8 holds on the scaled constraints sⱼcⱼ with
			// sⱼ = min(1, 100/‖∇cⱼ(x₀)‖∞) (package documentation).
			w := make([]float64, p.M())
			if p.M() > 0 {
				x0 := p.X0()
				for i := range x0 {
					x0[i] = math.Min(math.Max(x0[i], xl[i]), xu[i])
				}
				J := p.Jacobian(x0)
				raw := J.RawMatrix()
				for j := range w {
					var rm float64
					for k := raw.Indptr[j]; k < raw.Indptr[j+1]; k++ {
						rm = math.Max(rm, math.Abs(raw.Data[k]))
					}
					w[j] = math.Max(1, rm/100) * (1 + 1e-9)
				}
			}
			check("auglag", res.X, 1e-8, w)
		}
	}
	t.Logf("%d problems with n ≤ %d, %d runs: %d refused, %d converged and checked feasible", problems, maxN, runs, refused, converged)
	if problems == 0 {
		t.Fatal("no problems found")
	}
}
