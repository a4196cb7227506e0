package linsolve

import (
	"fmt"
	"math"
	"slices"

	"github.com/james-bowman/sparse"
)

// JacobiPrecond is the diagonal preconditioner M = diag(A).
type JacobiPrecond struct {
	dinv []float64
}

// NewJacobiPrecond returns M = diag(A) for a square A. The error wraps
// ErrZeroPivot when a diagonal entry is zero.
func NewJacobiPrecond(a *sparse.CSR) (*JacobiPrecond, error) {
	checkSquare("NewJacobiPrecond", a)
	d, err := invDiag("NewJacobiPrecond", a)
	if err != nil {
		return nil, err
	}
	return &JacobiPrecond{dinv: d}, nil
}

// Precondition sets dst = D⁻¹·r. It allocates nothing.
func (p *JacobiPrecond) Precondition(dst, r []float64) {
	d := p.dinv
	dst, r = dst[:len(d)], r[:len(d)]
	for i, v := range d {
		dst[i] = v * r[i]
	}
}

// SSORPrecond is the symmetric SOR preconditioner
//
//	M = ω/(2−ω) · (D/ω + L)·(D/ω)⁻¹·(D/ω + U),   A = L + D + U,
//
// which is symmetric positive definite when A is and 0 < ω < 2 (Saad, §10.2).
type SSORPrecond struct {
	n           int
	indptr, ind []int // rows with sorted columns, duplicates summed
	data        []float64
	diag        []int     // position of a_ii in row i
	dw          []float64 // ω/a_ii
	scale       float64   // a_ii(2−ω)/ω² is applied as scale·a_ii·y_i
	d           []float64
}

// NewSSORPrecond returns the SSOR(ω) preconditioner of a square A,
// 0 < ω < 2 (ω outside panics). The error wraps ErrZeroPivot when a diagonal
// entry is zero.
func NewSSORPrecond(a *sparse.CSR, omega float64) (*SSORPrecond, error) {
	checkSquare("NewSSORPrecond", a)
	if !(omega > 0 && omega < 2) {
		panic(fmt.Sprintf("linsolve: NewSSORPrecond: ω = %v outside (0, 2)", omega))
	}
	indptr, ind, data := canonical(a)
	n := len(indptr) - 1
	diag, err := diagPositions("NewSSORPrecond", indptr, ind, data)
	if err != nil {
		return nil, err
	}
	p := &SSORPrecond{n: n, indptr: indptr, ind: ind, data: data, diag: diag,
		dw: make([]float64, n), d: make([]float64, n), scale: (2 - omega) / (omega * omega)}
	for i, k := range diag {
		p.d[i] = data[k]
		p.dw[i] = omega / data[k]
	}
	return p, nil
}

// Precondition sets dst = M⁻¹·r by a forward and a backward triangular
// sweep. It allocates nothing.
func (p *SSORPrecond) Precondition(dst, r []float64) {
	indptr, ind, data := p.indptr, p.ind, p.data
	dst, r = dst[:p.n], r[:p.n]
	for i := 0; i < p.n; i++ {
		s := r[i]
		for k := indptr[i]; k < p.diag[i]; k++ {
			s -= data[k] * dst[ind[k]]
		}
		dst[i] = s * p.dw[i]
	}
	for i := range dst {
		dst[i] *= p.scale * p.d[i]
	}
	for i := p.n - 1; i >= 0; i-- {
		s := dst[i]
		for k := p.diag[i] + 1; k < indptr[i+1]; k++ {
			s -= data[k] * dst[ind[k]]
		}
		dst[i] = s * p.dw[i]
	}
}

// IC0 is the incomplete Cholesky factorisation without fill, A ≈ L·Lᵀ with L
// lower triangular on the pattern of the lower triangle of A and
// (L·Lᵀ)_ij = a_ij for every (i, j) in that pattern (Saad, §10.3). Only the
// lower triangle of A is read; A is assumed symmetric.
type IC0 struct {
	n           int
	indptr, ind []int // rows of L, sorted, diagonal last
	data        []float64
	dinv        []float64 // 1/L_ii
}

