package linsolve

import (
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
)

// LDLSettings configures the sparse LDLᵀ factorization. The zero value
// means: no signs (no regularization; a pivot with |dₖ| ≤ ZeroTol·‖A‖max
// is a zero pivot and the factorization reports the matrix singular),
// ZeroTol 1e-14, MaxRefine 10.
type LDLSettings struct {
	// Signs, if not nil, holds the expected sign (+1 or −1; 0 = unknown)
	// of the pivot of each row/column of A in the user's numbering — +1
	// for the (1,1) block of a KKT matrix [[H, Jᵀ],[J, −G]], −1 for the
	// (2,2) block. It enables static and dynamic regularization.
	Signs []int8
	// StaticReg δₛ ≥ 0 is added as sᵢ·δₛ to every pivot with a known
	// sign sᵢ (it makes [[H, Jᵀ],[J, 0]] with H ⪰ 0 quasi-definite).
	// Solve refines against the unregularized A.
	StaticReg float64
	// DynamicEps and DynamicDelta: a pivot with known sign s and
	// s·dₖ < DynamicEps is replaced by s·DynamicDelta and counted in
	// Regularized (defaults 1e-13 and 2e-7, Clarabel's).
	DynamicEps, DynamicDelta float64
	// ZeroTol: a pivot without a known sign is zero when
	// |dₖ| ≤ ZeroTol·max|aᵢⱼ| (default 1e-14; negative: only exact 0).
	ZeroTol float64
	// MaxRefine bounds the iterative-refinement steps of Solve
	// (default 10; negative: none).
	MaxRefine int
	// Method chooses the numeric kernel: LDLAuto (default) takes the
	// supernodal one when the factor is dense enough (flops/nnz(L) ≥ 40,
	// CHOLMOD's switch), else the up-looking simplicial one.
	Method LDLMethod
}

// LDLMethod selects the numeric LDLᵀ kernel; both give the same pivots
// up to rounding (same order, 1×1 pivots, same regularization).
type LDLMethod int

const (
	// LDLAuto: supernodal when Flops/NNZL ≥ 40, else simplicial.
	LDLAuto LDLMethod = iota
	// LDLSimplicial: up-looking, row by row (QDLDL's algorithm).
	LDLSimplicial
	// LDLSupernodal: left-looking supernodal with dense blocks.
	LDLSupernodal
)

// LDLFactor is a sparse LDLᵀ factorization P·(A+S)·Pᵀ = L·D·Lᵀ with unit
// lower-triangular L and diagonal D (1×1 pivots in the fill-reducing order,
// as QDLDL), where S is the diagonal regularization. It reports the
// inertia of the factored matrix. Make it with Symbolic.LDL; Refactor
// recomputes it for new values on the same pattern without allocating.
// An LDLFactor is not safe for concurrent use.
type LDLFactor struct {
	sym   *Symbolic
	set   LDLSettings
	cx    []float64 // values of C = triu(P·A·Pᵀ) (plus Shift on the diagonal)
	lp    []int     // column pointers of strict L
	li    []int32
	lx    []float64
	d     []float64
	dinv  []float64
	sign  []int8    // permuted signs (nil: none)
	shift []float64 // permuted diagonal shift (nil: none)

	y       []float64
	next    []int
	mark    []int
	pattern []int
	path    []int
	w1      []float64
	ref     *refiner

	anorm, amax, ztol    float64
	super                *superLDL // supernodal storage (nil: simplicial)
	pos, neg, zero, nreg int
	firstZero            int
	ok                   bool
}

// LDL computes the LDLᵀ factorization of a, which must have the pattern s
// was computed for. A zero pivot (see LDLSettings.ZeroTol) gives an error
// wrapping ErrSingular that names its column; the factor is still returned
// so that Inertia can be read (its zero count is then at least 1).
func (s *Symbolic) LDL(a *sparse.CSR, set LDLSettings) (*LDLFactor, error) {
	n := s.n
	if set.Signs != nil && len(set.Signs) != n {
		return nil, fmt.Errorf("linsolve: LDL: len(Signs) = %d, want %d", len(set.Signs), n)
	}
	if set.DynamicEps == 0 {
		set.DynamicEps = 1e-13
	}
	if set.DynamicDelta == 0 {
		set.DynamicDelta = 2e-7
	}
	if set.ZeroTol == 0 {
		set.ZeroTol = 1e-14
	}
	if set.MaxRefine == 0 {
		set.MaxRefine = 10
	}
	if set.StaticReg < 0 || set.DynamicDelta < 0 || math.IsNaN(set.StaticReg) {
		return nil, fmt.Errorf("linsolve: LDL: negative regularization (static %g, dynamic %g)", set.StaticReg, set.DynamicDelta)
	}
	f := &LDLFactor{
		sym:     s,
		set:     set,
		cx:      make([]float64, len(s.ci)),
		lp:      make([]int, n+1),
		d:       make([]float64, n),
		dinv:    make([]float64, n),
		y:       make([]float64, n),
		next:    make([]int, n),
		mark:    make([]int, n),
		pattern: make([]int, n),
		path:    make([]int, n),
		w1:      make([]float64, n),
		ref:     newRefiner(n),
	}
	useSuper := set.Method == LDLSupernodal || (set.Method == LDLAuto && s.flops >= 40*float64(s.lnz))
	if useSuper {
		f.super = newSuperLDL(s)
	} else {
		for j := 0; j < n; j++ {
			f.lp[j+1] = f.lp[j] + s.count[j] - 1
		}
		f.li = make([]int32, f.lp[n])
		f.lx = make([]float64, f.lp[n])
	}
	if set.Signs != nil {
		f.sign = make([]int8, n)
		for k, old := range s.perm {
			v := set.Signs[old]
			if v != 0 && v != 1 && v != -1 {
				return nil, fmt.Errorf("linsolve: LDL: Signs[%d] = %d, want −1, 0 or +1", old, v)
			}
			f.sign[k] = v
		}
	}
	return f, f.Refactor(a)
}

