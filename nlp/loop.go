package nlp

import (
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/solver"
)

// outcome of a core run.
type outcome struct {
	status     solver.Status
	msg        string
	acceptable bool
}

// initFilter sets the filter bounds from the current (evaluated) point.
func (c *core) initFilter() {
	theta := norm1(c.h)
	fact := thetaMaxFact
	if c.resto != nil {
		fact = restoThetaMaxFact
	}
	c.thetaMax = fact * max(1, theta)
	c.thetaMin = 1e-4 * max(1, theta)
	c.filter = c.filter[:0]
}

// run iterates from the current (evaluated, interior) point.
func (c *core) run() outcome {
	prm := c.prm
	c.tau = max(tauMin, 1-c.mu)
	c.initFilter()
	firstIter := true
	for {
		// convergence of the NLP (or the restoration exit test).
		if c.resto != nil {
			if done, o := c.resto.check(c); done {
				return o
			}
		}
		e0 := c.optError(0)
		duGate, coGate := prm.dualInf, prm.compl
		if c.square {
			// A square system (as many equality rows as free variables):
			// IPOPT 3.11's NLP error is the constraint violation alone and
			// its dual-infeasibility and complementarity gates are off.
			e0 = c.nlpViol()
			duGate, coGate = math.Inf(1), math.Inf(1)
		}
		if e0 <= prm.tol {
			if c.resto != nil {
				return c.resto.converged(c)
			}
			if c.mainQ == nil || c.mainGates(prm.constrViol, duGate, coGate) {
				return outcome{status: solver.Converged, msg: "optimal solution found"}
			}
		}
		if c.resto == nil && prm.acceptTol > 0 {
			if e0 <= prm.acceptTol && c.mainGates(1e-2, 1e10, 1e-2) {
				c.accCount++
				if c.accCount >= prm.acceptIter {
					return outcome{status: solver.Converged, msg: "solved to an acceptable level", acceptable: true}
				}
			} else {
				c.accCount = 0
			}
		}
		if c.ctx.Err() != nil {
			return outcome{status: solver.Canceled, msg: c.ctx.Err().Error()}
		}
		if *c.iter >= prm.maxIter {
			return outcome{status: solver.MaxIterations, msg: "maximum number of iterations reached"}
		}
		if c.resto == nil && c.mainQ != nil {
			if floats.Norm(c.v[:c.nx], math.Inf(1)) > 1e20 {
				return outcome{status: solver.Unbounded, msg: "iterates diverge (|x| > 1e20)"}
			}
			if c.f/c.mainQ.df < -1e20 && c.mainGates(prm.constrViol, math.Inf(1), math.Inf(1)) {
				return outcome{status: solver.Unbounded, msg: "objective below −1e20 at a feasible point"}
			}
		}
		// barrier parameter update (monotone, fast decrease allowed).
		// The first iteration of a restoration phase keeps μ_R (IPOPT's
		// MonotoneMuUpdate skips its first update under the "resto."
		// prefix, and the restoration algorithm is initialized anew for
		// every call).
		// W at (v, y). IPOPT 3.11.9 evaluates it before the barrier
		// update; only the restoration problem's W depends on μ.
		hessFirst := c.resto != nil && prm.resto3119
		hessOK := true
		if hessFirst {
			hessOK = c.evalW()
		}
		if c.resto == nil || !firstIter {
			c.updateMu(false)
		}
		firstIter = false
		if !hessFirst {
			hessOK = c.evalW()
		}
		if !hessOK {
			return outcome{status: solver.NumericalFailure, msg: "non-finite Hessian at the current iterate (or its sparsity pattern changed)"}
		}
		// search direction with inertia correction.
		if c.dhessHook != nil {
			c.dhessHook()
		}
		dw, ok := c.factorKKT()
		if ok {
			var singular bool
			ok, singular = c.direction(c.h, c.dv, c.dy)
			if ok && singular {
				// Refinement failed badly: treat the matrix as singular
				// once and take the new solution as it comes (IPOPT).
				if dw, ok = c.factorLoop(true); ok {
					ok, _ = c.direction(c.h, c.dv, c.dy)
				}
			}
		}
		var st lsResult
		if !ok {
			st.fail = true
		} else {
			c.dualStep(c.dv)
			st = c.lineSearch()
		}
		*c.iter++
		if st.fail {
			if c.resto != nil {
				return outcome{status: solver.RestorationFailed, msg: "line search failed in the restoration phase"}
			}
			o, cont := c.restoration(!st.filterAdded)
			if !cont {
				return o
			}
			c.record(dw, 0, 0, 0, true)
			continue
		}
		if st.tinyStop {
			return outcome{status: solver.Stagnated, msg: "search direction too small and μ at its minimum"}
		}
		c.record(dw, st.alpha, st.alphaZ, st.ls, c.resto != nil)
		if c.stopRequested {
			return outcome{status: solver.Canceled, msg: "stopped by the Recorder"}
		}
	}
}

