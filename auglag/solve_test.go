package auglag

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// fdCheck compares the problem's gradient, Jacobian and Hessian–vector
// product with central differences.
func fdCheck(t *testing.T, name string, p Problem, x, y []float64) {
	t.Helper()
	n, m := p.N(), p.M()
	h := 1e-6
	g := make([]float64, n)
	p.Gradient(g, x)
	J := p.Jacobian(x)
	c1, c2 := make([]float64, m), make([]float64, m)
	rng := rand.New(rand.NewPCG(1, 2))
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	hv := make([]float64, n)
	p.HessLagVec(hv, x, y, v)
	xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
	gp, gm := make([]float64, n), make([]float64, n)
	gLag := func(dst, z []float64) {
		p.Gradient(dst, z)
		Jz := p.Jacobian(z)
		raw := Jz.RawMatrix()
		for j := 0; j < m; j++ {
			for k := raw.Indptr[j]; k < raw.Indptr[j+1]; k++ {
				dst[raw.Ind[k]] += y[j] * raw.Data[k]
			}
		}
	}
	for i := 0; i < n; i++ {
		xp[i], xm[i] = x[i]+h, x[i]-h
		fd := (p.Objective(xp) - p.Objective(xm)) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-6*math.Max(1, math.Abs(g[i])) {
			t.Errorf("%s: ∂f/∂x%d = %g, finite difference %g", name, i, g[i], fd)
		}
		p.Constraints(c1, xp)
		p.Constraints(c2, xm)
		for j := 0; j < m; j++ {
			fdj := (c1[j] - c2[j]) / (2 * h)
			if a := J.At(j, i); math.Abs(fdj-a) > 1e-6*math.Max(1, math.Abs(a)) {
				t.Errorf("%s: J[%d,%d] = %g, finite difference %g", name, j, i, a, fdj)
			}
		}
		xp[i], xm[i] = x[i], x[i]
	}
	for i := range xp {
		xp[i], xm[i] = x[i]+h*v[i], x[i]-h*v[i]
	}
	gLag(gp, xp)
	gLag(gm, xm)
	for i := 0; i < n; i++ {
		fd := (gp[i] - gm[i]) / (2 * h)
		if math.Abs(fd-hv[i]) > 1e-5*math.Max(1, math.Abs(hv[i])) {
			t.Errorf("%s: (∇²L v)[%d] = %g, finite difference %g", name, i, hv[i], fd)
		}
	}
}

func TestTestProblemDerivatives(t *testing.T) {
	for name, p := range map[string]*DenseProblem{"HS6": hs6(), "HS7": hs7(), "HS28": hs28(), "HS40": hs40()} {
		x := p.X0()
		y := make([]float64, p.M())
		for j := range y {
			y[j] = 0.3 + float64(j)
		}
		fdCheck(t, name, p, x, y)
	}
}

// Iteration counts of the authors' runs (research notes §3.1, medians of 10).
func TestSmallProblems(t *testing.T) {
	cases := []struct {
		name   string
		p      *DenseProblem
		gv, rk int
		fstar  float64
	}{
		{"HS6", hs6(), 9, 9, 0},
		{"HS7", hs7(), 10, 10, -math.Sqrt(3)},
		{"HS28", hs28(), 1, 1, 0},
		{"HS40", hs40(), 3, 3, -0.25},
	}
	for _, c := range cases {
		for _, meth := range []Method{AdaSketchGV, AdaSketchRK, Newton} {
			res, err := Solve(context.Background(), c.p, Settings{Method: meth})
			if err != nil {
				t.Fatal(err)
			}
			want := c.gv
			if meth == AdaSketchRK {
				want = c.rk
			}
			t.Logf("%s %v: %v in %d iterations, KKT %.2g, f %.6g, sketch steps %d, α %v", c.name, meth, res.Status, res.Iterations, res.KKT, res.F, res.SketchSteps, res.Alphas)
			if res.Status != Converged {
				t.Errorf("%s %v: status %v (%s)", c.name, meth, res.Status, res.Message)
				continue
			}
			if math.Abs(res.F-c.fstar) > 1e-4*math.Max(1, math.Abs(c.fstar)) {
				t.Errorf("%s %v: f = %g, want %g", c.name, meth, res.F, c.fstar)
			}
			if meth != Newton && (res.Iterations < want-2 || res.Iterations > want+2) {
				t.Errorf("%s %v: %d iterations, reference %d (±2)", c.name, meth, res.Iterations, want)
			}
		}
	}
}
