package nlp

import (
	"context"
	"errors"
	"math"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/solver"
	"gonum.org/v1/gonum/floats"
)

// Algorithm constants (IPOPT's defaults; see doc.go for the names).
const (
	kappaEps           = 10   // barrier_tol_factor
	kappaMu            = 0.2  // mu_linear_decrease_factor
	thetaMu            = 1.5  // mu_superlinear_decrease_power
	tauMin             = 0.99 // tau_min
	kappaSigma         = 1e10 // kappa_sigma
	kappaD             = 1e-5 // kappa_d
	sMax               = 100  // s_max
	deltaSwitch        = 1.0  // delta
	sTheta             = 1.1
	sPhi               = 2.3
	etaPhi             = 1e-8
	gammaTheta         = 1e-5
	gammaPhi           = 1e-8
	alphaMinFr         = 0.05
	maxSOC             = 4
	kappaSOC           = 0.99
	dwFirst            = 1e-4 // first_hessian_perturbation
	dwMin              = 1e-20
	dwMax              = 1e20
	dwIncFirst         = 100
	dwInc              = 8
	dwDec              = 1.0 / 3
	dcBar              = 1e-8 // jacobian_regularization_value
	dcExp              = 0.25
	epsMach            = 0x1p-52
	condenseMinDefault = 250 // condense the inequality rows when nx + me exceeds this
	restoRho           = 1000
	restoReduce        = 0.9                    // required_infeasibility_reduction
	thetaMaxFact       = 1e4                    // theta_max_fact
	restoThetaMaxFact  = 1e8                    // resto.theta_max_fact (IpRestoMinC_1Nrm's default)
	slackMove          = 1.8189894035458565e-12 // slack_move = ε^¾
)

type params struct {
	tol, acceptTol             float64
	acceptIter                 int
	constrViol, dualInf, compl float64
	relax                      float64 // bound_relax_factor
	maxIter                    int
	mu0, muMin                 float64
	recorder                   solver.Recorder[Iteration]
	// resto3119 (Settings.resto3119, tests only) adds the rules of IPOPT
	// 3.11.9's restoration phase that are not on by default, each read in
	// its source. Together they make the restoration phase follow IPOPT's
	// trajectory much longer (docs/nlp.md), but they are off by default
	// because the sweep over the shared problems then loses COSHFUN and
	// POLAK6 (which IPOPT 3.11.9 itself fails when run here), and the
	// project's acceptance rule allows no loss:
	//
	//   - the proximity term covers x only, not the inequality slacks
	//     (RestoIpoptNLP);
	//   - after μ changes in the restoration phase, f (the proximity
	//     weight ζ = √μ makes it depend on μ) and ∇f are re-evaluated for
	//     the line search (IPOPT caches them with μ as a dependency), while
	//     the Newton right-hand side keeps the gradient of the Lagrangian
	//     of before the update (IPOPT's curr_grad_lag_x cache has no μ
	//     dependency) and the Hessian is evaluated before μ is updated
	//     (IpoptAlgorithm calls UpdateHessian before
	//     UpdateBarrierParameter).
	resto3119 bool
}

