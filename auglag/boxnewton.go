package auglag

import (
	"math"

	"gonum.org/v1/gonum/floats"

	sol "github.com/kkt-go/kkt/solver"
)

// solveBox minimizes Φ over the box from the current point by a
// trust-region projected Newton–CG method in the manner of TRON (Lin & Moré
// 1999) and LANCELOT: an ∞-norm trust region intersected with the bounds,
// a generalized Cauchy point along the projected-gradient path, CG on the
// variables left free at the Cauchy point with projected searches, and
// the ratio test on Φ (package documentation, "General NLPs"). It stops
// when ‖P(x − ∇Φ) − x‖∞ ≤ eps·s_d and returns Converged, MaxIterations,
// Stagnated (the trust region collapsed), Unbounded, NumericalFailure or
// Canceled. It allocates nothing.
func (a *alm) solveBox(eps float64, maxIt int) sol.Status {
	x, g := a.x, a.g
	var xm float64
	for _, v := range x {
		xm = math.Max(xm, math.Abs(v))
	}
	// Each subproblem starts with Δ ≥ 1 and a fresh Cauchy step length (Φ
	// changed with ȳ and ρ).
	a.delta = math.Max(a.delta, 1)
	a.tc = 0
	for it := 0; ; it++ {
		pgn := a.projGrad(a.pg, x, g)
		if pgn <= eps*a.dualScale() {
			// Before stopping, move the variables that a projected-gradient
			// step would put on a bound exactly onto it (when Φ does not
			// increase), so that the complementarity products vanish
			// rather than only the projected gradient.
			if !a.snap() {
				return sol.Converged
			}
			if pgn = a.projGrad(a.pg, x, g); pgn <= eps*a.dualScale() {
				return sol.Converged
			}
		}
		if it >= maxIt {
			return sol.MaxIterations
		}
		if a.ctx.Err() != nil {
			return sol.Canceled
		}
		if a.phi < -bigBound {
			return sol.Unbounded
		}
		if a.delta < 1e-15*math.Max(1, xm) {
			return sol.Stagnated
		}
		a.inner++
		pred := a.cauchy()
		pred = a.subspace(pred)
		// a.xt = x + s, pred = −q(s) > 0.
		phi, f, ok := a.phiAt(a.xt, a.ct)
		actual := a.phi - phi
		var sn float64
		for i, v := range a.xt {
			sn += (v - x[i]) * (v - x[i])
		}
		sn = math.Sqrt(sn)
		ratio := -1.0
		switch {
		case !ok:
		case pred <= 0:
		case math.Abs(actual) <= 1e-14*math.Max(1, math.Abs(a.phi)) && pred <= 1e-14*math.Max(1, math.Abs(a.phi)):
			ratio = 1 // both below rounding: accept
		default:
			ratio = actual / pred
		}
		switch {
		case ratio < 0.25:
			a.delta = 0.25 * math.Min(a.delta, math.Max(sn, 1e-3*a.delta))
		case ratio > 0.75 && sn >= 0.99*a.delta:
			a.delta *= 2
		}
		if ratio <= 1e-4 {
			continue
		}
		copy(x, a.xt)
		copy(a.c, a.ct)
		a.phi, a.f = phi, f
		for _, v := range x {
			xm = math.Max(xm, math.Abs(v))
		}
		if !a.gradAt() {
			return sol.NumericalFailure
		}
	}
}

// snap sets every variable with P(z − ∇Φ)ᵢ at a bound onto that bound and
// accepts the point when Φ does not increase (up to rounding); it reports
// whether the point changed.
func (a *alm) snap() bool {
	x, g := a.x, a.g
	moved := false
	for i, v := range x {
		t := v
		switch {
		case g[i] > 0 && v > a.xl[i] && v-a.xl[i] <= g[i]:
			t = a.xl[i]
		case g[i] < 0 && v < a.xu[i] && a.xu[i]-v <= -g[i]:
			t = a.xu[i]
		}
		a.xt[i] = t
		moved = moved || t != v
	}
	if !moved {
		return false
	}
	phi, f, ok := a.phiAt(a.xt, a.ct)
	if !ok || phi > a.phi+1e-14*math.Abs(a.phi) {
		return false
	}
	copy(x, a.xt)
	copy(a.c, a.ct)
	a.phi, a.f = phi, f
	return a.gradAt()
}

