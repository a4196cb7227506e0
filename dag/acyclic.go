package dag

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ErrDomain reports that sI − W∘W is not an M-matrix, so the log-determinant
// acyclicity function h_s is not defined (or not meaningful) at W.
var ErrDomain = errors.New("dag: sI − W∘W is not an M-matrix (W outside the log-det domain)")

// hadamardSq stores W∘W in dst.
func hadamardSq(dst *mat.Dense, W mat.Matrix) {
	d := square(W, "acyclicity")
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			w := W.At(i, j)
			dst.Set(i, j, w*w)
		}
	}
}

// gradTimesW stores 2·W∘Eᵀ in grad (allocating a d×d matrix when nil).
func gradTimesW(grad *mat.Dense, W, E mat.Matrix, d int) *mat.Dense {
	if grad == nil {
		grad = mat.NewDense(d, d, nil)
	}
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			grad.Set(i, j, 2*W.At(i, j)*E.At(j, i))
		}
	}
	return grad
}

// HExp is the NOTEARS acyclicity function (Zheng et al., NeurIPS 2018)
//
//	h(W) = tr(exp(W∘W)) − d,   ∇h(W) = 2·W∘exp(W∘W)ᵀ,
//
// computed with gonum's matrix exponential (mat.Dense.Exp). h(W) = 0 exactly
// when W is the weighted adjacency matrix of a DAG. When grad is not nil it
// receives ∇h (it must be d×d).
func HExp(grad *mat.Dense, W mat.Matrix) float64 {
	d := square(W, "HExp")
	A := mat.NewDense(d, d, nil)
	hadamardSq(A, W)
	var E mat.Dense
	E.Exp(A)
	if grad != nil {
		gradTimesW(grad, W, &E, d)
	}
	return mat.Trace(&E) - float64(d)
}

// HPoly is the polynomial acyclicity function of Yu et al. (DAG-GNN, ICML 2019)
//
//	h(W) = tr((I + W∘W/d)^d) − d,   ∇h(W) = 2·W∘((I + W∘W/d)^{d−1})ᵀ.
func HPoly(grad *mat.Dense, W mat.Matrix) float64 {
	d := square(W, "HPoly")
	B := mat.NewDense(d, d, nil)
	hadamardSq(B, W)
	B.Scale(1/float64(d), B)
	for i := 0; i < d; i++ {
		B.Set(i, i, B.At(i, i)+1)
	}
	var P mat.Dense
	P.Pow(B, d-1)
	if grad != nil {
		gradTimesW(grad, W, &P, d)
	}
	// tr(B^d) = Σ_ij P_ij B_ji
	h := 0.0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			h += P.At(i, j) * B.At(j, i)
		}
	}
	return h - float64(d)
}

// HLogDet is the log-determinant acyclicity function of DAGMA (Bello, Aragam,
// Ravikumar, NeurIPS 2022), used by CoLiDE:
//
//	h_s(W) = −log det(sI − W∘W) + d·log s,   ∇h_s(W) = 2·W∘(sI − W∘W)^{−T},
//
// defined on the set where sI − W∘W is an M-matrix. The domain test is the
// reference code's: every entry of (sI − W∘W)^{−1} + 1e−16 must be ≥ 0.
// Outside the domain HLogDet returns ErrDomain (and NaN).
func HLogDet(grad *mat.Dense, W mat.Matrix, s float64) (float64, error) {
	d := square(W, "HLogDet")
	A := mat.NewDense(d, d, nil)
	hadamardSq(A, W)
	A.Scale(-1, A)
	for i := 0; i < d; i++ {
		A.Set(i, i, A.At(i, i)+s)
	}
	raw := A.RawMatrix()
	ipiv := make([]int, d)
	logdet, inside := luInverse(raw.Data, d, ipiv, make([]float64, d*d), make([]float64, 4*d), 0)
	if !inside {
		return math.NaN(), ErrDomain
	}
	if grad != nil {
		gradTimesW(grad, W, A, d)
	}
	return -logdet + float64(d)*math.Log(s), nil
}

// luInverse overwrites the n×n row-major a with its inverse through LU with
// partial pivoting (luFactor, luInvert) and returns log|det a| and whether a
// is inside the M-matrix domain: nonsingular with every entry of the inverse
// + 1e−16 ≥ −tol. It allocates nothing: y is n×n scratch, len(ipiv) ≥ n,
// len(work) ≥ 4n.
func luInverse(a []float64, n int, ipiv []int, y, work []float64, tol float64) (logdet float64, ok bool) {
	return luInverseOpt(a, n, ipiv, y, work, tol, true)
}

// luInverseOpt is luInverse; without wantLogdet it skips the n logarithms
// and returns logdet = 0.
func luInverseOpt(a []float64, n int, ipiv []int, y, work []float64, tol float64, wantLogdet bool) (logdet float64, ok bool) {
	if !luFactor(a, n, ipiv) {
		return math.Inf(1), false
	}
	sign := 1.0
	for k := 0; k < n; k++ {
		u := a[k*n+k]
		if u < 0 {
			sign = -sign
		}
		if ipiv[k] != k {
			sign = -sign
		}
		if wantLogdet {
			logdet += math.Log(math.Abs(u))
		}
	}
	luInvert(a, n, ipiv, y, work)
	if !inDomain(a[:n*n], tol) {
		return logdet, false
	}
	// An M-matrix has a positive determinant; a negative one cannot pass the
	// entrywise test except through rounding, but guard anyway.
	return logdet, sign > 0
}

// inDomain reports whether every v in a has v + 1e−16 ≥ −tol and none is NaN.
func inDomain(a []float64, tol float64) bool {
	if haveAVX512 && len(a) > 0 {
		return domainZ(&a[0], len(a), -tol)
	}
	for _, v := range a {
		if v+1e-16 < -tol || math.IsNaN(v) {
			return false
		}
	}
	return true
}
