package auglag

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/nlp"
	sol "github.com/kkt-go/kkt/solver"
)

// Hock–Schittkowski problems with bounds and inequalities from the shared
// SIF folder, against their published optimal values.
func TestSolveNLPHockSchittkowski(t *testing.T) {
	dir := kktdata.Require(t, "cutest/sif")
	for _, c := range []struct {
		name string
		f    float64
	}{{"HS21", -99.96}, {"HS35", 1.0 / 9}, {"HS71", 17.0140173}, {"HS76", -4.6818182}} {
		p, err := cutest.ParseFile(filepath.Join(dir, c.name+".SIF"), nil)
		if err != nil {
			t.Fatal(err)
		}
		var its []NLPIteration
		res, err := SolveNLP(context.Background(), p, NLPSettings{Recorder: func(it NLPIteration) bool { its = append(its, it); return true }})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range its {
			t.Logf("%s it %d: inner %d cg %d f %.10g infpr %.2g infdu %.2g compl %.2g V %.2g rho %.2g eps %.2g %v", c.name, it.Iter, it.Inner, it.CG, it.F, it.InfPr, it.InfDu, it.Compl, it.V, it.Rho, it.Eps, it.InnerStatus)
		}
		if res.Status != sol.Converged {
			t.Errorf("%s: %v (%s)", c.name, res.Status, res.Message)
		}
		if rel := math.Abs(res.F-c.f) / math.Max(1, math.Abs(c.f)); rel > 1e-6 {
			t.Errorf("%s: f = %.10g, want %.10g (relative error %.2g)", c.name, res.F, c.f, rel)
		}
		xl, xu := p.XL(), p.XU()
		for i, v := range res.X {
			if v < xl[i] || v > xu[i] {
				t.Errorf("%s: x[%d] = %v outside [%v, %v]", c.name, i, v, xl[i], xu[i])
			}
		}
		t.Logf("%s: %v in %d outer iterations, f = %.10g, infpr %.2g infdu %.2g compl %.2g, %d evaluations", c.name, res.Status, res.Iterations, res.F, res.InfPr, res.InfDu, res.Compl, res.Evaluations)
	}
}

// infeasibleProblem: minimize x₁² + x₂² subject to x₁ + x₂ ≥ 3 and
// x ≤ 1 — no point satisfies both.
func infeasibleProblem() *nlp.Funcs {
	return &nlp.Funcs{
		Vars: 2, Cons: 1,
		F:       func(x []float64) float64 { return x[0]*x[0] + x[1]*x[1] },
		Grad:    func(g, x []float64) { g[0], g[1] = 2*x[0], 2*x[1] },
		C:       func(c, x []float64) { c[0] = x[0] + x[1] },
		JacRows: []int{0, 0}, JacCols: []int{0, 1},
		JacValues: func(v, x []float64) { v[0], v[1] = 1, 1 },
		HessRows:  []int{0, 1}, HessCols: []int{0, 1},
		HessValues: func(v, x []float64, s float64, y []float64) { v[0], v[1] = 2*s, 2*s },
		XLower:     []float64{math.Inf(-1), math.Inf(-1)}, XUpper: []float64{1, 1},
		CLower: []float64{3}, CUpper: []float64{math.Inf(1)},
	}
}

func TestSolveNLPInfeasible(t *testing.T) {
	res, err := SolveNLP(context.Background(), infeasibleProblem(), NLPSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != sol.Infeasible {
		t.Fatalf("%v (%s), want Infeasible", res.Status, res.Message)
	}
	// The closest point is x = (1, 1), violation 1.
	if math.Abs(res.X[0]-1) > 1e-6 || math.Abs(res.X[1]-1) > 1e-6 || math.Abs(res.InfPr-1) > 1e-6 {
		t.Errorf("x = %v, infeasibility %v; want (1, 1) and 1", res.X, res.InfPr)
	}
	t.Logf("%v after %d iterations: %s", res.Status, res.Iterations, res.Message)
}

// The subproblem iteration allocates nothing (HS71 through nlp.Funcs,
// whose evaluations allocate nothing).
func TestSolveNLPInnerAllocs(t *testing.T) {
	q := hs71Funcs()
	set := (&NLPSettings{}).withDefaults()
	a := newALM(q, &set)
	a.ctx = context.Background()
	copy(a.x, []float64{1, 5, 5, 1})
	if !a.scale() {
		t.Fatal("scale")
	}
	a.rho = 10
	a.phi, a.f, _ = a.phiAt(a.x, a.c)
	a.gradAt()
	allocs := testing.AllocsPerRun(20, func() {
		a.solveBox(1e-12, 3)
		a.phi, a.f, _ = a.phiAt(a.x, a.c)
		a.gradAt()
	})
	if allocs != 0 {
		t.Errorf("solveBox allocates %.1f times per call", allocs)
	}
}

func hs71Funcs() *nlp.Funcs {
	var hr, hc []int
	for i := range 4 {
		for j := 0; j <= i; j++ {
			hr, hc = append(hr, i), append(hc, j)
		}
	}
	return &nlp.Funcs{
		Vars: 4, Cons: 2,
		F: func(x []float64) float64 { return x[0]*x[3]*(x[0]+x[1]+x[2]) + x[2] },
		Grad: func(g, x []float64) {
			g[0] = x[3] * (2*x[0] + x[1] + x[2])
			g[1] = x[0] * x[3]
			g[2] = x[0]*x[3] + 1
			g[3] = x[0] * (x[0] + x[1] + x[2])
		},
		C: func(c, x []float64) {
			c[0] = x[0] * x[1] * x[2] * x[3]
			c[1] = x[0]*x[0] + x[1]*x[1] + x[2]*x[2] + x[3]*x[3]
		},
		JacRows: []int{0, 0, 0, 0, 1, 1, 1, 1},
		JacCols: []int{0, 1, 2, 3, 0, 1, 2, 3},
		JacValues: func(v, x []float64) {
			v[0], v[1], v[2], v[3] = x[1]*x[2]*x[3], x[0]*x[2]*x[3], x[0]*x[1]*x[3], x[0]*x[1]*x[2]
			v[4], v[5], v[6], v[7] = 2*x[0], 2*x[1], 2*x[2], 2*x[3]
		},
		HessRows: hr, HessCols: hc,
		HessValues: func(v, x []float64, s float64, y []float64) {
			var y0, y1 float64
			if y != nil {
				y0, y1 = y[0], y[1]
			}
			v[0] = s*2*x[3] + 2*y1
			v[1] = s*x[3] + y0*x[2]*x[3]
			v[2] = 2 * y1
			v[3] = s*x[3] + y0*x[1]*x[3]
			v[4] = y0 * x[0] * x[3]
			v[5] = 2 * y1
			v[6] = s*(2*x[0]+x[1]+x[2]) + y0*x[1]*x[2]
			v[7] = s*x[0] + y0*x[0]*x[2]
			v[8] = s*x[0] + y0*x[0]*x[1]
			v[9] = 2 * y1
		},
		XLower: []float64{1, 1, 1, 1}, XUpper: []float64{5, 5, 5, 5},
		CLower: []float64{25, 40}, CUpper: []float64{math.Inf(1), 40},
		Start: []float64{1, 5, 5, 1},
	}
}