// updateMu decreases μ while the barrier problem is solved to κ_ε μ (or
// once when force is set).
func (c *core) updateMu(force bool) {
	prm := c.prm
	if c.resto != nil && prm.resto3119 {
		mu0 := c.mu
		defer func() {
			if c.mu != mu0 {
				c.restoMuChanged()
			}
		}()
	}
	for {
		if !force && c.optError(c.mu) > kappaEps*c.mu {
			return
		}
		// IPOPT's floor is min(tol, compl_inf_tol)/(κ_ε+1); the unscaled
		// complementarity gate is compl_inf_tol on compl/df, so the floor
		// here uses compl_inf_tol·df (a deviation that matters only when
		// the objective is scaled down).
		nm := max(min(prm.tol, prm.compl*c.fScale())/(kappaEps+1), min(kappaMu*c.mu, math.Pow(c.mu, thetaMu)))
		nm = max(nm, prm.muMin)
		if nm >= c.mu {
			return
		}
		c.mu = nm
		c.tau = max(tauMin, 1-c.mu)
		c.filter = c.filter[:0]
		c.filterRejections, c.lastRejFilter = 0, false
		c.inSoftResto, c.softCount = false, 0 // IPOPT resets the line search with μ
		force = false
	}
}

// filterResetHeuristic is IPOPT's filter reset (filter_reset_trigger = 5),
// run when a trial point is accepted: if the last rejected trial before it
// failed only on the filter, count the line search; after 5 such line
// searches in a row clear the filter (the entry of the current iteration
// is then added to the empty filter). IPOPT's max_filter_resets = 5 is
// never reached because IPOPT does not count its resets; neither does
// this.
func (c *core) filterResetHeuristic() {
	if c.lastRejFilter {
		c.filterRejections++
		if c.filterRejections >= filterResetTrigger {
			c.filter = c.filter[:0]
			c.filterRejections = 0
		}
	} else {
		c.filterRejections = 0
	}
	c.lastRejFilter = false
}

const filterResetTrigger = 5

type lsResult struct {
	alpha, alphaZ float64
	ls            int
	fail          bool
	tinyStop      bool
	filterAdded   bool // the current point joined the filter already (soft restoration)
}

