package matrix

import (
	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Operator is a linear map A: Rᶜ → Rʳ known through its products with vectors.
//
// Apply sets dst = A·x and ApplyTrans sets dst = Aᵀ·x. Both overwrite dst
// (len(dst) must be r for Apply and c for ApplyTrans) and must not retain x
// or dst. Implementations panic on a length mismatch.
type Operator interface {
	Dims() (r, c int)
	Apply(dst, x []float64)
	ApplyTrans(dst, x []float64)
}

// Func adapts plain functions to the Operator interface. A nil MulTrans makes
// ApplyTrans panic, which suits methods that only need A·x.
type Func struct {
	R, C     int
	Mul      func(dst, x []float64) // dst = A·x
	MulTrans func(dst, x []float64) // dst = Aᵀ·x
}

// Dims returns the dimensions of the operator.
func (f Func) Dims() (int, int) { return f.R, f.C }

// Apply sets dst = A·x.
func (f Func) Apply(dst, x []float64) {
	checkLen("Func.Apply", dst, f.R, x, f.C)
	f.Mul(dst, x)
}

// ApplyTrans sets dst = Aᵀ·x.
func (f Func) ApplyTrans(dst, x []float64) {
	if f.MulTrans == nil {
		panic("matrix: Func.ApplyTrans: no MulTrans function")
	}
	checkLen("Func.ApplyTrans", dst, f.C, x, f.R)
	f.MulTrans(dst, x)
}

// Dense adapts a gonum matrix to the Operator interface. A *mat.Dense uses
// BLAS Gemv on its raw storage and allocates nothing; any other mat.Matrix
// falls back to At, which is O(r·c) calls and meant for small test matrices.
type Dense struct {
	m   mat.Matrix
	raw blas64.General
	ok  bool
}

// NewDense returns an Operator for m.
func NewDense(m mat.Matrix) *Dense {
	d := &Dense{m: m}
	if rm, ok := m.(mat.RawMatrixer); ok {
		d.raw = rm.RawMatrix()
		d.ok = true
	}
	return d
}

// Dims returns the dimensions of the matrix.
func (d *Dense) Dims() (int, int) { return d.m.Dims() }

// Apply sets dst = A·x.
func (d *Dense) Apply(dst, x []float64) {
	r, c := d.m.Dims()
	checkLen("Dense.Apply", dst, r, x, c)
	if d.ok {
		blas64.Gemv(blas.NoTrans, 1, d.raw, blas64.Vector{N: c, Inc: 1, Data: x}, 0, blas64.Vector{N: r, Inc: 1, Data: dst})
		return
	}
	for i := 0; i < r; i++ {
		var s float64
		for j := 0; j < c; j++ {
			s += d.m.At(i, j) * x[j]
		}
		dst[i] = s
	}
}

// ApplyTrans sets dst = Aᵀ·x.
func (d *Dense) ApplyTrans(dst, x []float64) {
	r, c := d.m.Dims()
	checkLen("Dense.ApplyTrans", dst, c, x, r)
	if d.ok {
		blas64.Gemv(blas.Trans, 1, d.raw, blas64.Vector{N: r, Inc: 1, Data: x}, 0, blas64.Vector{N: c, Inc: 1, Data: dst})
		return
	}
	for j := 0; j < c; j++ {
		var s float64
		for i := 0; i < r; i++ {
			s += d.m.At(i, j) * x[i]
		}
		dst[j] = s
	}
}

// CSC adapts a *sparse.CSC to the Operator interface: Apply scatters column
// by column, ApplyTrans is a dot product per column. Neither allocates.
type CSC struct {
	A           *sparse.CSC
	r, c        int
	indptr, ind []int
	data        []float64
}

// NewCSC returns an Operator for a.
func NewCSC(a *sparse.CSC) *CSC {
	raw := a.RawMatrix()
	r, c := a.Dims()
	return &CSC{A: a, r: r, c: c, indptr: raw.Indptr, ind: raw.Ind, data: raw.Data}
}

// Dims returns the dimensions of the matrix.
func (m *CSC) Dims() (int, int) { return m.r, m.c }

// Apply sets dst = A·x.
func (m *CSC) Apply(dst, x []float64) {
	checkLen("CSC.Apply", dst, m.r, x, m.c)
	clear(dst)
	for j := 0; j < m.c; j++ {
		xj := x[j]
		if xj == 0 {
			continue
		}
		for k := m.indptr[j]; k < m.indptr[j+1]; k++ {
			dst[m.ind[k]] += m.data[k] * xj
		}
	}
}

// ApplyTrans sets dst = Aᵀ·x.
func (m *CSC) ApplyTrans(dst, x []float64) {
	checkLen("CSC.ApplyTrans", dst, m.c, x, m.r)
	for j := 0; j < m.c; j++ {
		var s float64
		for k := m.indptr[j]; k < m.indptr[j+1]; k++ {
			s += m.data[k] * x[m.ind[k]]
		}
		dst[j] = s
	}
}

func checkLen(op string, dst []float64, nd int, x []float64, nx int) {
	if len(dst) != nd {
		panic("matrix: " + op + ": dst length mismatch")
	}
	if len(x) != nx {
		panic("matrix: " + op + ": x length mismatch")
	}
}
