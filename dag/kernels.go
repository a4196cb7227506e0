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
// tag) the Go loops with math.FMA give the same bits.

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
		for ; i+3 < n; i += 4 {
			for j := 0; j < n; j += 16 {
				m0, m1 := uint64(0xff), uint64(0xff)
				if r := n - j; r < 16 {
					if r < 8 {
						m0, m1 = 1<<r-1, 0
					} else {
						m1 = 1<<(r-8) - 1
					}
				}
				gemm4x16Z(&dst[i*n+j], &a[i*n], &b[j], n, n, m0, m1)
			}
		}
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
// a time in order of k (fused outside the panel). The updates are applied in
// panels of four columns (the trailing rows get four at once, two rows at a
// time, through axpy4x2). It returns false, leaving a partly factored, when
// a pivot is exactly zero.
func luFactor(a []float64, n int, ipiv []int) bool {
	a = a[:n*n]
	for k0 := 0; k0 < n; k0 += 4 {
		k1 := min(k0+4, n)
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
		if k1 == n {
			break
		}
		// rows k0+1..k1−1 of U right of the panel: forward substitution with L11
		for r := k0 + 1; r < k1; r++ {
			dst := a[r*n+k1 : r*n+n]
			for q := k0; q < r; q++ {
				axpy(dst, a[q*n+k1:], -a[r*n+q])
			}
		}
		// trailing rows: a_ij −= Σ_{q=k0}^{k1−1} l_iq·u_qj, two rows at a time
		i := k1
		if k1-k0 == 4 {
			u0, u1, u2, u3 := a[k0*n+k1:], a[(k0+1)*n+k1:], a[(k0+2)*n+k1:], a[(k0+3)*n+k1:]
			for ; i+1 < n; i += 2 {
				l, m := a[i*n+k0:i*n+k1], a[i*n+n+k0:i*n+n+k1]
				c := [8]float64{-l[0], -l[1], -l[2], -l[3], -m[0], -m[1], -m[2], -m[3]}
				axpy4x2(a[i*n+k1:i*n+n], a[i*n+n+k1:i*n+2*n], u0, u1, u2, u3, &c)
			}
		}
		for ; i < n; i++ {
			dst, l := a[i*n+k1:i*n+n], a[i*n+k0:i*n+k1]
			if len(l) == 4 {
				axpy4(dst, a[k0*n+k1:], a[(k0+1)*n+k1:], a[(k0+2)*n+k1:], a[(k0+3)*n+k1:], -l[0], -l[1], -l[2], -l[3])
				continue
			}
			for q, lq := range l {
				axpy(dst, a[(k0+q)*n+k1:], -lq)
			}
		}
	}
	return true
}

// luInvert overwrites the LU factors from luFactor with A^{−1} = U^{−1}·L^{−1}·P.
// It first forms Y = L^{−1} in y (full rows, zero above the diagonal: row i
// is e_i − Σ_{k<i} l_ik·Y_k on its first i entries), then solves U·X = Y by
// rows from the bottom, X_i = (Y_i − Σ_{k>i} u_ik·X_k)/u_ii, each row of X
// overwriting row i of a once its u_ik are saved in work, and last undoes the
// column interchanges in reverse order. Both sweeps add four rows at a time
// (axpy4, axpy4x2). y is n×n scratch; work needs 2n entries.
func luInvert(a []float64, n int, ipiv []int, y, work []float64) {
	a, y, work = a[:n*n], y[:n*n], work[:2*n]
	// rows i and i+1 together on their first i+1 entries (Y_k is zero
	// there beyond k, so row i's unit diagonal is left as it is), then row
	// i+1 takes its term in Y_i.
	i := 0
	for ; i+1 < n; i += 2 {
		r0, r1 := y[i*n:i*n+n], y[i*n+n:i*n+2*n]
		clear(r0)
		clear(r1)
		r0[i], r1[i+1] = 1, 1
		l0, l1 := a[i*n:i*n+i], a[i*n+n:i*n+n+i+1]
		d0, d1 := r0[:i+1], r1[:i+1]
		k := 0
		for ; k+3 < i; k += 4 {
			c := [8]float64{-l0[k], -l0[k+1], -l0[k+2], -l0[k+3], -l1[k], -l1[k+1], -l1[k+2], -l1[k+3]}
			axpy4x2(d0, d1, y[k*n:], y[(k+1)*n:], y[(k+2)*n:], y[(k+3)*n:], &c)
		}
		for ; k < i; k++ {
			axpy(d0, y[k*n:], -l0[k])
			axpy(d1, y[k*n:], -l1[k])
		}
		axpy(d1, r0, -l1[i])
	}
	if i < n {
		row := y[i*n : i*n+n]
		clear(row)
		row[i] = 1
		l, dst := a[i*n:i*n+i], row[:i]
		k := 0
		for ; k+3 < i; k += 4 {
			axpy4(dst, y[k*n:], y[(k+1)*n:], y[(k+2)*n:], y[(k+3)*n:], -l[k], -l[k+1], -l[k+2], -l[k+3])
		}
		for ; k < i; k++ {
			axpy(dst, y[k*n:], -l[k])
		}
	}
	// rows i and i−1 together: both take Σ_{k>i} u·X_k, then row i is
	// scaled and row i−1 takes its term in X_i.
	i = n - 1
	for ; i >= 1; i -= 2 {
		r0, r1 := a[i*n:i*n+n], a[(i-1)*n:i*n]
		u0, u1 := work[i:n], work[n+i-1:2*n]
		copy(u0, r0[i:])
		copy(u1, r1[i-1:])
		copy(r0, y[i*n:i*n+n])
		copy(r1, y[(i-1)*n:i*n])
		k := i + 1
		for ; k+3 < n; k += 4 {
			c := [8]float64{-u0[k-i], -u0[k-i+1], -u0[k-i+2], -u0[k-i+3], -u1[k-i+1], -u1[k-i+2], -u1[k-i+3], -u1[k-i+4]}
			axpy4x2(r0, r1, a[k*n:], a[(k+1)*n:], a[(k+2)*n:], a[(k+3)*n:], &c)
		}
		for ; k < n; k++ {
			axpy(r0, a[k*n:], -u0[k-i])
			axpy(r1, a[k*n:], -u1[k-i+1])
		}
		scale(r0, 1/u0[0])
		axpy(r1, r0, -u1[1])
		scale(r1, 1/u1[0])
	}
	if i == 0 {
		row := a[:n]
		u := work[:n]
		copy(u, row)
		copy(row, y[:n])
		k := 1
		for ; k+3 < n; k += 4 {
			axpy4(row, a[k*n:], a[(k+1)*n:], a[(k+2)*n:], a[(k+3)*n:], -u[k], -u[k+1], -u[k+2], -u[k+3])
		}
		for ; k < n; k++ {
			axpy(row, a[k*n:], -u[k])
		}
		scale(row, 1/u[0])
	}
	for k := n - 1; k >= 0; k-- {
		if p := ipiv[k]; p != k {
			for i := 0; i < n; i++ {
				a[i*n+k], a[i*n+p] = a[i*n+p], a[i*n+k]
			}
		}
	}
}

// scale multiplies x by r.
func scale(x []float64, r float64) {
	for j := range x {
		x[j] *= r
	}
}
