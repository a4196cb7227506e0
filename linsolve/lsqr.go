package linsolve

import (
	"context"
	"math"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/matrix"
)

// LSQRSettings holds the options of LSQR. The embedded Settings supply
// MaxIter, X0, History, Recorder and the tolerances: RTol is Paige and
// Saunders' atol (default 1e-8) and ATol an absolute floor on ‖b − A·x‖.
// Precond and Restart are ignored. Compared with SciPy's
// scipy.sparse.linalg.lsqr(A, b, damp, atol, btol, conlim):
// atol = RTol, btol = BTol, conlim = ConLim, damp = Damp.
type LSQRSettings struct {
	Settings
	// Damp is the Tikhonov damping λ ≥ 0: LSQR then minimises
	// ‖b − A·x‖² + λ²‖x‖² (with X0 set, λ²‖x − x₀‖², as in SciPy).
	Damp float64
	// BTol is Paige and Saunders' btol (default: the value of RTol).
	BTol float64
	// ConLim stops the iteration when the estimate of cond(Ā) exceeds it
	// (default 1e8, as in SciPy). math.Inf(1) disables rule 3 except at
	// machine precision (cond(Ā) ≥ 1/ε).
	ConLim float64
	// Estimates, if not nil, is called after every iteration with the
	// Paige–Saunders estimates the stopping rules read (after the Recorder,
	// before the tests); returning false stops the solve with Canceled.
	Estimates func(LSQREstimates) bool
}

// LSQREstimates are the quantities LSQR carries by recurrence at one
// iteration (Paige & Saunders 1982, §5.3). All are invariant under a
// scaling of b, so they are reported as the iteration computes them.
type LSQREstimates struct {
	Iteration int
	// RelResidual is ‖r̄‖₂/‖b‖₂, r̄ = [b; 0] − Ā·x the damped residual.
	RelResidual float64
	// NormalResidual is ‖Āᵀr̄‖₂/(‖Ā‖·‖r̄‖₂), the quantity of rule 2 (0 when
	// r̄ = 0).
	NormalResidual float64
	// ANorm estimates ‖Ā‖_F and ACond cond(Ā).
	ANorm, ACond float64
}

// BidiagOperator is an Operator that can do the work of one Golub–Kahan
// bidiagonalisation step in a single pass over its data. LSQR uses
// ApplyBidiag in place of Apply followed by ApplyTrans when the operator
// implements it; for an operator stored by rows this halves the memory
// traffic of an iteration (sketch.LeastSquares runs LSQR on A·R⁻¹ this way).
type BidiagOperator interface {
	matrix.Operator
	// ApplyBidiag sets u ← A·v − α·u and then w = Aᵀ·u with the new u.
	// It must not retain its arguments and should allocate nothing.
	ApplyBidiag(u, w, v []float64, alpha float64)
}

// LSQR solves the least-squares problem min ‖b − A·x‖² + λ²‖x‖² for a
// rectangular (m×n) operator by the Golub–Kahan bidiagonalisation method of
// Paige and Saunders (1982), using A.Apply and A.ApplyTrans only. With
// λ = Damp = 0 and a consistent system it solves A·x = b; for m < n it
// converges to the minimum-norm solution when started from x₀ = 0.
//
// Stopping rules (Paige–Saunders, as in SciPy), with r = b − A·x, Ā = [A; λI]
// and the estimates ‖Ā‖, ‖x‖, cond(Ā) the iteration carries:
//
//  1. ‖r‖₂ ≤ max(BTol·‖b‖₂ + RTol·‖Ā‖·‖x‖₂, ATol)  — a solution of A·x = b;
//  2. ‖Āᵀr̄‖₂ ≤ RTol·‖Ā‖·‖r̄‖₂                     — a least-squares solution;
//  3. cond(Ā) ≥ ConLim.
//
// Rules 1 and 2 (or their machine-precision versions) give Converged; rule 3
// gives Stagnated (the problem is too ill-conditioned for the requested
// accuracy: raise ConLim or regularise with Damp). For a square nonsingular
// system rule 1 is the relative rule ‖r‖ ≤ RTol·(‖b‖ + ‖A‖‖x‖), which is
// weaker than CG's ‖r‖ ≤ RTol·‖b‖ by the factor 1 + ‖A‖‖x‖/‖b‖.
// Result.ResidualNorm is the estimate of ‖b − A·x‖₂; Iterations counts
// bidiagonalisation steps (one Apply and one ApplyTrans each, or one
// ApplyBidiag when A is a BidiagOperator).
//
// The error is non-nil only when b or X0 contains NaN or Inf.
func LSQR(ctx context.Context, a matrix.Operator, b []float64, s LSQRSettings) (*Result, error) {
	return scaledSolve(ctx, a, b, s, lsqrSettings, lsqr)
}

