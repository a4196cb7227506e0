package auglag

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

// errNotDiagonal is returned by the preconditioned inner solvers when the
// (possibly modified) Hessian B is not a diagonal matrix with positive
// entries: the range-space method and the block preconditioner need B⁻¹.
var errNotDiagonal = errors.New("auglag: newton-schur and newton-pminres need a diagonal B with positive entries")

// preconditionedRTol is the relative KKT residual ‖Kz − b‖ ≤ 1e-10‖b‖ to which
// the preconditioned inner solvers solve, as the MINRES branch of Newton. The
// reference's accuracy condition ‖K‖_F·Ψ·‖r‖ ≤ θδ‖b‖ asks for a relative
// residual below 1e-19 on the PDE problem at N = 128, which no solver can
// reach in double precision, so these solvers use a fixed tolerance.
const preconditionedRTol = 1e-10

// diagonalOf returns the diagonal of B when B is diagonal with positive
// finite entries, else an error.
func diagonalOf(B *sparse.CSR) ([]float64, error) {
	n, _ := B.Dims()
	raw := B.RawMatrix()
	d := make([]float64, n)
	for i := 0; i < n; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			if raw.Ind[k] != i {
				if raw.Data[k] != 0 {
					return nil, fmt.Errorf("%w: B[%d,%d] = %g", errNotDiagonal, i, raw.Ind[k], raw.Data[k])
				}
				continue
			}
			d[i] += raw.Data[k]
		}
		if !(d[i] > 0) || math.IsInf(d[i], 0) {
			return nil, fmt.Errorf("%w: B[%d,%d] = %g", errNotDiagonal, i, i, d[i])
		}
	}
	return d, nil
}

// schurComplement returns S = G·D⁻¹·Gᵀ (m×m, CSR with sorted columns) for
// the diagonal D = diag(d): S_ij = Σ_k G_ik G_jk / d_k, computed row by row
// from G and Gᵀ with a dense accumulator (O(Σ_k nnz(G_:k)²) work).
func schurComplement(G *sparse.CSR, d []float64) *sparse.CSR {
	m, _ := G.Dims()
	gt := matrix.Transpose(G).RawMatrix()
	g := G.RawMatrix()
	acc := make([]float64, m)
	mark := make([]int, m)
	for i := range mark {
		mark[i] = -1
	}
	ptr := make([]int, m+1)
	var ind []int
	var val []float64
	var cols []int
	for i := 0; i < m; i++ {
		cols = cols[:0]
		for p := g.Indptr[i]; p < g.Indptr[i+1]; p++ {
			k := g.Ind[p]
			a := g.Data[p] / d[k]
			for q := gt.Indptr[k]; q < gt.Indptr[k+1]; q++ {
				j := gt.Ind[q]
				if mark[j] != i {
					mark[j] = i
					acc[j] = 0
					cols = append(cols, j)
				}
				acc[j] += a * gt.Data[q]
			}
		}
		sortInts(cols)
		for _, j := range cols {
			ind = append(ind, j)
			val = append(val, acc[j])
		}
		ptr[i+1] = len(ind)
	}
	return sparse.NewCSR(m, m, ptr, ind, val)
}

func sortInts(a []int) {
	// insertion sort: rows of S have few entries (13 for the PDE problem).
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// shiftedIC0 returns the IC(0) factor of S + α·diag(S) for the smallest α in
// 0, 1e-3, 2e-3, 4e-3, … for which all pivots are positive (the diagonal
// shift of Manteuffel, 1980: IC(0) exists for M-matrices, and S = G D⁻¹ Gᵀ
// is SPD but in general not an M-matrix). The result is a fixed SPD
// operator, as MINRES and CG require of a preconditioner.
func shiftedIC0(S *sparse.CSR) (*linsolve.IC0, float64, error) {
	alpha := 0.0
	for try := 0; try < 30; try++ {
		A := S
		if alpha > 0 {
			A = scaleDiag(S, 1+alpha)
		}
		ic, err := linsolve.NewIC0(A)
		if err == nil {
			return ic, alpha, nil
		}
		if !errors.Is(err, linsolve.ErrZeroPivot) {
			return nil, 0, err
		}
		if alpha == 0 {
			alpha = 1e-3
		} else {
			alpha *= 2
		}
	}
	return nil, 0, fmt.Errorf("auglag: IC(0) of the Schur complement failed for every diagonal shift up to %g", alpha)
}

// scaleDiag returns a copy of A with its diagonal multiplied by s.
func scaleDiag(A *sparse.CSR, s float64) *sparse.CSR {
	c := copyCSR(nil, A)
	n, _ := c.Dims()
	raw := c.RawMatrix()
	for i := 0; i < n; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			if raw.Ind[k] == i {
				raw.Data[k] *= s
			}
		}
	}
	return c
}

