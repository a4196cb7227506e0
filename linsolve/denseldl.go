package linsolve

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
)

// DenseLDL is the Bunch–Kaufman factorization P·A·Pᵀ = L·D·Lᵀ of a dense
// symmetric (possibly indefinite) matrix A, with L unit lower triangular, D
// block diagonal with 1×1 and 2×2 blocks and P a permutation (Bunch &
// Kaufman, "Some stable methods for calculating inertia and solving
// symmetric linear systems", Math. Comp. 31 (1977) 163–179; Golub & Van
// Loan, Matrix Computations, 4th ed., §4.4.4). By Sylvester's law of
// inertia, D has as many positive, negative and zero eigenvalues as A,
// which Inertia reports; interior-point methods use it to correct the
// Newton matrix. gonum has no symmetric indefinite factorization, hence this
// one, meant for small systems (O(n³/3) flops, n² memory).
//
// A DenseLDL is reused across factorizations of the same size without
// allocating. The zero value is ready to use.
type DenseLDL struct {
	// ZeroTol: a 1×1 pivot with magnitude ≤ ZeroTol·r, with r the largest
	// magnitude in the pivot's row of A (so that badly scaled rows, as in
	// interior-point matrices, are judged on their own scale), is counted as
	// zero; a 2×2 pivot likewise by its determinant over its largest entry
	// and the larger of its two rows. Zero means the default n·ε (ε the
	// float64 machine epsilon).
	ZeroTol float64

	n              int
	a              []float64 // row-major n×n; lower triangle holds L and D
	perm           []int     // row i of P·A is row perm[i] of A
	block          []int8    // 1 for a 1×1 pivot, 2 for the first index of a 2×2 pivot, 0 for its second
	pos, neg, zero int
	col, work      []float64
	rowmax         []float64 // largest magnitude in each row of A, by original index
	ok             bool
}

// ErrSingularLDL is returned by DenseLDL.Solve when D has a zero pivot.
var ErrSingularLDL = errors.New("linsolve: LDLᵀ factor is singular")

// Factorize computes the factorization of the symmetric matrix a. It
// returns an error only when a contains NaN or Inf; a singular matrix
// factors (Inertia reports the zero pivots) but cannot be solved with.
func (f *DenseLDL) Factorize(a mat.Symmetric) error {
	n := a.SymmetricDim()
	f.resize(n)
	if s, ok := a.(*mat.SymDense); ok {
		raw := s.RawSymmetric()
		for i := range n {
			for j := i; j < n; j++ {
				f.a[j*n+i] = raw.Data[i*raw.Stride+j]
			}
		}
	} else {
		for i := range n {
			for j := 0; j <= i; j++ {
				f.a[i*n+j] = a.At(i, j)
			}
		}
	}
	return f.factor()
}

// FactorizeLower factors the n×n symmetric matrix whose lower triangle is
// given row-major in a (a[i*n+j] for j ≤ i; the upper triangle is not
// read). a is copied.
func (f *DenseLDL) FactorizeLower(n int, a []float64) error {
	if len(a) < n*n {
		panic("linsolve: FactorizeLower: len(a) < n*n")
	}
	f.resize(n)
	for i := range n {
		copy(f.a[i*n:i*n+i+1], a[i*n:i*n+i+1])
	}
	return f.factor()
}

func (f *DenseLDL) resize(n int) {
	f.n = n
	if cap(f.a) < n*n {
		f.a = make([]float64, n*n)
		f.perm = make([]int, n)
		f.block = make([]int8, n)
		f.col = make([]float64, 2*n)
		f.work = make([]float64, n)
		f.rowmax = make([]float64, n)
	}
	f.rowmax = f.rowmax[:n]
	f.a = f.a[:n*n]
	f.perm = f.perm[:n]
	f.block = f.block[:n]
	f.col = f.col[:2*n]
	f.work = f.work[:n]
}

// Inertia returns the numbers of positive, negative and zero eigenvalues of
// the last factored matrix.
func (f *DenseLDL) Inertia() (pos, neg, zero int) { return f.pos, f.neg, f.zero }

// Dim returns the order of the last factored matrix.
func (f *DenseLDL) Dim() int { return f.n }

// swap exchanges rows/columns k and r (k < r) of the symmetric matrix held
// in the lower triangle, and rows k and r of the computed part of L
// (columns < k).
func (f *DenseLDL) swap(k, r int) {
	n, a := f.n, f.a
	for j := range k {
		a[k*n+j], a[r*n+j] = a[r*n+j], a[k*n+j]
	}
	a[k*n+k], a[r*n+r] = a[r*n+r], a[k*n+k]
	for j := k + 1; j < r; j++ {
		a[j*n+k], a[r*n+j] = a[r*n+j], a[j*n+k]
	}
	for i := r + 1; i < n; i++ {
		a[i*n+k], a[i*n+r] = a[i*n+r], a[i*n+k]
	}
	f.perm[k], f.perm[r] = f.perm[r], f.perm[k]
}

