package sketch

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// RowRule selects how randomized Kaczmarz picks a row.
type RowRule int

const (
	// RowNorm samples row i with probability ‖A_i‖²/‖A‖_F² (Strohmer &
	// Vershynin); zero rows are never chosen.
	RowNorm RowRule = iota
	// UniformRow samples rows uniformly (the "RK" solver of the AdaSketch
	// reference code); a zero row is skipped (the step does nothing).
	UniformRow
)

// ----------------------------------------------------------------------------
// Randomized Kaczmarz.

type kaczmarz struct {
	al *alias // nil: uniform
	g  *gram  // Settings.Gram: G = A·Aᵀ for the residual update
}

// NewKaczmarz returns randomized Kaczmarz for A·x = b (A m×n, any shape):
//
//	pick row i (by rule), x ← x + (b_i − A_i·x)/‖A_i‖² · A_iᵀ.
//
// With RowNorm sampling on a consistent system, Strohmer & Vershynin (2009)
// prove E‖x_k − x*‖² ≤ (1 − σ_min²(A)/‖A‖_F²)^k ‖x₀ − x*‖², where x* is the
// solution nearest to x₀ and σ_min the smallest nonzero singular value.
// A is a *sparse.CSR (used in place) or any mat.Matrix (converted to CSR
// once, dropping zeros).
func NewKaczmarz(a mat.Matrix, b []float64, rule RowRule, set Settings) (*Solver, error) {
	s, err := newSolver("NewKaczmarz", a, b, set, false)
	if err != nil {
		return nil, err
	}
	k := &kaczmarz{}
	if rule == RowNorm {
		k.al = newAlias(s.a.rowNorm2)
	}
	if set.Gram && s.track {
		k.g = newGram(s.a)
		s.work.Flops += 2 * int64(k.g.ptr[s.a.m])
	}
	s.m = k
	return s, nil
}

func (k *kaczmarz) step(s *Solver) {
	a := s.a
	var i int
	if k.al != nil {
		i = k.al.draw(s.rng)
	} else {
		i = s.rng.IntN(a.m)
	}
	s.work.RowsTouched++
	nr := a.rowNorm2[i]
	if nr == 0 {
		return
	}
	lo, hi := a.ptr[i], a.ptr[i+1]
	ind, val := a.ind[lo:hi], a.val[lo:hi]
	val = val[:len(ind)]
	x := s.x
	var d float64
	for t, j := range ind {
		d += val[t] * x[j]
	}
	alpha := (s.b[i] - d) / nr
	for t, j := range ind {
		x[j] += alpha * val[t]
	}
	s.work.Flops += 4 * int64(hi-lo)
	if s.track {
		if k.g != nil {
			s.gramUpdate(k.g, i, alpha)
			return
		}
		for t, j := range ind {
			s.colUpdate(j, alpha*val[t])
		}
	}
}

// ----------------------------------------------------------------------------
// Block Kaczmarz (Needell & Tropp 2014).

type blockKaczmarz struct {
	blocks [][]int
	pinv   [][]float64 // (A_τ A_τᵀ)⁺ per block, row-major
	y, lam []float64
	d      []float64
	mark   []int
	list   []int
	stamp  int
}

// NewBlockKaczmarz returns the randomized block Kaczmarz method of Needell &
// Tropp: the rows are split once (with the solver's generator) into
// ⌈m/blockSize⌉ random blocks τ of nearly equal size, and each step picks a
// block uniformly and projects onto its solution set:
//
//	x ← x + A_τᵀ (A_τ A_τᵀ)⁺ (b_τ − A_τ x).
//
// The pseudo-inverses of the block Gram matrices are computed once
// (eigenvalues below |τ|·u·λ_max are dropped), so a step costs
// O(|τ|·nnz(row) + |τ|²) and allocates nothing.
func NewBlockKaczmarz(a mat.Matrix, b []float64, blockSize int, set Settings) (*Solver, error) {
	s, err := newSolver("NewBlockKaczmarz", a, b, set, false)
	if err != nil {
		return nil, err
	}
	m := s.a.m
	if blockSize < 1 || blockSize > m {
		panic(fmt.Sprintf("sketch: NewBlockKaczmarz: blockSize = %d outside [1, m = %d]", blockSize, m))
	}
	perm := s.rng.Perm(m)
	nb := (m + blockSize - 1) / blockSize
	bk := &blockKaczmarz{blocks: make([][]int, nb), pinv: make([][]float64, nb),
		y: make([]float64, blockSize), lam: make([]float64, blockSize),
		d: make([]float64, s.a.n), mark: make([]int, s.a.n), list: make([]int, 0, s.a.n)}
	for q := 0; q < nb; q++ {
		lo, hi := q*m/nb, (q+1)*m/nb
		bk.blocks[q] = perm[lo:hi]
		bk.pinv[q] = blockPinv(s.a, perm[lo:hi], bk.d)
	}
	s.m = bk
	return s, nil
}

