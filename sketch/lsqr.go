package sketch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

// ErrRankDeficient is returned (wrapped) by LeastSquares when the sketched
// matrix S·A is numerically rank deficient, so its R factor cannot serve as
// a preconditioner.
var ErrRankDeficient = errors.New("sketch: A is numerically rank deficient")

// LSSettings configures LeastSquares. The zero value is usable.
type LSSettings struct {
	// Kind is the sketch used to build the preconditioner (default
	// KindSparseSign with ζ = 8; KindSRHT is Blendenpik's choice,
	// KindGaussian LSRN's).
	Kind Kind
	// Oversampling γ ≥ 1 sets the sketch size s = ⌈γ·n⌉. The default is 8
	// for KindSparseSign and KindCountSketch, whose cost ζ·nnz(A) does not
	// grow with s, so a larger s buys a better preconditioner (fewer LSQR
	// passes over A) for the price of a QR of s×n; 4 (Blendenpik's choice)
	// for the other kinds, whose cost grows with s.
	Oversampling float64
	// Seed seeds the sketch.
	Seed uint64
	// Tol is LSQR's tolerance (atol = btol of Paige & Saunders; default
	// 1e-12): it stops when ‖Ãᵀr‖ ≤ Tol·‖Ã‖·‖r‖ or ‖r‖ ≤ Tol·(‖b‖ + ‖Ã‖·‖y‖)
	// for the preconditioned matrix Ã = A·R⁻¹ and its norm estimate.
	Tol float64
	// MaxIter bounds the LSQR iterations (default 4·n, at least 100).
	MaxIter int
	// NoPrecondition runs plain LSQR on A (for comparisons).
	NoPrecondition bool
	// Workers is the number of goroutines of the fused LSQR pass over the
	// rows of A (default GOMAXPROCS; 1 for serial). gonum's dense QR, the
	// usual alternative, also runs its Gemm updates in parallel.
	Workers int
	// History records LSQR's estimate of ‖Ãᵀr‖/(‖Ã‖‖r‖) per iteration.
	History bool
}

// LSResult is what LeastSquares returns.
type LSResult struct {
	X          []float64
	Status     linsolve.Status
	Iterations int // LSQR iterations
	// ResidualNorm is ‖b − A·x‖₂ and NormalResidual ‖Aᵀ(b − A·x)‖₂/(‖A‖_F·‖b − A·x‖₂),
	// both recomputed from x at the end.
	ResidualNorm, NormalResidual float64
	SketchRows                   int // s (0 without preconditioner)
	History                      []float64
}

