package matrix

import (
	"math"
	"runtime"
	"sync"
	"unsafe"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/floats"
)

// MulVec sets dst = A·x using the raw CSR arrays of a and returns dst.
// If dst is nil a new slice is allocated; otherwise len(dst) must equal the
// number of rows. MulVec overwrites dst and allocates nothing when dst is given.
func MulVec(dst []float64, a *sparse.CSR, x []float64) []float64 {
	r, c := a.Dims()
	if dst == nil {
		dst = make([]float64, r)
	}
	checkLen("MulVec", dst, r, x, c)
	raw := a.RawMatrix()
	mulRows(dst, raw.Indptr, raw.Ind, raw.Data, x, 0, r)
	return dst
}

// mulRows computes dst[i] = (A·x)[i] for lo ≤ i < hi. Each dst[i] is
// written once; the row sums run in storage order.
func mulRows(dst []float64, indptr, ind []int, data, x []float64, lo, hi int) {
	ip := indptr[lo : hi+1]
	d := dst[lo:hi]
	k := ip[0]
	for i := range d {
		end := ip[i+1]
		var s float64
		for ; k < end; k++ {
			s += data[k] * x[ind[k]]
		}
		d[i] = s
	}
}

// MulVecTrans sets dst = Aᵀ·x by scattering the rows of a and returns dst.
// If dst is nil a new slice is allocated. For repeated transpose products,
// Transpose the matrix once and use MulVec (or NewCSR(a).CacheTranspose()).
func MulVecTrans(dst []float64, a *sparse.CSR, x []float64) []float64 {
	r, c := a.Dims()
	if dst == nil {
		dst = make([]float64, c)
	}
	checkLen("MulVecTrans", dst, c, x, r)
	raw := a.RawMatrix()
	clear(dst)
	indptr, ind, data := raw.Indptr, raw.Ind, raw.Data
	for i := 0; i < r; i++ {
		xi := x[i]
		if xi == 0 {
			continue
		}
		for k := indptr[i]; k < indptr[i+1]; k++ {
			dst[ind[k]] += data[k] * xi
		}
	}
	return dst
}

// Transpose returns Aᵀ as a new CSR matrix built by a counting sort. Column
// indices of the result are sorted whatever the order in a.
func Transpose(a *sparse.CSR) *sparse.CSR {
	r, c := a.Dims()
	raw := a.RawMatrix()
	nnz := raw.Indptr[r]
	indptr := make([]int, c+1)
	for _, j := range raw.Ind[:nnz] {
		indptr[j+1]++
	}
	for j := 0; j < c; j++ {
		indptr[j+1] += indptr[j]
	}
	next := make([]int, c)
	copy(next, indptr[:c])
	ind := make([]int, nnz)
	data := make([]float64, nnz)
	for i := 0; i < r; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			j := raw.Ind[k]
			p := next[j]
			ind[p] = i
			data[p] = raw.Data[k]
			next[j]++
		}
	}
	return sparse.NewCSR(c, r, indptr, ind, data)
}

// Diagonal returns the main diagonal of a (length min(r, c)) in dst,
// allocating when dst is nil. Missing diagonal entries are zero; duplicate
// entries are summed.
func Diagonal(dst []float64, a *sparse.CSR) []float64 {
	r, c := a.Dims()
	n := min(r, c)
	if dst == nil {
		dst = make([]float64, n)
	}
	if len(dst) != n {
		panic("matrix: Diagonal: dst length mismatch")
	}
	raw := a.RawMatrix()
	for i := 0; i < n; i++ {
		var d float64
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			if raw.Ind[k] == i {
				d += raw.Data[k]
			}
		}
		dst[i] = d
	}
	return dst
}

