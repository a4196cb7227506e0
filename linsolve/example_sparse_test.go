package linsolve_test

import (
	"fmt"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

// Sparse Cholesky on the 2-D Poisson matrix (100×100 grid): analyse the
// pattern once (AMD ordering, elimination tree, supernodes), factor, solve,
// and refactor with new values on the same pattern.
func ExampleAnalyzeSymmetric() {
	a := matrix.Poisson2D(100, 100)
	sym, err := linsolve.AnalyzeSymmetric(a, linsolve.SymbolicSettings{Ordering: linsolve.OrderAMD})
	if err != nil {
		panic(err)
	}
	f, err := sym.Cholesky(a)
	if err != nil {
		panic(err)
	}
	n := sym.N()
	b := make([]float64, n)
	for i := range b {
		b[i] = 1
	}
	x, err := f.Solve(nil, b)
	if err != nil {
		panic(err)
	}
	r := matrix.MulVec(nil, a, x)
	var res float64
	for i := range r {
		res = max(res, abs(b[i]-r[i]))
	}
	fmt.Printf("n = %d, nnz(L) = %d, residual below 1e-12: %v\n", n, f.NNZL(), res < 1e-12)

	// Same pattern, new values (A + I): no allocation, no analysis.
	if err := f.Refactor(matrix.AddDiag(a, 1)); err != nil {
		panic(err)
	}
	// Output:
	// n = 10000, nnz(L) = 194730, residual below 1e-12: true
}

// The inertia of a KKT matrix [[H, Jᵀ],[J, 0]] with H = diag(2, 1, −1) and
// J = [1 1 1]: the LDLᵀ factor gives the numbers of positive, negative and
// zero eigenvalues (Sylvester's law of inertia). H is indefinite but
// positive definite on the null space of J when the inertia is
// (3, 1, 0) = (n, m, 0) — here it is not.
func ExampleSymbolic_LDL() {
	dok := sparse.NewDOK(4, 4)
	for i, h := range []float64{2, 1, -1} {
		dok.Set(i, i, h)
		dok.Set(3, i, 1)
		dok.Set(i, 3, 1)
	}
	dok.Set(3, 3, 0) // keep the diagonal in the pattern
	k := dok.ToCSR()
	sym, err := linsolve.AnalyzeSymmetric(k, linsolve.SymbolicSettings{})
	if err != nil {
		panic(err)
	}
	l, err := sym.LDL(k, linsolve.LDLSettings{})
	if err != nil {
		panic(err)
	}
	pos, neg, zero := l.Inertia()
	fmt.Println("inertia:", pos, neg, zero)

	// IPOPT-style correction: shift the (1,1) block by δw = 2.
	if err := l.SetShift([]float64{2, 2, 2, 0}); err != nil {
		panic(err)
	}
	if err := l.Refactor(k); err != nil {
		panic(err)
	}
	pos, neg, zero = l.Inertia()
	fmt.Println("inertia with δw = 2:", pos, neg, zero)
	// Output:
	// inertia: 2 2 0
	// inertia with δw = 2: 3 1 0
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