// lineSearch is the filter line search with second-order corrections
// (Wächter & Biegler 2006, §2.3–2.4). On success it moves to the accepted
// point and re-evaluates there.
func (c *core) lineSearch() lsResult {
	var r lsResult
	theta := norm1(c.h)
	phi := c.phiCur()
	if c.gMuValid {
		// ∇φ with the gradient re-evaluated after a μ change.
		c.g, c.gMu = c.gMu, c.g
		c.gradPhi(c.rx)
		c.g, c.gMu = c.gMu, c.g
	} else {
		c.gradPhi(c.rx)
	}
	gphi := 0.0
	for i := range c.nv {
		gphi += c.rx[i] * c.dv[i]
	}
	alphaMax := c.maxStep(c.dv)
	alphaZ := c.maxDualStep()

	// Tiny step: take the full step without a line search.
	tiny := true
	for i := range c.nv {
		if math.Abs(c.dv[i])/(1+math.Abs(c.v[i])) > 10*epsMach {
			tiny = false
			break
		}
	}
	if tiny && floats.Norm(c.h, math.Inf(1)) <= 1e-4 {
		ytiny := true
		for r := range c.me {
			if math.Abs(c.dy[r])/(1+math.Abs(c.y[r])) > 1e-2 {
				ytiny = false
			}
		}
		if c.tinyLast && ytiny {
			if c.mu <= c.prm.muMin*(1+1e-9) {
				r.tinyStop = true
				return r
			}
			c.updateMu(true)
		}
		c.tinyLast = ytiny
		c.accept(c.dv, c.dy, alphaMax, alphaZ)
		if !c.evalAll() {
			r.fail = true
			return r
		}
		r.alpha, r.alphaZ, r.ls = alphaMax, alphaZ, 1
		return r
	}
	c.tinyLast = false

	// In IPOPT's soft restoration phase every iteration takes the soft
	// step (no backtracking), at most maxSoftResto times.
	if c.inSoftResto {
		c.softCount++
		if c.softCount > maxSoftResto {
			r.fail, r.filterAdded = true, true
			return r
		}
		ok, orig := c.trySoftResto(theta, phi)
		if !ok {
			r.fail, r.filterAdded = true, true
			return r
		}
		if orig {
			c.inSoftResto, c.softCount = false, 0
		}
		if !c.evalAll() {
			r.fail = true
			return r
		}
		r.alpha, r.alphaZ, r.ls = c.softAlpha, c.softAlpha, 1
		return r
	}

	// Watchdog (IPOPT's watchdog_shortened_iter_trigger = 10,
	// watchdog_trial_iter_max = 3): after 10 consecutive shortened steps
	// take full steps for up to 3 iterations and keep them if one becomes
	// acceptable with respect to the iterate where the watchdog started;
	// otherwise go back there and backtrack as usual.
	if c.wd == nil && c.shortened >= wdTrigger && !c.noWatchdog {
		c.wdStart(theta, phi, gphi, alphaMax)
		c.shortened = 0
		c.accept(c.dv, c.dy, alphaMax, alphaZ)
		if !c.evalAll() {
			c.wdRestore()
			return c.lineSearch()
		}
		r.alpha, r.alphaZ, r.ls = alphaMax, alphaZ, 1
		return r
	}
	if w := c.wd; w != nil {
		r.ls++
		for i := range c.nv {
			c.trial[i] = c.v[i] + alphaMax*c.dv[i]
		}
		fT := c.in.obj(c.trial)
		c.evals++
		c.in.cons(c.htrial, c.trial)
		thetaT := norm1(c.htrial)
		ok := finite(fT) && allFinite(c.htrial)
		if ok {
			phiT := c.phi(c.trial, fT)
			ok = c.filterOK(thetaT, phiT)
			if ok {
				sw := w.gphi < 0 && w.alpha*math.Pow(-w.gphi, sPhi) > deltaSwitch*math.Pow(w.theta, sTheta)
				armijo := phiT-w.phi-etaPhi*w.alpha*w.gphi <= 10*epsMach*math.Abs(w.phi)
				if sw && w.theta <= c.thetaMin {
					ok = armijo
				} else {
					ok = thetaT <= (1-gammaTheta)*w.theta || phiT <= w.phi-gammaPhi*w.theta
				}
				if ok && !(sw && armijo) {
					c.addFilter(w.theta, w.phi)
				}
			}
		}
		if ok {
			c.wd = nil
			c.accept(c.dv, c.dy, alphaMax, alphaZ)
			if !c.evalAll() {
				r.fail = true
				return r
			}
			r.alpha, r.alphaZ = alphaMax, alphaZ
			return r
		}
		if w.trials < wdTrialMax && finite(fT) && allFinite(c.htrial) {
			w.trials++
			c.accept(c.dv, c.dy, alphaMax, alphaZ)
			if !c.evalAll() {
				c.wdRestore()
				return c.lineSearch()
			}
			r.alpha, r.alphaZ = alphaMax, alphaZ
			return r
		}
		// Give up: back to the watchdog iterate and its direction.
		c.wdRestore()
		r2 := c.lineSearch()
		r2.ls += r.ls
		return r2
	}

	var alphaMin float64
	if gphi < 0 {
		alphaMin = min(gammaTheta, gammaPhi*theta/(-gphi))
		if theta <= c.thetaMin {
			alphaMin = min(alphaMin, deltaSwitch*math.Pow(theta, sTheta)/math.Pow(-gphi, sPhi))
		}
	} else {
		alphaMin = gammaTheta
	}
	alphaMin *= alphaMinFr

	// acceptable tests a trial (θ⁺, φ⁺) for the step length alpha; ftype
	// reports whether the switching condition (19) and the Armijo
	// condition (20) both hold, in which case the filter is not augmented
	// (A-8 of the paper and IPOPT's UpdateForNextIteration: this does not
	// depend on θ ≤ θ_min, which only selects the acceptance test).
	acceptable := func(alpha, thetaT, phiT float64) (ok, ftype bool) {
		if !finite(phiT) || !finite(thetaT) || thetaT > c.thetaMax {
			return false, false
		}
		sw := gphi < 0 && alpha*math.Pow(-gphi, sPhi) > deltaSwitch*math.Pow(theta, sTheta)
		armijo := phiT-phi-etaPhi*alpha*gphi <= 10*epsMach*math.Abs(phi)
		ftype = sw && armijo
		if sw && theta <= c.thetaMin {
			ok = armijo
		} else {
			ok = thetaT <= (1-gammaTheta)*theta || phiT <= phi-gammaPhi*theta
		}
		if !ok {
			c.lastRejFilter = false
			return false, false
		}
		if !c.filterOK(thetaT, phiT) {
			c.lastRejFilter = true
			return false, false
		}
		c.filterResetHeuristic()
		return ok, ftype
	}

	alpha := alphaMax
	for first := true; ; first = false {
		if alpha < alphaMin && !first {
			return c.softStart(theta, phi, r)
		}
		r.ls++
		for i := range c.nv {
			c.trial[i] = c.v[i] + alpha*c.dv[i]
		}
		fT := c.in.obj(c.trial)
		c.evals++
		c.in.cons(c.htrial, c.trial)
		thetaT := norm1(c.htrial)
		var phiT float64
		okEval := finite(fT) && allFinite(c.htrial)
		if okEval {
			phiT = c.phi(c.trial, fT)
			if ok, ft := acceptable(alpha, thetaT, phiT); ok {
				if !ft {
					c.addFilter(theta, phi)
				}
				c.accept(c.dv, c.dy, alpha, alphaZ)
				if alpha < alphaMax {
					c.shortened++
				} else {
					c.shortened = 0
				}
				c.noWatchdog = false
				if !c.evalAll() {
					r.fail = true
					return r
				}
				r.alpha, r.alphaZ = alpha, alphaZ
				return r
			}
		}
		// Second-order correction after the first trial.
		if first && okEval && thetaT >= theta && c.me > 0 {
			if a, ok := c.soc(alpha, theta, thetaT, acceptable, &r); ok {
				r.alpha = a // r.alphaZ: the corrected direction's
				return r
			} else if r.fail {
				return r
			}
		}
		alpha *= 0.5
		if alpha < alphaMin {
			return c.softStart(theta, phi, r)
		}
	}
}

