package auglag

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/james-bowman/sparse"
	"github.com/kkt-go/kkt/matrix"
	"github.com/kkt-go/kkt/nlp"
	sol "github.com/kkt-go/kkt/solver"
)

// NLPSettings holds the parameters of SolveNLP. The zero value gives the
// defaults in brackets.
type NLPSettings struct {
	// Tol is the tolerance on the three optimality measures of the scaled
	// problem: primal infeasibility, projected gradient of the Lagrangian
	// (divided by IPOPT's multiplier scale s_d) and complementarity
	// products (divided by IPOPT's s_c) [1e-8].
	Tol float64
	// MaxIter bounds the outer (multiplier/penalty) iterations [100].
	MaxIter int
	// MaxInner bounds the projected Newton–CG iterations of one subproblem
	// [1000].
	MaxInner int
	// MaxCG bounds the CG iterations of one Newton step [2·(free variables)
	// + 10].
	MaxCG int
	// Rho0 > 0 sets the first penalty parameter [ALGENCAN's rule, see the
	// package documentation].
	Rho0 float64
	// Gamma is the penalty increase factor [10]; Tau the required decrease
	// of the feasibility–complementarity measure [0.5].
	Gamma, Tau float64
	// YMax bounds the safeguarded multipliers: ȳ ∈ [−YMax, YMax] [1e20].
	YMax float64
	// RhoMax stops the run with Infeasible when the penalty would exceed it
	// [1e20].
	RhoMax float64
	// NoScaling turns off the gradient-based scaling of f and c.
	NoScaling bool
	// X0 is the start point [the problem's X0, else zeros]; it is projected
	// onto the bounds. Y0 the start multipliers [the problem's Y0, else
	// zeros].
	X0, Y0 []float64
	// Recorder, if set, is called after every outer iteration; returning
	// false stops the run with Canceled.
	Recorder sol.Recorder[NLPIteration]
}

// NLPIteration reports one outer iteration of SolveNLP (measures of the
// scaled problem).
type NLPIteration struct {
	Iter          int     // outer iteration (1-based)
	Inner, CG     int     // Newton–CG iterations and CG iterations of this subproblem
	F             float64 // unscaled objective
	InfPr, InfDu  float64 // scaled primal infeasibility and projected gradient
	Compl         float64 // scaled complementarity
	V             float64 // feasibility–complementarity measure of the penalty test
	Rho, Eps      float64 // penalty used and subproblem tolerance
	InnerStatus   sol.Status
	PenaltyRaised bool
}

func (s *NLPSettings) withDefaults() NLPSettings {
	c := *s
	def := func(p *float64, v float64) {
		if !(*p > 0) {
			*p = v
		}
	}
	def(&c.Tol, 1e-8)
	def(&c.Gamma, 10)
	def(&c.Tau, 0.5)
	def(&c.YMax, 1e20)
	def(&c.RhoMax, 1e20)
	if c.MaxIter <= 0 {
		c.MaxIter = 100
	}
	if c.MaxInner <= 0 {
		c.MaxInner = 1000
	}
	return c
}

// bigBound: bounds of magnitude at least this are absent (CUTEst's 1e20
// convention, IPOPT's nlp_lower/upper_bound_inf).
const bigBound = 1e20

// alm holds the state of one SolveNLP run; every slice is allocated once.
type alm struct {
	p    nlp.Problem
	set  *NLPSettings
	n, m int
	ctx  context.Context

	xl, xu []float64 // variable bounds (±Inf where absent)
	cl, cu []float64 // scaled constraint bounds
	sf     float64   // objective scale
	sc     []float64 // constraint scales

	y   []float64 // safeguarded multipliers ȳ (scaled problem)
	rho float64

	// The current point of the subproblem: z = (x, s) ∈ ℝⁿ⁺ᵐ with the
	// slacks s of c(x) − s = 0, s ∈ [cl, cu]; xl and xu hold the bounds of z.
	x, c, yh, g []float64 // z, scaled c(x), ŷ(z), ∇Φ(z)
	gf          []float64 // unscaled ∇f(x)
	f, phi      float64   // unscaled f(x) and Φ(x)
	J           *sparse.CSR

	// Work vectors.
	xt, ct, pg, tn, tn2, tm, hy []float64
	free                        []bool
	r, p_, hp, w, gm, z, dg     []float64
	s, hs, s2, hs2              []float64

	delta, tc float64 // trust radius (∞-norm) and Cauchy step length

	evals, inner, cg int
}

