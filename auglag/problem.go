package auglag

import (
	"github.com/james-bowman/sparse"
)

// Problem is an equality-constrained nonlinear program
//
//	minimize f(x) subject to c(x) = 0,  x ∈ Rⁿ, c: Rⁿ → Rᵐ,
//
// given through its derivatives. The Lagrangian is L(x, λ) = f(x) + λᵀc(x).
// The cutest package's problem type satisfies it, and so can any user type;
// auglag is not imported by either.
type Problem interface {
	N() int // number of variables n
	M() int // number of constraints m
	Objective(x []float64) float64
	// Gradient, Constraints and HessLagVec overwrite dst, which the caller
	// allocates with the right length.
	Gradient(dst, x []float64)    // dst = ∇f(x)
	Constraints(dst, x []float64) // dst = c(x)
	// Jacobian returns the m×n Jacobian G(x) = ∇c(x)ᵀ. The matrix may be
	// owned by the problem and overwritten by the next call.
	Jacobian(x []float64) *sparse.CSR
	// HessLagVec sets dst = (∇²f(x) + Σⱼ yⱼ∇²cⱼ(x))·v; y == nil means ∇²f(x)·v.
	HessLagVec(dst, x, y, v []float64)
}

// HessianProblem is a Problem that also gives the Lagrangian Hessian as a
// sparse matrix (full symmetric storage). Without it auglag assembles the
// Hessian from n Hessian–vector products, which is fine only for small n.
type HessianProblem interface {
	Problem
	HessLag(x, y []float64) *sparse.CSR
}

// Starter is implemented by problems that carry a start point (and,
// optionally, a multiplier start); Settings.X0 and Settings.Lambda0 take
// precedence.
type Starter interface {
	X0() []float64
}

// MultiplierStarter gives an initial multiplier estimate λ₀.
type MultiplierStarter interface {
	Y0() []float64
}
