package auglag

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

// The two baselines of the paper's comparison, run by Solve when
// Settings.Method is L1SQP or ALM. What follows the authors' code (the
// reference repository's Julia sources) and what is our reconstruction is
// marked in each doc comment and in docs/auglag.md.

// l1sqp is the ℓ1-merit adaptive inexact SQP ("GmresL1AdapSQP").
//
// The Newton–KKT system K z = b (the same K
// and b as AdaSketch, with the same Hessian modification) is solved by GMRES
// until ‖Kz − b‖₁ ≤ κ‖b‖₁, κ₀ = 0.1; when the model-reduction test fails the
// penalty grows μ ← νμ and the accuracy sharpens κ ← κ/ν² (ν = 1.5) and
// GMRES continues from its current iterate; Armijo backtracking (halving)
// on φ_μ(x) = f(x) + μ‖c(x)‖₁; both x and λ take the step.
//
// GMRES runs as the reference calls it: two Arnoldi steps per call
// (IterativeSolvers' gmres! with maxiter = 2), warm-started, repeated until
// the ℓ1 test holds (at most MaxInner iterations per system).
//
// Checked against the authors' code (CUTEst/GmresL1AdapSQP): μ₀ = 1 and κ carry over between iterations;
// the model reduction is
//
//	mred = −∇fᵀΔx − max(½ΔxᵀBΔx, 0) + μ(‖c‖₁ − ‖c + GΔx‖₁),
//
// the test mred ≥ σμ·max(‖c‖₁, ‖c + GΔx‖₁ − ‖c‖₁) with σ = 0.09; penalty
// updates stop once μ > 1e8; the Armijo test is φ_μ(x + αΔx) ≤ φ_μ(x) +
// η·α·(∇fᵀΔx − μ(‖c‖₁ − ‖c + GΔx‖₁)) with η = 1e-8. The only deviation is the
// line-search bound (MaxBacktracks; the reference halves without bound).
// The authors' PDE variant calls gmres! with maxiter = 1 instead of 2; we
// use 2 everywhere (see docs/auglag.md).
func (s *solver) runL1SQP(ctx context.Context, x0, lam0 []float64) *Result {
	t0 := time.Now()
	set, res := s.set, s.res
	n, m := s.n, s.m
	const (
		kappa0 = 0.1
		sigma  = 0.1 * (1 - 0.1)
		armijo = 1e-8
	)
	mu, kappa := 1.0, kappa0
	res.Eta1 = mu
	cur, trial := newPoint(n, m), newPoint(n, m)
	s.eval(cur, x0, lam0)
	b := make([]float64, n+m)
	r := make([]float64, n+m)
	bd := make([]float64, n)
	rc := make([]float64, m)
	finish := s.finisher(t0, &cur)
	if !cur.ok {
		return finish(NumericalFailure, "non-finite objective, constraint or derivative value at the start point")
	}
	for k := 1; k <= set.MaxIter; k++ {
		kkt, st, msg, stop := s.startIteration(ctx, k, cur)
		if stop {
			return finish(st, msg)
		}
		kktRHS(b, cur)
		B, K, msg := s.newtonKKT(cur, k)
		if msg != "" {
			return finish(Singular, msg)
		}
		op := matrix.NewCSR(K)
		b1 := norm1(b)
		z := make([]float64, n+m)
		var dx []float64
		var mred, c1 float64
		for {
			// GMRES until ‖Kz − b‖₁ ≤ κ‖b‖₁ (warm start, resumed after updates).
			// As the reference: GMRES with two Arnoldi steps per call
			// (gmres! with maxiter = 2), warm-started, repeated until the ℓ1
			// test holds; at most MaxInner iterations per KKT system.
			for its := 0; ; its += 2 {
				op.Apply(r, z)
				for i := range r {
					r[i] = b[i] - r[i]
				}
				if norm1(r) <= kappa*b1 {
					break
				}
				if its >= set.MaxInner {
					res.InnerCapHits++
					break
				}
				gr, err := linsolve.GMRES(ctx, op, b, linsolve.Settings{X0: z, RTol: 1e-300, MaxIter: 2, Restart: 2})
				if err != nil {
					return finish(NumericalFailure, err.Error())
				}
				res.SketchSteps += gr.Iterations
				copy(z, gr.X)
			}
			dx = z[:n]
			// Model reduction of φ_μ along Δx.
			if m > 0 {
				matrix.MulVec(rc, cur.J, dx)
			}
			for j := range rc {
				rc[j] += cur.c[j]
			}
			c1 = norm1(cur.c)
			r1 := norm1(rc)
			mred = -floats.Dot(cur.g, dx) + mu*(c1-r1)
			matrix.MulVec(bd, B, dx)
			curv := math.Max(0.5*floats.Dot(dx, bd), 0)
			if mu > 1e8 || mred >= curv+sigma*mu*math.Max(c1, r1-c1) {
				break
			}
			mu *= set.Nu
			kappa /= set.Nu * set.Nu
			res.PenaltyUpdates++
		}
		res.Eta1 = mu
		// Armijo on φ_μ = f + μ‖c‖₁.
		phi0 := cur.f + mu*c1
		alpha := 1.0
		accepted := false
		xt, lt := s.tmpN, s.tmpM
		for bt := 0; bt <= set.MaxBacktracks; bt++ {
			for i := 0; i < n; i++ {
				xt[i] = cur.x[i] + alpha*z[i]
			}
			for j := 0; j < m; j++ {
				lt[j] = cur.lam[j] + alpha*z[n+j]
			}
			s.eval(trial, xt, lt)
			if trial.ok {
				if p := trial.f + mu*norm1(trial.c); finite(p) && p <= phi0-armijo*alpha*mred {
					accepted = true
					break
				}
			}
			alpha /= 2
		}
		if !accepted {
			return finish(LineSearchFailed, fmt.Sprintf("no Armijo step on the ℓ1 merit after %d halvings at iteration %d", set.MaxBacktracks, k))
		}
		cur, trial = trial, cur
		res.Alphas = append(res.Alphas, alpha)
		if set.Recorder != nil && !set.Recorder(Iteration{K: k, KKT: kkt, Alpha: alpha, Eta1: mu}) {
			return finish(Canceled, "stopped by the Recorder")
		}
	}
	if cur.kkt() <= set.Tol {
		return finish(Converged, "")
	}
	return finish(MaxIterations, fmt.Sprintf("KKT residual %.3g > %.3g after %d iterations", cur.kkt(), set.Tol, set.MaxIter))
}

