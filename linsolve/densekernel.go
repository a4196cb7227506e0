package linsolve

// gemmNT computes C ±= A·Bᵀ for row-major A (m×k, stride lda), B (n×k,
// stride ldb) and C (m×n, stride ldc): sign = −1 subtracts, +1 adds,
// 0 overwrites. With lower set only the entries C[i][j] with j ≤ i are
// touched (a symmetric rank-k update). On amd64 with FMA the 4×2 blocks
// run in the AVX2 kernel dot4x2FMA; the rest, and other CPUs, in Go.
func gemmNT(sign float64, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, lower bool) {
	if m == 0 || n == 0 {
		return
	}
	if sign == 0 {
		for i := 0; i < m; i++ {
			jn := n
			if lower {
				jn = min(n, i+1)
			}
			clear(c[i*ldc : i*ldc+jn])
		}
		sign = 1
	}
	if k == 0 {
		return
	}
	var out [32]float64
	k4 := k &^ 3
	fast := haveFMA && k >= 8
	i := 0
	if fast {
		for ; i+4 <= m; i += 4 {
			jn := n
			if lower {
				jn = min(n, i+4)
			}
			j := 0
			for ; j+2 <= jn; j += 2 {
				dot4x2(a[i*lda:], lda, b[j*ldb:], ldb, k, &out)
				for r := 0; r < 4; r++ {
					ar := a[(i+r)*lda+k4 : (i+r)*lda+k]
					for q := 0; q < 2; q++ {
						if lower && j+q > i+r {
							continue
						}
						o := out[8*r+4*q : 8*r+4*q+4]
						s := (o[0] + o[1]) + (o[2] + o[3])
						br := b[(j+q)*ldb+k4 : (j+q)*ldb+k]
						for p, v := range ar {
							s += v * br[p]
						}
						c[(i+r)*ldc+j+q] += sign * s
					}
				}
			}
			for ; j < jn; j++ {
				br := b[j*ldb : j*ldb+k]
				for r := 0; r < 4; r++ {
					if lower && j > i+r {
						continue
					}
					c[(i+r)*ldc+j] += sign * dotGo(a[(i+r)*lda:(i+r)*lda+k], br)
				}
			}
		}
	}
	for ; i < m; i++ {
		ar := a[i*lda : i*lda+k]
		jn := n
		if lower {
			jn = min(n, i+1)
		}
		crow := c[i*ldc : i*ldc+jn]
		for j := range crow {
			crow[j] += sign * dotGo(ar, b[j*ldb:j*ldb+k])
		}
	}
}

func dotGo(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	p := 0
	for ; p+4 <= len(a); p += 4 {
		s0 += a[p] * b[p]
		s1 += a[p+1] * b[p+1]
		s2 += a[p+2] * b[p+2]
		s3 += a[p+3] * b[p+3]
	}
	for ; p < len(a); p++ {
		s0 += a[p] * b[p]
	}
	return (s0 + s1) + (s2 + s3)
}
