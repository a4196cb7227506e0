package dag

import "math"

// Small dense kernels of the Adam inner loop (d up to a few hundred),
// row-major n×n slices with stride n. They replace gonum's BLAS/LAPACK calls
// there: for these sizes the call overhead of the general routines (and
// getri's column-oriented triangular steps on row-major data) cost more than
// the arithmetic. The loops keep the order in which every entry is summed
// (one product added at a time, over k in increasing order), so mulSquare
// is bit-for-bit gonum's serial Dgemm and the LU is LAPACK's dgetf2.

// axpy4 adds t0·x0 + t1·x1 + t2·x2 + t3·x3 to dst, one product at a time in
// that order; the x's must be at least as long as dst. On amd64 with AVX it
// runs four entries per instruction (same roundings).
func axpy4(dst, x0, x1, x2, x3 []float64, t0, t1, t2, t3 float64) {
	n := len(dst)
	if haveAVX && n >= 4 {
		x0, x1, x2, x3 = x0[:n], x1[:n], x2[:n], x3[:n]
		axpy4AVX(&dst[0], &x0[0], &x1[0], &x2[0], &x3[0], n, t0, t1, t2, t3)
		return
	}
	axpy4Go(dst, x0, x1, x2, x3, t0, t1, t2, t3)
}

// axpy4Go is the portable loop of axpy4.
func axpy4Go(dst, x0, x1, x2, x3 []float64, t0, t1, t2, t3 float64) {
	x0, x1, x2, x3 = x0[:len(dst)], x1[:len(dst)], x2[:len(dst)], x3[:len(dst)]
	for j, o := range dst {
		o += t0 * x0[j]
		o += t1 * x1[j]
		o += t2 * x2[j]
		o += t3 * x3[j]
		dst[j] = o
	}
}

// axpy adds t·x to dst; x must be at least as long as dst.
func axpy(dst, x []float64, t float64) {
	x = x[:len(dst)]
	for j, v := range x {
		dst[j] += t * v
	}
}

// mulSquare sets dst = a·b for n×n row-major matrices (dst must not overlap
// a or b). Entry (i, j) is ((a_i0·b_0j + a_i1·b_1j) + …) summed in order of k,
// as in gonum's serial Dgemm, so the result is bit-for-bit gonum's.
func mulSquare(dst, a, b []float64, n int) {
	dst = dst[:n*n]
	clear(dst)
	for i := 0; i < n; i++ {
		d0, a0 := dst[i*n:i*n+n], a[i*n:i*n+n]
		k := 0
		for ; k+3 < n; k += 4 {
			axpy4(d0, b[k*n:k*n+n], b[k*n+n:k*n+2*n], b[k*n+2*n:k*n+3*n], b[k*n+3*n:k*n+4*n], a0[k], a0[k+1], a0[k+2], a0[k+3])
		}
		for ; k < n; k++ {
			axpy(d0, b[k*n:k*n+n], a0[k])
		}
	}
}

// safeMin is LAPACK's dlamch('S'): below it dgetf2 divides by the pivot
// instead of multiplying by its reciprocal.
const safeMin = 0x1p-1022

// luFactor computes the LU factorisation with partial pivoting P·A = L·U of
// the n×n row-major a in place (L unit lower, U upper) with the arithmetic of
// LAPACK's dgetf2: the pivot of column k is the first entry of largest
// modulus on or below the diagonal, and every entry receives its updates
// −l_ik·u_kj one at a time in order of k. The updates are applied in panels
// of four columns (the trailing rows get four at once through axpy4), which
// changes the order of the loops, not of the sums. It returns false, leaving
// a partly factored, when a pivot is exactly zero.
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
		// trailing rows: a_ij −= Σ_{q=k0}^{k1−1} l_iq·u_qj
		for i := k1; i < n; i++ {
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
// (axpy4). y is n×n scratch; work needs n entries.
func luInvert(a []float64, n int, ipiv []int, y, work []float64) {
	a, y, work = a[:n*n], y[:n*n], work[:n]
	for i := 0; i < n; i++ {
		row := y[i*n : i*n+n]
		clear(row)
		row[i] = 1
		l := a[i*n : i*n+i]
		dst := row[:i]
		k := 0
		for ; k+3 < i; k += 4 {
			axpy4(dst, y[k*n:], y[(k+1)*n:], y[(k+2)*n:], y[(k+3)*n:], -l[k], -l[k+1], -l[k+2], -l[k+3])
		}
		for ; k < i; k++ {
			axpy(dst, y[k*n:], -l[k])
		}
	}
	for i := n - 1; i >= 0; i-- {
		row := a[i*n : i*n+n]
		u := work[i:n]
		copy(u, row[i:])
		copy(row, y[i*n:i*n+n])
		k := i + 1
		for ; k+3 < n; k += 4 {
			axpy4(row, a[k*n:], a[(k+1)*n:], a[(k+2)*n:], a[(k+3)*n:], -u[k-i], -u[k-i+1], -u[k-i+2], -u[k-i+3])
		}
		for ; k < n; k++ {
			axpy(row, a[k*n:], -u[k-i])
		}
		r := 1 / u[0]
		for j := range row {
			row[j] *= r
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
