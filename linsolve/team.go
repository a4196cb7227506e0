package linsolve

import (
	"runtime"
	"sync/atomic"
)

// team runs one function on n blocks at once, block 0 on the calling
// goroutine and blocks 1…n−1 on goroutines of their own, with a barrier at
// the end of each run. Between runs the goroutines spin on an atomic
// generation counter for a while before they park: an iterative solver
// starts its next phase within microseconds, while waking a parked
// goroutine's thread cost 50–100 µs per phase on the 2-vCPU machine of
// docs/benchmarks.md — more than a whole phase of CG on 2-D Poisson 500².
// After spinLimit idle polls a goroutine parks on a channel, so a team that
// is not used burns no CPU.
type team struct {
	n     int
	f     func(w int)
	gen   atomic.Uint64 // incremented by run to start a phase
	done  atomic.Int64  // goroutines that finished the current phase
	quit  atomic.Bool
	sleep []teamSleeper
}

type teamSleeper struct {
	asleep atomic.Int32 // 1 while the goroutine is parked (or about to be)
	wake   chan struct{}
	_      [48]byte // one cache line per goroutine
}

// spinLimit is the number of polls a goroutine makes before it parks
// (about 20–60 µs).
const spinLimit = 20000

func newTeam(n int, f func(w int)) *team {
	t := &team{n: n, f: f, sleep: make([]teamSleeper, n)}
	for w := 1; w < n; w++ {
		t.sleep[w].wake = make(chan struct{}, 1)
		go t.loop(w)
	}
	return t
}

func (t *team) loop(w int) {
	var seen uint64
	for {
		g, ok := t.wait(w, seen)
		if !ok {
			return
		}
		seen = g
		t.f(w)
		t.done.Add(1)
	}
}

// wait returns the next generation after seen, or false when the team is
// closed.
func (t *team) wait(w int, seen uint64) (uint64, bool) {
	s := &t.sleep[w]
	for {
		for i := 0; i < spinLimit; i++ {
			if t.quit.Load() {
				return 0, false
			}
			if g := t.gen.Load(); g != seen {
				return g, true
			}
			if i&1023 == 1023 {
				runtime.Gosched() // let a goroutine that shares this P run
			}
		}
		s.asleep.Store(1)
		if t.gen.Load() != seen || t.quit.Load() {
			if s.asleep.CompareAndSwap(1, 0) {
				continue // not parked: poll again
			}
			// run or close claimed the wake-up: take it
		}
		<-s.wake
	}
}

// wakeAll wakes the parked goroutines.
func (t *team) wakeAll() {
	for w := 1; w < t.n; w++ {
		if s := &t.sleep[w]; s.asleep.CompareAndSwap(1, 0) {
			s.wake <- struct{}{}
		}
	}
}

// run runs f on every block and returns when all have finished.
func (t *team) run() {
	t.done.Store(0)
	t.gen.Add(1)
	t.wakeAll()
	t.f(0)
	want := int64(t.n - 1)
	for i := 0; t.done.Load() != want; i++ {
		if i&255 == 255 {
			runtime.Gosched() // a block may be waiting for this P
		}
	}
}

// close stops the goroutines.
func (t *team) close() {
	t.quit.Store(true)
	t.wakeAll()
}
