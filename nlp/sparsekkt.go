package nlp

import (
	"errors"
	"math"

	"github.com/james-bowman/sparse"
	"github.com/james-bowman/sparse/blas"
	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/linsolve"
)

type blasSparse = blas.SparseMatrix

// sparseInner is implemented by inner problems that can give their
// Jacobian and Hessian as sparse matrices with fixed patterns (both of
// kkt's do); the core then assembles the KKT matrix sparse and factors it
// with linsolve's sparse LDLᵀ.
type sparseInner interface {
	// jacXSparse returns the me×nx Jacobian of h with respect to x.
	jacXSparse(v []float64) *sparse.CSR
	// hessXSparse returns ∇²_xx(σ·f + yᵀh) in full symmetric storage.
	hessXSparse(v, y []float64, sigma float64) *sparse.CSR
	// hessXDiag returns a constant diagonal added to the x block (nil: none).
	hessXDiag() []float64
}

// sparseKKT is the sparse form of the reduced KKT matrix (lower triangle,
// order nx + me; the diagonal variables are eliminated, no rows condensed).
type sparseKKT struct {
	K          *sparse.CSR
	data       []float64
	dpos       []int // position of each diagonal entry
	hmap       []int // Hessian entry → K position (−1: upper triangle or fixed)
	jmap       []int // Jacobian entry → K position (−1: fixed column)
	sym        *linsolve.Symbolic
	f          *linsolve.LDLFactor
	J, W       *sparse.CSR // current Jacobian and Hessian (owned by the problem)
	hptr, jptr []int       // patterns the maps were built for
}

// sparseMin: the sparse path is used when the dense reduced system (after
// condensing) would exceed this order.
var sparseMin = 300

// initSparse builds the KKT pattern from the Jacobian and Hessian patterns
// at c.v.
func (c *core) initSparse(si sparseInner) {
	nx, me, st := c.nx, c.me, c.st
	J := si.jacXSparse(c.v)
	W := si.hessXSparse(c.v, c.y, 1)
	jr, wr := J.RawMatrix(), W.RawMatrix()
	n := nx + me
	ptr := make([]int, n+1)
	var ind []int
	sp := &sparseKKT{dpos: make([]int, n), hmap: make([]int, len(wr.Data)), jmap: make([]int, len(jr.Data))}
	fixed := func(i int) bool { return st.fixed != nil && st.fixed[i] }
	for i := range nx {
		for k := wr.Indptr[i]; k < wr.Indptr[i+1]; k++ {
			sp.hmap[k] = -1
			if j := wr.Ind[k]; j < i && !fixed(i) && !fixed(j) {
				sp.hmap[k] = len(ind)
				ind = append(ind, j)
			}
		}
		sp.dpos[i] = len(ind)
		ind = append(ind, i)
		ptr[i+1] = len(ind)
	}
	for r := range me {
		for k := jr.Indptr[r]; k < jr.Indptr[r+1]; k++ {
			sp.jmap[k] = -1
			if j := jr.Ind[k]; !fixed(j) {
				sp.jmap[k] = len(ind)
				ind = append(ind, j)
			}
		}
		sp.dpos[nx+r] = len(ind)
		ind = append(ind, nx+r)
		ptr[nx+r+1] = len(ind)
	}
	// Column indices within a row must be sorted for the CSR; the
	// Hessian/Jacobian rows are sorted and the diagonal comes last, except
	// that merged duplicates are summed by the analysis.
	sp.data = make([]float64, len(ind))
	sp.K = sparse.NewCSR(n, n, ptr, ind, sp.data)
	sp.hptr = append([]int(nil), wr.Indptr...)
	sp.jptr = append([]int(nil), jr.Indptr...)
	c.sp = sp
	c.spIn = si
}