// LeastSquares solves min ‖A·x − b‖₂ for a tall m×n matrix A of full column
// rank by sketch-and-precondition (Rokhlin & Tygert 2008; Avron, Maymounkov
// & Toledo's Blendenpik; Meng, Saunders & Mahoney's LSRN):
//
//  1. draw an s×m sketch S (s = ⌈γ·n⌉) and form S·A (dense s×n);
//  2. factor S·A = Q·R (Householder QR);
//  3. run LSQR on min ‖A·R⁻¹·y − b‖ (R⁻¹ a right preconditioner) and return
//     x = R⁻¹·y.
//
// If S is a (1 ± ε) subspace embedding of range(A), the singular values of
// A·R⁻¹ lie in [1/(1+ε), 1/(1−ε)], so LSQR needs O(log(1/tol)/log(1/ε))
// iterations whatever the condition number of A. A is a *mat.Dense or a
// *sparse.CSR (read through its raw arrays, never densified).
//
// Errors (wrapping ErrBadInput): NaN or Inf in A or b; s > m (sketching
// a matrix with fewer rows than the sketch is pointless: use a direct QR);
// Oversampling < 1 (s < n ≤ rank would lose the rank); S·A numerically
// rank deficient (ErrRankDeficient).
func LeastSquares(ctx context.Context, a mat.Matrix, b []float64, set LSSettings) (*LSResult, error) {
	m, n := a.Dims()
	if len(b) != m {
		panic(fmt.Sprintf("sketch: LeastSquares: len(b) = %d, want %d", len(b), m))
	}
	if err := checkFinite("LeastSquares", "b", b); err != nil {
		return nil, err
	}
	switch t := a.(type) {
	case *sparse.CSR:
		if err := checkFinite("LeastSquares", "A", t.RawMatrix().Data); err != nil {
			return nil, err
		}
	case *mat.Dense:
		raw := t.RawMatrix()
		for i := 0; i < m; i++ {
			if err := checkFinite("LeastSquares", "A", raw.Data[i*raw.Stride:i*raw.Stride+n]); err != nil {
				return nil, err
			}
		}
	default:
		panic("sketch: LeastSquares: A must be a *mat.Dense or a *sparse.CSR")
	}
	tol := set.Tol
	if tol <= 0 {
		tol = 1e-12
	}
	maxIter := set.MaxIter
	if maxIter <= 0 {
		maxIter = max(4*n, 100)
	}
	res := &LSResult{}
	var rfac blas64.Triangular
	if !set.NoPrecondition {
		g := set.Oversampling
		if g == 0 {
			g = 4
			if set.Kind == KindSparseSign || set.Kind == KindCountSketch {
				g = 8
			}
		}
		if !(g >= 1) {
			return nil, fmt.Errorf("%w: LeastSquares: oversampling %v < 1 gives s < n", ErrBadInput, g)
		}
		s := int(math.Ceil(g * float64(n)))
		if s > m {
			return nil, fmt.Errorf("%w: LeastSquares: sketch size s = %d exceeds m = %d rows; use a direct QR", ErrBadInput, s, m)
		}
		rng := rand.New(rand.NewPCG(set.Seed, 0x6c7371722d736b))
		var sk Sketch
		if set.Kind == KindRowNorm {
			w := make([]float64, m)
			rowNorms2(w, a)
			sk = NewRowNormSampling(s, w, rng)
		} else {
			sk = New(set.Kind, s, m, rng)
		}
		var sa *mat.Dense
		switch t := a.(type) {
		case *sparse.CSR:
			sa = sk.MulCSR(nil, t)
		case *mat.Dense:
			sa = sk.MulDense(nil, t)
		}
		var err error
		rfac, err = upperR(sa)
		if err != nil {
			return nil, err
		}
		res.SketchRows = s
	}
	rows := newRowData(a)
	workers := set.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if m >= 64*passBlocks && int64(m)*int64(n) >= 1<<16 {
		rows.pool = newRowPool(rows, workers)
		defer rows.pool.close()
	}
	pre := &precondOp{r: rfac, m: m, n: n, tmp: make([]float64, n), none: set.NoPrecondition, rows: rows}
	// linsolve.LSQR's rules 1 and 2 with atol = btol = tol are the ones
	// documented on LSSettings.Tol; rule 3 (cond(Ã) ≥ ConLim) is disabled,
	// since plain LSQR on an ill-conditioned A (NoPrecondition) should run
	// to MaxIter rather than stop at cond 1e8.
	var hist []float64
	ls := linsolve.LSQRSettings{
		Settings: linsolve.Settings{RTol: tol, MaxIter: maxIter},
		BTol:     tol,
		ConLim:   math.Inf(1),
	}
	if set.History {
		ls.Estimates = func(e linsolve.LSQREstimates) bool {
			hist = append(hist, e.NormalResidual)
			return true
		}
	}
	lr, err := linsolve.LSQR(ctx, pre, b, ls)
	if err != nil {
		return nil, err // unreachable: b was checked above
	}
	x, st, it := lr.X, lr.Status, lr.Iterations
	if !set.NoPrecondition {
		blas64.Trsv(blas.NoTrans, rfac, blas64.Vector{N: n, Inc: 1, Data: x})
	}
	// r = b − A x and Aᵀr in one pass over A.
	r := append([]float64(nil), b...)
	atr := make([]float64, n)
	neg := make([]float64, n)
	for j, v := range x {
		neg[j] = -v
	}
	rows.pass(r, atr, neg, -1) // r ← −A x + b

	res.X, res.Status, res.Iterations, res.History = x, st, it, hist
	res.ResidualNorm = floats.Norm(r, 2)
	res.NormalResidual = floats.Norm(atr, 2) / (frobenius(a) * res.ResidualNorm)
	return res, nil
}

func rowNorms2(dst []float64, a mat.Matrix) {
	switch t := a.(type) {
	case *sparse.CSR:
		matrix.RowNorms(dst, t, 2)
	default:
		m, n := a.Dims()
		for i := 0; i < m; i++ {
			var s float64
			for j := 0; j < n; j++ {
				s += a.At(i, j) * a.At(i, j)
			}
			dst[i] = s
		}
		for i := range dst {
			dst[i] = math.Sqrt(dst[i])
		}
	}
	for i := range dst {
		dst[i] *= dst[i]
	}
}

func frobenius(a mat.Matrix) float64 {
	if c, ok := a.(*sparse.CSR); ok {
		return floats.Norm(sumDuplicates(c).RawMatrix().Data, 2)
	}
	return mat.Norm(a, 2)
}

