package cutest

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
