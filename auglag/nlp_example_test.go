package auglag_test

import (
	"context"
	"fmt"
	"math"

	"github.com/kkt-go/kkt/auglag"
	"github.com/kkt-go/kkt/nlp"
)

// A small problem with a bound, an inequality and an equality:
//
//	minimize (x₁ − 2)² + (x₂ − 1)²
//	subject to x₁ + x₂ ≤ 2,  x₁ − x₂ = 0.5 (cl = cu = 0.5),  0 ≤ x₁ ≤ 1.2.
//
// The solution is x = (1.2, 0.7): the bound on x₁ is active, the
// inequality is not (x₁ + x₂ = 1.9); y₂ = −0.6 and z_U = 2.2 solve
// ∇f + Jᵀy + z_U·e₁ = 0.
func ExampleSolveNLP() {
	p := &nlp.Funcs{
		Vars: 2, Cons: 2,
		F: func(x []float64) float64 { return (x[0]-2)*(x[0]-2) + (x[1]-1)*(x[1]-1) },
		Grad: func(g, x []float64) {
			g[0], g[1] = 2*(x[0]-2), 2*(x[1]-1)
		},
		C:       func(c, x []float64) { c[0], c[1] = x[0]+x[1], x[0]-x[1] },
		JacRows: []int{0, 0, 1, 1}, JacCols: []int{0, 1, 0, 1},
		JacValues: func(v, x []float64) { v[0], v[1], v[2], v[3] = 1, 1, 1, -1 },
		HessRows:  []int{0, 1}, HessCols: []int{0, 1},
		HessValues: func(v, x []float64, s float64, y []float64) { v[0], v[1] = 2*s, 2*s },
		XLower:     []float64{0, math.Inf(-1)}, XUpper: []float64{1.2, math.Inf(1)},
		CLower: []float64{math.Inf(-1), 0.5}, CUpper: []float64{2, 0.5},
		Start: []float64{0, 0},
	}
	res, err := auglag.SolveNLP(context.Background(), p, auglag.NLPSettings{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v: x = (%.6f, %.6f), f = %.6f, z_U = %.4f\n", res.Status, res.X[0], res.X[1], res.F, res.ZU[0])
	// Output:
	// Converged: x = (1.200000, 0.700000), f = 0.730000, z_U = 2.2000
}
