package sinkhorn

import (
	"math"
	"runtime"
	"sync"
)

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// Operations of the engine's worker pool. Every operation partitions rows
// (or columns) into contiguous blocks and each output entry is computed by
// one goroutine in a fixed order, so results do not depend on the number of
// workers.
const (
	opHalfStep = iota // Sinkhorn half-step in the log domain
	opPlan            // P = exp(X + Y − G − 1), row sums
	opColSums         // column sums of P
	opMatVec          // scaling domain: dst = K·v
)

// lseSafeLo and lseSafeHi bound the row sums accepted by the one-pass
// log-domain update; outside them the row is recomputed with a max-shifted
// log-sum-exp.
const (
	lseSafeLo = 1e-250
	lseSafeHi = 1e250
)

// engine holds the scaled problem, the buffers and the worker pool of one
// solve. It allocates nothing per iteration.
type engine struct {
	*problem
	// half-step operands: rows of gm (rows×cols) with own potential u,
	// other potential v, log-marginal lm; outputs sums s and new potential un.
	gm         []float64
	rows, cols int
	u, v, lm   []float64
	s, un      []float64
	// plan operands
	x, y   []float64
	p      []float64 // n×m plan buffer
	rs, cs []float64
	// plan buffers owned by the solve (final plan, SNS current plan)
	pbuf, rsbuf, csbuf []float64
	// mat-vec operands
	k, kv, kdst []float64

	op      int
	workers int
	wg      sync.WaitGroup
	start   []chan struct{}
	task    func(w int)
}

func newEngine(p *problem) *engine {
	e := &engine{problem: p}
	e.workers = min(p.workers, max(p.n, p.m)/16)
	if e.workers < 1 {
		e.workers = 1
	}
	if e.workers > 1 {
		e.task = e.work
		e.start = make([]chan struct{}, e.workers)
		for w := range e.start {
			e.start[w] = make(chan struct{}, 1)
			go func(w int, ch chan struct{}) {
				for range ch {
					e.task(w)
					e.wg.Done()
				}
			}(w, e.start[w])
		}
	}
	return e
}

// close stops the workers.
func (e *engine) close() {
	for _, ch := range e.start {
		close(ch)
	}
	e.start = nil
}

// run executes operation op on all workers and waits.
func (e *engine) run(op int) {
	e.op = op
	if e.workers == 1 {
		e.work(0)
		return
	}
	e.wg.Add(e.workers)
	for _, ch := range e.start {
		ch <- struct{}{}
	}
	e.wg.Wait()
}

func block(total, parts, w int) (lo, hi int) {
	return total * w / parts, total * (w + 1) / parts
}

func (e *engine) work(w int) {
	switch e.op {
	case opHalfStep:
		lo, hi := block(e.rows, e.workers, w)
		halfStep(e.s, e.un, e.gm, e.cols, e.u, e.v, e.lm, lo, hi)
	case opPlan:
		lo, hi := block(e.n, e.workers, w)
		planRows(e.p, e.rs, e.g, e.m, e.x, e.y, lo, hi)
	case opColSums:
		lo, hi := block(e.m, e.workers, w)
		colSums(e.cs, e.p, e.n, e.m, lo, hi)
	case opMatVec:
		lo, hi := block(e.rows, e.workers, w)
		matVec(e.kdst, e.k, e.cols, e.kv, lo, hi)
	}
}

// halfStep is the log-domain Sinkhorn update of the rows lo..hi of the
// scaled cost gm (row-major, cols columns): with t_ij = u_i + v_j − gm_ij − 1,
//
//	s_i  = Σ_j exp(t_ij)                     (the current row marginal (P1)_i)
//	un_i = u_i + lm_i − log s_i              (so that the new row sum is e^lm_i)
//
// When s_i leaves [1e-250, 1e250] the row is recomputed with a max-shifted
// log-sum-exp: un_i = lm_i + 1 − max_j(v_j − gm_ij) − log Σ_j exp(v_j − gm_ij − max).
func halfStep(s, un, gm []float64, cols int, u, v, lm []float64, lo, hi int) {
	v = v[:cols]
	for i := lo; i < hi; i++ {
		row := gm[i*cols : i*cols+cols]
		ui := u[i] - 1
		var si float64
		for j, vj := range v {
			// fexp, with the common case inlined
			if t := ui + vj - row[j]; t > expMin {
				if t <= expMax {
					si += fexpCore(t)
				} else {
					si += math.Exp(t)
				}
			}
		}
		s[i] = si
		if si >= lseSafeLo && si <= lseSafeHi {
			un[i] = u[i] + lm[i] - math.Log(si)
			continue
		}
		mx := math.Inf(-1)
		for j, vj := range v {
			mx = max(mx, vj-row[j])
		}
		var acc float64
		for j, vj := range v {
			acc += fexp(vj - row[j] - mx)
		}
		un[i] = lm[i] + 1 - mx - math.Log(acc)
	}
}

// planRows sets p_ij = exp(x_i + y_j − g_ij − 1) and rs_i = Σ_j p_ij for the
// rows lo..hi.
func planRows(p, rs, g []float64, m int, x, y []float64, lo, hi int) {
	y = y[:m]
	for i := lo; i < hi; i++ {
		row := g[i*m : i*m+m]
		pr := p[i*m : i*m+m]
		xi := x[i] - 1
		var acc float64
		for j, yj := range y {
			var v float64
			if t := xi + yj - row[j]; t > expMin {
				if t <= expMax {
					v = fexpCore(t)
				} else {
					v = math.Exp(t)
				}
			}
			pr[j] = v
			acc += v
		}
		rs[i] = acc
	}
}

// colSums sets cs_j = Σ_i p_ij (summed in row order) for the columns lo..hi.
func colSums(cs, p []float64, n, m, lo, hi int) {
	c := cs[lo:hi]
	clear(c)
	for i := 0; i < n; i++ {
		pr := p[i*m+lo : i*m+hi]
		for j, v := range pr {
			c[j] += v
		}
	}
}

// matVec sets dst_i = Σ_j k_ij v_j for the rows lo..hi.
func matVec(dst, k []float64, cols int, v []float64, lo, hi int) {
	v = v[:cols]
	for i := lo; i < hi; i++ {
		row := k[i*cols : i*cols+cols]
		var s0, s1 float64
		j := 0
		for ; j+2 <= cols; j += 2 {
			s0 += row[j] * v[j]
			s1 += row[j+1] * v[j+1]
		}
		if j < cols {
			s0 += row[j] * v[j]
		}
		dst[i] = s0 + s1
	}
}

// halfX runs the x-half-step: sums sx (row marginals at the current iterate)
// and the updated potential xn.
func (e *engine) halfX(x, y, sx, xn []float64) {
	e.gm, e.rows, e.cols = e.g, e.n, e.m
	e.u, e.v, e.lm, e.s, e.un = x, y, e.loga, sx, xn
	e.run(opHalfStep)
}

// halfY runs the y-half-step on the transposed cost.
func (e *engine) halfY(x, y, sy, yn []float64) {
	e.gm, e.rows, e.cols = e.gt, e.m, e.n
	e.u, e.v, e.lm, e.s, e.un = y, x, e.logb, sy, yn
	e.run(opHalfStep)
}

// plan forms P at the scaled potentials (x, y) into p with its row sums rs
// and column sums cs.
func (e *engine) plan(p, rs, cs, x, y []float64) {
	e.p, e.rs, e.cs, e.x, e.y = p, rs, cs, x, y
	e.run(opPlan)
	e.run(opColSums)
}
