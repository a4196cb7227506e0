package linsolve

import (
	"errors"
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
)

// CholeskyFactor is a supernodal sparse Cholesky factorization
// P·A·Pᵀ = L·Lᵀ of a symmetric positive definite matrix. Make it with
// Symbolic.Cholesky; Refactor recomputes it for new values on the same
// pattern without allocating. A CholeskyFactor is not safe for concurrent
// use (Solve uses internal workspace).
type CholeskyFactor struct {
	sym *Symbolic
	cx  []float64 // values of C = triu(P·A·Pᵀ)
	lx  []float64 // supernode blocks, row-major nrow×ncol each
	// workspace
	relmap []int32
	cbuf   []float64
	head   []int
	next   []int
	pos    []int
	w1     []float64
	gw     gemmWork
	ref    *refiner
	anorm  float64
	ok     bool
	// MaxRefine is the number of iterative-refinement steps Solve may take
	// (default 3 when zero; negative: none).
	MaxRefine int
}

// Cholesky computes the sparse Cholesky factorization of a, which must have
// the pattern s was computed for. It returns an error wrapping
// ErrNotPositiveDefinite, naming the column, when a pivot is not positive.
func (s *Symbolic) Cholesky(a *sparse.CSR) (*CholeskyFactor, error) {
	ns := len(s.super) - 1
	f := &CholeskyFactor{
		sym:    s,
		cx:     make([]float64, len(s.ci)),
		lx:     make([]float64, s.lp[ns]),
		relmap: make([]int32, s.n),
		cbuf:   make([]float64, max(s.maxC, 1)),
		head:   make([]int, ns),
		next:   make([]int, ns),
		pos:    make([]int, ns),
		w1:     make([]float64, s.n),
		ref:    newRefiner(s.n),
	}
	return f, f.Refactor(a)
}

// Refactor recomputes the factorization for the values of a, which must
// have the analysed pattern (else the error wraps ErrPatternChanged). It
// allocates nothing.
func (f *CholeskyFactor) Refactor(a *sparse.CSR) error {
	f.ok = false
	s := f.sym
	if err := s.loadValues(f.cx, a); err != nil {
		return err
	}
	f.anorm = symNormInf(s, f.cx, f.w1)
	if err := f.numeric(); err != nil {
		return err
	}
	f.ok = true
	return nil
}

// symNormInf returns ‖A‖∞ of the symmetric matrix with upper triangle C.
func symNormInf(s *Symbolic, cx, w []float64) float64 {
	clear(w)
	for j := 0; j < s.n; j++ {
		for p := s.cp[j]; p < s.cp[j+1]; p++ {
			i := int(s.ci[p])
			v := math.Abs(cx[p])
			w[j] += v
			if i != j {
				w[i] += v
			}
		}
	}
	var m float64
	for _, v := range w {
		m = max(m, v)
	}
	return m
}

// numeric is the left-looking supernodal factorization (Ng–Peyton;
// Chen, Davis, Hager, Rajamanickam 2008): each supernode gathers the
// updates L_d[r₁:,:]·L_d[r₁:r₂,:]ᵀ of its descendants d (one dense GEMM
// each, gemmNT), then factors its diagonal block and solves for the rows
// below (denseCholPanel).
func (f *CholeskyFactor) numeric() error {
	s := f.sym
	ns := len(s.super) - 1
	for k := range f.head {
		f.head[k] = -1
	}
	for k := 0; k < ns; k++ {
		f0, l0 := s.super[k], s.super[k+1]
		ncol := l0 - f0
		rows := s.srows[s.sp[k]:s.sp[k+1]]
		nrow := len(rows)
		S := f.lx[s.lp[k]:s.lp[k+1]]
		s.scatterSupernode(S, k, f.relmap, f.cx)
		for d := f.head[k]; d >= 0; {
			dn := f.next[d]
			drows := s.srows[s.sp[d]:s.sp[d+1]]
			dncol := s.super[d+1] - s.super[d]
			p1 := f.pos[d]
			p2 := p1
			for p2 < len(drows) && int(drows[p2]) < l0 {
				p2++
			}
			m1, m2 := len(drows)-p1, p2-p1
			ld := f.lx[s.lp[d]:s.lp[d+1]]
			C := f.cbuf[:m1*m2]
			gemmNT(&f.gw, 0, m1, m2, dncol, ld[p1*dncol:], dncol, ld[p1*dncol:], dncol, C, m2, true)
			scatterSub(S, C, f.relmap, drows[p1:], m1, m2, ncol, f0)
			f.pos[d] = p2
			if p2 < len(drows) {
				t := s.colSuper[drows[p2]]
				f.next[d] = f.head[t]
				f.head[t] = d
			}
			d = dn
		}
		if j := denseCholPanel(&f.gw, S, nrow, ncol); j >= 0 {
			col := f0 + j
			return fmt.Errorf("%w: pivot %d (original row/column %d) is %.3g ≤ 0", ErrNotPositiveDefinite, col, s.perm[col], S[j*ncol+j])
		}
		f.pos[k] = ncol
		if nrow > ncol {
			t := s.colSuper[rows[ncol]]
			f.next[k] = f.head[t]
			f.head[t] = k
		}
	}
	return nil
}

