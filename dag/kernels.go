package dag

import "math"

// Small dense kernels of the Adam inner loop (d up to a few hundred),
// row-major n×n slices with stride n. They replace gonum's BLAS/LAPACK calls
// there: for these sizes the call overhead of the general routines (and
// getri's column-oriented triangular steps on row-major data) cost more than
// the arithmetic. Nearly all flops go through axpy4 and axpy4x2, which add
// four scaled rows to one or two rows with fused multiply-adds, one product
// at a time in order of k; on amd64 with AVX and FMA they run four entries
// per instruction (kernels_amd64.s), elsewhere (and under the purego build
// tag) the Go loops with math.FMA give the same bits. These are specialised
// kernels, not duplicates of gonum's floats/blas64 BLAS-1 (which kkt uses for
// plain dot products, norms and axpys): four- and eight-way fused updates
// with a fixed FMA order that gonum does not offer.

// axpy4 sets dst[j] = fma(t3, x3[j], fma(t2, x2[j], fma(t1, x1[j], fma(t0, x0[j], dst[j]))));
// the x's must be at least as long as dst.
func axpy4(dst, x0, x1, x2, x3 []float64, t0, t1, t2, t3 float64) {
	n := len(dst)
	if haveAVX512 && n >= 1 {
		x0, x1, x2, x3 = x0[:n], x1[:n], x2[:n], x3[:n]
		axpy4Z(&dst[0], &x0[0], &x1[0], &x2[0], &x3[0], n, t0, t1, t2, t3)
		return
	}
	if haveFMA && n >= 4 {
		x0, x1, x2, x3 = x0[:n], x1[:n], x2[:n], x3[:n]
		axpy4FMA(&dst[0], &x0[0], &x1[0], &x2[0], &x3[0], n, t0, t1, t2, t3)
		return
	}
	axpy4Go(dst, x0, x1, x2, x3, t0, t1, t2, t3)
}

// axpy4Go is the portable loop of axpy4.
func axpy4Go(dst, x0, x1, x2, x3 []float64, t0, t1, t2, t3 float64) {
	x0, x1, x2, x3 = x0[:len(dst)], x1[:len(dst)], x2[:len(dst)], x3[:len(dst)]
	for j, o := range dst {
		o = math.FMA(t0, x0[j], o)
		o = math.FMA(t1, x1[j], o)
		o = math.FMA(t2, x2[j], o)
		o = math.FMA(t3, x3[j], o)
		dst[j] = o
	}
}

// axpy4x2 is axpy4 on two rows at once, d0 with the coefficients c[0:4] and
// d1 with c[4:8], sharing the loads of the x's; len(d1) = len(d0).
func axpy4x2(d0, d1, x0, x1, x2, x3 []float64, c *[8]float64) {
	n := len(d0)
	d1, x0, x1, x2, x3 = d1[:n], x0[:n], x1[:n], x2[:n], x3[:n]
	if haveAVX512 && n >= 1 {
		axpy4x2Z(&d0[0], &d1[0], &x0[0], &x1[0], &x2[0], &x3[0], n, c)
		return
	}
	if haveFMA && n >= 4 {
		axpy4x2FMA(&d0[0], &d1[0], &x0[0], &x1[0], &x2[0], &x3[0], n, c)
		return
	}
	axpy4x2Go(d0, d1, x0, x1, x2, x3, c)
}

// axpy4x2Go is the portable loop of axpy4x2.
func axpy4x2Go(d0, d1, x0, x1, x2, x3 []float64, c *[8]float64) {
	n := len(d0)
	d1, x0, x1, x2, x3 = d1[:n], x0[:n], x1[:n], x2[:n], x3[:n]
	for j := range d0 {
		o, p := d0[j], d1[j]
		o = math.FMA(c[0], x0[j], o)
		p = math.FMA(c[4], x0[j], p)
		o = math.FMA(c[1], x1[j], o)
		p = math.FMA(c[5], x1[j], p)
		o = math.FMA(c[2], x2[j], o)
		p = math.FMA(c[6], x2[j], p)
		o = math.FMA(c[3], x3[j], o)
		p = math.FMA(c[7], x3[j], p)
		d0[j], d1[j] = o, p
	}
}

