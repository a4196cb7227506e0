package linsolve

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/kkt-go/kkt/matrix"
	sol "github.com/kkt-go/kkt/solver"
)

// Status reports how a solve ended: the shared solver.Status. Its zero value
// is NotTerminated, so a Result whose Status was never set does not read as
// a success.
type Status = sol.Status

// The statuses the solvers of this package return (solver.Status values).
const (
	// NotTerminated: the zero value; no solve returns it.
	NotTerminated = sol.NotTerminated
	// Converged: the stopping rule of the method was met (the direct solvers
	// report Converged on success).
	Converged = sol.Converged
	// MaxIterations: the iteration limit was reached first.
	MaxIterations = sol.MaxIterations
	// Breakdown: a division by (near) zero in the recurrences, e.g. pᵀAp ≤ 0
	// in CG on an indefinite matrix, or ρ = 0 in BiCGSTAB.
	Breakdown = sol.Breakdown
	// Stagnated: the iterate stopped changing before the tolerance was met.
	Stagnated = sol.Stagnated
	// NumericalFailure: a NaN or Inf appeared in the iteration.
	NumericalFailure = sol.NumericalFailure
	// Canceled: the context was canceled or the Recorder asked to stop.
	Canceled = sol.Canceled
)

// Preconditioner applies M⁻¹: Precondition sets dst = M⁻¹·r. It must not
// retain dst or r and should allocate nothing.
type Preconditioner interface {
	Precondition(dst, r []float64)
}

// Identity is the trivial preconditioner M = I.
type Identity struct{}

// Precondition copies r into dst.
func (Identity) Precondition(dst, r []float64) { copy(dst, r) }

// Settings holds the options shared by every solver. The zero value is
// usable: RTol 1e-8, ATol 0, MaxIter max(10·n, 100), no preconditioner, zero
// initial guess, GMRES restart DefaultRestart (20), serial CG loops.
//
// All iterative methods except LSQR stop as soon as
//
//	‖b − A·x‖₂ ≤ max(RTol·‖b‖₂, ATol)
//
// measured on the residual the method carries (the recurrence residual for
// Krylov methods, the true residual for the stationary methods); LSQR uses
// the Paige–Saunders rules, see LSQR.
type Settings struct {
	// RTol is the relative tolerance (default 1e-8 when zero).
	RTol float64
	// ATol is the absolute tolerance (default 0).
	ATol float64
	// MaxIter bounds the number of iterations (default max(10·n, 100) when
	// zero, n the number of columns).
	MaxIter int
	// X0 is the initial guess; nil means zero. It is not modified.
	X0 []float64
	// Precond is the preconditioner (nil: none) for the methods that take one.
	Precond Preconditioner
	// History records the residual norm at every iteration in Result.History.
	History bool
	// Restart is the Krylov subspace dimension m of GMRES(m) (default 20,
	// SciPy's default; ignored by the other methods).
	Restart int
	// Workers sets the goroutines of CG without a preconditioner on a
	// *matrix.CSR, which then runs kkt's fused row-block kernel (q = A·p
	// fused with pᵀq, the x and r updates fused with ‖r‖²). Zero is
	// automatic, kkt's one meaning of Workers (package solver): every core
	// (GOMAXPROCS) from CGAutoMinRows rows up, below that the operator's own
	// Apply and serial vector loops; a positive value is taken as it is (1:
	// the fused kernel on one goroutine); negative: GOMAXPROCS. Other methods
	// ignore it.
	Workers int
	// Recorder, if not nil, is called after every iteration with the
	// iteration number and current residual norm; returning false stops the
	// solve with Status Canceled.
	Recorder sol.Recorder[Iteration]
}

// Iteration is what a Recorder sees after each iteration.
type Iteration struct {
	Iter         int     // iteration number (1-based; 0 for the initial residual where reported)
	ResidualNorm float64 // the residual norm the method carries (see Settings)
}