// buildSparse fills the values of the sparse KKT matrix (see buildKKT).
func (c *core) buildSparse(dw, dc float64, lsq bool) bool {
	sp, nx, st := c.sp, c.nx, c.st
	clear(sp.data)
	ok := c.diagElim(dw, dc, lsq)
	fixed := func(i int) bool { return st.fixed != nil && st.fixed[i] }
	if !lsq {
		wr := sp.W.RawMatrix()
		for k, p := range sp.hmap {
			if p >= 0 {
				sp.data[p] += wr.Data[k]
			}
		}
	}
	var hd []float64
	var wr *blasSparse
	if !lsq {
		hd = c.spIn.hessXDiag()
		wr = sp.W.RawMatrix()
	}
	for i := range nx {
		p := sp.dpos[i]
		if fixed(i) {
			sp.data[p] = 1
			continue
		}
		d := dw
		if !lsq {
			d += c.sigma(i)
			for k := wr.Indptr[i]; k < wr.Indptr[i+1]; k++ {
				if wr.Ind[k] == i {
					d += wr.Data[k]
				}
			}
			if hd != nil {
				d += hd[i]
			}
		}
		sp.data[p] += d
	}
	jr := sp.J.RawMatrix()
	for k, p := range sp.jmap {
		if p >= 0 {
			sp.data[p] += jr.Data[k]
		}
	}
	for r := range c.me {
		sp.data[sp.dpos[nx+r]] = -c.rd[r]
	}
	return ok
}

// factorSparse factors the sparse KKT matrix and returns its inertia.
func (c *core) factorSparse() (pos, neg, zero int, err error) {
	sp := c.sp
	for _, v := range sp.data {
		if !finite(v) {
			return 0, 0, 0, errors.New("nlp: non-finite KKT entry")
		}
	}
	if sp.sym == nil {
		sym, err := linsolve.AnalyzeSymmetric(sp.K, linsolve.SymbolicSettings{})
		if err != nil {
			return 0, 0, 0, err
		}
		sp.sym = sym
		f, ferr := sym.LDL(sp.K, linsolve.LDLSettings{ZeroTol: -1})
		if f == nil {
			return 0, 0, 0, ferr
		}
		sp.f = f
	} else if err := sp.f.Refactor(sp.K); err != nil && !errors.Is(err, linsolve.ErrSingular) {
		return 0, 0, 0, err
	}
	pos, neg, zero = sp.f.Inertia()
	return pos, neg, zero, nil
}

// spAddJTy adds Jᵀy (x part) with the sparse Jacobian.
func (c *core) spAddJTy(dst, y []float64) {
	jr := c.sp.J.RawMatrix()
	for r := range c.me {
		yr := y[r]
		if yr == 0 {
			continue
		}
		for k := jr.Indptr[r]; k < jr.Indptr[r+1]; k++ {
			dst[jr.Ind[k]] += jr.Data[k] * yr
		}
	}
}

