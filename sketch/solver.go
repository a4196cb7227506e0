package sketch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
	sol "github.com/kkt-go/kkt/solver"
)

// ErrBadInput is wrapped by the errors returned for NaN or Inf in A, b or
// X0, for all-zero matrices and for other unusable data.
var ErrBadInput = errors.New("sketch: bad input")

// Status values are those of package linsolve.
const (
	Converged        = linsolve.Converged
	MaxIterations    = linsolve.MaxIterations
	Breakdown        = linsolve.Breakdown
	NumericalFailure = linsolve.NumericalFailure
	Canceled         = linsolve.Canceled
)

// unitRoundoff is u = 2⁻⁵³.
const unitRoundoff = 0x1p-53

// Settings configures the randomized iterative solvers. The zero value is
// usable and gives the documented defaults.
//
// Solve stops as soon as ‖b − A·x‖₂ ≤ max(RTol·‖b‖₂, ATol) (for
// NewCoordinateDescentLS: ‖Aᵀ(b − A·x)‖₂ ≤ max(RTol·‖Aᵀb‖₂, ATol)).
type Settings struct {
	// RTol is the relative tolerance of Solve (default 1e-8).
	RTol float64
	// ATol is the absolute tolerance of Solve (default 0).
	ATol float64
	// MaxIter bounds the number of steps of one Solve call
	// (default 100·max(m, n), at least 10000).
	MaxIter int
	// X0 is the initial iterate (nil: zero). It is copied.
	X0 []float64
	// Seed seeds the solver's PCG generator: the same seed, matrix and
	// right-hand side give the same iterates bit for bit.
	Seed uint64
	// AnchorEvery is k, the period (in steps) at which the residual
	// r = b − A·x is recomputed exactly (default max(m, 32), where A is m×n).
	AnchorEvery int
	// AnchorOnly switches off the incremental residual: the residual is
	// only known at anchors, so the stopping test runs every AnchorEvery
	// steps. Use it when updating r costs more than the step itself (dense A).
	// NewCoordinateDescentLS needs the residual and ignores it.
	AnchorOnly bool
	// Gram (randomized Kaczmarz only) keeps G = A·Aᵀ, formed once as a
	// sparse matrix, and updates the tracked residual by one column of G
	// per step, r ← r − α·G[:, i], instead of by the columns of A that row i
	// touches: O(nnz(G[:, i])) instead of Σ_{j ∈ row i} nnz(A[:, j]). It pays
	// when rows overlap heavily (dense blocks, such as a KKT matrix with a
	// dense Hessian: there it turns O(m·n) per step into O(m)) and costs the
	// memory of G. The iterates are the same; only the rounding of the
	// tracked residual differs (ResidualErrorBound accounts for G's own).
	Gram bool
	// History records the residual norm after every step in Result.History.
	History bool
	// Recorder, if not nil, is called after every step with the step count
	// and the current residual norm; returning false stops with Canceled.
	Recorder sol.Recorder[linsolve.Iteration]
}

// Work counts what a solver did since it was created.
type Work struct {
	Steps       int   // iterations (sketch-and-project steps)
	Anchors     int   // exact residual recomputations
	RowsTouched int64 // rows of A read (a column counts as the rows it has nonzeros in)
	Flops       int64 // floating-point operations (a multiply–add counts 2)
}

// Result is what Run and Solve return.
type Result struct {
	// X is a copy of the current iterate.
	X []float64
	// Status says why the run stopped.
	Status linsolve.Status
	// Stats: Iterations is the total number of steps taken by the solver so
	// far (over all Run calls); Time is the wall time of this Run call.
	sol.Stats
	// ResidualNorm is the tracked ‖b − A·x‖₂ (exact when Status is Converged).
	ResidualNorm float64
	// NormalResidualNorm is ‖Aᵀ(b − A·x)‖₂ at the last anchor (least squares
	// coordinate descent only; zero otherwise).
	NormalResidualNorm float64
	// BNorm is ‖b‖₂.
	BNorm float64
	// History holds the residual norm after each step of this Run when
	// Settings.History is set (index 0 is the norm before the first step).
	History []float64
	// Work is the solver's work counter after the run.
	Work Work
}

