package bilevel

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/bilevel/proj"
)

// LVHBASettings are the options of LVHBA. Zero fields take the defaults in
// brackets. β, γ, c_k and r default to the values of the authors' toy script
// (PerryChuh/BiC-GAFFA Toy/Toy_LVHBA.py); the steps η and α default to a rule
// that follows the problem's constants (see StepRule), not to the script's
// η = 3e-2 and α = 5e-3, which are stable only for that script's sizes and
// truncation radius.
type LVHBASettings struct {
	Common
	// Alpha is the step α of the (x, y) block [η/2, see StepRule].
	Alpha float64
	// Beta is the step β of the multiplier anchor z [2e-3].
	Beta float64
	// Eta is the step η of the inner proximal-Lagrangian pair (θ, λ)
	// [StepRule at the starting point].
	Eta float64
	// Gamma1, Gamma2 are the proximal parameters γ₁ [10] and γ₂ [1].
	Gamma1, Gamma2 float64
	// C0 and P define the penalty c_k = C0·(k+1)^P [1, 0.3].
	C0, P float64
	// R is the truncation radius r of the multipliers: λ and z are kept in
	// [0, r] for inequalities and in [−r, r] for equalities [1]. Use
	// math.Inf(1) for no truncation.
	R float64
	// Theta0 (default: the projected Y0), Lambda0 and Z0 (default 0) start the
	// auxiliary sequences; they are copied.
	Theta0, Lambda0, Z0 []float64
	// Bugs reproduces defects of the reference scripts; the zero value is the
	// correct method. See ReferenceBugs.
	Bugs ReferenceBugs
}

// ReferenceBugs switches on behaviours of the LV-HBA reference scripts
// (SUSTech-Optimization/LV-HBA) that are defects. They exist only to
// reproduce the reference numbers; each is described in docs/bilevel.md.
type ReferenceBugs struct {
	// FreezeX: the SVM and hyper-cleaning scripts update the hyperparameter
	// with the out-of-place model.C.data.add(d1, alpha=-alpha), whose result
	// is discarded, so x never moves.
	FreezeX bool
	// FreezeZ: the same scripts never update z.
	FreezeZ bool
	// NoLambdaProjection: the same scripts never project λ onto λ ≥ 0 (nor
	// onto the truncation box).
	NoLambdaProjection bool
	// NonNegZForEquality: the later LLC script (PerryChuh/LV-HBA
	// LV-HBA-new.py) clips z to [0, r] although the constraint is an equality
	// whose multiplier is negative (λ* = −1), which stalls the method.
	NonNegZForEquality bool
}

func (s *LVHBASettings) defaults() {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.Beta, 2e-3)
	def(&s.Gamma1, 10)
	def(&s.Gamma2, 1)
	def(&s.C0, 1)
	def(&s.P, 0.3)
	def(&s.R, 1)
}

// LVHBA runs the Lagrangian-value-function Hessian-free bilevel algorithm of
// Yao, Yu, Zeng and Zhang (ICLR 2024, arXiv 2401.16164) on p, in the form
// the authors' code runs it (see doc.go for the equations): one projected
// gradient step per block and iteration, with
//
//	d_θ = ∇_y G(x, θ) + (∂g/∂y)(x, θ)ᵀλ + (θ − y)/γ₁,   θ⁺ = Π_Y(θ − η d_θ)
//	d_λ = −g(x, θ) + (λ − z)/γ₂,                          λ⁺ = Π_Z(λ − η d_λ)
//	d_x = ∇_x F(x, y)/c_k + ∇_x G(x, y) − ∇_x G(x, θ⁺) − (∂g/∂x)(x, θ⁺)ᵀλ⁺
//	d_y = ∇_y F(x, y)/c_k + ∇_y G(x, y) − (y − θ⁺)/γ₁
//	(x, y)⁺ = Π_C((x, y) − α (d_x, d_y)),   z⁺ = Π_Z(z − β (z − λ⁺)/γ₂)
//
// with c_k = C0·(k+1)^P and Z = [0, r]^l ([−r, r]^l for equalities).
// Unset steps follow StepRule; Result.Eta and Result.Alpha report the steps
// used.
//
// Stopping: Converged when the step residual
// ‖(x, y)⁺ − (x, y)‖/α + ‖θ⁺ − θ‖/η ≤ Tol·(1 + ‖(x, y)‖); Record.Residual
// holds that residual. Record.Gap is G(x, y) − v̂ with
// v̂ = G(x, θ) + λᵀg(x, θ) + ‖θ − y‖²/(2γ₁) − ‖λ − z‖²/(2γ₂) at the current
// (θ, λ), an estimate of the proximal Lagrangian value function gap.
//
// The problem's C must be set when p.Cons is set (it is the set
// {(x, y) : x ∈ X, y ∈ Y, g(x, y) ≤ 0}); without Cons, C defaults to X × Y.
// A failed projection ends the run with Breakdown and returns the cause as the error.
func LVHBA(ctx context.Context, p *Problem, s LVHBASettings) (*Result, error) {
	r := lvhbaRun(ctx, p, s)
	return r, r.err
}