// Soft restoration (IPOPT's soft_resto_pderror_reduction_factor = 0.9999,
// max_soft_resto_iters = 10).
const (
	softRestoFactor = 0.9999
	maxSoftResto    = 10
)

// softStart is IPOPT's answer to a failed backtracking line search: the
// current point joins the filter (PrepareRestoPhaseStart) and the step
// along the current direction with the largest α allowed by the fraction
// to the boundary for both the primal and the dual variables is tried. If
// it is acceptable to the filter and the current iterate, it is taken and
// the run goes on as usual; if it reduces the primal-dual error by the
// factor 0.9999 it is taken and the soft restoration phase begins (every
// following iteration takes such a step, at most 10 times, until one is
// acceptable to the filter again); otherwise the restoration phase starts.
func (c *core) softStart(theta, phi float64, r lsResult) lsResult {
	r.fail = true
	c.addFilter(theta, phi)
	r.filterAdded = true
	ok, orig := c.trySoftResto(theta, phi)
	if !ok {
		return r
	}
	if !orig {
		c.inSoftResto, c.softCount = true, 0
	}
	if !c.evalAll() {
		r.filterAdded = false
		return r
	}
	r.fail = false
	r.alpha, r.alphaZ = c.softAlpha, c.softAlpha
	r.ls++
	return r
}

// trySoftResto is IPOPT's TrySoftRestoStep: α = min(α_max, α_z) from the
// fraction to the boundary, primal and dual variables (y included) moved
// by α. ok reports that the step is taken (the iterate has moved); orig
// that it is acceptable to the filter and the current iterate (the
// sufficient-decrease test, α_test = 0 so never an Armijo step).
func (c *core) trySoftResto(theta, phi float64) (ok, orig bool) {
	alpha := min(c.maxStep(c.dv), c.maxDualStep())
	c.softAlpha = alpha
	for i := range c.nv {
		c.trial[i] = c.v[i] + alpha*c.dv[i]
	}
	fT := c.in.obj(c.trial)
	c.evals++
	c.in.cons(c.htrial, c.trial)
	if !finite(fT) || !allFinite(c.htrial) {
		return false, false
	}
	thetaT := norm1(c.htrial)
	phiT := c.phi(c.trial, fT)
	if finite(phiT) && thetaT <= c.thetaMax {
		if !(thetaT <= (1-gammaTheta)*theta || phiT <= phi-gammaPhi*theta) {
			c.lastRejFilter = false
		} else if !c.filterOK(thetaT, phiT) {
			c.lastRejFilter = true
		} else {
			c.filterResetHeuristic()
			c.accept(c.dv, c.dy, alpha, alpha)
			return true, true
		}
	}
	// The primal-dual error (1-norms over the number of entries) at the
	// trial point against the current one.
	cur := c.pdError(c.mu)
	c.softSave()
	c.accept(c.dv, c.dy, alpha, alpha)
	if c.evalAll() && c.pdError(c.mu) <= softRestoFactor*cur {
		return true, false
	}
	c.softRestore()
	return false, false
}

