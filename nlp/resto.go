package nlp

import (
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/solver"
)

// restoNLP is IPOPT's feasibility-restoration problem (16) on an inner
// problem q with variables v = (x, d):
//
//	minimize ρ Σᵣ (pᵣ + nᵣ) + (ζ/2) ‖D_R (v − v_R)‖²
//	subject to h(v) − p + n = 0,  vl ≤ v ≤ vu,  p, n ≥ 0,
//
// ζ = √μ (μ of the restoration run), D_R = diag(1/max(1, |v_R,i|)).
// As in IPOPT 3.11.9 (RestoIpoptNLP::grad_f and ::h; IPOPT 3.14 squares
// the factor there too), the gradient and the Hessian of the proximity
// term use D_R where the objective has D_R²: ζ D_R (v − v_R) and ζ D_R.
type restoNLP struct {
	q      inner
	nv, me int
	nx     int
	vR, d2 []float64 // v_R and D_R² (objective)
	dg     []float64 // D_R (gradient and Hessian)
	mu     *float64
	xdiag  []float64
}

// newRestoNLP sets up the restoration problem at v_R = v (copied) for an
// inner problem with nx general variables, len(v) − nx slacks and me
// rows; xOnly leaves the slacks out of the proximity term (IPOPT).
func newRestoNLP(q inner, v []float64, nx, me int, xOnly bool) *restoNLP {
	nv := len(v)
	rq := &restoNLP{q: q, nv: nv, me: me, nx: nx, vR: append([]float64(nil), v...), d2: make([]float64, nv), dg: make([]float64, nv)}
	for i := range nv {
		if i >= nx && xOnly {
			break
		}
		d := 1 / max(1, math.Abs(v[i]))
		rq.d2[i] = d * d
		rq.dg[i] = d
	}
	return rq
}

func (r *restoNLP) zeta() float64 { return math.Sqrt(*r.mu) }

func (r *restoNLP) obj(v []float64) float64 {
	s := 0.0
	for i := range 2 * r.me {
		s += v[r.nv+i]
	}
	s *= restoRho
	z := r.zeta() / 2
	for i := range r.nv {
		d := v[i] - r.vR[i]
		s += z * r.d2[i] * d * d
	}
	return s
}

func (r *restoNLP) grad(dst, v []float64) {
	z := r.zeta()
	for i := range r.nv {
		dst[i] = z * r.dg[i] * (v[i] - r.vR[i])
	}
	for i := range 2 * r.me {
		dst[r.nv+i] = restoRho
	}
}

func (r *restoNLP) cons(dst, v []float64) {
	r.q.cons(dst, v[:r.nv])
	p, n := v[r.nv:r.nv+r.me], v[r.nv+r.me:]
	for i := range r.me {
		dst[i] += n[i] - p[i]
	}
}

func (r *restoNLP) jacX(dst, v []float64) { r.q.jacX(dst, v[:r.nv]) }

func (r *restoNLP) hessX(dst, v, y []float64, sigma float64) {
	r.q.hessX(dst, v[:r.nv], y, 0)
	z := sigma * r.zeta()
	for i := range r.nx {
		dst[i*r.nx+i] += z * r.dg[i]
	}
}

// restoLink connects a restoration core to the core it restores.
type restoLink struct {
	parent       *core
	thetaR, phiR float64
	infPrR       float64 // max-norm of the residual where the restoration began
	started      bool
	rq           *restoNLP
}

