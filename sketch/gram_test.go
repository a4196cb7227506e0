package sketch

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Settings.Gram: the same iterates as the column updates, the tracked
// residual within its error bound of the exact one, and the same stopping
// decision up to the drift (an exact recomputation confirms convergence).
func TestKaczmarzGram(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 0))
	for _, tc := range []struct {
		m, n    int
		density float64
	}{{30, 30, 1}, {60, 40, 0.3}, {200, 200, 0.05}} {
		a := mat.NewDense(tc.m, tc.n, nil)
		for i := 0; i < tc.m; i++ {
			for j := 0; j < tc.n; j++ {
				if rng.Float64() < tc.density || i == j {
					a.Set(i, j, rng.NormFloat64())
				}
				if i == j {
					a.Set(i, j, a.At(i, j)+3*math.Sqrt(float64(tc.n)*tc.density))
				}
			}
		}
		xs := make([]float64, tc.n)
		for j := range xs {
			xs[j] = rng.NormFloat64()
		}
		b := make([]float64, tc.m)
		bv := mat.NewVecDense(tc.m, b)
		bv.MulVec(a, mat.NewVecDense(tc.n, xs))
		for _, rule := range []RowRule{UniformRow, RowNorm} {
			plain, err := NewKaczmarz(a, b, rule, Settings{Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			g, err := NewKaczmarz(a, b, rule, Settings{Seed: 3, Gram: true})
			if err != nil {
				t.Fatal(err)
			}
			for step := 1; step <= 3000; step++ {
				plain.Step()
				g.Step()
				for j := range plain.X() {
					if plain.X()[j] != g.X()[j] {
						t.Fatalf("%dx%d rule %d step %d: iterates differ", tc.m, tc.n, rule, step)
					}
				}
				if step%97 == 0 {
					exact := g.exactNorm()
					rt := g.Residual()
					// ‖r̃ − r‖₂ ≤ ‖r̃ − r‖₁ ≤ bound
					r := make([]float64, tc.m)
					rv := mat.NewVecDense(tc.m, r)
					rv.MulVec(a, mat.NewVecDense(tc.n, g.X()))
					var e float64
					for i := range r {
						e += math.Abs((b[i] - r[i]) - rt[i])
					}
					if bound := g.ResidualErrorBound(); e > bound+1e-300 {
						t.Fatalf("%dx%d step %d: tracked residual off by %.3g, bound %.3g", tc.m, tc.n, step, e, bound)
					}
					if d := math.Abs(g.ResidualNorm() - exact); d > 1e-10*(1+exact) {
						t.Fatalf("%dx%d step %d: tracked norm %.17g, exact %.17g", tc.m, tc.n, step, g.ResidualNorm(), exact)
					}
				}
			}
			rp, rg := plain.Run(context.Background(), 1e-8*floats.Norm(b, 2), 200000), g.Run(context.Background(), 1e-8*floats.Norm(b, 2), 200000)
			if rp.Status != Converged || rg.Status != Converged {
				t.Fatalf("%dx%d: status %v (plain) %v (Gram)", tc.m, tc.n, rp.Status, rg.Status)
			}
			if d := rp.Iterations - rg.Iterations; d < -2 || d > 2 {
				t.Errorf("%dx%d: converged after %d (plain) and %d (Gram) steps", tc.m, tc.n, rp.Iterations, rg.Iterations)
			}
		}
	}
}