// method is one randomized iteration.
type method interface {
	// step updates s.x (and, when s.track, s.r through s.colUpdate or
	// s.denseUpdate) and adds to s.work.
	step(s *Solver)
}

// Solver is the resumable state of a randomized iterative method for A·x = b:
// the iterate x, the random generator, the tracked residual r = b − A·x with
// its norm, and the work counters. Step takes one iteration; Run iterates
// until a tolerance or a step budget is reached and can be called again
// (with a tighter tolerance, say) to continue exactly where it stopped.
//
// # Residual tracking
//
// Every method updates x by x ← x + d with d sparse (a row of A for
// Kaczmarz, a coordinate for coordinate descent) or dense (a Gaussian
// sketch). The solver updates r ← r − A·d through the columns of A touched by
// d, and ‖r‖² by ρ ← ρ + r_new² − r_old² per touched entry, so the norm
// costs no extra pass over r. Every k = Settings.AnchorEvery steps r and ρ are
// recomputed exactly ("anchored", one pass over A). Between anchors the
// tracked r̃ drifts from fl(b − A·x) by at most
//
//	‖r̃ − r‖₁ ≤ 2u·Σ (|r̃_j| + |a_jk·c|)   (the sum over all scalar updates since the anchor),
//
// which the solver accumulates and reports in ResidualErrorBound, and ρ is
// re-summed whenever its own rounding bound exceeds 10⁻⁶·ρ. Before Run
// declares convergence it recomputes the residual exactly in a scratch
// vector, so a Converged status never rests on a drifted value; the check
// does not modify the state, which keeps resumed runs bit-identical to
// uninterrupted ones.
type Solver struct {
	name  string
	a     *rowMat
	b     []float64
	x     []float64
	r     []float64
	tmp   []float64 // length m scratch
	bnorm float64

	tracker
	anErr float64 // Σ_i (|b_i| + Σ_k |a_ik x_k|) at the last anchor
	exact bool    // r, ρ are exact (anchored) right now
	nres  float64 // ‖Aᵀr‖ at the last anchor (normalEq only)

	normalEq bool
	track    bool
	k        int
	steps    int
	checkAt  int // no convergence check before this step
	rng      *rand.Rand
	set      Settings
	work     Work
	m        method
}

// newSolver validates the inputs and anchors the initial residual.
func newSolver(name string, a mat.Matrix, b []float64, set Settings, needCols bool) (*Solver, error) {
	rm, err := newRowMat(name, a)
	if err != nil {
		return nil, err
	}
	if len(b) != rm.m {
		panic(fmt.Sprintf("sketch: %s: len(b) = %d, want %d", name, len(b), rm.m))
	}
	if err := checkFinite(name, "b", b); err != nil {
		return nil, err
	}
	if rm.fro2 == 0 {
		return nil, fmt.Errorf("%w: %s: A is zero", ErrBadInput, name)
	}
	s := &Solver{
		name: name, a: rm, b: b, x: make([]float64, rm.n), r: make([]float64, rm.m), tmp: make([]float64, rm.m),
		set: set, track: !set.AnchorOnly,
		rng: rand.New(rand.NewPCG(set.Seed, 0x6b6b742d736b6574)),
	}
	if set.X0 != nil {
		if len(set.X0) != rm.n {
			panic(fmt.Sprintf("sketch: %s: len(X0) = %d, want %d", name, len(set.X0), rm.n))
		}
		if err := checkFinite(name, "X0", set.X0); err != nil {
			return nil, err
		}
		copy(s.x, set.X0)
	}
	s.k = set.AnchorEvery
	if s.k <= 0 {
		s.k = max(rm.m, 32)
	}
	if needCols || s.track {
		rm.buildCols()
	}
	s.bnorm = floats.Norm(b, 2)
	s.Anchor()
	s.work.Anchors = 0
	return s, nil
}