// axpy sets dst[j] = fma(t, x[j], dst[j]); x must be at least as long as dst.
func axpy(dst, x []float64, t float64) {
	x = x[:len(dst)]
	if haveAVX512 && len(dst) >= 1 {
		axpy1Z(&dst[0], &x[0], len(dst), t)
		return
	}
	axpyGo(dst, x, t)
}

// axpyGo is the portable loop of axpy.
func axpyGo(dst, x []float64, t float64) {
	x = x[:len(dst)]
	for j, v := range x {
		dst[j] = math.FMA(t, v, dst[j])
	}
}

// mulSquare sets dst = a·b for n×n row-major matrices (dst must not overlap
// a or b): rows in pairs, four rows of b at a time, every entry summed in
// order of k (gonum's Dgemm order, fused).
func mulSquare(dst, a, b []float64, n int) {
	dst = dst[:n*n]
	i := 0
	if haveAVX512 && n >= 4 {
		a, b = a[:n*n], b[:n*n]
		// column blocks outermost: a block's 16 columns of b stay in L1
		// while the rows of a stream past them.
		i4 := n &^ 3
		for j := 0; j < n; j += 16 {
			m0, m1 := tileMasks(n - j)
			if m1 == 0 {
				for i := 0; i < i4; i += 4 {
					gemm4x8Z(&dst[i*n+j], &a[i*n], &b[j], n, n, m0)
				}
				continue
			}
			for i := 0; i < i4; i += 4 {
				gemm4x16Z(&dst[i*n+j], &a[i*n], &b[j], n, n, m0, m1)
			}
		}
		i = i4
	}
	clear(dst[i*n:])
	for ; i+1 < n; i += 2 {
		d0, d1 := dst[i*n:i*n+n], dst[i*n+n:i*n+2*n]
		a0, a1 := a[i*n:i*n+n], a[i*n+n:i*n+2*n]
		k := 0
		for ; k+3 < n; k += 4 {
			c := [8]float64{a0[k], a0[k+1], a0[k+2], a0[k+3], a1[k], a1[k+1], a1[k+2], a1[k+3]}
			axpy4x2(d0, d1, b[k*n:], b[k*n+n:], b[k*n+2*n:], b[k*n+3*n:], &c)
		}
		for ; k < n; k++ {
			axpy(d0, b[k*n:], a0[k])
			axpy(d1, b[k*n:], a1[k])
		}
	}
	if i < n {
		d0, a0 := dst[i*n:i*n+n], a[i*n:i*n+n]
		k := 0
		for ; k+3 < n; k += 4 {
			axpy4(d0, b[k*n:], b[k*n+n:], b[k*n+2*n:], b[k*n+3*n:], a0[k], a0[k+1], a0[k+2], a0[k+3])
		}
		for ; k < n; k++ {
			axpy(d0, b[k*n:], a0[k])
		}
	}
}

// safeMin is LAPACK's dlamch('S'): below it dgetf2 divides by the pivot
// instead of multiplying by its reciprocal.
const safeMin = 0x1p-1022

// luFactor computes the LU factorisation with partial pivoting P·A = L·U of
// the n×n row-major a in place (L unit lower, U upper) as LAPACK's dgetf2
// does it: the pivot of column k is the first entry of largest modulus on or
// below the diagonal, and every entry receives its updates −l_ik·u_kj one at
// a time in order of k (fused outside the panels of four columns). It works
// in blocks of luBlock columns (dgetrf's blocking): luPanel factors the
// block's columns, the block's rows of U to its right follow by forward
// substitution, and the trailing matrix takes the block's luBlock updates
// at once through subMul (4×16 register tiles with AVX-512). It returns
// false, leaving a partly factored, when a pivot is exactly zero.
func luFactor(a []float64, n int, ipiv []int) bool {
	a = a[:n*n]
	for b0 := 0; b0 < n; b0 += luBlock {
		b1 := min(b0+luBlock, n)
		if !luPanel(a, n, ipiv, b0, b1) {
			return false
		}
		if b1 == n {
			break
		}
		// rows b0..b1−1 of U right of the block: row r takes −l_rq·u_qj for
		// q = b0..r−1 in order (four rows at a time: the rows before them
		// through subMul, then among themselves).
		for r0 := b0; r0 < b1; r0 += 4 {
			r1 := min(r0+4, b1)
			subMul(a, a, a, n, r0, r1, b1, n, r0, b0, b0, r0-b0)
			fwdRows(a, n, r0, r1, b1, n)
		}
		subMul(a, a, a, n, b1, n, b1, n, b1, b0, b0, b1-b0)
	}
	return true
}

