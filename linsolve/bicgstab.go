package linsolve

import (
	"context"
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/matrix"
)

// BiCGSTAB solves A·x = b for a general square A by the stabilised
// bi-conjugate gradient method of van der Vorst (1992) (Saad, Alg. 7.7), with
// right preconditioning when Settings.Precond = M is set: the iteration runs
// on A·M⁻¹·u = b, x = M⁻¹·u, so the residual it carries is the true,
// unpreconditioned b − A·x. The shadow residual is r̂ = r₀.
//
// Stopping rule: Converged when ‖b − A·x_k‖₂ ≤ max(RTol·‖b‖₂, ATol), tested on
// the recurrence residual after each half step (s) and each full step (r).
// Iterations counts full steps (two products with A each; a solve that
// converges at a half step counts it as a full step).
//
// Status: Breakdown when r̂ᵀr_k = 0, r̂ᵀA·p = 0 or ω = 0 (the method cannot
// continue; restart or use GMRES); NumericalFailure on NaN or Inf.
//
// The error is non-nil only when b or X0 contains NaN or Inf.
func BiCGSTAB(ctx context.Context, a matrix.Operator, b []float64, s Settings) (*Result, error) {
	return scaledSolve(ctx, a, b, s, plainSettings, bicgstab)
}

func bicgstab(ctx context.Context, a matrix.Operator, b []float64, s Settings) (*Result, error) {
	st, err := prologue(ctx, "BiCGSTAB", a, b, &s)
	if err != nil {
		return nil, err
	}
	n, pc := len(b), s.Precond
	x, r, rnorm, tol, maxIter, m := st.x, st.r, st.rnorm, st.tol, st.maxIter, &st.m
	fin := finisher{st.res, m}
	finish := func(st Status, it int) (*Result, error) { return fin.finish(st, it, rnorm) }
	if isBad(rnorm) {
		return finish(NumericalFailure, 0)
	}
	if m.step(0, rnorm) {
		return finish(Canceled, 0)
	}
	rhat := make([]float64, n)
	copy(rhat, r)
	p := make([]float64, n)
	v := make([]float64, n)
	t := make([]float64, n)
	phat, shat := p, r // aliases when unpreconditioned
	if pc != nil {
		phat = make([]float64, n)
		shat = make([]float64, n)
	}
	var rhoOld, alpha, omega float64
	it := 0
	for {
		if rnorm <= tol {
			return finish(Converged, it)
		}
		if it >= maxIter {
			return finish(MaxIterations, it)
		}
		rho := dot(rhat, r)
		if isBad(rho) {
			return finish(NumericalFailure, it)
		}
		if rho == 0 {
			return finish(Breakdown, it)
		}
		if it == 0 {
			copy(p, r)
		} else {
			beta := (rho / rhoOld) * (alpha / omega)
			for i := range p {
				p[i] = r[i] + beta*(p[i]-omega*v[i])
			}
		}
		if pc != nil {
			pc.Precondition(phat, p)
		}
		a.Apply(v, phat)
		rv := dot(rhat, v)
		if isBad(rv) {
			return finish(NumericalFailure, it)
		}
		if rv == 0 {
			return finish(Breakdown, it)
		}
		alpha = rho / rv
		// s = r − α·v, kept in r.
		var ss float64
		for i := range r {
			si := r[i] - alpha*v[i]
			r[i] = si
			ss += si * si
		}
		snorm := math.Sqrt(ss)
		it++
		if snorm <= tol {
			floats.AddScaled(x, alpha, phat)
			rnorm = snorm
			m.step(it, rnorm)
			return finish(Converged, it)
		}
		if pc != nil {
			pc.Precondition(shat, r)
		}
		a.Apply(t, shat)
		tt := dot(t, t)
		ts := dot(t, r)
		if isBad(tt) || isBad(ts) {
			return finish(NumericalFailure, it)
		}
		if tt == 0 {
			return finish(Breakdown, it)
		}
		omega = ts / tt
		// x += α·p̂ + ω·ŝ; r = s − ω·t.
		var rr float64
		for i := range x {
			x[i] += alpha*phat[i] + omega*shat[i]
			ri := r[i] - omega*t[i]
			r[i] = ri
			rr += ri * ri
		}
		rnorm = math.Sqrt(rr)
		rhoOld = rho
		if isBad(rnorm) {
			return finish(NumericalFailure, it)
		}
		if m.step(it, rnorm) {
			return finish(Canceled, it)
		}
		if omega == 0 && rnorm > tol {
			return finish(Breakdown, it)
		}
	}
}