func checkFinite(name, what string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w: %s: %s[%d] = %v", ErrBadInput, name, what, i, x)
		}
	}
	return nil
}

// X returns the current iterate (shared; do not modify).
func (s *Solver) X() []float64 { return s.x }

// Iterations returns the number of steps taken so far.
func (s *Solver) Iterations() int { return s.steps }

// FrobeniusNorm returns ‖A‖_F (computed once at construction); the
// AdaSketch accuracy test ‖A‖_F·Ψ·‖r‖ ≤ θ·δ·‖b‖ needs it.
func (s *Solver) FrobeniusNorm() float64 { return math.Sqrt(s.a.fro2) }

// Work returns the work counters.
func (s *Solver) Work() Work { return s.work }

// ResidualNorm returns the tracked ‖b − A·x‖₂ in O(1). With
// Settings.AnchorOnly it is the value at the last anchor.
func (s *Solver) ResidualNorm() float64 { return math.Sqrt(max(s.rho, 0)) }

// Residual returns the tracked residual vector r̃ ≈ b − A·x (shared).
func (s *Solver) Residual() []float64 { return s.r }

// ResidualErrorBound returns a bound on ‖r̃ − (b − A·x)‖₁ for the tracked
// residual r̃ against the exact one: the rounding of the last anchor plus the
// drift accumulated since (see Solver). It is zero right after an anchor
// apart from the anchor's own rounding.
func (s *Solver) ResidualErrorBound() float64 {
	w := float64(s.a.maxRow + 1)
	g := w * unitRoundoff / (1 - w*unitRoundoff)
	return g*s.anErr + 2*unitRoundoff*s.drift + g*s.gdrift
}

// SetRHS replaces b (for a warm start on a new right-hand side with the same
// A) and anchors the residual. It returns an error for NaN or Inf in b.
func (s *Solver) SetRHS(b []float64) error {
	if len(b) != s.a.m {
		panic(fmt.Sprintf("sketch: %s: SetRHS: len(b) = %d, want %d", s.name, len(b), s.a.m))
	}
	if err := checkFinite(s.name, "b", b); err != nil {
		return err
	}
	s.b = b
	s.bnorm = floats.Norm(b, 2)
	s.Anchor()
	return nil
}

// SetX replaces the iterate (warm start) and anchors the residual.
func (s *Solver) SetX(x []float64) error {
	if len(x) != s.a.n {
		panic(fmt.Sprintf("sketch: %s: SetX: len(x) = %d, want %d", s.name, len(x), s.a.n))
	}
	if err := checkFinite(s.name, "x", x); err != nil {
		return err
	}
	copy(s.x, x)
	s.Anchor()
	return nil
}

// Anchor recomputes r = b − A·x and ‖r‖ exactly (one pass over A).
func (s *Solver) Anchor() {
	a := s.a
	var rho, an float64
	for i := 0; i < a.m; i++ {
		v := s.b[i]
		e := math.Abs(v)
		for k := a.ptr[i]; k < a.ptr[i+1]; k++ {
			p := a.val[k] * s.x[a.ind[k]]
			v -= p
			e += math.Abs(p)
		}
		s.r[i] = v
		rho += v * v
		an += e
	}
	s.tracker = tracker{rho: rho}
	s.anErr = an
	s.exact = true
	s.work.Anchors++
	s.work.RowsTouched += int64(a.m)
	s.work.Flops += 2 * int64(a.nnz())
	if s.normalEq {
		s.nres = a.normalNorm(s.r)
		s.work.Flops += 2 * int64(a.nnz())
	}
}

// exactNorm returns ‖b − A·x‖₂ computed afresh, without touching the state.
func (s *Solver) exactNorm() float64 {
	a := s.a
	var rho float64
	for i := 0; i < a.m; i++ {
		v := s.b[i]
		for k := a.ptr[i]; k < a.ptr[i+1]; k++ {
			v -= a.val[k] * s.x[a.ind[k]]
		}
		rho += v * v
	}
	s.work.Flops += 2 * int64(a.nnz())
	return math.Sqrt(rho)
}

