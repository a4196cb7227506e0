package nlp

import (
	"math"
	"slices"

	"github.com/james-bowman/sparse"
)

// Funcs poses a problem from Go functions, without SIF:
//
//	minimize F(x)  subject to  CL ≤ C(x) ≤ CU,  XL ≤ x ≤ XU.
//
// The Jacobian and the Hessian of the Lagrangian are given by their
// sparsity pattern (coordinates, fixed once) and a function that fills the
// values in the pattern's order. *Funcs satisfies Problem and Starter (the
// fields are named Vars, Cons, XLower, … because the methods N, M, XL, …
// take the short names).
type Funcs struct {
	Vars, Cons int // n and m
	F          func(x []float64) float64
	Grad       func(dst, x []float64) // dst = ∇F(x)
	C          func(dst, x []float64) // dst = C(x); may be nil when M = 0
	// JacRows and JacCols list the structurally nonzero entries of the
	// M×N Jacobian; JacValues fills vals (len(JacRows)) at x.
	JacRows, JacCols []int
	JacValues        func(vals, x []float64)
	// HessRows and HessCols list the nonzero entries of the LOWER triangle
	// (row ≥ col) of σ∇²F + Σⱼ yⱼ∇²Cⱼ; HessValues fills vals
	// (len(HessRows)) at x for the objective factor sigma and the
	// multipliers y (y == nil means y = 0).
	HessRows, HessCols []int
	HessValues         func(vals, x []float64, sigma float64, y []float64)
	// Bounds. XLower and XUpper: nil means no bounds (±Inf). CLower and
	// CUpper: nil means 0, so leaving both nil poses C(x) = 0.
	XLower, XUpper, CLower, CUpper []float64
	// Start is the start point (nil: none).
	Start []float64

	jac, hess *sparse.CSR
	jmap      []int // pattern entry → CSR data position
	hmap      [][2]int
	jv, hv    []float64
}

func fill(v []float64, n int, def float64) []float64 {
	if v != nil {
		return slices.Clone(v)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = def
	}
	return out
}

// N, M, Objective, Gradient, XL, XU, CL, CU, X0, HessLag, Constraints,
// Jacobian, Hess and HessLagVec implement Problem (and Starter).

// N returns Vars.
func (q *Funcs) N() int                             { return q.Vars }
func (q *Funcs) M() int                             { return q.Cons }
func (q *Funcs) Objective(x []float64) float64      { return q.F(x) }
func (q *Funcs) Gradient(dst, x []float64)          { q.Grad(dst, x) }
func (q *Funcs) XL() []float64                      { return fill(q.XLower, q.Vars, math.Inf(-1)) }
func (q *Funcs) XU() []float64                      { return fill(q.XUpper, q.Vars, math.Inf(1)) }
func (q *Funcs) CL() []float64                      { return fill(q.CLower, q.Cons, 0) }
func (q *Funcs) CU() []float64                      { return fill(q.CUpper, q.Cons, 0) }
func (q *Funcs) X0() []float64                      { return fill(q.Start, q.Vars, 0) }
func (q *Funcs) HessLag(x, y []float64) *sparse.CSR { return q.Hess(x, 1, y) }
func (q *Funcs) Constraints(dst, x []float64) {
	if q.Cons > 0 {
		q.C(dst, x)
	}
}

// Jacobian returns the M×N Jacobian at x (owned by the problem).
func (q *Funcs) Jacobian(x []float64) *sparse.CSR {
	p := q
	if p.jac == nil {
		p.jac, p.jmap = buildCSR(p.Cons, p.Vars, p.JacRows, p.JacCols, false)
		p.jv = make([]float64, len(p.JacRows))
	}
	d := p.jac.RawMatrix().Data
	clear(d)
	if len(p.JacRows) > 0 {
		p.JacValues(p.jv, x)
	}
	for k, pos := range p.jmap {
		d[pos] += p.jv[k]
	}
	return p.jac
}

// Hess returns σ∇²F(x) + Σⱼ yⱼ∇²Cⱼ(x) in full symmetric storage (owned by
// the problem).
func (q *Funcs) Hess(x []float64, sigma float64, y []float64) *sparse.CSR {
	p := q
	if p.hess == nil {
		var m []int
		p.hess, m = buildCSR(p.Vars, p.Vars, p.HessRows, p.HessCols, true)
		p.hmap = make([][2]int, len(p.HessRows))
		for k := range p.HessRows {
			p.hmap[k] = [2]int{m[2*k], m[2*k+1]}
		}
		p.hv = make([]float64, len(p.HessRows))
	}
	d := p.hess.RawMatrix().Data
	clear(d)
	if len(p.HessRows) > 0 {
		p.HessValues(p.hv, x, sigma, y)
	}
	for k, pos := range p.hmap {
		d[pos[0]] += p.hv[k]
		if pos[1] != pos[0] {
			d[pos[1]] += p.hv[k]
		}
	}
	return p.hess
}

// HessLagVec sets dst = ∇²L(x, y)·v.
func (q *Funcs) HessLagVec(dst, x, y, v []float64) {
	h := q.HessLag(x, y).RawMatrix()
	for i := 0; i < q.Vars; i++ {
		s := 0.0
		for k := h.Indptr[i]; k < h.Indptr[i+1]; k++ {
			s += h.Data[k] * v[h.Ind[k]]
		}
		dst[i] = s
	}
}

// buildCSR builds an r×c CSR with the pattern (rows, cols) (mirrored when
// sym) and returns, for each pattern entry, its data position (two per
// entry, entry and mirror, when sym).
func buildCSR(r, c int, rows, cols []int, sym bool) (*sparse.CSR, []int) {
	type ent struct{ i, j int }
	set := map[ent]bool{}
	for k := range rows {
		i, j := rows[k], cols[k]
		if i < 0 || i >= r || j < 0 || j >= c {
			panic("nlp: Funcs pattern entry out of range")
		}
		set[ent{i, j}] = true
		if sym {
			set[ent{j, i}] = true
		}
	}
	es := make([]ent, 0, len(set))
	for e := range set {
		es = append(es, e)
	}
	slices.SortFunc(es, func(a, b ent) int {
		if a.i != b.i {
			return a.i - b.i
		}
		return a.j - b.j
	})
	ptr := make([]int, r+1)
	ind := make([]int, len(es))
	pos := map[ent]int{}
	for k, e := range es {
		ptr[e.i+1]++
		ind[k] = e.j
		pos[e] = k
	}
	for i := range r {
		ptr[i+1] += ptr[i]
	}
	var m []int
	for k := range rows {
		i, j := rows[k], cols[k]
		m = append(m, pos[ent{i, j}])
		if sym {
			m = append(m, pos[ent{j, i}])
		}
	}
	return sparse.NewCSR(r, c, ptr, ind, make([]float64, len(es))), m
}
