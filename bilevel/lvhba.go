package bilevel

import (
	"context"
	"fmt"
	"math"

	"github.com/kkt-go/kkt/bilevel/proj"
)

// LVHBASettings are the options of LVHBA. Zero fields take the defaults in
// brackets, which are those of the authors' toy scripts (PerryChuh/BiC-GAFFA
// Toy/Toy_LVHBA.py).
type LVHBASettings struct {
	Common
	// Alpha is the step α of the (x, y) block [5e-3].
	Alpha float64
	// Beta is the step β of the multiplier anchor z [2e-3].
	Beta float64
	// Eta is the step η of the inner proximal-Lagrangian pair (θ, λ) [3e-2].
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
	def(&s.Alpha, 5e-3)
	def(&s.Beta, 2e-3)
	def(&s.Eta, 3e-2)
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
//
// Stopping: Converged when the step residual
// ‖(x, y)⁺ − (x, y)‖/α + ‖θ⁺ − θ‖/η ≤ Tol·(1 + ‖(x, y)‖); Record.Residual
// holds that residual. Record.Gap is G(x, y) − v̂ with
// v̂ = G(x, θ) + λᵀg(x, θ) + ‖θ − y‖²/(2γ₁) − ‖λ − z‖²/(2γ₂) at the current
// (θ, λ), an estimate of the proximal Lagrangian value function gap.
//
// The problem's C must be set when p.Cons is set (it is the set
// {(x, y) : x ∈ X, y ∈ Y, g(x, y) ≤ 0}); without Cons, C defaults to X × Y.
// A failed projection ends the run with Failure and Result.Err.
func LVHBA(ctx context.Context, p *Problem, s LVHBASettings) *Result {
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
		if s.Tol > 0 && resid <= s.Tol*(1+nrm2(w)) {
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
