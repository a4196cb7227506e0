package sketch

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

// Sketch is a random linear map S: Rᵐ → Rˢ (an s×m matrix) with E[SᵀS] = I.
//
// Apply sets dst = S·x (len(x) = m, len(dst) = s) and ApplyTrans sets
// dst = Sᵀ·y; both overwrite dst, so every Sketch is a matrix.Operator.
// MulDense and MulCSR form the s×n product S·A for an m×n matrix A; they
// allocate dst when it is nil and otherwise overwrite it. MulCSR reads the
// raw CSR arrays of A and never forms A densely. Redraw replaces S by a fresh
// independent draw from the same distribution, in place and without
// allocating, using rng.
type Sketch interface {
	Dims() (s, m int)
	Apply(dst, x []float64)
	ApplyTrans(dst, y []float64)
	MulDense(dst *mat.Dense, a *mat.Dense) *mat.Dense
	MulCSR(dst *mat.Dense, a *sparse.CSR) *mat.Dense
	Redraw(rng *rand.Rand)
}

func checkSketchSize(name string, s, m int) {
	if s <= 0 || m <= 0 {
		panic(fmt.Sprintf("sketch: %s: sizes must be positive (s = %d, m = %d)", name, s, m))
	}
}

func checkVec(name string, dst []float64, nd int, x []float64, nx int) {
	if len(dst) != nd {
		panic(fmt.Sprintf("sketch: %s: len(dst) = %d, want %d", name, len(dst), nd))
	}
	if len(x) != nx {
		panic(fmt.Sprintf("sketch: %s: len(x) = %d, want %d", name, len(x), nx))
	}
}

// prepDst checks that A has m rows and returns an s×n destination.
func prepDst(name string, dst *mat.Dense, s, m, ar, ac int) *mat.Dense {
	if ar != m {
		panic(fmt.Sprintf("sketch: %s: A has %d rows, sketch expects %d", name, ar, m))
	}
	if dst == nil {
		return mat.NewDense(s, ac, nil)
	}
	if r, c := dst.Dims(); r != s || c != ac {
		panic(fmt.Sprintf("sketch: %s: dst is %d×%d, want %d×%d", name, r, c, s, ac))
	}
	return dst
}

// ----------------------------------------------------------------------------
// Dense sketches: Gaussian and Rademacher.

// Dense is an explicitly stored s×m sketch with i.i.d. entries of variance
// 1/s: N(0, 1/s) (Gaussian) or ±1/√s (Rademacher). It is stored transposed
// (m×s, row-major) so that column i of S is contiguous; S·A for a CSR matrix
// A then costs 2·s·nnz(A) flops, for a dense A one Gemm (2·s·m·n).
type Dense struct {
	s, m       int
	rademacher bool
	st         []float64 // Sᵀ, m×s row-major
	tmp        []float64 // n×s scratch for MulCSR
}

// NewGaussian returns an s×m Gaussian sketch with entries N(0, 1/s).
func NewGaussian(s, m int, rng *rand.Rand) *Dense {
	checkSketchSize("NewGaussian", s, m)
	d := &Dense{s: s, m: m, st: make([]float64, s*m)}
	d.Redraw(rng)
	return d
}

// NewRademacher returns an s×m sketch with independent entries ±1/√s.
func NewRademacher(s, m int, rng *rand.Rand) *Dense {
	checkSketchSize("NewRademacher", s, m)
	d := &Dense{s: s, m: m, rademacher: true, st: make([]float64, s*m)}
	d.Redraw(rng)
	return d
}

// Dims returns (s, m).
func (d *Dense) Dims() (int, int) { return d.s, d.m }

// Redraw draws fresh entries.
func (d *Dense) Redraw(rng *rand.Rand) {
	sc := 1 / math.Sqrt(float64(d.s))
	if d.rademacher {
		// 64 signs per random word.
		for i := 0; i < len(d.st); i += 64 {
			w := rng.Uint64()
			end := min(i+64, len(d.st))
			for k := i; k < end; k++ {
				if w&1 == 1 {
					d.st[k] = sc
				} else {
					d.st[k] = -sc
				}
				w >>= 1
			}
		}
		return
	}
	for k := range d.st {
		d.st[k] = sc * rng.NormFloat64()
	}
}

func (d *Dense) general() blas64.General {
	return blas64.General{Rows: d.m, Cols: d.s, Stride: d.s, Data: d.st}
}