// NewIC0 computes the IC(0) factor of the symmetric matrix a. The error
// wraps ErrZeroPivot when a pivot is zero or negative (IC(0) exists for
// M-matrices and diagonally dominant SPD matrices, not for every SPD
// matrix) or a diagonal entry is missing.
func NewIC0(a *sparse.CSR) (*IC0, error) {
	checkSquare("NewIC0", a)
	cp, ci, cd := canonical(a)
	n := len(cp) - 1
	indptr := make([]int, n+1)
	var ind []int
	var data []float64
	for i := 0; i < n; i++ {
		for k := cp[i]; k < cp[i+1] && ci[k] <= i; k++ {
			ind = append(ind, ci[k])
			data = append(data, cd[k])
		}
		indptr[i+1] = len(ind)
		if indptr[i+1] == indptr[i] || ind[indptr[i+1]-1] != i {
			return nil, fmt.Errorf("%w: NewIC0: diagonal entry a[%d,%d] is missing", ErrZeroPivot, i, i)
		}
	}
	p := &IC0{n: n, indptr: indptr, ind: ind, data: data, dinv: make([]float64, n)}
	for i := 0; i < n; i++ {
		di := indptr[i+1] - 1
		for kk := indptr[i]; kk < di; kk++ {
			k := ind[kk]
			// L_ik = (a_ik − Σ_{j<k} L_ij·L_kj)/L_kk, a sparse merge of rows i and k.
			s := data[kk]
			pi, pk, ek := indptr[i], indptr[k], indptr[k+1]-1
			for pi < kk && pk < ek {
				switch ji, jk := ind[pi], ind[pk]; {
				case ji == jk:
					s -= data[pi] * data[pk]
					pi++
					pk++
				case ji < jk:
					pi++
				default:
					pk++
				}
			}
			data[kk] = s * p.dinv[k]
		}
		s := data[di]
		for kk := indptr[i]; kk < di; kk++ {
			s -= data[kk] * data[kk]
		}
		if !(s > 0) || isBad(s) {
			return nil, fmt.Errorf("%w: NewIC0: pivot %d is %v (matrix not suitable for IC(0))", ErrZeroPivot, i, s)
		}
		data[di] = math.Sqrt(s)
		p.dinv[i] = 1 / data[di]
	}
	return p, nil
}

// L returns the factor L as a new CSR matrix.
func (p *IC0) L() *sparse.CSR {
	return sparse.NewCSR(p.n, p.n, slices.Clone(p.indptr), slices.Clone(p.ind), slices.Clone(p.data))
}

// Precondition sets dst = (L·Lᵀ)⁻¹·r by forward and backward substitution.
// It allocates nothing.
func (p *IC0) Precondition(dst, r []float64) {
	indptr, ind, data := p.indptr, p.ind, p.data
	dst, r = dst[:p.n], r[:p.n]
	for i := 0; i < p.n; i++ {
		s := r[i]
		di := indptr[i+1] - 1
		for k := indptr[i]; k < di; k++ {
			s -= data[k] * dst[ind[k]]
		}
		dst[i] = s * p.dinv[i]
	}
	// Lᵀ·z = y: row i of L is column i of Lᵀ.
	for i := p.n - 1; i >= 0; i-- {
		zi := dst[i] * p.dinv[i]
		dst[i] = zi
		di := indptr[i+1] - 1
		for k := indptr[i]; k < di; k++ {
			dst[ind[k]] -= data[k] * zi
		}
	}
}

// ILU0 is the incomplete LU factorisation without fill, A ≈ L·U with L unit
// lower and U upper triangular on the pattern of A and (L·U)_ij = a_ij for
// every (i, j) in the pattern (Saad, Alg. 10.4).
type ILU0 struct {
	n           int
	indptr, ind []int // L (strictly lower) and U (upper) share A's pattern
	data        []float64
	diag        []int
	uinv        []float64
}

// NewILU0 computes the ILU(0) factors of a square matrix. The error wraps
// ErrZeroPivot when a pivot is zero or a diagonal entry is missing.
func NewILU0(a *sparse.CSR) (*ILU0, error) {
	checkSquare("NewILU0", a)
	indptr, ind, data := canonical(a)
	n := len(indptr) - 1
	diag, err := diagPositions("NewILU0", indptr, ind, data)
	if err != nil {
		return nil, err
	}
	iw := make([]int, n)
	for i := range iw {
		iw[i] = -1
	}
	uinv := make([]float64, n)
	for i := 0; i < n; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			iw[ind[k]] = k
		}
		for kk := indptr[i]; kk < diag[i]; kk++ {
			k := ind[kk]
			lik := data[kk] * uinv[k]
			data[kk] = lik
			for jj := diag[k] + 1; jj < indptr[k+1]; jj++ {
				if pos := iw[ind[jj]]; pos >= 0 {
					data[pos] -= lik * data[jj]
				}
			}
		}
		u := data[diag[i]]
		if u == 0 || isBad(u) {
			return nil, fmt.Errorf("%w: NewILU0: pivot %d is %v", ErrZeroPivot, i, u)
		}
		uinv[i] = 1 / u
		for k := indptr[i]; k < indptr[i+1]; k++ {
			iw[ind[k]] = -1
		}
	}
	return &ILU0{n: n, indptr: indptr, ind: ind, data: data, diag: diag, uinv: uinv}, nil
}

