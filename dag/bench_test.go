package dag

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

var benchDims = []int{20, 50, 100}

func benchData(d int, unequal bool) *Sim {
	return Simulate(rand.New(rand.NewPCG(1, 0)), SimSettings{Graph: ER, K: 4, D: d, N: 1000, Unequal: unequal})
}

// stepData is the centred ER4 data of benchData and CoLiDE-EV's default
// settings, for the step benchmarks.
func stepData(d int) (*mat.Dense, Settings) {
	Xc := mat.DenseCopyOf(benchData(d, false).X)
	centre(Xc)
	set := Settings{}
	return Xc, set.defaults(CoLiDEEV)
}

// BenchmarkColideStep times one inner iteration of CoLiDE-EV (domain check
// + inverse, gradient, Adam step, C·W, σ update) from W = 0, impl=kkt the
// current step and impl=frozen the pre-kernel step kept in frozen_test.go
// (gonum Dgemm, getrf + getri), on the same data.
func BenchmarkColideStep(b *testing.B) {
	for _, d := range benchDims {
		Xc, set := stepData(d)
		for _, impl := range []string{"kkt", "frozen"} {
			b.Run(fmt.Sprintf("impl=%s/d=%d", impl, d), func(b *testing.B) {
				var st stepper = newPathWork(Xc, CoLiDEEV, set)
				if impl == "frozen" {
					st = newFrozenPath(Xc, CoLiDEEV, set.DomainTol)
				}
				st.setSigma(1)
				st.mulCW()
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					adamStep(st, i%1000+1, 1, set)
				}
			})
		}
	}
}

// BenchmarkColideStepMin alternates the current and the frozen step in
// rounds of 20 steps each (same data, both from W = 0) and reports the
// fastest round of each per step, and their ratio: on a shared machine the
// minimum is the least disturbed estimate of what the code costs.
func BenchmarkColideStepMin(b *testing.B) {
	for _, d := range benchDims {
		Xc, set := stepData(d)
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			sts := []stepper{newPathWork(Xc, CoLiDEEV, set), newFrozenPath(Xc, CoLiDEEV, set.DomainTol)}
			best := []time.Duration{time.Hour, time.Hour}
			iters := []int{0, 0}
			for _, st := range sts {
				st.setSigma(1)
				st.mulCW()
			}
			const round = 20
			for i := 0; i < b.N; i++ {
				for k, st := range sts {
					t0 := time.Now()
					for r := 0; r < round; r++ {
						iters[k]++
						adamStep(st, iters[k]%1000+1, 1, set)
					}
					best[k] = min(best[k], time.Since(t0))
				}
			}
			kkt, frozen := best[0].Seconds()/round*1e6, best[1].Seconds()/round*1e6
			b.ReportMetric(kkt, "µs/step-kkt")
			b.ReportMetric(frozen, "µs/step-frozen")
			b.ReportMetric(frozen/kkt, "speedup")
		})
	}
}

// BenchmarkCoLiDEEV2000 times a fixed budget of 2000 Adam steps (one stage),
// the same budget as the Python side of docs/benchmarks.md (dag section).
func BenchmarkCoLiDEEV2000(b *testing.B) {
	for _, d := range benchDims {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			sim := benchData(d, false)
			for i := 0; i < b.N; i++ {
				if _, err := Fit(context.Background(), sim.X, CoLiDEEV, Settings{T: 1, MaxIter: 2000}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCoLiDEEVFull times a complete CoLiDE-EV fit with the paper's
// settings (main.py) on ER4 data.
func BenchmarkCoLiDEEVFull(b *testing.B) {
	for _, d := range benchDims {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			sim := benchData(d, false)
			for i := 0; i < b.N; i++ {
				if _, err := Fit(context.Background(), sim.X, CoLiDEEV, Settings{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTOPO times TOPO from a random order on ER2 data.
func BenchmarkTOPO(b *testing.B) {
	for _, d := range benchDims {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 0))
			sim := Simulate(rng, SimSettings{Graph: ER, K: 2, D: d, N: 1000})
			init := rng.Perm(d)
			for i := 0; i < b.N; i++ {
				if _, err := TOPO(context.Background(), sim.X, init, TopoSettings{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOverlap compares 500 Adam steps on one goroutine and on two (the
// inverse beside C·W, and each half of the gradient and Adam update).
func BenchmarkOverlap(b *testing.B) {
	for _, d := range []int{20, 30, 50, 100} {
		sim := benchData(d, false)
		for _, mode := range []string{"serial", "overlap"} {
			b.Run(fmt.Sprintf("%s/d=%d", mode, d), func(b *testing.B) {
				old := parallelMin
				defer func() { parallelMin = old }()
				parallelMin = 0
				if mode == "serial" {
					parallelMin = 1 << 30
				}
				for i := 0; i < b.N; i++ {
					if _, err := Fit(context.Background(), sim.X, CoLiDEEV, Settings{T: 1, MaxIter: 500}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