// Apply sets dst = S·x.
func (d *Dense) Apply(dst, x []float64) {
	checkVec("Dense.Apply", dst, d.s, x, d.m)
	blas64.Gemv(blas.Trans, 1, d.general(), blas64.Vector{N: d.m, Inc: 1, Data: x}, 0, blas64.Vector{N: d.s, Inc: 1, Data: dst})
}

// ApplyTrans sets dst = Sᵀ·y.
func (d *Dense) ApplyTrans(dst, y []float64) {
	checkVec("Dense.ApplyTrans", dst, d.m, y, d.s)
	blas64.Gemv(blas.NoTrans, 1, d.general(), blas64.Vector{N: d.s, Inc: 1, Data: y}, 0, blas64.Vector{N: d.m, Inc: 1, Data: dst})
}

// MulDense returns S·A.
func (d *Dense) MulDense(dst *mat.Dense, a *mat.Dense) *mat.Dense {
	ar, ac := a.Dims()
	dst = prepDst("Dense.MulDense", dst, d.s, d.m, ar, ac)
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, d.general(), a.RawMatrix(), 0, dst.RawMatrix())
	return dst
}

// MulCSR returns S·A for a CSR matrix A: (S·A)ᵀ = Σ over nonzeros a_ij of
// a_ij·(column i of S) added to row j, 2·s flops per nonzero.
func (d *Dense) MulCSR(dst *mat.Dense, a *sparse.CSR) *mat.Dense {
	ar, ac := a.Dims()
	dst = prepDst("Dense.MulCSR", dst, d.s, d.m, ar, ac)
	raw := a.RawMatrix()
	if d.s == 1 {
		// One sketch row: (S·A)_j = Σᵢ S_i·a_ij, a single pass with no scratch.
		out := dst.RawMatrix().Data[:ac]
		clear(out)
		for i := 0; i < ar; i++ {
			si := d.st[i]
			ind := raw.Ind[raw.Indptr[i]:raw.Indptr[i+1]]
			val := raw.Data[raw.Indptr[i]:raw.Indptr[i+1]]
			val = val[:len(ind)]
			for q, j := range ind {
				out[j] += si * val[q]
			}
		}
		return dst
	}
	if cap(d.tmp) < ac*d.s {
		d.tmp = make([]float64, ac*d.s)
	}
	t := d.tmp[:ac*d.s]
	clear(t)
	s := d.s
	for i := 0; i < ar; i++ {
		si := d.st[i*s : i*s+s]
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			floats.AddScaled(t[raw.Ind[k]*s:raw.Ind[k]*s+s], raw.Data[k], si)
		}
	}
	transposeInto(dst.RawMatrix(), t, ac, s)
	return dst
}

// transposeInto writes the r×c row-major t transposed into dst (c×r).
func transposeInto(dst blas64.General, t []float64, r, c int) {
	for i := 0; i < r; i++ {
		row := t[i*c : i*c+c]
		for j, v := range row {
			dst.Data[j*dst.Stride+i] = v
		}
	}
}

// ----------------------------------------------------------------------------
// Sparse sign embeddings (SJLT / OSNAP) and CountSketch.

// SparseSign is an s×m sparse sign embedding: every column of S has exactly
// ζ nonzeros ±1/√ζ in ζ distinct rows chosen uniformly, with independent
// signs (Nelson & Nguyen's OSNAP; Kane & Nelson's SJLT). ζ = 1 is
// CountSketch (Clarkson & Woodruff). Applying it costs ζ·nnz(A) multiply–adds.
type SparseSign struct {
	s, m, zeta int
	rows       []int32   // m·ζ row indices, column-major
	vals       []float64 // m·ζ signed values ±1/√ζ
}

// NewSparseSign returns an s×m sparse sign embedding with zeta nonzeros per
// column (1 ≤ zeta ≤ s; 8 is the usual choice).
func NewSparseSign(s, m, zeta int, rng *rand.Rand) *SparseSign {
	checkSketchSize("NewSparseSign", s, m)
	if zeta < 1 || zeta > s {
		panic(fmt.Sprintf("sketch: NewSparseSign: zeta = %d outside [1, s = %d]", zeta, s))
	}
	if s > math.MaxInt32 {
		panic("sketch: NewSparseSign: s too large")
	}
	p := &SparseSign{s: s, m: m, zeta: zeta, rows: make([]int32, m*zeta), vals: make([]float64, m*zeta)}
	p.Redraw(rng)
	return p
}

