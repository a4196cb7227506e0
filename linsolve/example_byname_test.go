package linsolve_test

import (
	"context"
	"fmt"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

func ExampleNewPreconditioner() {
	// PCG on the 2-D Poisson matrix with each preconditioner named as on
	// kkt linsolve's command line, b = A·1; the residual recomputed.
	a := matrix.Poisson2D(30, 30)
	op := matrix.NewCSR(a)
	one := make([]float64, 900)
	for i := range one {
		one[i] = 1
	}
	b := make([]float64, 900)
	op.Apply(b, one)
	for _, name := range []string{"none", "jacobi", "ssor", "ic0"} {
		p, err := linsolve.NewPreconditioner(name, a, 1.5)
		if err != nil {
			fmt.Println(err)
			return
		}
		res, err := linsolve.CG(context.Background(), op, b, linsolve.Settings{RTol: 1e-8, Precond: p})
		if err != nil {
			fmt.Println(err)
			return
		}
		_, rel := linsolve.TrueResidual(op, res.X, b)
		fmt.Printf("%-6s %v, residual below 1e-8: %v\n", name, res.Status, rel <= 1e-8)
	}
	// Output:
	// none   Converged, residual below 1e-8: true
	// jacobi Converged, residual below 1e-8: true
	// ssor   Converged, residual below 1e-8: true
	// ic0    Converged, residual below 1e-8: true
}