// blockPinv returns (A_τ A_τᵀ)⁺ for the rows τ; d is an n-vector scratch (zero on entry and exit).
func blockPinv(a *rowMat, rows []int, d []float64) []float64 {
	q := len(rows)
	g := mat.NewSymDense(q, nil)
	for u, i := range rows {
		for k := a.ptr[i]; k < a.ptr[i+1]; k++ {
			d[a.ind[k]] += a.val[k]
		}
		for v := u; v < q; v++ {
			j := rows[v]
			var t float64
			for k := a.ptr[j]; k < a.ptr[j+1]; k++ {
				t += a.val[k] * d[a.ind[k]]
			}
			g.SetSym(u, v, t)
		}
		for k := a.ptr[i]; k < a.ptr[i+1]; k++ {
			d[a.ind[k]] = 0
		}
	}
	out, _ := pinvSym(g)
	return out
}

// pinvSym returns the pseudo-inverse of the q×q symmetric g (row-major),
// dropping eigenvalues ≤ 10·q·u·max|λ|; false if the eigensolver fails or
// g = 0.
func pinvSym(g *mat.SymDense) ([]float64, bool) {
	q := g.SymmetricDim()
	out := make([]float64, q*q)
	var es mat.EigenSym
	if !es.Factorize(g, true) {
		return out, false
	}
	ev := es.Values(nil)
	var vec mat.Dense
	es.VectorsTo(&vec)
	lmax := 0.0
	for _, l := range ev {
		lmax = max(lmax, math.Abs(l))
	}
	if !(lmax > 0) {
		return out, false
	}
	cut := 10 * float64(q) * unitRoundoff * lmax
	for t, l := range ev {
		if l <= cut {
			continue
		}
		for u := 0; u < q; u++ {
			vu := vec.At(u, t) / l
			for v := 0; v < q; v++ {
				out[u*q+v] += vu * vec.At(v, t)
			}
		}
	}
	return out, true
}

func (bk *blockKaczmarz) step(s *Solver) {
	a := s.a
	q := s.rng.IntN(len(bk.blocks))
	rows := bk.blocks[q]
	p := bk.pinv[q]
	nq := len(rows)
	x := s.x
	y := bk.y[:nq]
	var fl int64
	for u, i := range rows {
		v := s.b[i]
		for k := a.ptr[i]; k < a.ptr[i+1]; k++ {
			v -= a.val[k] * x[a.ind[k]]
		}
		y[u] = v
		fl += int64(a.ptr[i+1] - a.ptr[i])
	}
	lam := bk.lam[:nq]
	for u := range lam {
		var t float64
		row := p[u*nq : u*nq+nq]
		for v, w := range row {
			t += w * y[v]
		}
		lam[u] = t
	}
	// d = A_τᵀ λ on its support list.
	bk.stamp++
	bk.list = bk.list[:0]
	for u, i := range rows {
		l := lam[u]
		for k := a.ptr[i]; k < a.ptr[i+1]; k++ {
			j := a.ind[k]
			if bk.mark[j] != bk.stamp {
				bk.mark[j] = bk.stamp
				bk.list = append(bk.list, j)
			}
			bk.d[j] += l * a.val[k]
		}
	}
	for _, j := range bk.list {
		x[j] += bk.d[j]
		if s.track {
			s.colUpdate(j, bk.d[j])
		}
		bk.d[j] = 0
	}
	s.work.RowsTouched += int64(nq)
	s.work.Flops += 4*fl + 2*int64(nq*nq) + int64(len(bk.list))
}

// ----------------------------------------------------------------------------
// Sketch-and-project (Gower & Richtárik 2015).

type sketchProject struct {
	sk     Sketch
	energy bool
	ns     int
	sm     *mat.Dense // S·A, s×n
	mt     *mat.Dense // (S·A)ᵀ, n×s (energy mode)
	g      []float64  // s×s
	gd     *mat.Dense // view of g
	sb, y  []float64
	d, dm  []float64 // n and m scratch
}

