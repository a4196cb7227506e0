package bilevel

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// Func adapts plain functions to Objective.
type Func struct {
	F      func(x, y []float64) float64
	GX, GY func(dst, x, y []float64)
}

// Value returns F(x, y).
func (f Func) Value(x, y []float64) float64 { return f.F(x, y) }

// GradX sets dst = ∇_x F(x, y).
func (f Func) GradX(dst, x, y []float64) { f.GX(dst, x, y) }

// GradY sets dst = ∇_y F(x, y).
func (f Func) GradY(dst, x, y []float64) { f.GY(dst, x, y) }

// FuncHess is a Func with Hessian–vector products (it implements Hessian).
type FuncHess struct {
	Func
	HYY, HXY func(dst, x, y, v []float64)
}

// HessYY sets dst = ∇²_yy F(x, y)·v.
func (f FuncHess) HessYY(dst, x, y, v []float64) { f.HYY(dst, x, y, v) }

// HessXY sets dst = ∇²_xy F(x, y)·v.
func (f FuncHess) HessXY(dst, x, y, v []float64) { f.HXY(dst, x, y, v) }

// ConsFunc adapts plain functions to Constraint.
type ConsFunc struct {
	L      int
	G      func(dst, x, y []float64)
	JX, JY func(dst, x, y, lam []float64)
}

// Len returns the number of constraints.
func (c ConsFunc) Len() int { return c.L }

// Eval sets dst = g(x, y).
func (c ConsFunc) Eval(dst, x, y []float64) { c.G(dst, x, y) }

// VJPX sets dst = (∂g/∂x)ᵀλ.
func (c ConsFunc) VJPX(dst, x, y, lam []float64) { c.JX(dst, x, y, lam) }

// VJPY sets dst = (∂g/∂y)ᵀλ.
func (c ConsFunc) VJPY(dst, x, y, lam []float64) { c.JY(dst, x, y, lam) }

// GaussianNoise turns an objective into a stochastic oracle: a sample of
// batch size b is the objective plus the linear term ξ_xᵀx + ξ_yᵀy with
// ξ ~ N(0, Std²/b · I), so its gradients are the exact ones plus a fixed
// noise vector (the same at every point, as the momentum estimator needs) and
// its mean is the objective.
type GaussianNoise struct {
	Obj  Objective
	N, M int
	Std  float64
}

// Sample draws one noisy mini-batch oracle.
func (g GaussianNoise) Sample(rng *rand.Rand, batch int) Objective {
	s := g.Std / sqrtInt(batch)
	nx, ny := make([]float64, g.N), make([]float64, g.M)
	for i := range nx {
		nx[i] = s * rng.NormFloat64()
	}
	for i := range ny {
		ny[i] = s * rng.NormFloat64()
	}
	return noisy{g.Obj, nx, ny}
}

type noisy struct {
	obj    Objective
	nx, ny []float64
}

func (o noisy) Value(x, y []float64) float64 {
	return o.obj.Value(x, y) + floats.Dot(o.nx, x) + floats.Dot(o.ny, y)
}

func (o noisy) GradX(dst, x, y []float64) {
	o.obj.GradX(dst, x, y)
	for i, v := range o.nx {
		dst[i] += v
	}
}

func (o noisy) GradY(dst, x, y []float64) {
	o.obj.GradY(dst, x, y)
	for i, v := range o.ny {
		dst[i] += v
	}
}

func sqrtInt(b int) float64 {
	return math.Sqrt(float64(max(b, 1)))
}
