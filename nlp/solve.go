package nlp

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/kkt-go/kkt/solver"
	"gonum.org/v1/gonum/floats"
)

// Solve minimizes p by the primal-dual interior-point filter line-search
// method of Wächter & Biegler (2006) (see the package documentation for the
// algorithm and its deviations from IPOPT). It returns an error only for bad
// input (inconsistent bounds, a start point of the wrong length or with
// NaN); how the run ended is Result.Status.
func Solve(ctx context.Context, p Problem, s Settings) (*Result, error) {
	start := time.Now()
	if ctx == nil {
		ctx = context.Background()
	}
	if _, err := Classify(p); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		v    float64
		neg  bool // a negative value has a documented meaning
	}{
		{"Tol", s.Tol, false}, {"ConstrViolTol", s.ConstrViolTol, false}, {"DualInfTol", s.DualInfTol, false},
		{"ComplInfTol", s.ComplInfTol, false}, {"AcceptableTol", s.AcceptableTol, true}, {"Mu0", s.Mu0, false},
		{"MuMin", s.MuMin, false}, {"BoundRelaxFactor", s.BoundRelaxFactor, true}, {"BoundPush", s.BoundPush, false},
		{"BoundFrac", s.BoundFrac, false}, {"ScalingMaxGradient", s.ScalingMaxGradient, false},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || (f.v < 0 && !f.neg) {
			return nil, fmt.Errorf("nlp: Settings.%s = %g is not a valid value", f.name, f.v)
		}
	}
	if s.BoundFrac > 0.5 {
		return nil, fmt.Errorf("nlp: Settings.BoundFrac = %g, want at most 0.5", s.BoundFrac)
	}
	n, m := p.N(), p.M()
	prm := params{
		tol: s.Tol, acceptTol: s.AcceptableTol, acceptIter: s.AcceptableIter,
		constrViol: s.ConstrViolTol, dualInf: s.DualInfTol, compl: s.ComplInfTol,
		maxIter: s.MaxIter, mu0: s.Mu0, muMin: s.MuMin, recorder: s.Recorder,
		resto3119: s.resto3119,
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&prm.tol, 1e-8)
	def(&prm.acceptTol, 1e-6)
	if prm.acceptTol < 0 {
		prm.acceptTol = 0
	}
	if prm.acceptIter <= 0 {
		prm.acceptIter = 15
	}
	def(&prm.constrViol, 1e-4)
	def(&prm.dualInf, 1)
	def(&prm.compl, 1e-4)
	if prm.maxIter <= 0 {
		prm.maxIter = 3000
	}
	def(&prm.mu0, 0.1)
	def(&prm.muMin, 1e-11)
	relax := s.BoundRelaxFactor
	def(&relax, 1e-8)
	relax = max(relax, 0)
	prm.relax = relax
	k1, k2 := s.BoundPush, s.BoundFrac
	def(&k1, 1e-2)
	def(&k2, 1e-2)
	gmax := s.ScalingMaxGradient
	def(&gmax, 100)

	var x0 []float64
	switch {
	case s.X0 != nil:
		if len(s.X0) != n {
			return nil, fmt.Errorf("nlp: Settings.X0 has length %d, want n = %d", len(s.X0), n)
		}
		x0 = append([]float64(nil), s.X0...)
	default:
		if st, ok := p.(Starter); ok {
			x0 = st.X0()
		}
		if len(x0) != n {
			x0 = make([]float64, n)
		}
	}
	for i, v := range x0 {
		if !finite(v) {
			return nil, fmt.Errorf("nlp: start point component %d is %g", i, v)
		}
	}
	xl, xu, cl, cu := p.XL(), p.XU(), p.CL(), p.CU()
	q := newScaled(p, xl, xu, cl, cu)
	me := len(q.rows)
	nd := len(q.srow)
	st := &structure{nx: n, nd: nd, me: me}
	nv := n + nd
	st.vl, st.vu = make([]float64, nv), make([]float64, nv)
	st.hasL, st.hasU = make([]bool, nv), make([]bool, nv)
	st.fixed = make([]bool, n)
	st.drow = append([]int(nil), q.srow...)
	st.dcoef, st.dhess = make([]float64, nd), make([]float64, nd)
	for k := range nd {
		st.dcoef[k] = -1
	}
	relaxed := func(b float64, dir float64) float64 {
		return b + dir*min(prm.constrViol, relax*max(1, math.Abs(b)))
	}
	for i := range n {
		if xl[i] == xu[i] {
			st.fixed[i] = true
			st.vl[i], st.vu[i] = xl[i], xu[i]
			x0[i] = xl[i]
			continue
		}
		st.vl[i], st.vu[i] = xl[i], xu[i]
		if !math.IsInf(xl[i], -1) {
			st.hasL[i] = true
			st.vl[i] = relaxed(xl[i], -1)
		}
		if !math.IsInf(xu[i], 1) {
			st.hasU[i] = true
			st.vu[i] = relaxed(xu[i], 1)
		}
	}
	// Gradient-based scaling (IPOPT's gradient-based nlp_scaling_method) at
	// the user's start point, before it is pushed inside the bounds (as
	// IPOPT, which determines the scaling when it sets up the problem),
	// over the free variables (fixed ones are not variables of IPOPT's
	// problem).
	res := &Result{Method: "ipm", X: x0}
	if !s.NoScaling {
		g := make([]float64, n)
		p.Gradient(g, x0)
		gn := 0.0
		for i, v := range g {
			if !st.fixed[i] {
				gn = max(gn, math.Abs(v))
			}
		}
		if finite(gn) && gn > gmax {
			q.df = max(1e-8, gmax/gn)
		}
		if m > 0 {
			jr := p.Jacobian(x0).RawMatrix()
			for j := range m {
				gn := 0.0
				for k := jr.Indptr[j]; k < jr.Indptr[j+1]; k++ {
					if !st.fixed[jr.Ind[k]] {
						gn = max(gn, math.Abs(jr.Data[k]))
					}
				}
				if finite(gn) && gn > gmax {
					q.dc[j] = max(1e-8, gmax/gn)
				}
			}
		}
	}
	pushInto(x0[:n], st.vl[:n], st.vu[:n], st.hasL[:n], st.hasU[:n], k1, k2)
	cbuf := make([]float64, m)
	if m > 0 {
		p.Constraints(cbuf, x0)
	}
	for r, j := range q.rows {
		if q.eq[r] {
			q.tgt[r] = q.dc[j] * cl[j]
		}
	}
	for k, r := range q.srow {
		j := q.rows[r]
		i := n + k
		st.vl[i], st.vu[i] = math.Inf(-1), math.Inf(1)
		if !math.IsInf(cl[j], -1) {
			st.hasL[i] = true
			st.vl[i] = q.dc[j] * relaxed(cl[j], -1)
		}
		if !math.IsInf(cu[j], 1) {
			st.hasU[i] = true
			st.vu[i] = q.dc[j] * relaxed(cu[j], 1)
		}
	}
	var iter int
	c := newCore(q, st, &prm, ctx, &iter)
	c.mainQ = q
	free := 0
	for i := range n {
		if !st.fixed[i] {
			free++
		}
	}
	// IPOPT calls a problem square when the equality rows are as many as
	// the free variables (inequalities or not).
	c.square = me-nd == free && free > 0
	c.xl, c.xu, c.cl, c.cu = xl, xu, cl, cu
	copy(c.v, x0)
	for k, r := range q.srow {
		j := q.rows[r]
		c.v[n+k] = q.dc[j] * cbuf[j]
	}
	pushInto(c.v[n:], st.vl[n:], st.vu[n:], st.hasL[n:], st.hasU[n:], k1, k2)
	for i := range nv {
		if st.hasL[i] {
			c.zl[i] = 1
		}
		if st.hasU[i] {
			c.zu[i] = 1
		}
	}
	c.mu = prm.mu0
	c.setSlacks(c.zl, c.zu)
	var o outcome
	if solveHook != nil {
		c.evalAll()
		if !solveHook(c) {
			return res, nil
		}
	}
	if !c.evalAll() {
		o = outcome{status: solver.NumericalFailure, msg: "non-finite function values at the start point"}
	} else {
		if !c.square {
			// A square system starts with y = 0 (IPOPT).
			c.lsqMultipliers()
		}
		o = c.run()
	}
	if c.square && o.status == solver.Converged {
		// IPOPT 3.11's ComputeFeasibilityMultipliers: the multipliers of
		// a square system are not part of its solution; z = 0 and y by
		// least squares (y kept when that system is singular).
		clear(c.zl)
		clear(c.zu)
		copy(c.dy, c.y)
		if !c.lsqY(0) {
			copy(c.y, c.dy)
		}
	}
	c.result(res, o)
	res.Iterations = iter
	res.Evaluations = c.evals
	res.Time = time.Since(start)
	return res, nil
}