// schurInner solves K z = b with K = [[D, Gᵀ], [G, 0]], D diagonal positive,
// by the range-space method (Nocedal & Wright, §16.2): with b = (b₁, b₂),
//
//	S Δλ = G D⁻¹ b₁ − b₂,  S = G D⁻¹ Gᵀ,   Δx = D⁻¹(b₁ − Gᵀ Δλ),
//
// the Schur system solved by the envelope Cholesky factor of S
// (envelopeCholesky) with one step of iterative refinement. Because Δx is
// recovered exactly, Kz − b = (0, −(S Δλ − rhs)): the KKT residual equals
// the residual of the Schur system.
//
// With pminres set it instead runs MINRES on the whole K with the fixed
// block-diagonal SPD preconditioner diag(D, L Lᵀ), L Lᵀ the IC(0) factor of
// S (Murphy, Golub & Wathen 2000 for the exact Schur complement; the
// incomplete factor makes it an approximation).
type schurInner struct {
	K, G    *sparse.CSR
	b, d    []float64
	n, m    int
	pminres bool
	z       []float64
	its     int
	shift   float64
	work    int64 // flops of the inner solve
	done    bool
	err     error
}

// newSchurInner checks that B is diagonal and positive (else every run
// fails with errNotDiagonal); the factorization happens in run.
func (s *solver) newSchurInner(K, B, G *sparse.CSR, b []float64, pminres bool) *schurInner {
	d, err := diagonalOf(B)
	return &schurInner{K: K, G: G, b: b, d: d, n: s.n, m: s.m, pminres: pminres, z: make([]float64, s.n+s.m), err: err}
}

func (si *schurInner) run(ctx context.Context, _ float64, _ int) bool {
	if si.done {
		return si.err == nil
	}
	si.done = true
	if si.err != nil {
		return false
	}
	n, m, d := si.n, si.m, si.d
	b1, b2 := si.b[:n], si.b[n:]
	if m == 0 {
		for i := range d {
			si.z[i] = b1[i] / d[i]
		}
		return true
	}
	S := schurComplement(si.G, d)
	if si.pminres {
		ic, shift, err := shiftedIC0(S)
		if err != nil {
			si.err = err
			return false
		}
		si.shift = shift
		pc := blockDiagPrecond{d: d, ic: ic, n: n}
		r, err := linsolve.MINRES(ctx, matrix.NewCSR(si.K), si.b, linsolve.Settings{RTol: preconditionedRTol, MaxIter: min(10*(n+m), 50000), Precond: pc})
		if err != nil {
			si.err = err
			return false
		}
		copy(si.z, r.X)
		si.its = r.Iterations
		si.work = int64(r.Iterations) * (2*int64(si.K.NNZ()+2*ic.L().NNZ()) + 20*int64(n+m))
		return r.Status == linsolve.Converged
	}
	rhs := make([]float64, m)
	t := make([]float64, n)
	for i := range t {
		t[i] = b1[i] / d[i]
	}
	matrix.MulVec(rhs, si.G, t)
	for j := range rhs {
		rhs[j] -= b2[j]
	}
	ch, err := newEnvelopeCholesky(S)
	if err != nil {
		si.err = err
		return false
	}
	dl := make([]float64, m)
	ch.solve(dl, rhs)
	// One step of iterative refinement on S Δλ = rhs.
	r := make([]float64, m)
	matrix.MulVec(r, S, dl)
	for j := range r {
		r[j] = rhs[j] - r[j]
	}
	e := make([]float64, m)
	ch.solve(e, r)
	for j := range dl {
		dl[j] += e[j]
	}
	si.its = 2
	si.work = ch.flops + 8*int64(len(ch.val)) + 8*int64(S.NNZ()+len(d))
	matrix.MulVecTrans(t, si.G, dl)
	for i := 0; i < n; i++ {
		si.z[i] = (b1[i] - t[i]) / d[i]
	}
	copy(si.z[n:], dl)
	return allFinite(si.z)
}

