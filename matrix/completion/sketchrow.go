package completion

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/gonum"
)

// The per-row solver of SolverSketch. For the regression of one row, with
// design A = in[idx] (a = |Ω_j| rows, k columns) and right-hand side b:
//
//  1. A is gathered once into a contiguous row-major a×k block (ws.a): every
//     later pass (sketch, PCG products) reads it with unit stride.
//  2. The sketch S·A (s rows): for the SRHT, D·A (random signs) is
//     zero-padded to 2^e ≥ a rows and transformed by the Walsh–Hadamard
//     butterflies acting on whole rows (k contiguous numbers each, so one
//     pass over the block per stage: O(2^e·e·k)), and s rows are sampled and
//     scaled by 1/√s; for CountSketch every row of A is added with its sign
//     to its hashed row (O(a·k)). A design with a ≤ s rows is used itself.
//  3. R with RᵀR = (S·A)ᵀ(S·A) + λI, the R factor of [S·A; √λ·I]: by
//     CholeskyQR (default: the Gram matrix as dot products of the sketch's
//     columns, s·k², and its Cholesky factor, k³/3 flops) or by Householder
//     reflections in place (gonum's Dgeqr2, 2s·k² − 2k³/3 flops; also the
//     fallback when the Gram matrix is too ill-conditioned); no allocation.
//  4. CG on the normal equations (AᵀA + λI)x = Aᵀb preconditioned by
//     (RᵀR)⁻¹, from the warm start, until the residual has been reduced by
//     SolveTol: per iteration the products A·p and Aᵀ(A·p) on the contiguous
//     block (4a·k) and two triangular solves (2k²).
//
// Per row the work is O(a·k·log a + s·k² + k³ + iterations·a·k); with
// s = c·k the middle terms are (c + 1/3)·k³ flops by CholeskyQR and
// (2c − 2/3)·k³ by Householder.

// sketchBufs are one worker's SolverSketch buffers, sized once per AltMin
// run for the longest row or column.
type sketchBufs struct {
	// householder selects the Householder QR of the sketch (Settings.SketchQR
	// = HouseholderQR); otherwise CholeskyQR, with Householder as fallback.
	householder bool
	a           []float64 // design A = in[idx], row-major a×k
	h           []float64 // SRHT: D·A zero-padded to 2^e rows, row-major
	sa          []float64 // [S·A; √λ·I], row-major nr×k; R in its upper triangle after the QR
	st          []float64 // CholeskyQR: [S·A; √λ·I] transposed (k×nr)
	tau         []float64 // Householder scalars (k)
	work        []float64 // Dgeqr2 workspace (k)
	t           []float64 // A·p (a)
}

func newSketchBufs(maxRows, s, k int, srht bool) sketchBufs {
	b := sketchBufs{a: make([]float64, maxRows*k), sa: make([]float64, (max(s, 1)+k)*k), st: make([]float64, (max(s, 1)+k)*k),
		tau: make([]float64, k), work: make([]float64, k), t: make([]float64, maxRows)}
	if srht {
		mp := 1
		for mp < maxRows {
			mp <<= 1
		}
		b.h = make([]float64, mp*k)
	}
	return b
}

var lapackImpl gonum.Implementation

// sketchPrec builds the preconditioner of SolverSketch for the design
// A = in[idx] (|idx|×k) as described above, leaving A in ws.sk.a and
// L = Rᵀ in ws.g (row-major lower triangle, so that cholSolve applies
// (RᵀR)⁻¹). code holds the CountSketch of the half-step decoded
// (code[i] = ±(hashed row of i + 1); its sign is also the SRHT's D);
// srhtRows, when not nil, selects the SRHT with the s sampled rows for every
// padded length 2^e. It returns false when R is numerically singular (a
// rank-deficient design or sketch); the caller then solves exactly.
func sketchPrec(ws *workspace, in []float64, idx []int, code []float64, srhtRows [][]int, s, k int, lambda float64) bool {
	nr := sketchBuild(ws, in, idx, code, srhtRows, s, k, lambda)
	return nr >= k && sketchFactor(ws, nr, k)
}