func (f *DenseLDL) factor() error {
	n, a := f.n, f.a
	f.pos, f.neg, f.zero = 0, 0, 0
	f.ok = false
	rm := f.rowmax
	clear(rm)
	for i := range n {
		f.perm[i] = i
		for j := 0; j <= i; j++ {
			v := a[i*n+j]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return errors.New("linsolve: DenseLDL: matrix has a NaN or Inf entry")
			}
			v = math.Abs(v)
			rm[i] = max(rm[i], v)
			rm[j] = max(rm[j], v)
		}
	}
	rtol := f.ZeroTol
	if rtol == 0 {
		rtol = float64(max(n, 1)) * 0x1p-52
	}
	alpha := (1 + math.Sqrt(17)) / 8
	for k := 0; k < n; {
		akk := math.Abs(a[k*n+k])
		r, colmax := k, 0.0
		for i := k + 1; i < n; i++ {
			if v := math.Abs(a[i*n+k]); v > colmax {
				r, colmax = i, v
			}
		}
		size := 1
		tol := rtol * rm[f.perm[k]]
		if max(akk, colmax) <= tol {
			// The whole column is (numerically) zero: a zero pivot.
			a[k*n+k] = 0
			for i := k + 1; i < n; i++ {
				a[i*n+k] = 0
			}
			f.block[k] = 1
			f.zero++
			k++
			continue
		}
		if akk < alpha*colmax {
			rowmax := 0.0
			for j := k; j < r; j++ {
				rowmax = max(rowmax, math.Abs(a[r*n+j]))
			}
			for i := r + 1; i < n; i++ {
				rowmax = max(rowmax, math.Abs(a[i*n+r]))
			}
			switch {
			case akk*rowmax >= alpha*colmax*colmax:
				// 1×1 pivot, no interchange.
			case math.Abs(a[r*n+r]) >= alpha*rowmax:
				f.swap(k, r)
			default:
				size = 2
				if r != k+1 {
					f.swap(k+1, r)
				}
			}
		}
		if size == 1 {
			tol = rtol * rm[f.perm[k]]
			d := a[k*n+k]
			switch {
			case math.Abs(d) <= tol:
				f.zero++
			case d > 0:
				f.pos++
			default:
				f.neg++
			}
			f.block[k] = 1
			if d == 0 {
				k++
				continue
			}
			c := f.col[:n]
			for i := k + 1; i < n; i++ {
				c[i] = a[i*n+k]
				a[i*n+k] /= d
			}
			for i := k + 1; i < n; i++ {
				li := a[i*n+k]
				if li == 0 {
					continue
				}
				row := a[i*n : i*n+i+1]
				for j := k + 1; j <= i; j++ {
					row[j] -= li * c[j]
				}
			}
			k++
			continue
		}
		// 2×2 pivot on rows k, k+1.
		d11, d21, d22 := a[k*n+k], a[(k+1)*n+k], a[(k+1)*n+k+1]
		det := d11*d22 - d21*d21
		scale := max(math.Abs(d11), math.Abs(d22), math.Abs(d21))
		tol = rtol * max(rm[f.perm[k]], rm[f.perm[k+1]])
		switch {
		case math.Abs(det) <= tol*scale:
			// Numerically singular block: classify by its eigenvalues.
			tr := d11 + d22
			if math.Abs(tr) <= tol {
				f.zero += 2
			} else {
				f.zero++
				if tr > 0 {
					f.pos++
				} else {
					f.neg++
				}
			}
		case det < 0:
			f.pos++
			f.neg++
		case d11+d22 > 0:
			f.pos += 2
		default:
			f.neg += 2
		}
		f.block[k], f.block[k+1] = 2, 0
		if det == 0 {
			k += 2
			continue
		}
		c1, c2 := f.col[:n], f.col[n:2*n]
		for i := k + 2; i < n; i++ {
			x, y := a[i*n+k], a[i*n+k+1]
			c1[i], c2[i] = x, y
			// [l1 l2] = [x y]·D⁻¹.
			a[i*n+k] = (x*d22 - y*d21) / det
			a[i*n+k+1] = (y*d11 - x*d21) / det
		}
		for i := k + 2; i < n; i++ {
			l1, l2 := a[i*n+k], a[i*n+k+1]
			if l1 == 0 && l2 == 0 {
				continue
			}
			row := a[i*n : i*n+i+1]
			for j := k + 2; j <= i; j++ {
				row[j] -= l1*c1[j] + l2*c2[j]
			}
		}
		k += 2
	}
	f.ok = f.zero == 0
	return nil
}

// Solve sets dst = A⁻¹·b for the last factored A; dst and b may be the
// same slice. It returns ErrSingularLDL when the factor has a zero pivot.
func (f *DenseLDL) Solve(dst, b []float64) error {
	n, a := f.n, f.a
	if len(dst) != n || len(b) != n {
		panic("linsolve: DenseLDL.Solve: dimension mismatch")
	}
	if !f.ok {
		return ErrSingularLDL
	}
	w := f.work
	for i := range n {
		w[i] = b[f.perm[i]]
	}
	// L w = w.
	for i := range n {
		row := a[i*n : i*n+i]
		s := w[i]
		for j, l := range row {
			if f.block[j] == 2 && j+1 == i {
				continue // inside a 2×2 block: L has no entry there
			}
			s -= l * w[j]
		}
		w[i] = s
	}
	// D w = w.
	for k := 0; k < n; {
		if f.block[k] == 1 {
			w[k] /= a[k*n+k]
			k++
			continue
		}
		d11, d21, d22 := a[k*n+k], a[(k+1)*n+k], a[(k+1)*n+k+1]
		det := d11*d22 - d21*d21
		x, y := w[k], w[k+1]
		w[k] = (d22*x - d21*y) / det
		w[k+1] = (d11*y - d21*x) / det
		k += 2
	}
	// Lᵀ w = w.
	for i := n - 1; i >= 0; i-- {
		wi := w[i]
		if wi == 0 {
			continue
		}
		row := a[i*n : i*n+i]
		for j, l := range row {
			if f.block[j] == 2 && j+1 == i {
				continue
			}
			w[j] -= l * wi
		}
	}
	for i := range n {
		dst[f.perm[i]] = w[i]
	}
	return nil
}