// upperR returns the n×n upper triangular factor of the s×n matrix sa.
func upperR(sa *mat.Dense) (blas64.Triangular, error) {
	_, n := sa.Dims()
	var qr mat.QR
	qr.Factorize(sa)
	var r mat.Dense
	qr.RTo(&r)
	raw := r.RawMatrix()
	rt := blas64.Triangular{N: n, Stride: raw.Stride, Data: raw.Data, Uplo: blas.Upper, Diag: blas.NonUnit}
	var dmax, dmin float64 = 0, math.Inf(1)
	for i := 0; i < n; i++ {
		d := math.Abs(rt.Data[i*rt.Stride+i])
		dmax, dmin = max(dmax, d), min(dmin, d)
	}
	if !(dmin > float64(n)*unitRoundoff*dmax) {
		return rt, fmt.Errorf("%w: %w: min|R_ii|/max|R_ii| = %.3g", ErrBadInput, ErrRankDeficient, dmin/dmax)
	}
	return rt, nil
}

// precondOp is Ã = A·R⁻¹ (or A when none). It also offers the fused
// product used by lsqr: one pass over the rows of A computes both
// u ← Ã·v − α·u and Ãᵀ·u, halving the memory traffic of an iteration.
type precondOp struct {
	r    blas64.Triangular
	m, n int
	tmp  []float64
	none bool
	rows *rowData
}

// rowData gives the fused pass raw access to the rows of A, optionally
// split over a pool of worker goroutines.
type rowData struct {
	m, n    int
	isDense bool
	dense   blas64.General
	ptr     []int
	ind     []int
	val     []float64
	pool    *rowPool
}

func newRowData(a mat.Matrix) *rowData {
	m, n := a.Dims()
	d := &rowData{m: m, n: n}
	switch t := a.(type) {
	case *sparse.CSR:
		raw := t.RawMatrix()
		d.ptr, d.ind, d.val = raw.Indptr, raw.Ind, raw.Data
	case *mat.Dense:
		d.dense = t.RawMatrix()
		d.isDense = true
	}
	return d
}

// pass sets u ← A·z − α·u and w = Aᵀ·u (new u) over all rows.
func (d *rowData) pass(u, w, z []float64, alpha float64) {
	if d.pool != nil {
		d.pool.run(u, w, z, alpha)
		return
	}
	clear(w)
	d.rowsPass(0, d.m, u, w, z, alpha)
}

// rowsPass does the fused pass for rows lo..hi−1, adding into w.
func (d *rowData) rowsPass(lo, hi int, u, w, z []float64, alpha float64) {
	if d.isDense {
		a := d.dense
		zv := blas64.Vector{N: d.n, Inc: 1, Data: z}
		wv := blas64.Vector{N: d.n, Inc: 1, Data: w}
		for i := lo; i < hi; i++ {
			row := blas64.Vector{N: d.n, Inc: 1, Data: a.Data[i*a.Stride : i*a.Stride+d.n]}
			t := blas64.Dot(row, zv) - alpha*u[i]
			u[i] = t
			blas64.Axpy(t, row, wv)
		}
		return
	}
	for i := lo; i < hi; i++ {
		a, b := d.ptr[i], d.ptr[i+1]
		ind, val := d.ind[a:b], d.val[a:b]
		val = val[:len(ind)]
		var t float64
		for k, j := range ind {
			t += val[k] * z[j]
		}
		t -= alpha * u[i]
		u[i] = t
		for k, j := range ind {
			w[j] += t * val[k]
		}
	}
}

// passBlocks is the number of row blocks of the fused pass on large
// problems. It is fixed, not the number of workers, so that the partial
// Aᵀu sums — and hence every iterate — are the same bits whatever the
// number of goroutines (a sharded sweep merged with an unsharded one must
// not depend on the machines' core counts).
const passBlocks = 8

// rowPool runs the fused pass over passBlocks contiguous row blocks
// (balanced by nonzeros) on persistent goroutines: block b goes to worker
// b mod workers, accumulates its own Aᵀu part, and the parts are added in
// block order. A pass allocates nothing.
type rowPool struct {
	d       *rowData
	parts   []int
	ws      [][]float64 // ws[b]: block b's part of Aᵀu (ws[0] unused: block 0 adds into w)
	workers int
	start   []chan struct{}
	done    chan struct{}
	u, z    []float64
	alpha   float64
}

