package linsolve

import (
	"runtime"
	"sync"

	"github.com/kkt-go/kkt/matrix"
)

// cgKernel runs the vector work of unpreconditioned CG on a CSR matrix with
// fused loops: the product q = A·p is fused with the dot product pᵀq, and
// x += α·p, r −= α·q with Σ rᵢ². With more than one worker the rows are split
// into blocks of about equal nnz, one per goroutine, and each phase ends with
// a barrier; the partial sums are added in block order, so a run is
// deterministic for a given number of workers.
type cgKernel struct {
	indptr, ind []int
	data        []float64
	bounds      []int
	partial     []float64 // partial[8*w]: one cache line per worker
	jobs        []chan cgPhase
	wg          sync.WaitGroup

	p, q, x, r  []float64
	alpha, beta float64
}

type cgPhase int

const (
	phaseMulDot cgPhase = iota // q = A·p, Σ pᵢqᵢ
	phaseUpdate                // x += α·p, r −= α·q, Σ rᵢ²
	phaseXpay                  // p = r + β·p
)

// newCGKernel returns a kernel for a with the given number of workers
// (≤ 0: GOMAXPROCS), or nil if a is not a *matrix.CSR.
func newCGKernel(a matrix.Operator, workers int, p, q, x, r []float64) *cgKernel {
	m, ok := a.(*matrix.CSR)
	if !ok {
		return nil
	}
	raw := m.A.RawMatrix()
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := len(r)
	workers = max(1, min(workers, n/4096))
	k := &cgKernel{indptr: raw.Indptr, ind: raw.Ind, data: raw.Data,
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
	}
}

// mulDot sets q_i = (A·p)_i for lo ≤ i < hi and returns Σ p_i q_i.
func mulDot(q []float64, indptr, ind []int, data, p []float64, lo, hi int) float64 {
	var s float64
	for i := lo; i < hi; i++ {
		start, end := indptr[i], indptr[i+1]
		cols := ind[start:end]
		vals := data[start:end]
		var t float64
		for j, c := range cols {
			t += vals[j] * p[c]
		}
		q[i] = t
		s += p[i] * t
	}
	return s
}