func (si *schurInner) x() []float64   { return si.z }
func (si *schurInner) failure() error { return si.err }
func (si *schurInner) steps() int     { return si.its }
func (si *schurInner) flops() int64   { return si.work }

// blockDiagPrecond applies diag(D, L Lᵀ)⁻¹.
type blockDiagPrecond struct {
	d  []float64
	ic *linsolve.IC0
	n  int
}

func (p blockDiagPrecond) Precondition(dst, r []float64) {
	for i := 0; i < p.n; i++ {
		dst[i] = r[i] / p.d[i]
	}
	p.ic.Precondition(dst[p.n:], r[p.n:])
}

// envelopeCholesky is the Cholesky factor S = L Lᵀ of a sparse SPD matrix in
// envelope (skyline) storage: row i of L is stored densely from the first
// nonzero column f_i of row i of S to the diagonal (George & Liu, Computer
// Solution of Large Sparse Positive Definite Systems, 1981, ch. 4). There is
// no fill outside the envelope, so storage is Σᵢ(i − fᵢ + 1) and work
// Σᵢ(i − fᵢ)²/2: for the PDE problem's S (bandwidth 2N in the natural grid
// ordering) that is m·2N words and about m·(2N)²/2 flops — O(n²) in n = 2N²
// (no reordering is done; the natural ordering of a grid is already banded).
type envelopeCholesky struct {
	first []int     // first column of row i
	start []int     // offset of row i in val
	val   []float64 // rows of L, each from first[i] to i
	flops int64     // of the factorization
}

func newEnvelopeCholesky(S *sparse.CSR) (*envelopeCholesky, error) {
	m, _ := S.Dims()
	raw := S.RawMatrix()
	c := &envelopeCholesky{first: make([]int, m), start: make([]int, m+1)}
	for i := 0; i < m; i++ {
		f := i
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			if j := raw.Ind[k]; j < f && raw.Data[k] != 0 {
				f = j
			}
		}
		c.first[i] = f
		c.start[i+1] = c.start[i] + i - f + 1
	}
	const maxWords = 1 << 28 // 2 GiB of float64
	if c.start[m] > maxWords {
		return nil, fmt.Errorf("auglag: the Schur complement's envelope has %d entries (> %d): too much fill for envelope Cholesky", c.start[m], maxWords)
	}
	c.val = make([]float64, c.start[m])
	for i := 0; i < m; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			if j := raw.Ind[k]; j <= i {
				c.val[c.start[i]+j-c.first[i]] += raw.Data[k]
			}
		}
	}
	for i := 0; i < m; i++ {
		fi := c.first[i]
		ri := c.val[c.start[i]:c.start[i+1]] // ri[j−fi] = L_ij
		for j := fi; j < i; j++ {
			fj := c.first[j]
			rj := c.val[c.start[j]:c.start[j+1]]
			lo := max(fi, fj)
			s := ri[j-fi]
			a, b := ri[lo-fi:j-fi], rj[lo-fj:j-fj]
			for k, v := range a {
				s -= v * b[k]
			}
			c.flops += int64(2*len(a) + 1)
			ri[j-fi] = s / rj[j-fj]
		}
		s := ri[i-fi]
		for _, v := range ri[:i-fi] {
			s -= v * v
		}
		if !(s > 0) || math.IsInf(s, 0) {
			return nil, fmt.Errorf("auglag: the Schur complement G B⁻¹ Gᵀ is not positive definite (pivot %d = %g): G is rank deficient", i, s)
		}
		ri[i-fi] = math.Sqrt(s)
	}
	return c, nil
}

// solve sets dst = S⁻¹ b (4·len(val) flops) (dst and b may not alias).
func (c *envelopeCholesky) solve(dst, b []float64) {
	m := len(c.first)
	for i := 0; i < m; i++ { // L y = b
		fi := c.first[i]
		ri := c.val[c.start[i]:c.start[i+1]]
		s := b[i]
		for k, v := range ri[:i-fi] {
			s -= v * dst[fi+k]
		}
		dst[i] = s / ri[i-fi]
	}
	for i := m - 1; i >= 0; i-- { // Lᵀ x = y, column-oriented
		fi := c.first[i]
		ri := c.val[c.start[i]:c.start[i+1]]
		xi := dst[i] / ri[i-fi]
		dst[i] = xi
		for k, v := range ri[:i-fi] {
			dst[fi+k] -= v * xi
		}
	}
}
