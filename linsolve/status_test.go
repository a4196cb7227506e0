package linsolve

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

var allKrylov = []struct {
	name  string
	solve solver
}{
	{"CG", CG}, {"MINRES", MINRES}, {"GMRES", GMRES}, {"BiCGSTAB", BiCGSTAB}, {"LSQR", lsqrSolver},
	{"Jacobi", csrSolver(Jacobi)}, {"GaussSeidel", csrSolver(GaussSeidel)},
}

// csrSolver adapts a stationary method to the solver signature (the
// operator must be a *matrix.CSR).
func csrSolver(f func(context.Context, *sparse.CSR, []float64, Settings) (*Result, error)) solver {
	return func(ctx context.Context, a matrix.Operator, b []float64, s Settings) (*Result, error) {
		return f(ctx, a.(*matrix.CSR).A, b, s)
	}
}

func dense2(a, b, c, d float64) matrix.Operator {
	return matrix.Func{R: 2, C: 2,
		Mul:      func(dst, x []float64) { dst[0], dst[1] = a*x[0]+b*x[1], c*x[0]+d*x[1] },
		MulTrans: func(dst, x []float64) { dst[0], dst[1] = a*x[0]+c*x[1], b*x[0]+d*x[1] },
	}
}

func TestNaNInput(t *testing.T) {
	op := matrix.NewCSR(matrix.Poisson2D(4, 4))
	for _, m := range allKrylov {
		for _, where := range []string{"b", "X0"} {
			b := ones(op)
			s := Settings{}
			if where == "b" {
				b[3] = math.NaN()
			} else {
				s.X0 = make([]float64, 16)
				s.X0[5] = math.Inf(-1)
			}
			res, err := m.solve(context.Background(), op, b, s)
			if !errors.Is(err, ErrBadInput) || res != nil {
				t.Errorf("%s, NaN/Inf in %s: res %v, err %v", m.name, where, res, err)
			}
		}
	}
	if _, err := Direct(op, []float64{math.NaN(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}); !errors.Is(err, ErrBadInput) {
		t.Errorf("Direct: err = %v", err)
	}
}

func TestMaxIterationsAndCanceled(t *testing.T) {
	op := matrix.NewCSR(matrix.Poisson2D(20, 20))
	b := ones(op)
	for _, m := range allKrylov {
		res, err := m.solve(context.Background(), op, b, Settings{MaxIter: 2, RTol: 1e-12})
		if err != nil || res.Status != MaxIterations || res.Iterations != 2 {
			t.Errorf("%s MaxIter 2: %+v %v", m.name, res, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res, err = m.solve(ctx, op, b, Settings{})
		if err != nil || res.Status != Canceled {
			t.Errorf("%s canceled context: %+v %v", m.name, res, err)
		}
		calls := 0
		res, err = m.solve(context.Background(), op, b, Settings{History: true, Recorder: func(it Iteration) bool {
			calls++
			return it.Iter < 3
		}})
		if err != nil || res.Status != Canceled || res.Iterations != 3 || calls != 4 || len(res.History) != 4 {
			t.Errorf("%s Recorder stop at 3: %+v %v calls %d", m.name, res, err, calls)
		}
	}
}

func TestBreakdown(t *testing.T) {
	cases := []struct {
		name  string
		solve solver
		a     matrix.Operator
		b     []float64
		s     Settings
		want  Status
	}{
		// pᵀAp = 0 for A = diag(1, −1), p = b = (1, 1).
		{"CG indefinite", CG, dense2(1, 0, 0, -1), []float64{1, 1}, Settings{}, Breakdown},
		// r̂ᵀA·p = bᵀA·b = 0 for a skew-symmetric A.
		{"BiCGSTAB skew", BiCGSTAB, dense2(0, 1, -1, 0), []float64{1, 0}, Settings{}, Breakdown},
		// An indefinite "preconditioner" makes rᵀM⁻¹r < 0.
		{"MINRES indefinite M", MINRES, dense2(2, 0, 0, 1), []float64{1, 0}, Settings{Precond: diagPre{-1, -1}}, Breakdown},
		// GMRES(1) on the swap matrix: A·r ⟂ r, no cycle makes progress.
		{"GMRES(1) swap", GMRES, dense2(0, 1, 1, 0), []float64{1, 0}, Settings{Restart: 1}, Stagnated},
		// LSQR on an ill-conditioned system with a small ConLim.
		{"LSQR conlim", func(ctx context.Context, a matrix.Operator, b []float64, s Settings) (*Result, error) {
			return LSQR(ctx, a, b, LSQRSettings{Settings: s, ConLim: 10})
		}, illDiag(50), ones(illDiag(50)), Settings{}, Stagnated},
	}
	for _, c := range cases {
		res, err := c.solve(context.Background(), c.a, c.b, c.s)
		if err != nil || res.Status != c.want {
			t.Errorf("%s: got %+v, %v; want %v", c.name, res, err, c.want)
		}
		for _, v := range res.X {
			if isBad(v) {
				t.Errorf("%s: non-finite X %v", c.name, res.X)
			}
		}
	}
}

// TestNumericalFailure: an operator that produces NaN after a few products.
func TestNumericalFailure(t *testing.T) {
	base := matrix.NewCSR(matrix.Poisson2D(10, 10))
	for _, m := range allKrylov[:5] {
		calls := 0
		op := matrix.Func{R: 100, C: 100,
			Mul: func(dst, x []float64) {
				base.Apply(dst, x)
				if calls++; calls > 3 {
					dst[7] = math.NaN()
				}
			},
			MulTrans: func(dst, x []float64) { base.ApplyTrans(dst, x) },
		}
		res, err := m.solve(context.Background(), op, ones(base), Settings{RTol: 1e-14})
		if err != nil || res.Status != NumericalFailure {
			t.Errorf("%s: %+v %v", m.name, res, err)
		}
	}
	// Divergence of Jacobi on a matrix that is not diagonally dominant.
	dok := sparse.NewDOK(2, 2)
	dok.Set(0, 0, 1)
	dok.Set(0, 1, 3)
	dok.Set(1, 0, 3)
	dok.Set(1, 1, 1)
	res, err := Jacobi(context.Background(), dok.ToCSR(), []float64{1, 1}, Settings{MaxIter: 100000})
	if err != nil || res.Status != NumericalFailure {
		t.Errorf("diverging Jacobi: %+v %v", res, err)
	}
}

func TestDirect(t *testing.T) {
	// Singular.
	if _, err := Direct(dense2(1, 2, 2, 4), []float64{1, 1}); !errors.Is(err, ErrSingular) {
		t.Errorf("singular: err = %v", err)
	}
	if _, err := Direct(dense2(1, 2, 3, 6), []float64{1, 1}); !errors.Is(err, ErrSingular) {
		t.Errorf("singular nonsymmetric: err = %v", err)
	}
	big := matrix.Func{R: DirectMaxDim + 1, C: DirectMaxDim + 1}
	if _, err := Direct(big, make([]float64, DirectMaxDim+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: err = %v", err)
	}
	// Closed forms: symmetric indefinite (LU after Cholesky fails) and an
	// underdetermined system (minimum norm: x = (1/2, 1/2)).
	res, err := Direct(dense2(0, 1, 1, 0), []float64{2, 3})
	if err != nil || res.X[0] != 3 || res.X[1] != 2 {
		t.Errorf("swap: %+v %v", res, err)
	}
	under := matrix.Func{R: 1, C: 2,
		Mul:      func(dst, x []float64) { dst[0] = x[0] + x[1] },
		MulTrans: func(dst, x []float64) { dst[0], dst[1] = x[0], x[0] },
	}
	res, err = Direct(under, []float64{1})
	if err != nil || math.Abs(res.X[0]-0.5) > 1e-15 || math.Abs(res.X[1]-0.5) > 1e-15 {
		t.Errorf("min-norm: %+v %v", res, err)
	}
}

// illDiag is diag(1, …, 1e-6) with log-spaced entries.
func illDiag(n int) matrix.Operator {
	d := make([]float64, n)
	for i := range d {
		d[i] = math.Pow(1e-6, float64(i)/float64(n-1))
	}
	f := func(dst, x []float64) {
		for i := range d {
			dst[i] = d[i] * x[i]
		}
	}
	return matrix.Func{R: n, C: n, Mul: f, MulTrans: f}
}

// TestZeroRHS: b = 0 gives x = 0 with Converged and no iterations.
func TestZeroRHS(t *testing.T) {
	op := matrix.NewCSR(matrix.Poisson2D(5, 5))
	for _, m := range allKrylov {
		res, err := m.solve(context.Background(), op, make([]float64, 25), Settings{})
		if err != nil || res.Status != Converged || res.Iterations != 0 {
			t.Errorf("%s: %+v %v", m.name, res, err)
			continue
		}
		for _, v := range res.X {
			if v != 0 {
				t.Errorf("%s: x = %v", m.name, res.X)
				break
			}
		}
	}
}