// solveHook, when set (by tests), sees the main core before the first
// iteration; returning false ends Solve there.
var solveHook func(c *core) bool

// pushInto moves x into [l + p_L, u − p_U] (IPOPT's bound_push/bound_frac).
func pushInto(x, l, u []float64, hasL, hasU []bool, k1, k2 float64) {
	for i := range x {
		lo, up := hasL[i], hasU[i]
		switch {
		case lo && up:
			pl := min(k1*max(1, math.Abs(l[i])), k2*(u[i]-l[i]))
			pu := min(k1*max(1, math.Abs(u[i])), k2*(u[i]-l[i]))
			x[i] = min(max(x[i], l[i]+pl), u[i]-pu)
		case lo:
			x[i] = max(x[i], l[i]+k1*max(1, math.Abs(l[i])))
		case up:
			x[i] = min(x[i], u[i]-k1*max(1, math.Abs(u[i])))
		}
	}
}

// mainGates reports whether the unscaled constraint violation, dual
// infeasibility and complementarity are within the given limits.
func (c *core) mainGates(cv, du, co float64) bool {
	q := c.mainQ
	if q == nil {
		return true
	}
	viol, dinf, comp := c.unscaledErrors()
	return viol <= cv && dinf <= du && comp <= co
}

// unscaledErrors returns IPOPT's unscaled constraint violation (equality
// residuals, and inequality values c(x) outside their relaxed bounds; the
// iterates never leave the relaxed variable bounds), dual infeasibility and
// complementarity (μ = 0).
func (c *core) unscaledErrors() (viol, dinf, comp float64) {
	q, st := c.mainQ, c.st
	n := q.n
	k := 0
	for r, j := range q.rows {
		if q.eq[r] {
			viol = max(viol, math.Abs(c.h[r])/q.dc[j])
			continue
		}
		i := n + k
		k++
		cv := c.h[r] + c.v[i] // dc·c(x)
		viol = max(viol, (st.vl[i]-cv)/q.dc[j], (cv-st.vu[i])/q.dc[j])
	}
	copy(c.rx, c.g)
	c.addJTy(c.rx, c.y)
	for i := range c.nv {
		if i < n && st.fixed[i] {
			continue
		}
		d := math.Abs(c.rx[i]-c.zl[i]+c.zu[i]) / q.df
		if i >= n {
			d *= q.dc[q.rows[q.srow[i-n]]]
		}
		dinf = max(dinf, d)
		if st.hasL[i] {
			comp = max(comp, c.slackL(i)*c.zl[i]/q.df)
		}
		if st.hasU[i] {
			comp = max(comp, c.slackU(i)*c.zu[i]/q.df)
		}
	}
	return
}

