package auglag

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/matrix"
)

// LogReg is the constrained logistic regression of the paper's second
// experiment:
//
//	minimize  f(x) = (1/N) Σᵢ log(1 + exp(−yᵢ zᵢᵀx))
//	subject to  A x = b,  ‖x‖² = 1,
//
// with data rows zᵢ (sparse), labels yᵢ = ±1, and A ∈ R^{10×n}, b ∈ R¹⁰ with
// i.i.d. N(0, 1) entries (seeded). m = 11. The start point is x₀ = 1, λ₀ = 1.
type LogReg struct {
	Z *sparse.CSR // N×n data
	Y []float64   // labels ±1
	A []float64   // 10×n row-major
	B []float64   // 10

	n, rows int
	t, w    []float64 // per-sample scratch: margins and weights
	jac     *sparse.CSR
	hess    *sparse.CSR
	pos     []int32 // (a, b) → index in hess data, −1 when not stored
}

// NewLogReg builds the problem from data (labels must be ±1) with nCons
// random linear constraints drawn from rng (the paper: 10).
func NewLogReg(Z *sparse.CSR, y []float64, nCons int, rng *rand.Rand) (*LogReg, error) {
	N, n := Z.Dims()
	if len(y) != N {
		return nil, fmt.Errorf("auglag: NewLogReg: %d labels for %d rows", len(y), N)
	}
	for i, v := range y {
		if v != 1 && v != -1 {
			return nil, fmt.Errorf("auglag: NewLogReg: label %d is %v; labels must be −1 or +1", i, v)
		}
	}
	if nCons >= n {
		return nil, fmt.Errorf("auglag: NewLogReg: %d linear constraints for %d features", nCons, n)
	}
	p := &LogReg{Z: Z, Y: y, n: n, rows: nCons, A: make([]float64, nCons*n), B: make([]float64, nCons),
		t: make([]float64, N), w: make([]float64, N)}
	for i := range p.A {
		p.A[i] = rng.NormFloat64()
	}
	for i := range p.B {
		p.B[i] = rng.NormFloat64()
	}
	// Jacobian pattern: dense rows of A, then the dense row 2xᵀ.
	m := nCons + 1
	ptr := make([]int, m+1)
	ind := make([]int, m*n)
	for j := 0; j < m; j++ {
		for k := 0; k < n; k++ {
			ind[j*n+k] = k
		}
		ptr[j+1] = (j + 1) * n
	}
	p.jac = sparse.NewCSR(m, n, ptr, ind, make([]float64, m*n))
	raw := p.jac.RawMatrix()
	copy(raw.Data, p.A)
	// Hessian pattern: union of the outer-product patterns of the rows of Z
	// and the diagonal, found with a dense n×n mark array; pos maps (a, b) to
	// the position in the CSR data.
	mark := make([]bool, n*n)
	for a := 0; a < n; a++ {
		mark[a*n+a] = true
	}
	zr := Z.RawMatrix()
	for i := 0; i < N; i++ {
		cols := zr.Ind[zr.Indptr[i]:zr.Indptr[i+1]]
		for _, a := range cols {
			for _, b := range cols {
				mark[a*n+b] = true
			}
		}
	}
	hptr := make([]int, n+1)
	var hind []int
	p.pos = make([]int32, n*n)
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			p.pos[a*n+b] = -1
			if mark[a*n+b] {
				p.pos[a*n+b] = int32(len(hind))
				hind = append(hind, b)
			}
		}
		hptr[a+1] = len(hind)
	}
	p.hess = sparse.NewCSR(n, n, hptr, hind, make([]float64, len(hind)))
	return p, nil
}

// N returns the number of features.
func (p *LogReg) N() int { return p.n }

// M returns the number of constraints (linear rows + the sphere).
func (p *LogReg) M() int { return p.rows + 1 }

// X0 returns x₀ = 1.
func (p *LogReg) X0() []float64 { return fill(p.n, 1) }

// Y0 returns λ₀ = 1.
func (p *LogReg) Y0() []float64 { return fill(p.M(), 1) }

