package linsolve

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/james-bowman/sparse"
)

// ErrStructurallySingular is wrapped by the error FactorLU returns when the
// sparsity pattern of A admits no perfect matching between rows and columns
// (an empty row or column, or k columns whose entries all lie in fewer than
// k rows), so that A is singular whatever its values.
var ErrStructurallySingular = errors.New("linsolve: structurally singular matrix")

// ErrPivotTooSmall is wrapped by the error LU.Refactor returns, when
// LUSettings.NoFallback is set, if a reused pivot fails the threshold test
// on the new values.
var ErrPivotTooSmall = errors.New("linsolve: reused pivot too small")

// RowScaling selects the row scaling applied before LU factorisation.
type RowScaling int

const (
	// ScaleMax divides each row by its largest absolute entry (the default,
	// KLU's scale = 2).
	ScaleMax RowScaling = iota
	// ScaleNone factors A unscaled.
	ScaleNone
	// ScaleSum divides each row by the sum of its absolute entries (KLU's
	// scale = 1).
	ScaleSum
)

// DefaultPivotTol is the default threshold u of LU's partial pivoting.
const DefaultPivotTol = 0.1

// DefaultLURefine is the default bound on iterative-refinement steps in
// LU.Solve and LU.SolveTrans.
const DefaultLURefine = 4

// LUSettings configures FactorLU. The zero value means: pivot threshold
// DefaultPivotTol, column ordering LUOrderAuto (AMD on the pattern of A+Aᵀ
// with diagonal pivots when they pass, else AMD on AᵀA with pivoting),
// row scaling ScaleMax, at most DefaultLURefine refinement steps per solve,
// and Refactor falling back to a full factorisation when a reused pivot fails.
type LUSettings struct {
	// PivotTol is the threshold u ∈ (0, 1] of partial pivoting: the
	// diagonal entry of the (scaled, permuted) column is chosen as pivot when
	// |x_diag| ≥ u·max_i |x_i| over the candidate rows, otherwise the largest
	// candidate. u = 1 is strict partial pivoting; KLU uses 0.001. Zero means
	// DefaultPivotTol; values outside (0, 1] are an error.
	PivotTol float64
	// Ordering is the column pre-ordering Q (see LUOrdering).
	Ordering LUOrdering
	// ColPerm, when not nil, is the column order itself (ColPerm[k] is the
	// original column factored k-th) and overrides Ordering. It must be a
	// permutation of 0..n−1.
	ColPerm []int
	// Scaling is the row scaling (default ScaleMax).
	Scaling RowScaling
	// Refine bounds the iterative-refinement steps of Solve and SolveTrans:
	// 0 means DefaultLURefine, negative means none.
	Refine int
	// NoSymmetricPath turns off the symmetric-structure path: by default,
	// when the column order is symmetric-based (LUOrderAuto, LUOrderAMD,
	// LUOrderRCM, LUOrderNatural or ColPerm), the pattern symmetry is at least
	// StaticSymmetryMin and the diagonal is fully stored, FactorLU first
	// tries diagonal pivots on the structure of the Cholesky factor of
	// (A+Aᵀ)(q,q), found from its elimination tree without graph searches,
	// checking each pivot against the threshold rule; if one fails it
	// factors with the pivoting (Gilbert–Peierls) algorithm.
	NoSymmetricPath bool
	// NoFallback makes Refactor return an error wrapping ErrPivotTooSmall
	// when a reused pivot fails the threshold test, instead of factoring
	// again with a new pivot sequence.
	NoFallback bool
}