func allFiniteCSR(a *sparse.CSR) bool {
	for _, v := range a.RawMatrix().Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// jacXSparse returns the scaled Jacobian of the kept rows (pattern built
// once from the problem's Jacobian, which has a fixed pattern).
func (q *scaledNLP) jacXSparse(v []float64) *sparse.CSR {
	jr := q.p.Jacobian(v[:q.n]).RawMatrix()
	if q.jsp == nil {
		ptr := make([]int, len(q.rows)+1)
		var ind []int
		for r, j := range q.rows {
			ind = append(ind, jr.Ind[jr.Indptr[j]:jr.Indptr[j+1]]...)
			ptr[r+1] = len(ind)
		}
		q.jsp = sparse.NewCSR(len(q.rows), q.n, ptr, ind, make([]float64, len(ind)))
	}
	d := q.jsp.RawMatrix().Data
	if n := q.jsp.RawMatrix().Indptr; !samePattern(jr, q.rows, n) {
		// The Problem broke its contract (fixed pattern): report NaN.
		for k := range d {
			d[k] = math.NaN()
		}
		return q.jsp
	}
	k := 0
	for _, j := range q.rows {
		s := q.dc[j]
		for t := jr.Indptr[j]; t < jr.Indptr[j+1]; t++ {
			d[k] = s * jr.Data[t]
			k++
		}
	}
	return q.jsp
}

// hessXSparse returns σ·df·∇²f + Σ y_r dc_j ∇²c_j (full symmetric storage,
// the problem's pattern).
func (q *scaledNLP) hessXSparse(v, y []float64, sigma float64) *sparse.CSR {
	n := q.n
	clear(q.ybuf)
	any := false
	for r, j := range q.rows {
		q.ybuf[j] = y[r] * q.dc[j]
		any = any || q.ybuf[j] != 0
	}
	yy := q.ybuf
	if !any {
		yy = nil
	}
	sigma *= q.df
	var h *sparse.CSR
	scale := 1.0
	switch {
	case q.hsig != nil:
		h = q.hsig.Hess(v[:n], sigma, yy)
	case sigma != 0:
		for j := range q.ybuf {
			q.ybuf[j] /= sigma
		}
		h, scale = q.p.HessLag(v[:n], yy), sigma
	default:
		h = q.p.HessLag(v[:n], yy)
	}
	hr := h.RawMatrix()
	if q.hsp == nil {
		q.hsp = sparse.NewCSR(n, n, append([]int(nil), hr.Indptr...), append([]int(nil), hr.Ind...), make([]float64, len(hr.Data)))
	}
	d := q.hsp.RawMatrix().Data
	if len(hr.Data) != len(d) {
		// The Problem broke its contract (fixed pattern): report NaN.
		for k := range d {
			d[k] = math.NaN()
		}
		return q.hsp
	}
	for k, x := range hr.Data {
		d[k] = scale * x
	}
	if q.hsig == nil && sigma == 0 {
		// Σ yⱼ∇²cⱼ = ∇²L(x, y) − ∇²f(x) (same pattern).
		if any {
			h0 := q.p.HessLag(v[:n], nil).RawMatrix().Data
			if len(h0) != len(d) {
				h0 = make([]float64, len(d))
				for k := range h0 {
					h0[k] = math.NaN()
				}
			}
			for k, x := range h0 {
				d[k] -= x
			}
		} else {
			clear(d)
		}
	}
	return q.hsp
}

func (q *scaledNLP) hessXDiag() []float64 { return nil }

func (r *restoNLP) jacXSparse(v []float64) *sparse.CSR {
	return r.q.(sparseInner).jacXSparse(v[:r.nv])
}

func (r *restoNLP) hessXSparse(v, y []float64, sigma float64) *sparse.CSR {
	return r.q.(sparseInner).hessXSparse(v[:r.nv], y, 0)
}

// hessXDiag is ζ·D_R on x (the proximal term's Hessian as IPOPT 3.11.9 has it, see restoNLP).
func (r *restoNLP) hessXDiag() []float64 {
	if r.xdiag == nil {
		r.xdiag = make([]float64, r.nx)
	}
	z := r.zeta()
	for i := range r.nx {
		r.xdiag[i] = z * r.dg[i]
	}
	return r.xdiag
}

// samePattern reports whether the kept rows of the Jacobian jr have the
// row lengths recorded in ptr.
func samePattern(jr *blasSparse, rows []int, ptr []int) bool {
	if len(ptr) != len(rows)+1 {
		return false
	}
	for r, j := range rows {
		if jr.Indptr[j+1]-jr.Indptr[j] != ptr[r+1]-ptr[r] {
			return false
		}
	}
	return true
}

// spResidualRatio is ‖rhs − K·sol‖∞ / (max|K|·‖sol‖∞ + ‖rhs‖∞) for the
// sparse KKT matrix (lower triangle stored).
func (c *core) spResidualRatio() float64 {
	raw := c.sp.K.RawMatrix()
	clear(c.res)
	kmax := 0.0
	for i := range c.nk {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			j, a := raw.Ind[k], raw.Data[k]
			kmax = max(kmax, math.Abs(a))
			c.res[i] += a * c.sol[j]
			if j != i {
				c.res[j] += a * c.sol[i]
			}
		}
	}
	r := 0.0
	for i := range c.res {
		r = max(r, math.Abs(c.rhs[i]-c.res[i]))
	}
	d := kmax*floats.Norm(c.sol, math.Inf(1)) + floats.Norm(c.rhs, math.Inf(1))
	if d == 0 {
		return 0
	}
	return r / d
}
