package linsolve

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestTeam runs a team through many phases, with pauses long enough between
// some of them that the goroutines park, and checks that every block runs
// exactly once per phase, that run returns only after all blocks finished,
// and that close stops the goroutines. Run with -race.
func TestTeam(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5} {
		before := runtime.NumGoroutine()
		counts := make([]atomic.Int64, n)
		var running atomic.Int64
		tm := newTeam(n, func(w int) {
			running.Add(1)
			counts[w].Add(1)
			running.Add(-1)
		})
		const phases = 300
		for ph := 1; ph <= phases; ph++ {
			if ph%50 == 0 {
				time.Sleep(2 * time.Millisecond) // let the goroutines park
			}
			if n == 1 {
				tm.f(0)
			} else {
				tm.run()
			}
			if r := running.Load(); r != 0 {
				t.Fatalf("n=%d phase %d: run returned with %d blocks running", n, ph, r)
			}
			for w := range counts {
				if c := counts[w].Load(); c != int64(ph) {
					t.Fatalf("n=%d phase %d: block %d ran %d times", n, ph, w, c)
				}
			}
		}
		tm.close()
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if g := runtime.NumGoroutine(); g > before {
			t.Errorf("n=%d: %d goroutines after close, %d before", n, g, before)
		}
	}
}
