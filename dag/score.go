package dag

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Covariance returns the d×d sample covariance C = XcᵀXc/n of the column-centred
// data Xc = X − 1·meanᵀ (every reference code centres and does not
// standardise). X is not modified.
func Covariance(X mat.Matrix) *mat.Dense {
	n, d := X.Dims()
	Xc := mat.DenseCopyOf(X)
	centre(Xc)
	C := mat.NewDense(d, d, nil)
	C.Mul(Xc.T(), Xc)
	C.Scale(1/float64(n), C)
	return C
}

// centre subtracts the column means of X in place.
func centre(X *mat.Dense) {
	n, d := X.Dims()
	raw := X.RawMatrix()
	mean := make([]float64, d)
	for r := 0; r < n; r++ {
		row := raw.Data[r*raw.Stride : r*raw.Stride+d]
		for j, v := range row {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for r := 0; r < n; r++ {
		row := raw.Data[r*raw.Stride : r*raw.Stride+d]
		for j := range row {
			row[j] -= mean[j]
		}
	}
}

// residualCov returns R = (I−W)ᵀC(I−W), whose diagonal holds the mean squared
// residuals of every node: R_jj = (1/n)‖Xc_j − Xc w_j‖².
func residualCov(C, W mat.Matrix) *mat.Dense {
	d := square(C, "score")
	IW := iMinus(W, d)
	var CIW mat.Dense
	CIW.Mul(C, IW)
	R := mat.NewDense(d, d, nil)
	R.Mul(IW.T(), &CIW)
	return R
}

// iMinus returns I − W.
func iMinus(W mat.Matrix, d int) *mat.Dense {
	IW := mat.NewDense(d, d, nil)
	IW.Scale(-1, W)
	for i := 0; i < d; i++ {
		IW.Set(i, i, IW.At(i, i)+1)
	}
	return IW
}

// scoreGrad stores −C(I−W)·diag(scale) in grad (scale nil means 1).
func scoreGrad(grad *mat.Dense, C, W mat.Matrix, scale []float64) {
	d := square(C, "score")
	grad.Mul(C, iMinus(W, d))
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			s := 1.0
			if scale != nil {
				s = scale[j]
			}
			grad.Set(i, j, -grad.At(i, j)*s)
		}
	}
}

// LeastSquares is the least-squares score of NOTEARS, DAGMA and TOPO,
//
//	Q(W) = 1/(2n)·‖Xc − XcW‖²_F = ½·tr((I−W)ᵀC(I−W)),   ∇Q(W) = −C(I−W),
//
// evaluated from the covariance C (see Covariance). grad receives ∇Q when not nil.
func LeastSquares(grad *mat.Dense, C, W mat.Matrix) float64 {
	R := residualCov(C, W)
	if grad != nil {
		scoreGrad(grad, C, W, nil)
	}
	return 0.5 * mat.Trace(R)
}

// ScoreEV is the smooth part of the CoLiDE-EV score (equal noise variances),
//
//	S(W, σ) = tr((I−W)ᵀC(I−W))/(2σ) + dσ/2,   ∇_W S = −C(I−W)/σ,
//
// jointly convex in (W, σ > 0). The full score adds λ‖W‖₁.
func ScoreEV(grad *mat.Dense, C, W mat.Matrix, sigma float64) float64 {
	d := square(C, "ScoreEV")
	R := residualCov(C, W)
	if grad != nil {
		sc := make([]float64, d)
		for j := range sc {
			sc[j] = 1 / sigma
		}
		scoreGrad(grad, C, W, sc)
	}
	return mat.Trace(R)/(2*sigma) + float64(d)*sigma/2
}

// SigmaEV returns the σ that minimises ScoreEV for fixed W:
// σ̂ = sqrt(tr((I−W)ᵀC(I−W))/d).
func SigmaEV(C, W mat.Matrix) float64 {
	d := square(C, "SigmaEV")
	return math.Sqrt(mat.Trace(residualCov(C, W)) / float64(d))
}

// ScoreNV is the smooth part of the CoLiDE-NV score (one noise scale per node),
//
//	S(W, Σ) = ½·tr(Σ^{−1}(I−W)ᵀC(I−W)) + ½·tr(Σ),   ∇_W S = −C(I−W)Σ^{−1},
//
// with Σ = diag(sigma).
func ScoreNV(grad *mat.Dense, C, W mat.Matrix, sigma []float64) float64 {
	d := square(C, "ScoreNV")
	if len(sigma) != d {
		panic("dag: ScoreNV needs len(sigma) = d")
	}
	R := residualCov(C, W)
	sc := make([]float64, d)
	s := 0.0
	for j := range sc {
		sc[j] = 1 / sigma[j]
		s += R.At(j, j)/sigma[j] + sigma[j]
	}
	if grad != nil {
		scoreGrad(grad, C, W, sc)
	}
	return s / 2
}

// SigmaNV stores in dst (allocated when nil) the Σ that minimises ScoreNV for
// fixed W: σ̂_j = sqrt([(I−W)ᵀC(I−W)]_jj), the RMS residual of node j.
func SigmaNV(dst []float64, C, W mat.Matrix) []float64 {
	d := square(C, "SigmaNV")
	if dst == nil {
		dst = make([]float64, d)
	}
	R := residualCov(C, W)
	for j := range dst {
		dst[j] = math.Sqrt(R.At(j, j))
	}
	return dst
}