// core is the primal-dual interior-point iteration (Wächter & Biegler 2006,
// Algorithm A) on an inner problem. The main run and the restoration phase
// are both cores.
type core struct {
	in  inner
	st  *structure
	prm *params
	ctx context.Context

	nx, nd, me, nv int

	v, y, zl, zu []float64
	sl, su       []float64 // slacks of v to its bounds (setSlacks)
	f            float64
	g, h, J, W   []float64
	// gMu is ∇f re-evaluated after μ changed in a restoration core (valid
	// while gMuValid, until the next evalAll); see params.resto3119.
	gMu      []float64
	gMuValid bool
	mu, tau  float64

	filter             [][2]float64
	thetaMax, thetaMin float64
	pert               perturbation // inertia correction state

	// KKT workspace: reduced system of order nx+me (lower triangle).
	nk         int
	K          []float64
	dk         []float64 // D_k of the diagonal variables
	ldl        linsolve.DenseLDL
	pos        []int     // position of row r in the reduced system, −1 when condensed
	rd, rho    []float64 // per row: δc + Σ_k 1/D_k, and the reduced right-hand side
	nzIdx      []int
	hasSlack   []bool // row r has a diagonal variable
	rhs, sol   []float64
	res, corr  []float64
	rx         []float64 // ∇φ + Jᵀy (length nv)
	dv, dy     []float64
	dzl, dzu   []float64
	trial      []float64
	htrial     []float64
	csoc, vsoc []float64
	hsoc       []float64
	dvsoc      []float64
	dysoc      []float64

	iter     *int
	evals    int
	accCount int
	tinyLast bool
	// slackMoves counts the bounds moved by the slack safeguard.
	slackMoves int
	// soft restoration phase
	inSoftResto bool
	softCount   int
	softAlpha   float64
	soft        *softState
	// inexactSolve skips the iterative refinement (second-order
	// corrections, as IPOPT's allow_inexact solves).
	inexactSolve bool

	resto *restoLink // non-nil when this core is a restoration phase
	// dhessHook, when set, refreshes st.dhess before each factorization.
	dhessHook     func()
	recordF       func() float64
	feasFallback  int
	square        bool // as many equality rows as free variables
	stopRequested bool
	// filter-reset heuristic state
	lastRejFilter    bool
	filterRejections int
	sp               *sparseKKT  // non-nil on the sparse path
	spIn             sparseInner // the problem's sparse derivatives (sparse path)
	shortened        int         // consecutive shortened steps
	wd               *watchdog   // non-nil while the watchdog runs
	noWatchdog       bool
	// original (unrelaxed, unscaled) bounds of the main problem
	xl, xu, cl, cu []float64
	// main-run hooks
	mainQ *scaledNLP
}

func newCore(in inner, st *structure, prm *params, ctx context.Context, iter *int) *core {
	c := &core{in: in, st: st, prm: prm, ctx: ctx, iter: iter}
	c.pert.mu = &c.mu
	c.nx, c.nd, c.me = st.nx, st.nd, st.me
	c.nv = st.nx + st.nd
	nv, me, nx := c.nv, c.me, c.nx
	c.v, c.y, c.zl, c.zu = make([]float64, nv), make([]float64, me), make([]float64, nv), make([]float64, nv)
	c.sl, c.su = make([]float64, nv), make([]float64, nv)
	c.g, c.h = make([]float64, nv), make([]float64, me)
	// Condense (eliminate the rows with a diagonal variable) when the
	// augmented system would be large.
	c.pos = make([]int, me)
	c.nk = nx
	condense := nx+me > condenseMin
	for r := range me {
		c.pos[r] = -2
	}
	for k := range st.nd {
		c.pos[st.drow[k]] = -1
	}
	for r := range me {
		if c.pos[r] == -2 || !condense {
			c.pos[r] = c.nk
			c.nk++
		}
	}
	c.rd, c.rho = make([]float64, me), make([]float64, me)
	// A pivot counts as zero only when it is (numerically) exactly zero:
	// IPOPT's MUMPS reports a singular matrix (INFO(1) = −10) only then;
	// a nearly singular matrix shows up instead as a wrong inertia or as a
	// failed iterative refinement (solveKKT), which IPOPT answers as
	// singular. (With condensed rows a relative tolerance would also be
	// meaningless: J_rᵀJ_r/d_r with d_r → 0 makes the row scales huge.)
	c.ldl.ZeroTol = 1e-300
	c.hasSlack = make([]bool, me)
	for k := range st.nd {
		c.hasSlack[st.drow[k]] = true
	}
	if si, ok := in.(sparseInner); ok && c.nk > sparseMin {
		// Large: the sparse augmented system (no rows condensed).
		c.spIn = si
		c.nk = nx + me
		for r := range me {
			c.pos[r] = nx + r
		}
	} else {
		c.J, c.W = make([]float64, me*nx), make([]float64, nx*nx)
		c.K = make([]float64, c.nk*c.nk)
	}
	c.dk = make([]float64, c.nd)
	c.rhs, c.sol, c.res, c.corr = make([]float64, c.nk), make([]float64, c.nk), make([]float64, c.nk), make([]float64, c.nk)
	c.rx = make([]float64, nv)
	c.dv, c.dy, c.dzl, c.dzu = make([]float64, nv), make([]float64, me), make([]float64, nv), make([]float64, nv)
	c.trial, c.htrial = make([]float64, nv), make([]float64, me)
	c.csoc, c.vsoc, c.hsoc = make([]float64, me), make([]float64, nv), make([]float64, me)
	c.dvsoc, c.dysoc = make([]float64, nv), make([]float64, me)
	return c
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func allFinite(v []float64) bool {
	for _, x := range v {
		if !finite(x) {
			return false
		}
	}
	return true
}

// evalAll evaluates f, g, h, J at c.v (W is evaluated when the step is
// computed, because it needs y). It reports false on a non-finite value.
func (c *core) evalAll() bool {
	c.gMuValid = false
	c.f = c.in.obj(c.v)
	c.evals++
	c.in.grad(c.g, c.v)
	c.in.cons(c.h, c.v)
	if c.spIn != nil {
		if c.sp == nil {
			c.initSparse(c.spIn)
		}
		c.sp.J = c.spIn.jacXSparse(c.v)
		if len(c.sp.J.RawMatrix().Data) != len(c.sp.jmap) {
			return false // the Jacobian's pattern changed (Problem contract)
		}
		return finite(c.f) && allFinite(c.g) && allFinite(c.h) && allFiniteCSR(c.sp.J)
	}
	c.in.jacX(c.J, c.v)
	return finite(c.f) && allFinite(c.g) && allFinite(c.h) && allFinite(c.J)
}

func norm1(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += math.Abs(x)
	}
	return s
}