// check is the restoration exit test (IPOPT's RestoConvergenceCheck and
// RestoFilterConvergenceCheck): the max-norm of the original residual fell
// to restoReduce times its value where the restoration began, and the
// point is acceptable to the original filter and to that iterate. On
// success the parent takes the point.
func (l *restoLink) check(rc *core) (bool, outcome) {
	if !l.started {
		l.started = true
		return false, outcome{}
	}
	pc := l.parent
	nv, me := pc.nv, pc.me
	theta := 0.0
	for r := range me {
		theta += math.Abs(rc.h[r] + rc.v[nv+r] - rc.v[nv+me+r])
	}
	if pc.square {
		// A square problem stays in restoration until it is feasible.
		viol := 0.0
		for r := range me {
			viol = max(viol, math.Abs(rc.h[r]+rc.v[nv+r]-rc.v[nv+me+r]))
		}
		if viol > pc.prm.tol {
			return false, outcome{}
		}
		return true, outcome{status: solver.Converged, msg: "restoration succeeded"}
	}
	// IPOPT's RestoConvergenceCheck: the max-norm of the original residual
	// must fall to max(κ_R·its value at the start, min(tol,
	// constr_viol_tol)).
	infPr := 0.0
	for r := range me {
		infPr = max(infPr, math.Abs(rc.h[r]+rc.v[nv+r]-rc.v[nv+me+r]))
	}
	if infPr > max(restoReduce*l.infPrR, min(pc.prm.tol, pc.prm.constrViol)) {
		return false, outcome{}
	}
	f := pc.in.obj(rc.v[:nv])
	pc.evals++
	if !finite(f) {
		return false, outcome{}
	}
	phi := pc.phi(rc.v[:nv], f)
	if !pc.filterOK(theta, phi) {
		return false, outcome{}
	}
	if !(theta <= (1-gammaTheta)*l.thetaR || phi-l.phiR <= -gammaPhi*l.thetaR) {
		// Not acceptable to the iterate where the restoration began.
		return false, outcome{}
	}
	return true, outcome{status: solver.Converged, msg: "restoration succeeded"}
}

// converged is called when the restoration problem itself is solved
// without passing check: a stationary point of the infeasibility.
func (l *restoLink) converged(rc *core) outcome {
	pc := l.parent
	nv, me := pc.nv, pc.me
	viol := 0.0
	for r := range me {
		viol = max(viol, math.Abs(rc.h[r]+rc.v[nv+r]-rc.v[nv+me+r]))
	}
	if viol > pc.prm.constrViol {
		return outcome{status: solver.Infeasible, msg: "converged to a stationary point of the constraint violation (locally infeasible)"}
	}
	return outcome{status: solver.RestorationFailed, msg: "restoration converged to a feasible point that the filter does not accept", acceptable: true}
}

