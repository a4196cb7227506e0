package linsolve

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestGemmNT(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for trial := 0; trial < 300; trial++ {
		m, n, k := rng.IntN(13), rng.IntN(11), rng.IntN(40)
		lda, ldb, ldc := k+rng.IntN(3), k+rng.IntN(3), n+rng.IntN(3)
		a := randVec(rng, max(m*lda, 1))
		b := randVec(rng, max(n*ldb, 1))
		c := randVec(rng, max(m*ldc, 1))
		sign := []float64{-1, 0, 1}[rng.IntN(3)]
		lower := rng.IntN(2) == 0
		want := append([]float64(nil), c...)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				if lower && j > i {
					continue
				}
				var s float64
				for p := 0; p < k; p++ {
					s += a[i*lda+p] * b[j*ldb+p]
				}
				if sign == 0 {
					want[i*ldc+j] = s
				} else {
					want[i*ldc+j] += sign * s
				}
			}
		}
		gemmNT(sign, m, n, k, a, lda, b, ldb, c, ldc, lower)
		for i := range c {
			if math.Abs(c[i]-want[i]) > 1e-12*(1+math.Abs(want[i])) {
				t.Fatalf("trial %d (m=%d n=%d k=%d sign=%v lower=%v): c[%d] = %v, want %v", trial, m, n, k, sign, lower, i, c[i], want[i])
			}
		}
	}
	t.Logf("FMA kernel: %v", haveFMA)
}