// slackL and slackU are the slacks of the current point to its bounds
// (set by setSlacks whenever the point changes).
func (c *core) slackL(i int) float64 { return c.sl[i] }
func (c *core) slackU(i int) float64 { return c.su[i] }

// safeSlack is IPOPT's slack safeguard (CalculateSafeSlack, W&B §3.5):
// a slack s to the bound b with multiplier z that is below
// s_min = ε·min(1, μ) is replaced by
//
//	min( max(μ/z, s_min), max(s, 0) + slack_move·max(1, |b|) ),
//
// slack_move = ε^¾. Once the point is accepted the bound itself is moved
// to match (moveBounds), so the barrier never sees a slack that rounding
// has driven to zero.
func (c *core) safeSlack(s, b, z float64) float64 {
	sMin := epsMach * min(1, c.mu)
	if sMin == 0 {
		sMin = math.SmallestNonzeroFloat64
	}
	if s >= sMin {
		return s
	}
	s = max(s, 0)
	t := sMin
	if z > 0 {
		t = max(c.mu/z, sMin)
	} else {
		t = math.Inf(1)
	}
	return min(t, s+slackMove*max(1, math.Abs(b)))
}

// setSlacks computes the slacks of the current point v to its bounds and
// applies the slack move with the multipliers zl, zu (those of the previous
// iterate when a trial point is accepted, as IPOPT's AcceptTrialPoint):
// every slack below s_min is replaced by safeSlack and its bound moved
// outward to v − s (v + s for an upper bound). The corrected value is kept
// as the current slack (IPOPT caches it with the iterate), so a slack below
// the rounding granularity of v still enters Σ, the complementarity and the
// barrier with its corrected value. It returns the number of bounds moved.
func (c *core) setSlacks(zl, zu []float64) int {
	st := c.st
	moved := 0
	for i := range c.nv {
		if st.hasL[i] {
			s := c.v[i] - st.vl[i]
			if ns := c.safeSlack(s, st.vl[i], zl[i]); ns != s {
				st.vl[i] = c.v[i] - ns
				s = ns
				moved++
			}
			c.sl[i] = s
		}
		if st.hasU[i] {
			s := st.vu[i] - c.v[i]
			if ns := c.safeSlack(s, st.vu[i], zu[i]); ns != s {
				st.vu[i] = c.v[i] + ns
				s = ns
				moved++
			}
			c.su[i] = s
		}
	}
	c.slackMoves += moved
	return moved
}