// LUStats describes a sparse LU factorisation.
type LUStats struct {
	// N is the order of A and NNZA its number of stored entries.
	N, NNZA int
	// NNZL and NNZU count the entries of L and U, each including its
	// diagonal (L's unit diagonal is implicit in storage but counted here).
	NNZL, NNZU int
	// OffDiagPivots counts the columns whose pivot was not the diagonal
	// entry A(q_k, q_k).
	OffDiagPivots int
	// MinPivot and MaxPivot are min and max |U(k,k)| of the scaled matrix;
	// their ratio is KLU's cheap reciprocal condition number rcond.
	MinPivot, MaxPivot float64
	// OrderTime, FactorTime are the times of the column ordering and of the
	// last full (pivoting) numeric factorisation; RefactorTime is that of
	// the last Refactor that reused the pivot sequence.
	OrderTime, FactorTime, RefactorTime time.Duration
	// Refactorizations counts Refactor calls that reused the pivot
	// sequence; Fallbacks counts those that had to factor again.
	Refactorizations, Fallbacks int
	// FellBack reports whether the last Refactor had to factor again
	// because a reused pivot failed the threshold test.
	FellBack bool
	// Ordering is the column ordering used (LUOrderAuto resolves to
	// LUOrderAMD or LUOrderColAMD; with ColPerm, the settings' Ordering).
	Ordering LUOrdering
	// SymmetricPath reports that the factorisation was computed on the
	// symmetric structure with diagonal pivots (see
	// LUSettings.NoSymmetricPath); false: by the pivoting algorithm.
	SymmetricPath bool
}

// LU is a sparse LU factorisation with partial pivoting,
//
//	P·R·A·Q = L·U,
//
// where R is the diagonal row scaling, Q the column pre-ordering, P the row
// permutation chosen by threshold partial pivoting, L unit lower triangular
// and U upper triangular. It is computed column by column by the left-looking
// algorithm of Gilbert and Peierls: the pattern of column k of L\(R·A·Q)(:,k)
// is the set of rows reachable, in the graph of the L computed so far, from
// the rows of A(:, q_k) (found by depth-first search, in topological order),
// and the numeric values come from the sparse triangular solve over that
// pattern, so the work is proportional to the floating-point operations.
//
// An LU keeps a reference to the matrix it factored (for iterative
// refinement); do not modify it between FactorLU/Refactor and Solve. The
// methods are not safe for concurrent use (they share workspace).
type LU struct {
	n   int
	set LUSettings
	tol float64

	a          *sparse.CSR // the matrix last factored
	aPtr, aInd []int       // copy of its pattern, for Refactor's check

	// A in compressed columns, and where each CSR entry went.
	cp   []int
	ci   []int32
	cx   []float64
	cmap []int32

	q, pinv, prow []int // column order, row → step, step → row
	rs            []float64

	lp, up []int
	lpend  []int // end of the part of L(:,j) the DFS must follow (pruned), or −1
	li, ui []int32
	lx, ux []float64
	ud     []float64

	// workspace
	x, w, d, r []float64
	flag       []int
	xi, stack  []int
	pstack     []int

	anorm1, anormInf float64
	stats            LUStats
}

// FactorLU computes the sparse LU factorisation of the square matrix a.
//
// Errors (never a panic for bad data): a non-square matrix; NaN or Inf
// entries (ErrBadInput); a structurally singular matrix
// (ErrStructurallySingular, naming an empty row or column or the column at
// which no candidate pivot row remained); a numerically singular matrix
// (ErrSingular, naming the original column whose pivot candidates were all
// zero); invalid settings.
func FactorLU(a *sparse.CSR, s LUSettings) (*LU, error) {
	r, c := a.Dims()
	if r != c {
		return nil, fmt.Errorf("linsolve: FactorLU: matrix is %d×%d, not square", r, c)
	}
	tol := s.PivotTol
	if tol == 0 {
		tol = DefaultPivotTol
	}
	if !(tol > 0 && tol <= 1) {
		return nil, fmt.Errorf("linsolve: FactorLU: PivotTol %v outside (0, 1]", s.PivotTol)
	}
	if s.Scaling < ScaleMax || s.Scaling > ScaleSum {
		return nil, fmt.Errorf("linsolve: FactorLU: unknown row scaling %d", s.Scaling)
	}
	n := r
	f := &LU{n: n, set: s, tol: tol}
	f.pinv = make([]int, n)
	f.prow = make([]int, n)
	f.x = make([]float64, n)
	f.w = make([]float64, n)
	f.d = make([]float64, n)
	f.r = make([]float64, n)
	f.flag = make([]int, n)
	f.xi = make([]int, n)
	f.stack = make([]int, n)
	f.pstack = make([]int, n)
	f.ud = make([]float64, n)
	f.lpend = make([]int, n)
	if err := f.load(a); err != nil {
		return nil, err
	}
	t0 := time.Now()
	var pat *Pattern
	ord := s.Ordering
	auto := s.ColPerm == nil && ord == LUOrderAuto
	if s.ColPerm != nil {
		if err := checkPerm(s.ColPerm, n); err != nil {
			return nil, fmt.Errorf("linsolve: FactorLU: ColPerm: %v", err)
		}
		f.q = append([]int(nil), s.ColPerm...)
	} else {
		if auto {
			ord = LUOrderAMD
		}
		q, p, err := luOrder(a, ord)
		if err != nil {
			return nil, err
		}
		f.q, pat = q, p
	}
	f.stats.Ordering = ord
	f.stats.OrderTime = time.Since(t0)
	if !s.NoSymmetricPath && ord != LUOrderColAMD && hasFullDiagonal(a) {
		if pat == nil {
			var err error
			if pat, err = SymmetricPattern(a); err != nil {
				return nil, err
			}
		}
		if patternSymmetry(a, pat) >= StaticSymmetryMin && f.factorSymmetric(pat) {
			return f, nil
		}
	}
	if auto {
		t1 := time.Now()
		q, _, err := luOrder(a, LUOrderColAMD)
		if err != nil {
			return nil, err
		}
		f.q, ord = q, LUOrderColAMD
		f.stats.Ordering = ord
		f.stats.OrderTime += time.Since(t1)
	}
	if err := f.factor(); err != nil {
		return nil, err
	}
	return f, nil
}