// Result is what a solve returns.
type Result struct {
	// X is the final iterate (a new slice owned by the caller).
	X []float64
	// Status says why the iteration stopped.
	Status Status
	// Stats: Iterations is the number of iterations performed (matrix–vector
	// products for CG; sweeps for stationary methods; 0 for direct solves),
	// Time the wall time of the call.
	sol.Stats
	// ResidualNorm is the final residual norm ‖b − A·x‖₂ as the method
	// tracks it (for LSQR, the estimate of ‖b − A·x‖).
	ResidualNorm float64
	// BNorm is ‖b‖₂.
	BNorm float64
	// History holds the residual norm after each iteration (index 0 is the
	// initial residual) when Settings.History is set.
	History []float64
	// DirectStats describes the factorisation of a direct solve (Direct,
	// DirectSparse): method, ordering, fill, times, inertia; nil for the
	// iterative methods.
	DirectStats *DirectStats
}

// ErrBadInput is wrapped by the errors returned for NaN or Inf in the inputs.
var ErrBadInput = errors.New("linsolve: bad input")

func (s *Settings) defaults(n int) (rtol, atol float64, maxIter int) {
	rtol, atol, maxIter = s.RTol, s.ATol, s.MaxIter
	if rtol == 0 {
		rtol = 1e-8
	}
	if maxIter <= 0 {
		maxIter = 10 * n
		if maxIter < 100 {
			maxIter = 100
		}
	}
	return
}

// checkFinite returns an error naming the vector if it holds NaN or Inf.
func checkFinite(name string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w: %s[%d] = %v", ErrBadInput, name, i, x)
		}
	}
	return nil
}

// start validates the inputs and returns x (a copy of X0 or zeros).
func start(op string, a matrix.Operator, b []float64, s *Settings, square bool) ([]float64, error) {
	r, c := a.Dims()
	if square && r != c {
		panic(fmt.Sprintf("linsolve: %s: matrix is %d×%d, not square", op, r, c))
	}
	if len(b) != r {
		panic(fmt.Sprintf("linsolve: %s: len(b) = %d, want %d", op, len(b), r))
	}
	if err := checkFinite("b", b); err != nil {
		return nil, err
	}
	x := make([]float64, c)
	if s.X0 != nil {
		if len(s.X0) != c {
			panic(fmt.Sprintf("linsolve: %s: len(X0) = %d, want %d", op, len(s.X0), c))
		}
		if err := checkFinite("X0", s.X0); err != nil {
			return nil, err
		}
		copy(x, s.X0)
	}
	return x, nil
}

// monitor bundles the per-iteration bookkeeping: history, recorder, context.
type monitor struct {
	ctx  context.Context
	s    *Settings
	hist []float64
	t0   time.Time
}

// step records iteration it with residual norm res and reports whether to
// stop because of cancellation.
func (m *monitor) step(it int, res float64) bool {
	if m.s.History {
		m.hist = append(m.hist, res)
	}
	if m.s.Recorder != nil && !m.s.Recorder(Iteration{Iter: it, ResidualNorm: res}) {
		return true
	}
	if m.ctx != nil && it&15 == 0 {
		select {
		case <-m.ctx.Done():
			return true
		default:
		}
	}
	return false
}

func isBad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

// finisher fills in the Result at the end of a solve.
type finisher struct {
	res *Result
	m   *monitor
}

func (f finisher) finish(st Status, it int, rnorm float64) (*Result, error) {
	f.res.Status, f.res.Iterations, f.res.ResidualNorm, f.res.History = st, it, rnorm, f.m.hist
	f.res.Time = time.Since(f.m.t0)
	return f.res, nil
}

// setup is the common prologue of the square Krylov methods.
type setup struct {
	x, r              []float64 // iterate and r = b − A·x₀
	rnorm, bnorm, tol float64   // ‖r‖, ‖b‖ and max(RTol·‖b‖, ATol)
	maxIter           int
	res               *Result
	m                 monitor
}

// prologue validates the inputs and computes the initial residual.
func prologue(ctx context.Context, op string, a matrix.Operator, b []float64, s *Settings) (*setup, error) {
	x, err := start(op, a, b, s, true)
	if err != nil {
		return nil, err
	}
	n := len(b)
	rtol, atol, maxIter := s.defaults(n)
	st := &setup{x: x, r: make([]float64, n), bnorm: norm(b), maxIter: maxIter, m: monitor{ctx: ctx, s: s, t0: time.Now()}}
	st.tol = max(rtol*st.bnorm, atol)
	st.rnorm = residual(st.r, a, x, b)
	st.res = &Result{X: x, BNorm: st.bnorm}
	return st, nil
}