// denseCholPanel factors the nrow×ncol row-major trapezoid a (stride ncol,
// nrow ≥ ncol) of a supernode in place: the top ncol×ncol block becomes
// its lower Cholesky factor L₁₁ and the rows below become A₂₁·L₁₁⁻ᵀ. It
// returns the index of the first pivot that is not positive (or is Inf or
// NaN), or −1.
func denseCholPanel(w *gemmWork, a []float64, nrow, ncol int) int {
	return cholPanel(w, a, ncol, nrow, ncol, 64)
}

// cholPanel is denseCholPanel for a trapezoid of stride ld, blocked
// left-looking by nb columns: each block column is first updated by the
// previous ones with gemmNT (a SYRK on its diagonal block, a GEMM below),
// then factored by the same scheme with 8-column blocks, whose diagonal
// blocks and triangular solves run in Go (so that only ncol·nrow·4
// multiply-adds are scalar).
func cholPanel(w *gemmWork, a []float64, ld, nrow, ncol, nb int) int {
	for j0 := 0; j0 < ncol; j0 += nb {
		j1 := min(j0+nb, ncol)
		jb := j1 - j0
		if j0 > 0 {
			gemmNT(w, -1, jb, jb, j0, a[j0*ld:], ld, a[j0*ld:], ld, a[j0*ld+j0:], ld, true)
			if nrow > j1 {
				gemmNT(w, -1, nrow-j1, jb, j0, a[j1*ld:], ld, a[j0*ld:], ld, a[j1*ld+j0:], ld, false)
			}
		}
		if jb > 8 {
			if j := cholPanel(w, a[j0*ld+j0:], ld, nrow-j0, jb, 8); j >= 0 {
				return j0 + j
			}
			continue
		}
		var dinv [8]float64
		for j := j0; j < j1; j++ {
			d := a[j*ld+j]
			if !(d > 0) || math.IsInf(d, 0) {
				return j
			}
			d = math.Sqrt(d)
			a[j*ld+j] = d
			inv := 1 / d
			dinv[j-j0] = inv
			for i := j + 1; i < j1; i++ {
				a[i*ld+j] *= inv
			}
			for i := j + 1; i < j1; i++ {
				lij := a[i*ld+j]
				if lij == 0 {
					continue
				}
				row := a[i*ld+j+1 : i*ld+i+1]
				for k := range row {
					row[k] -= lij * a[(j+1+k)*ld+j]
				}
			}
		}
		for r := j1; r < nrow; r++ {
			row := a[r*ld+j0 : r*ld+j1]
			for j := range row {
				v := row[j]
				lrow := a[(j0+j)*ld+j0 : (j0+j)*ld+j0+j]
				for c, l := range lrow {
					v -= l * row[c]
				}
				row[j] = v * dinv[j]
			}
		}
	}
	return -1
}

// N returns the dimension.
func (f *CholeskyFactor) N() int { return f.sym.n }

// Symbolic returns the analysis the factor was computed with.
func (f *CholeskyFactor) Symbolic() *Symbolic { return f.sym }

// NNZL returns nnz(L) including the diagonal.
func (f *CholeskyFactor) NNZL() int64 { return f.sym.lnz }

