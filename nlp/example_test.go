package nlp_test

import (
	"context"
	"fmt"
	"math"

	"github.com/kkt-go/kkt/nlp"
)

// hs71 is Hock–Schittkowski problem 71, posed from Go functions:
//
//	minimize x₁x₄(x₁+x₂+x₃) + x₃
//	subject to x₁x₂x₃x₄ ≥ 25,  x₁²+x₂²+x₃²+x₄² = 40,  1 ≤ x ≤ 5.
func hs71() *nlp.Funcs {
	// The lower triangle of a 4×4 matrix, row by row.
	var hr, hc []int
	for i := range 4 {
		for j := 0; j <= i; j++ {
			hr, hc = append(hr, i), append(hc, j)
		}
	}
	return &nlp.Funcs{
		Vars: 4, Cons: 2,
		F: func(x []float64) float64 { return x[0]*x[3]*(x[0]+x[1]+x[2]) + x[2] },
		Grad: func(g, x []float64) {
			g[0] = x[3] * (2*x[0] + x[1] + x[2])
			g[1] = x[0] * x[3]
			g[2] = x[0]*x[3] + 1
			g[3] = x[0] * (x[0] + x[1] + x[2])
		},
		C: func(c, x []float64) {
			c[0] = x[0] * x[1] * x[2] * x[3]
			c[1] = x[0]*x[0] + x[1]*x[1] + x[2]*x[2] + x[3]*x[3]
		},
		JacRows: []int{0, 0, 0, 0, 1, 1, 1, 1},
		JacCols: []int{0, 1, 2, 3, 0, 1, 2, 3},
		JacValues: func(v, x []float64) {
			v[0], v[1], v[2], v[3] = x[1]*x[2]*x[3], x[0]*x[2]*x[3], x[0]*x[1]*x[3], x[0]*x[1]*x[2]
			v[4], v[5], v[6], v[7] = 2*x[0], 2*x[1], 2*x[2], 2*x[3]
		},
		HessRows: hr, HessCols: hc,
		HessValues: func(v, x []float64, s float64, y []float64) {
			var y0, y1 float64
			if y != nil {
				y0, y1 = y[0], y[1]
			}
			// Entries in the order (0,0) (1,0) (1,1) (2,0) (2,1) (2,2) (3,0) (3,1) (3,2) (3,3).
			v[0] = s*2*x[3] + 2*y1
			v[1] = s*x[3] + y0*x[2]*x[3]
			v[2] = 2 * y1
			v[3] = s*x[3] + y0*x[1]*x[3]
			v[4] = y0 * x[0] * x[3]
			v[5] = 2 * y1
			v[6] = s*(2*x[0]+x[1]+x[2]) + y0*x[1]*x[2]
			v[7] = s*x[0] + y0*x[0]*x[2]
			v[8] = s*x[0] + y0*x[0]*x[1]
			v[9] = 2 * y1
		},
		XLower: []float64{1, 1, 1, 1}, XUpper: []float64{5, 5, 5, 5},
		CLower: []float64{25, 40}, CUpper: []float64{inf, 40},
		Start: []float64{1, 5, 5, 1},
	}
}

var inf = math.Inf(1)

func ExampleSolve() {
	res, err := nlp.Solve(context.Background(), hs71(), nlp.Settings{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, res.Method)
	fmt.Printf("f = %.6f\n", res.F)
	fmt.Printf("x = [%.5f %.5f %.5f %.5f]\n", res.X[0], res.X[1], res.X[2], res.X[3])
	fmt.Printf("y = [%.5f %.5f]\n", res.Y[0], res.Y[1])
	// The bounds are relaxed by 1e-8 relative (as IPOPT does), so the
	// constraint x₁x₂x₃x₄ ≥ 25 may be violated by up to 2.5e-7.
	fmt.Println("dual infeasibility < 1e-8:", res.InfDu < 1e-8)
	fmt.Println("constraint violation < 1e-6:", res.InfPr < 1e-6)
	// Output:
	// Converged ipm
	// f = 17.014017
	// x = [1.00000 4.74300 3.82115 1.37941]
	// y = [-0.55229 0.16147]
	// dual infeasibility < 1e-8: true
	// constraint violation < 1e-6: true
}
