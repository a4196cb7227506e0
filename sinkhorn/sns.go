package sinkhorn

import (
	"context"
	"math"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

// SNSSettings are the options of SNS. The zero value gives the paper's
// defaults: N₁ = 20 warm-up Sinkhorn iterations and Hessian density
// λ = 2/n (4/(n+m) when m ≠ n).
type SNSSettings struct {
	Settings
	// WarmUp is N₁, the number of log-domain Sinkhorn iterations before
	// the Newton stage (default 20; a negative value means none).
	WarmUp int
	// Sparsity is λ, the density τ = nnz/(n+m)² of the sparsified
	// (n+m)×(n+m) Hessian, as in Algorithm 1 of the paper (M ← Sparsify(∇²f)
	// with τ(M) ≤ λ). The exact diagonal takes n+m of the ⌈λ(n+m)²⌉ slots and
	// each kept P_ij two, so K = (⌈λ(n+m)²⌉ − (n+m))/2 entries of P are kept
	// (3n for the default λ = 4/(n+m) = 2/n when m = n).
	Sparsity float64
	// CGTol is the relative residual of the CG solves (default
	// min(0.1, max(err, 1e-10)) with err the current marginal error: an
	// inexact Newton method whose forcing term vanishes at the solution).
	CGTol float64
	// CGMaxIter bounds each CG solve (default 2·(n+m); an unconverged CG
	// iterate is still an ascent direction).
	CGMaxIter int
	// Armijo is the sufficient-increase constant of the backtracking line
	// search (default 1e-4).
	Armijo float64
	// FixedSparsity keeps λ fixed for the whole Newton stage, as in the
	// paper's Algorithm 1 (and `kkt reproduce`). Without it the Newton stage
	// watches its own contraction and grows the kept entries (see SNS).
	FixedSparsity bool
}

// newton holds the buffers of the Newton stage.
type newton struct {
	n, m        int
	d           []float64 // diagonal of M: (P1, Pᵀ1) + shift
	inv         []float64 // its inverse (Jacobi preconditioner)
	off         *sparse.CSR
	indptr, ind []int
	data        []float64
	rank1       float64 // δ/(n+m): M + δ·vvᵀ/‖v‖² lifts the null direction v = (1, −1)
	op          matrix.Func
	// rowMax, colMax (adaptive rule only): the kept set also contains the
	// largest entry of every row and column
	rowMax, colMax []float64
	// direct (adaptive rule, m ≤ directMax): once CG has hit its iteration
	// cap the Newton systems are solved by a dense Cholesky factorisation of
	// the Schur complement instead
	direct, directOK bool
	schur            *mat.SymDense
	chol             mat.Cholesky
	rhs, zy          *mat.VecDense
	work             float64 // work of the last direction, in plan evaluations
	dzbuf            []float64
}

// directMax is the largest m (after the gauge fix, m − 1) for which the
// adaptive rule may solve the Newton system by a dense Cholesky
// factorisation of the (m−1)×(m−1) Schur complement.
const directMax = 2500

// solveDirect solves the gauge-fixed system (Δy_m = 0)
//
//	[[D₁, P̃], [P̃ᵀ, D₂]] (Δx, Δy) = (g_x, g_y)
//
// (diagonals including the shift σ) through the Schur complement
// S = D₂ − P̃ᵀD₁⁻¹P̃ of the x block, restricted to the first m − 1 columns,
// by a dense Cholesky factorisation. It returns false if S is not
// numerically positive definite.
func (h *newton) solveDirect(dz, g []float64) bool {
	n, m := h.n, h.m
	k := m - 1
	if k == 0 {
		for i := 0; i < n; i++ {
			dz[i] = g[i] / h.d[i]
		}
		dz[n] = 0
		return true
	}
	if h.schur == nil {
		h.schur = mat.NewSymDense(k, nil)
		h.rhs = mat.NewVecDense(k, nil)
		h.zy = mat.NewVecDense(k, nil)
	}
	raw := h.schur.RawSymmetric()
	for j := 0; j < k; j++ {
		row := raw.Data[j*raw.Stride : j*raw.Stride+k]
		clear(row[j:])
		row[j] = h.d[n+j]
	}
	rhs := h.rhs.RawVector().Data
	copy(rhs, g[n:n+k])
	flops := 0
	for i := 0; i < n; i++ {
		lo, hi := h.indptr[i], h.indptr[i+1]
		inv := 1 / h.d[i]
		gi := g[i] * inv
		for p := lo; p < hi; p++ {
			j := h.ind[p]
			if j >= k {
				continue
			}
			vj := h.data[p] * inv
			rhs[j] -= h.data[p] * gi
			row := raw.Data[j*raw.Stride:]
			for q := p; q < hi; q++ { // upper triangle: columns l ≥ j (ind is sorted)
				if l := h.ind[q]; l < k {
					row[l] -= vj * h.data[q]
				}
			}
		}
		flops += (hi - lo) * (hi - lo)
	}
	if ok := h.chol.Factorize(h.schur); !ok {
		return false
	}
	if err := h.chol.SolveVecTo(h.zy, h.rhs); err != nil {
		return false
	}
	zy := h.zy.RawVector().Data
	copy(dz[n:], zy)
	dz[n+k] = 0
	for i := 0; i < n; i++ {
		s := g[i]
		for p := h.indptr[i]; p < h.indptr[i+1]; p++ {
			s -= h.data[p] * dz[n+h.ind[p]]
		}
		dz[i] = s / h.d[i]
	}
	// work in plan evaluations: an exponential counted as 4 flops
	h.work = (float64(flops) + float64(k)*float64(k)*float64(k)/3) / (4 * float64(n) * float64(m))
	return true
}

// apply sets dst = (M + δ vvᵀ/‖v‖²)·z with M = [[D₁, P̃], [P̃ᵀ, D₂]] + σI.
func (h *newton) apply(dst, z []float64) {
	n := h.n
	zx, zy := z[:n], z[n:]
	dx, dy := dst[:n], dst[n:]
	matrix.MulVec(dx, h.off, zy)
	matrix.MulVecTrans(dy, h.off, zx)
	var vz float64
	for _, v := range zx {
		vz += v
	}
	for _, v := range zy {
		vz -= v
	}
	vz *= h.rank1
	for i, v := range zx {
		dx[i] += h.d[i]*v + vz
	}
	for j, v := range zy {
		dy[j] += h.d[n+j]*v - vz
	}
}

// Precondition applies the Jacobi preconditioner.
func (h *newton) Precondition(dst, r []float64) {
	for i, v := range r {
		dst[i] = v * h.inv[i]
	}
}

// SNS solves the entropic OT problem of Sinkhorn with the Sinkhorn–Newton–
// Sparse method of Tang et al. (ICLR 2024): N₁ log-domain Sinkhorn
// iterations, then Newton steps on the concave Lyapunov potential f whose
// Hessian −η[[diag(P1), P], [Pᵀ, diag(Pᵀ1)]] is sparsified by keeping the
// diagonal blocks exactly and only the ⌈λnm⌉ largest entries of P
// (threshold by quickselect). The Newton system, in scaled potentials
// X = ηx, Y = ηy,
//
//	(M + σI + δ vvᵀ/‖v‖²) ΔZ = ∇f·η/η = (a − P1, b − Pᵀ1),   M = [[D₁, P̃], [P̃ᵀ, D₂]],
//
// is solved by Jacobi-preconditioned CG (linsolve.CG) on the positive
// definite negated Hessian. v = (1, −1) is the null direction of the exact
// Hessian (f is constant along it for equal masses); the rank-one term with
// δ = mean(diag M) makes the system definite and the step is projected
// onto v⊥. σ = mean(diag M)·min(err, 1e-4) is a vanishing Levenberg shift.
// A backtracking (halving) Armijo line search on f, rejecting non-finite
// trial points, gives the step; if it fails, one Sinkhorn iteration is taken
// instead. The line search also accepts a change of f at its rounding level
// (1e-14 relative to |aᵀx| + |bᵀy|) when the marginal error decreases.
//
// With s.FixedSparsity this is the paper's Algorithm 1 (λ fixed; five failed
// line searches in a row end the solve with Stagnated). By default the
// Newton stage adapts (newtonStage): it doubles K when a full step contracts
// the error by less than ×¼, keeps every row's and column's largest entry,
// switches to a dense Cholesky factorisation of the Schur complement when CG
// hits its cap (m ≤ 2501), and takes blocks of 20 log-domain Sinkhorn
// iterations when Newton gains less per unit of work than Sinkhorn. With
// Settings.EtaStart > 0 the problem is first solved (warm-up plus Newton) for
// η_k = EtaStart·EtaFactor^k < Eta to max(Tol, StageTol), warm-starting the
// next stage (ε-scaling).
//
// Settings.MaxIter bounds Sinkhorn iterations plus Newton steps (default
// 1000); Tol and the stopping rule are those of Sinkhorn.
func SNS(ctx context.Context, a, b []float64, c *mat.Dense, s SNSSettings) (*Result, error) {
	p, keepA, keepB, err := validate(a, b, c, &s.Settings)
	if err != nil {
		return nil, err
	}
	st := newState(ctx, p, &s.Settings, keepA, keepB, DefaultSNSMaxIter)
	defer st.e.close()
	n1 := s.WarmUp
	if n1 == 0 {
		n1 = 20
	}
	warm := func(tol float64) {
		if n1 <= 0 {
			return
		}
		maxIt := st.maxIt
		st.maxIt = min(st.it+st.newton+n1, maxIt)
		st.trackRate = !s.FixedSparsity
		st.logDomain(tol)
		st.trackRate = false
		st.maxIt = maxIt
		if st.status == MaxIterations && st.it+st.newton < maxIt {
			st.status, st.done = NotTerminated, false
		}
	}
	if s.EtaStart > 0 && s.EtaStart < s.Eta {
		// ε-scaling: each intermediate η to StageTol, warm-starting the next
		target := p.eta
		f := s.EtaFactor
		if f <= 1 {
			f = DefaultEtaFactor
		}
		stol := s.StageTol
		if stol <= 0 {
			stol = DefaultStageTol
		}
		stol = max(stol, st.tol)
		for eta := s.EtaStart; eta < target && !st.done; eta *= f {
			st.e.setEta(eta, st.x, st.y)
			warm(stol)
			if !st.done {
				st.newtonStage(&s, stol)
			}
			if st.status == Converged && st.done && st.it+st.newton < st.maxIt {
				st.done = false // an intermediate stage, not the end
			}
		}
		st.e.setEta(target, st.x, st.y)
	}
	if !st.done {
		warm(st.tol)
	}
	if !st.done {
		st.newtonStage(&s, st.tol)
	}
	res := st.finish(keepA, keepB, c)
	res.Domain = Log
	return res, nil
}

// keptEntries returns the number K of entries of P kept by the sparsified
// Hessian of density lam (default 4/(n+m)).
func keptEntries(lam float64, n, m int) int {
	nm := n + m
	if lam <= 0 {
		lam = 4 / float64(nm)
	}
	slots := math.Ceil(lam * float64(nm) * float64(nm))
	return int(min(float64(n*m), max(1, (slots-float64(nm))/2)))
}

func newNewton(n, m int) *newton {
	h := &newton{n: n, m: m, d: make([]float64, n+m), inv: make([]float64, n+m)}
	h.op = matrix.Func{R: n + m, C: n + m, Mul: h.apply, MulTrans: h.apply}
	return h
}

// direction computes the Newton ascent direction in scaled potentials at
// the plan p (n×m, row sums rs, column sums cs) with gradient g and
// marginal error errv: it keeps the k largest entries of p, solves
// (M + σI + δvvᵀ/‖v‖²)·dz = g by PCG and projects dz onto v⊥. ok is false
// when CG failed numerically.
func (h *newton) direction(ctx context.Context, p, rs, cs, g []float64, errv float64, k int, scratch []float64, s *SNSSettings) (dz []float64, cgIt int, ok bool) {
	n, m := h.n, h.m
	nm := n + m
	if h.rowMax != nil {
		h.indptr, h.ind, h.data = topKCover(p, n, m, k, scratch, h.rowMax, h.colMax, h.indptr, h.ind, h.data)
	} else {
		h.indptr, h.ind, h.data, _ = topK(p, n, m, k, scratch, h.indptr, h.ind, h.data)
	}
	h.off = sparse.NewCSR(n, m, h.indptr, h.ind, h.data)
	mean := (sum(rs) + sum(cs)) / float64(nm)
	sigma := mean * min(errv, 1e-4)
	h.rank1 = mean / float64(nm)
	for i, v := range rs {
		h.d[i] = v + sigma
	}
	for j, v := range cs {
		h.d[n+j] = v + sigma
	}
	for i, v := range h.d {
		h.inv[i] = 1 / (v + h.rank1)
	}
	rtol := s.CGTol
	if rtol <= 0 {
		rtol = min(0.1, max(errv, 1e-10))
	}
	cgMax := s.CGMaxIter
	if cgMax <= 0 {
		cgMax = 2 * nm
	}
	if h.direct {
		if len(h.dzbuf) != nm {
			h.dzbuf = make([]float64, nm)
		}
		dz = h.dzbuf
		if !h.solveDirect(dz, g) {
			return nil, 0, false
		}
	} else {
		cg, err := linsolve.CG(ctx, h.op, g, linsolve.Settings{RTol: rtol, MaxIter: cgMax, Precond: h})
		if err != nil || cg.Status == linsolve.NumericalFailure || cg.Status == linsolve.Canceled {
			if cg != nil {
				cgIt = cg.Iterations
			}
			return nil, cgIt, false
		}
		dz, cgIt = cg.X, cg.Iterations
		h.work = float64(cgIt) * float64(len(h.data)+nm) / float64(n*m)
		if cg.Status != linsolve.Converged && h.directOK {
			// CG cannot solve these systems within its cap: switch to the
			// dense factorisation for this and all later steps
			h.direct = true
			if !h.solveDirect(dz, g) {
				h.direct = false
				h.work = float64(cgIt) * float64(len(h.data)+nm) / float64(n*m)
			}
		}
	}
	// project onto v⊥ so that mean(x) − mean(y) is preserved
	var vz float64
	for _, v := range dz[:n] {
		vz += v
	}
	for _, v := range dz[n:] {
		vz -= v
	}
	vz /= float64(nm)
	for i := range dz[:n] {
		dz[i] -= vz
	}
	for j := range dz[n:] {
		dz[n+j] += vz
	}
	return dz, cgIt, true
}

// Constants of the adaptive Newton rule (SNSSettings.FixedSparsity false).
const (
	// linearRate: a full Newton step that reduces the marginal error by
	// less than this factor is "linear" and doubles the kept entries.
	linearRate = 0.25
	// firstBlock is the length of the first Sinkhorn block taken when
	// Newton loses to Sinkhorn per unit of work; later blocks double.
	firstBlock = 20
)

// sinkhornRate is the decrease of ln(marginal error) per unit of work (one
// plan evaluation; a Sinkhorn iteration costs 2) over the second half of
// the recorded Sinkhorn iterations, or 0 when fewer than 4 are recorded.
func sinkhornRate(errs []float64) float64 {
	if len(errs) < 4 {
		return 0
	}
	i0, i1 := len(errs)/2, len(errs)-1
	if !(errs[i1] > 0) || !(errs[i0] > 0) {
		return 0
	}
	return math.Log(errs[i0]/errs[i1]) / float64(2*(i1-i0))
}

// newtonStage runs the Newton iterations of SNS until the marginal error
// is ≤ tol (Converged; an intermediate ε-scaling stage passes its own tol).
//
// With s.FixedSparsity it is the paper's Algorithm 1: K = keptEntries(λ)
// largest entries of P for every step; a failed line search takes one
// Sinkhorn iteration instead, five in a row end with Stagnated.
//
// Otherwise (the default) the stage watches its own contraction:
//   - a full step (α = 1) that reduces the error by less than linearRate
//     doubles K, up to nm (the dense Newton step); the kept set is the
//     global top K plus the largest entry of every row and every column,
//     so no node is cut off from the Hessian's graph;
//   - each Newton step is charged its work in plan evaluations (one per
//     line-search trial, ½ for the selection, (nnz + n + m)/(nm) per CG
//     iteration) and a Sinkhorn iteration 2; when two Newton steps in a row
//     (or two failed line searches) reduce ln(error) by less per unit of work
//     than the last Sinkhorn iterations did (a damped step, α < 1: 10× less),
//     a block of log-domain Sinkhorn
//     iterations is run (20, then doubling), Sinkhorn's rate is re-measured
//     on it, and Newton resumes.
func (st *state) newtonStage(s *SNSSettings, tol float64) {
	e := st.e
	n, m := e.n, e.m
	nm := n + m
	k := keptEntries(s.Sparsity, n, m)
	adaptive := !s.FixedSparsity
	armijo := s.Armijo
	if armijo <= 0 {
		armijo = 1e-4
	}
	// centre the potentials: f is invariant under (x + t, y − t)
	t := (sum(st.y)/float64(m) - sum(st.x)/float64(n)) / 2
	for i := range st.x {
		st.x[i] += t
	}
	for j := range st.y {
		st.y[j] -= t
	}
	if e.pbuf == nil {
		st.exactError()
	}
	e.plan(e.pbuf, e.rsbuf, e.csbuf, st.x, st.y)
	pt, rst, cst := make([]float64, n*m), make([]float64, n), make([]float64, m)
	xt, yt := make([]float64, n), make([]float64, m)
	scratch := make([]float64, n*m)
	g := make([]float64, nm)
	h := newNewton(n, m)
	if adaptive {
		h.rowMax, h.colMax = make([]float64, n), make([]float64, m)
		h.directOK = m-1 <= directMax
	}
	sx, xn := make([]float64, n), make([]float64, n)
	sy, yn := make([]float64, m), make([]float64, m)
	f := e.dualScaled(sum(e.rsbuf), st.x, st.y)
	lastCG, lastStep, fails := 0, 0.0, 0
	rS := sinkhornRate(st.skErr)
	losses, block := 0, firstBlock
	prevErr, prevWork, prevFull := math.NaN(), 0.0, false
	warm := st.it+st.newton > 0 // the warm-up already recorded this iterate
	for {
		for i := range st.x {
			g[i] = e.a[i] - e.rsbuf[i]
		}
		for j := range st.y {
			g[n+j] = e.b[j] - e.csbuf[j]
		}
		errv := 0.0
		for _, v := range g {
			errv += math.Abs(v)
		}
		if !warm && st.record(st.newton > 0 && fails == 0, errv, f, lastCG, lastStep) {
			st.done = true
			return
		}
		warm = false
		if errv <= tol {
			st.status, st.done = Converged, true
			return
		}
		if st.it+st.newton >= st.maxIt {
			st.status, st.done = MaxIterations, true
			return
		}
		runBlock := false
		if adaptive && !math.IsNaN(prevErr) {
			// the step that led here: contraction and rate per unit of work
			q := errv / prevErr
			if prevFull && q > linearRate && k < n*m {
				k = min(n*m, 2*k)
			}
			// a damped step (α < 1, the global phase) loses only when it is
			// 10× slower than Sinkhorn
			lose := rS
			if !prevFull {
				lose = rS / 10
			}
			if rN := math.Log(prevErr/errv) / prevWork; rN < lose || prevFull && !(q < 1) {
				losses++
			} else {
				losses = 0
			}
			runBlock = losses >= 2 || fails >= 2
		}
		prevErr = math.NaN()
		if runBlock {
			// Sinkhorn is doing better per unit of work: a block of it
			losses, fails = 0, 0
			maxIt := st.maxIt
			st.maxIt = min(st.it+st.newton+block, maxIt)
			st.skErr = st.skErr[:0]
			st.trackRate = true
			st.logDomain(tol)
			st.trackRate = false
			st.maxIt = maxIt
			if st.status == MaxIterations && st.it+st.newton < maxIt {
				st.status, st.done = NotTerminated, false
			}
			if st.done {
				return
			}
			rS = sinkhornRate(st.skErr)
			// the block length stays firstBlock: Newton gets a new chance soon
			e.plan(e.pbuf, e.rsbuf, e.csbuf, st.x, st.y)
			f = e.dualScaled(sum(e.rsbuf), st.x, st.y)
			warm = true // logDomain recorded the iterate
			if l1diff(e.rsbuf, e.a)+l1diff(e.csbuf, e.b) <= tol {
				st.status, st.done = Converged, true
				return
			}
			continue
		}
		dz, cgIt, ok := h.direction(st.ctx, e.pbuf, e.rsbuf, e.csbuf, g, errv, k, scratch, s)
		st.cg += cgIt
		lastCG = cgIt
		trials := 0
		var dd float64
		if ok {
			for i, v := range dz {
				dd += g[i] * v
			}
			ok = dd > 0 && !math.IsInf(dd, 0)
			if ok {
				ok = false
				scale := 0.0
				for i, v := range st.x {
					scale += math.Abs(e.a[i] * v)
				}
				for j, v := range st.y {
					scale += math.Abs(e.b[j] * v)
				}
				scale = (scale + 1) / e.eta
				for alpha := 1.0; alpha > 1e-10; alpha /= 2 {
					for i, v := range st.x {
						xt[i] = v + alpha*dz[i]
					}
					for j, v := range st.y {
						yt[j] = v + alpha*dz[n+j]
					}
					e.plan(pt, rst, cst, xt, yt)
					trials++
					mass := sum(rst)
					if math.IsNaN(mass) || math.IsInf(mass, 0) {
						continue
					}
					ft := e.dualScaled(mass, xt, yt)
					if ft >= f+armijo*alpha*dd/e.eta || (ft >= f-1e-14*scale && l1diff(rst, e.a)+l1diff(cst, e.b) < errv) {
						st.x, xt = xt, st.x
						st.y, yt = yt, st.y
						e.pbuf, pt = pt, e.pbuf
						e.rsbuf, rst = rst, e.rsbuf
						e.csbuf, cst = cst, e.csbuf
						f, lastStep, ok = ft, alpha, true
						break
					}
				}
			}
		}
		if ok {
			st.newton++
			fails = 0
			prevErr, prevFull = errv, lastStep == 1
			prevWork = float64(trials) + 0.5 + h.work
			continue
		}
		// fallback: one exact Sinkhorn iteration (always increases f)
		fails++
		if adaptive {
			k = min(n*m, 2*k)
		} else if fails > 5 {
			st.status, st.done = Stagnated, true
			return
		}
		e.halfX(st.x, st.y, sx, xn)
		st.x, xn = xn, st.x
		e.halfY(st.x, st.y, sy, yn)
		st.y, yn = yn, st.y
		st.it++
		e.plan(e.pbuf, e.rsbuf, e.csbuf, st.x, st.y)
		f = e.dualScaled(sum(e.rsbuf), st.x, st.y)
		lastCG, lastStep = 0, 0
	}
}
