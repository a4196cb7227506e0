package linsolve

import (
	"errors"
	"fmt"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
	sol "github.com/kkt-go/kkt/solver"
)

// NewPreconditioner builds the preconditioner called name for the square
// matrix a, as a command line or a configuration file names it: "none"
// (nil: no preconditioner), "jacobi" (NewJacobiPrecond), "ssor"
// (NewSSORPrecond with relaxation omega), "ic0" (NewIC0) or "ilu0"
// (NewILU0). omega is used by "ssor" only. The constructors' errors (a zero
// diagonal, a breakdown of the incomplete factorization) are returned as
// they are.
func NewPreconditioner(name string, a *sparse.CSR, omega float64) (Preconditioner, error) {
	switch name {
	case "none":
		return nil, nil
	case "jacobi":
		return NewJacobiPrecond(a)
	case "ssor":
		return NewSSORPrecond(a, omega)
	case "ic0":
		return NewIC0(a)
	case "ilu0":
		return NewILU0(a)
	}
	return nil, fmt.Errorf("linsolve: unknown preconditioner %q (want none, jacobi, ssor, ic0 or ilu0)", name)
}

// DirectStatus returns the Status that an error of the direct solvers
// (Direct, DirectSparse and the factorizations) reports about the matrix
// itself: Singular for ErrSingular and ErrStructurallySingular,
// NotApplicable for ErrNotPositiveDefinite (Cholesky of a matrix that is
// not positive definite), NumericalFailure for ErrInaccurate. Such a
// system is valid input with a numerical outcome; for any other error (bad
// input: dimensions, a nonsymmetric matrix for Cholesky, non-finite
// entries) ok is false.
func DirectStatus(err error) (st sol.Status, ok bool) {
	switch {
	case errors.Is(err, ErrSingular), errors.Is(err, ErrStructurallySingular):
		return sol.Singular, true
	case errors.Is(err, ErrNotPositiveDefinite):
		return sol.NotApplicable, true
	case errors.Is(err, ErrInaccurate):
		return sol.NumericalFailure, true
	}
	return sol.NotTerminated, false
}

// TrueResidual recomputes the residual of x for A·x = b: rnorm = ‖b − A·x‖₂
// and rel = rnorm/‖b‖₂ (rel = rnorm when b = 0). The norms are scaled
// (matrix.Nrm2, as LAPACK's dnrm2), so entries near the range limits do not
// overflow the sum of squares. Iterative solvers report the residual they
// track (Result.ResidualNorm), which rounding can make drift from this one.
func TrueResidual(a matrix.Operator, x, b []float64) (rnorm, rel float64) {
	r, _ := a.Dims()
	resid := make([]float64, r)
	a.Apply(resid, x)
	for i := range resid {
		resid[i] = b[i] - resid[i]
	}
	rnorm, bnorm := matrix.Nrm2(resid), matrix.Nrm2(b)
	rel = rnorm
	if bnorm > 0 {
		rel = rnorm / bnorm
	}
	return rnorm, rel
}
