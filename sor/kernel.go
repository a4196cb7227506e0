package sor

import (
	"errors"
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
)

// ErrBadInput is wrapped by every error that comes from the data of a
// system or a sequence (zero diagonal, NaN, changing size, ω outside (0, 2)).
var ErrBadInput = errors.New("sor: bad input")

// split holds the raw CSR arrays of a square matrix A = L + D + U together
// with the position of every diagonal entry and the inverse diagonal. It
// aliases the arrays of the matrix it was built from; the diagonal is re-read
// by refresh (the heat sequence changes the values in place).
type split struct {
	n      int
	indptr []int
	ind    []int
	data   []float64
	dpos   []int     // index into data of a_ii
	dinv   []float64 // 1/a_ii
	sorted bool      // column indices increase along every row
	delta  []float64 // work vector of the fused SOR iteration
}

// reset points s at a (reusing its buffers) and checks that every diagonal
// entry is present, finite and nonzero.
func (s *split) reset(a *sparse.CSR) error {
	r, c := a.Dims()
	if r != c {
		return fmt.Errorf("%w: matrix is %d×%d, not square", ErrBadInput, r, c)
	}
	raw := a.RawMatrix()
	s.n = r
	s.indptr, s.ind, s.data = raw.Indptr, raw.Ind, raw.Data
	s.dpos = grow(s.dpos, r)
	s.dinv = growF(s.dinv, r)
	s.sorted = true
	for i := 0; i < r; i++ {
		s.dpos[i] = -1
		for k := s.indptr[i]; k < s.indptr[i+1]; k++ {
			if k > s.indptr[i] && s.ind[k] <= s.ind[k-1] {
				s.sorted = false
			}
			v := s.data[k]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: entry (%d,%d) is %v", ErrBadInput, i, s.ind[k], v)
			}
			if s.ind[k] == i {
				s.dpos[i] = k
			}
		}
		if s.dpos[i] < 0 || s.data[s.dpos[i]] == 0 {
			return fmt.Errorf("%w: zero diagonal entry in row %d", ErrBadInput, i)
		}
		s.dinv[i] = 1 / s.data[s.dpos[i]]
	}
	return nil
}

// forward performs one in-place forward SOR sweep
//
//	x_i ← x_i + ω (b_i − Σ_j a_ij x_j) / a_ii,  i = 1, …, n,
//
// which is x ← x + (D/ω + L)⁻¹ (b − A x) evaluated row by row.
func (s *split) forward(x, b []float64, omega float64) {
	if s.sorted {
		s.forwardSorted(x, b, omega, nil)
		return
	}
	x = x[:s.n]
	b = b[:s.n]
	for i := range x {
		x[i] += omega * (b[i] - s.rowDot(i, x)) * s.dinv[i]
	}
}

// rowDot returns Σ_j a_ij x_j.
func (s *split) rowDot(i int, x []float64) float64 {
	lo, hi := s.indptr[i], s.indptr[i+1]
	cols := s.ind[lo:hi]
	vals := s.data[lo:hi:hi]
	var sum float64
	for k, j := range cols {
		sum += vals[k] * x[j]
	}
	return sum
}

// forwardSorted is forward for rows with sorted columns. It accumulates the
// diagonal-and-upper part (old values, off the critical path) first and the
// strictly lower part (values updated earlier in this sweep) last, so the
// loop-carried dependency through x_{i−1} is two fused multiply-adds long.
// With rho != nil it also stores ρ_i = b_i − Σ_{j<i} a_ij x_j⁺ − Σ_{j≥i} a_ij x_j
// and, in s.delta, the update δ_i = ω ρ_i / a_ii.
func (s *split) forwardSorted(x, b []float64, omega float64, rho []float64) {
	indptr, ind, data, dinv, dpos := s.indptr, s.ind, s.data, s.dinv, s.dpos
	x = x[:s.n]
	b = b[:s.n]
	dpos = dpos[:s.n]
	dinv = dinv[:s.n]
	var delta []float64
	if rho != nil {
		rho = rho[:s.n]
		delta = s.delta[:s.n]
	}
	for i := range x {
		lo, d, hi := indptr[i], dpos[i], indptr[i+1]
		up := b[i]
		ucols := ind[d:hi]
		uvals := data[d:hi:hi]
		for k, j := range ucols {
			up -= uvals[k] * x[j]
		}
		var low float64
		lcols := ind[lo:d]
		lvals := data[lo:d:d]
		for k, j := range lcols {
			low += lvals[k] * x[j]
		}
		c := omega * dinv[i]
		r := up - low
		x[i] += c * r
		if rho != nil {
			rho[i] = r
			delta[i] = c * r
		}
	}
}

