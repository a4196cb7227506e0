package bilevel

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kkt-go/kkt/bilevel/proj"
)

// Objective is a smooth function Φ(x, y) of the upper variable x ∈ R^n and
// the lower variable y ∈ R^m with its partial gradients. GradX and GradY
// overwrite dst (length n and m) and must not retain any argument.
type Objective interface {
	Value(x, y []float64) float64
	GradX(dst, x, y []float64)
	GradY(dst, x, y []float64)
}

// Constraint is a lower-level constraint map g: R^n × R^m → R^l, used as
// g(x, y) ≤ 0 (or g(x, y) = 0 when Problem.Equality is set). The Jacobians
// are needed only through transposed products, so no dense Jacobian is formed.
type Constraint interface {
	// Len is l, the number of constraints.
	Len() int
	// Eval sets dst (length l) to g(x, y).
	Eval(dst, x, y []float64)
	// VJPX sets dst (length n) to (∂g/∂x)ᵀλ.
	VJPX(dst, x, y, lam []float64)
	// VJPY sets dst (length m) to (∂g/∂y)ᵀλ.
	VJPY(dst, x, y, lam []float64)
}

// Hessian supplies the second-order products of a lower objective needed by
// the implicit-differentiation baseline (AID). Objectives that do not
// implement it get central finite differences of their gradients.
type Hessian interface {
	// HessYY sets dst (length m) to ∇²_yy Φ(x, y)·v.
	HessYY(dst, x, y, v []float64)
	// HessXY sets dst (length n) to ∇²_xy Φ(x, y)·v, v of length m.
	HessXY(dst, x, y, v []float64)
}

// Sampler draws mini-batch oracles for the stochastic penalty methods. The
// returned Objective must give the gradients of the same sample at every
// point it is called with (the single-loop momentum estimator evaluates one
// sample at two points), and the same rng state must give the same sample.
type Sampler interface {
	Sample(rng *rand.Rand, batch int) Objective
}

// Problem is the bilevel problem
//
//	min_{x ∈ X, y}  Upper(x, y)
//	s.t.  y ∈ argmin_{y' ∈ Y} { Lower(x, y') : g(x, y') ≤ 0 }
//
// in neutral names: Upper is F (f in Kwon et al.), Lower is G (g in Kwon et
// al., f in Yao et al.), Cons is the coupled lower-level constraint map (g in
// Yao et al.). Nil sets mean R^n (R^m).
type Problem struct {
	N, M int // dimensions of x and y

	Upper, Lower Objective
	// Cons is the optional coupled lower-level constraint g(x, y) ≤ 0
	// (equalities when Equality is set). Only LVHBA uses it.
	Cons     Constraint
	Equality bool

	// X and Y are the feasible sets (nil = the whole space).
	X, Y proj.Set
	// C is the joint set {(x, y) : x ∈ X, y ∈ Y, g(x, y) ≤ 0} as a set of
	// R^{n+m} (x first). LVHBA needs it when Cons is set; without Cons it
	// defaults to X × Y.
	C proj.Set

	// Stochastic oracles (optional) for the stochastic penalty methods.
	UpperSampler, LowerSampler Sampler
}

func (p *Problem) check(name string) {
	if p.N <= 0 || p.M <= 0 {
		panic(fmt.Sprintf("bilevel: %s: dimensions N=%d, M=%d must be positive", name, p.N, p.M))
	}
	if p.Upper == nil || p.Lower == nil {
		panic(fmt.Sprintf("bilevel: %s: Upper and Lower must be set", name))
	}
	if p.X != nil && p.X.Dim() != p.N {
		panic(fmt.Sprintf("bilevel: %s: X has dimension %d, want N=%d", name, p.X.Dim(), p.N))
	}
	if p.Y != nil && p.Y.Dim() != p.M {
		panic(fmt.Sprintf("bilevel: %s: Y has dimension %d, want M=%d", name, p.Y.Dim(), p.M))
	}
	if p.C != nil && p.C.Dim() != p.N+p.M {
		panic(fmt.Sprintf("bilevel: %s: C has dimension %d, want N+M=%d", name, p.C.Dim(), p.N+p.M))
	}
}

func project(s proj.Set, v []float64) error {
	if s == nil {
		return nil
	}
	return s.Project(v, v)
}

// ErrNaN reports a NaN or Inf produced by an oracle or an iterate.
var ErrNaN = errors.New("bilevel: NaN or Inf")

func finite(what string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w in %s (entry %d = %v)", ErrNaN, what, i, x)
		}
	}
	return nil
}

// GradientError is one failed finite-difference comparison of CheckGradients.
type GradientError struct {
	Name     string // e.g. "Upper.GradX", "Cons.VJPY"
	Index    int
	Analytic float64
	FD       float64
}

