package auglag

import (
	"github.com/james-bowman/sparse"
)

// DenseProblem is a small Problem given by plain functions with dense
// derivatives: convenient for tests, examples and hand-written models.
// Jac returns the m×n Jacobian row-major; Hess the n×n Hessian of the
// Lagrangian f + yᵀc (y == nil: of f alone) row-major.
type DenseProblem struct {
	Dim, NCons int
	Start      []float64
	F          func(x []float64) float64
	Grad       func(dst, x []float64)
	C          func(dst, x []float64)
	Jac        func(dst, x []float64)
	Hess       func(dst, x, y []float64)

	jac  []float64
	hess []float64
}

// N returns the number of variables.
func (p *DenseProblem) N() int { return p.Dim }

// M returns the number of constraints.
func (p *DenseProblem) M() int { return p.NCons }

// X0 returns the start point.
func (p *DenseProblem) X0() []float64 { return append([]float64(nil), p.Start...) }

// Objective returns f(x).
func (p *DenseProblem) Objective(x []float64) float64 { return p.F(x) }

// Gradient sets dst = ∇f(x).
func (p *DenseProblem) Gradient(dst, x []float64) {
	p.Grad(dst, x)
}

// Constraints sets dst = c(x).
func (p *DenseProblem) Constraints(dst, x []float64) {
	if p.NCons > 0 {
		p.C(dst, x)
	}
}

// Jacobian returns G(x) as a CSR matrix (explicit zeros dropped).
func (p *DenseProblem) Jacobian(x []float64) *sparse.CSR {
	if p.jac == nil {
		p.jac = make([]float64, p.NCons*p.Dim)
	}
	clear(p.jac)
	p.Jac(p.jac, x)
	return denseToCSR(p.jac, p.NCons, p.Dim)
}

// HessLagVec sets dst = ∇²L(x, y)·v.
func (p *DenseProblem) HessLagVec(dst, x, y, v []float64) {
	n := p.Dim
	if p.hess == nil {
		p.hess = make([]float64, n*n)
	}
	clear(p.hess)
	p.Hess(p.hess, x, y)
	for i := 0; i < n; i++ {
		var s float64
		for j := 0; j < n; j++ {
			s += p.hess[i*n+j] * v[j]
		}
		dst[i] = s
	}
}

// HessLag returns ∇²L(x, y) as a CSR matrix.
func (p *DenseProblem) HessLag(x, y []float64) *sparse.CSR {
	n := p.Dim
	if p.hess == nil {
		p.hess = make([]float64, n*n)
	}
	clear(p.hess)
	p.Hess(p.hess, x, y)
	return denseToCSR(p.hess, n, n)
}

func denseToCSR(d []float64, r, c int) *sparse.CSR {
	ptr := make([]int, r+1)
	var ind []int
	var val []float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := d[i*c+j]; v != 0 {
				ind = append(ind, j)
				val = append(val, v)
			}
		}
		ptr[i+1] = len(ind)
	}
	return sparse.NewCSR(r, c, ptr, ind, val)
}