// NewSketchProject returns the sketch-and-project method of Gower & Richtárik
// with W = I (any A, m×n): each step draws a fresh S from sk's distribution
// (sk.Redraw) and projects x onto {z : S·A·z = S·b},
//
//	x ← x + (S A)ᵀ (S A Aᵀ Sᵀ)⁻¹ S (b − A x),
//
// with the s×s system solved by Cholesky. A Sampling sketch with s = 1 is
// randomized Kaczmarz, with s > 1 randomized block Kaczmarz; a Gaussian
// sketch with s = 1 is the "GV" solver of Hong et al. (2023),
// x ← x + (sᵀr/‖Aᵀs‖²)·Aᵀs. Gower & Richtárik prove
// E‖x_k − x*‖² ≤ (1 − λ_min⁺(E[Z]))^k ‖x₀ − x*‖² with
// Z = Aᵀ Sᵀ(S A Aᵀ Sᵀ)⁺ S A. The sketch must have m columns. If S A Aᵀ Sᵀ is
// numerically singular the step is skipped (never divides by zero).
func NewSketchProject(a mat.Matrix, b []float64, sk Sketch, set Settings) (*Solver, error) {
	return newSketchProject("NewSketchProject", a, b, sk, false, set)
}

// NewSketchProjectSPD returns sketch-and-project with W = A for a symmetric
// positive definite A (n×n): each step solves the sketched system exactly in
// the A-norm,
//
//	x ← x + Sᵀ (S A Sᵀ)⁻¹ S (b − A x).
//
// A Sampling sketch with s = 1 gives randomized coordinate descent, a
// Gaussian one random-direction (Gaussian) descent. The convergence
// E‖x_k − x*‖²_A ≤ (1 − λ_min(A^{1/2} E[Sᵀ(S A Sᵀ)⁻¹S] A^{1/2}))^k ‖x₀ − x*‖²_A
// holds (Gower & Richtárik 2015, Thm 4.6). Symmetry of A is assumed, not checked.
func NewSketchProjectSPD(a mat.Matrix, b []float64, sk Sketch, set Settings) (*Solver, error) {
	return newSketchProject("NewSketchProjectSPD", a, b, sk, true, set)
}

// NewGaussianKaczmarz returns sketch-and-project with a single Gaussian
// row s ~ N(0, I) per step (the "GV" solver of the AdaSketch-Newton code).
func NewGaussianKaczmarz(a mat.Matrix, b []float64, set Settings) (*Solver, error) {
	r, _ := a.Dims()
	return newSketchProject("NewGaussianKaczmarz", a, b, &Dense{s: 1, m: r, st: make([]float64, r)}, false, set)
}

func newSketchProject(name string, a mat.Matrix, b []float64, sk Sketch, energy bool, set Settings) (*Solver, error) {
	s, err := newSolver(name, a, b, set, false)
	if err != nil {
		return nil, err
	}
	ns, sm := sk.Dims()
	if sm != s.a.m {
		panic(fmt.Sprintf("sketch: %s: sketch has %d columns, A has %d rows", name, sm, s.a.m))
	}
	if energy && s.a.m != s.a.n {
		panic(fmt.Sprintf("sketch: %s: A is %d×%d, not square", name, s.a.m, s.a.n))
	}
	n := s.a.n
	p := &sketchProject{sk: sk, energy: energy, ns: ns, sm: mat.NewDense(ns, n, nil),
		g: make([]float64, ns*ns), sb: make([]float64, ns), y: make([]float64, ns),
		d: make([]float64, n), dm: make([]float64, s.a.m)}
	if energy {
		p.mt = mat.NewDense(n, ns, nil)
	}
	p.gd = mat.NewDense(ns, ns, p.g)
	s.m = p
	return s, nil
}