// pdError is IPOPT's primal_dual_system_error: ‖∇L‖₁/(n_x + n_s) +
// ‖c(x) − s‖₁/m + ‖S z − μ‖₁/n_bounds (scaled problem).
func (c *core) pdError(mu float64) float64 {
	st := c.st
	copy(c.rx, c.g)
	c.addJTy(c.rx, c.y)
	du, co := 0.0, 0.0
	nd, nc := 0, 0
	for i := range c.nv {
		if st.fixed != nil && i < c.nx && st.fixed[i] {
			continue
		}
		du += math.Abs(c.rx[i] - c.zl[i] + c.zu[i])
		nd++
		if st.hasL[i] {
			co += math.Abs(c.slackL(i)*c.zl[i] - mu)
			nc++
		}
		if st.hasU[i] {
			co += math.Abs(c.slackU(i)*c.zu[i] - mu)
			nc++
		}
	}
	e := 0.0
	if nd > 0 {
		e += du / float64(nd)
	}
	if c.me > 0 {
		e += norm1(c.h) / float64(c.me)
	}
	if nc > 0 {
		e += co / float64(nc)
	}
	return e
}

// softSave and softRestore keep the iterate (and the bounds, which the
// slack move may change) while a soft-restoration trial is evaluated.
func (c *core) softSave() {
	if c.soft == nil {
		nv := c.nv
		c.soft = &softState{v: make([]float64, nv), y: make([]float64, c.me), zl: make([]float64, nv), zu: make([]float64, nv),
			sl: make([]float64, nv), su: make([]float64, nv), vl: make([]float64, nv), vu: make([]float64, nv)}
	}
	w := c.soft
	copy(w.v, c.v)
	copy(w.y, c.y)
	copy(w.zl, c.zl)
	copy(w.zu, c.zu)
	copy(w.sl, c.sl)
	copy(w.su, c.su)
	copy(w.vl, c.st.vl)
	copy(w.vu, c.st.vu)
	w.moves = c.slackMoves
}

func (c *core) softRestore() {
	w := c.soft
	copy(c.v, w.v)
	copy(c.y, w.y)
	copy(c.zl, w.zl)
	copy(c.zu, w.zu)
	copy(c.sl, w.sl)
	copy(c.su, w.su)
	copy(c.st.vl, w.vl)
	copy(c.st.vu, w.vu)
	c.slackMoves = w.moves
	c.evalAll() // f, g, h, J at the restored iterate (finite: it was accepted)
}

type softState struct {
	v, y, zl, zu, sl, su, vl, vu []float64
	moves                        int
}

