package proj

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ErrDegenerate is returned (wrapped) when the active constraints of a
// polyhedron projection are linearly dependent, so the dual active-set system
// is singular.
var ErrDegenerate = errors.New("proj: linearly dependent active constraints")

// Polyhedron is {y : C·y ≤ d} with C dense k×n. Its projection solves the
// dual quadratic program
//
//	min_{λ ≥ 0} ½ λᵀQλ − λᵀq,   Q = C·Cᵀ,  q = C·v − d,
//
// exactly by the Lawson–Hanson active-set method, and returns y = v − Cᵀλ.
// At return the KKT conditions hold to rounding: λ ≥ 0, C·y − d ≤ tol,
// λᵢ·(C·y − d)ᵢ = 0, with tol = 1e-12·(1 + max|q|) relative to the row scale.
// The active set of the previous call is the warm start of the next, so a
// sequence of nearby projections (as in an iterative method) costs few
// active-set changes.
//
// Requirements: the constraints active at the projection must be linearly
// independent (LICQ); otherwise Project returns ErrDegenerate. An empty
// polyhedron is reported as ErrInfeasible or ErrDegenerate.
type Polyhedron struct {
	C       *mat.Dense
	D       []float64
	k, n    int
	q       *mat.SymDense // C·Cᵀ
	lam     []float64     // multipliers of the last projection
	passive []bool        // warm-start active set
	g, s, r []float64
	idx     []int
	// MaxIter bounds the active-set iterations (default 3k + 20).
	MaxIter int
	// Iterations is the number of active-set iterations of the last call.
	Iterations int
}

// NewPolyhedron returns {y : C·y ≤ d}. It copies neither C nor d.
func NewPolyhedron(c *mat.Dense, d []float64) (*Polyhedron, error) {
	k, n := c.Dims()
	if len(d) != k {
		panic(fmt.Sprintf("proj: NewPolyhedron: len(d)=%d, C has %d rows", len(d), k))
	}
	for _, x := range d {
		if math.IsNaN(x) {
			return nil, fmt.Errorf("proj: NewPolyhedron: %w in d", ErrNaN)
		}
	}
	q := mat.NewSymDense(k, nil)
	q.SymOuterK(1, c)
	for i := 0; i < k; i++ {
		if math.IsNaN(q.At(i, i)) || math.IsInf(q.At(i, i), 0) {
			return nil, fmt.Errorf("proj: NewPolyhedron: %w in C", ErrNaN)
		}
		if q.At(i, i) == 0 && d[i] < 0 {
			return nil, fmt.Errorf("%w: row %d of C is zero and d[%d]=%v < 0", ErrInfeasible, i, i, d[i])
		}
	}
	return &Polyhedron{C: c, D: d, k: k, n: n, q: q, lam: make([]float64, k), passive: make([]bool, k),
		g: make([]float64, k), s: make([]float64, k), r: make([]float64, k), idx: make([]int, 0, k)}, nil
}

// Dim returns n.
func (p *Polyhedron) Dim() int { return p.n }

// Multipliers returns the multipliers λ of the last projection (a view).
func (p *Polyhedron) Multipliers() []float64 { return p.lam }

