package completion

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Synthetic draws a rank-k matrix M = X·Yᵀ with i.i.d. N(0, 1) factors
// (m×k and n×k) and observes each entry independently with probability p.
// It returns the observations and the true factors.
func Synthetic(rng *rand.Rand, m, n, k int, p float64) (*Observations, *mat.Dense, *mat.Dense) {
	if m < 1 || n < 1 || k < 1 || !(p > 0 && p <= 1) {
		panic("completion: Synthetic: invalid size or probability")
	}
	X := mat.NewDense(m, k, nil)
	Y := mat.NewDense(n, k, nil)
	for _, d := range [][]float64{X.RawMatrix().Data, Y.RawMatrix().Data} {
		for i := range d {
			d[i] = rng.NormFloat64()
		}
	}
	xr, yr := X.RawMatrix().Data, Y.RawMatrix().Data
	est := int(float64(m) * float64(n) * p * 1.05)
	rows, cols := make([]int, 0, est), make([]int, 0, est)
	vals := make([]float64, 0, est)
	// Geometric skipping draws the Bernoulli(p) pattern in O(|Ω|) time.
	total := int64(m) * int64(n)
	for idx := skip(rng, p) - 1; idx < total; idx += skip(rng, p) {
		i, j := int(idx/int64(n)), int(idx%int64(n))
		rows, cols = append(rows, i), append(cols, j)
		vals = append(vals, dotk(xr[i*k:i*k+k], yr[j*k:j*k+k]))
	}
	o, err := NewObservations(m, n, rows, cols, vals)
	if err != nil {
		panic("completion: Synthetic: " + err.Error())
	}
	return o, X, Y
}

// skip returns a Geometric(p) gap ≥ 1 between successive sampled positions.
func skip(rng *rand.Rand, p float64) int64 {
	if p >= 1 {
		return 1
	}
	u := rng.Float64()
	for u == 0 {
		u = rng.Float64()
	}
	return 1 + int64(logOf(u)/logOf(1-p))
}