// SolveStats returns the refinement steps, GMRES iterations and final
// normwise backward error ‖b − A·x‖∞/(‖A‖∞‖x‖∞ + ‖b‖∞) of the last Solve.
func (f *CholeskyFactor) SolveStats() (refine, gmres int, berr float64) {
	return f.ref.steps, f.ref.gmresIters, f.ref.berr
}

// solveOnce solves L·Lᵀ·x = x in the permuted numbering, in place.
func (f *CholeskyFactor) solveOnce(x []float64) {
	s := f.sym
	ns := len(s.super) - 1
	for k := 0; k < ns; k++ {
		f0, l0 := s.super[k], s.super[k+1]
		ncol := l0 - f0
		rows := s.srows[s.sp[k]:s.sp[k+1]]
		S := f.lx[s.lp[k]:s.lp[k+1]]
		xs := x[f0:l0]
		for j := 0; j < ncol; j++ {
			v := xs[j]
			row := S[j*ncol : j*ncol+j]
			for c, l := range row {
				v -= l * xs[c]
			}
			xs[j] = v / S[j*ncol+j]
		}
		for t := ncol; t < len(rows); t++ {
			row := S[t*ncol : (t+1)*ncol]
			var v float64
			for c, l := range row {
				v += l * xs[c]
			}
			x[rows[t]] -= v
		}
	}
	for k := ns - 1; k >= 0; k-- {
		f0, l0 := s.super[k], s.super[k+1]
		ncol := l0 - f0
		rows := s.srows[s.sp[k]:s.sp[k+1]]
		S := f.lx[s.lp[k]:s.lp[k+1]]
		xs := x[f0:l0]
		for t := ncol; t < len(rows); t++ {
			xr := x[rows[t]]
			if xr == 0 {
				continue
			}
			row := S[t*ncol : (t+1)*ncol]
			for c, l := range row {
				xs[c] -= l * xr
			}
		}
		for j := ncol - 1; j >= 0; j-- {
			v := xs[j] / S[j*ncol+j]
			xs[j] = v
			for c := 0; c < j; c++ {
				xs[c] -= S[j*ncol+c] * v
			}
		}
	}
}

// Solve sets dst = A⁻¹·b (dst may be nil or b) with up to MaxRefine steps
// of iterative refinement against A, and returns dst. It allocates nothing
// when dst is given. It returns an error if the last factorization failed,
// b holds NaN or Inf, the solution overflows (ErrSingular) or its backward
// error stays above √ε (ErrInaccurate, dst holds the best iterate).
func (f *CholeskyFactor) Solve(dst, b []float64) ([]float64, error) {
	n := f.sym.n
	if len(b) != n {
		panic(fmt.Sprintf("linsolve: CholeskyFactor.Solve: len(b) = %d, want %d", len(b), n))
	}
	if dst == nil {
		dst = make([]float64, n)
	}
	if len(dst) != n {
		panic("linsolve: CholeskyFactor.Solve: dst length mismatch")
	}
	if !f.ok {
		return dst, fmt.Errorf("%w: no valid factorization", ErrNotPositiveDefinite)
	}
	if err := checkFinite("b", b); err != nil {
		return dst, err
	}
	refine := f.MaxRefine
	if refine == 0 {
		refine = 3
	}
	return dst, refineSolve(f.sym, f.cx, f.anorm, f.solveOnce, dst, b, f.ref, max(refine, 0))
}

// refiner holds the workspace of refineSolve and of its GMRES fallback
// (allocated the first time the fallback runs).
type refiner struct {
	x, r, t []float64
	xb      []float64   // best iterate of the refinement
	v       [][]float64 // Krylov basis, gmresRestart+1 vectors
	h       []float64   // Hessenberg matrix, (m+1)×m row-major
	g, c, s []float64
	y       []float64
	// Stats of the last solve.
	steps, gmresIters int
	berr              float64
}

const gmresRestart = 20

func newRefiner(n int) *refiner {
	return &refiner{x: make([]float64, n), r: make([]float64, n), t: make([]float64, n), xb: make([]float64, n)}
}

