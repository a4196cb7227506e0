package bilevel

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/bilevel/proj"
)

// TestProblem is a bilevel problem with known solution, for tests and for
// `kkt bilevel`.
type TestProblem struct {
	Name string
	*Problem
	// XStar, YStar are the solution (nil when not known in closed form);
	// LambdaStar the multiplier of the lower-level constraint, when known.
	XStar, YStar, LambdaStar []float64
	// LowerSolution, when set, sets dst to the (optimistic) lower-level
	// solution selected at x, in closed form.
	LowerSolution func(dst, x []float64)
}

func fill(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// sumConstraint is g(x, y) = 1ᵀx + 1ᵀy (one equality constraint).
func sumConstraint() ConsFunc {
	return ConsFunc{L: 1,
		G:  func(dst, x, y []float64) { dst[0] = sum(x) + sum(y) },
		JX: fillLam,
		JY: fillLam,
	}
}

// T1 is the LLC toy of Yao et al. (SUSTech-Optimization/LV-HBA
// Toy-example/LLC): x ∈ R^n, y = (y₁, y₂) ∈ R^{2n},
//
//	F = ½‖x − y₂‖² + ½‖y₁ − 1‖²,  G = ½‖y₁‖² − xᵀy₁ + 1ᵀy₂,  g = 1ᵀx + 1ᵀy₁ + 1ᵀy₂ = 0.
//
// The lower-level solution set is y₁ = x + 1 with y₂ on the hyperplane
// 1ᵀy₂ = −2·1ᵀx − n (not a singleton); x* = −0.3·1, y* = (0.7·1, −0.4·1),
// λ* = −1.
func T1(n int) *TestProblem {
	up := Func{
		F: func(x, y []float64) float64 {
			var s float64
			for i := 0; i < n; i++ {
				s += 0.5*(x[i]-y[n+i])*(x[i]-y[n+i]) + 0.5*(y[i]-1)*(y[i]-1)
			}
			return s
		},
		GX: func(dst, x, y []float64) {
			for i := range dst {
				dst[i] = x[i] - y[n+i]
			}
		},
		GY: func(dst, x, y []float64) {
			for i := 0; i < n; i++ {
				dst[i] = y[i] - 1
				dst[n+i] = y[n+i] - x[i]
			}
		},
	}
	c, err := proj.NewHyperplane(fill(3*n, 1), 0)
	if err != nil {
		panic(err)
	}
	return &TestProblem{Name: "t1",
		Problem: &Problem{N: n, M: 2 * n, Upper: up, Lower: llcLower(n), Cons: sumConstraint(), Equality: true, C: c},
		XStar:   fill(n, -0.3), YStar: append(fill(n, 0.7), fill(n, -0.4)...), LambdaStar: []float64{-1},
	}
}

// llcLower is G = ½‖y₁‖² − xᵀy₁ + 1ᵀy₂ of T1 and T2.
func llcLower(n int) Func {
	return Func{
		F: func(x, y []float64) float64 {
			var s float64
			for i := 0; i < n; i++ {
				s += 0.5*y[i]*y[i] - x[i]*y[i] + y[n+i]
			}
			return s
		},
		GX: func(dst, x, y []float64) {
			for i := range dst {
				dst[i] = -y[i]
			}
		},
		GY: func(dst, x, y []float64) {
			for i := 0; i < n; i++ {
				dst[i] = y[i] - x[i]
				dst[n+i] = 1
			}
		},
	}
}

// T2 is the toy of the BiC-GAFFA paper run with LV-HBA (PerryChuh/BiC-GAFFA
// Toy/Toy_LVHBA.py, P = 1): x ∈ R^n, y = (y₁, y₂) ∈ R^{2n},
//
//	F = (y₁ − 2)ᵀ(x − 1) + ‖y₂ + 3‖²,  G = ½‖y₁‖² − xᵀy₁ + 1ᵀy₂,  g = 1ᵀx + 1ᵀy = 0,
//
// with x* = 1, y* = (2·1, −3·1), λ* = −1, F* = 0.
func T2(n int) *TestProblem {
	up := Func{
		F: func(x, y []float64) float64 {
			var s float64
			for i := 0; i < n; i++ {
				s += (y[i]-2)*(x[i]-1) + (y[n+i]+3)*(y[n+i]+3)
			}
			return s
		},
		GX: func(dst, x, y []float64) {
			for i := range dst {
				dst[i] = y[i] - 2
			}
		},
		GY: func(dst, x, y []float64) {
			for i := 0; i < n; i++ {
				dst[i] = x[i] - 1
				dst[n+i] = 2 * (y[n+i] + 3)
			}
		},
	}
	c, err := proj.NewHyperplane(fill(3*n, 1), 0)
	if err != nil {
		panic(err)
	}
	return &TestProblem{Name: "t2",
		Problem: &Problem{N: n, M: 2 * n, Upper: up, Lower: llcLower(n), Cons: sumConstraint(), Equality: true, C: c},
		XStar:   fill(n, 1), YStar: append(fill(n, 2), fill(n, -3)...), LambdaStar: []float64{-1},
	}
}

// T3 is a box-constrained quadratic for the penalty method: x, y ∈ R^d,
//
//	F = ½‖x‖² + ½‖y − b‖²,  G = ½‖y − x‖²,  Y = [−1, 1]^d,
//
// with ‖b‖∞ ≤ 2, so y*(x) = clip(x, −1, 1), x* = b/2 and the minimizer of the
// penalized hyper-objective is x*_σ = b/(2 + σ) (‖x*_σ − x*‖ = σ‖b‖/(2(2+σ))).
// Without the box (unconstrained lower level, for AID) the solution is the
// same. b is drawn from U(−2, 2)^d with the given seed.
func T3(d int, seed uint64) *TestProblem {
	rng := rand.New(rand.NewPCG(seed, 3))
	b := make([]float64, d)
	for i := range b {
		b[i] = 4*rng.Float64() - 2
	}
	up := Func{
		F: func(x, y []float64) float64 {
			var s float64
			for i := range x {
				s += 0.5*x[i]*x[i] + 0.5*(y[i]-b[i])*(y[i]-b[i])
			}
			return s
		},
		GX: func(dst, x, y []float64) { copy(dst, x) },
		GY: func(dst, x, y []float64) {
			for i := range dst {
				dst[i] = y[i] - b[i]
			}
		},
	}
	low := FuncHess{
		Func: halfSqDist(),
		HYY:  func(dst, x, y, v []float64) { copy(dst, v) },
		HXY: func(dst, x, y, v []float64) {
			for i := range dst {
				dst[i] = -v[i]
			}
		},
	}
	box, err := proj.UniformBox(d, -1, 1)
	if err != nil {
		panic(err)
	}
	xs := make([]float64, d)
	for i := range xs {
		xs[i] = b[i] / 2
	}
	return &TestProblem{Name: "t3",
		Problem: &Problem{N: d, M: d, Upper: up, Lower: low, Y: box},
		XStar:   xs, YStar: append([]float64(nil), xs...),
		LowerSolution: func(dst, x []float64) {
			for i := range dst {
				dst[i] = min(max(x[i], -1), 1)
			}
		},
	}
}

// T3Sigma returns the minimizer b/(2+σ) of the penalized hyper-objective of T3.
func (t *TestProblem) T3Sigma(sigma float64) []float64 {
	if t.Name != "t3" {
		panic("bilevel: T3Sigma on " + t.Name)
	}
	xs := make([]float64, len(t.XStar))
	for i, v := range t.XStar {
		xs[i] = 2 * v / (2 + sigma)
	}
	return xs
}

// T4 has a lower level with a whole affine set of solutions: x ∈ R^k,
// y ∈ R^d (k < d), A ∈ R^{k×d} Gaussian of full row rank,
//
//	F = ½‖y‖² + ½‖x − c‖²,  G = ½‖Ay − x‖²,
//
// so Y*(x) = {y : Ay = x}, the optimistic selection is y*(x) = A⁺x, and
// x* = (I + (AAᵀ)⁻¹)⁻¹c. For the penalty formulation y_σ(x) = (σI + AᵀA)⁻¹Aᵀx.
func T4(k, d int, seed uint64) *TestProblem {
	if k >= d {
		panic("bilevel: T4 needs k < d")
	}
	rng := rand.New(rand.NewPCG(seed, 4))
	ad := make([]float64, k*d)
	for i := range ad {
		ad[i] = rng.NormFloat64() / math.Sqrt(float64(d))
	}
	a := mat.NewDense(k, d, ad)
	c := make([]float64, k)
	for i := range c {
		c[i] = rng.NormFloat64()
	}
	ay := make([]float64, k)
	res := func(x, y []float64) { // ay = A y − x
		v := mat.NewVecDense(k, ay)
		v.MulVec(a, mat.NewVecDense(d, y))
		for i := range ay {
			ay[i] -= x[i]
		}
	}
	up := Func{
		F: func(x, y []float64) float64 {
			var s float64
			for _, v := range y {
				s += 0.5 * v * v
			}
			for i := range x {
				s += 0.5 * (x[i] - c[i]) * (x[i] - c[i])
			}
			return s
		},
		GX: func(dst, x, y []float64) {
			for i := range dst {
				dst[i] = x[i] - c[i]
			}
		},
		GY: func(dst, x, y []float64) { copy(dst, y) },
	}
	low := Func{
		F: func(x, y []float64) float64 {
			res(x, y)
			return 0.5 * floats.Dot(ay, ay)
		},
		GX: func(dst, x, y []float64) {
			res(x, y)
			for i := range dst {
				dst[i] = -ay[i]
			}
		},
		GY: func(dst, x, y []float64) {
			res(x, y)
			v := mat.NewVecDense(d, dst)
			v.MulVec(a.T(), mat.NewVecDense(k, ay))
		},
	}
	// x* = (I + (AAᵀ)⁻¹)⁻¹ c = AAᵀ(AAᵀ + I)⁻¹ c
	var aat, m mat.Dense
	aat.Mul(a, a.T())
	m.CloneFrom(&aat)
	for i := 0; i < k; i++ {
		m.Set(i, i, m.At(i, i)+1)
	}
	var t, xs mat.VecDense
	if err := t.SolveVec(&m, mat.NewVecDense(k, c)); err != nil {
		panic(err)
	}
	xs.MulVec(&aat, &t)
	var pinv mat.Dense // A⁺ = Aᵀ(AAᵀ)⁻¹
	var inv mat.Dense
	if err := inv.Inverse(&aat); err != nil {
		panic(err)
	}
	pinv.Mul(a.T(), &inv)
	sel := func(dst, x []float64) {
		v := mat.NewVecDense(d, dst)
		v.MulVec(&pinv, mat.NewVecDense(k, x))
	}
	xstar := mat.Col(nil, 0, &xs)
	ystar := make([]float64, d)
	sel(ystar, xstar)
	return &TestProblem{Name: "t4",
		Problem: &Problem{N: k, M: d, Upper: up, Lower: low},
		XStar:   xstar, YStar: ystar, LowerSolution: sel,
	}
}

// T5 is the LLSC toy of Yao et al. (SUSTech-Optimization/LV-HBA
// Toy-example/LLSC) with our own random data: x, y ∈ R^n, n = 100,
//
//	F = sin(cᵀx + dᵀy) + log(‖x + y‖² + 1),  G = ½‖x − y‖²,
//	lower constraint A·y + H·x = 0 (A, H ∈ R^{0.9n×n}),  upper constraint B·x = 0
//
// where B has 0.45n Gaussian rows and 0.45n zero rows. The entries of A, H
// and B are N(0, 1/n) and c, d are N(0, 1) (the reference .npy files are not
// used). The lower level is strongly convex with the closed-form solution
// y*(x) = (I − A⁺A)x − A⁺Hx. No closed form of x* is known.
func T5(n int, seed uint64) *TestProblem {
	rng := rand.New(rand.NewPCG(seed, 5))
	k := 9 * n / 10
	gauss := func(r, c int, s float64) *mat.Dense {
		d := make([]float64, r*c)
		for i := range d {
			d[i] = s * rng.NormFloat64()
		}
		return mat.NewDense(r, c, d)
	}
	sc := 1 / math.Sqrt(float64(n))
	a, h := gauss(k, n, sc), gauss(k, n, sc)
	b := mat.NewDense(k, n, nil)
	b.Slice(0, k/2, 0, n).(*mat.Dense).Copy(gauss(k/2, n, sc))
	cv, dv := make([]float64, n), make([]float64, n)
	for i := range cv {
		cv[i], dv[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	sq := func(x, y []float64) float64 {
		var s float64
		for i := range x {
			s += (x[i] + y[i]) * (x[i] + y[i])
		}
		return s
	}
	grad := func(dst, x, y, w []float64) {
		co := math.Cos(floats.Dot(cv, x) + floats.Dot(dv, y))
		q := 2 / (sq(x, y) + 1)
		for i := range dst {
			dst[i] = co*w[i] + q*(x[i]+y[i])
		}
	}
	up := Func{
		F: func(x, y []float64) float64 {
			return math.Sin(floats.Dot(cv, x)+floats.Dot(dv, y)) + math.Log(sq(x, y)+1)
		},
		GX: func(dst, x, y []float64) { grad(dst, x, y, cv) },
		GY: func(dst, x, y []float64) { grad(dst, x, y, dv) },
	}
	low := halfSqDist()
	mv := func(dst []float64, m mat.Matrix, v []float64, trans bool) {
		r, c := m.Dims()
		if trans {
			mat.NewVecDense(c, dst).MulVec(m.T(), mat.NewVecDense(r, v))
		} else {
			mat.NewVecDense(r, dst).MulVec(m, mat.NewVecDense(c, v))
		}
	}
	tk := make([]float64, k)
	cons := ConsFunc{L: k,
		G: func(dst, x, y []float64) {
			mv(dst, a, y, false)
			mv(tk, h, x, false)
			for i := range dst {
				dst[i] += tk[i]
			}
		},
		JX: func(dst, x, y, lam []float64) { mv(dst, h, lam, true) },
		JY: func(dst, x, y, lam []float64) { mv(dst, a, lam, true) },
	}
	// C = {(x, y) : Bx = 0, Hx + Ay = 0}
	cm := mat.NewDense(2*k, 2*n, nil)
	cm.Slice(0, k, 0, n).(*mat.Dense).Copy(b)
	cm.Slice(k, 2*k, 0, n).(*mat.Dense).Copy(h)
	cm.Slice(k, 2*k, n, 2*n).(*mat.Dense).Copy(a)
	cset, err := proj.NewAffine(cm, make([]float64, 2*k))
	if err != nil {
		panic(fmt.Sprintf("bilevel: T5: %v", err))
	}
	xset, err := proj.NewAffine(b, make([]float64, k))
	if err != nil {
		panic(err)
	}
	// y*(x) = projection of x onto {y : Ay = −Hx}.
	sel := func(dst, x []float64) {
		mv(tk, h, x, false)
		for i := range tk {
			tk[i] = -tk[i]
		}
		aff, err := proj.NewAffine(a, tk)
		if err != nil {
			panic(err)
		}
		_ = aff.Project(dst, x)
	}
	return &TestProblem{Name: "t5",
		Problem:       &Problem{N: n, M: n, Upper: up, Lower: low, Cons: cons, Equality: true, X: xset, C: cset},
		LowerSolution: sel,
	}
}

// halfSqDist is G(x, y) = ½‖y − x‖² (the lower level of T3 and T5).
func halfSqDist() Func {
	return Func{
		F: func(x, y []float64) float64 {
			var s float64
			for i := range x {
				s += 0.5 * (y[i] - x[i]) * (y[i] - x[i])
			}
			return s
		},
		GX: func(dst, x, y []float64) {
			for i := range dst {
				dst[i] = x[i] - y[i]
			}
		},
		GY: func(dst, x, y []float64) {
			for i := range dst {
				dst[i] = y[i] - x[i]
			}
		},
	}
}

// fillLam sets dst = λ₀·1, the transposed Jacobian product of 1ᵀx + 1ᵀy.
func fillLam(dst, x, y, lam []float64) {
	for i := range dst {
		dst[i] = lam[0]
	}
}
