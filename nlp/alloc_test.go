package nlp_test

import (
	"context"
	"testing"

	"github.com/kkt-go/kkt/nlp"
)

// TestIterationAllocations checks that an interior-point iteration does not
// allocate: the allocations of a run grow by less than one per iteration
// (setup allocates; the filter's backing array may grow a few times).
func TestIterationAllocations(t *testing.T) {
	p := hs71()
	run := func(k int) float64 {
		return testing.AllocsPerRun(5, func() {
			nlp.Solve(context.Background(), p, nlp.Settings{MaxIter: k})
		})
	}
	for _, sparse := range []bool{false, true} {
		if sparse {
			defer nlp.SetSparseMin(nlp.SetSparseMin(0))
		}
		a2, a8 := run(2), run(8)
		t.Logf("sparse=%v: allocations: %g with 2 iterations, %g with 8", sparse, a2, a8)
		if per := (a8 - a2) / 6; per > 1 {
			t.Errorf("sparse=%v: %.2f allocations per iteration", sparse, per)
		}
	}
}

func BenchmarkSolve(b *testing.B) {
	b.Run("HS71-Funcs", func(b *testing.B) {
		p := hs71()
		for b.Loop() {
			nlp.Solve(context.Background(), p, nlp.Settings{})
		}
	})
	for _, name := range []string{"HS116", "OET1"} {
		b.Run(name, func(b *testing.B) {
			p := loadSIFb(b, name)
			for b.Loop() {
				nlp.Solve(context.Background(), p, nlp.Settings{})
			}
		})
	}
}