// NewCountSketch returns the s×m CountSketch (one ±1 per column).
func NewCountSketch(s, m int, rng *rand.Rand) *SparseSign { return NewSparseSign(s, m, 1, rng) }

// Dims returns (s, m).
func (p *SparseSign) Dims() (int, int) { return p.s, p.m }

// Redraw draws fresh positions and signs.
func (p *SparseSign) Redraw(rng *rand.Rand) {
	v := 1 / math.Sqrt(float64(p.zeta))
	z := p.zeta
	for i := 0; i < p.m; i++ {
		rs := p.rows[i*z : i*z+z]
		for t := 0; t < z; t++ {
		again:
			r := int32(rng.IntN(p.s))
			for _, q := range rs[:t] {
				if q == r {
					goto again
				}
			}
			rs[t] = r
		}
		w := rng.Uint64()
		for t := 0; t < z; t++ {
			if (w>>uint(t&63))&1 == 1 {
				p.vals[i*z+t] = v
			} else {
				p.vals[i*z+t] = -v
			}
			if t&63 == 63 {
				w = rng.Uint64()
			}
		}
	}
}

// Apply sets dst = S·x.
func (p *SparseSign) Apply(dst, x []float64) {
	checkVec("SparseSign.Apply", dst, p.s, x, p.m)
	clear(dst)
	z := p.zeta
	for i, xi := range x {
		if xi == 0 {
			continue
		}
		for t := i * z; t < i*z+z; t++ {
			dst[p.rows[t]] += p.vals[t] * xi
		}
	}
}

// ApplyTrans sets dst = Sᵀ·y.
func (p *SparseSign) ApplyTrans(dst, y []float64) {
	checkVec("SparseSign.ApplyTrans", dst, p.m, y, p.s)
	z := p.zeta
	for i := range dst {
		var sum float64
		for t := i * z; t < i*z+z; t++ {
			sum += p.vals[t] * y[p.rows[t]]
		}
		dst[i] = sum
	}
}

// MulDense returns S·A: row i of A is added, signed, to ζ rows of the result.
func (p *SparseSign) MulDense(dst *mat.Dense, a *mat.Dense) *mat.Dense {
	ar, ac := a.Dims()
	dst = prepDst("SparseSign.MulDense", dst, p.s, p.m, ar, ac)
	d := dst.RawMatrix()
	zeroGeneral(d)
	ra := a.RawMatrix()
	z := p.zeta
	for i := 0; i < ar; i++ {
		ai := ra.Data[i*ra.Stride : i*ra.Stride+ac]
		for t := i * z; t < i*z+z; t++ {
			r := int(p.rows[t])
			floats.AddScaled(d.Data[r*d.Stride:r*d.Stride+ac], p.vals[t], ai)
		}
	}
	return dst
}

// MulCSR returns S·A for a CSR matrix A (ζ·nnz(A) multiply–adds).
func (p *SparseSign) MulCSR(dst *mat.Dense, a *sparse.CSR) *mat.Dense {
	ar, ac := a.Dims()
	dst = prepDst("SparseSign.MulCSR", dst, p.s, p.m, ar, ac)
	d := dst.RawMatrix()
	zeroGeneral(d)
	raw := a.RawMatrix()
	z := p.zeta
	for i := 0; i < ar; i++ {
		lo, hi := raw.Indptr[i], raw.Indptr[i+1]
		ind, val := raw.Ind[lo:hi], raw.Data[lo:hi]
		for t := i * z; t < i*z+z; t++ {
			row := d.Data[int(p.rows[t])*d.Stride:]
			sv := p.vals[t]
			for k, j := range ind {
				row[j] += sv * val[k]
			}
		}
	}
	return dst
}

// ----------------------------------------------------------------------------
// Subsampled randomized Hadamard transform.