// startIteration records iteration k of a baseline and says whether to stop
// (converged or canceled) before it.
func (s *solver) startIteration(ctx context.Context, k int, cur *point) (kkt float64, st Status, msg string, stop bool) {
	kkt = cur.kkt()
	if kkt <= s.set.Tol {
		return kkt, Converged, "", true
	}
	if ctx != nil && ctx.Err() != nil {
		return kkt, Canceled, ctx.Err().Error(), true
	}
	s.res.Iterations = k
	s.res.History = append(s.res.History, kkt)
	return kkt, 0, "", false
}

// kktRHS sets b = −(∇ₓL; c) at cur.
func kktRHS(b []float64, cur *point) {
	n := len(cur.gradL)
	for i, v := range cur.gradL {
		b[i] = -v
	}
	for j, v := range cur.c {
		b[n+j] = -v
	}
}

// newtonKKT runs steps 2–3 of the AdaSketch iteration (regularity check and
// Hessian modification) and assembles K; msg is non-empty when G is rank
// deficient.
func (s *solver) newtonKKT(cur *point, k int) (B, K *sparse.CSR, msg string) {
	if s.m > 0 {
		if xiG := s.minEigGGt(cur.J); !(xiG >= s.set.SingularTol) {
			return nil, nil, fmt.Sprintf("λ_min(G Gᵀ) = %.3g < %.3g at iteration %d: the constraint Jacobian is rank deficient", xiG, s.set.SingularTol, k)
		}
	}
	H := s.hessian(cur)
	B = H
	if s.needsModification(H, cur.J) {
		B = matrix.AddDiag(H, s.set.XiB+frob(H))
		s.res.Modifications++
	}
	return B, assembleKKT(B, cur.J, s.n, s.m), ""
}

