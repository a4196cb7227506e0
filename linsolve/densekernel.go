package linsolve

// gemmNT computes C ±= A·Bᵀ for row-major A (m×k, stride lda), B (n×k,
// stride ldb) and C (m×n, stride ldc): sign = −1 subtracts, +1 adds,
// 0 overwrites. With lower set only the entries C[i][j] with j ≤ i are
// touched (a symmetric rank-k update). On amd64 with FMA the 4×2 blocks
// run in the AVX2 kernel dot4x2FMA; the rest, and other CPUs, in Go.
//
// With a workspace w and a product large enough (usePacked) it runs the
// packed GEMM gemmPacked instead.
func gemmNT(w *gemmWork, sign float64, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, lower bool) {
	if m == 0 || n == 0 {
		return
	}
	if sign == 0 && w != nil && k > 0 && usePacked(m, n, k) {
		gemmPacked(w, 1, m, n, k, a, lda, b, ldb, c, ldc, lower, true)
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
	if w != nil && usePacked(m, n, k) {
		gemmPacked(w, sign, m, n, k, a, lda, b, ldb, c, ldc, lower, false)
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

// Packed GEMM (Goto–van de Geijn; BLIS's loop order). C ±= A·Bᵀ is
// computed in blocks: B in kc×nc slices packed (times the sign) into 8-row
// micro-panels, and every 6×8 tile of C by the register-blocked
// micro-kernel kern6x8A, which reads six rows of A in place (an mc×kc block
// of A stays in L2 while the nc/8 B micro-panels pass by it; rows of A are
// contiguous in k, so A needs no packing) and streams one B micro-panel
// (L1-resident) with twelve 4-lane accumulators.
const (
	gemmMR    = 6
	gemmNRMax = 16
	gemmKC    = 256
	gemmMC    = 96
	gemmNC    = 1024
)

// gemmWork holds the packing buffers of gemmPacked; the zero value is
// ready (the buffers are allocated on first use).
type gemmWork struct {
	bp    []float64
	aedge []float64 // the last rows of A (fewer than six), zero-padded
	tile  [gemmMR * gemmNRMax]float64
	// nr is the width of the micro-kernel: 16 (AVX-512, kern6x16A) or 8
	// (AVX2, kern6x8A); zero: 16 where AVX-512 is available.
	nr int
}

func (w *gemmWork) init() {
	if w.nr == 0 {
		w.nr = 8
		if haveAVX512 {
			w.nr = 16
		}
	}
	if w.bp == nil {
		w.bp = make([]float64, gemmKC*gemmNC)
		w.aedge = make([]float64, gemmMR*gemmKC)
	}
}

// usePacked reports whether gemmNT should take the packed path for an
// m×n×k product.
func usePacked(m, n, k int) bool {
	return haveFMA && k >= 4 && m >= gemmMR && n >= 4 && m*n*k >= 4096
}

// gemmPacked computes C += sign·A·Bᵀ (sign ±1) with the packed kernel, or
// C = sign·A·Bᵀ with overwrite (the first kc-slice stores instead of
// adding, so C needs no clearing); lower restricts the update to the
// entries C[i][j] with j ≤ i.
func gemmPacked(w *gemmWork, sign float64, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, lower, overwrite bool) {
	w.init()
	nr := w.nr
	if n <= 8 {
		nr = 8 // a 16-wide tile would be half padding
	}
	kern := kern6x8A
	if nr == 16 {
		kern = kern6x16A
	}
	for jc := 0; jc < n; jc += gemmNC {
		nb := min(gemmNC, n-jc)
		if lower && jc >= m {
			break
		}
		for pc := 0; pc < k; pc += gemmKC {
			kb := min(gemmKC, k-pc)
			store := overwrite && pc == 0
			packB(w.bp, b[jc*ldb+pc:], ldb, nb, kb, sign, nr)
			ic0 := 0
			if lower {
				ic0 = jc / gemmMR * gemmMR // rows above jc hold nothing
			}
			for ic := ic0; ic < m; ic += gemmMC {
				mb := min(gemmMC, m-ic)
				for jr := 0; jr < nb; jr += nr {
					j0 := jc + jr
					bpan := w.bp[jr*kb : (jr+nr)*kb]
					for ir := 0; ir < mb; ir += gemmMR {
						i0 := ic + ir
						if lower && j0 > i0+gemmMR-1 {
							continue
						}
						rn := min(gemmMR, mb-ir)
						arows, alda := a[i0*lda+pc:], lda
						if rn < gemmMR {
							clear(w.aedge)
							for r := 0; r < rn; r++ {
								copy(w.aedge[r*kb:(r+1)*kb], a[(i0+r)*lda+pc:(i0+r)*lda+pc+kb])
							}
							arows, alda = w.aedge, kb
						}
						if rn == gemmMR && jr+nr <= nb && (!lower || j0+nr-1 <= i0) {
							kern(kb, arows, alda, bpan, c[i0*ldc+j0:], ldc, store)
							continue
						}
						t := w.tile[:]
						clear(t)
						kern(kb, arows, alda, bpan, t, nr, true)
						for r := 0; r < rn; r++ {
							qn := min(nr, nb-jr)
							if lower {
								qn = min(qn, i0+r-j0+1)
							}
							if qn <= 0 {
								continue
							}
							crow := c[(i0+r)*ldc+j0 : (i0+r)*ldc+j0+qn]
							if store {
								copy(crow, t[r*nr:])
								continue
							}
							for q := range crow {
								crow[q] += t[r*nr+q]
							}
						}
					}
				}
			}
		}
	}
}

// packB copies the nb×kb block of B (stride ldb) times sign into nr-row
// micro-panels (panel jr/nr starts at jr·kb and holds B[jr+q][p] at
// nr·p+q), zero-padding the last panel.
func packB(dst, b []float64, ldb, nb, kb int, sign float64, nr int) {
	for jr := 0; jr < nb; jr += nr {
		pan := dst[jr*kb : (jr+nr)*kb]
		qn := min(nr, nb-jr)
		for q := 0; q < nr; q++ {
			if q >= qn {
				for p := 0; p < kb; p++ {
					pan[p*nr+q] = 0
				}
				continue
			}
			row := b[(jr+q)*ldb : (jr+q)*ldb+kb]
			for p, v := range row {
				pan[p*nr+q] = sign * v
			}
		}
	}
}

// kern6xNAGo is the portable micro-kernel for nr = 8 or 16:
// C[r][q] += Σ_p a[r·lda+p]·b[nr·p+q] (= with store), r < 6, q < nr.
func kern6xNAGo(nr, k int, a []float64, lda int, b, c []float64, ldc int, store bool) {
	var acc [gemmMR][gemmNRMax]float64
	b = b[:nr*k]
	for r := 0; r < gemmMR; r++ {
		ar := a[r*lda : r*lda+k]
		acr := acc[r][:nr]
		for p, av := range ar {
			bp := b[p*nr : p*nr+nr]
			for q, bv := range bp {
				acr[q] += av * bv
			}
		}
	}
	for r := 0; r < gemmMR; r++ {
		crow := c[r*ldc : r*ldc+nr]
		if store {
			copy(crow, acc[r][:nr])
			continue
		}
		for q := range crow {
			crow[q] += acc[r][q]
		}
	}
}
