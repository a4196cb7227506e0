package nlp

import (
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
)

// Problem is the general nonlinear program
//
//	minimize f(x)  subject to  cl ≤ c(x) ≤ cu,  xl ≤ x ≤ xu,
//
// with f: ℝⁿ → ℝ and c: ℝⁿ → ℝᵐ twice continuously differentiable. An
// equality constraint has cl[j] = cu[j]; an absent bound is ±Inf. It is the
// one problem form every kkt solver of general NLPs consumes; the cutest
// package's *Problem satisfies it without importing this package.
//
// The Lagrangian is L(x, y) = f(x) + yᵀc(x) (IPOPT's sign convention).
//
// Methods that take dst overwrite it; the caller allocates it with the right
// length. The matrices returned by Jacobian and HessLag may be owned by the
// problem and overwritten by the next call; their sparsity patterns must be
// the same at every x (entries that happen to be zero stay stored), so a
// solver can analyse a pattern once and refactor it many times.
type Problem interface {
	N() int // number of variables n
	M() int // number of general constraints m
	Objective(x []float64) float64
	Gradient(dst, x []float64)    // dst = ∇f(x)
	Constraints(dst, x []float64) // dst = c(x)
	// Jacobian returns the m×n Jacobian J(x) = ∇c(x)ᵀ.
	Jacobian(x []float64) *sparse.CSR
	// HessLag returns ∇²ₓₓL(x, y) = ∇²f(x) + Σⱼ yⱼ∇²cⱼ(x) as an n×n sparse
	// matrix in full symmetric storage; y == nil means ∇²f(x).
	HessLag(x, y []float64) *sparse.CSR
	// HessLagVec sets dst = ∇²ₓₓL(x, y)·v; y == nil means ∇²f(x)·v.
	HessLagVec(dst, x, y, v []float64)
	// XL and XU return the variable bounds (length n, ±Inf where absent).
	XL() []float64
	XU() []float64
	// CL and CU return the constraint bounds (length m, ±Inf where absent;
	// cl[j] = cu[j] for an equality).
	CL() []float64
	CU() []float64
}

// Starter is implemented by problems that carry a start point.
type Starter interface {
	X0() []float64
}

// MultiplierStarter is implemented by problems that carry a multiplier
// estimate for the constraints.
type MultiplierStarter interface {
	Y0() []float64
}

// Namer is implemented by problems that have a name (CUTEst problems do).
type Namer interface {
	Name() string
}

// Shape counts the kinds of bounds and constraints of a problem.
type Shape struct {
	N, M int
	// LowerBounds and UpperBounds count finite xl and xu; Fixed counts
	// variables with xl = xu (they are counted in both).
	LowerBounds, UpperBounds, Fixed int
	// Equalities counts cl = cu; Inequalities counts every other constraint
	// with at least one finite side; Ranges the inequalities with both sides
	// finite; Free the constraints with no finite side.
	Equalities, Inequalities, Ranges, Free int
}

// HasBounds reports whether any variable has a finite bound.
func (s Shape) HasBounds() bool { return s.LowerBounds+s.UpperBounds > 0 }

// EqualityOnly reports whether every constraint is an equality and no
// variable is bounded: the form min f(x) s.t. c(x) = 0 (after moving cl to
// the left), which the equality-constrained solvers of auglag accept.
func (s Shape) EqualityOnly() bool {
	return !s.HasBounds() && s.Inequalities == 0 && s.Free == 0
}

// Classify counts the bounds and constraint kinds of p and checks that the
// bounds are consistent: lengths n and m, no NaN, xl ≤ xu, cl ≤ cu, no
// bound of +Inf below or −Inf above. It returns an error naming the first
// offending index.
func Classify(p Problem) (Shape, error) {
	n, m := p.N(), p.M()
	s := Shape{N: n, M: m}
	xl, xu, cl, cu := p.XL(), p.XU(), p.CL(), p.CU()
	if len(xl) != n || len(xu) != n {
		return s, fmt.Errorf("nlp: variable bounds have lengths %d and %d, want n = %d", len(xl), len(xu), n)
	}
	if len(cl) != m || len(cu) != m {
		return s, fmt.Errorf("nlp: constraint bounds have lengths %d and %d, want m = %d", len(cl), len(cu), m)
	}
	for i := range n {
		l, u := xl[i], xu[i]
		if err := checkPair("variable", i, l, u); err != nil {
			return s, err
		}
		if !math.IsInf(l, -1) {
			s.LowerBounds++
		}
		if !math.IsInf(u, 1) {
			s.UpperBounds++
		}
		if l == u {
			s.Fixed++
		}
	}
	for j := range m {
		l, u := cl[j], cu[j]
		if err := checkPair("constraint", j, l, u); err != nil {
			return s, err
		}
		switch lo, up := !math.IsInf(l, -1), !math.IsInf(u, 1); {
		case l == u:
			s.Equalities++
		case lo && up:
			s.Inequalities++
			s.Ranges++
		case lo || up:
			s.Inequalities++
		default:
			s.Free++
		}
	}
	return s, nil
}

func checkPair(what string, i int, l, u float64) error {
	switch {
	case math.IsNaN(l) || math.IsNaN(u):
		return fmt.Errorf("nlp: %s %d has a NaN bound", what, i)
	case math.IsInf(l, 1) || math.IsInf(u, -1):
		return fmt.Errorf("nlp: %s %d has bounds [%g, %g]: a lower bound of +Inf or an upper bound of −Inf", what, i, l, u)
	case l > u:
		return fmt.Errorf("nlp: %s %d has lower bound %g above upper bound %g", what, i, l, u)
	}
	return nil
}

// RefuseUnlessEqualityOnly returns nil when p has only equality constraints
// and no variable bounds, and otherwise an error that names the method and
// what it cannot handle. Solvers of the equality-constrained form call it so
// that a bound or an inequality is never silently dropped.
func RefuseUnlessEqualityOnly(method string, p Problem) error {
	s, err := Classify(p)
	if err != nil {
		return err
	}
	if s.EqualityOnly() {
		return nil
	}
	name := ""
	if nm, ok := p.(Namer); ok {
		name = nm.Name() + ": "
	}
	return fmt.Errorf("%w: %s%s handles only min f(x) s.t. c(x) = 0; this problem has %d finite variable bounds and %d inequality constraints (use the interior-point method or the bound-constrained augmented Lagrangian)",
		ErrUnsupported, name, method, s.LowerBounds+s.UpperBounds, s.Inequalities+s.Free)
}

// ErrUnsupported is wrapped by the error of a solver that refuses a problem
// because of a feature (bound, inequality, structure) it cannot handle.
var ErrUnsupported = fmt.Errorf("nlp: unsupported problem")