// RowNorms returns the p-norm of each row of a in dst (p = 1, 2 or
// math.Inf(1)), allocating when dst is nil.
func RowNorms(dst []float64, a *sparse.CSR, p float64) []float64 {
	r, _ := a.Dims()
	if dst == nil {
		dst = make([]float64, r)
	}
	if len(dst) != r {
		panic("matrix: RowNorms: dst length mismatch")
	}
	raw := a.RawMatrix()
	for i := 0; i < r; i++ {
		dst[i] = normOf(raw.Data[raw.Indptr[i]:raw.Indptr[i+1]], p)
	}
	return dst
}

// ColNorms returns the p-norm of each column of a in dst (p = 1, 2 or
// math.Inf(1)), allocating when dst is nil.
func ColNorms(dst []float64, a *sparse.CSR, p float64) []float64 {
	_, c := a.Dims()
	if dst == nil {
		dst = make([]float64, c)
	}
	if len(dst) != c {
		panic("matrix: ColNorms: dst length mismatch")
	}
	clear(dst)
	raw := a.RawMatrix()
	nnz := raw.Indptr[len(raw.Indptr)-1]
	switch {
	case p == 1:
		for k, j := range raw.Ind[:nnz] {
			dst[j] += math.Abs(raw.Data[k])
		}
	case p == 2:
		for k, j := range raw.Ind[:nnz] {
			dst[j] += raw.Data[k] * raw.Data[k]
		}
		for j := range dst {
			dst[j] = math.Sqrt(dst[j])
		}
	case math.IsInf(p, 1):
		for k, j := range raw.Ind[:nnz] {
			dst[j] = math.Max(dst[j], math.Abs(raw.Data[k]))
		}
	default:
		panic("matrix: ColNorms: p must be 1, 2 or +Inf")
	}
	return dst
}

func normOf(v []float64, p float64) float64 {
	switch {
	case p == 1:
		var s float64
		for _, x := range v {
			s += math.Abs(x)
		}
		return s
	case p == 2:
		return Nrm2(v)
	case math.IsInf(p, 1):
		var m float64
		for _, x := range v {
			m = math.Max(m, math.Abs(x))
		}
		return m
	}
	panic("matrix: norm: p must be 1, 2 or +Inf")
}

// ScaleRows multiplies row i of a by s[i] in place.
func ScaleRows(a *sparse.CSR, s []float64) {
	r, _ := a.Dims()
	if len(s) != r {
		panic("matrix: ScaleRows: length mismatch")
	}
	raw := a.RawMatrix()
	for i := 0; i < r; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			raw.Data[k] *= s[i]
		}
	}
}

// ScaleCols multiplies column j of a by s[j] in place.
func ScaleCols(a *sparse.CSR, s []float64) {
	_, c := a.Dims()
	if len(s) != c {
		panic("matrix: ScaleCols: length mismatch")
	}
	raw := a.RawMatrix()
	nnz := raw.Indptr[len(raw.Indptr)-1]
	for k, j := range raw.Ind[:nnz] {
		raw.Data[k] *= s[j]
	}
}

// CSR adapts a *sparse.CSR to the Operator interface with kkt's own kernels.
// ApplyTrans scatters unless CacheTranspose was called, after which it uses
// a stored transpose (faster, and parallel when Parallel is on). A CSR must
// not be modified structurally while the operator is in use (NewCSR keeps a
// checked int32 copy of the column indices); call Reset after changing
// values if a transpose is cached.
type CSR struct {
	A           *sparse.CSR
	r, c        int
	indptr, ind []int
	ind32       []int32 // checked copy of ind[:nnz] (nil if the structure failed the check)
	data        []float64
	at          *CSR
	pool        *mulPool
}

// NewCSR returns an Operator for a. It checks the structure of a once
// (row pointers nondecreasing, column indices in range) and keeps the column
// indices as int32, so that Apply moves a third less index data and reads x
// without bounds checks; a matrix that fails the check, or whose dimensions
// exceed int32, is multiplied by the bounds-checked kernel of MulVec.
func NewCSR(a *sparse.CSR) *CSR {
	raw := a.RawMatrix()
	r, c := a.Dims()
	m := &CSR{A: a, r: r, c: c, indptr: raw.Indptr, ind: raw.Ind, data: raw.Data}
	m.ind32 = checkedInd32(raw.Indptr, raw.Ind, raw.Data, r, c)
	return m
}