func checkPerm(p []int, n int) error {
	if len(p) != n {
		return fmt.Errorf("length %d, want %d", len(p), n)
	}
	seen := make([]bool, n)
	for _, v := range p {
		if v < 0 || v >= n || seen[v] {
			return fmt.Errorf("not a permutation of 0..%d", n-1)
		}
		seen[v] = true
	}
	return nil
}

// load validates a, copies its pattern, builds the compressed-column copy
// and the row scaling.
func (f *LU) load(a *sparse.CSR) error {
	n := f.n
	raw := a.RawMatrix()
	ptr, ind, val := raw.Indptr, raw.Ind, raw.Data
	if len(ptr) < n+1 || ptr[0] != 0 {
		return fmt.Errorf("linsolve: FactorLU: malformed CSR row pointers")
	}
	nnz := ptr[n]
	if nnz > len(ind) || nnz > len(val) || nnz >= math.MaxInt32 {
		return fmt.Errorf("linsolve: FactorLU: malformed CSR (nnz %d)", nnz)
	}
	for i := 0; i < n; i++ {
		if ptr[i] > ptr[i+1] {
			return fmt.Errorf("linsolve: FactorLU: malformed CSR row pointers at row %d", i)
		}
		for p := ptr[i]; p < ptr[i+1]; p++ {
			j := ind[p]
			if j < 0 || j >= n {
				return fmt.Errorf("linsolve: FactorLU: column index %d out of range in row %d", j, i)
			}
			if v := val[p]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: A(%d, %d) = %v", ErrBadInput, i, j, v)
			}
		}
	}
	f.a = a
	f.aPtr = append(f.aPtr[:0], ptr[:n+1]...)
	f.aInd = append(f.aInd[:0], ind[:nnz]...)
	// compressed columns
	f.cp = make([]int, n+1)
	for _, j := range ind[:nnz] {
		f.cp[j+1]++
	}
	for j := 0; j < n; j++ {
		if f.cp[j+1] == 0 {
			return fmt.Errorf("%w: column %d is empty", ErrStructurallySingular, j)
		}
		f.cp[j+1] += f.cp[j]
	}
	for i := 0; i < n; i++ {
		if ptr[i] == ptr[i+1] {
			return fmt.Errorf("%w: row %d is empty", ErrStructurallySingular, i)
		}
	}
	f.ci = make([]int32, nnz)
	f.cx = make([]float64, nnz)
	f.cmap = make([]int32, nnz)
	next := append([]int(nil), f.cp[:n]...)
	for i := 0; i < n; i++ {
		for p := ptr[i]; p < ptr[i+1]; p++ {
			j := ind[p]
			d := next[j]
			next[j]++
			f.ci[d] = int32(i)
			f.cmap[p] = int32(d)
		}
	}
	f.rs = make([]float64, n)
	f.stats.N, f.stats.NNZA = n, nnz
	return f.values(val)
}

