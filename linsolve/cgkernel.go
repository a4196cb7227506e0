package linsolve

import (
	"math"
	"runtime"
	"sort"
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
	vidx []uint8
	vtab *[256]float64
	// runs are the maximal ranges of at least minRunRows consecutive rows
	// with one pattern: the same number of entries, the same column offsets
	// (column − row) and the same values bit for bit, as a constant stencil
	// on a structured grid gives (substructure compression in the manner of
	// CSX, Kourtis et al., PPoPP 2011). Their rows are multiplied with the
	// offsets and values of the run's first row held in registers, so the
	// product reads neither indices nor values; the products and sums are
	// those of the CSR loop in the same order, so the iterates are bit for
	// bit the same.
	runs   []rowRun
	bounds []int
	// partial[8*w]: one cache line per worker
	partial []float64
	team    *team
	phase   cgPhase // the phase the team runs, written before team.start

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
	k.runs = findRuns(k.indptr, k.ind, k.data, minRunRows)
	inRuns := 0
	for _, r := range k.runs {
		inRuns += k.indptr[r.hi] - k.indptr[r.lo]
	}
	if 10*(nnz-inRuns) >= nnz {
		// the value index pays for its set-up only where the CSR loop
		// does much of the product
		k.vidx, k.vtab = valueIndex(k.data)
	}
	nw := len(k.bounds) - 1
	k.partial = make([]float64, 8*nw)
	k.team = newTeam(nw, func(w int) { k.do(k.phase, w) })
	return k
}

func (k *cgKernel) close() { k.team.close() }

// workers is the number of blocks (goroutines, the caller's included).
func (k *cgKernel) workers() int { return k.team.n }

// run executes phase ph on all blocks and returns the sum of the partials.
func (k *cgKernel) run(ph cgPhase) float64 {
	nw := k.team.n
	if nw == 1 {
		k.do(ph, 0)
		return k.partial[0]
	}
	k.phase = ph
	k.team.run()
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
		k.partial[8*w] = k.mulDotRuns(lo, hi)
	case phaseUpdate:
		k.partial[8*w] = cgUpdate(k.alpha, k.p[lo:hi], k.q[lo:hi], k.x[lo:hi], k.r[lo:hi])
	case phaseXpay:
		xpay(k.r[lo:hi], k.beta, k.p[lo:hi])
		k.partial[8*w] = 0
	}
}

// mulDotRuns sets q_i = (A·p)_i for lo ≤ i < hi and returns Σ p_i q_i,
// summed in row order: the rows of runs by mulDotRun, the others by mulDotVI
// or mulDot.
func (k *cgKernel) mulDotRuns(lo, hi int) float64 {
	var s float64
	runs := k.runs
	// the first run that ends after lo
	ri := sort.Search(len(runs), func(i int) bool { return runs[i].hi > lo })
	for i := lo; i < hi; {
		end := hi
		if ri < len(runs) {
			end = min(hi, runs[ri].lo)
		}
		if i < end {
			if k.vidx != nil {
				s = k.mulDotVI(i, end, s)
			} else {
				s = k.mulDot(i, end, s)
			}
			i = end
		}
		if i < hi && ri < len(runs) {
			end = min(hi, runs[ri].hi)
			s = k.mulDotRun(runs[ri].lo, i, end, s)
			i = end
			ri++
		}
	}
	return s
}

// minRunRows is the shortest range of rows kept as a run.
const minRunRows = 16

// rowRun is the range lo ≤ i < hi of rows of one pattern (cgKernel.runs).
type rowRun struct{ lo, hi int }

// findRuns returns the runs of the matrix (see cgKernel.runs) with at least
// minRows rows each, in increasing order.
func findRuns(indptr []int, ind []int32, data []float64, minRows int) []rowRun {
	n := len(indptr) - 1
	same := func(i int) bool { // row i has row i−1's pattern
		a, b := indptr[i-1], indptr[i]
		l := b - a
		if indptr[i+1]-b != l {
			return false
		}
		for t := 0; t < l; t++ {
			if int(ind[b+t])-i != int(ind[a+t])-(i-1) || math.Float64bits(data[b+t]) != math.Float64bits(data[a+t]) {
				return false
			}
		}
		return true
	}
	var runs []rowRun
	start := 0
	for i := 1; i <= n; i++ {
		if i < n && same(i) {
			continue
		}
		if i-start >= minRows {
			runs = append(runs, rowRun{start, i})
		}
		start = i
	}
	return runs
}

// mulDotRun is mulDot on the rows lo ≤ i < hi of the run whose first row is
// first: the offsets and values are read once from row first.
func (k *cgKernel) mulDotRun(first, lo, hi int, s float64) float64 {
	j0 := k.indptr[first]
	l := k.indptr[first+1] - j0
	q, p := k.q[lo:hi], k.p[lo:hi]
	pp := unsafe.Pointer(unsafe.SliceData(k.p))
	if l == 5 { // stencil rows: the balanced sum of mulDot
		o0, o1, o2, o3, o4 := int(k.ind[j0])-first, int(k.ind[j0+1])-first, int(k.ind[j0+2])-first, int(k.ind[j0+3])-first, int(k.ind[j0+4])-first
		v0, v1, v2, v3, v4 := k.data[j0], k.data[j0+1], k.data[j0+2], k.data[j0+3], k.data[j0+4]
		at := func(i, o int) float64 { return *(*float64)(unsafe.Add(pp, 8*(i+o))) }
		for d := range q {
			i := lo + d
			t := (v0*at(i, o0) + v1*at(i, o1)) + (v2*at(i, o2) + v3*at(i, o3)) + v4*at(i, o4)
			q[d] = t
			s += p[d] * t
		}
		return s
	}
	var offs [16]int
	var vals [16]float64
	if l > len(offs) {
		// a long pattern: the CSR loop
		if k.vidx != nil {
			return k.mulDotVI(lo, hi, s)
		}
		return k.mulDot(lo, hi, s)
	}
	for t := 0; t < l; t++ {
		offs[t], vals[t] = int(k.ind[j0+t])-first, k.data[j0+t]
	}
	for d := range q {
		i := lo + d
		var t, t1 float64
		j := 0
		for ; j+1 < l; j += 2 {
			t += vals[j] * *(*float64)(unsafe.Add(pp, 8*(i+offs[j])))
			t1 += vals[j+1] * *(*float64)(unsafe.Add(pp, 8*(i+offs[j+1])))
		}
		if j < l {
			t += vals[j] * *(*float64)(unsafe.Add(pp, 8*(i+offs[j])))
		}
		t += t1
		q[d] = t
		s += p[d] * t
	}
	return s
}

// mulDot sets q_i = (A·p)_i for lo ≤ i < hi and returns s + Σ p_i q_i
// (summed in row order). The indices were checked against len(p) when the
// kernel was built, so the loop reads through unsafe pointers without bounds
// checks.
func (k *cgKernel) mulDot(lo, hi int, s float64) float64 {
	if lo >= hi {
		return s
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
func (k *cgKernel) mulDotVI(lo, hi int, s float64) float64 {
	if lo >= hi {
		return s
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