// Factors returns L (with its unit diagonal stored) and U as new CSR matrices.
func (p *ILU0) Factors() (l, u *sparse.CSR) {
	lp, up := make([]int, p.n+1), make([]int, p.n+1)
	var li, ui []int
	var ld, ud []float64
	for i := 0; i < p.n; i++ {
		for k := p.indptr[i]; k < p.diag[i]; k++ {
			li, ld = append(li, p.ind[k]), append(ld, p.data[k])
		}
		li, ld = append(li, i), append(ld, 1)
		for k := p.diag[i]; k < p.indptr[i+1]; k++ {
			ui, ud = append(ui, p.ind[k]), append(ud, p.data[k])
		}
		lp[i+1], up[i+1] = len(li), len(ui)
	}
	return sparse.NewCSR(p.n, p.n, lp, li, ld), sparse.NewCSR(p.n, p.n, up, ui, ud)
}

// Precondition sets dst = (L·U)⁻¹·r by forward and backward substitution.
// It allocates nothing.
func (p *ILU0) Precondition(dst, r []float64) {
	indptr, ind, data := p.indptr, p.ind, p.data
	dst, r = dst[:p.n], r[:p.n]
	for i := 0; i < p.n; i++ {
		s := r[i]
		for k := indptr[i]; k < p.diag[i]; k++ {
			s -= data[k] * dst[ind[k]]
		}
		dst[i] = s
	}
	for i := p.n - 1; i >= 0; i-- {
		s := dst[i]
		for k := p.diag[i] + 1; k < indptr[i+1]; k++ {
			s -= data[k] * dst[ind[k]]
		}
		dst[i] = s * p.uinv[i]
	}
}

func checkSquare(op string, a *sparse.CSR) {
	if r, c := a.Dims(); r != c {
		panic(fmt.Sprintf("linsolve: %s: matrix is %d×%d, not square", op, r, c))
	}
}

// canonical returns a copy of the CSR arrays of a with the columns of each
// row sorted and duplicate entries summed.
func canonical(a *sparse.CSR) (indptr, ind []int, data []float64) {
	raw := a.RawMatrix()
	n, _ := a.Dims()
	indptr = make([]int, n+1)
	ind = make([]int, 0, raw.Indptr[n])
	data = make([]float64, 0, raw.Indptr[n])
	type ent struct {
		j int
		v float64
	}
	var row []ent
	for i := 0; i < n; i++ {
		row = row[:0]
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			row = append(row, ent{raw.Ind[k], raw.Data[k]})
		}
		slices.SortStableFunc(row, func(x, y ent) int { return x.j - y.j })
		for k, e := range row {
			if k > 0 && e.j == row[k-1].j {
				data[len(data)-1] += e.v
				continue
			}
			ind = append(ind, e.j)
			data = append(data, e.v)
		}
		indptr[i+1] = len(ind)
	}
	return
}

// diagPositions returns the position of a_ii in each (sorted) row, or an
// error naming a missing or zero diagonal entry.
func diagPositions(op string, indptr, ind []int, data []float64) ([]int, error) {
	n := len(indptr) - 1
	diag := make([]int, n)
	for i := 0; i < n; i++ {
		k, found := slices.BinarySearch(ind[indptr[i]:indptr[i+1]], i)
		if !found || data[indptr[i]+k] == 0 {
			return nil, fmt.Errorf("%w: %s: diagonal entry a[%d,%d] is zero", ErrZeroPivot, op, i, i)
		}
		if isBad(data[indptr[i]+k]) {
			return nil, fmt.Errorf("%w: %s: diagonal entry a[%d,%d] = %v", ErrBadInput, op, i, i, data[indptr[i]+k])
		}
		diag[i] = indptr[i] + k
	}
	return diag, nil
}