// SRHT is the subsampled randomized Hadamard transform S = (1/√s)·R·H·D of
// Ailon & Chazelle and Tropp: D is a random ±1 diagonal (m×m), the input is
// zero-padded to m' = 2^⌈log₂ m⌉, H is the unnormalised m'×m' Walsh–Hadamard
// matrix (entries ±1) applied by the fast transform in m'·log₂ m' additions,
// and R keeps s distinct rows chosen uniformly without replacement.
// With this scaling E[SᵀS] = I exactly.
type SRHT struct {
	s, m, mp int
	signs    []float64 // D
	rows     []int     // R, sorted
	buf      []float64 // m' scratch for vectors
	blk      []float64 // m'×srhtBlock scratch for matrices
	perm     []int     // scratch for sampling without replacement
}

const srhtBlock = 16

// NewSRHT returns an s×m SRHT (1 ≤ s ≤ 2^⌈log₂ m⌉).
func NewSRHT(s, m int, rng *rand.Rand) *SRHT {
	checkSketchSize("NewSRHT", s, m)
	mp := 1 << bits.Len(uint(m-1))
	if m == 1 {
		mp = 1
	}
	if s > mp {
		panic(fmt.Sprintf("sketch: NewSRHT: s = %d exceeds the padded size %d", s, mp))
	}
	h := &SRHT{s: s, m: m, mp: mp, signs: make([]float64, m), rows: make([]int, s), buf: make([]float64, mp), perm: make([]int, mp)}
	h.Redraw(rng)
	return h
}

// Dims returns (s, m).
func (h *SRHT) Dims() (int, int) { return h.s, h.m }

// Redraw draws fresh signs and rows.
func (h *SRHT) Redraw(rng *rand.Rand) {
	for i := 0; i < h.m; i += 64 {
		w := rng.Uint64()
		for k := i; k < min(i+64, h.m); k++ {
			h.signs[k] = float64(int(w&1)*2 - 1)
			w >>= 1
		}
	}
	// Partial Fisher–Yates: the first s entries of a random permutation.
	for i := range h.perm {
		h.perm[i] = i
	}
	for k := 0; k < h.s; k++ {
		j := k + rng.IntN(h.mp-k)
		h.perm[k], h.perm[j] = h.perm[j], h.perm[k]
	}
	copy(h.rows, h.perm[:h.s])
	slices.Sort(h.rows)
}

// Apply sets dst = S·x in O(m' log m') operations.
func (h *SRHT) Apply(dst, x []float64) {
	checkVec("SRHT.Apply", dst, h.s, x, h.m)
	b := h.buf
	for i, v := range x {
		b[i] = h.signs[i] * v
	}
	clear(b[h.m:])
	FWHT(b)
	sc := 1 / math.Sqrt(float64(h.s))
	for k, r := range h.rows {
		dst[k] = sc * b[r]
	}
}

// ApplyTrans sets dst = Sᵀ·y (H is symmetric).
func (h *SRHT) ApplyTrans(dst, y []float64) {
	checkVec("SRHT.ApplyTrans", dst, h.m, y, h.s)
	b := h.buf
	clear(b)
	sc := 1 / math.Sqrt(float64(h.s))
	for k, r := range h.rows {
		b[r] = sc * y[k]
	}
	FWHT(b)
	for i := range dst {
		dst[i] = h.signs[i] * b[i]
	}
}

// MulDense returns S·A, transforming srhtBlock columns of A at a time
// (O(m'·n·log m') operations, O(m'·srhtBlock) scratch).
func (h *SRHT) MulDense(dst *mat.Dense, a *mat.Dense) *mat.Dense {
	ar, ac := a.Dims()
	dst = prepDst("SRHT.MulDense", dst, h.s, h.m, ar, ac)
	ra := a.RawMatrix()
	for j0 := 0; j0 < ac; j0 += srhtBlock {
		w := min(srhtBlock, ac-j0)
		blk := h.block(w)
		for i := 0; i < ar; i++ {
			src := ra.Data[i*ra.Stride+j0 : i*ra.Stride+j0+w]
			row := blk[i*w : i*w+w]
			sg := h.signs[i]
			for k, v := range src {
				row[k] = sg * v
			}
		}
		h.finishBlock(dst, blk, j0, w)
	}
	return dst
}