// sorIter performs one SOR iteration x ← x + (D/ω + L)⁻¹ r followed by
// r ← b − A x, and returns ‖r‖₂. For sorted rows it uses the identity
// r_i = (1−ω) ρ_i − Σ_{j>i} a_ij δ_j (ρ, δ from forwardSorted), which costs
// one pass over the upper triangle instead of a full product with A; it is
// the same residual up to rounding. Otherwise it sweeps and recomputes r.
func (s *split) sorIter(x, b, r []float64, omega float64) float64 {
	if !s.sorted {
		s.forward(x, b, omega)
		return s.residual(r, b, x)
	}
	s.delta = growF(s.delta, s.n)
	s.forwardSorted(x, b, omega, r)
	indptr, ind, data, dpos, delta := s.indptr, s.ind, s.data, s.dpos, s.delta
	r = r[:s.n]
	var ss float64
	f := 1 - omega
	for i := range r {
		d, hi := dpos[i]+1, indptr[i+1]
		sum := f * r[i]
		cols := ind[d:hi]
		vals := data[d:hi:hi]
		for k, j := range cols {
			sum -= vals[k] * delta[j]
		}
		r[i] = sum
		ss += sum * sum
	}
	return math.Sqrt(ss)
}

// backward is the same sweep in the order i = n, …, 1: x ← x + (D/ω + U)⁻¹(b − Ax).
func (s *split) backward(x, b []float64, omega float64) {
	x = x[:s.n]
	b = b[:s.n]
	for i := s.n - 1; i >= 0; i-- {
		x[i] += omega * (b[i] - s.rowDot(i, x)) * s.dinv[i]
	}
}

// residual sets r = b − A x and returns ‖r‖₂.
func (s *split) residual(r, b, x []float64) float64 {
	r = r[:s.n]
	b = b[:s.n]
	var ss float64
	for i := range r {
		v := b[i] - s.rowDot(i, x)
		r[i] = v
		ss += v * v
	}
	return math.Sqrt(ss)
}

// mul sets y = A x.
func (s *split) mul(y, x []float64) {
	y = y[:s.n]
	for i := range y {
		y[i] = s.rowDot(i, x)
	}
}

// ssorApply sets z = M⁻¹ r for the SSOR preconditioner in the form MATLAB's
// pcg(A, b, tol, maxit, M1, M2) applies it with M1 = (D+ωL)ᵀD⁻¹ and
// M2 = (D+ωL)/(ω(2−ω)):
//
//	y = M1 \ r = D (D + ωU)⁻¹ r          (backward substitution, U = Lᵀ)
//	z = M2 \ y = ω(2−ω) (D + ωL)⁻¹ y     (forward substitution)
//
// so M = (D+ωU) D⁻¹ (D+ωL) / (ω(2−ω)). For a symmetric A, U = Lᵀ.
func (s *split) ssorApply(z, r []float64, omega float64) {
	indptr, ind, data, dinv := s.indptr, s.ind, s.data, s.dinv
	n := s.n
	z = z[:n]
	r = r[:n]
	// Backward: (D + ωU) w = r, then y = D w; store y in z.
	for i := n - 1; i >= 0; i-- {
		sum := r[i]
		lo, hi := indptr[i], indptr[i+1]
		cols := ind[lo:hi]
		vals := data[lo:hi:hi]
		for k, j := range cols {
			if j > i {
				sum -= omega * vals[k] * z[j] * dinv[j]
			}
		}
		// z[j] holds y_j = d_j w_j for j > i, so w_j = y_j/d_j.
		z[i] = sum // y_i = d_i w_i = r_i − ω Σ_{j>i} a_ij w_j
	}
	// Forward: (D + ωL) z = y, then scale by ω(2−ω).
	c := omega * (2 - omega)
	for i := 0; i < n; i++ {
		sum := z[i]
		lo, hi := indptr[i], indptr[i+1]
		cols := ind[lo:hi]
		vals := data[lo:hi:hi]
		for k, j := range cols {
			if j < i {
				sum -= omega * vals[k] * z[j]
			}
		}
		z[i] = sum * dinv[i]
	}
	// z now holds (D+ωL)⁻¹ y without the factor; the factor is applied in
	// a separate pass only when it differs from 1 to keep the loop simple.
	if c != 1 {
		for i := range z {
			z[i] *= c
		}
	}
}

func grow(v []int, n int) []int {
	if cap(v) >= n {
		return v[:n]
	}
	return make([]int, n)
}

func growF(v []float64, n int) []float64 {
	if cap(v) >= n {
		return v[:n]
	}
	return make([]float64, n)
}

func nrm2(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func dot(a, b []float64) float64 {
	var s float64
	b = b[:len(a)]
	for i, x := range a {
		s += x * b[i]
	}
	return s
}
