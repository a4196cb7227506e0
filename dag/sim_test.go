package dag

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestSimulateStructure(t *testing.T) {
	for _, tc := range []struct {
		g     GraphType
		k, d  int
		edges int
	}{
		{ER, 2, 20, 40}, {ER, 4, 10, 40}, {ER, 4, 5, 10}, // capped at d(d−1)/2
		{SF, 2, 20, 2*20 - 3}, {SF, 4, 30, 4*30 - 10}, // Σ_t min(k, t)
		{ER, 1, 1, 0},
	} {
		for seed := uint64(1); seed <= 3; seed++ {
			sim := Simulate(rand.New(rand.NewPCG(seed, 7)), SimSettings{Graph: tc.g, K: tc.k, D: tc.d, N: 50})
			if got := NumEdges(sim.W); got != tc.edges {
				t.Errorf("%v k=%d d=%d: %d edges, want %d", tc.g, tc.k, tc.d, got, tc.edges)
			}
			if !IsDAG(sim.W) {
				t.Errorf("%v: not a DAG", tc.g)
			}
			pos := make([]int, tc.d)
			for k, v := range sim.Order {
				pos[v] = k
			}
			for i := 0; i < tc.d; i++ {
				for j := 0; j < tc.d; j++ {
					w := math.Abs(sim.W.At(i, j))
					if w == 0 {
						continue
					}
					if w < 0.5 || w > 2 {
						t.Errorf("weight %g outside ±[0.5,2]", w)
					}
					if pos[i] >= pos[j] {
						t.Errorf("Order is not topological for %d→%d", i, j)
					}
				}
			}
		}
	}
}

// The SF node permutation must hide the causal order: the identity must not
// be a topological order (the CoLiDE simulator's trap).
func TestSimulateSFPermuted(t *testing.T) {
	identityOK := 0
	for seed := uint64(1); seed <= 10; seed++ {
		sim := Simulate(rand.New(rand.NewPCG(seed, 0)), SimSettings{Graph: SF, K: 2, D: 20, N: 10})
		lower, upper := 0, 0
		for i := 0; i < 20; i++ {
			for j := 0; j < 20; j++ {
				if sim.W.At(i, j) != 0 {
					if i < j {
						upper++
					} else {
						lower++
					}
				}
			}
		}
		if lower == 0 || upper == 0 {
			identityOK++
		}
	}
	if identityOK > 0 {
		t.Errorf("%d of 10 SF graphs are triangular in index order", identityOK)
	}
}

func TestSimulateDeterministic(t *testing.T) {
	s := SimSettings{Graph: SF, K: 2, D: 12, N: 30, Noise: Gumbel, Unequal: true}
	a := Simulate(rand.New(rand.NewPCG(5, 5)), s)
	b := Simulate(rand.New(rand.NewPCG(5, 5)), s)
	if !mat.Equal(a.X, b.X) || !mat.Equal(a.W, b.W) {
		t.Fatal("same seed gave different data")
	}
}

// Every noise type has mean-centred variance v; checked on 2·10⁵ draws
// (standard error of the variance ≈ v·sqrt((κ−1)/n) < 1.2% for these laws).
func TestNoiseVariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const n = 200000
	for _, nt := range []NoiseType{Gaussian, Exponential, Gumbel, Laplace} {
		for _, v := range []float64{0.5, 4} {
			var s, s2 float64
			for i := 0; i < n; i++ {
				x := noise(rng, nt, v)
				s += x
				s2 += x * x
			}
			mean := s / n
			vr := s2/n - mean*mean
			if math.Abs(vr/v-1) > 0.05 {
				t.Errorf("%v v=%g: sample variance %g", nt, v, vr)
			}
		}
	}
}

func TestSimulateSEM(t *testing.T) {
	// Equal-variance Gaussian data regenerated from the true W: the residual
	// X − XW has per-node variance ≈ noise variance.
	sim := Simulate(rand.New(rand.NewPCG(9, 1)), SimSettings{Graph: ER, K: 2, D: 8, N: 20000, Unequal: true})
	C := Covariance(sim.X)
	sig := SigmaNV(nil, C, sim.W)
	for j, s := range sig {
		if math.Abs(s*s/sim.NoiseVar[j]-1) > 0.05 {
			t.Errorf("node %d: residual variance %g, noise variance %g", j, s*s, sim.NoiseVar[j])
		}
	}
}