func newRowPool(d *rowData, workers int) *rowPool {
	var parts []int
	if d.isDense {
		parts = make([]int, passBlocks+1)
		for k := range parts {
			parts[k] = k * d.m / passBlocks
		}
	} else {
		parts = matrix.SplitByNNZ(d.ptr[:d.m+1], passBlocks)
	}
	nb := len(parts) - 1
	workers = max(1, min(workers, nb))
	p := &rowPool{d: d, parts: parts, ws: make([][]float64, nb), workers: workers,
		start: make([]chan struct{}, workers), done: make(chan struct{}, workers)}
	for b := 1; b < nb; b++ {
		p.ws[b] = make([]float64, d.n)
	}
	for k := 1; k < workers; k++ {
		p.start[k] = make(chan struct{})
		go p.worker(k)
	}
	return p
}

// blocks runs the blocks b ≡ k (mod workers), block 0 into w.
func (p *rowPool) blocks(k int, w []float64) {
	for b := k; b < len(p.ws); b += p.workers {
		dst := p.ws[b]
		if b == 0 {
			dst = w
		}
		clear(dst)
		p.d.rowsPass(p.parts[b], p.parts[b+1], p.u, dst, p.z, p.alpha)
	}
}

func (p *rowPool) worker(k int) {
	for range p.start[k] {
		p.blocks(k, nil)
		p.done <- struct{}{}
	}
}

func (p *rowPool) run(u, w, z []float64, alpha float64) {
	p.u, p.z, p.alpha = u, z, alpha
	for k := 1; k < p.workers; k++ {
		p.start[k] <- struct{}{}
	}
	p.blocks(0, w)
	for k := 1; k < p.workers; k++ {
		<-p.done
	}
	for b := 1; b < len(p.ws); b++ {
		for j, v := range p.ws[b] {
			w[j] += v
		}
	}
}

func (p *rowPool) close() {
	for k := 1; k < p.workers; k++ {
		close(p.start[k])
	}
}

// Dims returns the dimensions of Ã.
func (p *precondOp) Dims() (int, int) { return p.m, p.n }

// Apply sets dst = Ã·v (linsolve.LSQR calls it only to form b − Ã·x₀, and
// LeastSquares starts from x₀ = 0, so it is not on the hot path).
func (p *precondOp) Apply(dst, v []float64) {
	clear(dst)
	p.rows.apply(dst, p.solveR(v))
}

// ApplyTrans sets dst = Ãᵀ·u (once per solve, for the first v).
func (p *precondOp) ApplyTrans(dst, u []float64) {
	clear(dst)
	p.rows.applyTrans(dst, u)
	p.solveRT(dst)
}

// solveR returns R⁻¹·v (v itself without preconditioner) in p.tmp.
func (p *precondOp) solveR(v []float64) []float64 {
	if p.none {
		return v
	}
	copy(p.tmp, v)
	blas64.Trsv(blas.NoTrans, p.r, blas64.Vector{N: p.n, Inc: 1, Data: p.tmp})
	return p.tmp
}

// solveRT sets w = R⁻ᵀ·w (nothing without preconditioner).
func (p *precondOp) solveRT(w []float64) {
	if !p.none {
		blas64.Trsv(blas.Trans, p.r, blas64.Vector{N: p.n, Inc: 1, Data: w})
	}
}

// apply adds A·z into u, serially.
func (d *rowData) apply(u, z []float64) {
	if d.isDense {
		blas64.Gemv(blas.NoTrans, 1, d.dense, blas64.Vector{N: d.n, Inc: 1, Data: z}, 1, blas64.Vector{N: d.m, Inc: 1, Data: u})
		return
	}
	for i := 0; i < d.m; i++ {
		var t float64
		for k := d.ptr[i]; k < d.ptr[i+1]; k++ {
			t += d.val[k] * z[d.ind[k]]
		}
		u[i] += t
	}
}

// applyTrans adds Aᵀ·u into w, serially.
func (d *rowData) applyTrans(w, u []float64) {
	if d.isDense {
		blas64.Gemv(blas.Trans, 1, d.dense, blas64.Vector{N: d.m, Inc: 1, Data: u}, 1, blas64.Vector{N: d.n, Inc: 1, Data: w})
		return
	}
	for i := 0; i < d.m; i++ {
		t := u[i]
		for k := d.ptr[i]; k < d.ptr[i+1]; k++ {
			w[d.ind[k]] += t * d.val[k]
		}
	}
}

// ApplyBidiag sets u ← Ã·v − α·u and w = Ãᵀ·u (with the new u) in one pass
// over A: the linsolve.BidiagOperator that LSQR uses.
func (p *precondOp) ApplyBidiag(u, w, v []float64, alpha float64) {
	p.rows.pass(u, w, p.solveR(v), alpha)
	p.solveRT(w)
}