// phi is the barrier function at a trial point v with objective value f
// (slacks through safeSlack with the current multipliers, as IPOPT's trial
// slacks).
func (c *core) phi(v []float64, f float64) float64 {
	st := c.st
	s := f
	for i := range c.nv {
		l, u := st.hasL[i], st.hasU[i]
		var sl, su float64
		if l {
			sl = c.safeSlack(v[i]-st.vl[i], st.vl[i], c.zl[i])
		}
		if u {
			su = c.safeSlack(st.vu[i]-v[i], st.vu[i], c.zu[i])
		}
		s += c.barrier(i, sl, su)
	}
	return s
}

// phiCur is the barrier function at the current point (its stored slacks).
func (c *core) phiCur() float64 {
	s := c.f
	for i := range c.nv {
		s += c.barrier(i, c.sl[i], c.su[i])
	}
	return s
}

// barrier is variable i's barrier and damping terms for slacks sl, su.
func (c *core) barrier(i int, sl, su float64) float64 {
	l, u := c.st.hasL[i], c.st.hasU[i]
	s := 0.0
	if l {
		s -= c.mu * math.Log(sl)
	}
	if u {
		s -= c.mu * math.Log(su)
	}
	if l && !u {
		s += kappaD * c.mu * sl
	} else if u && !l {
		s += kappaD * c.mu * su
	}
	return s
}

// gradPhi sets dst = ∇φ_μ(v) (needs c.g).
func (c *core) gradPhi(dst []float64) {
	st := c.st
	for i := range c.nv {
		d := c.g[i]
		l, u := st.hasL[i], st.hasU[i]
		if l {
			d -= c.mu / c.slackL(i)
		}
		if u {
			d += c.mu / c.slackU(i)
		}
		if l && !u {
			d += kappaD * c.mu
		} else if u && !l {
			d -= kappaD * c.mu
		}
		dst[i] = d
	}
}

// addJTy adds Jᵀy (with the diagonal variables' columns) to dst (length nv).
func (c *core) addJTy(dst, y []float64) {
	nx := c.nx
	if c.sp != nil {
		c.spAddJTy(dst, y)
	}
	for r := range c.me {
		yr := y[r]
		if yr == 0 || c.sp != nil {
			continue
		}
		row := c.J[r*nx : (r+1)*nx]
		for i, a := range row {
			dst[i] += a * yr
		}
	}
	for k := range c.nd {
		dst[nx+k] += c.st.dcoef[k] * y[c.st.drow[k]]
	}
}

// errors returns the scaled dual infeasibility, the primal infeasibility and
// the complementarity (with target mu) of the current iterate, and s_d, s_c.
func (c *core) errs(mu float64) (du, pr, co, sd, sc float64) {
	st := c.st
	copy(c.rx, c.g)
	c.addJTy(c.rx, c.y)
	nz := 0
	zsum := 0.0
	for i := range c.nv {
		if st.fixed != nil && i < c.nx && st.fixed[i] {
			continue
		}
		d := c.rx[i] - c.zl[i] + c.zu[i]
		du = max(du, math.Abs(d))
		if st.hasL[i] {
			nz++
			zsum += c.zl[i]
			co = max(co, math.Abs(c.slackL(i)*c.zl[i]-mu))
		}
		if st.hasU[i] {
			nz++
			zsum += c.zu[i]
			co = max(co, math.Abs(c.slackU(i)*c.zu[i]-mu))
		}
	}
	pr = floats.Norm(c.h, math.Inf(1))
	sd, sc = 1, 1
	if c.me+nz > 0 {
		sd = max(sMax, (norm1(c.y)+zsum)/float64(c.me+nz)) / sMax
	}
	if nz > 0 {
		sc = max(sMax, zsum/float64(nz)) / sMax
	}
	return
}

func (c *core) optError(mu float64) float64 {
	du, pr, co, sd, sc := c.errs(mu)
	if mu == 0 && c.mainQ != nil {
		// The NLP error uses the constraint violation of x (equality
		// residuals and d(x) outside its relaxed bounds), not c(x) − s, as
		// IPOPT's curr_nlp_error.
		pr = c.nlpViol()
	}
	return max(du/sd, pr, co/sc)
}