// sketchBuild gathers the design into ws.sk.a and writes [S·A; √λ·I] into
// the first nr×k entries of ws.sk.sa; it returns nr (< k: too few rows to
// factor).
func sketchBuild(ws *workspace, in []float64, idx []int, code []float64, srhtRows [][]int, s, k int, lambda float64) (nr int) {
	b := &ws.sk
	a := len(idx)
	A := b.a[:a*k]
	for t, i := range idx {
		copy(A[t*k:t*k+k], in[i*k:i*k+k])
	}
	nr = min(a, s)
	if lambda > 0 {
		nr += k
	}
	if nr < k {
		return nr
	}
	sa := b.sa[:nr*k]
	switch {
	case a <= s:
		copy(sa, A)
		clear(sa[a*k:])
	case srhtRows != nil:
		e := bits.Len(uint(a - 1))
		h := b.h[:(1<<e)*k]
		for t, i := range idx {
			row, src := h[t*k:t*k+k], A[t*k:t*k+k]
			if code[i] < 0 {
				for c, v := range src {
					row[c] = -v
				}
			} else {
				copy(row, src)
			}
		}
		clear(h[a*k:])
		fwhtRows(h, k)
		scale := 1 / math.Sqrt(float64(s))
		for q, r := range srhtRows[e] {
			dst, src := sa[q*k:q*k+k], h[r*k:r*k+k]
			for c, v := range src {
				dst[c] = scale * v
			}
		}
		clear(sa[s*k:])
	default:
		clear(sa)
		for t, i := range idx {
			r := int(math.Abs(code[i])) - 1
			dst, src := sa[r*k:r*k+k], A[t*k:t*k+k]
			if code[i] < 0 {
				for c, v := range src {
					dst[c] -= v
				}
			} else {
				for c, v := range src {
					dst[c] += v
				}
			}
		}
	}
	if lambda > 0 {
		sl := math.Sqrt(lambda)
		base := nr - k
		for c := 0; c < k; c++ {
			sa[(base+c)*k+c] = sl
		}
	}
	return nr
}

// sketchFactor factors the nr×k sketch [S·A; √λ·I] in ws.sk.sa and stores
// L = Rᵀ in ws.g (row-major lower triangle); it returns false when R is
// numerically singular. By default R comes from CholeskyQR: the Gram
// matrix G = (SA)ᵀ(SA) + λI (gramLower: k(k+1)/2 dot products of length
// nr) and its Cholesky factor G = RᵀR (k³/3 flops), the same R
// as the Householder QR's in exact arithmetic (up to the signs of its rows,
// which RᵀR does not see). When that Cholesky breaks down or the diagonal
// of R spreads by more than 10⁶ (then κ(SA) ≥ 10⁶ and κ(G) ≥ 10¹²: forming
// G has squared away most of the digits), or when Settings.SketchQR is
// HouseholderQR,
// the sketch itself is factored by Householder reflections (gonum's Dgeqr2,
// 2nr·k² − 2k³/3 flops).
func sketchFactor(ws *workspace, nr, k int) bool {
	b := &ws.sk
	sa := b.sa[:nr*k]
	g := ws.g
	if !b.householder {
		gramLower(g, sa, b.st, nr, k)
		if lapackImpl.Dpotrf(blas.Lower, k, g, k) {
			var lmin, lmax = math.Inf(1), 0.0
			for i := 0; i < k; i++ {
				d := g[i*k+i]
				lmin, lmax = math.Min(lmin, d), math.Max(lmax, d)
			}
			if lmin > 1e-6*lmax {
				return true
			}
		}
	}
	lapackImpl.Dgeqr2(nr, k, sa, k, b.tau, b.work)
	var rmax float64
	for c := 0; c < k; c++ {
		rmax = math.Max(rmax, math.Abs(sa[c*k+c]))
	}
	for i := 0; i < k; i++ {
		if !(math.Abs(sa[i*k+i]) > 1e-12*rmax) {
			return false
		}
		for p := 0; p <= i; p++ {
			g[i*k+p] = sa[p*k+i] // L[i][p] = R[p][i]
		}
	}
	return true
}