func fill(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

// margins sets t_i = y_i z_iᵀx.
func (p *LogReg) margins(x []float64) {
	matrix.MulVec(p.t, p.Z, x)
	for i := range p.t {
		p.t[i] *= p.Y[i]
	}
}

// log1pexp returns log(1 + exp(u)) without overflow.
func log1pexp(u float64) float64 {
	if u > 0 {
		return u + math.Log1p(math.Exp(-u))
	}
	return math.Log1p(math.Exp(u))
}

// sigmoid returns 1/(1 + exp(−u)).
func sigmoid(u float64) float64 {
	if u >= 0 {
		return 1 / (1 + math.Exp(-u))
	}
	e := math.Exp(u)
	return e / (1 + e)
}

// Objective returns (1/N) Σ log(1 + exp(−t_i)).
func (p *LogReg) Objective(x []float64) float64 {
	p.margins(x)
	var f float64
	for _, t := range p.t {
		f += log1pexp(-t)
	}
	return f / float64(len(p.t))
}

// Gradient sets dst = −(1/N) Σ y_i σ(−t_i) z_i.
func (p *LogReg) Gradient(dst, x []float64) {
	p.margins(x)
	N := float64(len(p.t))
	for i, t := range p.t {
		p.w[i] = -p.Y[i] * sigmoid(-t) / N
	}
	matrix.MulVecTrans(dst, p.Z, p.w)
}

// Constraints sets dst = (A x − b, ‖x‖² − 1).
func (p *LogReg) Constraints(dst, x []float64) {
	n := p.n
	for j := 0; j < p.rows; j++ {
		dst[j] = floats.Dot(p.A[j*n:(j+1)*n], x) - p.B[j]
	}
	dst[p.rows] = floats.Dot(x, x) - 1
}

// Jacobian returns [A; 2xᵀ].
func (p *LogReg) Jacobian(x []float64) *sparse.CSR {
	raw := p.jac.RawMatrix()
	last := raw.Data[p.rows*p.n:]
	for k, v := range x {
		last[k] = 2 * v
	}
	return p.jac
}

// HessLagVec sets dst = ((1/N) Zᵀ D Z + 2λ_m I)·v, D_i = σ(t_i)(1 − σ(t_i)).
func (p *LogReg) HessLagVec(dst, x, y, v []float64) {
	p.margins(x)
	N := float64(len(p.t))
	zv := make([]float64, len(p.t))
	matrix.MulVec(zv, p.Z, v)
	for i, t := range p.t {
		s := sigmoid(t)
		zv[i] *= s * (1 - s) / N
	}
	matrix.MulVecTrans(dst, p.Z, zv)
	if y != nil {
		for k := range dst {
			dst[k] += 2 * y[p.rows] * v[k]
		}
	}
}

// HessLag returns (1/N) Zᵀ D Z + 2λ_m I as a sparse matrix.
func (p *LogReg) HessLag(x, y []float64) *sparse.CSR {
	p.margins(x)
	N := float64(len(p.t))
	raw := p.hess.RawMatrix()
	clear(raw.Data)
	zr := p.Z.RawMatrix()
	for i, t := range p.t {
		s := sigmoid(t)
		d := s * (1 - s) / N
		lo, hi := zr.Indptr[i], zr.Indptr[i+1]
		for ka := lo; ka < hi; ka++ {
			a, va := zr.Ind[ka], zr.Data[ka]
			for kb := lo; kb < hi; kb++ {
				raw.Data[p.pos[a*p.n+zr.Ind[kb]]] += d * va * zr.Data[kb]
			}
		}
	}
	if y != nil {
		for a := 0; a < p.n; a++ {
			raw.Data[p.pos[a*p.n+a]] += 2 * y[p.rows]
		}
	}
	return p.hess
}

// MinNormFeasible returns ‖A⁺b‖, the norm of the smallest solution of the
// linear constraints A x = b. The feasible set {A x = b, ‖x‖ = 1} is empty
// when it exceeds 1, which happens for random constraints when the number
// of features is not much larger than the number of rows (‖A⁺b‖² ≈ r/(n − r)
// on average for r Gaussian rows).
func (p *LogReg) MinNormFeasible() float64 {
	n, r := p.n, p.rows
	// Solve (A Aᵀ) w = b by Cholesky (r×r, tiny), then x = Aᵀw.
	g := make([]float64, r*r)
	for i := 0; i < r; i++ {
		for j := 0; j <= i; j++ {
			g[i*r+j] = floats.Dot(p.A[i*n:(i+1)*n], p.A[j*n:(j+1)*n])
		}
	}
	for j := 0; j < r; j++ {
		d := g[j*r+j]
		for k := 0; k < j; k++ {
			d -= g[j*r+k] * g[j*r+k]
		}
		if d <= 0 {
			return math.Inf(1)
		}
		d = math.Sqrt(d)
		g[j*r+j] = d
		for i := j + 1; i < r; i++ {
			s := g[i*r+j]
			for k := 0; k < j; k++ {
				s -= g[i*r+k] * g[j*r+k]
			}
			g[i*r+j] = s / d
		}
	}
	w := append([]float64(nil), p.B...)
	for i := 0; i < r; i++ {
		for k := 0; k < i; k++ {
			w[i] -= g[i*r+k] * w[k]
		}
		w[i] /= g[i*r+i]
	}
	for i := r - 1; i >= 0; i-- {
		for k := i + 1; k < r; k++ {
			w[i] -= g[k*r+i] * w[k]
		}
		w[i] /= g[i*r+i]
	}
	// ‖Aᵀw‖² = wᵀ(AAᵀ)w = bᵀw.
	return math.Sqrt(math.Max(floats.Dot(p.B, w), 0))
}
