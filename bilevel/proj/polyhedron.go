package proj

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// ErrDegenerate is returned (wrapped) when the dual active-set iteration
// cannot proceed (no convergence within MaxIter, or a breakdown of the
// factorization).
var ErrDegenerate = errors.New("proj: degenerate polyhedron projection")

// Polyhedron is {y : C·y ≤ d} with C dense k×n. Its projection solves the
// dual quadratic program
//
//	min_{λ ≥ 0} ½ λᵀQλ − λᵀq,   Q = C·Cᵀ,  q = C·v − d,
//
// exactly by the Lawson–Hanson active-set method, and returns y = v − Cᵀλ.
// The Cholesky factor of Q_PP on the active set P is updated, not
// recomputed, when a constraint enters (O(|P|²)) or leaves (O(|P|²)). A
// constraint whose row is a linear combination of the active rows (so Q_PP
// would be singular) enters by the dual ray step of Goldfarb and Idnani
// (Math. Programming 27, 1983): λ_new = t, λ_P −= t·a, which leaves y
// unchanged and lowers the dual objective, until an active multiplier reaches
// zero and leaves. If no active multiplier decreases, the dual is unbounded
// and the polyhedron is empty: ErrInfeasible.
//
// At return the KKT conditions hold to rounding: λ ≥ 0, C·y − d ≤ tol,
// λᵢ·(C·y − d)ᵢ = 0, with tol = 1e-12·max(1, max|q|). The active set of the
// previous call is the warm start of the next, so a sequence of nearby
// projections (as in an iterative method) costs few active-set changes.
type Polyhedron struct {
	C    *mat.Dense
	D    []float64
	k, n int
	qf   []float64 // Q = C·Cᵀ in full row-major storage (k×k)
	lam  []float64 // multipliers of the last projection
	ch   activeChol
	g, s []float64
	r    []float64
	// MaxIter bounds the active-set iterations (default 10k + 100).
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
	qf := make([]float64, k*k)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			qf[i*k+j] = q.At(i, j)
		}
	}
	p := &Polyhedron{C: c, D: d, k: k, n: n, qf: qf}
	p.alloc()
	return p, nil
}

func (p *Polyhedron) alloc() {
	k := p.k
	p.lam, p.g, p.s, p.r = make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k)
	p.ch = activeChol{l: make([]float64, k*k), stride: k, pos: make([]int, k), w: make([]float64, k), w2: make([]float64, k)}
}

// Clone returns a polyhedron sharing C, D and the Gram matrix but with its
// own scratch space and warm start, for a second sequence of projections.
func (p *Polyhedron) Clone() *Polyhedron {
	c := &Polyhedron{C: p.C, D: p.D, k: p.k, n: p.n, qf: p.qf, MaxIter: p.MaxIter}
	c.alloc()
	return c
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
	qv := p.r // q = C v − d
	mat.NewVecDense(k, qv).MulVec(p.C, mat.NewVecDense(p.n, v))
	scale := 1.0
	for i := range qv {
		qv[i] -= p.D[i]
		scale = max(scale, math.Abs(qv[i]))
	}
	tol := 1e-12 * scale
	lam, s, ch := p.lam, p.s, &p.ch
	clear(lam)
	maxIter := p.MaxIter
	if maxIter <= 0 {
		maxIter = 10*k + 100
	}
	p.Iterations = 0
	// Warm start: the factor of the previous call's active set is still
	// valid (Q does not depend on v); drop indices with non-positive
	// multipliers until the solution on P is positive.
	for {
		ch.solve(s, qv)
		drop := false
		for a := ch.p - 1; a >= 0; a-- {
			if s[ch.idx(a)] <= 0 {
				ch.remove(a)
				drop = true
			}
		}
		if !drop {
			break
		}
	}
	for a := 0; a < ch.p; a++ {
		lam[ch.idx(a)] = s[ch.idx(a)]
	}
	for {
		if p.Iterations > maxIter {
			return fmt.Errorf("%w (no convergence in %d active-set iterations)", ErrDegenerate, maxIter)
		}
		p.Iterations++
		// Inner loop: make the solution on P feasible (λ_P > 0).
		for {
			ch.solve(s, qv)
			alpha, neg := 1.0, false
			for a := 0; a < ch.p; a++ {
				i := ch.idx(a)
				if s[i] <= 0 {
					neg = true
					if t := lam[i] / (lam[i] - s[i]); t < alpha {
						alpha = t
					}
				}
			}
			if !neg {
				for a := 0; a < ch.p; a++ {
					lam[ch.idx(a)] = s[ch.idx(a)]
				}
				break
			}
			for a := ch.p - 1; a >= 0; a-- {
				i := ch.idx(a)
				lam[i] += alpha * (s[i] - lam[i])
				if lam[i] <= tol {
					lam[i] = 0
					ch.remove(a)
				}
			}
		}
		// g = q − Qλ, the negative dual gradient; the most positive entry
		// outside P enters.
		copy(p.g, qv)
		for a := 0; a < ch.p; a++ {
			i := ch.idx(a)
			floats.AddScaled(p.g, -lam[i], p.qf[i*k:(i+1)*k]) // g −= λ_i·Q_{i,:}
		}
		best, bi := tol, -1
		for i := 0; i < k; i++ {
			if lam[i] == 0 && !ch.has(i) && p.g[i] > best {
				best, bi = p.g[i], i
			}
		}
		if bi < 0 {
			break
		}
		dep, a := ch.tryAdd(p.qf, p.k, bi)
		if !dep {
			ch.add()
			continue
		}
		// Dependent row: dual ray step, then swap.
		t, amin := math.Inf(1), -1
		for ai := 0; ai < ch.p; ai++ {
			if a[ai] > 0 {
				if r := lam[ch.idx(ai)] / a[ai]; r < t {
					t, amin = r, ai
				}
			}
		}
		if amin < 0 {
			return fmt.Errorf("%w: constraint %d contradicts the active constraints", ErrInfeasible, bi)
		}
		for ai := 0; ai < ch.p; ai++ {
			lam[ch.idx(ai)] -= t * a[ai]
		}
		lam[ch.idx(amin)] = 0
		ch.remove(amin)
		lam[bi] = t
		if dep, _ := ch.tryAdd(p.qf, p.k, bi); dep {
			return fmt.Errorf("%w: swap failed at constraint %d", ErrDegenerate, bi)
		}
		ch.add()
	}
	// y = v − Cᵀ λ
	copy(dst, v)
	raw := p.C.RawMatrix()
	for i := 0; i < k; i++ {
		if lam[i] == 0 {
			continue
		}
		floats.AddScaled(dst, -lam[i], raw.Data[i*raw.Stride:i*raw.Stride+p.n])
	}
	return nil
}