func (e GradientError) Error() string {
	return fmt.Sprintf("bilevel: %s[%d]: analytic %.10g, finite difference %.10g", e.Name, e.Index, e.Analytic, e.FD)
}

// CheckGradients compares every analytic derivative of p at (x, y) with
// central finite differences of step h (1e-6 when zero): Upper and Lower
// GradX and GradY, the Cons products VJPX and VJPY with a random λ, and the
// Hessian products of a Lower that implements Hessian (against differences
// of its gradients) with a random v (rng nil: a fixed seed). An entry fails when
// |analytic − fd| > tol·(1 + |fd|) (tol 1e-6 when zero). It returns nil or
// the first failure, as a GradientError.
func CheckGradients(p *Problem, x, y []float64, h, tol float64, rng *rand.Rand) error {
	if len(x) != p.N || len(y) != p.M {
		panic("bilevel: CheckGradients: len(x), len(y) do not match N, M")
	}
	if h == 0 {
		h = 1e-6
	}
	if rng == nil {
		rng = rand.New(rand.NewPCG(1, 2))
	}
	if tol == 0 {
		tol = 1e-6
	}
	xp := append([]float64(nil), x...)
	yp := append([]float64(nil), y...)
	// fd returns the central difference of f along coordinate i of x (or y).
	fd := func(f func(x, y []float64) float64, inX bool, i int) float64 {
		v := yp
		if inX {
			v = xp
		}
		v0 := v[i]
		v[i] = v0 + h
		fp := f(xp, yp)
		v[i] = v0 - h
		fm := f(xp, yp)
		v[i] = v0
		return (fp - fm) / (2 * h)
	}
	cmp := func(name string, got []float64, f func(x, y []float64) float64, inX bool) error {
		for i, g := range got {
			d := fd(f, inX, i)
			if math.IsNaN(g) || math.Abs(g-d) > tol*(1+math.Abs(d)) {
				return GradientError{Name: name, Index: i, Analytic: g, FD: d}
			}
		}
		return nil
	}
	gx, gy := make([]float64, p.N), make([]float64, p.M)
	for _, o := range []struct {
		name string
		f    Objective
	}{{"Upper", p.Upper}, {"Lower", p.Lower}} {
		if o.f == nil {
			continue
		}
		o.f.GradX(gx, x, y)
		if err := cmp(o.name+".GradX", gx, o.f.Value, true); err != nil {
			return err
		}
		o.f.GradY(gy, x, y)
		if err := cmp(o.name+".GradY", gy, o.f.Value, false); err != nil {
			return err
		}
	}
	if p.Cons != nil {
		l := p.Cons.Len()
		lam, gv := make([]float64, l), make([]float64, l)
		for i := range lam {
			lam[i] = rng.NormFloat64()
		}
		lg := func(x, y []float64) float64 {
			p.Cons.Eval(gv, x, y)
			var s float64
			for i, v := range gv {
				s += lam[i] * v
			}
			return s
		}
		p.Cons.VJPX(gx, x, y, lam)
		if err := cmp("Cons.VJPX", gx, lg, true); err != nil {
			return err
		}
		p.Cons.VJPY(gy, x, y, lam)
		if err := cmp("Cons.VJPY", gy, lg, false); err != nil {
			return err
		}
	}
	if hs, ok := p.Lower.(Hessian); ok {
		v := make([]float64, p.M)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		tmp := make([]float64, p.M)
		// v ᵀ∇_y G is a function whose x- and y-gradients are HessXY·v and HessYY·v.
		vg := func(x, y []float64) float64 {
			p.Lower.GradY(tmp, x, y)
			var s float64
			for i := range v {
				s += v[i] * tmp[i]
			}
			return s
		}
		hy := make([]float64, p.M)
		hs.HessYY(hy, x, y, v)
		if err := cmp("Lower.HessYY", hy, vg, false); err != nil {
			return err
		}
		hs.HessXY(gx, x, y, v)
		if err := cmp("Lower.HessXY", gx, vg, true); err != nil {
			return err
		}
	}
	return nil
}

// Validate runs proj.Check on the sets X, Y and C of p (trials random points
// each, scale 1 and 10): it reports a set whose "projection" is not the
// projection onto a closed convex set — for instance a sphere or another
// non-convex set — which the methods' convergence theory excludes.
func (p *Problem) Validate(rng *rand.Rand, trials int) error {
	for _, s := range []struct {
		name string
		set  proj.Set
	}{{"X", p.X}, {"Y", p.Y}, {"C", p.C}} {
		if s.set == nil {
			continue
		}
		for _, sc := range []float64{1, 10} {
			if err := proj.Check(s.set, rng, trials, sc, 1e-9); err != nil {
				return fmt.Errorf("bilevel: set %s: %w", s.name, err)
			}
		}
	}
	return nil
}
