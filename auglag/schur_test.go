package auglag

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/matrix"
)

// TestSchurSolvers checks the range-space (sparse Cholesky) and the
// block-preconditioned MINRES inner solvers on the PDE problem: one exact
// Newton step solves this QP, so both must converge in one iteration to the
// same point as the unpreconditioned baseline, and the KKT solve itself must
// satisfy ‖Kz − b‖ ≤ 1e-10‖b‖ (checked on K assembled independently).
func TestSchurSolvers(t *testing.T) {
	for _, N := range []int{3, 16} {
		p := NewPDEControl(N)
		ref, err := Solve(context.Background(), p, Settings{Method: Newton})
		if err != nil {
			t.Fatal(err)
		}
		for _, meth := range []Method{NewtonSchur, NewtonPMINRES} {
			res, err := Solve(context.Background(), p, Settings{Method: meth})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != Converged || res.Iterations != 1 {
				t.Errorf("N=%d %v: %v in %d iterations, want Converged in 1", N, meth, res.Status, res.Iterations)
			}
			if d := math.Abs(res.F-ref.F) / math.Abs(ref.F); d > 1e-9 {
				t.Errorf("N=%d %v: f = %.15g, Newton %.15g (rel. diff %.2g)", N, meth, res.F, ref.F, d)
			}
		}
		// The inner solve alone.
		x, lam := p.X0(), p.Y0()
		n, m := p.N(), p.M()
		g := make([]float64, p.N())
		p.Gradient(g, x)
		c := make([]float64, p.M())
		p.Constraints(c, x)
		G := p.Jacobian(x)
		gl := make([]float64, n)
		matrix.MulVecTrans(gl, G, lam)
		b := make([]float64, n+m)
		for i := range g {
			b[i] = -(g[i] + gl[i])
		}
		for j := range c {
			b[n+j] = -c[j]
		}
		B := p.HessLag(x, lam)
		K := assembleKKT(B, G, n, m)
		s := newSolver(p, &Settings{})
		for _, pm := range []bool{false, true} {
			in := s.newSchurInner(K, B, G, b, pm)
			if !in.run(context.Background(), 0, 0) {
				t.Fatalf("N=%d pminres=%v: inner solve failed: %v", N, pm, in.failure())
			}
			r := make([]float64, n+m)
			matrix.MulVec(r, K, in.x())
			for i := range r {
				r[i] -= b[i]
			}
			if rel := floats.Norm(r, 2) / floats.Norm(b, 2); rel > 1e-10 {
				t.Errorf("N=%d pminres=%v: ‖Kz − b‖/‖b‖ = %.3g > 1e-10", N, pm, rel)
			}
		}
	}
}

// TestSchurNotApplicable: a non-diagonal Hessian must end with
// NotApplicable and a message, not a wrong answer.
func TestSchurNotApplicable(t *testing.T) {
	for _, meth := range []Method{NewtonSchur, NewtonPMINRES} {
		res, err := Solve(context.Background(), hs28(), Settings{Method: meth})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != NotApplicable || res.Message == "" {
			t.Errorf("HS28 %v: %v (%q), want NotApplicable", meth, res.Status, res.Message)
		}
	}
}

// TestSchurCache checks the Schur complement's sparse Cholesky: the solve's
// residual, the reuse of the analysis for new values on the same pattern,
// a fresh analysis for a new pattern, and the refusal of an indefinite S.
func TestSchurCache(t *testing.T) {
	var c schurCache
	solve := func(S *sparse.CSR) {
		t.Helper()
		ch, err := c.factor(S)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := S.Dims()
		b := make([]float64, m)
		for i := range b {
			b[i] = math.Sin(float64(3*i + 1))
		}
		x := make([]float64, m)
		if _, err := ch.Solve(x, b); err != nil {
			t.Fatal(err)
		}
		r := make([]float64, m)
		matrix.MulVec(r, S, x)
		for i := range r {
			r[i] -= b[i]
		}
		if rel := floats.Norm(r, 2) / floats.Norm(b, 2); rel > 1e-13 {
			t.Errorf("Schur Cholesky: relative residual %.3g", rel)
		}
	}
	solve(matrix.AddDiag(matrix.Poisson2D(7, 5), 0.5))
	first := c.f
	solve(matrix.AddDiag(matrix.Poisson2D(7, 5), 2))
	if c.f != first {
		t.Error("same pattern: the analysis was not reused")
	}
	solve(matrix.AddDiag(matrix.Poisson2D(6, 5), 0.5))
	if c.f == first {
		t.Error("new pattern: the old factor was kept")
	}
	if _, err := c.factor(matrix.AddDiag(matrix.Poisson2D(6, 5), -3)); err == nil {
		t.Error("indefinite matrix accepted")
	}
}

// TestSchurComplementDense compares S = G D⁻¹ Gᵀ with the dense product.
func TestSchurComplementDense(t *testing.T) {
	p := NewPDEControl(5)
	G := p.Jacobian(nil)
	m, n := G.Dims()
	d := make([]float64, n)
	for i := range d {
		d[i] = 0.5 + float64(i%7)
	}
	S := schurComplement(G, d)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			var want float64
			for k := 0; k < n; k++ {
				want += G.At(i, k) * G.At(j, k) / d[k]
			}
			if got := S.At(i, j); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Fatalf("S[%d,%d] = %g, want %g", i, j, got, want)
			}
		}
	}
}

// BenchmarkPDENewtonSchur times the whole solve of the PDE problem with the
// range-space inner solver (go test -bench PDENewtonSchur ./auglag/).
func BenchmarkPDENewtonSchur(b *testing.B) {
	for _, N := range []int{16, 32, 64, 128} {
		b.Run(fmt.Sprintf("N=%d", N), func(b *testing.B) {
			p := NewPDEControl(N)
			for b.Loop() {
				res, err := Solve(context.Background(), p, Settings{Method: NewtonSchur})
				if err != nil || res.Status != Converged {
					b.Fatal(err, res.Status)
				}
			}
		})
	}
}