// SetShift sets a diagonal shift σ (user numbering, nil: none) added to
// A's diagonal from the next Refactor on: the factored and solved matrix is
// A + diag(σ) — the inertia-correction δ's of an interior-point method
// (σ = δw on the primal block, −δc on the dual block). Unlike StaticReg,
// the shift is part of the matrix Solve refines against. It allocates only
// the first time.
func (f *LDLFactor) SetShift(shift []float64) error {
	if shift == nil {
		f.shift = nil
		return nil
	}
	if len(shift) != f.sym.n {
		return fmt.Errorf("linsolve: LDLFactor.SetShift: len = %d, want %d", len(shift), f.sym.n)
	}
	if f.shift == nil {
		f.shift = make([]float64, f.sym.n)
	}
	for k, old := range f.sym.perm {
		v := shift[old]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("linsolve: LDLFactor.SetShift: shift[%d] = %v", old, v)
		}
		f.shift[k] = v
	}
	return nil
}

// Refactor recomputes the factorization for the values of a (same
// pattern, else an error wrapping ErrPatternChanged). It allocates nothing.
// A zero pivot gives an error wrapping ErrSingular naming its column.
func (f *LDLFactor) Refactor(a *sparse.CSR) error {
	f.ok = false
	s := f.sym
	if err := s.loadValues(f.cx, a); err != nil {
		return err
	}
	if f.shift != nil {
		for k, p := range s.cdiag {
			f.cx[p] += f.shift[k]
		}
	}
	f.amax = 0
	for _, v := range f.cx {
		f.amax = max(f.amax, math.Abs(v))
	}
	f.anorm = symNormInf(s, f.cx, f.w1)
	f.ztol = f.set.ZeroTol * f.amax
	if f.set.ZeroTol < 0 {
		f.ztol = 0
	}
	if f.super != nil {
		f.super.numeric(f)
	} else {
		f.numeric()
	}
	if f.zero > 0 {
		k := f.firstZero
		return fmt.Errorf("%w: zero pivot at column %d (original row/column %d) of the LDLᵀ factorization", ErrSingular, k, s.perm[k])
	}
	f.ok = true
	return nil
}

// numeric is the up-looking LDLᵀ (Davis 2005; QDLDL): row k of L solves
// L(0:k,0:k)·D·l = C(0:k,k) over the pattern given by the elimination tree
// (the union of the etree paths from the nonzeros of C(:,k) up to k):
//
//	y = C(0:k,k);  for i in pattern (topological order): L(k,i) = yᵢ/dᵢ,
//	    y_r −= L(r,i)·yᵢ for the computed entries of column i,
//	dₖ = c_kk − Σᵢ L(k,i)·yᵢ.
func (f *LDLFactor) numeric() {
	s := f.sym
	n := s.n
	f.pos, f.neg, f.zero, f.nreg = 0, 0, 0, 0
	f.firstZero = -1
	for i := 0; i < n; i++ {
		f.next[i] = f.lp[i]
		f.mark[i] = -1
	}
	y, li, lx := f.y, f.li, f.lx
	for k := 0; k < n; k++ {
		top := n
		f.mark[k] = k
		var dk float64
		for p := s.cp[k]; p < s.cp[k+1]; p++ {
			i := int(s.ci[p])
			if i == k {
				dk += f.cx[p]
				continue
			}
			y[i] += f.cx[p]
			ln := 0
			for ; f.mark[i] != k; i = s.parent[i] {
				f.path[ln] = i
				ln++
				f.mark[i] = k
			}
			for ln > 0 {
				top--
				ln--
				f.pattern[top] = f.path[ln]
			}
		}
		for _, i := range f.pattern[top:n] {
			yi := y[i]
			y[i] = 0
			for p := f.lp[i]; p < f.next[i]; p++ {
				y[li[p]] -= lx[p] * yi
			}
			lki := yi * f.dinv[i]
			dk -= yi * lki
			q := f.next[i]
			li[q] = int32(k)
			lx[q] = lki
			f.next[i] = q + 1
		}
		f.pivot(k, dk)
	}
}