// values loads new values (same pattern) into the column copy, the row
// scaling and the norms of A.
func (f *LU) values(val []float64) error {
	n := f.n
	ptr := f.aPtr
	colsum := f.w
	clear(colsum)
	f.anormInf = 0
	for i := 0; i < n; i++ {
		var mx, sum float64
		for p := ptr[i]; p < ptr[i+1]; p++ {
			v := val[p]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: A(%d, %d) = %v", ErrBadInput, i, f.aInd[p], v)
			}
			av := math.Abs(v)
			mx = max(mx, av)
			sum += av
			colsum[f.aInd[p]] += av
			f.cx[f.cmap[p]] = v
		}
		f.anormInf = max(f.anormInf, sum)
		switch f.set.Scaling {
		case ScaleMax:
			f.rs[i] = 1 / mx
		case ScaleSum:
			f.rs[i] = 1 / sum
		default:
			f.rs[i] = 1
		}
		if mx == 0 {
			f.rs[i] = 1 // an all-zero row: singular, detected by the factorisation
		}
	}
	f.anorm1 = 0
	for _, s := range colsum {
		f.anorm1 = max(f.anorm1, s)
	}
	clear(colsum)
	return nil
}

// reach finds the rows of x = L⁻¹·A(:, col) that can be nonzero: the rows
// reachable from A(:, col)'s rows in the graph of the L built so far (an
// edge i → r for each entry L(r, pinv[i]) of a pivotal row i). It stores them
// in f.xi[top:n] in topological order and returns top. Marks are stamped
// with k, so nothing needs clearing.
func (f *LU) reach(k, col int) int {
	n := f.n
	top := n
	flag, pinv, stack, pstack, xi := f.flag, f.pinv, f.stack, f.pstack, f.xi
	lp, li, lpend := f.lp, f.li, f.lpend
	for p := f.cp[col]; p < f.cp[col+1]; p++ {
		i := int(f.ci[p])
		if flag[i] == k {
			continue
		}
		head := 0
		stack[0] = i
		for head >= 0 {
			j := stack[head]
			jn := pinv[j]
			if flag[j] != k {
				flag[j] = k
				if jn >= 0 {
					pstack[head] = lp[jn]
				}
			}
			done := true
			if jn >= 0 {
				end := lpend[jn]
				if end < 0 {
					end = lp[jn+1]
				}
				for pp := pstack[head]; pp < end; pp++ {
					r := int(li[pp])
					if flag[r] == k {
						continue
					}
					pstack[head] = pp + 1
					head++
					stack[head] = r
					done = false
					break
				}
			}
			if done {
				head--
				top--
				xi[top] = j
			}
		}
	}
	return top
}

