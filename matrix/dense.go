package matrix

import (
	"fmt"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// ToDense returns the r×c sparse matrix a as a dense matrix, duplicate
// entries summed in storage order. It is kkt's one CSR → dense conversion
// (for dense factorisations of small systems and for tests against dense
// oracles), reading the raw arrays: O(r·c + nnz), where gonum's generic
// copies would call At for every entry. With dst nil a new matrix is
// allocated; otherwise dst must be r×c and is overwritten and returned.
// Callers check the size against a memory budget (CheckAlloc) before
// densifying a matrix that came from a file.
func ToDense(dst *mat.Dense, a *sparse.CSR) *mat.Dense {
	r, c := a.Dims()
	if dst == nil {
		dst = mat.NewDense(r, c, nil)
	} else {
		if dr, dc := dst.Dims(); dr != r || dc != c {
			panic(fmt.Sprintf("matrix: ToDense: dst is %d×%d, want %d×%d", dr, dc, r, c))
		}
		dst.Zero()
	}
	AddToDense(dst.RawMatrix(), 1, a)
	return dst
}

// AddToDense adds α·A into the dense row-major matrix dst (which must have
// A's dimensions), duplicates summed in storage order. It allocates nothing,
// so it serves a dense assembly repeated every iteration.
func AddToDense(dst blas64.General, alpha float64, a *sparse.CSR) {
	r, c := a.Dims()
	if dst.Rows != r || dst.Cols != c {
		panic(fmt.Sprintf("matrix: AddToDense: dst is %d×%d, want %d×%d", dst.Rows, dst.Cols, r, c))
	}
	raw := a.RawMatrix()
	for i := 0; i < r; i++ {
		row := dst.Data[i*dst.Stride : i*dst.Stride+c]
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			row[raw.Ind[k]] += alpha * raw.Data[k]
		}
	}
}
