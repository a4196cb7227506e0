package auglag

import (
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
	"github.com/kkt-go/kkt/matrix"
)

// PDEControl is the discretized Poisson control problem of the paper's third
// experiment: on an N×N interior grid with mesh size h = 2/(N+1) and zero
// Dirichlet boundary,
//
//	minimize  ½‖w − w*‖² + (0.1/2)‖z‖²   subject to  Δ_h w + z = 0,
//
// with the 5-point Laplacian (Δ_h w)_ij = (w_{i−1,j} + w_{i+1,j} + w_{i,j−1} +
// w_{i,j+1} − 4w_ij)/h² and the target w*_ij = sin(4 + (0.1/√15)(i − (N+1)/2))
// + cos(3 + (0.1/√15)(j − (N+1)/2)) (i, j = 1..N). Variables are x = (w, z),
// n = 2N², m = N². Everything is sparse: the Jacobian is [Δ_h, I] and the
// Hessian diag(I, 0.1·I).
type PDEControl struct {
	Grid   int
	target []float64
	jac    *sparse.CSR
	hess   *sparse.CSR
}

// NewPDEControl builds the problem on an N×N grid.
func NewPDEControl(N int) *PDEControl {
	if N < 1 {
		panic(fmt.Sprintf("auglag: NewPDEControl: N = %d", N))
	}
	nn := N * N
	p := &PDEControl{Grid: N, target: make([]float64, nn)}
	c := float64(N+1) / 2
	s := 0.1 / math.Sqrt(15)
	for j := 1; j <= N; j++ {
		for i := 1; i <= N; i++ {
			p.target[(i-1)+N*(j-1)] = math.Sin(4+s*(float64(i)-c)) + math.Cos(3+s*(float64(j)-c))
		}
	}
	h := 2 / float64(N+1)
	L := matrix.Poisson2D(N, N) // −h²Δ_h
	raw := L.RawMatrix()
	ptr := make([]int, nn+1)
	ind := make([]int, 0, raw.Indptr[nn]+nn)
	val := make([]float64, 0, raw.Indptr[nn]+nn)
	for r := 0; r < nn; r++ {
		for k := raw.Indptr[r]; k < raw.Indptr[r+1]; k++ {
			ind = append(ind, raw.Ind[k])
			val = append(val, -raw.Data[k]/(h*h))
		}
		ind = append(ind, nn+r)
		val = append(val, 1)
		ptr[r+1] = len(ind)
	}
	p.jac = sparse.NewCSR(nn, 2*nn, ptr, ind, val)
	hp := make([]int, 2*nn+1)
	hi := make([]int, 2*nn)
	hv := make([]float64, 2*nn)
	for k := 0; k < 2*nn; k++ {
		hp[k+1] = k + 1
		hi[k] = k
		hv[k] = 1
		if k >= nn {
			hv[k] = 0.1
		}
	}
	p.hess = sparse.NewCSR(2*nn, 2*nn, hp, hi, hv)
	return p
}

func (p *PDEControl) nn() int { return p.Grid * p.Grid }

// N returns the number of variables n = 2N².
func (p *PDEControl) N() int { return 2 * p.nn() }

// M returns the number of constraints m = N².
func (p *PDEControl) M() int { return p.nn() }

// X0 is the paper's start point x₀ = 1.
func (p *PDEControl) X0() []float64 {
	x := make([]float64, 2*p.nn())
	for i := range x {
		x[i] = 1
	}
	return x
}

// Y0 is the paper's multiplier start λ₀ = 1.
func (p *PDEControl) Y0() []float64 {
	y := make([]float64, p.nn())
	for i := range y {
		y[i] = 1
	}
	return y
}

// Objective returns ½‖w − w*‖² + 0.05‖z‖².
func (p *PDEControl) Objective(x []float64) float64 {
	nn := p.nn()
	var f float64
	for i := 0; i < nn; i++ {
		d := x[i] - p.target[i]
		f += 0.5*d*d + 0.05*x[nn+i]*x[nn+i]
	}
	return f
}

// Gradient sets dst = (w − w*, 0.1·z).
func (p *PDEControl) Gradient(dst, x []float64) {
	nn := p.nn()
	for i := 0; i < nn; i++ {
		dst[i] = x[i] - p.target[i]
		dst[nn+i] = 0.1 * x[nn+i]
	}
}

// Constraints sets dst = Δ_h w + z.
func (p *PDEControl) Constraints(dst, x []float64) { matrix.MulVec(dst, p.jac, x) }

// Jacobian returns [Δ_h, I] (constant).
func (p *PDEControl) Jacobian([]float64) *sparse.CSR { return p.jac }

// HessLagVec sets dst = diag(I, 0.1I)·v (the constraints are linear).
func (p *PDEControl) HessLagVec(dst, _, _, v []float64) {
	nn := p.nn()
	for i := 0; i < nn; i++ {
		dst[i] = v[i]
		dst[nn+i] = 0.1 * v[nn+i]
	}
}

// HessLag returns diag(I, 0.1I).
func (p *PDEControl) HessLag(_, _ []float64) *sparse.CSR { return p.hess }

// BoundedPDEControl is PDEControl with the control bounded, ZLo ≤ z ≤ ZHi
// (the state w stays free): a general nonlinear program (nlp.Problem) for
// the interior-point method and SolveNLP. The equality-constrained solvers
// (Solve) refuse it, since they cannot honour the bounds.
type BoundedPDEControl struct {
	*PDEControl
	ZLo, ZHi float64
}

// NewBoundedPDEControl builds the problem on an N×N grid with zlo ≤ z ≤ zhi
// (±Inf for an absent side).
func NewBoundedPDEControl(N int, zlo, zhi float64) *BoundedPDEControl {
	if !(zlo <= zhi) {
		panic(fmt.Sprintf("auglag: NewBoundedPDEControl: bounds [%g, %g]", zlo, zhi))
	}
	return &BoundedPDEControl{PDEControl: NewPDEControl(N), ZLo: zlo, ZHi: zhi}
}

// XL returns the lower bounds: −Inf for w, ZLo for z.
func (p *BoundedPDEControl) XL() []float64 { return p.bounds(math.Inf(-1), p.ZLo) }

// XU returns the upper bounds: +Inf for w, ZHi for z.
func (p *BoundedPDEControl) XU() []float64 { return p.bounds(math.Inf(1), p.ZHi) }

func (p *BoundedPDEControl) bounds(w, z float64) []float64 {
	nn := p.nn()
	b := make([]float64, 2*nn)
	for i := range nn {
		b[i], b[nn+i] = w, z
	}
	return b
}

// CL and CU are zero: the constraints Δ_h w + z = 0 are equalities.
func (p *BoundedPDEControl) CL() []float64 { return make([]float64, p.nn()) }

// CU returns the upper constraint bounds (zero).
func (p *BoundedPDEControl) CU() []float64 { return make([]float64, p.nn()) }

// X0 is the paper's start x₀ = 1, with z moved into its bounds.
func (p *BoundedPDEControl) X0() []float64 {
	x := p.PDEControl.X0()
	nn := p.nn()
	for i := nn; i < 2*nn; i++ {
		x[i] = min(max(x[i], p.ZLo), p.ZHi)
	}
	return x
}