// result fills r from the final iterate of the main core.
func (c *core) result(r *Result, o outcome) {
	q := c.mainQ
	n, m := q.n, q.m
	x := append([]float64(nil), c.v[:n]...)
	// The iterates stay inside the bounds relaxed by
	// δ = min(constr_viol_tol, bound_relax_factor·max(1, |b|)) unless the
	// slack safeguard moved a bound further out (core.setSlacks); X is the
	// last iterate clipped to the relaxed bounds, so that X never lies
	// outside a user's bound by more than δ. (IPOPT 3.11's
	// honor_original_bounds projects onto the original bounds instead,
	// which moves x by up to δ and with it c(x): on CONCON 9e-6 in x is
	// 0.017 in c.) F and the residuals below are those of the iterate.
	xl, xu := q.p.XL(), q.p.XU()
	r.X = make([]float64, n)
	for i, v := range x {
		if xl[i] != xu[i] {
			if !math.IsInf(xl[i], -1) {
				v = max(v, xl[i]-min(c.prm.constrViol, c.prm.relax*max(1, math.Abs(xl[i]))))
			}
			if !math.IsInf(xu[i], 1) {
				v = min(v, xu[i]+min(c.prm.constrViol, c.prm.relax*max(1, math.Abs(xu[i]))))
			}
		}
		r.X[i] = v
	}
	r.Status, r.Message, r.Acceptable = o.status, o.msg, o.acceptable && o.status == solver.Converged
	r.Y = make([]float64, m)
	for rr, j := range q.rows {
		r.Y[j] = c.y[rr] * q.dc[j] / q.df
	}
	r.ZL, r.ZU = make([]float64, n), make([]float64, n)
	for i := range n {
		r.ZL[i], r.ZU[i] = c.zl[i]/q.df, c.zu[i]/q.df
	}
	p := q.p
	g := make([]float64, n)
	p.Gradient(g, x)
	r.F = p.Objective(x)
	cx := make([]float64, m)
	if m > 0 {
		p.Constraints(cx, x)
		jr := p.Jacobian(x).RawMatrix()
		for j := range m {
			for k := jr.Indptr[j]; k < jr.Indptr[j+1]; k++ {
				g[jr.Ind[k]] += jr.Data[k] * r.Y[j]
			}
		}
	}
	// Fixed variables: their multipliers from ∇L (IPOPT reports 0 here;
	// see Ipopt issue #308).
	for i := range n {
		if c.st.fixed[i] {
			r.ZL[i], r.ZU[i] = max(0, g[i]), max(0, -g[i])
		}
	}
	r.InfPr, r.InfDu, r.Compl = 0, 0, 0
	for i := range n {
		r.InfPr = max(r.InfPr, c.xl[i]-x[i], x[i]-c.xu[i])
		r.InfDu = max(r.InfDu, math.Abs(g[i]-r.ZL[i]+r.ZU[i]))
		if !math.IsInf(c.xl[i], -1) {
			r.Compl = max(r.Compl, math.Abs((x[i]-c.xl[i])*r.ZL[i]))
		}
		if !math.IsInf(c.xu[i], 1) {
			r.Compl = max(r.Compl, math.Abs((c.xu[i]-x[i])*r.ZU[i]))
		}
	}
	for j := range m {
		r.InfPr = max(r.InfPr, c.cl[j]-cx[j], cx[j]-c.cu[j])
		if c.cl[j] != c.cu[j] {
			if !math.IsInf(c.cl[j], -1) {
				r.Compl = max(r.Compl, math.Abs((cx[j]-c.cl[j])*max(0, -r.Y[j])))
			}
			if !math.IsInf(c.cu[j], 1) {
				r.Compl = max(r.Compl, math.Abs((c.cu[j]-cx[j])*max(0, r.Y[j])))
			}
		}
	}
}

// fScale is the objective scaling of the main problem.
func (c *core) fScale() float64 {
	if c.mainQ != nil {
		return c.mainQ.df
	}
	return 1
}

// record calls the Recorder.
func (c *core) record(dw, alpha, alphaZ float64, ls int, resto bool) {
	if c.prm.recorder == nil {
		return
	}
	du, pr, _, _, _ := c.errs(0)
	f := c.f / c.fScale()
	if c.recordF != nil {
		f = c.recordF()
	}
	it := Iteration{Iter: *c.iter, F: f, InfPr: pr, InfDu: du, Mu: c.mu, DNorm: floats.Norm(c.dv, math.Inf(1)), RegW: dw,
		Alpha: alpha, AlphaDual: alphaZ, LS: ls, Restoration: resto}
	if !c.prm.recorder(it) {
		c.stopRequested = true
	}
}