func lsqr(ctx context.Context, a matrix.Operator, b []float64, s LSQRSettings) (*Result, error) {
	x, err := start("LSQR", a, b, &s.Settings, false)
	if err != nil {
		return nil, err
	}
	mr, nc := a.Dims()
	atolPS, atolAbs, maxIter := s.Settings.defaults(nc)
	btol := s.BTol
	if btol == 0 {
		btol = atolPS
	}
	conlim := s.ConLim
	if conlim == 0 {
		conlim = 1e8
	}
	ctol := 1 / conlim
	damp := s.Damp
	const eps = 0x1p-52

	u := make([]float64, mr)
	bnorm := norm(b)
	if bnorm == 0 {
		// x = 0 is the exact minimiser.
		clear(x)
		s.X0 = nil
	}
	var beta float64
	if s.X0 == nil {
		// x₀ = 0: r = b without a product with A.
		copy(u, b)
		beta = bnorm
	} else {
		beta = residual(u, a, x, b)
	}
	res := &Result{X: x, BNorm: bnorm}
	m := monitor{ctx: ctx, s: &s.Settings, t0: time.Now()}
	r1norm := beta
	fin := finisher{res, &m}
	finish := func(st Status, it int) (*Result, error) { return fin.finish(st, it, r1norm) }
	if m.step(0, r1norm) {
		return finish(Canceled, 0)
	}
	v := make([]float64, nc)
	w := make([]float64, nc)
	var alfa float64
	if beta > 0 {
		floats.Scale(1/beta, u)
		a.ApplyTrans(v, u)
		alfa = norm(v)
		if alfa > 0 {
			floats.Scale(1/alfa, v)
		}
	}
	if isBad(alfa) {
		return finish(NumericalFailure, 0)
	}
	copy(w, v)
	if alfa*beta == 0 || beta <= atolAbs {
		// x₀ already solves the problem (r = 0 or Aᵀr = 0).
		return finish(Converged, 0)
	}
	rhobar, phibar := alfa, beta
	var anorm, dnorm, resd, xnormRun, z float64
	cs2, sn2 := -1.0, 0.0
	fused, _ := a.(BidiagOperator)
	var au []float64
	if fused == nil {
		au = make([]float64, mr)
	}
	atu := make([]float64, nc)
	it := 0
	for {
		if it >= maxIter {
			return finish(MaxIterations, it)
		}
		// Bidiagonalisation: β·u = A·v − α·u, α·v = Aᵀ·u − β·v.
		if fused != nil {
			// One pass: u ← A·v − α·u, atu = Aᵀ·u; then Aᵀ(u/β) = atu/β.
			fused.ApplyBidiag(u, atu, v, alfa)
			beta = norm(u)
			if beta > 0 {
				floats.Scale(1/beta, u)
				floats.Scale(1/beta, atu)
			}
		} else {
			a.Apply(au, v)
			var bb float64
			for i, t := range au {
				t -= alfa * u[i]
				u[i] = t
				bb += t * t
			}
			beta = math.Sqrt(bb)
			if !(bb > 1e-280 && bb < 1e280) {
				beta = norm(u) // the plain sum over- or underflowed
			}
			if beta > 0 {
				floats.Scale(1/beta, u)
				a.ApplyTrans(atu, u)
			}
		}
		if beta > 0 {
			anorm = math.Hypot(math.Hypot(anorm, alfa), math.Hypot(beta, damp))
			var aa float64
			for i, t := range atu {
				t -= beta * v[i]
				v[i] = t
				aa += t * t
			}
			alfa = math.Sqrt(aa)
			if !(aa > 1e-280 && aa < 1e280) {
				alfa = norm(v)
			}
			if alfa > 0 {
				floats.Scale(1/alfa, v)
			}
		}
		it++
		if isBad(beta) || isBad(alfa) {
			return finish(NumericalFailure, it)
		}
		// Eliminate the damping, then the subdiagonal β, by plane rotations.
		rhobar1, psi := rhobar, 0.0
		if damp > 0 {
			rhobar1 = math.Hypot(rhobar, damp)
			cs1, sn1 := rhobar/rhobar1, damp/rhobar1
			psi = sn1 * phibar
			phibar *= cs1
		}
		rho := math.Hypot(rhobar1, beta)
		cs, sn := rhobar1/rho, beta/rho
		theta := sn * alfa
		rhobar = -cs * alfa
		phi := cs * phibar
		phibar *= sn
		tau := sn * phi

		// x += (φ/ρ)·w, w = v − (θ/ρ)·w, ‖d_k‖² = ‖w/ρ‖² accumulated.
		t1, t2 := phi/rho, -theta/rho
		var ww float64
		for i, wi := range w {
			ww += wi * wi
			x[i] += t1 * wi
			w[i] = v[i] + t2*wi
		}
		dnorm = math.Hypot(dnorm, math.Sqrt(ww)/rho)

		// Estimate ‖x‖ by the rotation of Paige and Saunders (1982, §5.3).
		delta := sn2 * rho
		gambar := -cs2 * rho
		rhs := phi - delta*z
		zbar := rhs / gambar
		xnorm := math.Hypot(xnormRun, zbar)
		gamma := math.Hypot(gambar, theta)
		cs2, sn2 = gambar/gamma, theta/gamma
		z = rhs / gamma
		xnormRun = math.Hypot(xnormRun, z)

		// Norms accumulated by hypot (not sums of squares) so that they
		// neither overflow nor underflow near the range limits.
		acond := anorm * dnorm
		resd = math.Hypot(resd, psi)
		rnorm := math.Hypot(phibar, resd)
		arnorm := alfa * math.Abs(tau)
		r1norm = rnorm // ‖b − A·x‖ (rnorm includes λ‖x‖)
		if damp > 0 {
			dx := damp * xnormRun
			r1norm = math.Sqrt(math.Abs((rnorm - dx) * (rnorm + dx)))
		}
		if isBad(rnorm) || isBad(acond) {
			return finish(NumericalFailure, it)
		}
		if m.step(it, r1norm) {
			return finish(Canceled, it)
		}
		test1 := rnorm / bnorm
		test2 := arnorm / (anorm*rnorm + eps)
		test3 := 1 / (acond + eps)
		if s.Estimates != nil {
			nr := 0.0
			if rnorm > 0 {
				nr = arnorm / (anorm * rnorm)
			}
			if !s.Estimates(LSQREstimates{Iteration: it, RelResidual: test1, NormalResidual: nr, ANorm: anorm, ACond: acond}) {
				return finish(Canceled, it)
			}
		}
		t1 = test1 / (1 + anorm*xnorm/bnorm)
		rtol := btol + atolPS*anorm*xnorm/bnorm
		switch {
		case r1norm <= atolAbs, test1 <= rtol, test2 <= atolPS, 1+t1 <= 1, 1+test2 <= 1:
			return finish(Converged, it)
		case test3 <= ctol, 1+test3 <= 1:
			return finish(Stagnated, it)
		}
	}
}