// Step takes one iteration (and anchors when the step count is a multiple
// of AnchorEvery). It allocates nothing.
func (s *Solver) Step() {
	s.exact = false
	s.m.step(s)
	s.steps++
	s.work.Steps++
	if s.steps%s.k == 0 {
		s.Anchor()
	} else if s.track && 4*unitRoundoff*s.rhoErr > 1e-6*s.rho {
		var rho float64
		for _, v := range s.r {
			rho += v * v
		}
		s.rho, s.rhoErr = rho, 0
		s.work.Flops += 2 * int64(len(s.r))
	}
}

// tracker holds the incrementally updated ‖r‖² and its rounding budgets.
type tracker struct {
	rho    float64 // tracked ‖r‖²
	rhoErr float64 // Σ(r_old² + r_new²) since the last re-sum
	drift  float64 // Σ(|r_old| + |t|) since the last anchor
	gdrift float64 // Σ |α|·Σ_k (|A||A|ᵀ)_ki over Gram updates since the last anchor
}

// sub applies r[i] ← r[i] − t and updates the bookkeeping.
func (tr *tracker) sub(r []float64, i int, t float64) {
	ro := r[i]
	rn := ro - t
	r[i] = rn
	tr.rho += rn*rn - ro*ro
	tr.rhoErr += rn*rn + ro*ro
	tr.drift += math.Abs(ro) + math.Abs(t)
}

// colUpdate applies r ← r − c·A[:, j] (tracking only).
func (s *Solver) colUpdate(j int, c float64) {
	a := s.a
	lo, hi := a.cptr[j], a.cptr[j+1]
	s.subScaled(a.cind[lo:hi], a.cval[lo:hi], c)
	s.work.RowsTouched += int64(hi - lo)
	s.work.Flops += 8 * int64(hi-lo)
}

// subScaled applies r[rows[t]] −= c·vals[t] with the tracker's bookkeeping.
func (s *Solver) subScaled(rows []int, vals []float64, c float64) {
	vals = vals[:len(rows)]
	r := s.r
	tr := s.tracker
	for t, i := range rows {
		tr.sub(r, i, c*vals[t])
	}
	s.tracker = tr
}

// gramUpdate applies r ← r − c·G[:, i] with G = A·Aᵀ (tracking only).
func (s *Solver) gramUpdate(g *gram, i int, c float64) {
	lo, hi := g.ptr[i], g.ptr[i+1]
	s.subScaled(g.ind[lo:hi], g.val[lo:hi], c)
	s.tracker.gdrift += math.Abs(c) * g.abs[i]
	s.work.Flops += 8 * int64(hi-lo)
}

// gram is G = A·Aᵀ by rows (G is symmetric, so row i is column i), with
// abs[i] = Σ_k (|A||A|ᵀ)_ki for the rounding bound of G[:, i].
type gram struct {
	ptr []int
	ind []int
	val []float64
	abs []float64
}

// newGram forms G = A·Aᵀ: entry (i, k) sums a_ij·a_kj over j in the order of
// row i, then of column j.
func newGram(a *rowMat) *gram {
	a.buildCols()
	g := &gram{ptr: make([]int, a.m+1), abs: make([]float64, a.m)}
	acc := make([]float64, a.m)
	mark := make([]int, a.m)
	for i := range mark {
		mark[i] = -1
	}
	var list []int
	for i := 0; i < a.m; i++ {
		list = list[:0]
		var ab float64
		for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
			j, aij := a.ind[p], a.val[p]
			for q := a.cptr[j]; q < a.cptr[j+1]; q++ {
				k := a.cind[q]
				if mark[k] != i {
					mark[k] = i
					acc[k] = 0
					list = append(list, k)
				}
				v := aij * a.cval[q]
				acc[k] += v
				ab += math.Abs(v)
			}
		}
		sort.Ints(list)
		for _, k := range list {
			g.ind = append(g.ind, k)
			g.val = append(g.val, acc[k])
		}
		g.ptr[i+1] = len(g.ind)
		g.abs[i] = ab
	}
	return g
}