// residual sets r = b(perm) − A·x and returns ‖r‖∞ and ‖x‖∞.
func (w *refiner) residual(s *Symbolic, cx, b, x, r []float64) (rn, xn float64) {
	s.symMulVec(r, cx, x)
	for k, old := range s.perm {
		r[k] = b[old] - r[k]
		rn = max(rn, math.Abs(r[k]))
		xn = max(xn, math.Abs(x[k]))
	}
	return rn, xn
}

// refineSolve solves A·x = b with the factor solve (which works in place on
// the permuted numbering) and up to steps rounds of iterative refinement
// against the unregularized A (upper triangle cx). Refinement continues
// while each step at least halves ‖r‖∞ (the better iterate is kept), so it
// goes below the normwise backward error 2ε·(‖A‖∞‖x‖∞ + ‖b‖∞) when the
// componentwise residual allows. If it stagnates above that tolerance (regularized or tiny pivots make the factor an
// inexact inverse), right-preconditioned GMRES(20) with the factor as
// preconditioner continues from the refined iterate for up to 5 cycles.
//
// It returns an error wrapping ErrSingular when the solution is not finite
// (the factor is that of a numerically singular matrix: the solution
// overflows); dst is then unspecified.
func refineSolve(s *Symbolic, cx []float64, anorm float64, solve func([]float64), dst, b []float64, w *refiner, steps int) error {
	n := s.n
	perm := s.perm
	x, r, t := w.x, w.r, w.t
	w.steps, w.gmresIters = 0, 0
	var bnorm float64
	for k := 0; k < n; k++ {
		x[k] = b[perm[k]]
		bnorm = max(bnorm, math.Abs(x[k]))
	}
	solve(x)
	rnorm := math.Inf(1)
	converged := false
	for it := 0; it <= steps; it++ {
		rn, xn := w.residual(s, cx, b, x, r)
		if rn > rnorm/2 || math.IsNaN(rn) {
			if rn > rnorm || math.IsNaN(rn) {
				copy(x, w.xb) // the previous iterate was better
			}
			break
		}
		copy(w.xb, x)
		rnorm = rn
		if rn <= 2*eps*(anorm*xn+bnorm) {
			converged = true
		}
		if it == steps || rn == 0 {
			break
		}
		copy(t, r)
		solve(t)
		for k := 0; k < n; k++ {
			x[k] += t[k]
		}
		w.steps++
	}
	if !converged && steps > 0 {
		w.gmres(s, cx, anorm, bnorm, solve, b)
	}
	for k := 0; k < n; k++ {
		if math.IsNaN(x[k]) || math.IsInf(x[k], 0) {
			return fmt.Errorf("%w: the solution overflows (x[%d] = %v)", ErrSingular, perm[k], x[k])
		}
		dst[perm[k]] = x[k]
	}
	rn, xn := w.residual(s, cx, b, x, r)
	w.berr = rn / (anorm*xn + bnorm)
	if bnorm == 0 {
		w.berr = 0
	}
	if w.berr > inaccurateTol {
		return fmt.Errorf("%w: backward error %.2g after %d refinement steps and %d GMRES iterations", ErrInaccurate, w.berr, w.steps, w.gmresIters)
	}
	return nil
}

// inaccurateTol is the normwise backward error above which Solve reports
// ErrInaccurate: √ε.
const inaccurateTol = 0x1p-26

// ErrInaccurate is wrapped by the error Solve returns when iterative
// refinement (and its GMRES fallback) leaves a normwise backward error
// ‖b − A·x‖∞ / (‖A‖∞‖x‖∞ + ‖b‖∞) above √ε ≈ 1.5e-8: the factorization was
// unstable (1×1 pivots on a matrix that needs 2×2 pivots, or tiny
// regularized pivots). dst then holds the best iterate found.
var ErrInaccurate = errors.New("linsolve: inaccurate solution (unstable factorization)")