// fwdRows applies the unit-lower triangle of rows r0..r1−1 (columns
// r0..r1−1) to the same rows on the columns j0..j1−1: row r takes −l_rq times
// row q for q = r0..r−1 in order.
func fwdRows(a []float64, n, r0, r1, j0, j1 int) {
	for r := r0 + 1; r < r1; r++ {
		dst := a[r*n+j0 : r*n+j1]
		for q := r0; q < r; q++ {
			axpy(dst, a[q*n+j0:], -a[r*n+q])
		}
	}
}

// luBlock is the column-block width of luFactor.
const luBlock = 16

// luPanel is dgetf2 on the columns c0..c1−1 of a (rows c0..n−1), in panels
// of four columns: pivots are searched down the column and whole rows are
// interchanged; each panel's updates reach the columns up to c1 only.
func luPanel(a []float64, n int, ipiv []int, c0, c1 int) bool {
	for k0 := c0; k0 < c1; k0 += 4 {
		k1 := min(k0+4, c1)
		// panel: columns k0..k1−1, rows k0..n−1
		for k := k0; k < k1; k++ {
			p, mx := k, math.Abs(a[k*n+k])
			for i := k + 1; i < n; i++ {
				if v := math.Abs(a[i*n+k]); v > mx {
					p, mx = i, v
				}
			}
			ipiv[k] = p
			if a[p*n+k] == 0 {
				return false
			}
			if p != k {
				rk, rp := a[k*n:k*n+n], a[p*n:p*n+n]
				for j := range rk {
					rk[j], rp[j] = rp[j], rk[j]
				}
			}
			piv := a[k*n+k]
			r := 1 / piv
			small := math.Abs(piv) < safeMin
			uk := a[k*n+k+1 : k*n+k1]
			for i := k + 1; i < n; i++ {
				l := a[i*n+k]
				if small {
					l /= piv
				} else {
					l *= r
				}
				a[i*n+k] = l
				t, ri := -l, a[i*n+k+1:i*n+k1]
				switch len(uk) {
				case 3:
					ri[0] += t * uk[0]
					ri[1] += t * uk[1]
					ri[2] += t * uk[2]
				case 2:
					ri[0] += t * uk[0]
					ri[1] += t * uk[1]
				case 1:
					ri[0] += t * uk[0]
				}
			}
		}
		if k1 == c1 {
			break
		}
		// rows k0+1..k1−1 of U right of the panel: forward substitution with L11
		fwdRows(a, n, k0, k1, k1, c1)
		// trailing rows of the block: a_ij −= Σ_{q=k0}^{k1−1} l_iq·u_qj
		subMul(a, a, a, n, k1, n, k1, c1, k1, k0, k0, k1-k0)
	}
	return true
}

// luInvert overwrites the LU factors from luFactor with A^{−1} = U^{−1}·L^{−1}·P.
// It first forms Y = L^{−1} in y (full rows, zero above the diagonal), four
// rows at a time: the block's rows take −l_ik·Y_k for every k before the
// block through subMul (a column block J only from the k ≥ min J, where Y_k
// can be nonzero), then the terms of the block's own rows, in order of k.
// It then solves U·X = Y from the bottom, four rows at a time, each block
// overwriting its rows of a once its u_ik are saved in work: the rows take
// −u_ik·X_k for the k below the block through subMul, then for the k inside
// it (in order of k), and are scaled by 1/u_ii. Last it undoes the column
// interchanges in reverse order. y is n×n scratch; work needs 4n entries.
func luInvert(a []float64, n int, ipiv []int, y, work []float64) {
	a, y, work = a[:n*n], y[:n*n], work[:4*n]
	for i0 := 0; i0 < n; i0 += 4 {
		i1 := min(i0+4, n)
		for i := i0; i < i1; i++ {
			row := y[i*n : i*n+n]
			clear(row)
			row[i] = 1
		}
		for j0 := 0; j0 < i0; j0 += 16 {
			subMul(y, a, y, n, i0, i1, j0, min(j0+16, i0), i0, j0, j0, i0-j0)
		}
		for i := i0 + 1; i < i1; i++ {
			for k := i0; k < i; k++ {
				axpy(y[i*n:i*n+k+1], y[k*n:], -a[i*n+k])
			}
		}
	}
	for i1 := n; i1 > 0; i1 -= 4 {
		i0 := max(i1-4, 0)
		copy(work, a[i0*n:i1*n])
		copy(a[i0*n:i1*n], y[i0*n:i1*n])
		subMul(a, work, a, n, i0, i1, 0, n, 0, i1, i1, n-i1)
		for i := i1 - 1; i >= i0; i-- {
			row, u := a[i*n:i*n+n], work[(i-i0)*n:(i-i0)*n+n]
			for k := i + 1; k < i1; k++ {
				axpy(row, a[k*n:], -u[k])
			}
			scale(row, 1/u[i])
		}
	}
	for k := n - 1; k >= 0; k-- {
		if p := ipiv[k]; p != k {
			for i := 0; i < n; i++ {
				a[i*n+k], a[i*n+p] = a[i*n+p], a[i*n+k]
			}
		}
	}
}

