package linsolve

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/james-bowman/sparse"
	"github.com/kkt-go/kkt/matrix"
)

// ErrZeroPivot is wrapped by the errors returned when a stationary method or
// a preconditioner meets a zero diagonal entry or a zero (or, for IC(0),
// negative) pivot.
var ErrZeroPivot = errors.New("linsolve: zero pivot")

// Jacobi solves A·x = b by the Jacobi iteration
// x_{k+1} = x_k + D⁻¹(b − A·x_k), D = diag(A) (Saad, §4.1). It converges for
// strictly or irreducibly diagonally dominant A and for SPD A with
// 2D − A positive definite.
//
// Stopping rule: Converged when ‖b − A·x_k‖₂ ≤ max(RTol·‖b‖₂, ATol); the
// residual is the one the sweep computes anyway, so the test is free.
// Iterations counts sweeps. Precond and Restart are ignored.
//
// The error is non-nil when b or X0 contains NaN or Inf, or (wrapping
// ErrZeroPivot) when a diagonal entry of A is zero. NumericalFailure reports
// divergence to Inf or NaN.
func Jacobi(ctx context.Context, a *sparse.CSR, b []float64, s Settings) (*Result, error) {
	return stationary(ctx, "Jacobi", a, b, 1, s, jacobiKind)
}

// GaussSeidel solves A·x = b by forward Gauss–Seidel sweeps, i.e. SOR with
// ω = 1. Stopping rule, statuses and errors as for SOR.
func GaussSeidel(ctx context.Context, a *sparse.CSR, b []float64, s Settings) (*Result, error) {
	return stationary(ctx, "GaussSeidel", a, b, 1, s, sorKind)
}

// SOR solves A·x = b by successive over-relaxation with 0 < ω < 2 (Saad,
// §4.1): a forward sweep over the rows sets
// x_i ← x_i + ω·(b_i − Σ_j a_ij·x_j)/a_ii with the newest values of x.
// It converges for SPD A and every ω in (0, 2) (Ostrowski–Reich).
//
// Stopping rule: Converged when ‖b − A·x_k‖₂ ≤ max(RTol·‖b‖₂, ATol), checked
// after every sweep with one extra product with A (so one iteration costs
// about two products). Iterations counts sweeps.
//
// The error is non-nil when b or X0 contains NaN or Inf, or (wrapping
// ErrZeroPivot) when a diagonal entry of A is zero. NumericalFailure reports
// divergence to Inf or NaN. ω outside (0, 2) panics.
func SOR(ctx context.Context, a *sparse.CSR, b []float64, omega float64, s Settings) (*Result, error) {
	return stationary(ctx, "SOR", a, b, omega, s, sorKind)
}

// SSOR solves A·x = b by symmetric SOR: each iteration is a forward SOR
// sweep followed by a backward one (rows n−1, …, 0), with 0 < ω < 2.
// Stopping rule, statuses and errors as for SOR.
func SSOR(ctx context.Context, a *sparse.CSR, b []float64, omega float64, s Settings) (*Result, error) {
	return stationary(ctx, "SSOR", a, b, omega, s, ssorKind)
}

type sweepKind int

const (
	jacobiKind sweepKind = iota
	sorKind
	ssorKind
)

func stationary(ctx context.Context, op string, a *sparse.CSR, b []float64, omega float64, s Settings, kind sweepKind) (*Result, error) {
	if !(omega > 0 && omega < 2) {
		panic(fmt.Sprintf("linsolve: %s: ω = %v outside (0, 2)", op, omega))
	}
	opA := matrix.NewCSR(a)
	x, err := start(op, opA, b, &s, true)
	if err != nil {
		return nil, err
	}
	n := len(b)
	var dinv []float64
	var sw *Sweeper
	if kind == jacobiKind {
		if dinv, err = invDiag(op, a); err != nil {
			return nil, err
		}
	} else if sw, err = NewSweeper(a); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	rtol, atol, maxIter := s.defaults(n)
	bnorm := norm(b)
	tol := max(rtol*bnorm, atol)
	r := make([]float64, n)
	res := &Result{X: x, BNorm: bnorm}
	m := monitor{ctx: ctx, s: &s, t0: time.Now()}
	rnorm := residual(r, opA, x, b)
	it := 0
	status := MaxIterations
	for {
		if isBad(rnorm) {
			status = NumericalFailure
			break
		}
		if it == 0 && m.step(0, rnorm) {
			status = Canceled
			break
		}
		if rnorm <= tol {
			status = Converged
			break
		}
		if it >= maxIter {
			break
		}
		switch kind {
		case jacobiKind:
			// r = b − A·x_k is current: x_{k+1} = x_k + D⁻¹r, then the new residual.
			for i, ri := range r {
				x[i] += dinv[i] * ri
			}
			rnorm = residual(r, opA, x, b)
		case sorKind:
			// The sweep and the new residual in one pass and a half.
			rnorm = sw.SORStep(x, b, r, omega)
		case ssorKind:
			sw.Forward(x, b, omega)
			sw.Backward(x, b, omega)
			rnorm = sw.Residual(r, b, x)
		}
		it++
		if m.step(it, rnorm) {
			status = Canceled
			break
		}
	}
	res.Status, res.Iterations, res.ResidualNorm, res.History = status, it, rnorm, m.hist
	res.Time = time.Since(m.t0)
	return res, nil
}

// invDiag returns 1/a_ii (duplicates summed), or an error naming the first
// zero diagonal entry.
func invDiag(op string, a *sparse.CSR) ([]float64, error) {
	d := matrix.Diagonal(nil, a)
	for i, v := range d {
		if v == 0 {
			return nil, fmt.Errorf("%w: %s: diagonal entry a[%d,%d] is zero", ErrZeroPivot, op, i, i)
		}
		if isBad(v) {
			return nil, fmt.Errorf("%w: %s: diagonal entry a[%d,%d] = %v", ErrBadInput, op, i, i, v)
		}
		d[i] = 1 / v
	}
	return d, nil
}
