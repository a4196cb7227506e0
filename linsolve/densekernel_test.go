package linsolve

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestGemmNT(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	var w gemmWork        // the default width
	w8 := gemmWork{nr: 8} // the AVX2 kernel even where AVX-512 is available
	for trial := 0; trial < 400; trial++ {
		m, n, k := rng.IntN(13), rng.IntN(11), rng.IntN(40)
		if trial%4 == 3 { // large enough for the packed kernel, across its block sizes
			m, n, k = 6+rng.IntN(200), 4+rng.IntN(150), 4+rng.IntN(600)
		}
		if trial == 399 {
			m, n, k = 1100, 1050, 9
		}
		lda, ldb, ldc := k+rng.IntN(3), k+rng.IntN(3), n+rng.IntN(3)
		a := randVec(rng, max(m*lda, 1))
		b := randVec(rng, max(n*ldb, 1))
		c := randVec(rng, max(m*ldc, 1))
		sign := []float64{-1, 0, 1}[rng.IntN(3)]
		lower := rng.IntN(2) == 0
		want := append([]float64(nil), c...)
		bound := make([]float64, len(c)) // |error| ≤ γ_{k+2}·(Σ|a·b| + |c|)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				if lower && j > i {
					continue
				}
				var s, sa float64
				for p := 0; p < k; p++ {
					s += a[i*lda+p] * b[j*ldb+p]
					sa += math.Abs(a[i*lda+p] * b[j*ldb+p])
				}
				bound[i*ldc+j] = 2 * float64(k+2) * 0x1p-52 * (sa + math.Abs(c[i*ldc+j]))
				if sign == 0 {
					want[i*ldc+j] = s
				} else {
					want[i*ldc+j] += sign * s
				}
			}
		}
		gw := &w
		if trial%2 == 0 {
			gw = nil
		} else if trial%8 == 7 {
			gw = &w8
		}
		gemmNT(gw, sign, m, n, k, a, lda, b, ldb, c, ldc, lower)
		for i := range c {
			if math.Abs(c[i]-want[i]) > bound[i] {
				t.Fatalf("trial %d (m=%d n=%d k=%d sign=%v lower=%v): c[%d] = %v, want %v", trial, m, n, k, sign, lower, i, c[i], want[i])
			}
		}
	}
	t.Logf("FMA kernel: %v", haveFMA)
}

// BenchmarkGemmNT: C −= A·Bᵀ for square blocks, the 4×2 dot-product path
// (no workspace) against the packed kernels (6×8 AVX2, 6×16 AVX-512); flop rate per process CPU second.
func BenchmarkGemmNT(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range []int{64, 256, 1024} {
		a := randVec(rng, sz*sz)
		bb := randVec(rng, sz*sz)
		c := make([]float64, sz*sz)
		for _, nr := range []int{0, 8, 16} {
			var w *gemmWork
			name := "dot"
			if nr > 0 {
				w, name = &gemmWork{nr: nr}, fmt.Sprintf("packed%d", nr)
			}
			if nr == 16 && !haveAVX512 {
				continue
			}
			b.Run(fmt.Sprintf("%d/%s", sz, name), func(b *testing.B) {
				c0 := cpuTime()
				for i := 0; i < b.N; i++ {
					gemmNT(w, -1, sz, sz, sz, a, sz, bb, sz, c, sz, false)
				}
				b.ReportMetric(2*float64(sz*sz*sz)*float64(b.N)/(cpuTime()-c0).Seconds()/1e9, "cpu-Gflop/s")
			})
		}
	}
}

// TestKern6xNA checks the micro-kernels in use (assembly on amd64 with FMA
// or AVX-512) and the portable one against the definition C (+)= A·Bᵀ on
// packed B, for both tile widths.
func TestKern6xNA(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	type kernel func(int, []float64, int, []float64, []float64, int, bool)
	goKern := func(nr int) kernel {
		return func(k int, a []float64, lda int, b, c []float64, ldc int, store bool) {
			kern6xNAGo(nr, k, a, lda, b, c, ldc, store)
		}
	}
	for _, nr := range []int{8, 16} {
		asm := kern6x8A
		if nr == 16 {
			asm = kern6x16A
		}
		for _, k := range []int{0, 1, 5, 64, 257} {
			lda, ldc := k+3, nr+3
			a := randVec(rng, max(6*lda, 1))
			bp := randVec(rng, max(nr*k, 1))
			c0 := randVec(rng, 6*ldc)
			for kc, kern := range []kernel{asm, goKern(nr), asm, goKern(nr)} {
				store := kc >= 2
				c := append([]float64(nil), c0...)
				kern(k, a, lda, bp, c, ldc, store)
				for r := 0; r < 6; r++ {
					for q := 0; q < ldc; q++ {
						want, sa := c0[r*ldc+q], math.Abs(c0[r*ldc+q])
						if store && q < nr {
							want, sa = 0, 0
						}
						if q < nr {
							for p := 0; p < k; p++ {
								want += a[r*lda+p] * bp[nr*p+q]
								sa += math.Abs(a[r*lda+p] * bp[nr*p+q])
							}
						}
						if math.Abs(c[r*ldc+q]-want) > 2*float64(k+2)*0x1p-52*sa {
							t.Fatalf("nr=%d k=%d store=%v kernel %d: c[%d][%d] = %v, want %v", nr, k, store, kc, r, q, c[r*ldc+q], want)
						}
					}
				}
			}
		}
	}
	t.Logf("AVX-512: %v, FMA: %v", haveAVX512, haveFMA)
}