// denseUpdate applies r ← r − A·d for a dense direction d (tracking only).
func (s *Solver) denseUpdate(d []float64) {
	a := s.a
	r := s.r
	tr := s.tracker
	for i := 0; i < a.m; i++ {
		ind := a.ind[a.ptr[i]:a.ptr[i+1]]
		val := a.val[a.ptr[i]:a.ptr[i+1]]
		val = val[:len(ind)]
		var t float64
		for q, j := range ind {
			t += val[q] * d[j]
		}
		tr.sub(r, i, t)
	}
	s.tracker = tr
	s.work.RowsTouched += int64(a.m)
	s.work.Flops += 2*int64(a.nnz()) + 6*int64(a.m)
}

// Run takes steps until the residual norm is ≤ tol (Converged; for
// NewCoordinateDescentLS the normal-equations residual ‖Aᵀr‖), until
// maxSteps steps have been taken in this call (MaxIterations), or until ctx is
// done or the Recorder returns false (Canceled). A NaN or Inf in the tracked
// residual gives NumericalFailure. Run can be called again to continue: the
// sequence of iterates does not depend on how the steps are split between
// calls. With maxSteps ≤ 0 it uses Settings.MaxIter.
func (s *Solver) Run(ctx context.Context, tol float64, maxSteps int) *Result {
	if maxSteps <= 0 {
		maxSteps = s.maxIter()
	}
	t0 := time.Now()
	res := &Result{BNorm: s.bnorm}
	if s.set.History {
		res.History = append(make([]float64, 0, min(maxSteps, 1<<16)+1), s.ResidualNorm())
	}
	status := MaxIterations
	for n := 0; ; n++ {
		if s.converged(tol) {
			status = Converged
			break
		}
		if n >= maxSteps {
			break
		}
		if ctx != nil && n&255 == 255 {
			if ctx.Err() != nil {
				status = Canceled
				break
			}
		}
		s.Step()
		rn := s.ResidualNorm()
		if math.IsNaN(s.rho) || math.IsInf(s.rho, 0) {
			status = NumericalFailure
			break
		}
		if s.set.History {
			res.History = append(res.History, rn)
		}
		if s.set.Recorder != nil && !s.set.Recorder(linsolve.Iteration{Iter: s.steps, ResidualNorm: rn}) {
			status = Canceled
			break
		}
	}
	res.Status = status
	res.X = append([]float64(nil), s.x...)
	res.Iterations = s.steps
	res.ResidualNorm = s.ResidualNorm()
	if s.normalEq {
		res.NormalResidualNorm = s.nres
	}
	res.Work = s.work
	res.Time = time.Since(t0)
	return res
}

// converged applies the stopping test without changing the iteration.
func (s *Solver) converged(tol float64) bool {
	if s.normalEq {
		return s.exact && s.nres <= tol
	}
	if !s.exact && (!s.track || s.steps < s.checkAt) {
		return false
	}
	if s.ResidualNorm() > tol {
		return false
	}
	if s.exact {
		return true
	}
	if e := s.exactNorm(); e <= tol {
		s.rho = e * e // the reported norm is the exact one
		s.rhoErr = 0
		return true
	}
	// The tracked norm drifted below tol; trust it again after the next anchor.
	s.checkAt = (s.steps/s.k + 1) * s.k
	return false
}

func (s *Solver) maxIter() int {
	if s.set.MaxIter > 0 {
		return s.set.MaxIter
	}
	return max(100*max(s.a.m, s.a.n), 10000)
}

// Solve runs with the Settings' tolerances: until
// ‖b − A·x‖₂ ≤ max(RTol·‖b‖₂, ATol) or MaxIter steps.
func (s *Solver) Solve(ctx context.Context) *Result {
	rtol := s.set.RTol
	if rtol == 0 {
		rtol = 1e-8
	}
	ref := s.bnorm
	if s.normalEq {
		ref = s.a.normalNorm(s.b)
	}
	return s.Run(ctx, max(rtol*ref, s.set.ATol), s.maxIter())
}

