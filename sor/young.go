package sor

import (
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

// JacobiRadius estimates β = ρ(I − D⁻¹A), the spectral radius of the Jacobi
// iteration matrix of a symmetric matrix with a positive diagonal, by the
// Lanczos method on the similar symmetric matrix S = I − D^{-1/2} A D^{-1/2}.
// It returns max(|θ_min|, |θ_max|) over the Ritz values once that value
// changes by less than 1e-12 relatively between checks, or after
// min(n, maxSteps) steps (maxSteps ≤ 0: 300). The start vector is the
// deterministic (1, 1.1, 1.2, …)/‖·‖ pattern, so the estimate is reproducible.
// Cost: one sparse product per step and a small tridiagonal eigenproblem every
// 10 steps; no dense n×n matrix is formed. Extreme Ritz values converge from
// inside, so β is never overestimated beyond rounding.
func JacobiRadius(a *sparse.CSR, maxSteps int) (float64, error) {
	var sp linsolve.Sweeper
	if err := newSplit(&sp, a); err != nil {
		return 0, err
	}
	n := sp.N()
	diag := matrix.Diagonal(nil, a)
	sq := make([]float64, n) // D^{-1/2}
	for i := range sq {
		d := diag[i]
		if d <= 0 {
			return 0, fmt.Errorf("%w: diagonal entry %d is %v, not positive", ErrBadInput, i, d)
		}
		sq[i] = 1 / math.Sqrt(d)
	}
	if maxSteps <= 0 {
		maxSteps = 300
	}
	steps := min(n, maxSteps)
	apply := func(y, x, tmp []float64) { // y = S x
		for i := range tmp {
			tmp[i] = sq[i] * x[i]
		}
		sp.Mul(y, tmp)
		for i := range y {
			y[i] = x[i] - sq[i]*y[i]
		}
	}
	v := make([]float64, n)
	vOld := make([]float64, n)
	w := make([]float64, n)
	tmp := make([]float64, n)
	for i := range v {
		v[i] = 1 + 0.1*float64(i%10)
	}
	nv := nrm2(v)
	for i := range v {
		v[i] /= nv
	}
	alpha := make([]float64, 0, steps)
	beta := make([]float64, 0, steps)
	prev := math.NaN()
	var est float64
	for k := 0; k < steps; k++ {
		apply(w, v, tmp)
		al := dot(w, v)
		for i := range w {
			w[i] -= al * v[i]
			if k > 0 {
				w[i] -= beta[k-1] * vOld[i]
			}
		}
		alpha = append(alpha, al)
		bt := nrm2(w)
		last := k == steps-1 || bt <= 1e-14
		if (k+1)%10 == 0 || last {
			est = ritzRadius(alpha, beta)
			if last || math.Abs(est-prev) <= 1e-12*est {
				return est, nil
			}
			prev = est
		}
		beta = append(beta, bt)
		vOld, v = v, vOld
		for i := range v {
			v[i] = w[i] / bt
		}
	}
	return est, nil
}

// ritzRadius returns the largest |eigenvalue| of the symmetric tridiagonal
// matrix with diagonal alpha and off-diagonal beta (len(beta) ≥ len(alpha)−1).
func ritzRadius(alpha, beta []float64) float64 {
	k := len(alpha)
	t := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		t.SetSym(i, i, alpha[i])
		if i+1 < k {
			t.SetSym(i, i+1, beta[i])
		}
	}
	var es mat.EigenSym
	if !es.Factorize(t, false) {
		return math.NaN()
	}
	vals := es.Values(nil)
	return math.Max(math.Abs(vals[0]), math.Abs(vals[k-1]))
}

// YoungOmega returns Young's asymptotically optimal relaxation parameter for
// a consistently ordered matrix with Jacobi spectral radius β < 1:
//
//	ω* = 2 / (1 + √(1 − β²)) = 1 + (β / (1 + √(1 − β²)))²,
//
// the second form being the one in the reference code (solvers/omega_opt.m).
// It returns an error for β outside [0, 1).
func YoungOmega(beta float64) (float64, error) {
	if !(beta >= 0 && beta < 1) {
		return 0, fmt.Errorf("%w: Jacobi spectral radius %v outside [0, 1); Young's ω* is undefined", ErrBadInput, beta)
	}
	q := beta / (1 + math.Sqrt(1-beta*beta))
	return 1 + q*q, nil
}