// gramLower sets the lower triangle of the k×k row-major g to MᵀM for the
// row-major nr×k matrix m (the strict upper triangle is not referenced): m
// is transposed into t (k×nr) so that every entry of MᵀM is one dot product
// of two contiguous columns, computed by gonum's Dsyrk (assembly dot
// kernels).
func gramLower(g, m, t []float64, nr, k int) {
	t = t[:k*nr]
	for l := 0; l < nr; l++ {
		for c, v := range m[l*k : l*k+k] {
			t[c*nr+l] = v
		}
	}
	blas64.Syrk(blas.NoTrans, 1, blas64.General{Rows: k, Cols: nr, Stride: nr, Data: t}, 0,
		blas64.Symmetric{Uplo: blas.Lower, N: k, Stride: k, Data: g[:k*k]})
}

// fwhtRows applies the unnormalized Walsh–Hadamard transform to the rows of
// the row-major matrix h with k columns and a power-of-two number of rows:
// every butterfly combines whole rows (k contiguous numbers). Two stages
// are fused into one radix-4 pass, halving the passes over h.
func fwhtRows(h []float64, k int) {
	n := len(h) / k
	step := 1
	for ; 4*step <= n; step *= 4 {
		for i := 0; i < n; i += 4 * step {
			for j := i; j < i+step; j++ {
				r0 := h[j*k : j*k+k]
				r1 := h[(j+step)*k : (j+step)*k+k][:len(r0)]
				r2 := h[(j+2*step)*k : (j+2*step)*k+k][:len(r0)]
				r3 := h[(j+3*step)*k : (j+3*step)*k+k][:len(r0)]
				for c, x0 := range r0 {
					x1, x2, x3 := r1[c], r2[c], r3[c]
					a, b, e, d := x0+x1, x0-x1, x2+x3, x2-x3
					r0[c], r1[c], r2[c], r3[c] = a+e, b+d, a-e, b-d
				}
			}
		}
	}
	if step < n { // one radix-2 stage left
		for j := 0; j < step; j++ {
			u := h[j*k : j*k+k]
			v := h[(j+step)*k : (j+step)*k+k][:len(u)]
			for c, x := range u {
				y := v[c]
				u[c], v[c] = x+y, x-y
			}
		}
	}
}

// sketchPCG runs preconditioned CG on (AᵀA + λI)x = Aᵀb with A the design
// gathered by sketchPrec (ws.sk.a, len(vals) rows) and the preconditioner
// (L·Lᵀ)⁻¹, L in ws.g, from the current x until the residual has been
// reduced by SolveTol; it returns the iterations used. It is pcgRow on the
// contiguous design: the products are BLAS-2 kernels with unit stride.
func sketchPCG(ws *workspace, vals, x []float64, k int, set Settings) int {
	a := len(vals)
	A := blas64.General{Rows: a, Cols: k, Stride: k, Data: ws.sk.a[:a*k]}
	t := blas64.Vector{N: a, Inc: 1, Data: ws.sk.t[:a]}
	vec := func(v []float64) blas64.Vector { return blas64.Vector{N: k, Inc: 1, Data: v} }
	r := ws.r
	apply := func(dst, v []float64) {
		blas64.Gemv(blas.NoTrans, 1, A, vec(v), 0, t)
		blas64.Gemv(blas.Trans, 1, A, t, 0, vec(dst))
		if set.Lambda != 0 {
			axpyk(set.Lambda, v, dst)
		}
	}
	// r = Aᵀ(b − A·x) − λx: one pass of each product.
	copy(t.Data, vals)
	blas64.Gemv(blas.NoTrans, -1, A, vec(x), 1, t)
	blas64.Gemv(blas.Trans, 1, A, t, 0, vec(r))
	if set.Lambda != 0 {
		axpyk(-set.Lambda, x, r)
	}
	return pcgLoop(ws, apply, ws.g, x, k, set)
}