// SolveNLP solves the general nonlinear program of package nlp,
//
//	minimize f(x)  subject to  cl ≤ c(x) ≤ cu,  xl ≤ x ≤ xu,
//
// by a bound-constrained augmented Lagrangian method of the ALGENCAN /
// LANCELOT family: the constraints enter the Powell–Hestenes–Rockafellar
// augmented Lagrangian, whose minimization over the box is done by a
// matrix-free projected Newton–CG method (see the package documentation,
// section "General NLPs"). Bounds hold exactly at every iterate.
//
// The error is non-nil only for unusable input (inconsistent bounds, wrong
// lengths, a non-finite start); every numerical outcome is a Status in the
// Result: Converged, MaxIterations, Infeasible, Unbounded, NumericalFailure
// or Canceled.
func SolveNLP(ctx context.Context, p nlp.Problem, s NLPSettings) (*nlp.Result, error) {
	t0 := time.Now()
	set := s.withDefaults()
	if _, err := nlp.Classify(p); err != nil {
		return nil, fmt.Errorf("auglag: %w", err)
	}
	n, m := p.N(), p.M()
	if n < 1 {
		return nil, fmt.Errorf("%w: problem has n = %d variables", ErrBadInput, n)
	}
	a := newALM(p, &set)
	if ctx == nil {
		ctx = context.Background()
	}
	a.ctx = ctx
	switch {
	case set.X0 != nil:
		if len(set.X0) != n {
			return nil, fmt.Errorf("%w: len(X0) = %d, want %d", ErrBadInput, len(set.X0), n)
		}
		copy(a.x, set.X0)
	default:
		if st, ok := p.(nlp.Starter); ok {
			if x0 := st.X0(); len(x0) == n {
				copy(a.x, x0)
			}
		}
	}
	for i, v := range a.x[:n] {
		if !finite(v) {
			return nil, fmt.Errorf("%w: start point x0[%d] = %v", ErrBadInput, i, v)
		}
	}
	y0 := make([]float64, m)
	switch {
	case set.Y0 != nil:
		if len(set.Y0) != m {
			return nil, fmt.Errorf("%w: len(Y0) = %d, want %d", ErrBadInput, len(set.Y0), m)
		}
		copy(y0, set.Y0)
	default:
		if st, ok := p.(nlp.MultiplierStarter); ok {
			if v := st.Y0(); len(v) == m {
				copy(y0, v)
			}
		}
	}
	for j, v := range y0 {
		if !finite(v) {
			return nil, fmt.Errorf("%w: start multiplier y0[%d] = %v", ErrBadInput, j, v)
		}
	}
	res := a.run(y0)
	res.Time = time.Since(t0)
	return res, nil
}

func newALM(p nlp.Problem, set *NLPSettings) *alm {
	n, m := p.N(), p.M()
	a := &alm{p: p, set: set, n: n, m: m}
	N := n + m
	a.cl, a.cu = p.CL(), p.CU()
	a.xl, a.xu = append(p.XL(), make([]float64, m)...), append(p.XU(), make([]float64, m)...)
	for i := range n {
		if a.xl[i] <= -bigBound {
			a.xl[i] = math.Inf(-1)
		}
		if a.xu[i] >= bigBound {
			a.xu[i] = math.Inf(1)
		}
	}
	for j := range m {
		if a.cl[j] <= -bigBound {
			a.cl[j] = math.Inf(-1)
		}
		if a.cu[j] >= bigBound {
			a.cu[j] = math.Inf(1)
		}
	}
	vec := func(k int) []float64 { return make([]float64, k) }
	a.sf, a.sc = 1, vec(m)
	a.y = vec(m)
	a.x, a.c, a.yh, a.g, a.gf = vec(N), vec(m), vec(m), vec(N), vec(n)
	a.xt, a.ct, a.pg, a.tn, a.tn2, a.tm, a.hy = vec(N), vec(m), vec(N), vec(n), vec(n), vec(m), vec(m)
	a.free = make([]bool, N)
	a.r, a.p_, a.hp, a.w, a.gm, a.z, a.dg = vec(N), vec(N), vec(N), vec(N), vec(N), vec(N), vec(N)
	a.s, a.hs, a.s2, a.hs2 = vec(N), vec(N), vec(N), vec(N)
	return a
}