// soc tries up to maxSOC second-order corrections (15) and accepts the
// first acceptable one.
func (c *core) soc(alpha0, theta, thetaT float64, acceptable func(a, t, p float64) (bool, bool), r *lsResult) (float64, bool) {
	alphaSoc := alpha0
	for i := range c.me {
		c.csoc[i] = alphaSoc*c.h[i] + c.htrial[i]
	}
	thetaOld := thetaT
	for range maxSOC {
		c.inexactSolve = true
		ok, _ := c.direction(c.csoc, c.dvsoc, c.dysoc)
		c.inexactSolve = false
		if !ok {
			return 0, false
		}
		alphaSoc = c.maxStep(c.dvsoc)
		for i := range c.nv {
			c.vsoc[i] = c.v[i] + alphaSoc*c.dvsoc[i]
		}
		r.ls++
		fT := c.in.obj(c.vsoc)
		c.evals++
		c.in.cons(c.hsoc, c.vsoc)
		if !finite(fT) || !allFinite(c.hsoc) {
			return 0, false
		}
		thetaS := norm1(c.hsoc)
		phiS := c.phi(c.vsoc, fT)
		if ok, ft := acceptable(alpha0, thetaS, phiS); ok {
			if !ft {
				c.addFilter(theta, c.phiCur())
			}
			// The dual step of the corrected direction.
			c.dualStep(c.dvsoc)
			az := c.maxDualStep()
			c.accept(c.dvsoc, c.dysoc, alphaSoc, az)
			// Accepted at the first trial: not a shortened step (IPOPT
			// counts backtracking steps only).
			c.shortened = 0
			c.noWatchdog = false
			if !c.evalAll() {
				r.fail = true
				return 0, false
			}
			r.alphaZ = az
			return alphaSoc, true
		}
		if thetaS > kappaSOC*thetaOld {
			return 0, false
		}
		thetaOld = thetaS
		for i := range c.me {
			c.csoc[i] = alphaSoc*c.csoc[i] + c.hsoc[i]
		}
	}
	return 0, false
}

// accept moves to v + αΔv, y + αΔy, z + α_z Δz, applies the slack move to
// bounds whose slack fell below s_min (with the multipliers of the previous
// iterate, as IPOPT) and then the κ_Σ safeguard.
func (c *core) accept(dv, dy []float64, alpha, alphaZ float64) {
	for i := range c.nv {
		c.v[i] += alpha * dv[i]
	}
	c.setSlacks(c.zl, c.zu)
	for i := range c.nv {
		c.zl[i] += alphaZ * c.dzl[i]
		c.zu[i] += alphaZ * c.dzu[i]
	}
	for r := range c.me {
		c.y[r] += alpha * dy[r]
	}
	c.zSafeguard()
}

const (
	wdTrigger  = 10
	wdTrialMax = 3
)

// watchdog is the state saved when the watchdog starts.
type watchdog struct {
	v, y, zl, zu     []float64
	dv, dy, dzl, dzu []float64
	filter           [][2]float64
	theta, phi, gphi float64
	alpha            float64
	trials           int
	mu, tau          float64
}

func (c *core) wdStart(theta, phi, gphi, alpha float64) {
	cl := func(v []float64) []float64 { return append([]float64(nil), v...) }
	c.wd = &watchdog{v: cl(c.v), y: cl(c.y), zl: cl(c.zl), zu: cl(c.zu),
		dv: cl(c.dv), dy: cl(c.dy), dzl: cl(c.dzl), dzu: cl(c.dzu),
		filter: append([][2]float64(nil), c.filter...), theta: theta, phi: phi, gphi: gphi, alpha: alpha, trials: 1,
		mu: c.mu, tau: c.tau}
}

// wdRestore returns to the watchdog iterate with its direction; the next
// line search backtracks normally.
func (c *core) wdRestore() {
	w := c.wd
	c.wd = nil
	copy(c.v, w.v)
	copy(c.y, w.y)
	copy(c.zl, w.zl)
	copy(c.zu, w.zu)
	c.evalAll() // g, h, J at the watchdog iterate (finite: it was accepted)
	copy(c.dv, w.dv)
	copy(c.dy, w.dy)
	copy(c.dzl, w.dzl)
	copy(c.dzu, w.dzu)
	c.filter = append(c.filter[:0], w.filter...)
	c.mu, c.tau = w.mu, w.tau
	c.setSlacks(c.zl, c.zu)
	c.noWatchdog = true
	c.shortened = 0
}

// evalW evaluates the Hessian of the Lagrangian at (v, y); false when it
// is not finite (or its sparsity pattern changed).
func (c *core) evalW() bool {
	if c.sp != nil {
		c.sp.W = c.spIn.hessXSparse(c.v, c.y, 1)
		return allFiniteCSR(c.sp.W) && len(c.sp.W.RawMatrix().Data) == len(c.sp.hmap)
	}
	c.in.hessX(c.W, c.v, c.y, 1)
	return allFinite(c.W)
}

// restoMuChanged re-evaluates the restoration objective, and its gradient
// for the line search, after μ changed (params.resto3119): the Newton
// right-hand side keeps c.g, as IPOPT 3.11.9's does.
func (c *core) restoMuChanged() {
	c.f = c.in.obj(c.v)
	if c.gMu == nil {
		c.gMu = make([]float64, len(c.g))
	}
	c.in.grad(c.gMu, c.v)
	c.gMuValid = true
}
