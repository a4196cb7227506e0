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
// instead (five failures in a row end the solve with Stagnated).
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
	if n1 > 0 {
		maxIt := st.maxIt
		st.maxIt = min(n1, maxIt)
		st.logDomain(st.tol)
		st.maxIt = maxIt
		if st.status == MaxIterations && st.it < maxIt {
			st.done = false
		}
	}
	if !st.done {
		st.newtonStage(&s)
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
	h.indptr, h.ind, h.data, _ = topK(p, n, m, k, scratch, h.indptr, h.ind, h.data)
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
	cg, err := linsolve.CG(ctx, h.op, g, linsolve.Settings{RTol: rtol, MaxIter: cgMax, Precond: h})
	if err != nil || cg.Status == linsolve.NumericalFailure || cg.Status == linsolve.Canceled {
		if cg != nil {
			cgIt = cg.Iterations
		}
		return nil, cgIt, false
	}
	dz = cg.X
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
	return dz, cg.Iterations, true
}

// newtonStage runs the Newton iterations of SNS.
func (st *state) newtonStage(s *SNSSettings) {
	e := st.e
	n, m := e.n, e.m
	nm := n + m
	k := keptEntries(s.Sparsity, n, m)
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
	sx, xn := make([]float64, n), make([]float64, n)
	sy, yn := make([]float64, m), make([]float64, m)
	f := e.dualScaled(sum(e.rsbuf), st.x, st.y)
	lastCG, lastStep, fails := 0, 0.0, 0
	warm := st.it > 0 // the warm-up already recorded this iterate
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
		if errv <= st.tol {
			st.status, st.done = Converged, true
			return
		}
		if st.it+st.newton >= st.maxIt {
			st.status, st.done = MaxIterations, true
			return
		}
		dz, cgIt, ok := h.direction(st.ctx, e.pbuf, e.rsbuf, e.csbuf, g, errv, k, scratch, s)
		st.cg += cgIt
		lastCG = cgIt
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
			continue
		}
		// fallback: one exact Sinkhorn iteration (always increases f)
		fails++
		if fails > 5 {
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