func lvhbaRun(ctx context.Context, p *Problem, s LVHBASettings) *Result {
	p.check("LVHBA")
	s.defaults()
	n, m := p.N, p.M
	l := 0
	if p.Cons != nil {
		l = p.Cons.Len()
		if p.C == nil {
			panic("bilevel: LVHBA: Problem.C (projection onto {x ∈ X, y ∈ Y, g(x, y) ≤ 0}) must be set when Cons is set")
		}
	}
	c := p.C
	if c == nil {
		var xs, ys proj.Set = proj.Free(n), proj.Free(m)
		if p.X != nil {
			xs = p.X
		}
		if p.Y != nil {
			ys = p.Y
		}
		c = proj.NewProduct(xs, ys)
	}
	res := &Result{}
	w := make([]float64, n+m)
	x, y := w[:n], w[n:]
	initVec(x, s.X0, "X0")
	initVec(y, s.Y0, "Y0")
	theta, lam, z := make([]float64, m), make([]float64, l), make([]float64, l)
	initVec(lam, s.Lambda0, "Lambda0")
	initVec(z, s.Z0, "Z0")
	lo := 0.0
	if p.Equality {
		lo = -s.R
	}
	zlo := lo
	if s.Bugs.NonNegZForEquality {
		zlo = 0
	}
	clipLam := func(v []float64) {
		if s.Bugs.NoLambdaProjection {
			return
		}
		for i := range v {
			v[i] = min(max(v[i], lo), s.R)
		}
	}
	clipZ := func(v []float64) {
		for i := range v {
			v[i] = min(max(v[i], zlo), s.R)
		}
	}
	k := 0
	fail := func(err error) *Result {
		res.failure(err, k)
		res.X, res.Y, res.Z, res.Theta, res.Lambda = x, y, z, theta, lam
		return res
	}
	if err := c.Project(w, w); err != nil {
		return fail(fmt.Errorf("bilevel: LVHBA: projecting the start onto C: %w", err))
	}
	if s.Theta0 != nil {
		initVec(theta, s.Theta0, "Theta0")
	} else {
		copy(theta, y)
	}
	if err := project(p.Y, theta); err != nil {
		return fail(err)
	}
	clipLam(lam)
	clipZ(z)
	if s.Eta == 0 {
		s.Eta = StepRule(p, x, theta, s.Gamma1, s.Gamma2)
		if s.Eta <= 0 || math.IsNaN(s.Eta) || math.IsInf(s.Eta, 0) {
			return fail(fmt.Errorf("%w: LVHBA: the step rule gave η = %v at the start (NaN or Inf in an oracle?)", ErrNaN, s.Eta))
		}
	}
	if s.Alpha == 0 {
		s.Alpha = s.Eta / 2
	}
	res.Eta, res.Alpha = s.Eta, s.Alpha

	dth, dlam, gv := make([]float64, m), make([]float64, l), make([]float64, l)
	tm := make([]float64, m)
	dx, dy, tn := make([]float64, n), make([]float64, m), make([]float64, n)
	wOld := make([]float64, n+m)
	thOld := make([]float64, m)

	eval := func(r *Record) {
		r.Upper = p.Upper.Value(x, y)
		vhat := p.Lower.Value(x, theta)
		var d2 float64
		for i := range theta {
			d2 += (theta[i] - y[i]) * (theta[i] - y[i])
		}
		vhat += d2 / (2 * s.Gamma1)
		if l > 0 {
			p.Cons.Eval(gv, x, theta)
			var lz float64
			for i := range lam {
				vhat += lam[i] * gv[i]
				lz += (lam[i] - z[i]) * (lam[i] - z[i])
			}
			vhat -= lz / (2 * s.Gamma2)
			p.Cons.Eval(gv, x, y)
			r.Violation = violation(gv, p.Equality)
		}
		r.Gap = p.Lower.Value(x, y) - vhat
	}
	tr := newTracker(ctx, &s.Common, res, eval)
	maxIter := s.maxIter()
	res.Status = MaxIterations
	resid, ck := math.Inf(1), s.C0
	for k < maxIter {
		ck = s.C0 * math.Pow(float64(k+1), s.P)
		copy(wOld, w)
		copy(thOld, theta)
		// (1) inner proximal-Lagrangian step on (θ, λ).
		p.Lower.GradY(dth, x, theta)
		if l > 0 {
			p.Cons.VJPY(tm, x, theta, lam)
			p.Cons.Eval(gv, x, theta)
			for i := range dlam {
				dlam[i] = -gv[i] + (lam[i]-z[i])/s.Gamma2
			}
		}
		for i := range theta {
			d := dth[i] + (theta[i]-y[i])/s.Gamma1
			if l > 0 {
				d += tm[i]
			}
			theta[i] -= s.Eta * d
		}
		if err := project(p.Y, theta); err != nil {
			return fail(err)
		}
		for i := range lam {
			lam[i] -= s.Eta * dlam[i]
		}
		clipLam(lam)
		// (2) outer step on φ_k(x, y, z) = F/c_k + G − v_γ.
		p.Upper.GradX(dx, x, y)
		p.Upper.GradY(dy, x, y)
		inv := 1 / ck
		for i := range dx {
			dx[i] *= inv
		}
		for i := range dy {
			dy[i] *= inv
		}
		p.Lower.GradX(tn, x, y)
		for i := range dx {
			dx[i] += tn[i]
		}
		p.Lower.GradX(tn, x, theta)
		for i := range dx {
			dx[i] -= tn[i]
		}
		if l > 0 {
			p.Cons.VJPX(tn, x, theta, lam)
			for i := range dx {
				dx[i] -= tn[i]
			}
		}
		p.Lower.GradY(tm, x, y)
		for i := range dy {
			dy[i] += tm[i] - (y[i]-theta[i])/s.Gamma1
		}
		res.Oracle += 6
		if !s.Bugs.FreezeX {
			for i := range x {
				x[i] -= s.Alpha * dx[i]
			}
		}
		for i := range y {
			y[i] -= s.Alpha * dy[i]
		}
		if err := c.Project(w, w); err != nil {
			return fail(fmt.Errorf("bilevel: LVHBA: iteration %d: %w", k, err))
		}
		if !s.Bugs.FreezeZ {
			for i := range z {
				z[i] -= s.Beta * (z[i] - lam[i]) / s.Gamma2
			}
			clipZ(z)
		}
		k++
		if err := finite("LV-HBA iterate", w); err != nil {
			tr.finish(k, x, resid, ck)
			return fail(err)
		}
		var dw, dt float64
		for i := range w {
			dw += (w[i] - wOld[i]) * (w[i] - wOld[i])
		}
		for i := range theta {
			dt += (theta[i] - thOld[i]) * (theta[i] - thOld[i])
		}
		resid = math.Sqrt(dw)/s.Alpha + math.Sqrt(dt)/s.Eta
		if s.Tol > 0 && resid <= s.Tol*(1+floats.Norm(w, 2)) {
			res.Status = Converged
			tr.step(k, x, resid, ck, true)
			break
		}
		if !tr.step(k, x, resid, ck, k == maxIter) {
			break
		}
	}
	tr.finish(k, x, resid, ck)
	res.X, res.Y, res.Z, res.Theta, res.Lambda = x, y, z, theta, lam
	return res
}

