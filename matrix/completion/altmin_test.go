package completion

import (
	"context"
	"math/rand/v2"
	"testing"
)

func TestExactRecovery(t *testing.T) {
	cases := []struct {
		name       string
		p          float64
		iters      int
		target     float64
		solver     Solver
		seedsPass  int
		seedsTotal int
	}{
		{"k10-p10-exact", 0.10, 20, 1e-8, SolverExact, 4, 5},
		{"k10-p05-exact", 0.05, 40, 1e-6, SolverExact, 4, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pass := 0
			for seed := uint64(1); seed <= uint64(c.seedsTotal); seed++ {
				rng := rand.New(rand.NewPCG(seed, 99))
				obs, X, Y := Synthetic(rng, 1000, 1000, 10, c.p)
				res, err := AltMin(context.Background(), obs, Settings{Rank: 10, MaxIter: c.iters, Solver: c.solver, Seed: seed, Tol: 1e-15})
				if err != nil {
					t.Fatal(err)
				}
				e := RelError(res.U, res.V, X, Y)
				t.Logf("seed %d: rel error %.3g after %d iterations (%v)", seed, e, res.Iterations, res.Status)
				if e < c.target {
					pass++
				}
			}
			if pass < c.seedsPass {
				t.Errorf("%d of %d seeds reached %g, want at least %d", pass, c.seedsTotal, c.target, c.seedsPass)
			}
		})
	}
}