// checkedInd32 returns ind[:nnz] as int32 if the CSR structure is valid
// (len(indptr) > r, indptr[0] = 0, nondecreasing, nnz ≤ len(ind), len(data),
// 0 ≤ ind[k] < c) and c, nnz < 2³¹; otherwise nil.
func checkedInd32(indptr, ind []int, data []float64, r, c int) []int32 {
	if len(indptr) <= r || indptr[0] != 0 || c >= math.MaxInt32 {
		return nil
	}
	nnz := indptr[r]
	if nnz > len(ind) || nnz > len(data) || nnz >= math.MaxInt32 {
		return nil
	}
	for i := 0; i < r; i++ {
		if indptr[i] > indptr[i+1] {
			return nil
		}
	}
	out := make([]int32, nnz)
	for k, j := range ind[:nnz] {
		if uint(j) >= uint(c) {
			return nil
		}
		out[k] = int32(j)
	}
	return out
}

// Indices32 returns the column indices of the stored entries as int32, checked
// against the column count by NewCSR, or nil if the check failed. The slice is
// shared with the operator; do not modify it.
func (m *CSR) Indices32() []int32 { return m.ind32 }

// Dims returns the dimensions of the matrix.
func (m *CSR) Dims() (int, int) { return m.r, m.c }

// NNZ returns the number of stored entries.
func (m *CSR) NNZ() int { return m.indptr[m.r] }

// CacheTranspose builds and keeps Aᵀ so that ApplyTrans is a row-wise product.
// It returns m for chaining.
func (m *CSR) CacheTranspose() *CSR {
	m.at = NewCSR(Transpose(m.A))
	if m.pool != nil {
		m.at.Parallel(m.pool.workers)
	}
	return m
}

// Reset drops the cached transpose (rebuilt by the next CacheTranspose).
func (m *CSR) Reset() { m.at = nil }

// Parallel makes Apply split the rows into contiguous blocks of about equal
// nnz, one per worker, over workers goroutines that persist until Close
// (workers ≤ 0 means GOMAXPROCS). Calls stay allocation-free. It returns m.
func (m *CSR) Parallel(workers int) *CSR {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	m.Close()
	if workers > 1 && m.r > 1 {
		m.pool = newMulPool(m, workers)
	}
	if m.at != nil {
		m.at.Parallel(workers)
	}
	return m
}

// Close stops the worker goroutines started by Parallel.
func (m *CSR) Close() {
	if m.pool != nil {
		m.pool.close()
		m.pool = nil
	}
	if m.at != nil {
		m.at.Close()
	}
}

// Apply sets dst = A·x.
func (m *CSR) Apply(dst, x []float64) {
	checkLen("CSR.Apply", dst, m.r, x, m.c)
	if m.pool != nil {
		m.pool.run(dst, x)
		return
	}
	m.mulRows(dst, x, 0, m.r)
}

// mulRows computes dst[i] = (A·x)[i] for lo ≤ i < hi with the checked int32
// indices when there are any: the same sums in the same order as the
// package-level mulRows, so the results are bit-identical.
func (m *CSR) mulRows(dst, x []float64, lo, hi int) {
	if m.ind32 == nil {
		mulRows(dst, m.indptr, m.ind, m.data, x, lo, hi)
		return
	}
	if lo >= hi {
		return
	}
	ip := m.indptr[lo : hi+1]
	d := dst[lo:hi]
	x = x[:m.c]
	xp := unsafe.Pointer(unsafe.SliceData(x))
	cp := unsafe.Pointer(unsafe.SliceData(m.ind32))
	vp := unsafe.Pointer(unsafe.SliceData(m.data))
	k := ip[0]
	for i := range d {
		end := ip[i+1]
		var s float64
		for ; k < end; k++ {
			// k < nnz and ind32[k] < c = len(x) were checked by NewCSR.
			j := *(*int32)(unsafe.Add(cp, 4*k))
			s += *(*float64)(unsafe.Add(vp, 8*k)) * *(*float64)(unsafe.Add(xp, 8*int(j)))
		}
		d[i] = s
	}
}