// finisher returns the function that fills the Result from *cur.
func (s *solver) finisher(t0 time.Time, cur **point) func(Status, string) *Result {
	return func(st Status, msg string) *Result {
		res := s.res
		p := *cur
		res.Status, res.Message = st, msg
		res.X, res.Lambda = append([]float64(nil), p.x...), append([]float64(nil), p.lam...)
		res.KKT, res.F = p.kkt(), p.f
		res.History = append(res.History, res.KKT)
		res.Time = time.Since(t0)
		return res
	}
}

func norm1(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += math.Abs(x)
	}
	return s
}

// runALM is the classical augmented Lagrangian method (method of
// multipliers) on L_μ(x, λ) = f + λᵀc + (μ/2)‖c‖².
//
// The inner loop is Newton's method on
// x ↦ L_μ(x, λ) with the Hessian ∇²ₓL(x, λ + μc) + μGᵀG shifted by
// (1 − λ_min)·I so that its smallest eigenvalue is 1, the Newton system
// solved by GMRES to ‖r‖ ≤ 1e-4‖b‖, Armijo backtracking (β = 0.1, halving)
// on L_μ, stopping when ‖∇ₓL_μ‖ ≤ τ or after 100 steps; τ₀ = 0.1,
// τ ← 0.1τ; μ₀ = 1, μ ← 1.5μ; λ ← λ + μc.
//
// Checked against the authors' code (CUTEst/AL): the shift (1 − λ_min) is
// applied always, also when it shifts down; more than 100 inner Newton
// steps end the run as a failure (MaxIterations here); λ is updated with the
// μ of the finished inner loop, then μ grows. Our deviations: GMRES(20) to
// the same 1e-4 relative residual instead of repeated two-step gmres! calls
// (the Newton steps do not change at this accuracy); λ_min is a dense
// eigenvalue for n ≤ DenseLimit and a Lanczos estimate above (the reference
// is dense always); Result.Iterations counts outer iterations,
// Result.InnerIterations the Newton steps, Result.SketchSteps the GMRES
// iterations.
func (s *solver) runALM(ctx context.Context, x0, lam0 []float64) *Result {
	t0 := time.Now()
	set, res := s.set, s.res
	n, m := s.n, s.m
	mu, tau := 1.0, 0.1
	res.Eta1 = mu
	cur, trial := newPoint(n, m), newPoint(n, m)
	s.eval(cur, x0, lam0)
	finish := s.finisher(t0, &cur)
	if !cur.ok {
		return finish(NumericalFailure, "non-finite objective, constraint or derivative value at the start point")
	}
	y := make([]float64, m) // λ + μc
	gA := make([]float64, n)
	tmp := make([]float64, n)
	tm := make([]float64, m)
	negG := make([]float64, n)
	// gradAL sets gA = ∇ₓL_μ = ∇f + Gᵀ(λ + μc) at pt and returns L_μ.
	gradAL := func(pt *point) float64 {
		for j := range y {
			y[j] = pt.lam[j] + mu*pt.c[j]
		}
		if m > 0 {
			matrix.MulVecTrans(gA, pt.J, y)
		} else {
			clear(gA)
		}
		for i := range gA {
			gA[i] += pt.g[i]
		}
		return pt.f + floats.Dot(pt.lam, pt.c) + 0.5*mu*floats.Dot(pt.c, pt.c)
	}
	for k := 1; k <= set.MaxIter; k++ {
		kkt, st, msg, stop := s.startIteration(ctx, k, cur)
		if stop {
			return finish(st, msg)
		}
		for it := 0; ; it++ {
			if ctx != nil && ctx.Err() != nil {
				// Newton steps on a large Hessian are slow: the deadline is
				// checked before each, not only once per outer iteration.
				return finish(Canceled, ctx.Err().Error())
			}
			la := gradAL(cur)
			if floats.Norm(gA, 2) <= tau {
				break
			}
			if it == 100 {
				return finish(MaxIterations, fmt.Sprintf("inner loop of outer iteration %d did not reach ‖∇ₓL_μ‖ ≤ %.3g in 100 Newton steps (‖∇ₓL_μ‖ = %.3g)", k, tau, floats.Norm(gA, 2)))
			}
			// ∇²L_μ = ∇²ₓL(x, λ + μc) + μGᵀG (+ shift·I), applied through the
			// sparse Hessian assembled once per Newton step.
			H := s.hessianAt(cur.x, y)
			J := cur.J
			shift := 0.0
			hop := matrix.Func{R: n, C: n, Mul: func(dst, v []float64) {
				matrix.MulVec(dst, H, v)
				if m > 0 {
					matrix.MulVec(tm, J, v)
					matrix.MulVecTrans(tmp, J, tm)
					for i := range dst {
						dst[i] += mu * tmp[i]
					}
				}
				for i := range dst {
					dst[i] += shift * v[i]
				}
			}}
			lmin := s.minEigOp(hop)
			if !finite(lmin) {
				return finish(NumericalFailure, fmt.Sprintf("non-finite Hessian at outer iteration %d", k))
			}
			shift = 1 - lmin // as the reference: λ_min of the shifted Hessian is 1, also when that shifts down
			for i := range negG {
				negG[i] = -gA[i]
			}
			gr, err := linsolve.GMRES(ctx, hop, negG, linsolve.Settings{RTol: 1e-4, MaxIter: 20 * n, Restart: 20})
			if err != nil {
				return finish(NumericalFailure, err.Error())
			}
			res.SketchSteps += gr.Iterations
			res.InnerIterations++
			d := gr.X
			slope := floats.Dot(gA, d)
			alpha := 1.0
			accepted := false
			for bt := 0; bt <= set.MaxBacktracks; bt++ {
				for i := 0; i < n; i++ {
					s.tmpN[i] = cur.x[i] + alpha*d[i]
				}
				s.eval(trial, s.tmpN, cur.lam)
				if trial.ok {
					if lt := gradAL(trial); finite(lt) && lt <= la+set.Beta*alpha*slope {
						accepted = true
						break
					}
				}
				alpha /= 2
			}
			if !accepted {
				return finish(LineSearchFailed, fmt.Sprintf("no Armijo step on L_μ after %d halvings (outer %d, inner %d)", set.MaxBacktracks, k, it+1))
			}
			cur, trial = trial, cur
			res.Alphas = append(res.Alphas, alpha)
		}
		// Multiplier and penalty updates.
		for j := range cur.lam {
			cur.lam[j] += mu * cur.c[j]
		}
		s.refreshGradL(cur)
		mu *= 1.5
		tau *= 0.1
		res.Eta1 = mu
		if set.Recorder != nil && !set.Recorder(Iteration{K: k, KKT: kkt, Alpha: 1, Eta1: mu}) {
			return finish(Canceled, "stopped by the Recorder")
		}
	}
	if cur.kkt() <= set.Tol {
		return finish(Converged, "")
	}
	return finish(MaxIterations, fmt.Sprintf("KKT residual %.3g > %.3g after %d outer iterations", cur.kkt(), set.Tol, set.MaxIter))
}

// refreshGradL recomputes ∇ₓL = ∇f + Gᵀλ after a change of λ.
func (s *solver) refreshGradL(pt *point) {
	if s.m > 0 {
		matrix.MulVecTrans(pt.gradL, pt.J, pt.lam)
	}
	for i := range pt.gradL {
		pt.gradL[i] += pt.g[i]
	}
}

// minEigOp returns λ_min of a symmetric operator: dense eigenvalues for
// n ≤ DenseLimit, else the smallest Ritz value of 80 Lanczos steps.
func (s *solver) minEigOp(op matrix.Operator) float64 {
	n, _ := op.Dims()
	if n > s.set.DenseLimit {
		return lanczosMin(op, 80)
	}
	e := make([]float64, n)
	col := make([]float64, n)
	a := mat.NewSymDense(n, nil)
	for j := 0; j < n; j++ {
		e[j] = 1
		op.Apply(col, e)
		e[j] = 0
		for i := 0; i < j; i++ {
			a.SetSym(i, j, 0.5*(col[i]+a.At(i, j)))
		}
		a.SetSym(j, j, col[j])
		for i := j + 1; i < n; i++ {
			a.SetSym(i, j, col[i]) // provisional; averaged when column i is applied
		}
	}
	return minEigSym(a)
}
