package nlp_test

import (
	"context"
	"math"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/nlp"
	"github.com/kkt-go/kkt/solver"
)

// quad2 is min f(x) over x ∈ ℝ² with one constraint c, given by closures
// (the Hessian pattern is the full lower triangle).
func twoVar(f func(x []float64) float64, g func(g, x []float64), h func(x []float64) [3]float64,
	c func(x []float64) float64, jc func(x []float64) [2]float64, hc [3]float64, cl, cu float64) *nlp.Funcs {
	return &nlp.Funcs{
		Vars: 2, Cons: 1,
		F: f, Grad: g,
		C:       func(d, x []float64) { d[0] = c(x) },
		JacRows: []int{0, 0}, JacCols: []int{0, 1},
		JacValues: func(v, x []float64) { j := jc(x); v[0], v[1] = j[0], j[1] },
		HessRows:  []int{0, 1, 1}, HessCols: []int{0, 0, 1},
		HessValues: func(v, x []float64, s float64, y []float64) {
			hv := h(x)
			yy := 0.0
			if y != nil {
				yy = y[0]
			}
			for k := range 3 {
				v[k] = s*hv[k] + yy*hc[k]
			}
		},
		CLower: []float64{cl}, CUpper: []float64{cu},
	}
}

func TestInfeasible(t *testing.T) {
	// x₁² + x₂² ≤ −1 has no solution.
	p := twoVar(
		func(x []float64) float64 { return x[0] + x[1] },
		func(g, x []float64) { g[0], g[1] = 1, 1 },
		func(x []float64) [3]float64 { return [3]float64{} },
		func(x []float64) float64 { return x[0]*x[0] + x[1]*x[1] },
		func(x []float64) [2]float64 { return [2]float64{2 * x[0], 2 * x[1]} },
		[3]float64{2, 0, 2}, math.Inf(-1), -1)
	p.Start = []float64{1, 2}
	r, err := nlp.Solve(context.Background(), p, nlp.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != solver.Infeasible {
		t.Fatalf("status %v (%s), want Infeasible", r.Status, r.Message)
	}
	// The point returned is the stationary point of the violation, x = 0.
	if math.Abs(r.X[0]) > 1e-3 || math.Abs(r.X[1]) > 1e-3 || math.Abs(r.InfPr-1) > 1e-3 {
		t.Errorf("x = %v, InfPr = %g; want x = 0, InfPr = 1", r.X, r.InfPr)
	}
}

func TestUnbounded(t *testing.T) {
	// min −x₁² − x₂² subject to x₁ − x₂ = 0, x ≥ 0.
	p := twoVar(
		func(x []float64) float64 { return -x[0]*x[0] - x[1]*x[1] },
		func(g, x []float64) { g[0], g[1] = -2*x[0], -2*x[1] },
		func(x []float64) [3]float64 { return [3]float64{-2, 0, -2} },
		func(x []float64) float64 { return x[0] - x[1] },
		func(x []float64) [2]float64 { return [2]float64{1, -1} },
		[3]float64{}, 0, 0)
	p.XLower = []float64{0, 0}
	r, err := nlp.Solve(context.Background(), p, nlp.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != solver.Unbounded {
		t.Fatalf("status %v (%s) after %d iterations with f = %g, want Unbounded", r.Status, r.Message, r.Iterations, r.F)
	}
}

func TestNaNAtTrialPoint(t *testing.T) {
	// f(x) = (x₁−3)²/2 − log(2.5 − x₁) + x₂² is NaN for x₁ > 2.5; from
	// x₁ = −5 the first Newton step lands there and must be cut.
	p := twoVar(
		func(x []float64) float64 { return (x[0]-3)*(x[0]-3)/2 - math.Log(2.5-x[0]) + x[1]*x[1] },
		func(g, x []float64) { g[0], g[1] = (x[0]-3)+1/(2.5-x[0]), 2*x[1] },
		func(x []float64) [3]float64 { d := 2.5 - x[0]; return [3]float64{1 + 1/(d*d), 0, 2} },
		func(x []float64) float64 { return x[1] },
		func(x []float64) [2]float64 { return [2]float64{0, 1} },
		[3]float64{}, -1, 1)
	p.Start = []float64{-5, 0.5}
	cut := false
	r, err := nlp.Solve(context.Background(), p, nlp.Settings{Recorder: func(it nlp.Iteration) bool {
		cut = cut || it.LS > 1
		return true
	}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != solver.Converged {
		t.Fatalf("status %v: %s", r.Status, r.Message)
	}
	want := (5.5 - math.Sqrt(5.5*5.5-26)) / 2
	if math.Abs(r.X[0]-want) > 1e-7 || math.Abs(r.X[1]) > 1e-7 {
		t.Errorf("x = %v, want [%g 0]", r.X, want)
	}
	if !cut {
		t.Error("no step was cut: the test did not reach a NaN trial point")
	}
}

func TestStartOutsideBounds(t *testing.T) {
	p := hs71()
	p.Start = []float64{0, 6, 6, -3}
	first := true
	var x0ok bool
	r, err := nlp.Solve(context.Background(), p, nlp.Settings{Recorder: func(it nlp.Iteration) bool {
		if first {
			first = false
			x0ok = !math.IsNaN(it.F)
		}
		return true
	}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != solver.Converged || math.Abs(r.F-17.0140173) > 1e-6 {
		t.Fatalf("status %v, f = %.10g", r.Status, r.F)
	}
	if !x0ok {
		t.Error("first iterate not finite")
	}
	for i, x := range r.X {
		if x < 1-1e-7 || x > 5+1e-7 {
			t.Errorf("x[%d] = %g outside [1, 5]", i, x)
		}
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	p := hs71()
	if _, err := nlp.Solve(ctx, p, nlp.Settings{X0: []float64{1, 2}}); err == nil {
		t.Error("X0 of the wrong length accepted")
	}
	if _, err := nlp.Solve(ctx, p, nlp.Settings{X0: []float64{1, math.NaN(), 1, 1}}); err == nil {
		t.Error("NaN start accepted")
	}
	q := hs71()
	q.XLower = []float64{1, 6, 1, 1}
	if _, err := nlp.Solve(ctx, q, nlp.Settings{}); err == nil {
		t.Error("xl > xu accepted")
	}
	for _, st := range []nlp.Settings{{Tol: -1}, {Mu0: math.NaN()}, {BoundFrac: 0.7}, {ComplInfTol: math.Inf(1)}} {
		if _, err := nlp.Solve(ctx, hs71(), st); err == nil {
			t.Errorf("Settings %+v accepted", st)
		}
	}
	// NaN objective at the start: a status, not a panic or an error.
	q = hs71()
	q.F = func(x []float64) float64 { return math.NaN() }
	r, err := nlp.Solve(ctx, q, nlp.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != solver.NumericalFailure {
		t.Errorf("NaN objective: status %v", r.Status)
	}
	// The Recorder can stop the run.
	r, err = nlp.Solve(ctx, hs71(), nlp.Settings{Recorder: func(nlp.Iteration) bool { return false }})
	if err != nil || r.Status != solver.Canceled || r.Iterations != 1 {
		t.Errorf("Recorder stop: %v, %v after %d iterations", err, r.Status, r.Iterations)
	}
	// A canceled context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if r, _ = nlp.Solve(cctx, hs71(), nlp.Settings{}); r.Status != solver.Canceled {
		t.Errorf("canceled context: %v", r.Status)
	}
	// Maximum iterations.
	if r, _ = nlp.Solve(ctx, hs71(), nlp.Settings{MaxIter: 3}); r.Status != solver.MaxIterations || r.Iterations != 3 {
		t.Errorf("MaxIter 3: %v after %d", r.Status, r.Iterations)
	}
}

// patternChanger breaks the Problem contract: its Jacobian loses an entry
// after a few calls.
type patternChanger struct {
	*nlp.Funcs
	calls int
}

func (p *patternChanger) Jacobian(x []float64) *sparse.CSR {
	p.calls++
	j := p.Funcs.Jacobian(x)
	if p.calls < 4 {
		return j
	}
	r := j.RawMatrix()
	return sparse.NewCSR(2, 4, []int{0, 3, 7}, append([]int(nil), r.Ind[1:]...), append([]float64(nil), r.Data[1:]...))
}

func TestChangedPatternNoPanic(t *testing.T) {
	for _, sp := range []bool{false, true} {
		if sp {
			defer nlp.SetSparseMin(nlp.SetSparseMin(0))
		}
		r, err := nlp.Solve(context.Background(), &patternChanger{Funcs: hs71()}, nlp.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		// Dense: the changed pattern is just another matrix (here a wrong
		// Jacobian); sparse: a NumericalFailure. Neither may panic.
		t.Logf("sparse=%v: %v (%s)", sp, r.Status, r.Message)
		if sp && r.Status != solver.NumericalFailure {
			t.Errorf("sparse path with a changed Jacobian pattern: %v", r.Status)
		}
	}
}
