package auglag

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/matrix"
	sol "github.com/kkt-go/kkt/solver"
)

// Status says how Solve ended: the shared solver.Status. Its zero value is
// NotTerminated, so a Result whose Status was never set does not read as a
// success.
type Status = sol.Status

// The statuses Solve returns (solver.Status values).
const (
	// NotTerminated: the zero value; Solve never returns it.
	NotTerminated = sol.NotTerminated
	// Converged: ‖(∇ₓL, c)‖₂ ≤ Tol.
	Converged = sol.Converged
	// MaxIterations: the outer iteration limit was reached.
	MaxIterations = sol.MaxIterations
	// Singular: λ_min(G Gᵀ) < SingularTol — the constraint Jacobian is
	// (nearly) rank deficient, the KKT matrix is singular.
	Singular = sol.Singular
	// LineSearchFailed: no step satisfied the Armijo condition within
	// MaxBacktracks halvings.
	LineSearchFailed = sol.LineSearchFailed
	// NumericalFailure: NaN or Inf in the problem's values or derivatives.
	NumericalFailure = sol.NumericalFailure
	// Canceled: the context was canceled or the Recorder asked to stop.
	Canceled = sol.Canceled
	// NotApplicable: the chosen method does not apply to the problem (for
	// NewtonSchur and NewtonPMINRES: B is not diagonal and positive; for
	// the preconditioner: IC(0) of the Schur complement failed).
	NotApplicable = sol.NotApplicable
)

// Result reports a solve.
type Result struct {
	Method    Method // the method that ran
	X, Lambda []float64
	Status    Status
	Message   string // what went wrong, when Status is not Converged
	// Stats: Iterations is the number of outer iterations, Time the wall
	// time of the solve.
	sol.Stats
	KKT        float64   // final ‖(∇ₓL, c)‖₂
	F          float64   // final objective
	History    []float64 // KKT residual at the start of each iteration, then the final one
	Alphas     []float64 // accepted step sizes
	Eta1, Eta2 float64   // final penalty parameters (L1SQP and ALM: Eta1 = μ)
	Delta      float64   // final accuracy parameter

	// Work counters.
	ObjEvals, GradEvals, ConsEvals, JacEvals, HessVecs, HessEvals int
	SketchSteps                                                   int   // inner steps over all iterations (GMRES iterations for L1SQP and ALM)
	InnerIterations                                               int   // ALM: Newton steps of the inner loops
	SketchFlops                                                   int64 // inner solver flops
	InnerCapHits                                                  int   // KKT systems whose accuracy test was not met within MaxInner
	Modifications                                                 int   // iterations with a modified Hessian
	PenaltyUpdates                                                int
}

// ErrBadInput is wrapped by errors about unusable inputs (non-finite start).
var ErrBadInput = errors.New("auglag: bad input")

// Solve runs the adaptive inexact Newton method on the exact augmented
// Lagrangian (Hong, Na, Mahoney, Kolar, ICML 2023) from the start point.
// See the package documentation for the algorithm. The error is non-nil
// only for unusable input (a non-finite start point or wrong lengths) and
// for a problem outside the form min f(x) s.t. c(x) = 0: when p states its
// bounds (XL, XU, CL, CU, as nlp.Problem and *cutest.Problem do), any finite
// variable bound or any inequality makes Solve return an error wrapping
// nlp.ErrUnsupported that names the method and what it cannot handle (use
// SolveNLP or the interior-point method of package nlp); equalities
// cl = c(x) = cu with cl ≠ 0 are solved as c(x) − cl = 0. Every numerical
// outcome is a Status in the Result.
func Solve(ctx context.Context, p Problem, s Settings) (*Result, error) {
	set := s.withDefaults()
	rhs, err := checkForm(set.Method.String(), p)
	if err != nil {
		return nil, err
	}
	n, m := p.N(), p.M()
	if n < 1 {
		return nil, fmt.Errorf("%w: problem has n = %d variables", ErrBadInput, n)
	}
	x := make([]float64, n)
	lam := make([]float64, m)
	switch {
	case set.X0 != nil:
		if len(set.X0) != n {
			return nil, fmt.Errorf("%w: len(X0) = %d, want %d", ErrBadInput, len(set.X0), n)
		}
		copy(x, set.X0)
	default:
		if st, ok := p.(Starter); ok {
			copy(x, st.X0())
		}
	}
	switch {
	case set.Lambda0 != nil:
		if len(set.Lambda0) != m {
			return nil, fmt.Errorf("%w: len(Lambda0) = %d, want %d", ErrBadInput, len(set.Lambda0), m)
		}
		copy(lam, set.Lambda0)
	default:
		if st, ok := p.(MultiplierStarter); ok {
			if y0 := st.Y0(); len(y0) == m {
				copy(lam, y0)
			}
		}
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: start point x0[%d] = %v", ErrBadInput, i, v)
		}
	}
	for i, v := range lam {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: start multiplier λ0[%d] = %v", ErrBadInput, i, v)
		}
	}
	sv := newSolver(shift(p, rhs), &set)
	switch set.Method {
	case L1SQP:
		return sv.runL1SQP(ctx, x, lam), nil
	case ALM:
		return sv.runALM(ctx, x, lam), nil
	}
	return sv.run(ctx, x, lam), nil
}

