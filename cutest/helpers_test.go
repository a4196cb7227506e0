package cutest

import "github.com/james-bowman/sparse"

// Allocating wrappers used by the tests.

func gradOf(p *Problem, x []float64) []float64 {
	g := make([]float64, p.N())
	p.Gradient(g, x)
	return g
}

func consOf(p *Problem, x []float64) []float64 {
	c := make([]float64, p.M())
	p.Constraints(c, x)
	return c
}

func hessLagVecOf(p *Problem, x, y, v []float64) []float64 {
	hv := make([]float64, p.N())
	p.HessLagVec(hv, x, y, v)
	return hv
}

// nlp is the interface the auglag solver consumes (issue #4); Problem must
// satisfy it without importing any solver package.
type nlp interface {
	N() int
	M() int
	X0() []float64
	Objective(x []float64) float64
	Gradient(dst, x []float64)
	Constraints(dst, x []float64)
	Jacobian(x []float64) *sparse.CSR
	HessLagVec(dst, x, y, v []float64)
	HessLag(x, y []float64) *sparse.CSR
}

var _ nlp = (*Problem)(nil)