func (p *sketchProject) step(s *Solver) {
	a := s.a
	p.sk.Redraw(s.rng)
	p.sk.MulCSR(p.sm, a.csr) // S·A
	p.sk.Apply(p.sb, s.b)
	M := p.sm.RawMatrix()
	ns, n := p.ns, a.n
	// y = S b − (S A) x = S r
	blas64.Gemv(blas.NoTrans, -1, M, blas64.Vector{N: n, Inc: 1, Data: s.x}, 0, blas64.Vector{N: ns, Inc: 1, Data: p.y})
	for i := range p.y {
		p.y[i] += p.sb[i]
	}
	fl, rows := sketchCost(p.sk, a)
	s.work.Flops += fl + 2*int64(ns*n)
	s.work.RowsTouched += rows
	g := blas64.General{Rows: ns, Cols: ns, Stride: ns, Data: p.g}
	if p.energy {
		// G = S A Sᵀ = S·(S A)ᵀ.
		mt := p.mt.RawMatrix()
		transposeInto(mt, M.Data, ns, n)
		p.sk.MulDense(p.gd, p.mt)
	} else {
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, M, M, 0, g)
	}
	s.work.Flops += 2 * int64(ns*ns*n)
	if !p.solve(g) && !p.solvePinv(g) {
		return
	}
	if p.energy {
		// x += Sᵀλ, r −= (S A)ᵀ λ (A symmetric: A Sᵀ = (S A)ᵀ).
		p.sk.ApplyTrans(p.dm, p.y)
		for i, v := range p.dm {
			s.x[i] += v
		}
		if s.track {
			blas64.Gemv(blas.Trans, 1, M, blas64.Vector{N: ns, Inc: 1, Data: p.y}, 0, blas64.Vector{N: n, Inc: 1, Data: p.d})
			s.subtractDense(p.d)
		}
		return
	}
	// d = (S A)ᵀ λ; x += d; r −= A d.
	blas64.Gemv(blas.Trans, 1, M, blas64.Vector{N: ns, Inc: 1, Data: p.y}, 0, blas64.Vector{N: n, Inc: 1, Data: p.d})
	for j, v := range p.d {
		s.x[j] += v
	}
	s.work.Flops += 4 * int64(ns*n)
	if s.track {
		s.denseUpdate(p.d)
	}
}

// solve overwrites p.y with G⁻¹ y by Cholesky; false if G is not
// numerically positive definite.
func (p *sketchProject) solve(g blas64.General) bool {
	ns := p.ns
	if ns == 1 {
		if !(g.Data[0] > 0) || g.Data[0] < 1e-300 {
			return false
		}
		p.y[0] /= g.Data[0]
		return true
	}
	var dmax float64
	for i := 0; i < ns; i++ {
		dmax = max(dmax, g.Data[i*ns+i])
	}
	t, ok := lapack64.Potrf(blas64.Symmetric{N: ns, Stride: ns, Data: g.Data, Uplo: blas.Upper})
	if !ok {
		return false
	}
	for i := 0; i < ns; i++ {
		if d := t.Data[i*ns+i]; d*d <= float64(ns)*unitRoundoff*dmax {
			return false
		}
	}
	lapack64.Potrs(t, blas64.General{Rows: ns, Cols: 1, Stride: 1, Data: p.y})
	return true
}

// solvePinv overwrites p.y with G⁺y using the eigendecomposition of the
// matrix in p.sm·p.smᵀ (or S A Sᵀ) recomputed into g; it is the fallback for
// sketches whose rows coincide (sampling with replacement) and allocates.
func (p *sketchProject) solvePinv(g blas64.General) bool {
	ns := p.ns
	// Potrf overwrote the upper triangle: rebuild G.
	M := p.sm.RawMatrix()
	if p.energy {
		p.sk.MulDense(p.gd, p.mt)
	} else {
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, M, M, 0, g)
	}
	sym := mat.NewSymDense(ns, nil)
	for i := 0; i < ns; i++ {
		for j := i; j < ns; j++ {
			sym.SetSym(i, j, 0.5*(g.Data[i*ns+j]+g.Data[j*ns+i]))
		}
	}
	pinv, ok := pinvSym(sym)
	if !ok {
		return false
	}
	out := make([]float64, ns)
	for i := 0; i < ns; i++ {
		var c float64
		for j := 0; j < ns; j++ {
			c += pinv[i*ns+j] * p.y[j]
		}
		out[i] = c
	}
	copy(p.y, out)
	return true
}

// subtractDense applies r ← r − v for a dense v (tracking only).
func (s *Solver) subtractDense(v []float64) {
	tr := s.tracker
	for i, t := range v {
		tr.sub(s.r, i, t)
	}
	s.tracker = tr
	s.work.Flops += 6 * int64(len(v))
}

// ----------------------------------------------------------------------------
// Randomized coordinate descent.

type coordSPD struct {
	al   *alias
	diag []float64
}

