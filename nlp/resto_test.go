package nlp

import (
	"math"
	"testing"
)

// zeroInner is an inner problem with one row h(v) = v₀ + v₁ + v₂ and no
// curvature, to look at the restoration objective alone.
type zeroInner struct{}

func (zeroInner) obj([]float64) float64 { return 0 }
func (zeroInner) grad(dst, _ []float64) { clear(dst) }
func (zeroInner) cons(dst, v []float64) { dst[0] = v[0] + v[1] + v[2] }
func (zeroInner) jacX(dst, _ []float64) { dst[0], dst[1] = 1, 1 }
func (zeroInner) hessX(dst, _, _ []float64, _ float64) {
	clear(dst)
}

// TestRestoProximityIPOPT3119 pins the restoration objective of IPOPT
// 3.11.9 (RestoIpoptNLP): (ζ/2)‖D_R(v − v_R)‖² in the objective, but
// ζ D_R (v − v_R) as its gradient and ζ D_R as its Hessian (IPOPT 3.14
// squares D_R there too); with xOnly the slack is left out.
func TestRestoProximityIPOPT3119(t *testing.T) {
	vR := []float64{3, -0.5, 4} // x₀, x₁, slack
	for _, xOnly := range []bool{false, true} {
		rq := newRestoNLP(zeroInner{}, vR, 2, 1, xOnly)
		mu := 0.04
		rq.mu = &mu
		zeta := 0.2
		v := []float64{3.5, 0, 2, 0.25, 0.75} // x, slack, p, n
		dR := []float64{1.0 / 3, 1, 1.0 / 4}
		if xOnly {
			dR[2] = 0
		}
		wantF := restoRho * (0.25 + 0.75)
		for i := range 3 {
			wantF += zeta / 2 * dR[i] * dR[i] * (v[i] - vR[i]) * (v[i] - vR[i])
		}
		if f := rq.obj(v); math.Abs(f-wantF) > 1e-12*wantF {
			t.Errorf("xOnly=%v: obj = %.15g, want %.15g", xOnly, f, wantF)
		}
		g := make([]float64, 5)
		rq.grad(g, v)
		for i := range 3 {
			if want := zeta * dR[i] * (v[i] - vR[i]); math.Abs(g[i]-want) > 1e-15 {
				t.Errorf("xOnly=%v: grad[%d] = %g, want ζ D_R (v − v_R) = %g", xOnly, i, g[i], want)
			}
		}
		if g[3] != restoRho || g[4] != restoRho {
			t.Errorf("xOnly=%v: grad of p, n = %g, %g, want ρ", xOnly, g[3], g[4])
		}
		// The x₀ entry is not the derivative of obj: D_R, not D_R².
		if fd := zeta * dR[0] * dR[0] * (v[0] - vR[0]); math.Abs(g[0]-fd) < 1e-3 {
			t.Errorf("grad[0] = %g equals the derivative of obj %g", g[0], fd)
		}
		h := make([]float64, 4)
		rq.hessX(h, v, []float64{0}, 1)
		if h[0] != zeta*dR[0] || h[3] != zeta*dR[1] || h[1] != 0 || h[2] != 0 {
			t.Errorf("xOnly=%v: Hessian %v, want diag(ζ D_R) = diag(%g, %g)", xOnly, h, zeta*dR[0], zeta*dR[1])
		}
	}
}