// nlpViol is the scaled constraint violation of the main problem at x:
// |h_r| for equality rows and the violation of dc·c(x) of the bounds of its
// slack for inequality rows.
func (c *core) nlpViol() float64 {
	st := c.st
	v := 0.0
	for r := range c.me {
		if c.hasSlack != nil && c.hasSlack[r] {
			continue
		}
		v = max(v, math.Abs(c.h[r]))
	}
	for k := range c.nd {
		r, i := st.drow[k], c.nx+k
		cv := c.h[r] - st.dcoef[k]*c.v[i]
		if st.hasL[i] {
			v = max(v, st.vl[i]-cv)
		}
		if st.hasU[i] {
			v = max(v, cv-st.vu[i])
		}
	}
	return v
}

// buildKKT assembles the reduced KKT matrix (lower triangle)
//
//	[ W + Σ_x + δw I     J_Eᵀ    ]
//	[ J_E               −δc I − Σ_k 1/D_k ]
//
// with the diagonal variables eliminated (D_k = hd_k + Σ_k + δw) and, when
// the core condenses, the rows that hold a diagonal variable eliminated
// too: their term J_rᵀJ_r/d_r, d_r = δc + Σ_k 1/D_k, joins the x block.
// Fixed x rows are identity rows. With lsq set it is the least-squares
// system (W = 0, Σ = 0, δw = 1). It reports false when some D_k ≤ 0.
func (c *core) buildKKT(dw, dc float64, lsq bool) bool {
	if c.sp != nil {
		return c.buildSparse(dw, dc, lsq)
	}
	nk, nx, st := c.nk, c.nx, c.st
	K := c.K
	clear(K)
	ok := c.diagElim(dw, dc, lsq)
	fixed := func(i int) bool { return st.fixed != nil && st.fixed[i] }
	for i := range nx {
		if fixed(i) {
			K[i*nk+i] = 1
			continue
		}
		if !lsq {
			row := K[i*nk : i*nk+i+1]
			copy(row, c.W[i*nx:i*nx+i+1])
			for j := range i {
				if fixed(j) {
					row[j] = 0
				}
			}
		}
		d := dw
		if !lsq {
			d += c.sigma(i)
		}
		K[i*nk+i] += d
	}
	for r := range c.me {
		jr := c.J[r*nx : (r+1)*nx]
		if pr := c.pos[r]; pr >= 0 {
			row := K[pr*nk:]
			for i := range nx {
				if !fixed(i) {
					row[i] = jr[i]
				}
			}
			row[pr] = -c.rd[r]
			continue
		}
		if !(c.rd[r] > 0) {
			ok = false
			continue
		}
		w := 1 / c.rd[r]
		nzs := c.nzIdx[:0]
		for i, a := range jr {
			if a != 0 && !fixed(i) {
				nzs = append(nzs, i)
			}
		}
		for a, i := range nzs {
			wi := w * jr[i]
			row := K[i*nk:]
			for _, j := range nzs[:a+1] {
				row[j] += wi * jr[j]
			}
		}
		c.nzIdx = nzs
	}
	return ok
}

// diagElim computes D_k of the diagonal variables and, per row,
// rd_r = δc + Σ_k 1/D_k; it reports false when some D_k ≤ 0.
func (c *core) diagElim(dw, dc float64, lsq bool) bool {
	st := c.st
	ok := true
	for r := range c.me {
		c.rd[r] = dc
	}
	for k := range c.nd {
		d := dw
		if !lsq {
			d += st.dhess[k] + c.sigma(c.nx+k)
		}
		if !(d > 0) {
			ok = false
			d = 1
		}
		c.dk[k] = d
		c.rd[st.drow[k]] += st.dcoef[k] * st.dcoef[k] / d
	}
	return ok
}

// factorCurrent factors the assembled KKT matrix and returns its inertia.
func (c *core) factorCurrent() (pos, neg, zero int, err error) {
	if c.sp != nil {
		return c.factorSparse()
	}
	if err := c.ldl.FactorizeLower(c.nk, c.K); err != nil {
		return 0, 0, 0, err
	}
	pos, neg, zero = c.ldl.Inertia()
	return pos, neg, zero, nil
}

