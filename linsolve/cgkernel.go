package linsolve

import (
	"math"
	"runtime"
	"sync"
	"unsafe"

	"github.com/kkt-go/kkt/matrix"
)

// cgKernel runs the vector work of unpreconditioned CG on a CSR matrix with
// fused loops over an int32 copy of the column indices, checked once so that
// the product reads p without bounds checks: q = A·p fused with pᵀq, then
// x += α·p, r −= α·q fused with Σ rᵢ², then p = r + β·p. The rows are split
// into blocks of about equal nnz, one per goroutine, and each phase ends with
// a barrier; the partial sums are added in block order, so a run is
// deterministic for a given number of workers.
//
// Fusing the p-update into the product as well (a look-ahead a bandwidth ahead
// of the product) was measured slower on the 2-D Poisson matrix at n = 10⁶:
// the product is limited by instruction throughput rather than by memory
// traffic there (docs/benchmarks.md).
type cgKernel struct {
	indptr []int
	ind    []int32 // the operator's checked int32 column indices: a third less index traffic, no bounds checks
	data   []float64
	// Value-indexed storage (CSR-VI, Willcock & Lumsdaine, ICS 2006): when
	// the matrix has at most 256 distinct values (stencils, graph
	// Laplacians), vidx[k] is the index of data[k] in vtab, and the product
	// reads one byte per entry instead of eight. The values read are the
	// same float64s, so the iterates are bit-for-bit those of the plain
	// path; CG is limited by memory traffic, of which the values are the
	// largest part.
	vidx   []uint8
	vtab   *[256]float64
	bounds []int
	// partial[8*w]: one cache line per worker
	partial []float64
	jobs    []chan cgPhase
	wg      sync.WaitGroup

	p, q, x, r  []float64
	alpha, beta float64
}

type cgPhase int

const (
	phaseMulDot cgPhase = iota // q = A·p, Σ pᵢqᵢ
	phaseUpdate                // x += α·p, r −= α·q, Σ rᵢ²
	phaseXpay                  // p = r + β·p
)

// minRowsPerWorker keeps blocks large enough that a goroutine's work
// outweighs the barrier (a variable so that tests can split small matrices).
var minRowsPerWorker = 4096

// newCGKernel returns a kernel for a with the given number of workers
// (≤ 0: GOMAXPROCS), or nil if a is not a square *matrix.CSR whose indices
// fit in int32.
func newCGKernel(a matrix.Operator, workers int, p, q, x, r []float64) *cgKernel {
	m, ok := a.(*matrix.CSR)
	if !ok {
		return nil
	}
	raw := m.A.RawMatrix()
	n := len(r)
	ind := m.Indices32() // checked by NewCSR: 0 ≤ ind[k] < n, nnz < 2³¹
	if rr, cc := m.Dims(); rr != n || cc != n || ind == nil {
		return nil
	}
	nnz := len(ind)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n/minRowsPerWorker))
	k := &cgKernel{indptr: raw.Indptr[:n+1], ind: ind, data: raw.Data[:nnz],
		bounds: matrix.SplitByNNZ(raw.Indptr[:n+1], workers), p: p, q: q, x: x, r: r}
	k.vidx, k.vtab = valueIndex(k.data)
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
	if nw == 1 {
		k.do(ph, 0)
		return k.partial[0]
	}
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
		if k.vidx != nil {
			k.partial[8*w] = k.mulDotVI(lo, hi)
		} else {
			k.partial[8*w] = k.mulDot(lo, hi)
		}
	case phaseUpdate:
		k.partial[8*w] = cgUpdate(k.alpha, k.p[lo:hi], k.q[lo:hi], k.x[lo:hi], k.r[lo:hi])
	case phaseXpay:
		xpay(k.r[lo:hi], k.beta, k.p[lo:hi])
		k.partial[8*w] = 0
	}
}

// mulDot sets q_i = (A·p)_i for lo ≤ i < hi and returns Σ p_i q_i. The
// indices were checked against len(p) when the kernel was built, so the
// loop reads through unsafe pointers without bounds checks.
func (k *cgKernel) mulDot(lo, hi int) float64 {
	if lo >= hi {
		return 0
	}
	indptr, q, p := k.indptr[lo:hi+1], k.q[lo:hi], k.p[lo:hi]
	pp := unsafe.Pointer(unsafe.SliceData(k.p))
	ip := unsafe.Pointer(unsafe.SliceData(k.ind))
	dp := unsafe.Pointer(unsafe.SliceData(k.data))
	prod := func(j int) float64 {
		c := *(*int32)(unsafe.Add(ip, 4*j))
		return *(*float64)(unsafe.Add(dp, 8*j)) * *(*float64)(unsafe.Add(pp, 8*int(c)))
	}
	j := indptr[0]
	var s float64
	for i := range q {
		end := indptr[i+1]
		var t float64
		if end-j == 5 { // stencil rows: a balanced sum
			t = (prod(j) + prod(j+1)) + (prod(j+2) + prod(j+3)) + prod(j+4)
			j = end
		} else {
			var t1 float64
			for ; j+1 < end; j += 2 {
				t += prod(j)
				t1 += prod(j + 1)
			}
			if j < end {
				t += prod(j)
				j++
			}
			t += t1
		}
		q[i] = t
		s += p[i] * t
	}
	return s
}

// valueIndex returns the value-indexed form of data (see cgKernel.vidx), or
// nil when data has more than 256 distinct values (compared bit for bit, so
// that −0 and 0, and every NaN payload, stay distinct).
func valueIndex(data []float64) ([]uint8, *[256]float64) {
	var tab [256]float64
	seen := make(map[uint64]uint8, 16)
	idx := make([]uint8, len(data))
	for k, v := range data {
		b := math.Float64bits(v)
		t, ok := seen[b]
		if !ok {
			if len(seen) == 256 {
				return nil, nil
			}
			t = uint8(len(seen))
			seen[b] = t
			tab[t] = v
		}
		idx[k] = t
	}
	return idx, &tab
}

// mulDotVI is mulDot on the value-indexed storage: the same products in the
// same order, each value looked up in vtab.
func (k *cgKernel) mulDotVI(lo, hi int) float64 {
	if lo >= hi {
		return 0
	}
	indptr, q, p := k.indptr[lo:hi+1], k.q[lo:hi], k.p[lo:hi]
	pp := unsafe.Pointer(unsafe.SliceData(k.p))
	ip := unsafe.Pointer(unsafe.SliceData(k.ind))
	vp := unsafe.Pointer(unsafe.SliceData(k.vidx))
	tab := k.vtab
	prod := func(j int) float64 {
		c := *(*int32)(unsafe.Add(ip, 4*j))
		return tab[*(*uint8)(unsafe.Add(vp, j))] * *(*float64)(unsafe.Add(pp, 8*int(c)))
	}
	j := indptr[0]
	var s float64
	for i := range q {
		end := indptr[i+1]
		var t float64
		if end-j == 5 { // stencil rows: a balanced sum
			t = (prod(j) + prod(j+1)) + (prod(j+2) + prod(j+3)) + prod(j+4)
			j = end
		} else {
			var t1 float64
			for ; j+1 < end; j += 2 {
				t += prod(j)
				t1 += prod(j + 1)
			}
			if j < end {
				t += prod(j)
				j++
			}
			t += t1
		}
		q[i] = t
		s += p[i] * t
	}
	return s
}
