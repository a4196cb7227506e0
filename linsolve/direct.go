package linsolve

import (
	"errors"
	"fmt"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

// DirectMaxDim is the largest dimension (rows or columns) Direct accepts: a
// 3000×3000 dense matrix takes 72 MB and its factorisation a few seconds.
const DirectMaxDim = 3000

// ErrSingular is wrapped by the error Direct returns when the matrix is
// singular or rank deficient to working precision.
var ErrSingular = errors.New("linsolve: singular matrix")

// ErrTooLarge is wrapped by the error Direct returns above DirectMaxDim.
var ErrTooLarge = errors.New("linsolve: matrix too large for a dense direct solve")

// Direct solves A·x = b by a direct method.
//
// A square *matrix.CSR goes to DirectSparse with DirectAuto, which chooses
// by the matrix: small or dense systems (n ≤ DenseDirectMax, or at least
// 10% nonzeros) take the dense path below; symmetric matrices with a
// positive diagonal sparse Cholesky (LDLᵀ if not positive definite); other
// symmetric matrices sparse LDLᵀ; nonsymmetric ones sparse LU with partial
// pivoting. There is no size limit on that path.
//
// Any other operator, and rectangular matrices, take the dense path, for
// small systems and as an oracle: it forms the dense matrix from n products
// with A and refuses (ErrTooLarge) when a dimension exceeds DirectMaxDim.
//
//   - square and symmetric: Cholesky (gonum mat.Cholesky); if A is not
//     positive definite, LU;
//   - square otherwise: LU with partial pivoting (mat.LU);
//   - m > n: least squares min ‖b − A·x‖ by Householder QR (mat.QR);
//   - m < n: the minimum-norm solution by LQ (mat.LQ).
//
// A singular or rank-deficient matrix (on the dense path a reciprocal
// condition estimate below machine epsilon) gives an error wrapping
// ErrSingular (or ErrStructurallySingular), never NaN or Inf in X. A matrix
// with no rows or no columns gives x = 0 (the minimum-norm solution) with
// the residual b. On success Status is Converged, Iterations is 0,
// ResidualNorm is the recomputed ‖b − A·x‖₂ (for least squares, the minimal
// residual) and DirectStats says which factorisation ran, its fill and times.
func Direct(a matrix.Operator, b []float64) (*Result, error) {
	r, c := a.Dims()
	if len(b) != r {
		panic(fmt.Sprintf("linsolve: Direct: len(b) = %d, want %d", len(b), r))
	}
	if m, ok := a.(*matrix.CSR); ok && r == c {
		return DirectSparse(m.A, b, DirectSettings{})
	}
	t0 := time.Now()
	res, err := directDense(a, b)
	if res != nil {
		res.DirectStats.FactorTime = time.Since(t0)
		res.Time = res.DirectStats.FactorTime
	}
	return res, err
}

// directDense is the dense path of Direct.
func directDense(a matrix.Operator, b []float64) (*Result, error) {
	r, c := a.Dims()
	if r > DirectMaxDim || c > DirectMaxDim {
		return nil, fmt.Errorf("%w: %d×%d exceeds DirectMaxDim = %d; use an iterative method", ErrTooLarge, r, c, DirectMaxDim)
	}
	if err := checkFinite("b", b); err != nil {
		return nil, err
	}
	if r == 0 || c == 0 {
		// No equations or no unknowns (gonum has no 0×n matrices): the
		// minimum-norm solution is x = 0 and the residual is b.
		return &Result{X: make([]float64, c), Status: Converged, ResidualNorm: floats.Norm(b, 2)}, nil
	}
	d := denseOf(a)
	for i := 0; i < r; i++ {
		if err := checkFinite(fmt.Sprintf("A row %d", i), d.RawRowView(i)); err != nil {
			return nil, err
		}
	}
	x := mat.NewVecDense(c, nil)
	bv := mat.NewVecDense(r, append([]float64(nil), b...))
	var err error
	method := ""
	switch {
	case r == c && isSymDense(d):
		sym := mat.NewSymDense(r, nil)
		for i := 0; i < r; i++ {
			for j := i; j < r; j++ {
				sym.SetSym(i, j, d.At(i, j))
			}
		}
		var ch mat.Cholesky
		if ch.Factorize(sym) {
			method = "dense-cholesky"
			err = ch.SolveVecTo(x, bv)
			break
		}
		method = "dense-lu"
		err = luSolve(x, d, bv)
	case r == c:
		method = "dense-lu"
		err = luSolve(x, d, bv)
	case r > c:
		method = "dense-qr"
		var qr mat.QR
		qr.Factorize(d)
		err = qr.SolveVecTo(x, false, bv)
	default:
		method = "dense-lq"
		var lq mat.LQ
		lq.Factorize(d)
		err = lq.SolveVecTo(x, false, bv)
	}
	xs := x.RawVector().Data
	if err != nil || checkFinite("x", xs) != nil {
		if err == nil {
			err = errors.New("non-finite solution")
		}
		return nil, fmt.Errorf("%w: %d×%d: %v", ErrSingular, r, c, err)
	}
	res := &Result{X: xs, Status: Converged, BNorm: norm(b),
		DirectStats: &DirectStats{Method: method, N: c, NNZFactor: r * c}}
	rv := make([]float64, r)
	res.ResidualNorm = residual(rv, a, xs, b)
	return res, nil
}

func luSolve(x *mat.VecDense, d *mat.Dense, b *mat.VecDense) error {
	var lu mat.LU
	lu.Factorize(d)
	return lu.SolveVecTo(x, false, b)
}

// isSymDense reports whether d equals its transpose exactly.
func isSymDense(d *mat.Dense) bool {
	n, _ := d.Dims()
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if d.At(i, j) != d.At(j, i) {
				return false
			}
		}
	}
	return true
}

// denseOf forms A as a dense matrix column by column from products A·e_j.
func denseOf(a matrix.Operator) *mat.Dense {
	r, c := a.Dims()
	d := mat.NewDense(r, c, nil)
	e := make([]float64, c)
	col := make([]float64, r)
	for j := 0; j < c; j++ {
		e[j] = 1
		a.Apply(col, e)
		e[j] = 0
		d.SetCol(j, col)
	}
	return d
}