// pivot applies the regularization rule to the computed pivot dₖ of
// column k and records it (d, dinv, inertia counts).
func (f *LDLFactor) pivot(k int, dk float64) {
	var sg int8
	if f.sign != nil {
		sg = f.sign[k]
	}
	if sg != 0 {
		dk += float64(sg) * f.set.StaticReg
		if float64(sg)*dk < f.set.DynamicEps {
			dk = float64(sg) * f.set.DynamicDelta
			f.nreg++
		}
	}
	switch {
	case sg == 0 && (math.Abs(dk) <= f.ztol || math.IsNaN(dk)):
		f.zero++
		if f.firstZero < 0 {
			f.firstZero = k
		}
		f.d[k] = 0
		f.dinv[k] = 0
		return
	case dk > 0:
		f.pos++
	default:
		f.neg++
	}
	f.d[k] = dk
	f.dinv[k] = 1 / dk
}

// Inertia returns the numbers of positive, negative and zero pivots of the
// last factorization: by Sylvester's law of inertia the eigenvalue sign
// counts of the factored matrix A + diag(shift) + regularization. After a
// singular factorization the zero count is the number of zero pivots met
// and the other counts refer to the remaining pivots.
func (f *LDLFactor) Inertia() (pos, neg, zero int) { return f.pos, f.neg, f.zero }

// Regularized returns the number of pivots replaced by dynamic
// regularization in the last factorization.
func (f *LDLFactor) Regularized() int { return f.nreg }

// D returns the pivots in the permuted order (do not modify).
func (f *LDLFactor) D() []float64 { return f.d }

// N returns the dimension.
func (f *LDLFactor) N() int { return f.sym.n }

// Symbolic returns the analysis the factor was computed with.
func (f *LDLFactor) Symbolic() *Symbolic { return f.sym }

// NNZL returns nnz(L) including the unit diagonal.
func (f *LDLFactor) NNZL() int64 { return f.sym.lnz }

// SolveStats returns the refinement steps, GMRES iterations and final
// normwise backward error ‖b − A·x‖∞/(‖A‖∞‖x‖∞ + ‖b‖∞) of the last Solve.
func (f *LDLFactor) SolveStats() (refine, gmres int, berr float64) {
	return f.ref.steps, f.ref.gmresIters, f.ref.berr
}

// solveOnce solves L·D·Lᵀ·x = x in the permuted numbering, in place.
func (f *LDLFactor) solveOnce(x []float64) {
	n := f.sym.n
	for j := 0; j < n; j++ {
		xj := x[j]
		if xj == 0 {
			continue
		}
		for p := f.lp[j]; p < f.lp[j+1]; p++ {
			x[f.li[p]] -= f.lx[p] * xj
		}
	}
	for j := 0; j < n; j++ {
		x[j] *= f.dinv[j]
	}
	for j := n - 1; j >= 0; j-- {
		v := x[j]
		for p := f.lp[j]; p < f.lp[j+1]; p++ {
			v -= f.lx[p] * x[f.li[p]]
		}
		x[j] = v
	}
}

// Solve sets dst = (A + diag(shift))⁻¹·b (dst may be nil or b), refining
// against the matrix without the static and dynamic regularization, and
// returns dst. It allocates nothing when dst is given. It returns an error
// after a singular factorization, when b holds NaN or Inf, when the
// solution overflows (ErrSingular), or when its backward error stays above
// √ε (ErrInaccurate; dst holds the best iterate).
func (f *LDLFactor) Solve(dst, b []float64) ([]float64, error) {
	n := f.sym.n
	if len(b) != n {
		panic(fmt.Sprintf("linsolve: LDLFactor.Solve: len(b) = %d, want %d", len(b), n))
	}
	if dst == nil {
		dst = make([]float64, n)
	}
	if len(dst) != n {
		panic("linsolve: LDLFactor.Solve: dst length mismatch")
	}
	if !f.ok {
		return dst, fmt.Errorf("%w: no valid LDLᵀ factorization", ErrSingular)
	}
	if err := checkFinite("b", b); err != nil {
		return dst, err
	}
	solve := f.solveOnce
	if f.super != nil {
		solve = f.super.solveFn
	}
	return dst, refineSolve(f.sym, f.cx, f.anorm, solve, dst, b, f.ref, max(f.set.MaxRefine, 0))
}