// project sets x to its projection onto the box.
func (a *alm) project(x []float64) {
	for i, v := range x {
		x[i] = math.Min(math.Max(v, a.xl[i]), a.xu[i])
	}
}

// proj returns the projection of t onto [cl_j, cu_j].
func (a *alm) proj(j int, t float64) float64 { return math.Min(math.Max(t, a.cl[j]), a.cu[j]) }

// phiAt evaluates the augmented Lagrangian with slacks (LANCELOT's form)
//
//	Φ(x, s) = sf·f(x) + Σⱼ ȳⱼ rⱼ + (ρ/2) Σⱼ rⱼ²,   rⱼ = cⱼ(x) − sⱼ,
//
// at z = (x, s), leaving the scaled c(x) in c; ok is false when a value is
// not finite. Minimizing over s ∈ [cl, cu] gives the PHR function.
func (a *alm) phiAt(z, c []float64) (phi, f float64, ok bool) {
	x := z[:a.n]
	f = a.p.Objective(x)
	a.evals++
	phi = a.sf * f
	if a.m > 0 {
		a.p.Constraints(c, x)
		a.evals++
		s := z[a.n:]
		var lin, sq float64
		for j, v := range c {
			v *= a.sc[j]
			c[j] = v
			r := v - s[j]
			lin += a.y[j] * r
			sq += r * r
		}
		phi += lin + 0.5*a.rho*sq
	}
	return phi, f, finite(phi)
}

// gradAt completes the current point after a.x, a.c, a.f, a.phi are set:
// the Jacobian, ŷ = ȳ + ρ(c − s) and ∇Φ = (sf·∇f + J_sᵀŷ, −ŷ). ok is false
// for non-finite derivatives.
func (a *alm) gradAt() bool {
	n := a.n
	x := a.x[:n]
	a.p.Gradient(a.gf, x)
	a.evals++
	for i, v := range a.gf {
		a.g[i] = a.sf * v
	}
	if a.m > 0 {
		a.J = a.p.Jacobian(x)
		a.evals++
		s := a.x[n:]
		for j, v := range a.c {
			a.yh[j] = a.y[j] + a.rho*(v-s[j])
			a.tm[j] = a.yh[j] * a.sc[j]
			a.g[n+j] = -a.yh[j]
		}
		matrix.MulVecTrans(a.tn, a.J, a.tm)
		for i, v := range a.tn {
			a.g[i] += v
		}
	}
	return allFinite(a.g)
}

// hessVec sets dst = ∇²Φ·v for v = (vx, vs):
//
//	dst_x = sf·∇²ₓL(x, ŷ_s)·vx + ρ J_sᵀ t,   dst_s = −ρ t,   t = J_s vx − vs,
//
// with ŷ_s = ŷ∘sc/sf the multipliers of L = f + yᵀc: one HessLagVec and two
// sparse Jacobian products.
func (a *alm) hessVec(dst, v []float64) {
	n := a.n
	var y []float64
	if a.m > 0 {
		for j, w := range a.yh {
			a.hy[j] = w * a.sc[j] / a.sf
		}
		y = a.hy
	}
	dx := dst[:n]
	a.p.HessLagVec(dx, a.x[:n], y, v[:n])
	a.evals++
	for i := range dx {
		dx[i] *= a.sf
	}
	if a.m > 0 {
		matrix.MulVec(a.tm, a.J, v[:n])
		for j, w := range a.tm {
			t := a.sc[j]*w - v[n+j]
			dst[n+j] = -a.rho * t
			a.tm[j] = a.rho * a.sc[j] * t
		}
		matrix.MulVecTrans(a.tn2, a.J, a.tm)
		for i, w := range a.tn2 {
			dx[i] += w
		}
	}
}

// projGrad sets pg = P(x − g) − x and returns ‖pg‖∞.
func (a *alm) projGrad(pg, x, g []float64) float64 {
	var mx float64
	for i, v := range x {
		w := math.Min(math.Max(v-g[i], a.xl[i]), a.xu[i]) - v
		pg[i] = w
		mx = math.Max(mx, math.Abs(w))
	}
	return mx
}