// cauchy finds the generalized Cauchy point s_C = P(x − t∇Φ) − x in the
// local box [lo, hi] with q(s) ≤ 0.01·∇Φᵀs (q the quadratic model),
// backtracking or extrapolating t by 2 from the previous t; it leaves
// s_C in a.s, H·s_C in a.hs and returns −q(s_C).
func (a *alm) cauchy() float64 {
	g := a.g
	t := a.tc
	if !(t > 0) {
		var gm float64
		for _, v := range g {
			gm = math.Max(gm, math.Abs(v))
		}
		t = a.delta / math.Max(gm, 1e-300)
	}
	var ss float64
	q := func(t float64) (float64, float64, bool) {
		var gs float64
		moved := false
		ss = 0
		for i, v := range a.x {
			s := math.Min(math.Max(v-t*g[i], a.xl[i]), a.xu[i]) - v
			a.s2[i] = s
			gs += g[i] * s
			ss += s * s
			moved = moved || s != 0
		}
		a.hessVec(a.hs2, a.s2)
		return gs + 0.5*floats.Dot(a.s2, a.hs2), gs, moved
	}
	qv, gs, _ := q(t)
	accept := func(qv, gs float64) bool { return qv <= 0.01*gs && gs < 0 && ss <= a.delta*a.delta*(1+1e-12) }
	if accept(qv, gs) {
		// Extrapolate while the condition holds and the step changes.
		copy(a.s, a.s2)
		copy(a.hs, a.hs2)
		best := qv
		for k := 0; k < 20; k++ {
			qn, gn, _ := q(2 * t)
			if !accept(qn, gn) || qn >= best {
				break
			}
			t *= 2
			best = qn
			copy(a.s, a.s2)
			copy(a.hs, a.hs2)
			if math.Abs(gn-gs) <= 1e-15*math.Abs(gs) {
				break // at the end of the path
			}
			gs = gn
		}
		a.tc = t
		return -best
	}
	for k := 0; k < 60; k++ {
		t *= 0.5
		qv, gs, _ = q(t)
		if accept(qv, gs) {
			break
		}
	}
	a.tc = t
	if !accept(qv, gs) {
		clear(a.s)
		clear(a.hs)
		return 0
	}
	copy(a.s, a.s2)
	copy(a.hs, a.hs2)
	return -qv
}

// subspace improves the Cauchy step: with the variables at a bound of the
// local box at x + s fixed, CG on the free ones minimizes the model from s,
// followed by a projected search (halving β in P(x + s + β·w)) that must
// decrease the model; up to 3 rounds while the free set shrinks. It
// leaves x + s in a.xt and returns −q(s).
func (a *alm) subspace(pred float64) float64 {
	x, s, hs := a.x, a.s, a.hs
	qs := -pred
	for round := 0; round < 10; round++ {
		lo, hi := a.xl, a.xu
		nfree := 0
		for i, v := range x {
			y := v + s[i]
			a.free[i] = y > lo[i] && y < hi[i]
			if a.free[i] {
				nfree++
			}
		}
		if nfree == 0 {
			break
		}
		// Model gradient at s: ∇Φ + H s, on the free variables.
		for i := range a.gm {
			a.gm[i] = a.g[i] + hs[i]
		}
		truncated := a.cgFree(nfree)
		// Projected search on the model along w.
		beta := 1.0
		improved := false
		for k := 0; k < 20; k++ {
			var gs float64
			for i, v := range x {
				y := math.Min(math.Max(v+s[i]+beta*a.w[i], a.xl[i]), a.xu[i])
				a.s2[i] = y - v
				gs += a.g[i] * a.s2[i]
			}
			a.hessVec(a.hs2, a.s2)
			qn := gs + 0.5*floats.Dot(a.s2, a.hs2)
			if qn < qs {
				qs = qn
				copy(s, a.s2)
				copy(hs, a.hs2)
				improved = true
				break
			}
			beta *= 0.5
		}
		if !improved || !truncated {
			break
		}
	}
	for i, v := range x {
		a.xt[i] = math.Min(math.Max(v+s[i], a.xl[i]), a.xu[i])
	}
	return -qs
}

