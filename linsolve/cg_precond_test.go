package linsolve

import (
	"context"
	"testing"
)

// CG with a preconditioner that is not positive definite stops with
// Breakdown at ρ = rᵀM⁻¹r ≤ 0 (as MINRES does) instead of iterating with a
// negative or infinite step: M⁻¹ = −I gives ρ < 0, M⁻¹ = diag(1, −1) with
// r = (1, 1) gives ρ = 0. A = diag(2, 1) itself is SPD, so pᵀAp stays
// positive and only the new check catches it. An SPD preconditioner on the
// same system converges.
func TestCGIndefinitePreconditioner(t *testing.T) {
	a := dense2(2, 0, 0, 1)
	for _, c := range []struct {
		name string
		m    diagPre
		b    []float64
		want Status
	}{
		{"M⁻¹ = −I", diagPre{-1, -1}, []float64{1, 0}, Breakdown},
		{"M⁻¹ = diag(1, −1)", diagPre{1, -1}, []float64{1, 1}, Breakdown},
		{"M⁻¹ = diag(½, 1) (SPD)", diagPre{0.5, 1}, []float64{1, 1}, Converged},
	} {
		res, err := CG(context.Background(), a, c.b, Settings{Precond: c.m})
		if err != nil || res.Status != c.want {
			t.Errorf("%s: got %+v, %v; want %v", c.name, res, err, c.want)
			continue
		}
		if c.want == Breakdown && (res.Iterations != 0 || res.X[0] != 0 || res.X[1] != 0) {
			t.Errorf("%s: %d iterations, X = %v; want the untouched start", c.name, res.Iterations, res.X)
		}
	}
}
