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
// the Schur system solved by the sparse Cholesky factor of S (linsolve:
// AMD ordering, supernodal factorization, iterative refinement in Solve;
// the analysis is kept across iterations, see schurCache). Because Δx is
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
	cache   *schurCache
}

// newSchurInner checks that B is diagonal and positive (else every run
// fails with errNotDiagonal); the factorization happens in run.
func (s *solver) newSchurInner(K, B, G *sparse.CSR, b []float64, pminres bool) *schurInner {
	d, err := diagonalOf(B)
	if s.schur == nil {
		s.schur = &schurCache{}
	}
	return &schurInner{K: K, G: G, b: b, d: d, n: s.n, m: s.m, pminres: pminres, z: make([]float64, s.n+s.m), err: err, cache: s.schur}
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
	ch, err := si.cache.factor(S)
	if err != nil {
		si.err = err
		return false
	}
	dl := make([]float64, m)
	if _, err := ch.Solve(dl, rhs); err != nil {
		si.err = err
		return false
	}
	refine, _, _ := ch.SolveStats()
	si.its = 1 + refine
	// Work: the numeric factorization (Σ cⱼ² of the analysis) and one
	// forward/backward solve per pass (4 nnz(L) flops each).
	si.work = int64(ch.Symbolic().Flops()) + int64(si.its)*(4*ch.NNZL()+2*int64(S.NNZ()))
	matrix.MulVecTrans(t, si.G, dl)
	for i := 0; i < n; i++ {
		si.z[i] = (b1[i] - t[i]) / d[i]
	}
	copy(si.z[n:], dl)
	return allFinite(si.z)
}

// schurCache keeps the symbolic analysis (AMD ordering, elimination tree,
// supernodes) of the Schur complement S = G D⁻¹ Gᵀ across Newton
// iterations: the pattern of S is that of G Gᵀ, so only the first iteration
// analyses and every later one refactors in place (linsolve.Refactor).
type schurCache struct {
	f *linsolve.CholeskyFactor
}

// factor returns the sparse Cholesky factor of S, reusing the analysis and
// the factor's storage when S has the pattern of the previous call.
func (c *schurCache) factor(S *sparse.CSR) (*linsolve.CholeskyFactor, error) {
	if c.f != nil {
		err := c.f.Refactor(S)
		if err == nil {
			return c.f, nil
		}
		if !errors.Is(err, linsolve.ErrPatternChanged) {
			return nil, fmt.Errorf("auglag: Cholesky of the Schur complement: %w", err)
		}
	}
	sym, err := linsolve.AnalyzeSymmetric(S, linsolve.SymbolicSettings{})
	if err != nil {
		return nil, fmt.Errorf("auglag: analysis of the Schur complement: %w", err)
	}
	f, err := sym.Cholesky(S)
	if err != nil {
		c.f = nil
		return nil, fmt.Errorf("auglag: Cholesky of the Schur complement: %w", err)
	}
	c.f = f
	return f, nil
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
