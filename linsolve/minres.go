package linsolve

import (
	"context"
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/matrix"
)

// MINRES solves A·x = b for a symmetric, possibly indefinite (or singular) A
// by the minimum residual method of Paige and Saunders (1975): the Lanczos
// process builds an orthonormal basis of the Krylov space and x_k minimises
// ‖b − A·x‖ over x₀ + K_k(A, r₀), updated by a short recurrence with Givens
// rotations. With Settings.Precond = M (which must be symmetric positive
// definite) it is preconditioned MINRES, which minimises ‖b − A·x‖ in the M⁻¹
// norm over the preconditioned Krylov space.
//
// Stopping rule: Converged when ‖b − A·x_k‖₂ ≤ max(RTol·‖b‖₂, ATol). Without
// a preconditioner ‖b − A·x_k‖₂ is the Paige–Saunders estimate φ̄_k (exact in
// exact arithmetic); with one, the residual vector is carried explicitly by
// the recurrence r_k = r_{k−1} − φ_k·A·w_k (no extra products with A).
// Iterations counts products with A after the initial residual.
//
// Status: Breakdown when the preconditioner is not positive definite
// (rᵀM⁻¹r < 0) or when the Lanczos process terminates (β = 0) before the
// tolerance is met (b is then not in the range of a singular A, and x is the
// minimum-residual solution); NumericalFailure on NaN or Inf. A is not
// checked for symmetry; MINRES on a nonsymmetric A gives a wrong answer.
//
// The error is non-nil only when b or X0 contains NaN or Inf.
func MINRES(ctx context.Context, a matrix.Operator, b []float64, s Settings) (*Result, error) {
	return scaledSolve(ctx, a, b, s, plainSettings, minres)
}

func minres(ctx context.Context, a matrix.Operator, b []float64, s Settings) (*Result, error) {
	st, err := prologue(ctx, "MINRES", a, b, &s)
	if err != nil {
		return nil, err
	}
	n, pc := len(b), s.Precond
	x, r1, rnorm, tol, maxIter, m := st.x, st.r, st.rnorm, st.tol, st.maxIter, &st.m
	fin := finisher{st.res, m}
	finish := func(st Status, it int) (*Result, error) { return fin.finish(st, it, rnorm) }
	if m.step(0, rnorm) {
		return finish(Canceled, 0)
	}
	if rnorm <= tol {
		return finish(Converged, 0)
	}
	// With a preconditioner the true residual is carried in rt, updated with
	// A·w computed by the same recurrence as w (aw, aw1, aw2; av = A·v).
	var rt, av, aw, aw1, aw2 []float64
	y := r1
	if pc != nil {
		y = make([]float64, n)
		pc.Precondition(y, r1)
		rt = make([]float64, n)
		copy(rt, r1)
		av = make([]float64, n)
		aw = make([]float64, n)
		aw1 = make([]float64, n)
		aw2 = make([]float64, n)
	}
	beta1 := dot(r1, y)
	if isBad(beta1) {
		return finish(NumericalFailure, 0)
	}
	if beta1 <= 0 {
		return finish(Breakdown, 0)
	}
	beta1 = math.Sqrt(beta1)
	if pc == nil {
		// y aliases r1 so far; give it its own storage.
		y = make([]float64, n)
		copy(y, r1)
	}
	r2 := make([]float64, n)
	copy(r2, r1)
	v := make([]float64, n)
	w := make([]float64, n)
	w1 := make([]float64, n)
	w2 := make([]float64, n)

	var oldb, dbar, epsln float64
	beta := beta1
	phibar := beta1
	cs, sn := -1.0, 0.0
	it := 0
	for {
		if it >= maxIter {
			return finish(MaxIterations, it)
		}
		if beta == 0 {
			return finish(Breakdown, it)
		}
		// Lanczos step: v = y/β, y = A·v − (β/β_old)·r1 − (α/β)·r2.
		sc := 1 / beta
		for i := range v {
			v[i] = sc * y[i]
		}
		a.Apply(y, v)
		if av != nil {
			copy(av, y)
		}
		if it > 0 {
			floats.AddScaled(y, -beta/oldb, r1)
		}
		alfa := dot(v, y)
		floats.AddScaled(y, -alfa/beta, r2)
		r1, r2 = r2, r1
		copy(r2, y)
		if pc != nil {
			pc.Precondition(y, r2)
		}
		oldb = beta
		bb := dot(r2, y)
		if isBad(bb) || isBad(alfa) {
			return finish(NumericalFailure, it+1)
		}
		if bb < 0 {
			return finish(Breakdown, it+1)
		}
		beta = math.Sqrt(bb)

		// Apply the previous rotation, then compute and apply the new one.
		oldeps := epsln
		delta := cs*dbar + sn*alfa
		gbar := sn*dbar - cs*alfa
		epsln = sn * beta
		dbar = -cs * beta
		gamma := math.Hypot(gbar, beta)
		if gamma == 0 {
			gamma = 1e-300
		}
		cs, sn = gbar/gamma, beta/gamma
		phi := cs * phibar
		phibar *= sn

		// w = (v − ε·w₂ − δ·w₁)/γ with w₂ two steps back; x += φ·w.
		ig := 1 / gamma
		w1, w2, w = w2, w, w1
		for i := range w {
			wi := (v[i] - oldeps*w1[i] - delta*w2[i]) * ig
			w[i] = wi
			x[i] += phi * wi
		}
		it++
		if pc != nil {
			aw1, aw2, aw = aw2, aw, aw1
			var ss float64
			for i := range aw {
				t := (av[i] - oldeps*aw1[i] - delta*aw2[i]) * ig
				aw[i] = t
				ri := rt[i] - phi*t
				rt[i] = ri
				ss += ri * ri
			}
			rnorm = math.Sqrt(ss)
		} else {
			rnorm = phibar
		}
		if isBad(rnorm) {
			return finish(NumericalFailure, it)
		}
		if m.step(it, rnorm) {
			return finish(Canceled, it)
		}
		if rnorm <= tol {
			return finish(Converged, it)
		}
	}
}
