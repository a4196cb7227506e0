package linsolve

import (
	"fmt"

	"github.com/james-bowman/sparse"
)

// directSymmetric is DirectAuto's path for a symmetric A (posDiag: every
// diagonal entry positive).
func directSymmetric(a *sparse.CSR, b []float64, s DirectSettings, posDiag bool) (*Result, error) {
	return directLU(a, b, s, "symmetric A factored by LU: sparse Cholesky/LDLᵀ not wired yet")
}

// directSymmetricOnly runs exactly the requested symmetric factorisation.
func directSymmetricOnly(a *sparse.CSR, b []float64, s DirectSettings, m DirectMethod) (*Result, error) {
	return nil, fmt.Errorf("linsolve: DirectSparse: %v not wired yet", m)
}
