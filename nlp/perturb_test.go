package nlp

import (
	"math"
	"testing"
)

// TestPerturbationSequence follows IPOPT's PDPerturbationHandler through
// the cases of Algorithm IC: wrong inertia raises δw only (δ̄w⁰, ×100 while
// δw^last = 0, then from κw⁻δw^last by ×8); a singular first matrix is
// tried with δc alone, and after three matrices cured by δc the Jacobian is
// declared degenerate so that δc is applied from the start.
func TestPerturbationSequence(t *testing.T) {
	mu := 1e-2
	dcWant := dcBar * math.Pow(mu, dcExp)

	// Wrong inertia on a nonsingular matrix: δw = 1e-4, 1e-2, 1 and no δc.
	p := perturbation{mu: &mu}
	if !p.newSystem() || p.dw != 0 || p.dc != 0 {
		t.Fatalf("first matrix: dw=%g dc=%g", p.dw, p.dc)
	}
	for _, want := range []float64{1e-4, 1e-2, 1} {
		if !p.forWrongInertia() || p.dw != want || p.dc != 0 {
			t.Fatalf("wrong inertia: dw=%g (want %g) dc=%g", p.dw, want, p.dc)
		}
	}
	// The first matrix was not singular: neither part is degenerate.
	if p.hess != degenNo || p.jac != degenNo {
		t.Errorf("degeneracy after a nonsingular first matrix: hess %d jac %d", p.hess, p.jac)
	}
	// Next matrix: δw starts from δw^last/3 and grows by ×8.
	p.newSystem()
	if !p.forWrongInertia() || math.Abs(p.dw-1.0/3) > 1e-15 {
		t.Fatalf("second matrix: dw=%g, want 1/3", p.dw)
	}
	if !p.forWrongInertia() || math.Abs(p.dw-8.0/3) > 1e-14 {
		t.Fatalf("second matrix: dw=%g, want 8/3", p.dw)
	}
	// A singular matrix once degeneracy is decided: δc first, then δw.
	p.newSystem()
	if !p.forSingularity() || p.dc != dcWant || p.dw != 0 {
		t.Fatalf("singular: dw=%g dc=%g, want 0, %g", p.dw, p.dc, dcWant)
	}
	if !p.forSingularity() || p.dw == 0 || p.dc != dcWant {
		t.Fatalf("singular again: dw=%g dc=%g", p.dw, p.dc)
	}

	// Structural degeneracy: singular first matrices cured by δc alone.
	p = perturbation{mu: &mu}
	for k := range degenItersMax {
		p.newSystem()
		if p.dc != 0 {
			t.Fatalf("matrix %d starts with dc=%g before the Jacobian is declared degenerate", k, p.dc)
		}
		if !p.forSingularity() || p.dc != dcWant || p.dw != 0 {
			t.Fatalf("matrix %d: dw=%g dc=%g", k, p.dw, p.dc)
		}
	}
	p.newSystem() // concludes the third test
	if p.jac != degenYes || p.hess != degenNo {
		t.Fatalf("after %d δc-cured matrices: jac %d hess %d, want degenerate Jacobian", degenItersMax, p.jac, p.hess)
	}
	if p.dc != dcWant || p.dw != 0 {
		t.Errorf("degenerate Jacobian: a new matrix starts with dw=%g dc=%g, want 0, %g", p.dw, p.dc, dcWant)
	}

	// δw beyond δ̄w^max with δc = 0: start over with δc > 0.
	p = perturbation{mu: &mu, hess: degenNo, jac: degenNo}
	p.newSystem()
	for p.dc == 0 {
		if !p.forWrongInertia() {
			t.Fatal("gave up before trying δc")
		}
	}
	if p.dw != dwFirst {
		t.Errorf("restart with δc: dw=%g, want %g", p.dw, dwFirst)
	}
}

// TestResidualRatio checks IPOPT's residual ratio and the refined solve of
// a regular system (no singularity flagged).
func TestResidualRatio(t *testing.T) {
	c := &core{nk: 2}
	c.K = []float64{2, 0, 1, 3} // lower triangle of [[2 1][1 3]]
	c.rhs, c.sol, c.res, c.corr = []float64{1, 2}, []float64{0.2, 0.6}, make([]float64, 2), make([]float64, 2)
	// K·sol = (1, 2): zero residual.
	if r := c.residualRatio(); r > 1e-15 {
		t.Errorf("exact solution: ratio %g", r)
	}
	c.sol = []float64{1, 0}
	// K·sol = (2, 1), residual (−1, 1): ratio 1/(min(1, 2e6) + 2) = 1/3.
	if r := c.residualRatio(); math.Abs(r-1.0/3) > 1e-15 {
		t.Errorf("ratio %g, want 1/3", r)
	}
	if err := c.ldl.FactorizeLower(2, c.K); err != nil {
		t.Fatal(err)
	}
	c.sol = make([]float64, 2)
	if ok, sing := c.solveKKT(); !ok || sing || math.Abs(c.sol[0]-0.2) > 1e-15 || math.Abs(c.sol[1]-0.6) > 1e-15 {
		t.Errorf("regular system: ok=%v singular=%v sol=%v", ok, sing, c.sol)
	}
}
