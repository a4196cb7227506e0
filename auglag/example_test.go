package auglag_test

import (
	"context"
	"fmt"

	"github.com/kkt-go/kkt/auglag"
)

// HS6: minimize (1 − x₁)² subject to 10(x₂ − x₁²) = 0 from (−1.2, 1).
func ExampleSolve() {
	p := &auglag.DenseProblem{Dim: 2, NCons: 1, Start: []float64{-1.2, 1},
		F:    func(x []float64) float64 { return (1 - x[0]) * (1 - x[0]) },
		Grad: func(d, x []float64) { d[0], d[1] = -2*(1-x[0]), 0 },
		C:    func(d, x []float64) { d[0] = 10 * (x[1] - x[0]*x[0]) },
		Jac:  func(d, x []float64) { d[0], d[1] = -20*x[0], 10 },
		Hess: func(d, x, y []float64) {
			d[0] = 2
			if y != nil {
				d[0] -= 20 * y[0]
			}
		}}
	res, err := auglag.Solve(context.Background(), p, auglag.Settings{Method: auglag.AdaSketchGV})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v after %d iterations: x = (%.6f, %.6f)\n", res.Status, res.Iterations, res.X[0], res.X[1])
	// Output:
	// Converged after 9 iterations: x = (1.000000, 1.000000)
}

// The PDE-constrained control problem of the paper (N = 3) with randomized
// Kaczmarz as the inner solver.
func ExampleNewPDEControl() {
	p := auglag.NewPDEControl(3)
	res, err := auglag.Solve(context.Background(), p, auglag.Settings{Method: auglag.AdaSketchRK})
	if err != nil {
		panic(err)
	}
	fmt.Printf("n = %d, m = %d: %v in %d iterations, KKT < 1e-4: %v\n", p.N(), p.M(), res.Status, res.Iterations, res.KKT < 1e-4)
	// Output:
	// n = 18, m = 9: Converged in 3 iterations, KKT < 1e-4: true
}

// The PDE problem on a 64×64 grid (n = 8192, m = 4096) with the range-space
// inner solver, which applies because the Hessian diag(I, 0.1·I) is
// diagonal: one exact Newton step solves this quadratic program.
func ExampleSolve_newtonSchur() {
	p := auglag.NewPDEControl(64)
	res, err := auglag.Solve(context.Background(), p, auglag.Settings{Method: auglag.NewtonSchur})
	if err != nil {
		panic(err)
	}
	fmt.Printf("n = %d, m = %d: %v in %d iteration, KKT < 1e-4: %v, f = %.4f\n", p.N(), p.M(), res.Status, res.Iterations, res.KKT < 1e-4, res.F)
	// Output:
	// n = 8192, m = 4096: Converged in 1 iteration, KKT < 1e-4: true, f = 4067.7737
}

// The paper's ℓ1-merit baseline on HS28 (linear constraint, quadratic
// objective): the authors' GMRES-L1-Adap run also takes 5 iterations.
func ExampleSolve_l1sqp() {
	p := &auglag.DenseProblem{Dim: 3, NCons: 1, Start: []float64{-4, 1, 1},
		F: func(x []float64) float64 { a, b := x[0]+x[1], x[1]+x[2]; return a*a + b*b },
		Grad: func(d, x []float64) {
			a, b := x[0]+x[1], x[1]+x[2]
			d[0], d[1], d[2] = 2*a, 2*a+2*b, 2*b
		},
		C:    func(d, x []float64) { d[0] = x[0] + 2*x[1] + 3*x[2] - 1 },
		Jac:  func(d, x []float64) { d[0], d[1], d[2] = 1, 2, 3 },
		Hess: func(d, x, y []float64) { copy(d, []float64{2, 2, 0, 2, 4, 2, 0, 2, 2}) }}
	res, err := auglag.Solve(context.Background(), p, auglag.Settings{Method: auglag.L1SQP})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v in %d iterations, KKT < 1e-4: %v\n", res.Status, res.Iterations, res.KKT < 1e-4)
	// Output:
	// Converged in 5 iterations, KKT < 1e-4: true
}
