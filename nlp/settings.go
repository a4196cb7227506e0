package nlp

import (
	"github.com/kkt-go/kkt/solver"
)

// Settings controls Solve. The zero value gives the documented defaults,
// which are IPOPT's (3.14) where IPOPT has the same option.
type Settings struct {
	// Tol is the tolerance on the scaled NLP error E₀ (IPOPT's tol);
	// default 1e-8.
	Tol float64
	// ConstrViolTol, DualInfTol and ComplInfTol are the absolute gates on
	// the unscaled constraint violation, dual infeasibility and
	// complementarity that must also hold at convergence (IPOPT's
	// constr_viol_tol, dual_inf_tol, compl_inf_tol); defaults 1e-4, 1, 1e-4.
	ConstrViolTol, DualInfTol, ComplInfTol float64
	// AcceptableTol enables IPOPT's "acceptable" termination: when
	// AcceptableIter consecutive iterates have E₀ ≤ AcceptableTol (and
	// constraint violation and complementarity ≤ 1e-2 unscaled), the run
	// stops with Status Converged and Result.Acceptable set. Zero means
	// the default 1e-6; a negative value switches acceptable termination
	// off.
	AcceptableTol float64
	// AcceptableIter is the number of consecutive acceptable iterates;
	// default 15.
	AcceptableIter int
	// MaxIter bounds the number of iterations (restoration iterations
	// included, as IPOPT counts them); default 3000.
	MaxIter int
	// X0 is the start point. Default: the problem's (when it implements
	// Starter), else 0. It is pushed inside the bounds (BoundPush,
	// BoundFrac) before the first iteration.
	X0 []float64
	// Mu0 is the initial barrier parameter; default 0.1.
	Mu0 float64
	// MuMin is the smallest barrier parameter; default 1e-11.
	MuMin float64
	// BoundRelaxFactor relaxes every finite bound by
	// min(ConstrViolTol, BoundRelaxFactor·max(1, |b|)) before the solve
	// (IPOPT's bound_relax_factor); default 1e-8, negative for none.
	BoundRelaxFactor float64
	// BoundPush and BoundFrac are κ₁ and κ₂ of the start-point push
	// (IPOPT's bound_push, bound_frac); default 1e-2 each.
	BoundPush, BoundFrac float64
	// NoScaling switches off the gradient-based problem scaling (IPOPT's
	// nlp_scaling_method = none). ScalingMaxGradient is its g_max; default
	// 100.
	NoScaling          bool
	ScalingMaxGradient float64
	// Recorder, when not nil, is called once per iteration; returning false
	// stops the run with Status Canceled.
	Recorder solver.Recorder[Iteration]

	// resto3119 switches on the rest of IPOPT 3.11.9's restoration-phase
	// behaviour (see restoIPOPT3119 in core.go); reachable from tests only
	// (export_test.go), for trajectory comparisons with IPOPT 3.11.9.
	resto3119 bool
}

// Iteration is what the Recorder sees, one per iteration (IPOPT's log line).
// Values are those of the scaled internal problem, as IPOPT prints them.
type Iteration struct {
	Iter int
	// F is the unscaled objective (during restoration: the objective at the
	// point where the restoration phase began).
	F float64
	// InfPr is the max-norm of the (scaled) equality residual c(x) − s,
	// InfDu the max-norm of the scaled gradient of the Lagrangian.
	InfPr, InfDu float64
	// Mu is the barrier parameter, DNorm the max-norm of the primal step,
	// RegW the Hessian regularization δ_w used (0 when none).
	Mu, DNorm, RegW float64
	// Alpha and AlphaDual are the primal and dual step lengths.
	Alpha, AlphaDual float64
	// LS is the number of trial points of the line search.
	LS int
	// Restoration is true for iterations of the feasibility-restoration
	// phase.
	Restoration bool
}

// Result is the outcome of Solve (and of auglag's solvers of the general
// NLP).
type Result struct {
	// X is the final point (Solve: the last iterate clipped to the relaxed
	// bounds [xl − δ, xu + δ], δ = min(ConstrViolTol,
	// BoundRelaxFactor·max(1, |b|)) — the iterates stay inside them unless
	// the slack safeguard moved a bound further out); Y the constraint
	// multipliers (for the
	// Lagrangian L = f + yᵀc: yⱼ < 0 at an active lower bound cl, > 0 at an
	// active upper bound cu); ZL and ZU the multipliers (≥ 0) of the
	// variable bounds xl ≤ x and x ≤ xu, so that ∇f + Jᵀy − zl + zu = 0 at a
	// KKT point. Multipliers of absent bounds are 0.
	X, Y, ZL, ZU []float64
	// Status says how the run ended: Converged, MaxIterations, Infeasible
	// (converged to a stationary point of the constraint violation that is
	// not feasible), Unbounded (iterates beyond 1e20 in size or f below
	// −1e20 at a feasible point), RestorationFailed, NumericalFailure (no
	// usable search direction, or NaN at the current iterate), Stagnated
	// (the search direction became too small and μ cannot decrease),
	// Canceled.
	Status  solver.Status
	Message string
	// Acceptable is set when the run stopped by the acceptable-level test
	// (Settings.AcceptableTol) rather than by Tol.
	Acceptable bool
	// F is the unscaled objective at X; InfPr the max-norm of the
	// constraint and bound violation at X; InfDu the max-norm of
	// ∇f + Jᵀy − zl + zu; Compl the largest complementarity product
	// (bounds and inequality constraints) at X. All are unscaled. Solve
	// evaluates them at the last iterate, which differs from X only where a
	// slack move had carried it past a relaxed bound.
	F, InfPr, InfDu, Compl float64
	// Stats: Iterations counts every iteration, restoration iterations
	// included (as IPOPT); Evaluations counts objective evaluations.
	solver.Stats
	// Method is "ipm" for Solve.
	Method string
}