// StepRule returns the default inner step η of LVHBA at (x, θ): with
//
//	a = L_G + 1/γ₁,  b = 1/γ₂,  s = ‖∂g/∂y(x, θ)‖₂,
//
// where L_G is the largest |eigenvalue| of ∇²_yy G(x, θ), the rule is
//
//	η = (a + b) / (2(ab + s²))    (η = 1/a without constraints).
//
// This is our rule, not the paper's (its step-size conditions were not
// available to us). It comes from the model saddle problem that the
// (θ, λ) gradient descent–ascent solves along the constraint direction,
// min_θ max_λ aθ²/2 + sθλ − bλ²/2, whose iteration matrix I − η[[a, s], [−s, b]]
// has eigenvalues 1 − η(ρ ± iω) with ρ = (a + b)/2, ρ² + ω² = ab + s²:
// it contracts for η < 2ρ/(ρ² + ω²) = (a + b)/(ab + s²), and fastest at half
// that bound, the value returned. The coupling s enters squared, so the step
// must shrink like 1/‖∂g/∂y‖²: on T1 (s² = 2n) the script's η = 3e-2 is 5×
// the stability bound at n = 100, and only the multiplier box r = 1 keeps the
// run bounded.
//
// LVHBA's default α = η/2 pairs with it: the (x, y) step contains
// −(y − θ)/γ₁, which moves y away from θ at rate α/γ₁ where G has no
// curvature, while θ follows y at rate η/γ₁; α < η keeps θ ahead.
//
// The constants are estimated at the given point by 30 power iterations:
// ∇²_yy G·v from the Hessian interface when Lower implements it and from
// central differences of GradY otherwise, ∂g/∂y·v from central differences of
// Eval and (∂g/∂y)ᵀu from VJPY. Both are exact (up to rounding) for quadratic
// G and affine g, as in T1, T2 and the SVM tasks; for other problems they are
// local values at the starting point.
func StepRule(p *Problem, x, theta []float64, gamma1, gamma2 float64) float64 {
	m := p.M
	rng := rand.New(rand.NewPCG(7, 2401))
	unit := func(v []float64) float64 {
		nv := floats.Norm(v, 2)
		if nv > 0 {
			for i := range v {
				v[i] /= nv
			}
		}
		return nv
	}
	h := 1e-6 * (1 + floats.Norm(theta, 2)/math.Sqrt(float64(m)))
	tp := make([]float64, m)
	// L_G: power iteration on ∇²_yy G.
	v, hv := make([]float64, m), make([]float64, m)
	gp, gm := make([]float64, m), make([]float64, m)
	hessVec := func(dst, v []float64) {
		if hs, ok := p.Lower.(Hessian); ok {
			hs.HessYY(dst, x, theta, v)
			return
		}
		for i := range tp {
			tp[i] = theta[i] + h*v[i]
		}
		p.Lower.GradY(gp, x, tp)
		for i := range tp {
			tp[i] = theta[i] - h*v[i]
		}
		p.Lower.GradY(gm, x, tp)
		for i := range dst {
			dst[i] = (gp[i] - gm[i]) / (2 * h)
		}
	}
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	unit(v)
	var lg float64
	for range 30 {
		hessVec(hv, v)
		lg = unit(hv)
		copy(v, hv)
		if lg == 0 {
			break
		}
	}
	a, b := lg+1/gamma1, 1/gamma2
	if p.Cons == nil || p.Cons.Len() == 0 {
		return 1 / a
	}
	// s²: power iteration on (∂g/∂y)(∂g/∂y)ᵀ in the multiplier space.
	l := p.Cons.Len()
	u, jtu := make([]float64, l), make([]float64, m)
	cp, cm := make([]float64, l), make([]float64, l)
	for i := range u {
		u[i] = rng.NormFloat64()
	}
	unit(u)
	var s2 float64
	for range 30 {
		p.Cons.VJPY(jtu, x, theta, u)
		nj := unit(jtu)
		if nj == 0 {
			s2 = 0
			break
		}
		for i := range tp {
			tp[i] = theta[i] + h*jtu[i]
		}
		p.Cons.Eval(cp, x, tp)
		for i := range tp {
			tp[i] = theta[i] - h*jtu[i]
		}
		p.Cons.Eval(cm, x, tp)
		for i := range u {
			u[i] = (cp[i] - cm[i]) / (2 * h) * nj
		}
		s2 = unit(u) // ‖J Jᵀu‖ with ‖u‖ = 1
	}
	return (a + b) / (2 * (a*b + s2))
}
