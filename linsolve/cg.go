package linsolve

import (
	"context"
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/matrix"
	sol "github.com/kkt-go/kkt/solver"
)

// CG solves A·x = b for a symmetric positive definite A by the (preconditioned)
// conjugate gradient method of Hestenes and Stiefel (Saad, Alg. 6.18 and 9.1).
// With a preconditioner M (Settings.Precond, SPD) it is PCG on M⁻¹A.
//
// Stopping rule: the iteration stops with Converged when the recurrence
// residual satisfies ‖r_k‖₂ ≤ max(RTol·‖b‖₂, ATol); this is SciPy's
// scipy.sparse.linalg.cg rule (rtol, atol) evaluated on the unpreconditioned
// residual. Iterations counts the matrix–vector products after the initial
// residual. pᵀAp ≤ 0 ends the solve with Breakdown (A is not positive
// definite), and so does ρ = rᵀM⁻¹r ≤ 0 (the preconditioner is not positive
// definite), as MINRES reports it; a NaN ends it with NumericalFailure.
//
// The error is non-nil only when b or X0 contains NaN or Inf.
func CG(ctx context.Context, a matrix.Operator, b []float64, s Settings) (*Result, error) {
	return scaledSolve(ctx, a, b, s, plainSettings, cg)
}

// CGAutoMinRows is the size from which CG with Settings.Workers = 0 runs the
// fused kernel on every core: below it the goroutine hand-offs cost more
// than they save (measured on 2-D Poisson; see docs/benchmarks.md).
const CGAutoMinRows = 50_000

func cg(ctx context.Context, a matrix.Operator, b []float64, s Settings) (*Result, error) {
	st, err := prologue(ctx, "CG", a, b, &s)
	if err != nil {
		return nil, err
	}
	n := len(b)
	x, r, rnorm, tol, maxIter, m, res := st.x, st.r, st.rnorm, st.tol, st.maxIter, &st.m, st.res
	rr := rnorm * rnorm
	z := r
	if s.Precond != nil {
		z = make([]float64, n)
	}
	p := make([]float64, n)
	q := make([]float64, n)
	var k *cgKernel
	workers := s.Workers
	if workers == 0 && n >= CGAutoMinRows {
		workers = sol.Workers(0, n, CGAutoMinRows, 0)
	}
	if s.Precond == nil && workers != 0 {
		if k = newCGKernel(a, workers, p, q, x, r); k != nil {
			defer k.close()
		}
	}
	if m.step(0, rnorm) {
		res.Status, res.ResidualNorm, res.History = Canceled, rnorm, m.hist
		return res, nil
	}
	var rho, rhoOld float64
	it := 0
	status := MaxIterations
	for {
		if rnorm <= tol {
			status = Converged
			break
		}
		if it >= maxIter {
			break
		}
		if s.Precond != nil {
			s.Precond.Precondition(z, r)
			rho = dot(r, z)
		} else {
			rho = rr
		}
		if isBad(rho) {
			status = NumericalFailure
			break
		}
		if rho <= 0 {
			// r ≠ 0 here, so rᵀM⁻¹r ≤ 0: M is not positive definite.
			status = Breakdown
			break
		}
		if it == 0 {
			copy(p, z)
		} else {
			if rhoOld == 0 {
				status = Breakdown
				break
			}
			if k != nil {
				k.beta = rho / rhoOld
				k.run(phaseXpay)
			} else {
				xpay(z, rho/rhoOld, p)
			}
		}
		var pq float64
		if k != nil {
			pq = k.run(phaseMulDot)
		} else {
			a.Apply(q, p)
			pq = dot(p, q)
		}
		if isBad(pq) {
			status = NumericalFailure
			break
		}
		if pq <= 0 {
			status = Breakdown
			break
		}
		alpha := rho / pq
		if k != nil {
			k.alpha = alpha
			rr = k.run(phaseUpdate)
		} else {
			rr = cgUpdate(alpha, p, q, x, r)
		}
		rhoOld = rho
		it++
		rnorm = math.Sqrt(rr)
		if !(rr > 1e-280 && rr < 1e280) {
			rnorm = floats.Norm(r, 2)
			rr = rnorm * rnorm
		}
		if isBad(rnorm) {
			status = NumericalFailure
			break
		}
		if m.step(it, rnorm) {
			status = Canceled
			break
		}
	}
	res.Status = status
	res.Iterations = it
	res.ResidualNorm = rnorm
	res.History = m.hist
	return res, nil
}