// precond sets the Jacobi preconditioner of CG, the diagonal of the
// penalty part of ∇²Φ plus one on x: dg_x = 1 + ρ Σⱼ sⱼ² J_{ji}² (the
// Hessian of L is not formed, so its diagonal is represented by 1), and
// dg_s = ρ on the slacks.
func (a *alm) precond() {
	n, dg := a.n, a.dg
	for i := range dg[:n] {
		dg[i] = 1
	}
	if a.m == 0 {
		return
	}
	raw := a.J.RawMatrix()
	for j := range a.m {
		w := a.rho * a.sc[j] * a.sc[j]
		for k := raw.Indptr[j]; k < raw.Indptr[j+1]; k++ {
			dg[raw.Ind[k]] += w * raw.Data[k] * raw.Data[k]
		}
		dg[n+j] = a.rho
	}
}

// cgFree runs preconditioned CG on H_FF w = −(∇Φ + H s)_F from w = 0 to the relative
// residual min(0.1, √‖r₀‖), stopping at negative curvature (then w moves
// along the direction to the edge of the local box) or when x + s + w
// leaves the local box (truncated = true in both cases).
func (a *alm) cgFree(nfree int) (truncated bool) {
	r, p, hp, w, z, dg := a.r, a.p_, a.hp, a.w, a.z, a.dg
	a.precond()
	var rr, rz float64
	for i, f := range a.free {
		w[i] = 0
		if f {
			r[i] = -a.gm[i]
			z[i] = r[i] / dg[i]
			rr += r[i] * r[i]
			rz += r[i] * z[i]
		} else {
			r[i], z[i] = 0, 0
		}
	}
	copy(p, z)
	// ‖s + w‖² = ss + 2 sᵀw + wᵀw, tracked for the trust region.
	d2 := a.delta * a.delta
	toEdge := func() { // w += τp with ‖s + w + τp‖ = Δ
		var sp, pp float64
		for i, f := range a.free {
			if f {
				sp += (a.s[i] + w[i]) * p[i]
				pp += p[i] * p[i]
			}
		}
		var sw float64
		for i, v := range a.s {
			sw += (v + w[i]) * (v + w[i])
		}
		if pp == 0 || sw >= d2 {
			return
		}
		tau := (-sp + math.Sqrt(sp*sp+pp*(d2-sw))) / pp
		for i, f := range a.free {
			if f {
				w[i] += tau * p[i]
			}
		}
	}
	r0 := math.Sqrt(rr)
	tol := math.Min(1e-3, math.Sqrt(r0)) * r0
	maxCG := a.set.MaxCG
	if maxCG <= 0 {
		maxCG = 2*nfree + 10
	}
	for k := 0; k < maxCG && rr > 0; k++ {
		a.cg++
		a.hessVec(hp, p)
		var php float64
		for i, f := range a.free {
			if f {
				php += p[i] * hp[i]
			} else {
				hp[i] = 0
			}
		}
		if !(php > 0) { // negative curvature: to the trust-region edge
			toEdge()
			return true
		}
		alpha := rz / php
		var sw2 float64
		for i, v := range a.s {
			y := v + w[i] + alpha*p[i]
			sw2 += y * y
		}
		if sw2 > d2 {
			toEdge()
			return true
		}
		var rrNew, rzNew float64
		out := false
		for i, f := range a.free {
			if f {
				w[i] += alpha * p[i]
				r[i] -= alpha * hp[i]
				z[i] = r[i] / dg[i]
				rrNew += r[i] * r[i]
				rzNew += r[i] * z[i]
				y := a.x[i] + a.s[i] + w[i]
				out = out || y < a.xl[i] || y > a.xu[i]
			}
		}
		if out {
			return true
		}
		if math.Sqrt(rrNew) <= tol {
			return false
		}
		beta := rzNew / rz
		rr, rz = rrNew, rzNew
		for i, f := range a.free {
			if f {
				p[i] = z[i] + beta*p[i]
			}
		}
	}
	return false
}
