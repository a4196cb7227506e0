package sketch

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// IllConditioned returns a dense m×n test matrix G·diag(d) with G standard
// Gaussian and d log-spaced from 1 down to 1/cond, so that its condition
// number is within a factor (√m+√n)/(√m−√n) of cond, together with
// b = A·x* + noise·g (x*, g standard Gaussian). It is the test problem of the
// sketch-and-precondition experiments.
func IllConditioned(m, n int, cond, noise float64, rng *rand.Rand) (a *mat.Dense, b, xstar []float64) {
	a = mat.NewDense(m, n, nil)
	raw := a.RawMatrix()
	d := make([]float64, n)
	for j := range d {
		t := 0.0
		if n > 1 {
			t = float64(j) / float64(n-1)
		}
		d[j] = math.Pow(cond, -t)
	}
	for i := 0; i < m; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		for j := range row {
			row[j] = rng.NormFloat64() * d[j]
		}
	}
	xstar = make([]float64, n)
	for j := range xstar {
		xstar[j] = rng.NormFloat64()
	}
	b = make([]float64, m)
	matrixDenseMul(b, a, xstar)
	for i := range b {
		b[i] += noise * rng.NormFloat64()
	}
	return a, b, xstar
}

func matrixDenseMul(dst []float64, a *mat.Dense, x []float64) {
	m, n := a.Dims()
	raw := a.RawMatrix()
	for i := 0; i < m; i++ {
		var s float64
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		for j, v := range row {
			s += v * x[j]
		}
		dst[i] = s
	}
}