// measures returns, at the current point with multipliers ŷ, the scaled
// primal infeasibility, the complementarity and the feasibility–
// complementarity measure V = ‖c − P(c + ŷ)‖∞ of the penalty test. The
// complementarity of the rows is IPOPT's product form divided by its scale
// s_c = max(100, ‖ŷ_ineq‖₁/(number of inequality rows))/100: the largest
// slack·|ŷⱼ| over inequality rows (|ŷⱼ| itself for a multiplier of an
// absent side). The complementarity of the bounds is part of the projected
// gradient, min(xᵢ − xlᵢ, ∂ᵢL) (ALGENCAN's measure): the bound
// multipliers are not variables of the method.
func (a *alm) measures() (infPr, compl, v float64) {
	var zsum float64
	var nz int
	for j, c := range a.c {
		infPr = math.Max(infPr, c-a.proj(j, c))
		infPr = math.Max(infPr, a.proj(j, c)-c)
		v = math.Max(v, math.Abs(c-a.proj(j, c+a.yh[j])))
		if l, u := a.cl[j], a.cu[j]; l != u {
			y := a.yh[j]
			zsum += math.Abs(y)
			nz++
			switch {
			case y > 0 && math.IsInf(u, 1), y < 0 && math.IsInf(l, -1):
				compl = math.Max(compl, math.Abs(y))
			case y > 0:
				compl = math.Max(compl, math.Max(u-c, 0)*y)
			case y < 0:
				compl = math.Max(compl, math.Max(c-l, 0)*-y)
			}
		}
	}
	if nz > 0 {
		compl /= math.Max(100, zsum/float64(nz)) / 100
	}
	return infPr, compl, v
}

// scale sets sf and sc by IPOPT's gradient-based rule at x:
// s = min(1, 100/‖∇·‖∞), at least 1e-8.
func (a *alm) scale() bool {
	a.p.Gradient(a.gf, a.x[:a.n])
	a.evals++
	if !allFinite(a.gf) {
		return false
	}
	clear(a.sc)
	for j := range a.sc {
		a.sc[j] = 1
	}
	if a.set.NoScaling {
		return true
	}
	var gm float64
	for _, v := range a.gf {
		gm = math.Max(gm, math.Abs(v))
	}
	a.sf = math.Max(1e-8, math.Min(1, 100/gm))
	if a.m > 0 {
		J := a.p.Jacobian(a.x[:a.n])
		a.evals++
		raw := J.RawMatrix()
		if !allFinite(raw.Data[:raw.Indptr[a.m]]) {
			return false
		}
		for j := range a.m {
			var rm float64
			for k := raw.Indptr[j]; k < raw.Indptr[j+1]; k++ {
				rm = math.Max(rm, math.Abs(raw.Data[k]))
			}
			a.sc[j] = math.Max(1e-8, math.Min(1, 100/rm))
		}
	}
	return true
}