// MulCSR returns S·A for a CSR matrix A without densifying it. When
// s·nnz(A) ≤ m'·log₂m'·n it forms each sampled Hadamard row on the fly,
// (S·A)_k = (1/√s)·Σᵢ (−1)^popcount(r_k & i)·D_i·A_i, in s·nnz(A)
// multiply–adds and no allocation; otherwise A is transposed once (O(nnz)
// memory) and srhtBlock columns at a time are scattered into an
// m'×srhtBlock buffer and transformed.
func (h *SRHT) MulCSR(dst *mat.Dense, a *sparse.CSR) *mat.Dense {
	ar, ac := a.Dims()
	dst = prepDst("SRHT.MulCSR", dst, h.s, h.m, ar, ac)
	raw0 := a.RawMatrix()
	nnz := raw0.Indptr[ar]
	if float64(h.s)*float64(nnz) <= float64(h.mp)*float64(bits.Len(uint(h.mp)))*float64(ac) {
		d := dst.RawMatrix()
		zeroGeneral(d)
		sc := 1 / math.Sqrt(float64(h.s))
		for i := 0; i < ar; i++ {
			lo, hi := raw0.Indptr[i], raw0.Indptr[i+1]
			if lo == hi {
				continue
			}
			ind, val := raw0.Ind[lo:hi], raw0.Data[lo:hi]
			for k, r := range h.rows {
				c := sc * h.signs[i]
				if bits.OnesCount(uint(r&i))&1 == 1 {
					c = -c
				}
				row := d.Data[k*d.Stride:]
				for t, j := range ind {
					row[j] += c * val[t]
				}
			}
		}
		return dst
	}
	at := matrix.Transpose(a)
	raw := at.RawMatrix()
	for j0 := 0; j0 < ac; j0 += srhtBlock {
		w := min(srhtBlock, ac-j0)
		blk := h.block(w)
		for jj := 0; jj < w; jj++ {
			j := j0 + jj
			for k := raw.Indptr[j]; k < raw.Indptr[j+1]; k++ {
				i := raw.Ind[k]
				blk[i*w+jj] += h.signs[i] * raw.Data[k]
			}
		}
		h.finishBlock(dst, blk, j0, w)
	}
	return dst
}

// block returns a zeroed m'×w scratch.
func (h *SRHT) block(w int) []float64 {
	if cap(h.blk) < h.mp*srhtBlock {
		h.blk = make([]float64, h.mp*srhtBlock)
	}
	b := h.blk[:h.mp*w]
	clear(b)
	return b
}

// finishBlock transforms the rows of blk (m'×w) and gathers the sampled rows
// into columns j0..j0+w of dst.
func (h *SRHT) finishBlock(dst *mat.Dense, blk []float64, j0, w int) {
	fwhtRows(blk, h.mp, w)
	d := dst.RawMatrix()
	sc := 1 / math.Sqrt(float64(h.s))
	for k, r := range h.rows {
		src := blk[r*w : r*w+w]
		out := d.Data[k*d.Stride+j0 : k*d.Stride+j0+w]
		for c, v := range src {
			out[c] = sc * v
		}
	}
}

// ----------------------------------------------------------------------------
// Row sampling.

// Sampling is the row-sampling sketch: row k of S is e_{i_k}ᵀ/√(s·p_{i_k}),
// with i_1, …, i_s drawn independently (with replacement) from the
// probabilities p. Uniform sampling has p_i = 1/m; NewRowNormSampling uses
// p_i = ‖A_i‖²/‖A‖_F², which for a matrix with orthonormal columns is
// leverage-score sampling. E[SᵀS] = I on the support of p.
type Sampling struct {
	s, m  int
	idx   []int
	w     []float64
	alias *alias // nil for uniform
}

// NewUniformSampling returns an s×m uniform row-sampling sketch.
func NewUniformSampling(s, m int, rng *rand.Rand) *Sampling {
	checkSketchSize("NewUniformSampling", s, m)
	p := &Sampling{s: s, m: m, idx: make([]int, s), w: make([]float64, s)}
	p.Redraw(rng)
	return p
}

// NewRowNormSampling returns an s×m sketch sampling row i with probability
// proportional to weights[i] ≥ 0 (pass the squared row norms of A, e.g.
// matrix.RowNorms(nil, a, 2) squared). It panics if the weights are negative
// or all zero, or not finite.
func NewRowNormSampling(s int, weights []float64, rng *rand.Rand) *Sampling {
	checkSketchSize("NewRowNormSampling", s, len(weights))
	al := newAlias(weights)
	if al == nil {
		panic("sketch: NewRowNormSampling: weights must be finite, non-negative and not all zero")
	}
	p := &Sampling{s: s, m: len(weights), idx: make([]int, s), w: make([]float64, s), alias: al}
	p.Redraw(rng)
	return p
}