// restoration runs the feasibility-restoration phase from the current
// point. cont reports whether the main iteration goes on (at the restored
// point); otherwise o says how the run ends.
func (c *core) restoration(augment bool) (o outcome, cont bool) {
	theta := norm1(c.h)
	phi := c.phiCur()
	if augment {
		c.addFilter(theta, phi)
	}
	c.inSoftResto, c.softCount = false, 0
	nv, me, nx := c.nv, c.me, c.nx
	if me == 0 {
		return outcome{status: solver.NumericalFailure, msg: "line search failed on a problem without constraints (no restoration possible)"}, false
	}
	st := c.st
	muR := max(c.mu, floats.Norm(c.h, math.Inf(1)))
	rq := newRestoNLP(c.in, c.v, nx, me, c.prm.resto3119)
	rs := &structure{nx: nx, nd: st.nd + 2*me, me: me, fixed: st.fixed}
	rs.drow = append(append([]int(nil), st.drow...), make([]int, 2*me)...)
	rs.dcoef = append(append([]float64(nil), st.dcoef...), make([]float64, 2*me)...)
	rs.dhess = make([]float64, rs.nd)
	for r := range me {
		rs.drow[st.nd+r], rs.dcoef[st.nd+r] = r, -1
		rs.drow[st.nd+me+r], rs.dcoef[st.nd+me+r] = r, 1
	}
	rs.vl = append(append([]float64(nil), st.vl...), make([]float64, 2*me)...)
	rs.vu = append([]float64(nil), st.vu...)
	rs.hasL = append([]bool(nil), st.hasL...)
	rs.hasU = append([]bool(nil), st.hasU...)
	for range 2 * me {
		rs.vu = append(rs.vu, math.Inf(1))
		rs.hasL = append(rs.hasL, true)
		rs.hasU = append(rs.hasU, false)
	}
	prm := *c.prm
	prm.acceptTol = 0
	rc := newCore(rq, rs, &prm, c.ctx, c.iter)
	rq.mu = &rc.mu
	rc.mu = muR
	// ζD_R² on the slack part is the constant Hessian diagonal of the
	// diagonal variables; it changes with μ, so it is refreshed per
	// iteration through dhessHook.
	rc.dhessHook = func() {
		z := rq.zeta()
		for k := range st.nd {
			rs.dhess[k] = z * rq.dg[nx+k]
		}
	}
	copy(rc.v, c.v)
	for r := range me {
		cr := c.h[r]
		a := (muR - restoRho*cr) / (2 * restoRho)
		n := a + math.Sqrt(a*a+muR*cr/(2*restoRho))
		p := cr + n
		rc.v[nv+r], rc.v[nv+me+r] = p, n
		rc.zl[nv+r], rc.zl[nv+me+r] = muR/p, muR/n
	}
	for i := range nv {
		rc.zl[i] = min(restoRho, c.zl[i])
		rc.zu[i] = min(restoRho, c.zu[i])
	}
	link := &restoLink{parent: c, thetaR: theta, phiR: phi, rq: rq, infPrR: floats.Norm(c.h, math.Inf(1))}
	rc.resto = link
	rc.recordF = func() float64 { return c.f / c.fScale() }
	rc.setSlacks(rc.zl, rc.zu)
	if !rc.evalAll() {
		return outcome{status: solver.NumericalFailure, msg: "non-finite values at the start of the restoration phase (or the Jacobian pattern changed)"}, false
	}
	ro := rc.run()
	c.evals += rc.evals
	if ro.status != solver.Converged && !(ro.status == solver.RestorationFailed && ro.acceptable && c.feasFallback < 3) {
		if ro.status == solver.Converged || ro.status == solver.RestorationFailed {
			ro.acceptable = false
		}
		if ro.status == solver.Infeasible {
			// Report the stationary point of the infeasibility.
			copy(c.v, rc.v[:nv])
			c.setSlacks(c.zl, c.zu)
			clear(c.y)
			c.evalAll()
		}
		return ro, false
	}
	if ro.status == solver.RestorationFailed {
		// Restoration reached a feasible point the filter rejects: take
		// it and reset the filter (a documented deviation from IPOPT, which
		// stops with Restoration_Failed here).
		c.feasFallback++
		c.filter = c.filter[:0]
	}
	// IPOPT's return from the restoration phase: the whole restoration is
	// treated as one primal-dual Newton step for the bound multipliers of
	// the iterate where it began, Δz = (μ + z (s_old − s_new))/s_old − z,
	// taken with the fraction-to-the-boundary step; all are reset to 1 if
	// the largest exceeds bound_mult_reset_threshold = 1e3; y is set to 0
	// (constr_mult_reset_threshold = 0 switches the least-squares
	// estimate off).
	oldL, oldU := c.vsoc, c.dvsoc // scratch: the slacks where restoration began
	copy(oldL, c.sl)
	copy(oldU, c.su)
	copy(c.v, rc.v[:nv])
	c.setSlacks(c.zl, c.zu)
	for i := range nv {
		c.dzl[i], c.dzu[i] = 0, 0
		if st.hasL[i] {
			c.dzl[i] = (c.mu+c.zl[i]*(oldL[i]-c.sl[i]))/oldL[i] - c.zl[i]
		}
		if st.hasU[i] {
			c.dzu[i] = (c.mu+c.zu[i]*(oldU[i]-c.su[i]))/oldU[i] - c.zu[i]
		}
	}
	az := c.maxDualStep()
	zmax := 0.0
	for i := range nv {
		c.zl[i] += az * c.dzl[i]
		c.zu[i] += az * c.dzu[i]
		if st.hasL[i] {
			zmax = max(zmax, c.zl[i])
		}
		if st.hasU[i] {
			zmax = max(zmax, c.zu[i])
		}
	}
	if zmax > 1e3 {
		for i := range nv {
			c.zl[i], c.zu[i] = 0, 0
			if st.hasL[i] {
				c.zl[i] = 1
			}
			if st.hasU[i] {
				c.zu[i] = 1
			}
		}
	}
	if !c.evalAll() {
		return outcome{status: solver.NumericalFailure, msg: "non-finite values at the restored point (or the Jacobian pattern changed)"}, false
	}
	clear(c.y)
	c.zSafeguard()
	return outcome{}, true
}