// Project computes Π(v) = v − Cᵀλ with λ the dual solution.
func (p *Polyhedron) Project(dst, v []float64) error {
	checkDims("Polyhedron", p, dst, v)
	if err := finite(v); err != nil {
		return err
	}
	k := p.k
	// q = C v − d
	qv := p.r
	cv := mat.NewVecDense(k, qv)
	cv.MulVec(p.C, mat.NewVecDense(p.n, v))
	scale := 1.0
	for i := range qv {
		qv[i] -= p.D[i]
		scale = max(scale, math.Abs(qv[i]))
	}
	tol := 1e-12 * scale
	lam := p.lam
	clear(lam)
	maxIter := p.MaxIter
	if maxIter <= 0 {
		maxIter = 3*k + 20
	}
	p.Iterations = 0
	solve := func() error { // s_P = Q_PP⁻¹ q_P, s = 0 off P
		p.idx = p.idx[:0]
		for i, a := range p.passive {
			if a {
				p.idx = append(p.idx, i)
			}
		}
		clear(p.s)
		m := len(p.idx)
		if m == 0 {
			return nil
		}
		sub := mat.NewSymDense(m, nil)
		rhs := mat.NewVecDense(m, nil)
		for a, i := range p.idx {
			rhs.SetVec(a, qv[i])
			for b := a; b < m; b++ {
				sub.SetSym(a, b, p.q.At(i, p.idx[b]))
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(sub) {
			return ErrDegenerate
		}
		var sol mat.VecDense
		if err := ch.SolveVecTo(&sol, rhs); err != nil {
			return ErrDegenerate
		}
		for a, i := range p.idx {
			p.s[i] = sol.AtVec(a)
		}
		return nil
	}
	grad := func() { // g = q − Qλ (the negative dual gradient)
		copy(p.g, qv)
		for i := 0; i < k; i++ {
			if lam[i] == 0 {
				continue
			}
			for j := 0; j < k; j++ {
				p.g[j] -= p.q.At(j, i) * lam[i]
			}
		}
	}
	// Warm start: drop from the previous active set the indices whose
	// multiplier would be non-positive, until the solution on P is positive.
	for {
		if err := solve(); err != nil {
			return fmt.Errorf("proj: Polyhedron.Project: %w", err)
		}
		drop := false
		for _, i := range p.idx {
			if p.s[i] <= 0 {
				p.passive[i] = false
				drop = true
			}
		}
		if !drop {
			copy(lam, p.s)
			break
		}
	}
	for {
		if p.Iterations > maxIter {
			return fmt.Errorf("%w (no convergence in %d active-set iterations)", ErrDegenerate, maxIter)
		}
		p.Iterations++
		// Inner loop: make the solution on P feasible.
		for {
			if err := solve(); err != nil {
				return fmt.Errorf("proj: Polyhedron.Project: %w", err)
			}
			alpha, neg := 1.0, false
			for _, i := range p.idx {
				if p.s[i] <= 0 {
					neg = true
					if a := lam[i] / (lam[i] - p.s[i]); a < alpha {
						alpha = a
					}
				}
			}
			if !neg {
				copy(lam, p.s)
				break
			}
			for _, i := range p.idx {
				lam[i] += alpha * (p.s[i] - lam[i])
				if lam[i] <= tol {
					lam[i] = 0
					p.passive[i] = false
				}
			}
		}
		grad()
		best, bi := tol, -1
		for i := 0; i < k; i++ {
			if !p.passive[i] && p.g[i] > best {
				best, bi = p.g[i], i
			}
		}
		if bi < 0 {
			break
		}
		// If row bi is (numerically) a combination Σ a_j c_j of the active
		// rows, adding it would make Q_PP singular. Move instead along the
		// dual ray λ_bi = t, λ_P −= t·a, which leaves y unchanged and lowers
		// the dual objective, until an active multiplier reaches zero; that
		// constraint leaves (the Goldfarb–Idnani treatment of dependent
		// constraints). No positive a_j means the dual is unbounded below:
		// the polyhedron is empty.
		a, dep, err := p.dependence(bi)
		if err != nil {
			return fmt.Errorf("proj: Polyhedron.Project: %w", err)
		}
		if dep {
			t, jmin := math.Inf(1), -1
			for ai, j := range p.idx {
				if a[ai] > 0 && lam[j]/a[ai] < t {
					t, jmin = lam[j]/a[ai], j
				}
			}
			if jmin < 0 {
				return fmt.Errorf("%w: constraint %d contradicts the active constraints", ErrInfeasible, bi)
			}
			for ai, j := range p.idx {
				lam[j] -= t * a[ai]
			}
			lam[jmin] = 0
			p.passive[jmin] = false
			lam[bi] = t
		}
		p.passive[bi] = true
	}
	// y = v − Cᵀ λ
	copy(dst, v)
	raw := p.C.RawMatrix()
	for i := 0; i < k; i++ {
		if lam[i] == 0 {
			continue
		}
		row := raw.Data[i*raw.Stride : i*raw.Stride+p.n]
		for j, c := range row {
			dst[j] -= lam[i] * c
		}
	}
	return nil
}

// dependence returns a = Q_PP⁻¹ Q_{P,i} for the current active set P and
// whether row i of C lies in the span of the active rows, judged by
// ‖c_i − C_Pᵀa‖² = Q_ii − Q_{iP}·a ≤ 1e-10·Q_ii.
func (p *Polyhedron) dependence(i int) ([]float64, bool, error) {
	p.idx = p.idx[:0]
	for j, a := range p.passive {
		if a {
			p.idx = append(p.idx, j)
		}
	}
	m := len(p.idx)
	if m == 0 {
		return nil, false, nil
	}
	sub := mat.NewSymDense(m, nil)
	rhs := mat.NewVecDense(m, nil)
	for a, j := range p.idx {
		rhs.SetVec(a, p.q.At(j, i))
		for b := a; b < m; b++ {
			sub.SetSym(a, b, p.q.At(j, p.idx[b]))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(sub) {
		return nil, false, ErrDegenerate
	}
	var sol mat.VecDense
	if err := ch.SolveVecTo(&sol, rhs); err != nil {
		return nil, false, ErrDegenerate
	}
	res := p.q.At(i, i) - mat.Dot(rhs, &sol)
	return sol.RawVector().Data, res <= 1e-10*p.q.At(i, i), nil
}
