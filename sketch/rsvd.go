package sketch

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

// RangeFinder returns an m×l matrix Q with orthonormal columns whose range
// approximates the dominant l-dimensional range of the m×n operator A, by the
// randomized subspace iteration of Halko, Martinsson & Tropp (2011,
// Algorithm 4.4): Y = A·Ω with Ω an n×l Gaussian matrix, Q = orth(Y), then q
// times Q = orth(A·orth(Aᵀ·Q)). Re-orthonormalising between products keeps
// the singular values below u·σ₁ from being lost. A is touched only through
// Apply and ApplyTrans ((2q+1)·l products); l ≤ min(m, n). Columns that
// become numerically dependent (A of rank < l) are returned as zeros.
func RangeFinder(a matrix.Operator, l, q int, rng *rand.Rand) *mat.Dense {
	m, n := a.Dims()
	if l < 1 || l > min(m, n) {
		panic(fmt.Sprintf("sketch: RangeFinder: l = %d outside [1, min(m, n) = %d]", l, min(m, n)))
	}
	omega := mat.NewDense(n, l, nil)
	raw := omega.RawMatrix()
	for i := range raw.Data {
		raw.Data[i] = rng.NormFloat64()
	}
	y := applyCols(nil, a, omega, false)
	work := make([]float64, l)
	orthonormalize(y, work)
	var z *mat.Dense
	for it := 0; it < q; it++ {
		z = applyCols(z, a, y, true)
		orthonormalize(z, work)
		y = applyCols(y, a, z, false)
		orthonormalize(y, work)
	}
	return y
}

// applyCols returns A·X (or Aᵀ·X) column by column.
func applyCols(dst *mat.Dense, a matrix.Operator, x *mat.Dense, trans bool) *mat.Dense {
	m, n := a.Dims()
	out, in := m, n
	if trans {
		out, in = n, m
	}
	_, l := x.Dims()
	if dst == nil {
		dst = mat.NewDense(out, l, nil)
	}
	xi := make([]float64, in)
	yo := make([]float64, out)
	for j := 0; j < l; j++ {
		mat.Col(xi, j, x)
		if trans {
			a.ApplyTrans(yo, xi)
		} else {
			a.Apply(yo, xi)
		}
		dst.SetCol(j, yo)
	}
	return dst
}

// SVDSettings configures SVD. The zero value gives the defaults.
type SVDSettings struct {
	// Oversample p: the sketch has l = k + p columns (default 10).
	Oversample int
	// PowerIters q (default 2; a negative value means none).
	PowerIters int
	// Seed seeds the Gaussian test matrix.
	Seed uint64
}

// SVDResult is a rank-k approximation A ≈ U·diag(S)·Vᵀ.
type SVDResult struct {
	U *mat.Dense // m×k, orthonormal columns
	S []float64  // k singular values, non-increasing
	V *mat.Dense // n×k, orthonormal columns
}

// SVD returns the randomized rank-k singular value decomposition of A
// (Halko, Martinsson & Tropp 2011, Algorithms 4.4 and 5.1): Q =
// RangeFinder(A, k + p, q), B = QᵀA (l×n, by l products with Aᵀ), the dense
// SVD B = Ũ Σ Vᵀ, and U = Q·Ũ, truncated to k. With probability at least
// 1 − 6·p^{−p} (the simplified deviation bound of HMT §1.5 for q = 0; for
// q > 0 the same bound applied to (AAᵀ)^q·A, whose singular values are
// σ_j^{2q+1}, with ‖(I − P)A‖ ≤ ‖(I − P)(AAᵀ)^q A‖^{1/(2q+1)}, HMT
// Proposition 8.6 and §10.4):
//
//	‖A − Q Qᵀ A‖₂ ≤ [1 + 11·√(k+p)·√min(m, n)]^{1/(2q+1)}·σ_{k+1},
//
// which HMTBound evaluates. k must satisfy k + p ≤ min(m, n); p is
// reduced when it does not fit.
//
// The error is non-nil (wrapping ErrBadInput) when the products of A
// contain NaN or Inf, so that the small dense SVD fails.
func SVD(a matrix.Operator, k int, set SVDSettings) (*SVDResult, error) {
	m, n := a.Dims()
	if k < 1 || k > min(m, n) {
		panic(fmt.Sprintf("sketch: SVD: k = %d outside [1, min(m, n) = %d]", k, min(m, n)))
	}
	p := set.Oversample
	if p <= 0 {
		p = 10
	}
	p = min(p, min(m, n)-k)
	q := set.PowerIters
	if q == 0 {
		q = 2
	}
	q = max(q, 0)
	rng := rand.New(rand.NewPCG(set.Seed, 0x72737664))
	l := k + p
	Q := RangeFinder(a, l, q, rng)
	bt := applyCols(nil, a, Q, true) // n×l = (QᵀA)ᵀ
	var svd mat.SVD
	if !svd.Factorize(bt, mat.SVDThin) {
		return nil, fmt.Errorf("%w: SVD: the dense SVD of QᵀA failed (NaN or Inf in A?)", ErrBadInput)
	}
	var ub, vb mat.Dense
	svd.UTo(&ub) // n×l: right singular vectors of B
	svd.VTo(&vb) // l×l: left singular vectors of B
	sv := svd.Values(nil)
	res := &SVDResult{S: sv[:k], U: mat.NewDense(m, k, nil), V: mat.NewDense(n, k, nil)}
	res.U.Mul(Q, vb.Slice(0, l, 0, k))
	res.V.Copy(ub.Slice(0, n, 0, k))
	return res, nil
}

// HMTBound returns [1 + 11·√(k+p)·√min(m, n)]^{1/(2q+1)}·σ_{k+1}, the HMT
// bound on ‖A − QQᵀA‖₂ for the randomized range finder with q power
// iterations, which holds with probability ≥ 1 − 6·p^{−p} (see SVD).
func HMTBound(sigmaK1 float64, m, n, k, p, q int) float64 {
	c := 1 + 11*math.Sqrt(float64(k+p))*math.Sqrt(float64(min(m, n)))
	return math.Pow(c, 1/float64(2*q+1)) * sigmaK1
}