// NewCoordinateDescent returns randomized coordinate descent for a symmetric
// positive definite A (Leventhal & Lewis 2010): pick i with probability
// A_ii/tr(A) and set x_i ← x_i + (b_i − A_i·x)/A_ii. It converges as
// E‖x_k − x*‖²_A ≤ (1 − λ_min(A)/tr(A))^k ‖x₀ − x*‖²_A. A non-positive
// diagonal entry returns an error wrapping ErrBadInput (A is not SPD).
// Symmetry is assumed, not checked.
func NewCoordinateDescent(a mat.Matrix, b []float64, set Settings) (*Solver, error) {
	s, err := newSolver("NewCoordinateDescent", a, b, set, false)
	if err != nil {
		return nil, err
	}
	if s.a.m != s.a.n {
		panic(fmt.Sprintf("sketch: NewCoordinateDescent: A is %d×%d, not square", s.a.m, s.a.n))
	}
	c := &coordSPD{diag: make([]float64, s.a.n)}
	for i := 0; i < s.a.m; i++ {
		for k := s.a.ptr[i]; k < s.a.ptr[i+1]; k++ {
			if s.a.ind[k] == i {
				c.diag[i] += s.a.val[k]
			}
		}
		if !(c.diag[i] > 0) {
			return nil, fmt.Errorf("%w: NewCoordinateDescent: A[%d, %d] = %v ≤ 0, A is not positive definite", ErrBadInput, i, i, c.diag[i])
		}
	}
	c.al = newAlias(c.diag)
	s.m = c
	return s, nil
}

func (c *coordSPD) step(s *Solver) {
	a := s.a
	i := c.al.draw(s.rng)
	v := s.b[i]
	for k := a.ptr[i]; k < a.ptr[i+1]; k++ {
		v -= a.val[k] * s.x[a.ind[k]]
	}
	delta := v / c.diag[i]
	s.x[i] += delta
	s.work.RowsTouched++
	s.work.Flops += 2*int64(a.ptr[i+1]-a.ptr[i]) + 2
	if s.track {
		s.colUpdate(i, delta)
	}
}

type coordLS struct{ al *alias }

// NewCoordinateDescentLS returns randomized coordinate descent for the least
// squares problem min ‖A·x − b‖₂ (Leventhal & Lewis 2010): pick column j with
// probability ‖A_{:,j}‖²/‖A‖_F² and set
//
//	x_j ← x_j + A_{:,j}ᵀ r/‖A_{:,j}‖²,   r ← r − δ·A_{:,j}.
//
// The step needs r, so the residual is always tracked (AnchorOnly is
// ignored). E[f(x_k) − f*] ≤ (1 − σ_min²(A)/‖A‖_F²)^k (f(x₀) − f*) for full
// column rank A. Run's tolerance applies to ‖Aᵀr‖₂, evaluated exactly at
// each anchor (every AnchorEvery steps); Solve uses RTol·‖Aᵀb‖₂.
func NewCoordinateDescentLS(a mat.Matrix, b []float64, set Settings) (*Solver, error) {
	set.AnchorOnly = false
	s, err := newSolver("NewCoordinateDescentLS", a, b, set, true)
	if err != nil {
		return nil, err
	}
	s.normalEq = true
	s.nres = s.a.normalNorm(s.r)
	s.m = &coordLS{al: newAlias(s.a.colNorm2)}
	return s, nil
}

func (c *coordLS) step(s *Solver) {
	a := s.a
	j := c.al.draw(s.rng)
	lo, hi := a.cptr[j], a.cptr[j+1]
	var g float64
	for k := lo; k < hi; k++ {
		g += a.cval[k] * s.r[a.cind[k]]
	}
	delta := g / a.colNorm2[j]
	s.x[j] += delta
	s.work.Flops += 2 * int64(hi-lo)
	s.colUpdate(j, delta)
}

// sketchCost returns the flops of forming S·A and S·b and the rows of A read.
func sketchCost(sk Sketch, a *rowMat) (flops, rows int64) {
	ns, m := sk.Dims()
	nnz := int64(a.nnz())
	switch t := sk.(type) {
	case *SparseSign:
		return 2 * int64(t.zeta) * (nnz + int64(m)), int64(m)
	case *Sampling:
		var r int64
		for _, i := range t.idx {
			r += int64(a.ptr[i+1] - a.ptr[i])
		}
		return r + int64(ns), int64(ns)
	case *SRHT:
		return 2 * int64(ns) * (nnz + int64(m)), int64(m)
	}
	return 2 * int64(ns) * (nnz + int64(m)), int64(m)
}
