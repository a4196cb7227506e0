package nlp

import (
	"math"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/kkt-go/kkt/matrix"
)

// inner is the problem the interior-point core works on:
//
//	minimize f(v)  subject to  h(v) = 0,  vl ≤ v ≤ vu,
//
// with v = (x, d): nx general variables x, whose Jacobian block and Hessian
// block are dense, and nd "diagonal" variables d (slacks, and the p, n of
// the restoration problem), each of which enters exactly one row of h
// linearly with coefficient dcoef[k] = ±1 and has a constant Hessian
// diagonal dhess[k].
type inner interface {
	obj(v []float64) float64
	grad(dst, v []float64)
	cons(dst, v []float64)
	// jacX fills the dense me×nx Jacobian of h with respect to x
	// (row-major).
	jacX(dst, v []float64)
	// hessX fills the dense nx×nx Hessian (row-major, full) of
	// sigma·f + yᵀh with respect to x.
	hessX(dst, v, y []float64, sigma float64)
}

// structure is the shape of an inner problem.
type structure struct {
	nx, nd, me   int
	drow         []int     // row of h that diagonal variable k enters
	dcoef, dhess []float64 // its coefficient (±1) and Hessian diagonal
	vl, vu       []float64 // bounds of v (length nx+nd; ±Inf when absent)
	hasL, hasU   []bool    // finite bounds that carry a barrier term
	fixed        []bool    // x variables held fixed (not in the barrier)
}

// scaledNLP is the user's Problem in IPOPT's internal form: equality rows
// dc_j(c_j(x) − cl_j) = 0; inequality rows dc_j c_j(x) − s_k = 0 with a
// slack s_k ∈ [dc_j cl_j, dc_j cu_j]; objective df·f(x). Free rows (no
// finite side) are dropped. Bounds are relaxed (Settings.BoundRelaxFactor).
type scaledNLP struct {
	p     Problem
	n, m  int
	rows  []int // internal row → original constraint
	eq    []bool
	dc    []float64 // per original constraint
	df    float64
	tgt   []float64 // scaled cl for equality rows
	srow  []int     // slack k → internal row
	cbuf  []float64 // length m
	ybuf  []float64
	hsig  hessSigma // when p implements it
	jsp   *sparse.CSR
	hsp   *sparse.CSR
	nEval int
}

// hessSigma is implemented by problems (cutest.Problem, Funcs) that return
// σ∇²f + Σ yⱼ∇²cⱼ directly.
type hessSigma interface {
	Hess(x []float64, sigma float64, y []float64) *sparse.CSR
}

func (q *scaledNLP) obj(v []float64) float64 {
	q.nEval++
	return q.df * q.p.Objective(v[:q.n])
}

func (q *scaledNLP) grad(dst, v []float64) {
	q.p.Gradient(dst[:q.n], v[:q.n])
	for i := range q.n {
		dst[i] *= q.df
	}
	clear(dst[q.n:])
}

func (q *scaledNLP) cons(dst, v []float64) {
	if q.m == 0 {
		return
	}
	q.p.Constraints(q.cbuf, v[:q.n])
	k := 0
	for r, j := range q.rows {
		c := q.dc[j] * q.cbuf[j]
		if q.eq[r] {
			dst[r] = c - q.tgt[r]
		} else {
			dst[r] = c - v[q.n+k]
			k++
		}
	}
}

func (q *scaledNLP) jacX(dst, v []float64) {
	me := len(q.rows)
	clear(dst[:me*q.n])
	if me == 0 {
		return
	}
	jr := q.p.Jacobian(v[:q.n]).RawMatrix()
	for r, j := range q.rows {
		s := q.dc[j]
		row := dst[r*q.n : (r+1)*q.n]
		for k := jr.Indptr[j]; k < jr.Indptr[j+1]; k++ {
			row[jr.Ind[k]] += s * jr.Data[k]
		}
	}
}

func (q *scaledNLP) hessX(dst, v, y []float64, sigma float64) {
	n := q.n
	clear(dst[:n*n])
	clear(q.ybuf)
	any := false
	for r, j := range q.rows {
		q.ybuf[j] = y[r] * q.dc[j]
		any = any || q.ybuf[j] != 0
	}
	dg := blas64.General{Rows: n, Cols: n, Stride: n, Data: dst[:n*n]}
	add := func(h *sparse.CSR, s float64) { matrix.AddToDense(dg, s, h) }
	sigma *= q.df
	switch {
	case q.hsig != nil:
		yy := q.ybuf
		if !any {
			yy = nil
		}
		add(q.hsig.Hess(v[:n], sigma, yy), 1)
	case sigma != 0:
		for j := range q.ybuf {
			q.ybuf[j] /= sigma
		}
		yy := q.ybuf
		if !any {
			yy = nil
		}
		add(q.p.HessLag(v[:n], yy), sigma)
	default:
		// No σ form: Σ yⱼ∇²cⱼ = ∇²L(x, y) − ∇²f(x).
		if any {
			add(q.p.HessLag(v[:n], q.ybuf), 1)
			add(q.p.HessLag(v[:n], nil), -1)
		}
	}
}

// newScaled builds the internal form of p. xl, xu are p's bounds; the
// returned structure has the relaxed bounds (x part from xl, xu and slack
// part from cl, cu) — scaling factors are set later by setScaling.
func newScaled(p Problem, xl, xu, cl, cu []float64) *scaledNLP {
	n, m := p.N(), p.M()
	q := &scaledNLP{p: p, n: n, m: m, df: 1, dc: make([]float64, m), cbuf: make([]float64, m), ybuf: make([]float64, m)}
	for j := range m {
		q.dc[j] = 1
		lo, up := !math.IsInf(cl[j], -1), !math.IsInf(cu[j], 1)
		if !lo && !up {
			continue
		}
		q.rows = append(q.rows, j)
		q.eq = append(q.eq, cl[j] == cu[j])
	}
	q.tgt = make([]float64, len(q.rows))
	for r := range q.rows {
		if !q.eq[r] {
			q.srow = append(q.srow, r)
		}
	}
	if h, ok := p.(hessSigma); ok {
		q.hsig = h
	}
	return q
}
