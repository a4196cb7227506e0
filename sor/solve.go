package sor

import (
	"context"
	"fmt"
	"math"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/linsolve"
)

// Method selects the solver whose iteration count a tuner minimises.
type Method int

const (
	// SOR is successive over-relaxation as a solver (solvers/sor.m).
	SOR Method = iota
	// SSORPCG is conjugate gradients preconditioned by SSOR(ω)
	// (solvers/ssor_pcg.m, i.e. MATLAB pcg with M1, M2).
	SSORPCG
	// CG is unpreconditioned conjugate gradients with the same (MATLAB
	// pcg) stopping rule, the baseline of scripts/h2d.m; ω is ignored.
	CG
)

func (m Method) String() string {
	switch m {
	case SOR:
		return "sor"
	case SSORPCG:
		return "ssor-pcg"
	case CG:
		return "cg"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Default tolerance and iteration cap of the reference code.
const (
	DefaultTol     = 1e-8
	DefaultMaxIter = 10000
)

// Solver runs one solve with a given ω and reports the iteration count, the
// only feedback a tuner sees. The zero value is SOR with tolerance 1e-8 and a
// cap of 10,000 iterations, as in the authors' MATLAB code. A Solver keeps
// its work vectors between calls and must not be used concurrently.
//
// Stopping rules (both follow the reference code exactly):
//
//   - SOR: x₀ = X0 (zero when nil), r₀ = b − A x₀. For k = 1, 2, …:
//     x ← x + (D/ω + L)⁻¹ r (one forward sweep), r ← b − A x; stop at the
//     first k with ‖r‖₂/‖r₀‖₂ < Tol and report k. When ‖r₀‖ = 0 the solve
//     returns 0 iterations (MATLAB would divide 0 by 0 and run to the cap).
//   - SSOR-PCG (and CG, the same without preconditioner): MATLAB pcg's rule. With ‖b‖ = 0 the answer is x = 0 after
//     0 iterations; if ‖b − A x₀‖ ≤ Tol·‖b‖ it returns 0 iterations. Each
//     iteration costs one product with A and one SSOR application; when the
//     recurrence residual satisfies ‖r‖ ≤ Tol·‖b‖ the true residual b − A x is
//     computed, and the solve stops (reporting the iteration index) only if it
//     also passes; otherwise the recurrence continues from the true residual,
//     as pcg does.
//
// Reaching MaxIter gives Status linsolve.MaxIterations and Iterations =
// MaxIter (pcg would report the index of its smallest residual instead).
type Solver struct {
	Method  Method
	Tol     float64 // default 1e-8
	MaxIter int     // default 10,000

	sp         linsolve.Sweeper
	x, r, z, p []float64
	q          []float64
}

// Solution is the outcome of one solve. X aliases the Solver's work vector
// and is valid until the next call.
type Solution struct {
	X            []float64
	Iterations   int
	Status       linsolve.Status
	ResidualNorm float64 // final ‖b − A x‖ (recurrence residual for PCG)
}

func (s *Solver) params() (float64, int) {
	tol, maxIter := s.Tol, s.MaxIter
	if tol == 0 {
		tol = DefaultTol
	}
	if maxIter <= 0 {
		maxIter = DefaultMaxIter
	}
	return tol, maxIter
}

// CheckOmega returns an error unless 0 < ω < 2, the range in which SOR and
// SSOR converge for every symmetric positive definite matrix.
func CheckOmega(omega float64) error {
	if !(omega > 0 && omega < 2) {
		return fmt.Errorf("%w: ω = %v outside (0, 2)", ErrBadInput, omega)
	}
	return nil
}

// Solve solves A x = b with relaxation ω starting from x0 (nil: zero). A
// must be square with a nonzero diagonal; errors wrap ErrBadInput. Lengths of
// b and x0 that differ from the size of A are programmer errors and panic.
func (s *Solver) Solve(ctx context.Context, a *sparse.CSR, b, x0 []float64, omega float64) (Solution, error) {
	if err := CheckOmega(omega); err != nil {
		return Solution{}, err
	}
	if err := newSplit(&s.sp, a); err != nil {
		return Solution{}, err
	}
	n := s.sp.N()
	if len(b) != n {
		panic(fmt.Sprintf("sor: len(b) = %d, want %d", len(b), n))
	}
	if x0 != nil && len(x0) != n {
		panic(fmt.Sprintf("sor: len(x0) = %d, want %d", len(x0), n))
	}
	for i, v := range b {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Solution{}, fmt.Errorf("%w: b[%d] = %v", ErrBadInput, i, v)
		}
	}
	s.x, s.r = growF(s.x, n), growF(s.r, n)
	if x0 == nil {
		clear(s.x)
	} else {
		copy(s.x, x0)
	}
	if s.Method == SSORPCG || s.Method == CG {
		return s.pcg(ctx, b, omega), nil
	}
	return s.sor(ctx, b, omega), nil
}

func (s *Solver) sor(ctx context.Context, b []float64, omega float64) Solution {
	tol, maxIter := s.params()
	sp, x, r := &s.sp, s.x, s.r
	norm0 := sp.Residual(r, b, x)
	if norm0 == 0 {
		return Solution{X: x, Status: linsolve.Converged}
	}
	res := norm0
	for k := 1; k <= maxIter; k++ {
		res = sp.SORStep(x, b, r, omega)
		if res/norm0 < tol {
			return Solution{X: x, Iterations: k, Status: linsolve.Converged, ResidualNorm: res}
		}
		if math.IsNaN(res) || math.IsInf(res, 0) {
			return Solution{X: x, Iterations: k, Status: linsolve.NumericalFailure, ResidualNorm: res}
		}
		if k&255 == 0 && ctx != nil && ctx.Err() != nil {
			return Solution{X: x, Iterations: k, Status: linsolve.Canceled, ResidualNorm: res}
		}
	}
	return Solution{X: x, Iterations: maxIter, Status: linsolve.MaxIterations, ResidualNorm: res}
}

func (s *Solver) pcg(ctx context.Context, b []float64, omega float64) Solution {
	tol, maxIter := s.params()
	sp, x, r := &s.sp, s.x, s.r
	n := sp.N()
	s.z, s.p, s.q = growF(s.z, n), growF(s.p, n), growF(s.q, n)
	z, p, q := s.z, s.p, s.q
	bnorm := nrm2(b)
	if bnorm == 0 {
		clear(x)
		return Solution{X: x, Status: linsolve.Converged}
	}
	tolb := tol * bnorm
	res := sp.Residual(r, b, x)
	if res <= tolb {
		return Solution{X: x, Status: linsolve.Converged, ResidualNorm: res}
	}
	var rho, rhoOld float64
	verify := false // after a failed true-residual check, check every step
	for k := 1; k <= maxIter; k++ {
		if s.Method == CG {
			copy(z, r)
		} else {
			ssorApply(sp, z, r, omega)
		}
		rho = dot(r, z)
		if rho == 0 || math.IsNaN(rho) || math.IsInf(rho, 0) {
			return Solution{X: x, Iterations: k, Status: linsolve.Breakdown, ResidualNorm: res}
		}
		if k == 1 {
			copy(p, z)
		} else {
			beta := rho / rhoOld
			for i := range p {
				p[i] = z[i] + beta*p[i]
			}
		}
		sp.Mul(q, p)
		pq := dot(p, q)
		if !(pq > 0) || math.IsInf(pq, 0) {
			return Solution{X: x, Iterations: k, Status: linsolve.Breakdown, ResidualNorm: res}
		}
		alpha := rho / pq
		var ss float64
		for i := range x {
			x[i] += alpha * p[i]
			ri := r[i] - alpha*q[i]
			r[i] = ri
			ss += ri * ri
		}
		res = math.Sqrt(ss)
		rhoOld = rho
		if math.IsNaN(res) {
			return Solution{X: x, Iterations: k, Status: linsolve.NumericalFailure, ResidualNorm: res}
		}
		if res <= tolb || verify {
			res = sp.Residual(r, b, x)
			if res <= tolb {
				return Solution{X: x, Iterations: k, Status: linsolve.Converged, ResidualNorm: res}
			}
			verify = true
		}
		if k&255 == 0 && ctx != nil && ctx.Err() != nil {
			return Solution{X: x, Iterations: k, Status: linsolve.Canceled, ResidualNorm: res}
		}
	}
	return Solution{X: x, Iterations: maxIter, Status: linsolve.MaxIterations, ResidualNorm: res}
}

// SSOR is the symmetric SOR preconditioner of a fixed matrix, usable with
// linsolve.CG: Precondition(dst, r) sets dst = M⁻¹ r with
//
//	M = (D + ωU) D⁻¹ (D + ωL) / (ω(2−ω)),
//
// one backward and one forward triangular sweep on the CSR arrays, in the
// order MATLAB's pcg applies M1 = (D+ωL)ᵀD⁻¹ and M2 = (D+ωL)/(ω(2−ω)) in
// solvers/ssor_pcg.m. It allocates nothing per application. The matrix must
// not change between NewSSOR and the last Precondition call.
type SSOR struct {
	sp    linsolve.Sweeper
	omega float64
}

// NewSSOR builds the preconditioner; errors (wrapping ErrBadInput) for ω
// outside (0, 2), a non-square matrix or a zero diagonal entry.
func NewSSOR(a *sparse.CSR, omega float64) (*SSOR, error) {
	if err := CheckOmega(omega); err != nil {
		return nil, err
	}
	m := &SSOR{omega: omega}
	if err := newSplit(&m.sp, a); err != nil {
		return nil, err
	}
	return m, nil
}

// Precondition sets dst = M⁻¹ r.
func (m *SSOR) Precondition(dst, r []float64) {
	if n := m.sp.N(); len(dst) != n || len(r) != n {
		panic(fmt.Sprintf("sor: SSOR.Precondition: lengths %d, %d, want %d", len(dst), len(r), n))
	}
	ssorApply(&m.sp, dst, r, m.omega)
}

// Sweeper is linsolve.Sweeper, the one SOR/SSOR kernel of kkt: Forward
// performs one in-place forward SOR sweep x ← x + (D/ω + L)⁻¹(b − A x) on
// the raw CSR arrays of a, Backward the sweep over rows n…1, SORStep a
// forward sweep fused with the new residual (what Solver runs once per
// iteration); none allocates beyond the one-time setup.
type Sweeper = linsolve.Sweeper

// NewSweeper prepares a for sweeps; errors (wrapping ErrBadInput) for a
// non-square matrix, NaN or Inf entries or a zero diagonal entry.
func NewSweeper(a *sparse.CSR) (*Sweeper, error) {
	w := &Sweeper{}
	if err := newSplit(w, a); err != nil {
		return nil, err
	}
	return w, nil
}
