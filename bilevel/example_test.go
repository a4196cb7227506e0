package bilevel_test

import (
	"context"
	"fmt"

	"github.com/kkt-go/kkt/bilevel"
)

// LV-HBA on the toy T2 (x* = 1, λ* = −1) with the authors' parameters
// (their steps α = 5e-3, η = 3e-2; by default η follows StepRule).
func ExampleLVHBA() {
	tp := bilevel.T2(10)
	r, err := bilevel.LVHBA(context.Background(), tp.Problem, bilevel.LVHBASettings{
		Alpha: 5e-3, Eta: 3e-2, Lambda0: []float64{-1}, Z0: []float64{-1},
		Common: bilevel.Common{MaxIter: 20000, XRef: tp.XStar},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v after %d iterations: rel. error %.0e, λ = %.4f\n", r.Status, r.Iterations, r.XError, r.Lambda[0])
	// Output: MaxIterations after 20000 iterations: rel. error 1e-06, λ = -1.0000
}

// The penalty method on T3: the penalized solution is b/(2+σ).
func ExamplePenalty() {
	tp := bilevel.T3(5, 1)
	sigma := 1e-3
	r, err := bilevel.Penalty(context.Background(), tp.Problem, bilevel.PenaltySettings{
		Sigma: sigma, AlphaConst: 0.4, Inner: 50, InnerTol: 1e-15,
		Common: bilevel.Common{MaxIter: 1000, Tol: 1e-11},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	want := tp.T3Sigma(sigma)
	fmt.Printf("%v: x[0] = %.10f, b[0]/(2+σ) = %.10f\n", r.Status, r.X[0], want[0])
	// Output: Converged: x[0] = 0.0750320011, b[0]/(2+σ) = 0.0750320011
}

// CheckGradients compares analytic derivatives with central differences.
func ExampleCheckGradients() {
	p := bilevel.T1(4).Problem
	x := []float64{1, 2, 3, 4}
	y := []float64{0.5, -1, 2, 0, 1, 1, -2, 3}
	fmt.Println(bilevel.CheckGradients(p, x, y, 0, 0, nil))
	// Output: <nil>
}

// PenaltyInnerStep gives the inner-step bound of the penalty method,
// 1/(L_G + σL_F) for the y-loop and 1/L_G for the z-loop. On T3 both
// curvatures are 1.
func ExamplePenaltyInnerStep() {
	tp := bilevel.T3(5, 1)
	x, y := make([]float64, 5), make([]float64, 5)
	by, bz := bilevel.PenaltyInnerStep(tp.Problem, x, y, 0.25)
	fmt.Printf("β_y = %.6f (1/1.25), β_z = %.6f\n", by, bz)
	// Output: β_y = 0.800000 (1/1.25), β_z = 1.000000
}
