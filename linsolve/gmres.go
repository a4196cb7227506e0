package linsolve

import (
	"context"
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/matrix"
)

// DefaultRestart is the GMRES restart length used when Settings.Restart is
// zero. It matches SciPy's scipy.sparse.linalg.gmres default (restart=20).
const DefaultRestart = 20

// GMRES solves A·x = b for a general square A by restarted GMRES(m) of Saad
// and Schultz (1986) with right preconditioning: each cycle builds an
// orthonormal basis V of K_m(A·M⁻¹, r₀) by Arnoldi with modified
// Gram–Schmidt, reduces the Hessenberg matrix by Givens rotations and sets
// x = x₀ + M⁻¹·V·y with y minimising ‖β·e₁ − H̄·y‖. Because the
// preconditioner is applied on the right, the minimised residual is the
// true, unpreconditioned one. m = Settings.Restart (default DefaultRestart).
//
// Stopping rule: Converged when ‖b − A·x_k‖₂ ≤ max(RTol·‖b‖₂, ATol), tested on
// the Givens estimate |g_{j+1}| inside a cycle and on the recomputed residual
// b − A·x at each restart. Iterations counts Arnoldi steps (products with A,
// excluding the one residual product per restart); MaxIter bounds it.
//
// Status: Stagnated when a whole cycle does not reduce the residual at all
// (GMRES(m) can stall on indefinite problems: increase Restart; with an
// unstable preconditioner the cycle can even increase it, and the iterate
// from before that cycle is returned);
// NumericalFailure on NaN or Inf. A lucky breakdown (h_{j+1,j} = 0) is not an
// error: the solution is exact in the current space.
//
// The error is non-nil only when b or X0 contains NaN or Inf.
func GMRES(ctx context.Context, a matrix.Operator, b []float64, s Settings) (*Result, error) {
	return scaledSolve(ctx, a, b, s, plainSettings, gmres)
}

func gmres(ctx context.Context, a matrix.Operator, b []float64, s Settings) (*Result, error) {
	st, err := prologue(ctx, "GMRES", a, b, &s)
	if err != nil {
		return nil, err
	}
	n, pc := len(b), s.Precond
	x, rnorm, tol, maxIter, m := st.x, st.rnorm, st.tol, st.maxIter, &st.m
	restart := s.Restart
	if restart <= 0 {
		restart = DefaultRestart
	}
	restart = min(restart, n)
	vs := make([][]float64, restart+1)
	vs[0] = st.r
	for i := 1; i < len(vs); i++ {
		vs[i] = make([]float64, n)
	}
	var z []float64
	if pc != nil {
		z = make([]float64, n)
	}
	h := make([]float64, (restart+1)*restart) // column-major H̄, h[j*(m+1)+i] = H(i, j)
	cs := make([]float64, restart)
	sn := make([]float64, restart)
	g := make([]float64, restart+1)
	yv := make([]float64, restart)

	fin := finisher{st.res, m}
	finish := func(st Status, it int) (*Result, error) { return fin.finish(st, it, rnorm) }
	if isBad(rnorm) {
		return finish(NumericalFailure, 0)
	}
	if m.step(0, rnorm) {
		return finish(Canceled, 0)
	}
	it := 0
	for {
		if rnorm <= tol {
			return finish(Converged, it)
		}
		if it >= maxIter {
			return finish(MaxIterations, it)
		}
		beta := rnorm
		floats.Scale(1/beta, vs[0])
		clear(g)
		g[0] = beta
		k := 0                  // columns built in this cycle
		status := NotTerminated // set when the cycle ends early
		for j := 0; j < restart && it < maxIter; j++ {
			w := vs[j+1]
			if pc != nil {
				pc.Precondition(z, vs[j])
				a.Apply(w, z)
			} else {
				a.Apply(w, vs[j])
			}
			hj := h[j*(restart+1) : (j+1)*(restart+1)]
			for i := 0; i <= j; i++ {
				hij := dot(w, vs[i])
				hj[i] = hij
				floats.AddScaled(w, -hij, vs[i])
			}
			hn := norm(w)
			hj[j+1] = hn
			if isBad(hn) {
				status = NumericalFailure
				k = j
				break
			}
			if hn != 0 {
				floats.Scale(1/hn, w)
			}
			for i := 0; i < j; i++ {
				t := cs[i]*hj[i] + sn[i]*hj[i+1]
				hj[i+1] = -sn[i]*hj[i] + cs[i]*hj[i+1]
				hj[i] = t
			}
			d := math.Hypot(hj[j], hj[j+1])
			if d == 0 {
				// H(j, j) = 0 and a lucky breakdown: the cycle cannot continue.
				k = j
				break
			}
			cs[j], sn[j] = hj[j]/d, hj[j+1]/d
			hj[j], hj[j+1] = d, 0
			g[j+1] = -sn[j] * g[j]
			g[j] *= cs[j]
			it++
			k = j + 1
			est := math.Abs(g[j+1])
			if m.step(it, est) {
				status = Canceled
				break
			}
			if est <= tol || hn == 0 {
				break
			}
		}
		// Solve the triangular system R·y = g and update x += M⁻¹·V·y.
		for i := k - 1; i >= 0; i-- {
			t := g[i]
			for l := i + 1; l < k; l++ {
				t -= h[l*(restart+1)+i] * yv[l]
			}
			yv[i] = t / h[i*(restart+1)+i]
		}
		if k > 0 {
			u := vs[restart] // free unless k == restart; then use vs[0] after use
			if k == restart {
				u = vs[0]
				// vs[0] is still needed in the sum: fold it in first.
				floats.Scale(yv[0], u)
				for l := 1; l < k; l++ {
					floats.AddScaled(u, yv[l], vs[l])
				}
			} else {
				clear(u)
				for l := 0; l < k; l++ {
					floats.AddScaled(u, yv[l], vs[l])
				}
			}
			if pc != nil {
				pc.Precondition(z, u)
				floats.AddScaled(x, 1, z)
			} else {
				floats.AddScaled(x, 1, u)
			}
		}
		prev := rnorm
		rnorm = residual(vs[0], a, x, b)
		if isBad(rnorm) {
			return finish(NumericalFailure, it)
		}
		if status != NotTerminated {
			return finish(status, it)
		}
		if rnorm > tol && k > 0 && rnorm >= prev {
			if pc != nil && rnorm > prev {
				// An ill-conditioned preconditioner made the cycle worse
				// than its start (the Arnoldi basis of A·M⁻¹ lost
				// accuracy): return the better previous iterate.
				floats.AddScaled(x, -1, z)
				rnorm = prev
			}
			return finish(Stagnated, it)
		}
		if k == 0 && rnorm > tol {
			return finish(Breakdown, it)
		}
	}
}