// ----------------------------------------------------------------------------
// rowMat: A in CSR (rows) and, when needed, CSC (columns).

type rowMat struct {
	m, n       int
	ptr, ind   []int
	val        []float64
	cptr, cind []int
	cval       []float64
	rowNorm2   []float64
	colNorm2   []float64
	fro2       float64
	maxRow     int
	csr        *sparse.CSR
}

func (a *rowMat) nnz() int { return a.ptr[a.m] }

func newRowMat(name string, am mat.Matrix) (*rowMat, error) {
	var c *sparse.CSR
	switch t := am.(type) {
	case *sparse.CSR:
		c = t
	default:
		r, cc := am.Dims()
		ptr := make([]int, r+1)
		var ind []int
		var val []float64
		for i := 0; i < r; i++ {
			for j := 0; j < cc; j++ {
				if v := am.At(i, j); v != 0 {
					ind = append(ind, j)
					val = append(val, v)
				}
			}
			ptr[i+1] = len(ind)
		}
		c = sparse.NewCSR(r, cc, ptr, ind, val)
	}
	c = sumDuplicates(c)
	m, n := c.Dims()
	raw := c.RawMatrix()
	a := &rowMat{m: m, n: n, ptr: raw.Indptr, ind: raw.Ind, val: raw.Data, csr: c, rowNorm2: make([]float64, m)}
	for i := 0; i < m; i++ {
		var s float64
		for k := a.ptr[i]; k < a.ptr[i+1]; k++ {
			v := a.val[k]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: %s: A[%d, %d] = %v", ErrBadInput, name, i, a.ind[k], v)
			}
			s += v * v
		}
		a.rowNorm2[i] = s
		a.fro2 += s
		a.maxRow = max(a.maxRow, a.ptr[i+1]-a.ptr[i])
	}
	return a, nil
}

// sumDuplicates returns c itself when no row holds a column twice, and
// otherwise a copy with the duplicate entries summed (the row-action
// methods need exact row norms).
func sumDuplicates(c *sparse.CSR) *sparse.CSR {
	m, n := c.Dims()
	raw := c.RawMatrix()
	mark := make([]int, n)
	for j := range mark {
		mark[j] = -1
	}
	dup := false
	for i := 0; i < m && !dup; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			if mark[raw.Ind[k]] == i {
				dup = true
				break
			}
			mark[raw.Ind[k]] = i
		}
	}
	if !dup {
		return c
	}
	pos := make([]int, n)
	for j := range mark {
		mark[j] = -1
	}
	ptr := make([]int, m+1)
	ind := make([]int, 0, raw.Indptr[m])
	val := make([]float64, 0, raw.Indptr[m])
	for i := 0; i < m; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			j := raw.Ind[k]
			if mark[j] == i {
				val[pos[j]] += raw.Data[k]
				continue
			}
			mark[j], pos[j] = i, len(ind)
			ind = append(ind, j)
			val = append(val, raw.Data[k])
		}
		ptr[i+1] = len(ind)
	}
	return sparse.NewCSR(m, n, ptr, ind, val)
}

func (a *rowMat) buildCols() {
	if a.cptr != nil {
		return
	}
	at := matrix.Transpose(a.csr)
	raw := at.RawMatrix()
	a.cptr, a.cind, a.cval = raw.Indptr, raw.Ind, raw.Data
	a.colNorm2 = make([]float64, a.n)
	for j := 0; j < a.n; j++ {
		var s float64
		for k := a.cptr[j]; k < a.cptr[j+1]; k++ {
			s += a.cval[k] * a.cval[k]
		}
		a.colNorm2[j] = s
	}
}

// normalNorm returns ‖Aᵀv‖₂ using the columns.
func (a *rowMat) normalNorm(v []float64) float64 {
	var s float64
	for j := 0; j < a.n; j++ {
		var t float64
		for k := a.cptr[j]; k < a.cptr[j+1]; k++ {
			t += a.cval[k] * v[a.cind[k]]
		}
		s += t * t
	}
	return math.Sqrt(s)
}
