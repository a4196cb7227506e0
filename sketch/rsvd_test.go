package sketch

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

// lowRankTest returns A = U·diag(σ)·Vᵀ (m×n) with orthonormal U, V of r
// columns, together with U.
func lowRankTest(m, n int, sigma []float64, rng *rand.Rand) (*mat.Dense, *mat.Dense) {
	r := len(sigma)
	u := orthonormal(m, r, rng)
	v := orthonormal(n, r, rng)
	us := mat.DenseCopyOf(u)
	for j := 0; j < r; j++ {
		for i := 0; i < m; i++ {
			us.Set(i, j, us.At(i, j)*sigma[j])
		}
	}
	var a mat.Dense
	a.Mul(us, v.T())
	return &a, u
}

// TestRandomizedSVD: 2000×1000 with σ_j = 0.8^j: the top 10 singular
// values to 1e-8 relative with q = 2 power iterations, and the range error
// ‖A − QQᵀA‖₂ between σ_{k+p+1} (optimal for rank k+p) and the HMT bound.
func TestRandomizedSVD(t *testing.T) {
	const m, n, r, k, p = 2000, 1000, 150, 10, 10
	sigma := make([]float64, r)
	for j := range sigma {
		sigma[j] = math.Pow(0.8, float64(j))
	}
	a, u := lowRankTest(m, n, sigma, newRNG(1))
	op := matrix.NewDense(a)
	res, err := SVD(op, k, SVDSettings{PowerIters: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < k; j++ {
		rel := math.Abs(res.S[j]-sigma[j]) / sigma[j]
		if rel > 1e-8 {
			t.Errorf("σ_%d = %.15g, want %.15g (rel %.2g)", j+1, res.S[j], sigma[j], rel)
		}
	}
	t.Logf("σ_10: %.15g vs %.15g", res.S[k-1], sigma[k-1])
	for _, q := range []int{0, 1, 2} {
		Q := RangeFinder(op, k+p, q, newRNG(uint64(q)))
		// (I − QQᵀ)A = (I − QQᵀ)·U·diag(σ)·Vᵀ, whose norm is that of (I − QQᵀ)U·diag(σ).
		var qtu, proj mat.Dense
		qtu.Mul(Q.T(), u)
		proj.Mul(Q, &qtu)
		e := mat.DenseCopyOf(u)
		e.Sub(e, &proj)
		for j := 0; j < r; j++ {
			for i := 0; i < m; i++ {
				e.Set(i, j, e.At(i, j)*sigma[j])
			}
		}
		var svd mat.SVD
		svd.Factorize(e, mat.SVDNone)
		err := svd.Values(nil)[0]
		bound := HMTBound(sigma[k], m, n, k, p, q)
		// A rank-(k+p) projection cannot beat σ_{k+p+1}.
		t.Logf("q=%d: ‖A − QQᵀA‖₂ = %.3e, σ_{k+p+1} = %.3e, HMT bound %.3e", q, err, sigma[k+p], bound)
		if err > bound || err < sigma[k+p]*(1-1e-12) {
			t.Errorf("q=%d: error %.3e outside [σ_{k+p+1}, bound] = [%.3e, %.3e]", q, err, sigma[k+p], bound)
		}
	}
}

// TestRandomizedSVDvsGonum compares with gonum's full SVD on a 300×200
// matrix with polynomially decaying spectrum: the rank-k error of the
// randomized SVD is within the HMT bound of the optimal σ_{k+1}.
func TestRandomizedSVDvsGonum(t *testing.T) {
	const m, n, k = 300, 200, 8
	sigma := make([]float64, n)
	for j := range sigma {
		sigma[j] = 1 / float64((j+1)*(j+1))
	}
	a, _ := lowRankTest(m, n, sigma, newRNG(2))
	var full mat.SVD
	full.Factorize(a, mat.SVDNone)
	exact := full.Values(nil)
	for _, q := range []int{-1, 1, 2} {
		res, err := SVD(matrix.NewDense(a), k, SVDSettings{PowerIters: q, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		var us, ak mat.Dense
		us.Mul(res.U, mat.NewDiagDense(k, res.S))
		ak.Mul(&us, res.V.T())
		var diff mat.Dense
		diff.Sub(a, &ak)
		var ds mat.SVD
		ds.Factorize(&diff, mat.SVDNone)
		e := ds.Values(nil)[0]
		qq := max(q, 0)
		// ‖A − U S Vᵀ‖ ≤ ‖A − QQᵀA‖ + σ_{k+1}-type truncation; HMT Thm 9.3
		// gives ‖A − [QQᵀA]_k‖ ≤ σ_{k+1} + ‖A − QQᵀA‖.
		bound := exact[k] + HMTBound(exact[k], m, n, k, 10, qq)
		t.Logf("q=%d: rank-%d error %.4e, optimal %.4e (ratio %.3f), bound %.3e; σ₁ %.3g vs %.3g", q, k, e, exact[k], e/exact[k], bound, res.S[0], exact[0])
		if e < exact[k]*(1-1e-10) || e > bound {
			t.Errorf("q=%d: error %.4e outside [%.4e, %.4e]", q, e, exact[k], bound)
		}
	}
}

func TestSVDBadInput(t *testing.T) {
	a := mat.NewDense(20, 10, nil)
	a.Set(3, 3, math.NaN())
	if _, err := SVD(matrix.NewDense(a), 2, SVDSettings{}); err == nil {
		t.Error("NaN in A: no error")
	}
}
