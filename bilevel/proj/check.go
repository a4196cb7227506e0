package proj

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Check tests on trials random points (Gaussian, scaled by scale) that s
// behaves as the Euclidean projection onto a closed convex set:
//
//   - idempotence: Π(Π(v)) = Π(v);
//   - non-expansiveness: ‖Π(u) − Π(v)‖ ≤ ‖u − v‖;
//   - the obtuse-angle (variational) inequality (v − Π(v))ᵀ(Π(u) − Π(v)) ≤ 0,
//     which characterizes the projection onto a convex set.
//
// Each test allows a relative rounding slack tol (1e-9 when zero). A failure
// names the test and the measured violation; a projection onto a non-convex
// set (a sphere, a union of boxes) fails the last two tests on random points
// with high probability.
func Check(s Set, rng *rand.Rand, trials int, scale, tol float64) error {
	if tol == 0 {
		tol = 1e-9
	}
	n := s.Dim()
	u, v, pu, pv, ppv := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for t := 0; t < trials; t++ {
		for i := range u {
			u[i] = scale * rng.NormFloat64()
			v[i] = scale * rng.NormFloat64()
		}
		if err := s.Project(pu, u); err != nil {
			return err
		}
		if err := s.Project(pv, v); err != nil {
			return err
		}
		if err := s.Project(ppv, pv); err != nil {
			return err
		}
		var idem, nv, duv, dp, vi float64
		for i := range u {
			idem = max(idem, math.Abs(ppv[i]-pv[i]))
			nv = max(nv, math.Abs(pv[i]))
			duv += (u[i] - v[i]) * (u[i] - v[i])
			dp += (pu[i] - pv[i]) * (pu[i] - pv[i])
			vi += (v[i] - pv[i]) * (pu[i] - pv[i])
		}
		if idem > tol*(1+nv) {
			return fmt.Errorf("proj: Check: not idempotent: ‖Π(Π(v)) − Π(v)‖∞ = %.3g (trial %d)", idem, t)
		}
		if math.Sqrt(dp) > math.Sqrt(duv)*(1+tol)+tol*scale {
			return fmt.Errorf("proj: Check: expansive: ‖Π(u) − Π(v)‖ = %.6g > ‖u − v‖ = %.6g (trial %d); the set is not convex", math.Sqrt(dp), math.Sqrt(duv), t)
		}
		if vi > tol*scale*scale*float64(n) {
			return fmt.Errorf("proj: Check: obtuse-angle inequality violated: (v − Πv)ᵀ(Πu − Πv) = %.3g > 0 (trial %d); the set is not convex or Π is not its projection", vi, t)
		}
	}
	return nil
}