// gmres improves w.x by right-preconditioned restarted GMRES on the
// permuted system, M⁻¹ = the factor solve.
func (w *refiner) gmres(s *Symbolic, cx []float64, anorm, bnorm float64, solve func([]float64), b []float64) {
	n, m := s.n, gmresRestart
	if w.v == nil {
		w.v = make([][]float64, m+1)
		for i := range w.v {
			w.v[i] = make([]float64, n)
		}
		w.h = make([]float64, (m+1)*m)
		w.g = make([]float64, m+1)
		w.c = make([]float64, m)
		w.s = make([]float64, m)
		w.y = make([]float64, m)
	}
	x, r, t := w.x, w.r, w.t
	for cycle := 0; cycle < 5; cycle++ {
		rn, xn := w.residual(s, cx, b, x, r)
		if rn <= 2*eps*(anorm*xn+bnorm) {
			return
		}
		beta := norm2(r)
		if beta == 0 || math.IsNaN(beta) {
			return
		}
		clear(w.g)
		w.g[0] = beta
		for i := range r {
			w.v[0][i] = r[i] / beta
		}
		// Inner tolerance on the 2-norm residual estimate.
		tol := 2 * eps * (anorm*xn + bnorm)
		k := 0
		for ; k < m; k++ {
			copy(t, w.v[k])
			solve(t)
			s.symMulVec(w.v[k+1], cx, t)
			vk1 := w.v[k+1]
			for i := 0; i <= k; i++ {
				hik := dot(vk1, w.v[i])
				w.h[i*m+k] = hik
				axpy(-hik, w.v[i], vk1)
			}
			hk1 := norm2(vk1)
			w.h[(k+1)*m+k] = hk1
			if hk1 > 0 {
				for i := range vk1 {
					vk1[i] /= hk1
				}
			}
			for i := 0; i < k; i++ {
				a, bb := w.h[i*m+k], w.h[(i+1)*m+k]
				w.h[i*m+k] = w.c[i]*a + w.s[i]*bb
				w.h[(i+1)*m+k] = -w.s[i]*a + w.c[i]*bb
			}
			a, bb := w.h[k*m+k], w.h[(k+1)*m+k]
			d := math.Hypot(a, bb)
			if d == 0 {
				break
			}
			w.c[k], w.s[k] = a/d, bb/d
			w.h[k*m+k] = d
			w.h[(k+1)*m+k] = 0
			w.g[k+1] = -w.s[k] * w.g[k]
			w.g[k] = w.c[k] * w.g[k]
			w.gmresIters++
			if math.Abs(w.g[k+1]) <= tol {
				k++
				break
			}
		}
		for i := k - 1; i >= 0; i-- {
			v := w.g[i]
			for j := i + 1; j < k; j++ {
				v -= w.h[i*m+j] * w.y[j]
			}
			w.y[i] = v / w.h[i*m+i]
		}
		clear(t)
		for i := 0; i < k; i++ {
			axpy(w.y[i], w.v[i], t)
		}
		solve(t)
		for i := range x {
			x[i] += t[i]
		}
	}
}

func norm2(a []float64) float64 { return math.Sqrt(dot(a, a)) }

const eps = 0x1p-52

// scatterSupernode sets the dense block S (rows × columns of supernode k,
// row-major) to the entries of the permuted matrix, whose values are cx in
// the slots of s.csr, and leaves relmap mapping each row of the supernode to
// its position in the block. The supernodal Cholesky and LDLᵀ both start a
// supernode with it.
func (s *Symbolic) scatterSupernode(S []float64, k int, relmap []int32, cx []float64) {
	f0, l0 := s.super[k], s.super[k+1]
	ncol := l0 - f0
	clear(S)
	for t, r := range s.srows[s.sp[k]:s.sp[k+1]] {
		relmap[r] = int32(t)
	}
	lm := &s.csr
	for j := f0; j < l0; j++ {
		c := j - f0
		for p := lm.ptr[j]; p < lm.ptr[j+1]; p++ {
			S[int(relmap[lm.rows[p]])*ncol+c] += cx[lm.slot[p]]
		}
	}
}

// scatterSub subtracts the lower triangle of the m1×m2 update C (rows
// rows[0..m1), columns rows[0..m2) of a descendant supernode) from the
// supernode's dense block S (ncol columns, first column f0), through relmap
// (the row of S of each global row). Cholesky and supernodal LDLᵀ share it.
func scatterSub(S, C []float64, relmap []int32, rows []int32, m1, m2, ncol, f0 int) {
	for a := 0; a < m1; a++ {
		ti := int(relmap[rows[a]]) * ncol
		crow := C[a*m2 : a*m2+min(a+1, m2)]
		for b, v := range crow {
			S[ti+int(rows[b])-f0] -= v
		}
	}
}