// assembleRHS sets the reduced right-hand side from rx = ∇φ + Jᵀy (or the
// least-squares gradient) and the constraint residual hr.
func (c *core) assembleRHS(rx, hr []float64) {
	nx, st := c.nx, c.st
	for i := range nx {
		if st.fixed != nil && st.fixed[i] {
			c.rhs[i] = 0
		} else {
			c.rhs[i] = -rx[i]
		}
	}
	for r := range c.me {
		c.rho[r] = -hr[r]
	}
	for k := range c.nd {
		c.rho[st.drow[k]] += st.dcoef[k] * rx[nx+k] / c.dk[k]
	}
	for r := range c.me {
		if pr := c.pos[r]; pr >= 0 {
			c.rhs[pr] = c.rho[r]
			continue
		}
		w := c.rho[r] / c.rd[r]
		if w == 0 {
			continue
		}
		jr := c.J[r*nx : (r+1)*nx]
		for i, a := range jr {
			if a != 0 && (st.fixed == nil || !st.fixed[i]) {
				c.rhs[i] += a * w
			}
		}
	}
}

// recoverStep sets Δx, Δy and Δd from the reduced solution.
func (c *core) recoverStep(rx, dv, dy []float64) {
	nx, st := c.nx, c.st
	copy(dv[:nx], c.sol[:nx])
	for r := range c.me {
		if pr := c.pos[r]; pr >= 0 {
			dy[r] = c.sol[pr]
			continue
		}
		jr := c.J[r*nx : (r+1)*nx]
		s := 0.0
		for i, a := range jr {
			s += a * dv[i]
		}
		dy[r] = (s - c.rho[r]) / c.rd[r]
	}
	for k := range c.nd {
		dv[nx+k] = -(rx[nx+k] + st.dcoef[k]*dy[st.drow[k]]) / c.dk[k]
	}
}

// sigma returns Σ_i = zl/(v−vl) + zu/(vu−v).
func (c *core) sigma(i int) float64 {
	s := 0.0
	if c.st.hasL[i] {
		s += c.zl[i] / c.slackL(i)
	}
	if c.st.hasU[i] {
		s += c.zu[i] / c.slackU(i)
	}
	return s
}

// kktMul sets dst = K·x for the lower-triangle K.
func (c *core) kktMul(dst, x []float64) {
	nk := c.nk
	clear(dst)
	for i := range nk {
		row := c.K[i*nk : i*nk+i]
		s := 0.0
		xi := x[i]
		for j, a := range row {
			s += a * x[j]
			dst[j] += a * xi
		}
		dst[i] += s + c.K[i*nk+i]*xi
	}
}

// Iterative refinement (IPOPT's min/max_refinement_steps,
// residual_ratio_max, residual_ratio_singular, residual_improvement_factor).
const (
	minRefine      = 1
	maxRefine      = 10
	ratioMax       = 1e-10
	ratioSingular  = 1e-5
	refineImproves = 0.999999999
)

// residualRatio sets c.res = rhs − K·sol and returns IPOPT's residual
// ratio ‖res‖∞ / (min(‖sol‖∞, 1e6‖rhs‖∞) + ‖rhs‖∞).
func (c *core) residualRatio() float64 {
	c.kktMul(c.res, c.sol)
	for i := range c.res {
		c.res[i] = c.rhs[i] - c.res[i]
	}
	nb, ns, nr := floats.Norm(c.rhs, math.Inf(1)), floats.Norm(c.sol, math.Inf(1)), floats.Norm(c.res, math.Inf(1))
	if nb+ns == 0 {
		return nr
	}
	return nr / (min(ns, 1e6*nb) + nb)
}