// activeChol is the Cholesky factor L (lower triangular, p×p, row-major
// with a fixed stride) of Q_PP for an ordered active set P, with O(p²)
// insertion at the end and deletion anywhere.
type activeChol struct {
	l      []float64
	stride int
	p      int
	set    []int // constraint index at each position
	pos    []int // position+1 of each constraint (0 = not active)
	w, w2  []float64
	cand   int
	candD  float64
}

func (c *activeChol) idx(a int) int        { return c.set[a] }
func (c *activeChol) has(i int) bool       { return c.pos[i] > 0 }
func (c *activeChol) at(i, j int) *float64 { return &c.l[i*c.stride+j] }

// tryAdd computes the new row l = L⁻¹ Q_{P,i} of the factor for constraint i
// in c.w and reports whether row i is (numerically) dependent on the active
// rows: Q_ii − ‖l‖² ≤ 1e-10·Q_ii. When dependent, it returns
// a = L⁻ᵀ l = Q_PP⁻¹ Q_{P,i} (the coefficients of the combination).
func (c *activeChol) tryAdd(q []float64, k, i int) (bool, []float64) {
	p := c.p
	w := c.w[:p]
	for a := 0; a < p; a++ {
		v := q[c.set[a]*k+i]
		for b := 0; b < a; b++ {
			v -= *c.at(a, b) * w[b]
		}
		w[a] = v / *c.at(a, a)
	}
	var s float64
	for _, x := range w {
		s += x * x
	}
	qii := q[i*k+i]
	d2 := qii - s
	c.cand, c.candD = i, d2
	if d2 > 1e-10*qii {
		return false, nil
	}
	a := c.w2[:p]
	copy(a, w)
	for r := p - 1; r >= 0; r-- {
		v := a[r]
		for b := r + 1; b < p; b++ {
			v -= *c.at(b, r) * a[b]
		}
		a[r] = v / *c.at(r, r)
	}
	return true, a
}

// add appends the candidate of the last successful tryAdd.
func (c *activeChol) add() {
	p := c.p
	for b := 0; b < p; b++ {
		*c.at(p, b) = c.w[b]
	}
	*c.at(p, p) = math.Sqrt(c.candD)
	c.set = append(c.set, c.cand)
	c.pos[c.cand] = p + 1
	c.p++
}

// remove deletes position a: rows below move up and the trailing block is
// restored to lower-triangular form by Givens rotations.
func (c *activeChol) remove(a int) {
	p := c.p
	c.pos[c.set[a]] = 0
	for r := a; r < p-1; r++ {
		copy(c.l[r*c.stride:r*c.stride+p], c.l[(r+1)*c.stride:(r+1)*c.stride+p])
		c.set[r] = c.set[r+1]
		c.pos[c.set[r]] = r + 1
	}
	c.set = c.set[:p-1]
	p--
	// Rows a..p-1 now have entries in columns a..p (one extra column):
	// rotate columns (j, j+1) to zero entry (j, j+1).
	for j := a; j < p; j++ {
		x, y := *c.at(j, j), *c.at(j, j+1)
		r := math.Hypot(x, y)
		cs, sn := x/r, y/r
		if r == 0 {
			cs, sn = 1, 0
		}
		for i := j; i < p; i++ {
			u, v := *c.at(i, j), *c.at(i, j+1)
			*c.at(i, j) = cs*u + sn*v
			*c.at(i, j+1) = -sn*u + cs*v
		}
		if *c.at(j, j) < 0 {
			for i := j; i < p; i++ {
				*c.at(i, j) = -*c.at(i, j)
			}
		}
	}
	for i := 0; i < p; i++ {
		*c.at(i, p) = 0
	}
	c.p = p
}

// solve sets s[idx(a)] to the solution of L Lᵀ s_P = q_P (other entries of s
// are left alone).
func (c *activeChol) solve(s, q []float64) {
	p := c.p
	w := c.w[:p]
	for a := 0; a < p; a++ {
		v := q[c.set[a]]
		for b := 0; b < a; b++ {
			v -= *c.at(a, b) * w[b]
		}
		w[a] = v / *c.at(a, a)
	}
	for r := p - 1; r >= 0; r-- {
		v := w[r]
		for b := r + 1; b < p; b++ {
			v -= *c.at(b, r) * w[b]
		}
		w[r] = v / *c.at(r, r)
	}
	for a := 0; a < p; a++ {
		s[c.set[a]] = w[a]
	}
}