// Dims returns (s, m).
func (p *Sampling) Dims() (int, int) { return p.s, p.m }

// Rows returns the sampled row indices (shared, do not modify).
func (p *Sampling) Rows() []int { return p.idx }

// Redraw draws fresh rows.
func (p *Sampling) Redraw(rng *rand.Rand) {
	for k := range p.idx {
		var i int
		var pi float64
		if p.alias == nil {
			i, pi = rng.IntN(p.m), 1/float64(p.m)
		} else {
			i = p.alias.draw(rng)
			pi = p.alias.p[i]
		}
		p.idx[k] = i
		p.w[k] = 1 / math.Sqrt(float64(p.s)*pi)
	}
}

// Apply sets dst = S·x.
func (p *Sampling) Apply(dst, x []float64) {
	checkVec("Sampling.Apply", dst, p.s, x, p.m)
	for k, i := range p.idx {
		dst[k] = p.w[k] * x[i]
	}
}

// ApplyTrans sets dst = Sᵀ·y.
func (p *Sampling) ApplyTrans(dst, y []float64) {
	checkVec("Sampling.ApplyTrans", dst, p.m, y, p.s)
	clear(dst)
	for k, i := range p.idx {
		dst[i] += p.w[k] * y[k]
	}
}

// MulDense returns S·A (s scaled rows of A).
func (p *Sampling) MulDense(dst *mat.Dense, a *mat.Dense) *mat.Dense {
	ar, ac := a.Dims()
	dst = prepDst("Sampling.MulDense", dst, p.s, p.m, ar, ac)
	d, ra := dst.RawMatrix(), a.RawMatrix()
	for k, i := range p.idx {
		src := ra.Data[i*ra.Stride : i*ra.Stride+ac]
		out := d.Data[k*d.Stride : k*d.Stride+ac]
		for c, v := range src {
			out[c] = p.w[k] * v
		}
	}
	return dst
}

// MulCSR returns S·A for a CSR matrix A.
func (p *Sampling) MulCSR(dst *mat.Dense, a *sparse.CSR) *mat.Dense {
	ar, ac := a.Dims()
	dst = prepDst("Sampling.MulCSR", dst, p.s, p.m, ar, ac)
	d := dst.RawMatrix()
	zeroGeneral(d)
	raw := a.RawMatrix()
	for k, i := range p.idx {
		out := d.Data[k*d.Stride:]
		for t := raw.Indptr[i]; t < raw.Indptr[i+1]; t++ {
			out[raw.Ind[t]] += p.w[k] * raw.Data[t]
		}
	}
	return dst
}

// alias is Walker's alias table for O(1) sampling from a discrete law.
type alias struct {
	p     []float64 // normalised probabilities
	prob  []float64
	other []int
}

func newAlias(w []float64) *alias {
	var sum float64
	for _, v := range w {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		sum += v
	}
	if sum == 0 || math.IsInf(sum, 0) {
		return nil
	}
	n := len(w)
	a := &alias{p: make([]float64, n), prob: make([]float64, n), other: make([]int, n)}
	small, large := make([]int, 0, n), make([]int, 0, n)
	for i, v := range w {
		a.p[i] = v / sum
		a.prob[i] = a.p[i] * float64(n)
		if a.prob[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		l := small[len(small)-1]
		small = small[:len(small)-1]
		g := large[len(large)-1]
		a.other[l] = g
		a.prob[g] -= 1 - a.prob[l]
		if a.prob[g] < 1 {
			large = large[:len(large)-1]
			small = append(small, g)
		}
	}
	for _, i := range large {
		a.prob[i] = 1
		a.other[i] = i
	}
	for _, i := range small { // rounding leftovers
		a.prob[i] = 1
		a.other[i] = i
	}
	return a
}

func (a *alias) draw(rng *rand.Rand) int {
	i := rng.IntN(len(a.prob))
	if a.prob[i] >= 1 || rng.Float64() < a.prob[i] {
		return i
	}
	return a.other[i]
}

// ----------------------------------------------------------------------------
// small helpers

func zeroGeneral(g blas64.General) {
	for i := 0; i < g.Rows; i++ {
		clear(g.Data[i*g.Stride : i*g.Stride+g.Cols])
	}
}