// point holds the first-order information at (x, λ).
type point struct {
	x, lam []float64
	f      float64
	g, c   []float64
	J      *sparse.CSR // private copy
	gradL  []float64   // ∇ₓL = g + Jᵀλ
	ok     bool        // all values finite
}

type solver struct {
	p    Problem
	set  *Settings
	n, m int
	res  *Result
	tmpN []float64
	tmpM []float64
	// schur keeps NewtonSchur's analysis of S across iterations.
	schur *schurCache
}

func newSolver(p Problem, set *Settings) *solver {
	n, m := p.N(), p.M()
	return &solver{p: p, set: set, n: n, m: m, res: &Result{Method: set.Method}, tmpN: make([]float64, n), tmpM: make([]float64, m)}
}

func newPoint(n, m int) *point {
	return &point{x: make([]float64, n), lam: make([]float64, m), g: make([]float64, n), c: make([]float64, m), gradL: make([]float64, n)}
}

// eval fills pt at (x, λ).
func (s *solver) eval(pt *point, x, lam []float64) {
	copy(pt.x, x)
	copy(pt.lam, lam)
	pt.f = s.p.Objective(x)
	s.p.Gradient(pt.g, x)
	s.p.Constraints(pt.c, x)
	s.res.ObjEvals++
	s.res.GradEvals++
	s.res.ConsEvals++
	pt.ok = finite(pt.f) && allFinite(pt.g) && allFinite(pt.c)
	if s.m > 0 {
		J := s.p.Jacobian(x)
		s.res.JacEvals++
		pt.J = copyCSR(pt.J, J)
		if r, c := pt.J.Dims(); r != s.m || c != s.n {
			panic(fmt.Sprintf("auglag: Jacobian is %d×%d, want %d×%d", r, c, s.m, s.n))
		}
		pt.ok = pt.ok && allFinite(pt.J.RawMatrix().Data)
		matrix.MulVecTrans(pt.gradL, pt.J, lam)
	} else {
		clear(pt.gradL)
	}
	for i := range pt.gradL {
		pt.gradL[i] += pt.g[i]
	}
	pt.ok = pt.ok && allFinite(pt.gradL)
}

// kkt returns ‖(∇ₓL, c)‖₂.
func (pt *point) kkt() float64 { return math.Hypot(floats.Norm(pt.gradL, 2), floats.Norm(pt.c, 2)) }

// merit returns L_η(x, λ) = f + λᵀc + (η₁/2)‖c‖² + (η₂/2)‖∇ₓL‖².
func merit(pt *point, eta1, eta2 float64) float64 {
	cc := floats.Dot(pt.c, pt.c)
	gl := floats.Dot(pt.gradL, pt.gradL)
	return pt.f + floats.Dot(pt.lam, pt.c) + 0.5*eta1*cc + 0.5*eta2*gl
}

// meritGrad sets (gx, gl) = ∇L_η at pt:
//
//	∇ₓL_η = ∇ₓL + η₂·H·∇ₓL + η₁·Gᵀc,   ∇_λL_η = c + η₂·G·∇ₓL,
//
// with H = ∇²ₓL(x, λ) (or ∇²f for the ObjectiveHessian variant). hv must
// hold H·∇ₓL (computed once per point, independent of η).
func meritGrad(gx, gl []float64, pt *point, hv []float64, eta1, eta2 float64, tmpN []float64) {
	n := len(gx)
	if len(pt.c) > 0 {
		matrix.MulVecTrans(tmpN, pt.J, pt.c)
		matrix.MulVec(gl, pt.J, pt.gradL)
	} else {
		clear(tmpN)
	}
	for i := 0; i < n; i++ {
		gx[i] = pt.gradL[i] + eta2*hv[i] + eta1*tmpN[i]
	}
	for j := range gl {
		gl[j] = pt.c[j] + eta2*gl[j]
	}
}

func (s *solver) hessVec(dst []float64, pt *point, v []float64) {
	var y []float64
	if s.set.Hessian == LagrangianHessian {
		y = pt.lam
	}
	s.p.HessLagVec(dst, pt.x, y, v)
	s.res.HessVecs++
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func allFinite(v []float64) bool {
	for _, x := range v {
		if !finite(x) {
			return false
		}
	}
	return true
}

// copyCSR copies src into dst (reusing dst's storage when the pattern size
// allows) and returns dst.
func copyCSR(dst, src *sparse.CSR) *sparse.CSR {
	r, c := src.Dims()
	raw := src.RawMatrix()
	nnz := raw.Indptr[r]
	if dst != nil {
		dr := dst.RawMatrix()
		dRows, dCols := dst.Dims()
		if dRows == r && dCols == c && cap(dr.Ind) >= nnz {
			copy(dr.Indptr, raw.Indptr[:r+1])
			ind := dr.Ind[:nnz]
			data := dr.Data[:nnz]
			copy(ind, raw.Ind[:nnz])
			copy(data, raw.Data[:nnz])
			return sparse.NewCSR(r, c, dr.Indptr, ind, data)
		}
	}
	return sparse.NewCSR(r, c, append([]int(nil), raw.Indptr[:r+1]...), append([]int(nil), raw.Ind[:nnz]...), append([]float64(nil), raw.Data[:nnz]...))
}

func frob(a *sparse.CSR) float64 {
	r, _ := a.Dims()
	raw := a.RawMatrix()
	return floats.Norm(raw.Data[:raw.Indptr[r]], 2)
}
