package sketch

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// orthonormalize replaces the columns of the m×l matrix q by an orthonormal
// basis of their span using classical Gram–Schmidt with one full
// re-orthogonalisation (CGS2, "twice is enough"), column by column with
// BLAS-2 products. It returns the number of columns whose norm after
// projection fell below tol·(original norm); those are set to zero.
// work must have length ≥ l.
func orthonormalize(q *mat.Dense, work []float64) (dropped int) {
	raw := q.RawMatrix()
	m, l := raw.Rows, raw.Cols
	col := make([]float64, m)
	for j := 0; j < l; j++ {
		for i := 0; i < m; i++ {
			col[i] = raw.Data[i*raw.Stride+j]
		}
		n0 := blas64.Nrm2(blas64.Vector{N: m, Inc: 1, Data: col})
		if j > 0 {
			prev := blas64.General{Rows: m, Cols: j, Stride: raw.Stride, Data: raw.Data}
			h := blas64.Vector{N: j, Inc: 1, Data: work[:j]}
			v := blas64.Vector{N: m, Inc: 1, Data: col}
			for pass := 0; pass < 2; pass++ {
				blas64.Gemv(blas.Trans, 1, prev, v, 0, h)
				blas64.Gemv(blas.NoTrans, -1, prev, h, 1, v)
			}
		}
		n1 := blas64.Nrm2(blas64.Vector{N: m, Inc: 1, Data: col})
		if n1 <= 1e-13*n0 || n1 == 0 || math.IsNaN(n1) {
			dropped++
			for i := 0; i < m; i++ {
				raw.Data[i*raw.Stride+j] = 0
			}
			continue
		}
		for i := 0; i < m; i++ {
			raw.Data[i*raw.Stride+j] = col[i] / n1
		}
	}
	return dropped
}