// ApplyTrans sets dst = Aᵀ·x.
func (m *CSR) ApplyTrans(dst, x []float64) {
	if m.at != nil {
		m.at.Apply(dst, x)
		return
	}
	MulVecTrans(dst, m.A, x)
}

// ParMulVec sets dst = A·x splitting rows by nnz across GOMAXPROCS goroutines.
// It is a convenience for one-off products; it starts goroutines on each call.
// Hot loops should use NewCSR(a).Parallel(0), whose Apply allocates nothing.
func ParMulVec(dst []float64, a *sparse.CSR, x []float64) []float64 {
	r, c := a.Dims()
	if dst == nil {
		dst = make([]float64, r)
	}
	checkLen("ParMulVec", dst, r, x, c)
	raw := a.RawMatrix()
	bounds := SplitByNNZ(raw.Indptr, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for p := 0; p+1 < len(bounds); p++ {
		lo, hi := bounds[p], bounds[p+1]
		wg.Add(1)
		go func() {
			defer wg.Done()
			mulRows(dst, raw.Indptr, raw.Ind, raw.Data, x, lo, hi)
		}()
	}
	wg.Wait()
	return dst
}

// SplitByNNZ returns parts+1 row boundaries 0 = b[0] ≤ b[1] ≤ … ≤ b[parts] = r
// such that each block holds about nnz/parts entries.
func SplitByNNZ(indptr []int, parts int) []int {
	r := len(indptr) - 1
	if parts < 1 {
		parts = 1
	}
	if parts > r && r > 0 {
		parts = r
	}
	b := make([]int, parts+1)
	nnz := indptr[r]
	row := 0
	for p := 1; p < parts; p++ {
		target := int(int64(nnz) * int64(p) / int64(parts))
		for row < r && indptr[row] < target {
			row++
		}
		b[p] = row
	}
	b[parts] = r
	return b
}

type mulJob struct {
	dst, x []float64
}

type mulPool struct {
	workers int
	bounds  []int
	m       *CSR
	jobs    []chan mulJob
	wg      sync.WaitGroup
}

func newMulPool(m *CSR, workers int) *mulPool {
	p := &mulPool{workers: workers, bounds: SplitByNNZ(m.indptr[:m.r+1], workers), m: m}
	p.jobs = make([]chan mulJob, len(p.bounds)-1)
	for w := 1; w < len(p.jobs); w++ {
		ch := make(chan mulJob)
		p.jobs[w] = ch
		lo, hi := p.bounds[w], p.bounds[w+1]
		go func() {
			for j := range ch {
				p.m.mulRows(j.dst, j.x, lo, hi)
				p.wg.Done()
			}
		}()
	}
	return p
}

func (p *mulPool) run(dst, x []float64) {
	p.wg.Add(len(p.jobs) - 1)
	for w := 1; w < len(p.jobs); w++ {
		p.jobs[w] <- mulJob{dst, x}
	}
	// The calling goroutine does the first block itself.
	p.m.mulRows(dst, x, p.bounds[0], p.bounds[1])
	p.wg.Wait()
}

func (p *mulPool) close() {
	for _, ch := range p.jobs[1:] {
		close(ch)
	}
}

// Nrm2 returns the Euclidean norm of x, accumulated with scaling (as BLAS
// dnrm2) so that it neither overflows nor underflows for extreme entries. It
// is gonum's floats.Norm(x, 2) (the same sums, bit for bit), kept for the
// callers that name it; new code calls floats.Norm.
func Nrm2(x []float64) float64 { return floats.Norm(x, 2) }
