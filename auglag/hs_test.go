package auglag

import "math"

// Hand-written CUTEst problems (Hock–Schittkowski numbering) with exact
// derivatives, for tests that must not depend on the SIF interpreter.

func hs6() *DenseProblem {
	return &DenseProblem{Dim: 2, NCons: 1, Start: []float64{-1.2, 1},
		F:    func(x []float64) float64 { return (1 - x[0]) * (1 - x[0]) },
		Grad: func(d, x []float64) { d[0] = -2 * (1 - x[0]); d[1] = 0 },
		C:    func(d, x []float64) { d[0] = 10 * (x[1] - x[0]*x[0]) },
		Jac:  func(d, x []float64) { d[0] = -20 * x[0]; d[1] = 10 },
		Hess: func(d, x, y []float64) {
			d[0] = 2
			if y != nil {
				d[0] += y[0] * -20
			}
		}}
}

func hs7() *DenseProblem {
	return &DenseProblem{Dim: 2, NCons: 1, Start: []float64{2, 2},
		F: func(x []float64) float64 { return math.Log(1+x[0]*x[0]) - x[1] },
		Grad: func(d, x []float64) {
			d[0] = 2 * x[0] / (1 + x[0]*x[0])
			d[1] = -1
		},
		C: func(d, x []float64) { u := 1 + x[0]*x[0]; d[0] = u*u + x[1]*x[1] - 4 },
		Jac: func(d, x []float64) {
			d[0] = 4 * x[0] * (1 + x[0]*x[0])
			d[1] = 2 * x[1]
		},
		Hess: func(d, x, y []float64) {
			u := 1 + x[0]*x[0]
			d[0] = (2*u - 4*x[0]*x[0]) / (u * u)
			if y != nil {
				d[0] += y[0] * (4 + 12*x[0]*x[0])
				d[3] += y[0] * 2
			}
		}}
}

func hs28() *DenseProblem {
	return &DenseProblem{Dim: 3, NCons: 1, Start: []float64{-4, 1, 1},
		F: func(x []float64) float64 { a, b := x[0]+x[1], x[1]+x[2]; return a*a + b*b },
		Grad: func(d, x []float64) {
			a, b := x[0]+x[1], x[1]+x[2]
			d[0], d[1], d[2] = 2*a, 2*a+2*b, 2*b
		},
		C:   func(d, x []float64) { d[0] = x[0] + 2*x[1] + 3*x[2] - 1 },
		Jac: func(d, x []float64) { d[0], d[1], d[2] = 1, 2, 3 },
		Hess: func(d, x, y []float64) {
			copy(d, []float64{2, 2, 0, 2, 4, 2, 0, 2, 2})
		}}
}

func hs40() *DenseProblem {
	return &DenseProblem{Dim: 4, NCons: 3, Start: []float64{0.8, 0.8, 0.8, 0.8},
		F: func(x []float64) float64 { return -x[0] * x[1] * x[2] * x[3] },
		Grad: func(d, x []float64) {
			d[0] = -x[1] * x[2] * x[3]
			d[1] = -x[0] * x[2] * x[3]
			d[2] = -x[0] * x[1] * x[3]
			d[3] = -x[0] * x[1] * x[2]
		},
		C: func(d, x []float64) {
			d[0] = x[0]*x[0]*x[0] + x[1]*x[1] - 1
			d[1] = x[0]*x[0]*x[3] - x[2]
			d[2] = x[3]*x[3] - x[1]
		},
		Jac: func(d, x []float64) {
			copy(d, []float64{
				3 * x[0] * x[0], 2 * x[1], 0, 0,
				2 * x[0] * x[3], 0, -1, x[0] * x[0],
				0, -1, 0, 2 * x[3]})
		},
		Hess: func(d, x, y []float64) {
			// ∇²f: off-diagonal products.
			set := func(i, j int, v float64) { d[i*4+j] += v; d[j*4+i] += v }
			set(0, 1, -x[2]*x[3])
			set(0, 2, -x[1]*x[3])
			set(0, 3, -x[1]*x[2])
			set(1, 2, -x[0]*x[3])
			set(1, 3, -x[0]*x[2])
			set(2, 3, -x[0]*x[1])
			if y != nil {
				d[0] += y[0] * 6 * x[0]
				d[5] += y[0] * 2
				d[0] += y[1] * 2 * x[3]
				set(0, 3, y[1]*2*x[0])
				d[15] += y[2] * 2
			}
		}}
}
