package auglag

import (
	"context"
	"testing"
)

// TestSuperlinearTails: with the forcing-term accuracy condition
// ‖Kz − b‖ ≤ θ_k·ρ·‖b‖ (Settings.InnerRTol = ρ = 0.5) the KKT residual of
// AdaSketch-GV converges linearly with θ_k = 1 (successive ratios stay near
// ρ) and superlinearly with θ_k = Superlinear(2) = (k+1)⁻² (the ratios go to
// zero). Measured (seed 2023, tol 1e-10), last three ratios:
//
//	HS6   θ=1: 0.48 0.47 0.44    θ_k→0: 0.0034 0.0029 0.0025
//	HS28  θ=1: 0.46 0.48 0.46    θ_k→0: 0.010 0.0097 0.0063
//	HS40  θ=1: 0.94 0.81 0.56    θ_k→0: 0.014 0.0088 0.0074
//
// With the paper's own condition (InnerRTol = 0) every inner solve is nearly
// exact (‖K‖_F·Ψ ≥ 10³), so θ_k makes no visible difference: the tails are
// those of exact Newton either way.
func TestSuperlinearTails(t *testing.T) {
	tail := func(p Problem, theta func(int) float64) []float64 {
		res, err := Solve(context.Background(), p, Settings{Method: AdaSketchGV, Theta: theta, Tol: 1e-10, InnerRTol: 0.5, MaxIter: 300})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != Converged {
			t.Fatalf("%v", res.Status)
		}
		h := res.History
		var r []float64
		for i := 1; i < len(h); i++ {
			r = append(r, h[i]/h[i-1])
		}
		return r
	}
	for _, c := range []struct {
		name string
		p    Problem
	}{{"HS6", hs6()}, {"HS28", hs28()}, {"HS40", hs40()}} {
		lin := tail(c.p, nil)
		sup := tail(c.p, Superlinear(2))
		l3, s3 := lin[len(lin)-3:], sup[len(sup)-3:]
		t.Logf("%s: θ=1 tail ratios %.2g (%d it.), θ_k=(k+1)⁻² %.2g (%d it.)", c.name, l3, len(lin), s3, len(sup))
		for i := range l3 {
			if l3[i] < 0.2 {
				t.Errorf("%s θ=1: ratio %.3g < 0.2: not a linear tail", c.name, l3[i])
			}
			if s3[i] > 0.02 {
				t.Errorf("%s θ_k→0: ratio %.3g > 0.02", c.name, s3[i])
			}
		}
		if n := len(sup); sup[n-1] >= sup[n-4] {
			t.Errorf("%s θ_k→0: ratios do not decrease: %.3g", c.name, sup[n-4:])
		}
		if len(sup) >= len(lin) {
			t.Errorf("%s: θ_k→0 needs %d iterations, θ=1 %d", c.name, len(sup), len(lin))
		}
	}
}