// solveKKT solves K·sol = rhs with iterative refinement as IPOPT's
// PDFullSpaceSolver (at least one step, until the residual ratio is below
// 1e-10, at most 10 steps, stopping when a step does not improve it).
// singular reports that refinement failed with the ratio still at least
// 1e-5: IPOPT then pretends the matrix is singular and refactors it with
// the correction for singular matrices.
func (c *core) solveKKT() (ok, singular bool) {
	if c.sp != nil {
		// ErrInaccurate (refinement left the backward error above √ε)
		// still leaves the best iterate in sol; it is accepted unless the
		// residual ratio exceeds 1e-5 (then: pretend singular).
		if _, err := c.sp.f.Solve(c.sol, c.rhs); err != nil && !errors.Is(err, linsolve.ErrInaccurate) {
			return false, false
		} else if err != nil && c.spResidualRatio() > ratioSingular {
			return allFinite(c.sol), true
		}
		return allFinite(c.sol), false
	}
	if err := c.ldl.Solve(c.sol, c.rhs); err != nil {
		return false, false
	}
	if c.inexactSolve {
		// IPOPT solves the second-order correction with allow_inexact:
		// no refinement.
		return allFinite(c.sol), false
	}
	ratio := c.residualRatio()
	old := ratio
	for steps := 0; steps < minRefine || ratio > ratioMax; {
		if err := c.ldl.Solve(c.corr, c.res); err != nil {
			return false, false
		}
		for i := range c.sol {
			c.sol[i] += c.corr[i]
		}
		ratio = c.residualRatio()
		steps++
		if ratio > ratioMax && steps > minRefine && (steps > maxRefine || ratio > refineImproves*old) {
			return allFinite(c.sol), ratio >= ratioSingular
		}
		old = ratio
	}
	return allFinite(c.sol), false
}

// factorKKT factors the Newton matrix of a new iterate with the inertia
// correction (Algorithm IC, IPOPT's PDPerturbationHandler). It returns δw
// and false when no correction up to δ̄w^max gives the inertia
// (nx, rows kept, 0).
func (c *core) factorKKT() (float64, bool) {
	if !c.pert.newSystem() {
		return c.pert.dw, false
	}
	return c.factorLoop(false)
}

// factorLoop factors with the current (δw, δc) and corrects them until the
// inertia is right. A singular matrix (a zero pivot; or too few negative
// eigenvalues, which IPOPT also treats as singular) gets the correction
// for singular matrices, any other wrong inertia the one for wrong
// inertia. With pretend set (after a failed iterative refinement) the
// correction starts over for the matrix, as IPOPT's SolveOnce does
// (ConsiderNewSystem), and its unperturbed form is treated as singular.
func (c *core) factorLoop(pretend bool) (float64, bool) {
	p := &c.pert
	if pretend && !p.newSystem() {
		return p.dw, false
	}
	want := c.nk - c.nx
	for {
		singular := pretend
		if !pretend {
			okD := c.buildKKT(p.dw, p.dc, false)
			pos, neg, zero, err := c.factorCurrent()
			if err != nil {
				return p.dw, false
			}
			if okD && zero == 0 && neg == want && pos == c.nx {
				return p.dw, true
			}
			singular = okD && (zero > 0 || neg < want)
		}
		pretend = false
		var ok bool
		if singular && c.me > 0 {
			ok = p.forSingularity()
		} else {
			ok = p.forWrongInertia()
		}
		if !ok {
			return p.dw, false
		}
	}
}

// direction computes (Δv, Δy, Δz) from the factored KKT matrix with the
// constraint right-hand side hr (h for the Newton step, c_soc for a
// second-order correction); dv, dy receive the primal and y steps.
// singular reports a failed iterative refinement (see solveKKT).
func (c *core) direction(hr, dv, dy []float64) (ok, singular bool) {
	// rx = ∇φ + Jᵀy over all v.
	c.gradPhi(c.rx)
	c.addJTy(c.rx, c.y)
	c.assembleRHS(c.rx, hr)
	ok, singular = c.solveKKT()
	if !ok {
		return false, false
	}
	c.recoverStep(c.rx, dv, dy)
	return allFinite(dv) && allFinite(dy), singular
}

