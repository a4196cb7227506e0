package linsolve

import (
	"math"
	"runtime"
	"sync"

	"github.com/kkt-go/kkt/matrix"
)

// cgKernel runs the vector work of unpreconditioned CG on a CSR matrix with
// fused loops over an int32 copy of the column indices: the product q = A·p
// is fused with the dot product pᵀq (and, with one worker and sorted rows,
// with the update p = r + β·p, see xpayMulDot), and x += α·p, r −= α·q with
// Σ rᵢ². With more than one worker the rows are split
// into blocks of about equal nnz, one per goroutine, and each phase ends with
// a barrier; the partial sums are added in block order, so a run is
// deterministic for a given number of workers.
type cgKernel struct {
	indptr  []int
	ind     []int32 // column indices narrowed to int32: a quarter less memory traffic
	data    []float64
	sorted  bool // columns sorted in every row: the fused p-update look-ahead applies
	bounds  []int
	partial []float64 // partial[8*w]: one cache line per worker
	jobs    []chan cgPhase
	wg      sync.WaitGroup

	p, q, x, r  []float64
	alpha, beta float64
}

type cgPhase int

const (
	phaseMulDot     cgPhase = iota // q = A·p, Σ pᵢqᵢ
	phaseUpdate                    // x += α·p, r −= α·q, Σ rᵢ²
	phaseXpay                      // p = r + β·p
	phaseXpayMulDot                // both of the above in one sweep (one worker, sorted rows)
)

// newCGKernel returns a kernel for a with the given number of workers
// (≤ 0: GOMAXPROCS), or nil if a is not a *matrix.CSR.
func newCGKernel(a matrix.Operator, workers int, p, q, x, r []float64) *cgKernel {
	m, ok := a.(*matrix.CSR)
	if !ok {
		return nil
	}
	raw := m.A.RawMatrix()
	n := len(r)
	nnz := raw.Indptr[n]
	if n >= math.MaxInt32 || nnz >= math.MaxInt32 {
		return nil
	}
	ind := make([]int32, nnz)
	sorted := true
	for i := 0; i < n; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			ind[k] = int32(raw.Ind[k])
			if k > raw.Indptr[i] && ind[k] <= ind[k-1] {
				sorted = false
			}
		}
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n/4096))
	k := &cgKernel{indptr: raw.Indptr, ind: ind, data: raw.Data, sorted: sorted,
		bounds: matrix.SplitByNNZ(raw.Indptr[:n+1], workers), p: p, q: q, x: x, r: r}
	nw := len(k.bounds) - 1
	k.partial = make([]float64, 8*nw)
	k.jobs = make([]chan cgPhase, nw)
	for w := 1; w < nw; w++ {
		ch := make(chan cgPhase)
		k.jobs[w] = ch
		go func() {
			for ph := range ch {
				k.do(ph, w)
				k.wg.Done()
			}
		}()
	}
	return k
}

func (k *cgKernel) close() {
	for _, ch := range k.jobs[1:] {
		close(ch)
	}
}

// run executes phase ph on all blocks and returns the sum of the partials.
func (k *cgKernel) run(ph cgPhase) float64 {
	nw := len(k.jobs)
	k.wg.Add(nw - 1)
	for w := 1; w < nw; w++ {
		k.jobs[w] <- ph
	}
	k.do(ph, 0)
	k.wg.Wait()
	var s float64
	for w := 0; w < nw; w++ {
		s += k.partial[8*w]
	}
	return s
}

func (k *cgKernel) do(ph cgPhase, w int) {
	lo, hi := k.bounds[w], k.bounds[w+1]
	switch ph {
	case phaseMulDot:
		k.partial[8*w] = mulDot(k.q, k.indptr, k.ind, k.data, k.p, lo, hi)
	case phaseUpdate:
		k.partial[8*w] = cgUpdate(k.alpha, k.p[lo:hi], k.q[lo:hi], k.x[lo:hi], k.r[lo:hi])
	case phaseXpay:
		xpay(k.r[lo:hi], k.beta, k.p[lo:hi])
		k.partial[8*w] = 0
	case phaseXpayMulDot:
		k.partial[8*w] = xpayMulDot(k.q, k.indptr, k.ind, k.data, k.p, k.r, k.beta)
	}
}

// fusedXpay reports whether p = r + β·p can be fused into the product: one
// worker and sorted rows, so the look-ahead below is well defined.
func (k *cgKernel) fusedXpay() bool { return len(k.jobs) == 1 && k.sorted }

// xpayMulDot sets p = r + β·p, q = A·p and returns pᵀq in one sweep over
// the rows. Row i needs p_j updated for every column j of the row, so p is
// updated ahead of the product up to max(i, last column of row i); the
// update then runs a band ahead of the product and p, r stay in cache.
func xpayMulDot(q []float64, indptr []int, ind []int32, data, p, r []float64, beta float64) float64 {
	n := len(q)
	p, r = p[:n], r[:n]
	u := 0
	var s float64
	for i := 0; i < n; i++ {
		start, end := indptr[i], indptr[i+1]
		lim := i
		if end > start && int(ind[end-1]) > lim {
			lim = int(ind[end-1])
		}
		for ; u <= lim; u++ {
			p[u] = r[u] + beta*p[u]
		}
		t := rowDot(ind[start:end], data[start:end], p)
		q[i] = t
		s += p[i] * t
	}
	return s
}

// mulDot sets q_i = (A·p)_i for lo ≤ i < hi and returns Σ p_i q_i.
func mulDot(q []float64, indptr []int, ind []int32, data, p []float64, lo, hi int) float64 {
	var s float64
	for i := lo; i < hi; i++ {
		start, end := indptr[i], indptr[i+1]
		t := rowDot(ind[start:end], data[start:end], p)
		q[i] = t
		s += p[i] * t
	}
	return s
}

// rowDot returns Σ_j vals[j]·p[cols[j]] with two independent accumulators
// (the rows of stencil matrices are short, and one accumulator makes the
// additions a serial dependency chain).
func rowDot(cols []int32, vals, p []float64) float64 {
	vals = vals[:len(cols)]
	var t0, t1 float64
	j := 0
	for ; j+2 <= len(cols); j += 2 {
		t0 += vals[j] * p[cols[j]]
		t1 += vals[j+1] * p[cols[j+1]]
	}
	if j < len(cols) {
		t0 += vals[j] * p[cols[j]]
	}
	return t0 + t1
}