// factor is the full numeric factorisation with threshold partial pivoting.
func (f *LU) factor() error {
	t0 := time.Now()
	n := f.n
	for i := range f.pinv {
		f.pinv[i] = -1
		f.flag[i] = -1
	}
	est := 4*len(f.ci) + n
	if cap(f.li) < est {
		f.li = make([]int32, 0, est)
		f.lx = make([]float64, 0, est)
		f.ui = make([]int32, 0, est)
		f.ux = make([]float64, 0, est)
	}
	f.lp = append(f.lp[:0], 0)
	f.up = append(f.up[:0], 0)
	f.li, f.lx, f.ui, f.ux = f.li[:0], f.lx[:0], f.ui[:0], f.ux[:0]
	x, pinv, rs := f.x, f.pinv, f.rs
	offdiag := 0
	minPiv, maxPiv := math.Inf(1), 0.0
	for k := 0; k < n; k++ {
		col := f.q[k]
		top := f.reach(k, col)
		for p := f.cp[col]; p < f.cp[col+1]; p++ {
			i := f.ci[p]
			x[i] += f.cx[p] * rs[i]
		}
		xi := f.xi[top:n]
		lp, li, lx := f.lp, f.li, f.lx
		for _, i := range xi {
			j := pinv[i]
			if j < 0 {
				continue
			}
			v := x[i]
			if v == 0 {
				continue
			}
			colAxpy(x, li, lx, lp[j], lp[j+1], v)
		}
		// pivot choice; ref is ‖U(:,k)‖₁ + ‖(R·A)(:,q_k)‖₁, the scale of the
		// roundoff in the candidates.
		ipiv, amax, ref := -1, -1.0, 0.0
		for _, i := range xi {
			if pinv[i] < 0 {
				if a := math.Abs(x[i]); a > amax {
					amax, ipiv = a, i
				}
			} else {
				ref += math.Abs(x[i])
			}
		}
		for p := f.cp[col]; p < f.cp[col+1]; p++ {
			ref += math.Abs(f.cx[p] * rs[f.ci[p]])
		}
		if ipiv < 0 {
			f.clearX(xi)
			return fmt.Errorf("%w: at column %d (step %d of %d) no row remains that can hold a nonzero pivot (the pattern has no perfect matching of rows to columns)", ErrStructurallySingular, col, k, n)
		}
		if amax <= luEps*ref || math.IsNaN(amax) || math.IsInf(amax, 0) {
			f.clearX(xi)
			return fmt.Errorf("%w: zero pivot at column %d (step %d of %d): the largest candidate %.3g is at roundoff level (≤ ε·%.3g), so column %d is numerically dependent on the columns before it in the pivot order", ErrSingular, col, k, n, amax, ref, col)
		}
		if ipiv != col && pinv[col] < 0 && f.flag[col] == k && math.Abs(x[col]) >= f.tol*amax {
			ipiv = col
		}
		if ipiv != col {
			offdiag++
		}
		piv := x[ipiv]
		minPiv = min(minPiv, math.Abs(piv))
		maxPiv = max(maxPiv, math.Abs(piv))
		if need := len(xi); cap(f.li)-len(f.li) < need || cap(f.ui)-len(f.ui) < need {
			f.grow(need)
		}
		ustart, lstart := len(f.ui), len(f.li)
		nu, nl := ustart, lstart
		ui, ux := f.ui[:ustart+len(xi)], f.ux[:ustart+len(xi)]
		li, lx = f.li[:lstart+len(xi)], f.lx[:lstart+len(xi)]
		rpiv := 1 / piv
		for _, i := range xi {
			if j := pinv[i]; j >= 0 {
				ui[nu] = int32(j)
				ux[nu] = x[i]
				nu++
			} else if i != ipiv {
				li[nl] = int32(i)
				lx[nl] = x[i] * rpiv
				nl++
			}
			x[i] = 0
		}
		f.ui, f.ux, f.li, f.lx = ui[:nu], ux[:nu], li[:nl], lx[:nl]
		f.ud[k] = piv
		pinv[ipiv] = k
		f.prow[k] = ipiv
		f.lp = append(f.lp, len(f.li))
		f.up = append(f.up, len(f.ui))
		f.lpend[k] = -1
		f.prune(ipiv, f.ui[ustart:])
	}
	for p, i := range f.li {
		f.li[p] = int32(pinv[i])
	}
	st := &f.stats
	st.SymmetricPath = false
	st.NNZL = len(f.li) + n
	st.NNZU = len(f.ui) + n
	st.OffDiagPivots = offdiag
	st.MinPivot, st.MaxPivot = minPiv, maxPiv
	st.FactorTime = time.Since(t0)
	return nil
}

// grow enlarges the capacity of the L and U arrays by at least need
// entries, doubling them (append's growth for large slices is 1.25×, which
// copies the factors too often).
func (f *LU) grow(need int) {
	g := func(nl int) int { return max(2*nl, nl+need) }
	li := make([]int32, len(f.li), g(cap(f.li)))
	copy(li, f.li)
	lx := make([]float64, len(f.lx), cap(li))
	copy(lx, f.lx)
	ui := make([]int32, len(f.ui), g(cap(f.ui)))
	copy(ui, f.ui)
	ux := make([]float64, len(f.ux), cap(ui))
	copy(ux, f.ux)
	f.li, f.lx, f.ui, f.ux = li, lx, ui, ux
}

