package linsolve

import (
	"fmt"
	"math"
	"time"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// DirectMethod selects the factorisation DirectSparse uses.
type DirectMethod int

const (
	// DirectAuto chooses by the matrix: symmetric with a positive diagonal →
	// sparse Cholesky, falling back to LDLᵀ if A is not positive definite;
	// other symmetric → sparse LDLᵀ (falling back to LU if a 1×1 pivot is
	// zero); nonsymmetric → sparse LU; small dense systems (n ≤
	// DenseDirectMax, or at least 10% nonzeros and n ≤ DirectMaxDim) → the
	// dense LAPACK-style path of Direct.
	DirectAuto DirectMethod = iota
	// DirectCholesky is the sparse Cholesky factorisation (error if A is not
	// symmetric positive definite).
	DirectCholesky
	// DirectLDL is the sparse LDLᵀ factorisation with 1×1 pivots, reporting
	// the inertia (error if A is not symmetric or a pivot is zero).
	DirectLDL
	// DirectLU is the sparse LU factorisation with partial pivoting.
	DirectLU
	// DirectDense is the dense path (Cholesky/LU, QR, LQ) of Direct.
	DirectDense
)

var directMethodNames = [...]string{"direct", "cholesky", "ldl", "lu", "dense"}

func (m DirectMethod) String() string {
	if m >= 0 && int(m) < len(directMethodNames) {
		return directMethodNames[m]
	}
	return fmt.Sprintf("DirectMethod(%d)", int(m))
}

// ParseDirectMethod converts "direct" (or "auto"), "cholesky", "ldl", "lu"
// or "dense".
func ParseDirectMethod(s string) (DirectMethod, error) {
	if s == "auto" {
		return DirectAuto, nil
	}
	for i, name := range directMethodNames {
		if s == name {
			return DirectMethod(i), nil
		}
	}
	return 0, fmt.Errorf("linsolve: unknown direct method %q (want direct, cholesky, ldl, lu or dense)", s)
}

// DenseDirectMax is the order up to which DirectAuto uses the dense path
// whatever the density.
const DenseDirectMax = 64

// DirectSettings configures DirectSparse. The zero value chooses the
// factorisation by the matrix (DirectAuto) with each factorisation's
// default ordering (AMD) and settings.
type DirectSettings struct {
	// Method is the factorisation (default DirectAuto).
	Method DirectMethod
	// Ordering is the fill-reducing ordering by name: "" (default: AMD for
	// Cholesky and LDLᵀ, LUOrderAuto for LU), "amd", "rcm", "natural", and
	// for LU also "colamd" (AMD on AᵀA, see LUOrderColAMD) and "auto".
	Ordering string
	// LU configures the LU factorisation (its Ordering and ColPerm are
	// overridden by Ordering).
	LU LUSettings
}

// DirectStats describes the factorisation a direct solve used.
type DirectStats struct {
	// Method is the factorisation used: "cholesky", "ldl", "lu",
	// "dense-cholesky", "dense-lu", "dense-qr" or "dense-lq".
	Method string
	// Ordering is the fill-reducing ordering ("" for dense paths).
	Ordering string
	// N is the order (columns) and NNZA the stored entries of A.
	N, NNZA int
	// NNZFactor is the fill: nnz(L) for Cholesky and LDLᵀ, nnz(L)+nnz(U)−n
	// for LU (each counting its diagonal once), rows·cols for dense paths.
	NNZFactor int
	// OrderTime, FactorTime and SolveTime are the times of the ordering and
	// symbolic analysis, the numeric factorisation and the solve (with
	// refinement).
	OrderTime, FactorTime, SolveTime time.Duration
	// Inertia holds the numbers of positive, negative and zero pivots of
	// LDLᵀ (and of Cholesky: n positive), nil for LU and dense paths.
	Inertia *Inertia
	// OffDiagPivots counts LU pivots taken off the diagonal.
	OffDiagPivots int
	// Note says why a fallback happened ("" if none).
	Note string
}

// Inertia is the number of positive, negative and zero eigenvalues of a
// symmetric matrix, read from the signs of the pivots D of LDLᵀ (Sylvester's
// law of inertia).
type Inertia struct {
	Pos, Neg, Zero int
}

// DirectSparse solves the square sparse system A·x = b by a sparse direct
// factorisation chosen by s.Method (see DirectMethod), and returns the
// solution with the statistics of the factorisation (also in
// Result.DirectStats). The relative residual ‖b − A·x‖₂ is in
// Result.ResidualNorm (recomputed). Errors: a non-square A, NaN or Inf in A
// or b (ErrBadInput), a structurally or numerically singular A
// (ErrStructurallySingular, ErrSingular), a factorisation that does not
// apply (e.g. DirectCholesky on a matrix that is not positive definite).
func DirectSparse(a *sparse.CSR, b []float64, s DirectSettings) (*Result, error) {
	t0 := time.Now()
	res, err := directSparse(a, b, s)
	if res != nil {
		res.Time = time.Since(t0)
	}
	return res, err
}

func directSparse(a *sparse.CSR, b []float64, s DirectSettings) (*Result, error) {
	r, c := a.Dims()
	if len(b) != r {
		panic(fmt.Sprintf("linsolve: DirectSparse: len(b) = %d, want %d", len(b), r))
	}
	if r != c {
		return nil, fmt.Errorf("linsolve: DirectSparse: matrix is %d×%d, not square (use Direct for least squares)", r, c)
	}
	if err := checkFinite("b", b); err != nil {
		return nil, err
	}
	n := r
	if n == 0 {
		return &Result{X: []float64{}, Status: Converged, DirectStats: &DirectStats{Method: "none"}}, nil
	}
	nnz := a.RawMatrix().Indptr[n]
	method := s.Method
	if method == DirectAuto && (n <= DenseDirectMax || (n <= DirectMaxDim && 10*nnz >= n*n)) {
		method = DirectDense
	}
	var res *Result
	var err error
	switch method {
	case DirectDense:
		op := matrix.NewCSR(a)
		if n > DirectMaxDim {
			return nil, fmt.Errorf("%w: %d×%d exceeds DirectMaxDim = %d", ErrTooLarge, n, n, DirectMaxDim)
		}
		t0 := time.Now()
		res, err = directDense(op, b)
		if err != nil {
			return nil, err
		}
		res.DirectStats.FactorTime = time.Since(t0)
		res.DirectStats.NNZA = nnz
		return res, nil
	case DirectAuto:
		sym := isSymmetricCSR(a)
		if sym {
			res, err = directSymmetric(a, b, s, positiveDiagonal(a))
		} else {
			res, err = directLU(a, b, s, "")
		}
	case DirectCholesky, DirectLDL:
		if !isSymmetricCSR(a) {
			return nil, fmt.Errorf("linsolve: DirectSparse: %v needs a symmetric matrix (A ≠ Aᵀ); use lu", method)
		}
		res, err = directSymmetricOnly(a, b, s, method)
	case DirectLU:
		res, err = directLU(a, b, s, "")
	default:
		return nil, fmt.Errorf("linsolve: DirectSparse: unknown method %v", method)
	}
	if err != nil {
		return nil, err
	}
	res.BNorm = norm(b)
	rv := make([]float64, n)
	res.ResidualNorm = residual(rv, matrix.NewCSR(a), res.X, b)
	res.Status = Converged
	return res, nil
}

func luOrderingByName(name string) (LUOrdering, error) {
	if name == "" {
		return LUOrderAuto, nil
	}
	return ParseLUOrdering(name)
}

func directLU(a *sparse.CSR, b []float64, s DirectSettings, note string) (*Result, error) {
	set := s.LU
	set.ColPerm = nil
	ord, err := luOrderingByName(s.Ordering)
	if err != nil {
		return nil, err
	}
	set.Ordering = ord
	t0 := time.Now()
	f, err := FactorLU(a, set)
	if err != nil {
		return nil, err
	}
	total := time.Since(t0)
	st := f.Stats()
	t1 := time.Now()
	x, err := f.Solve(nil, b)
	if err != nil {
		return nil, err
	}
	ds := &DirectStats{Method: "lu", Ordering: st.Ordering.String(), N: st.N, NNZA: st.NNZA,
		NNZFactor: st.NNZL + st.NNZU - st.N, OrderTime: st.OrderTime, FactorTime: total - st.OrderTime,
		SolveTime: time.Since(t1), OffDiagPivots: st.OffDiagPivots, Note: note}
	return &Result{X: x, Status: Converged, DirectStats: ds}, nil
}

// isSymmetricCSR reports whether A = Aᵀ exactly (values and pattern,
// duplicates summed).
func isSymmetricCSR(a *sparse.CSR) bool {
	r, c := a.Dims()
	if r != c {
		return false
	}
	at := matrix.Transpose(a)
	ra, rt := a.RawMatrix(), at.RawMatrix()
	w := make([]float64, r)
	stamp := make([]int, r)
	for i := range stamp {
		stamp[i] = -1
	}
	for i := 0; i < r; i++ {
		// w = row i of A − row i of Aᵀ; symmetric iff it vanishes.
		for p := ra.Indptr[i]; p < ra.Indptr[i+1]; p++ {
			j := ra.Ind[p]
			if stamp[j] != i {
				stamp[j], w[j] = i, 0
			}
			w[j] += ra.Data[p]
		}
		for p := rt.Indptr[i]; p < rt.Indptr[i+1]; p++ {
			j := rt.Ind[p]
			if stamp[j] != i {
				stamp[j], w[j] = i, 0
			}
			w[j] -= rt.Data[p]
		}
		for p := ra.Indptr[i]; p < ra.Indptr[i+1]; p++ {
			if w[ra.Ind[p]] != 0 {
				return false
			}
		}
		for p := rt.Indptr[i]; p < rt.Indptr[i+1]; p++ {
			if w[rt.Ind[p]] != 0 {
				return false
			}
		}
	}
	return true
}

// positiveDiagonal reports whether every diagonal entry of A is > 0.
func positiveDiagonal(a *sparse.CSR) bool {
	d := matrix.Diagonal(nil, a)
	for _, v := range d {
		if !(v > 0) {
			return false
		}
	}
	return true
}

// finiteOrSingular checks a solution vector.
func finiteOrSingular(x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: non-finite solution component %d", ErrSingular, i)
		}
	}
	return nil
}
