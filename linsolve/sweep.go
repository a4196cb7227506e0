package linsolve

import (
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
)

// Sweeper holds the splitting A = L + D + U of a square CSR matrix for the
// SOR-type sweeps: the raw arrays of A (aliased, not copied), the position
// of every diagonal entry and the inverse diagonal. It is the one SOR/SSOR
// kernel of kkt: SOR, SSOR and GaussSeidel run it, and so does package sor
// (the bandit-tuned relaxation of Khodak et al.). Its methods allocate
// nothing once the Sweeper is set up; Reset re-points it at a matrix of the
// same size reusing the buffers (a sequence of systems that changes the
// values of A in place needs a Reset to re-read the diagonal).
type Sweeper struct {
	n      int
	indptr []int
	ind    []int
	data   []float64
	dpos   []int     // index into data of a_ii (sorted rows)
	dinv   []float64 // 1/a_ii, duplicates summed
	sorted bool      // column indices strictly increase along every row
	delta  []float64 // work vector of the fused SOR step
}

// NewSweeper prepares a for sweeps; see Reset for the errors.
func NewSweeper(a *sparse.CSR) (*Sweeper, error) {
	w := &Sweeper{}
	if err := w.Reset(a); err != nil {
		return nil, err
	}
	return w, nil
}

// Reset points w at a, reusing its buffers. The error wraps ErrBadInput when
// a is not square or holds NaN or Inf, and ErrZeroPivot when a diagonal
// entry (duplicates summed) is zero or missing.
func (w *Sweeper) Reset(a *sparse.CSR) error {
	r, c := a.Dims()
	if r != c {
		return fmt.Errorf("%w: matrix is %d×%d, not square", ErrBadInput, r, c)
	}
	raw := a.RawMatrix()
	w.n = r
	w.indptr, w.ind, w.data = raw.Indptr, raw.Ind, raw.Data
	w.dpos = growInts(w.dpos, r)
	w.dinv = growFloats(w.dinv, r)
	w.sorted = true
	for i := 0; i < r; i++ {
		w.dpos[i] = -1
		var d float64
		for k := w.indptr[i]; k < w.indptr[i+1]; k++ {
			if k > w.indptr[i] && w.ind[k] <= w.ind[k-1] {
				w.sorted = false
			}
			v := w.data[k]
			if isBad(v) {
				return fmt.Errorf("%w: entry (%d,%d) is %v", ErrBadInput, i, w.ind[k], v)
			}
			if w.ind[k] == i {
				w.dpos[i] = k
				d += v
			}
		}
		if d == 0 {
			return fmt.Errorf("%w: zero diagonal entry in row %d", ErrZeroPivot, i)
		}
		w.dinv[i] = 1 / d
	}
	return nil
}

// N returns the order of A.
func (w *Sweeper) N() int { return w.n }

// CSR returns the raw arrays of A and the inverse diagonal 1/a_ii, for
// kernels built on the same splitting (package sor's SSOR preconditioner).
// They alias the Sweeper's storage and must not be modified.
func (w *Sweeper) CSR() (indptr, ind []int, data, dinv []float64) {
	return w.indptr, w.ind, w.data, w.dinv
}

func (w *Sweeper) check(op string, x, b []float64) {
	if len(x) != w.n || len(b) != w.n {
		panic(fmt.Sprintf("linsolve: Sweeper.%s: lengths %d, %d, want %d", op, len(x), len(b), w.n))
	}
}

// Forward performs one in-place forward SOR sweep
//
//	x_i ← x_i + ω (b_i − Σ_j a_ij x_j) / a_ii,  i = 1, …, n,
//
// which is x ← x + (D/ω + L)⁻¹ (b − A x) evaluated row by row.
func (w *Sweeper) Forward(x, b []float64, omega float64) {
	w.check("Forward", x, b)
	if w.sorted {
		w.forwardSorted(x, b, omega, nil)
		return
	}
	for i := range x {
		x[i] += omega * (b[i] - w.rowDot(i, x)) * w.dinv[i]
	}
}

// Backward is the same sweep in the order i = n, …, 1:
// x ← x + (D/ω + U)⁻¹(b − Ax).
func (w *Sweeper) Backward(x, b []float64, omega float64) {
	w.check("Backward", x, b)
	for i := w.n - 1; i >= 0; i-- {
		x[i] += omega * (b[i] - w.rowDot(i, x)) * w.dinv[i]
	}
}

// rowDot returns Σ_j a_ij x_j.
func (w *Sweeper) rowDot(i int, x []float64) float64 {
	lo, hi := w.indptr[i], w.indptr[i+1]
	cols := w.ind[lo:hi]
	vals := w.data[lo:hi:hi]
	var sum float64
	for k, j := range cols {
		sum += vals[k] * x[j]
	}
	return sum
}

// forwardSorted is Forward for rows with sorted columns. It accumulates the
// diagonal-and-upper part (old values, off the critical path) first and the
// strictly lower part (values updated earlier in this sweep) last, so the
// loop-carried dependency through x_{i−1} is two fused multiply-adds long.
// With rho != nil it also stores ρ_i = b_i − Σ_{j<i} a_ij x_j⁺ − Σ_{j≥i} a_ij x_j
// and, in w.delta, the update δ_i = ω ρ_i / a_ii.
func (w *Sweeper) forwardSorted(x, b []float64, omega float64, rho []float64) {
	indptr, ind, data, dinv, dpos := w.indptr, w.ind, w.data, w.dinv, w.dpos
	x = x[:w.n]
	b = b[:w.n]
	dpos = dpos[:w.n]
	dinv = dinv[:w.n]
	var delta []float64
	if rho != nil {
		rho = rho[:w.n]
		delta = w.delta[:w.n]
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

// SORStep performs one SOR iteration x ← x + (D/ω + L)⁻¹ r followed by
// r ← b − A x, and returns ‖r‖₂. For sorted rows it uses the identity
// r_i = (1−ω) ρ_i − Σ_{j>i} a_ij δ_j (ρ, δ from the sweep), which costs one
// pass over the upper triangle instead of a full product with A; it is the
// same residual up to rounding. Otherwise it sweeps and recomputes r.
func (w *Sweeper) SORStep(x, b, r []float64, omega float64) float64 {
	w.check("SORStep", x, b)
	if !w.sorted {
		w.Forward(x, b, omega)
		return w.Residual(r, b, x)
	}
	w.delta = growFloats(w.delta, w.n)
	w.forwardSorted(x, b, omega, r)
	indptr, ind, data, dpos, delta := w.indptr, w.ind, w.data, w.dpos, w.delta
	r = r[:w.n]
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

// Residual sets r = b − A x and returns ‖r‖₂ (the plain sum of squares).
func (w *Sweeper) Residual(r, b, x []float64) float64 {
	r = r[:w.n]
	b = b[:w.n]
	var ss float64
	for i := range r {
		v := b[i] - w.rowDot(i, x)
		r[i] = v
		ss += v * v
	}
	return math.Sqrt(ss)
}

// Mul sets y = A x.
func (w *Sweeper) Mul(y, x []float64) {
	y = y[:w.n]
	for i := range y {
		y[i] = w.rowDot(i, x)
	}
}

func growInts(v []int, n int) []int {
	if cap(v) >= n {
		return v[:n]
	}
	return make([]int, n)
}

func growFloats(v []float64, n int) []float64 {
	if cap(v) >= n {
		return v[:n]
	}
	return make([]float64, n)
}