// prune applies Eisenstat and Liu's symmetric pruning after column k: for
// each j with U(j,k) ≠ 0 whose column of L holds the new pivot row ipiv,
// every row of L(:,j) not yet pivotal also lies in L(:,k), so a depth-first
// search that reaches j can reach them through k. The pivotal rows of L(:,j)
// are moved to its front (values alongside) and lpend[j] marks their end:
// later searches follow only that part. The numeric solves still use the
// whole column.
func (f *LU) prune(ipiv int, ucol []int32) {
	li, lx, lp, pinv := f.li, f.lx, f.lp, f.pinv
	for _, j32 := range ucol {
		j := int(j32)
		if f.lpend[j] >= 0 {
			continue
		}
		lo, hi := lp[j], lp[j+1]
		found := false
		for _, r := range li[lo:hi] {
			if int(r) == ipiv {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		head := lo
		for p := lo; p < hi; p++ {
			if pinv[li[p]] >= 0 {
				li[p], li[head] = li[head], li[p]
				lx[p], lx[head] = lx[head], lx[p]
				head++
			}
		}
		f.lpend[j] = head
	}
}

func (f *LU) clearX(xi []int) {
	for _, i := range xi {
		f.x[i] = 0
	}
}

// Refactor factors a matrix with the same sparsity pattern as the one
// factored last (same row pointers and column indices), reusing the column
// order, the pivot sequence and the patterns of L and U: only the numeric
// triangular solves are repeated, with no depth-first search and no pivot
// search. Each reused pivot is checked against the threshold rule,
// |U(k,k)| ≥ PivotTol·max|candidates|; if one fails (or is zero), Refactor
// factors again with a fresh pivot sequence and sets Stats().FellBack, or,
// with LUSettings.NoFallback, returns an error wrapping ErrPivotTooSmall
// naming the column (the factorisation is then unusable until a successful
// Refactor). A different pattern is an error.
func (f *LU) Refactor(a *sparse.CSR) error {
	r, c := a.Dims()
	if r != f.n || c != f.n {
		return fmt.Errorf("linsolve: LU.Refactor: matrix is %d×%d, factorisation is %d×%d", r, c, f.n, f.n)
	}
	raw := a.RawMatrix()
	n := f.n
	if len(raw.Indptr) < n+1 || raw.Indptr[n] != len(f.aInd) || len(raw.Ind) < len(f.aInd) || len(raw.Data) < len(f.aInd) {
		return fmt.Errorf("linsolve: LU.Refactor: sparsity pattern differs from the factored matrix")
	}
	for i := 0; i <= n; i++ {
		if raw.Indptr[i] != f.aPtr[i] {
			return fmt.Errorf("linsolve: LU.Refactor: sparsity pattern differs from the factored matrix (row %d)", i)
		}
	}
	for p, j := range f.aInd {
		if raw.Ind[p] != j {
			return fmt.Errorf("linsolve: LU.Refactor: sparsity pattern differs from the factored matrix (entry %d)", p)
		}
	}
	if err := f.values(raw.Data); err != nil {
		return err
	}
	f.a = a
	f.stats.FellBack = false
	k, err := f.refactor()
	if err == nil {
		f.stats.Refactorizations++
		return nil
	}
	if f.set.NoFallback {
		return fmt.Errorf("%w: column %d (step %d): %v", ErrPivotTooSmall, f.q[k], k, err)
	}
	f.stats.Fallbacks++
	f.stats.FellBack = true
	return f.factor()
}

// refactor is the numeric factorisation with the stored pivot sequence and
// patterns; on failure it returns the step and a description.
func (f *LU) refactor() (int, error) {
	t0 := time.Now()
	n := f.n
	x, pinv, rs := f.x, f.pinv, f.rs
	lp, li, lx, up, ui, ux := f.lp, f.li, f.lx, f.up, f.ui, f.ux
	minPiv, maxPiv := math.Inf(1), 0.0
	for k := 0; k < n; k++ {
		col := f.q[k]
		for p := f.cp[col]; p < f.cp[col+1]; p++ {
			i := f.ci[p]
			x[pinv[i]] += f.cx[p] * rs[i]
		}
		ref := 0.0
		for p := f.cp[col]; p < f.cp[col+1]; p++ {
			ref += math.Abs(f.cx[p] * rs[f.ci[p]])
		}
		for p := up[k]; p < up[k+1]; p++ {
			j := ui[p]
			v := x[j]
			x[j] = 0
			ux[p] = v
			ref += math.Abs(v)
			if v == 0 {
				continue
			}
			colAxpy(x, li, lx, lp[j], lp[j+1], v)
		}
		piv := x[k]
		x[k] = 0
		lo, hi := lp[k], lp[k+1]
		amax := math.Abs(piv)
		for _, r := range li[lo:hi] {
			amax = max(amax, math.Abs(x[r]))
		}
		if math.Abs(piv) <= luEps*ref || math.Abs(piv) < f.tol*amax || math.IsNaN(amax) || math.IsInf(amax, 0) {
			for _, r := range li[lo:hi] {
				x[r] = 0
			}
			return k, fmt.Errorf("pivot %.3g below %g × column max %.3g", math.Abs(piv), f.tol, amax)
		}
		for p := lo; p < hi; p++ {
			r := li[p]
			lx[p] = x[r] / piv
			x[r] = 0
		}
		f.ud[k] = piv
		minPiv = min(minPiv, math.Abs(piv))
		maxPiv = max(maxPiv, math.Abs(piv))
	}
	f.stats.MinPivot, f.stats.MaxPivot = minPiv, maxPiv
	f.stats.RefactorTime = time.Since(t0)
	return 0, nil
}

// Stats returns the statistics of the factorisation.
func (f *LU) Stats() LUStats { return f.stats }

// Dims returns the order n of the factored matrix (twice, like Operator).
func (f *LU) Dims() (int, int) { return f.n, f.n }

// ColPerm returns the column order Q (a copy): ColPerm()[k] is the original
// column factored k-th.
func (f *LU) ColPerm() []int { return append([]int(nil), f.q...) }

// RowPerm returns the row order P chosen by pivoting (a copy): RowPerm()[k]
// is the original row of the k-th pivot.
func (f *LU) RowPerm() []int { return append([]int(nil), f.prow...) }

// solveRaw sets x = A⁻¹·b with the factors only (no refinement). x and b
// may not alias f.w. x and b may alias each other.
func (f *LU) solveRaw(x, b []float64) {
	n := f.n
	w := f.w
	for i, v := range b {
		w[f.pinv[i]] = f.rs[i] * v
	}
	lp, li, lx := f.lp, f.li, f.lx
	for j := 0; j < n; j++ {
		v := w[j]
		if v == 0 {
			continue
		}
		colAxpy(w, li, lx, lp[j], lp[j+1], v)
	}
	up, ui, ux := f.up, f.ui, f.ux
	for k := n - 1; k >= 0; k-- {
		v := w[k] / f.ud[k]
		w[k] = v
		if v == 0 {
			continue
		}
		colAxpy(w, ui, ux, up[k], up[k+1], v)
	}
	for k, c := range f.q {
		x[c] = w[k]
	}
}

// solveTransRaw sets x = A⁻ᵀ·b with the factors only:
// Aᵀ = Q·Uᵀ·Lᵀ·P·R⁻¹.
func (f *LU) solveTransRaw(x, b []float64) {
	n := f.n
	w := f.w
	for k, c := range f.q {
		w[k] = b[c]
	}
	up, ui, ux := f.up, f.ui, f.ux
	for k := 0; k < n; k++ {
		s := w[k]
		s = colSubDot(s, w, ui, ux, up[k], up[k+1])
		w[k] = s / f.ud[k]
	}
	lp, li, lx := f.lp, f.li, f.lx
	for k := n - 1; k >= 0; k-- {
		s := w[k]
		s = colSubDot(s, w, li, lx, lp[k], lp[k+1])
		w[k] = s
	}
	for i := 0; i < n; i++ {
		x[i] = f.rs[i] * w[f.pinv[i]]
	}
}

// Solve sets dst = A⁻¹·b (allocating dst when nil) and returns it, then
// improves it by iterative refinement against A: r = b − A·x, x += A⁻¹·r,
// until the residual reaches the backward-stable level
// ‖r‖∞ ≤ ε·(‖A‖∞·‖x‖∞ + ‖b‖∞), stops shrinking by half, or Refine steps
// were taken. NaN or Inf in b, or a non-finite solution (a pivot so small
// that the solve overflowed), gives an error; the solution then must not be
// used. dst and b must not alias.
func (f *LU) Solve(dst, b []float64) ([]float64, error) {
	return f.solve(dst, b, false)
}

// SolveTrans sets dst = A⁻ᵀ·b, with refinement against Aᵀ, as Solve does.
func (f *LU) SolveTrans(dst, b []float64) ([]float64, error) {
	return f.solve(dst, b, true)
}

func (f *LU) solve(dst, b []float64, trans bool) ([]float64, error) {
	n := f.n
	if len(b) != n {
		panic(fmt.Sprintf("linsolve: LU.Solve: len(b) = %d, want %d", len(b), n))
	}
	if dst == nil {
		dst = make([]float64, n)
	} else if len(dst) != n {
		panic(fmt.Sprintf("linsolve: LU.Solve: len(dst) = %d, want %d", len(dst), n))
	}
	if err := checkFinite("b", b); err != nil {
		return dst, err
	}
	raw := f.solveRaw
	anorm := f.anormInf
	if trans {
		raw = f.solveTransRaw
		anorm = f.anorm1
	}
	raw(dst, b)
	maxRef := f.set.Refine
	if maxRef == 0 {
		maxRef = DefaultLURefine
	}
	var bnorm float64
	for _, v := range b {
		bnorm = max(bnorm, math.Abs(v))
	}
	r, d := f.r, f.d
	rn := f.residual(r, dst, b, trans)
	for it := 0; it < maxRef; it++ {
		if !(rn > 0) || rn <= luEps*(anorm*luNormInf(dst)+bnorm) {
			break
		}
		raw(d, r)
		for i := range d {
			d[i] += dst[i]
		}
		// d now holds the candidate x; its residual goes into f.x (clean
		// workspace between factorisations) and is copied only on success.
		rn2 := f.residual(f.x, d, b, trans)
		if !(rn2 < rn) {
			clear(f.x)
			break
		}
		copy(dst, d)
		copy(r, f.x)
		clear(f.x)
		improved := rn2 < 0.5*rn
		rn = rn2
		if !improved {
			break
		}
	}
	for i, v := range dst {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			clear(dst)
			return dst, fmt.Errorf("%w: non-finite solution component %d (pivots too small; min |U(k,k)| = %.3g)", ErrSingular, i, f.stats.MinPivot)
		}
	}
	return dst, nil
}

const luEps = 0x1p-52 // machine epsilon

func luNormInf(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}

// residual sets r = b − A·x (or b − Aᵀ·x) and returns ‖r‖∞.
func (f *LU) residual(r, x, b []float64, trans bool) float64 {
	raw := f.a.RawMatrix()
	ptr, ind, val := raw.Indptr, raw.Ind, raw.Data
	if trans {
		copy(r, b)
		for i := 0; i < f.n; i++ {
			xi := x[i]
			if xi == 0 {
				continue
			}
			for p := ptr[i]; p < ptr[i+1]; p++ {
				r[ind[p]] -= val[p] * xi
			}
		}
	} else {
		for i := 0; i < f.n; i++ {
			s := b[i]
			for p := ptr[i]; p < ptr[i+1]; p++ {
				s -= val[p] * x[ind[p]]
			}
			r[i] = s
		}
	}
	var m float64
	for _, v := range r {
		m = max(m, math.Abs(v))
	}
	if math.IsNaN(m) {
		return math.Inf(1)
	}
	return m
}

// colAxpy subtracts v times the stored column ind[lo:hi], vals[lo:hi] from
// x: x[ind[t]] −= vals[t]·v (the sparse triangular solves and the
// left-looking factorization).
func colAxpy(x []float64, ind []int32, vals []float64, lo, hi int, v float64) {
	vals = vals[lo:hi:hi]
	for t, r := range ind[lo:hi] {
		x[r] -= vals[t] * v
	}
}

// colSubDot returns s − Σ vals[t]·x[ind[t]] over the stored column lo:hi,
// subtracting term by term in storage order.
func colSubDot(s float64, x []float64, ind []int32, vals []float64, lo, hi int) float64 {
	vals = vals[lo:hi:hi]
	for t, r := range ind[lo:hi] {
		s -= vals[t] * x[r]
	}
	return s
}
