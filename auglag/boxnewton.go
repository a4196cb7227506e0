package auglag

import (
	"math"

	sol "github.com/kkt-go/kkt/solver"
)

// solveBox minimizes Φ over the box from the current point by the projected
// Newton–CG method (package documentation, "General NLPs") until
// ‖P(x − ∇Φ) − x‖∞ ≤ eps·s_d. It returns Converged, MaxIterations,
// Stagnated (no acceptable step, or no progress in three iterations),
// Unbounded, NumericalFailure or Canceled. It allocates nothing.
func (a *alm) solveBox(eps float64, maxIt int) sol.Status {
	n := a.n
	x, g, d := a.x, a.g, a.d
	var xm float64
	for _, v := range x {
		xm = math.Max(xm, math.Abs(v))
	}
	delta := 100 * math.Max(1, xm)
	stall := 0
	for it := 0; ; it++ {
		pgn := a.projGrad(a.pg, x, g)
		if pgn <= eps*a.dualScale() {
			return sol.Converged
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
		a.inner++
		// ε-active set (Bertsekas 1982): a variable within ε of a bound
		// whose gradient pushes it out is fixed, and its step goes to the
		// bound.
		epsAct := math.Min(pgn, 1e-3)
		nfree := 0
		for i := range n {
			lo := x[i]-a.xl[i] <= epsAct && g[i] > 0
			hi := a.xu[i]-x[i] <= epsAct && g[i] < 0
			switch {
			case a.xl[i] == a.xu[i]:
				a.free[i], d[i] = false, 0
			case lo:
				a.free[i], d[i] = false, a.xl[i]-x[i]
			case hi:
				a.free[i], d[i] = false, a.xu[i]-x[i]
			default:
				a.free[i], d[i] = true, 0
				nfree++
			}
		}
		boundary := false
		dn := 0.0
		if nfree > 0 {
			boundary, dn = a.steihaug(delta, nfree)
		}
		alpha, ok := a.arcSearch(d, 1)
		if !ok {
			// Projected-gradient fallback: d = −∇Φ, first step of length at
			// most the trust radius.
			var gm float64
			for i, v := range g {
				d[i] = -v
				gm = math.Max(gm, math.Abs(v))
			}
			alpha, ok = a.arcSearch(d, math.Min(1, delta/gm))
			if !ok {
				return sol.Stagnated
			}
			dn = 0
		}
		switch {
		case alpha == 1 && boundary:
			delta *= 2
		case alpha < 1 && dn > 0:
			delta = math.Max(alpha*dn, 1e-3*delta)
		}
		// Accept x_t.
		var dx float64
		for i, v := range a.xt {
			dx = math.Max(dx, math.Abs(v-x[i]))
		}
		phiOld := a.phi
		copy(x, a.xt)
		copy(a.c, a.ct)
		a.phi, a.f = a.phit, a.ft
		if !a.gradAt() {
			return sol.NumericalFailure
		}
		if math.Abs(phiOld-a.phi) <= 1e-15*math.Max(1, math.Abs(a.phi)) && dx <= 1e-15*math.Max(1, xm) {
			stall++
			if stall >= 3 {
				return sol.Stagnated
			}
		} else {
			stall = 0
		}
	}
}

// arcSearch backtracks along the projection arc x(α) = P(x + α·d) from
// α = alpha0, halving α, until the Armijo condition
// Φ(x(α)) ≤ Φ(x) + 10⁻⁴·∇Φᵀ(x(α) − x) holds (with a rounding allowance of
// 10ε|Φ|). On success a.xt, a.ct, a.phit, a.ft hold the accepted point.
func (a *alm) arcSearch(d []float64, alpha0 float64) (float64, bool) {
	x, g := a.x, a.g
	alpha := alpha0
	for bt := 0; bt < 60; bt++ {
		var dec float64
		moved := false
		for i, v := range x {
			t := math.Min(math.Max(v+alpha*d[i], a.xl[i]), a.xu[i])
			a.xt[i] = t
			dec += g[i] * (t - v)
			moved = moved || t != v
		}
		if !moved {
			return 0, false
		}
		if dec < 0 {
			phi, f, ok := a.phiAt(a.xt, a.ct)
			if ok && phi <= a.phi+1e-4*dec+1e-14*math.Abs(a.phi) {
				a.phit, a.ft = phi, f
				return alpha, true
			}
		}
		alpha *= 0.5
	}
	return 0, false
}

// steihaug runs CG on H_FF d_F = −g_F (F the free variables, H = ∇²Φ applied
// matrix-free) inside ‖d_F‖₂ ≤ delta, the Steihaug–Toint truncation: stop at
// the relative residual min(0.5, √‖g_F‖)·‖g_F‖, at negative curvature or at
// the trust-region boundary (boundary = true). It writes d on the free
// variables and returns ‖d_F‖₂.
func (a *alm) steihaug(delta float64, nfree int) (boundary bool, dn float64) {
	r, p, hp, d := a.r, a.p_, a.hp, a.d
	var rr float64
	for i, f := range a.free {
		if f {
			r[i] = -a.g[i]
			rr += r[i] * r[i]
		} else {
			r[i] = 0
		}
	}
	copy(p, r)
	gn := math.Sqrt(rr)
	tol := math.Min(0.5, math.Sqrt(gn)) * gn
	maxCG := a.set.MaxCG
	if maxCG <= 0 {
		maxCG = 2*nfree + 10
	}
	// Free part of d starts at zero (set by the caller); dd = ‖d_F‖².
	var dd float64
	toBoundary := func() {
		var dp, pp float64
		for i, f := range a.free {
			if f {
				dp += d[i] * p[i]
				pp += p[i] * p[i]
			}
		}
		if pp == 0 {
			return
		}
		tau := (-dp + math.Sqrt(dp*dp+pp*(delta*delta-dd))) / pp
		for i, f := range a.free {
			if f {
				d[i] += tau * p[i]
			}
		}
		dd = delta * delta
		boundary = true
	}
	for k := 0; k < maxCG; k++ {
		a.cg++
		a.hessVec(hp, p)
		var php, pp, dp float64
		for i, f := range a.free {
			if f {
				php += p[i] * hp[i]
				pp += p[i] * p[i]
				dp += d[i] * p[i]
			} else {
				hp[i] = 0
			}
		}
		if !(php > 1e-14*pp) { // negative or zero curvature (or NaN)
			toBoundary()
			break
		}
		alpha := rr / php
		if dd+2*alpha*dp+alpha*alpha*pp >= delta*delta {
			toBoundary()
			break
		}
		var rrNew float64
		for i, f := range a.free {
			if f {
				d[i] += alpha * p[i]
				r[i] -= alpha * hp[i]
				rrNew += r[i] * r[i]
			}
		}
		dd += 2*alpha*dp + alpha*alpha*pp
		if math.Sqrt(rrNew) <= tol {
			break
		}
		beta := rrNew / rr
		rr = rrNew
		for i, f := range a.free {
			if f {
				p[i] = r[i] + beta*p[i]
			}
		}
	}
	return boundary, math.Sqrt(dd)
}