// run is the outer loop.
func (a *alm) run(y0 []float64) *nlp.Result {
	set := a.set
	n, m := a.n, a.m
	res := &nlp.Result{Method: "auglag"}
	a.project(a.x)
	if !a.scale() {
		return a.finish(res, sol.NumericalFailure, "non-finite derivative at the start point")
	}
	for j := range m {
		a.cl[j] *= a.sc[j]
		a.cu[j] *= a.sc[j]
		a.xl[n+j], a.xu[n+j] = a.cl[j], a.cu[j]
		// Multipliers of the scaled problem: y_s = y·sf/sc.
		a.y[j] = clamp(y0[j]*a.sf/a.sc[j], set.YMax)
	}
	// First penalty (ALGENCAN's comprhoini) from f and the infeasibility at x0.
	a.rho = 1
	a.project(a.x)                // x only: the slacks are still 0 and set below
	_, f, ok := a.phiAt(a.x, a.c) // the merit value is recomputed once the slacks are set
	if !ok {
		return a.finish(res, sol.NumericalFailure, "non-finite objective or constraint value at the start point")
	}
	if set.Rho0 > 0 {
		a.rho = set.Rho0
	} else {
		var s float64
		for j, c := range a.c {
			e := c - a.proj(j, c)
			s += e * e
		}
		a.rho = math.Max(1e-8, math.Min(1e8, 10*math.Max(1, math.Abs(a.sf*f))/math.Max(1, 0.5*s)))
	}
	a.resetSlacks()
	phi, f, _ := a.phiAt(a.x, a.c)
	a.phi, a.f = phi, f
	if !a.gradAt() {
		return a.finish(res, sol.NumericalFailure, "non-finite derivative at the start point")
	}
	eps := math.Sqrt(set.Tol)
	epsFinal := 0.1 * set.Tol
	vPrev := math.Inf(1)
	bestInf := math.Inf(1)
	sinceBest := 0
	for k := 1; k <= set.MaxIter; k++ {
		if err := a.ctx.Err(); err != nil {
			return a.finish(res, sol.Canceled, err.Error())
		}
		res.Iterations = k
		inner0, cg0 := a.inner, a.cg
		ist := a.solveBox(eps, set.MaxInner)
		switch ist {
		case sol.NumericalFailure:
			return a.finish(res, ist, fmt.Sprintf("non-finite value in subproblem %d", k))
		case sol.Unbounded:
			return a.finish(res, ist, fmt.Sprintf("the augmented Lagrangian decreases without bound in subproblem %d (f = %.3g)", k, a.f))
		case sol.Canceled:
			return a.finish(res, ist, a.ctx.Err().Error())
		}
		infPr, compl, v := a.measures()
		infDu := a.projGrad(a.pg, a.x, a.g) / a.dualScale()
		it := NLPIteration{Iter: k, Inner: a.inner - inner0, CG: a.cg - cg0, F: a.f, InfPr: infPr, InfDu: infDu, Compl: compl,
			V: v, Rho: a.rho, Eps: eps, InnerStatus: ist}
		if infPr <= set.Tol && infDu <= set.Tol && compl <= set.Tol {
			if set.Recorder != nil {
				set.Recorder(it)
			}
			return a.finish(res, sol.Converged, "")
		}
		if a.f < -bigBound && infPr <= set.Tol {
			return a.finish(res, sol.Unbounded, fmt.Sprintf("f = %.3g at a feasible point", a.f))
		}
		// Multipliers: first-order update, safeguarded.
		for j, w := range a.yh {
			a.y[j] = clamp(w, set.YMax)
		}
		// Penalty.
		if v > set.Tau*vPrev && infPr > set.Tol {
			a.rho *= set.Gamma
			it.PenaltyRaised = true
		}
		vPrev = v
		// Infeasibility: the penalty is large and the infeasibility has not
		// improved by 1% for 5 outer iterations.
		if infPr < 0.99*bestInf {
			bestInf, sinceBest = infPr, 0
		} else {
			sinceBest++
		}
		if set.Recorder != nil && !set.Recorder(it) {
			return a.finish(res, sol.Canceled, "stopped by the Recorder")
		}
		// Infeasibility: the penalty is large, the infeasibility is not small
		// and has not improved by 1% for 5 outer iterations, and x is a
		// stationary point of θ = ½‖c − P(c)‖² over the box (to √Tol
		// relative).
		if infPr > math.Sqrt(set.Tol) && (a.rho > set.RhoMax || a.rho >= 1e10 && sinceBest >= 5 && a.infeasStationary(infPr)) {
			return a.finish(res, sol.Infeasible, fmt.Sprintf("the infeasibility %.3g is stationary (projected gradient of ½‖c − P(c)‖² below √Tol·%.3g) while the penalty grows to %.3g", infPr, infPr, a.rho))
		}
		if a.rho > set.RhoMax {
			return a.finish(res, sol.Stagnated, fmt.Sprintf("the penalty exceeds %.3g with infeasibility %.3g and projected gradient %.3g: the subproblems are not solved accurately enough", set.RhoMax, infPr, infDu))
		}
		eps = math.Max(epsFinal, 0.1*eps)
		// Re-evaluate Φ and ∇Φ at x for the new ȳ, ρ, with the slacks that
		// minimize Φ for this x.
		a.resetSlacks()
		a.phi, a.f, ok = a.phiAt(a.x, a.c)
		if !ok || !a.gradAt() {
			return a.finish(res, sol.NumericalFailure, "non-finite value")
		}
	}
	_ = n
	return a.finish(res, sol.MaxIterations, fmt.Sprintf("not converged after %d outer iterations", set.MaxIter))
}