// subMul sets dst_ij −= Σ_{q<kn} a[ai0+i−i0][ka+q]·b[kb+q][j] for rows
// i0 ≤ i < i1 and columns j0 ≤ j < j1 (all three row-major with stride n):
// every entry takes the products one at a time in order of q, fused. With
// AVX-512 rows go four at a time in 4×16 register tiles (gemmSub4x16Z),
// otherwise two at a time through axpy4x2; the bits are the same.
func subMul(dst, a, b []float64, n, i0, i1, j0, j1, ai0, ka, kb, kn int) {
	if kn <= 0 || i0 >= i1 || j0 >= j1 {
		return
	}
	_ = b[(kb+kn-1)*n+j1-1]
	i := i0
	if haveAVX512 {
		i4 := i0 + (i1-i0)&^3
		if i4 > i0 {
			_ = a[(i4-1-i0+ai0)*n+ka+kn-1]
			_ = dst[(i4-1)*n+j1-1]
		}
		for j := j0; j < j1; j += 16 {
			m0, m1 := tileMasks(j1 - j)
			if m1 == 0 {
				for i := i0; i < i4; i += 4 {
					gemmSub4x8Z(&dst[i*n+j], &a[(i-i0+ai0)*n+ka], &b[kb*n+j], n, kn, m0)
				}
				continue
			}
			for i := i0; i < i4; i += 4 {
				gemmSub4x16Z(&dst[i*n+j], &a[(i-i0+ai0)*n+ka], &b[kb*n+j], n, kn, m0, m1)
			}
		}
		i = i4
	}
	for ; i+1 < i1; i += 2 {
		d0, d1 := dst[i*n+j0:i*n+j1], dst[i*n+n+j0:i*n+n+j1]
		ar := (i-i0+ai0)*n + ka
		a0, a1 := a[ar:ar+kn], a[ar+n:ar+n+kn]
		q := 0
		for ; q+3 < kn; q += 4 {
			c := [8]float64{-a0[q], -a0[q+1], -a0[q+2], -a0[q+3], -a1[q], -a1[q+1], -a1[q+2], -a1[q+3]}
			br := (kb+q)*n + j0
			axpy4x2(d0, d1, b[br:], b[br+n:], b[br+2*n:], b[br+3*n:], &c)
		}
		for ; q < kn; q++ {
			axpy(d0, b[(kb+q)*n+j0:], -a0[q])
			axpy(d1, b[(kb+q)*n+j0:], -a1[q])
		}
	}
	if i < i1 {
		d := dst[i*n+j0 : i*n+j1]
		ar := (i-i0+ai0)*n + ka
		for q, l := range a[ar : ar+kn] {
			axpy(d, b[(kb+q)*n+j0:], -l)
		}
	}
}

// tileMasks returns the lane masks of a 16-column tile with r columns left.
func tileMasks(r int) (m0, m1 uint64) {
	switch {
	case r >= 16:
		return 0xff, 0xff
	case r > 8:
		return 0xff, 1<<(r-8) - 1
	default:
		return 1<<r - 1, 0
	}
}

// scale multiplies x by r.
func scale(x []float64, r float64) {
	if haveAVX512 && len(x) > 0 {
		scaleZ(&x[0], len(x), r)
		return
	}
	for j := range x {
		x[j] *= r
	}
}