// dualStep sets Δz from Δv (μ X⁻¹e − z − Σ Δx).
func (c *core) dualStep(dv []float64) {
	for i := range c.nv {
		c.dzl[i], c.dzu[i] = 0, 0
		if c.st.hasL[i] {
			s := c.slackL(i)
			c.dzl[i] = c.mu/s - c.zl[i] - c.zl[i]/s*dv[i]
		}
		if c.st.hasU[i] {
			s := c.slackU(i)
			c.dzu[i] = c.mu/s - c.zu[i] + c.zu[i]/s*dv[i]
		}
	}
}

// maxStep returns the largest α ∈ (0, 1] keeping the bound slacks of
// v + αΔv above (1 − τ) times their values.
func (c *core) maxStep(dv []float64) float64 {
	a := 1.0
	for i := range c.nv {
		if c.st.hasL[i] && dv[i] < 0 {
			a = min(a, -c.tau*c.slackL(i)/dv[i])
		}
		if c.st.hasU[i] && dv[i] > 0 {
			a = min(a, c.tau*c.slackU(i)/dv[i])
		}
	}
	return a
}

func (c *core) maxDualStep() float64 {
	a := 1.0
	for i := range c.nv {
		if c.st.hasL[i] && c.dzl[i] < 0 {
			a = min(a, -c.tau*c.zl[i]/c.dzl[i])
		}
		if c.st.hasU[i] && c.dzu[i] < 0 {
			a = min(a, -c.tau*c.zu[i]/c.dzu[i])
		}
	}
	return a
}

// filterOK reports whether (θ, φ) is acceptable to the filter.
func (c *core) filterOK(theta, phi float64) bool {
	if theta > c.thetaMax {
		return false
	}
	for _, e := range c.filter {
		if !(theta < e[0] || phi < e[1]) {
			return false
		}
	}
	return true
}

func (c *core) addFilter(theta, phi float64) {
	t, p := (1-gammaTheta)*theta, phi-gammaPhi*theta
	// Drop entries the new one dominates.
	k := 0
	for _, e := range c.filter {
		if !(e[0] >= t && e[1] >= p) {
			c.filter[k] = e
			k++
		}
	}
	c.filter = append(c.filter[:k], [2]float64{t, p})
}

// zSafeguard applies the κ_Σ projection of the bound multipliers.
func (c *core) zSafeguard() {
	for i := range c.nv {
		if c.st.hasL[i] {
			s := c.slackL(i)
			c.zl[i] = max(min(c.zl[i], kappaSigma*c.mu/s), c.mu/(kappaSigma*s))
		}
		if c.st.hasU[i] {
			s := c.slackU(i)
			c.zu[i] = max(min(c.zu[i], kappaSigma*c.mu/s), c.mu/(kappaSigma*s))
		}
	}
}

// lsqMultipliers sets y to the least-squares estimate (18); y = 0 when the
// system is singular or the estimate exceeds 1e3 in size
// (constr_mult_init_max).
func (c *core) lsqMultipliers() { c.lsqY(1e3) }

// lsqY sets y to the least-squares multipliers [I Jᵀ; J 0][w; y] =
// −[∇f − zl + zu; 0] (IPOPT's LeastSquareMultipliers, solved without
// regularization); y = 0 and false when the system does not have the
// inertia of a full-rank J or, with maxNorm > 0, when ‖y‖∞ > maxNorm.
func (c *core) lsqY(maxNorm float64) bool {
	clear(c.y)
	if c.me == 0 {
		return true
	}
	c.buildKKT(1, 0, true)
	if p, n, z, err := c.factorCurrent(); err != nil || p != c.nx || n != c.nk-c.nx || z != 0 {
		return false
	}
	for i := range c.nv {
		c.rx[i] = c.g[i] - c.zl[i] + c.zu[i]
	}
	clear(c.htrial)
	c.assembleRHS(c.rx, c.htrial)
	if ok, _ := c.solveKKT(); !ok {
		return false
	}
	c.recoverStep(c.rx, c.dv, c.dysoc)
	if maxNorm > 0 && floats.Norm(c.dysoc, math.Inf(1)) > maxNorm {
		return false
	}
	copy(c.y, c.dysoc)
	return true
}

// condenseMin is condenseMinDefault except in tests of the condensed path.
var condenseMin = condenseMinDefault