// resetSlacks sets s = P_[cl,cu](c(x) + ȳ/ρ), the minimizer of Φ over s
// for the current x (a.c must hold the scaled c(x)).
func (a *alm) resetSlacks() {
	for j, c := range a.c {
		a.x[a.n+j] = a.proj(j, c+a.y[j]/a.rho)
	}
}

// infeasStationary reports whether ‖P(x − ∇θ) − x‖∞ ≤ √Tol·infPr for
// θ(x) = ½‖c_s(x) − P(c_s(x))‖².
func (a *alm) infeasStationary(infPr float64) bool {
	for j, c := range a.c {
		a.tm[j] = (c - a.proj(j, c)) * a.sc[j]
	}
	matrix.MulVecTrans(a.tn, a.J, a.tm)
	return a.projGrad(a.pg[:a.n], a.x[:a.n], a.tn) <= math.Sqrt(a.set.Tol)*infPr
}

// dualScale is IPOPT's s_d = max(100, (‖y‖₁ + ‖z‖₁)/(m + n))/100 with the
// current ŷ and the bound multipliers implied by ∇Φ.
func (a *alm) dualScale() float64 {
	var s float64
	for _, v := range a.yh {
		s += math.Abs(v)
	}
	for i, v := range a.g[:a.n] {
		if (v > 0 && !math.IsInf(a.xl[i], -1)) || (v < 0 && !math.IsInf(a.xu[i], 1)) {
			s += math.Abs(v)
		}
	}
	return math.Max(100, s/float64(a.m+a.n)) / 100
}

func clamp(v, b float64) float64 { return math.Min(math.Max(v, -b), b) }

// finish fills the result in the user's (unscaled) terms at the current
// point: y = ŷ·sc/sf, z from ∇ₓL = ∇f + Jᵀy.
func (a *alm) finish(res *nlp.Result, st sol.Status, msg string) *nlp.Result {
	n, m := a.n, a.m
	res.Status, res.Message = st, msg
	res.X = append([]float64(nil), a.x[:n]...)
	res.Y = make([]float64, m)
	res.ZL, res.ZU = make([]float64, n), make([]float64, n)
	res.F = a.f
	res.Evaluations = a.evals
	if !finite(a.f) || len(a.gf) == 0 {
		return res
	}
	gl := make([]float64, n)
	copy(gl, a.gf)
	if m > 0 && a.J != nil {
		for j := range m {
			res.Y[j] = a.yh[j] * a.sc[j] / a.sf
		}
		matrix.MulVecTrans(a.tn, a.J, res.Y)
		for i, v := range a.tn {
			gl[i] += v
		}
	}
	// The measures of nlp.Result: bound and constraint violation,
	// ‖∇f + Jᵀy − zl + zu‖∞ with z from the sign of ∇ₓL at finite bounds,
	// and the largest complementarity product.
	var infPr, infDu, compl float64
	for j, c := range a.c {
		cu := c / a.sc[j] // unscaled c
		l, u := a.cl[j]/a.sc[j], a.cu[j]/a.sc[j]
		infPr = math.Max(infPr, math.Max(l-cu, cu-u))
		if l != u {
			// A multiplier of a side that is absent is measured by its size.
			switch y := res.Y[j]; {
			case y > 0 && math.IsInf(u, 1), y < 0 && math.IsInf(l, -1):
				compl = math.Max(compl, math.Abs(y))
			case y > 0:
				compl = math.Max(compl, math.Max(u-cu, 0)*y)
			case y < 0:
				compl = math.Max(compl, math.Max(cu-l, 0)*-y)
			}
		}
	}
	for i, v := range a.x[:n] {
		r := gl[i]
		if gl[i] > 0 && !math.IsInf(a.xl[i], -1) {
			res.ZL[i] = gl[i]
			r = 0
			compl = math.Max(compl, (v-a.xl[i])*gl[i])
		}
		if gl[i] < 0 && !math.IsInf(a.xu[i], 1) {
			res.ZU[i] = -gl[i]
			r = 0
			compl = math.Max(compl, (a.xu[i]-v)*-gl[i])
		}
		infDu = math.Max(infDu, math.Abs(r))
	}
	res.InfPr, res.InfDu, res.Compl = math.Max(infPr, 0), infDu, compl
	return res
}
