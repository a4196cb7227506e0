package linsolve_test

import (
	"context"
	"fmt"
	"math"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

// CG on the 2-D Poisson matrix, 100×100 grid, with b = A·1: the same
// system and tolerance as SciPy's cg(A, b, tol=1e-8, atol=0), which also
// takes 183 iterations (scipy 1.10.1).
func ExampleCG() {
	a := matrix.NewCSR(matrix.Poisson2D(100, 100))
	n, _ := a.Dims()
	one := make([]float64, n)
	for i := range one {
		one[i] = 1
	}
	b := make([]float64, n)
	a.Apply(b, one)

	res, err := linsolve.CG(context.Background(), a, b, linsolve.Settings{RTol: 1e-8})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status, res.Iterations)
	fmt.Printf("x[0] = %.6f\n", res.X[0])
	// Output:
	// Converged 183
	// x[0] = 1.000000
}

// Preconditioned CG with an incomplete Cholesky factor, b = 1 (SciPy's cg
// takes 187 iterations on this system without a preconditioner, like kkt).
func ExampleNewIC0() {
	p := matrix.Poisson2D(100, 100)
	a := matrix.NewCSR(p)
	n, _ := a.Dims()
	b := make([]float64, n)
	for i := range b {
		b[i] = 1
	}
	ic, err := linsolve.NewIC0(p)
	if err != nil {
		panic(err)
	}
	plain, _ := linsolve.CG(context.Background(), a, b, linsolve.Settings{RTol: 1e-8})
	pcg, _ := linsolve.CG(context.Background(), a, b, linsolve.Settings{RTol: 1e-8, Precond: ic})
	fmt.Println("CG:", plain.Status, plain.Iterations)
	fmt.Println("PCG+IC(0):", pcg.Status, pcg.Iterations)
	// Output:
	// CG: Converged 187
	// PCG+IC(0): Converged 79
}

// LSQR fits a straight line y ≈ c₀ + c₁·t to five points in the
// least-squares sense; A is given as a function pair.
func ExampleLSQR() {
	t := []float64{0, 1, 2, 3, 4}
	y := []float64{1.1, 2.9, 5.2, 7.1, 8.8}
	a := matrix.Func{R: 5, C: 2,
		Mul: func(dst, c []float64) {
			for i, ti := range t {
				dst[i] = c[0] + c[1]*ti
			}
		},
		MulTrans: func(dst, r []float64) {
			dst[0], dst[1] = 0, 0
			for i, ti := range t {
				dst[0] += r[i]
				dst[1] += ti * r[i]
			}
		},
	}
	res, err := linsolve.LSQR(context.Background(), a, y, linsolve.LSQRSettings{Settings: linsolve.Settings{RTol: 1e-12}})
	if err != nil {
		panic(err)
	}
	// Closed form: c₁ = Σ(t−t̄)(y−ȳ)/Σ(t−t̄)² = 19.6/10 = 1.96,
	// c₀ = ȳ − c₁·t̄ = 5.02 − 3.92 = 1.10.
	fmt.Printf("%v c0 = %.4f c1 = %.4f\n", res.Status, res.X[0], res.X[1])
	// Output:
	// Converged c0 = 1.1000 c1 = 1.9600
}

// GMRES(20) with an ILU(0) right preconditioner on a nonsymmetric
// convection–diffusion matrix (64×64 grid, mesh Péclet number 0.5).
func ExampleGMRES() {
	cd := matrix.ConvectionDiffusion2D(64, 0.5)
	a := matrix.NewCSR(cd)
	n, _ := a.Dims()
	one := make([]float64, n)
	for i := range one {
		one[i] = 1
	}
	b := make([]float64, n)
	a.Apply(b, one)
	ilu, err := linsolve.NewILU0(cd)
	if err != nil {
		panic(err)
	}
	res, err := linsolve.GMRES(context.Background(), a, b, linsolve.Settings{RTol: 1e-8, Restart: 20, Precond: ilu})
	if err != nil {
		panic(err)
	}
	var maxErr float64
	for _, v := range res.X {
		maxErr = math.Max(maxErr, math.Abs(v-1))
	}
	fmt.Println(res.Status, res.Iterations, maxErr < 1e-5)
	// Output:
	// Converged 35 true
}

// A Sweeper runs SOR sweeps on the raw CSR arrays; SORStep also returns the
// new residual norm.
func ExampleSweeper() {
	a := matrix.Poisson1D(50)
	w, err := linsolve.NewSweeper(a)
	if err != nil {
		fmt.Println(err)
		return
	}
	b := make([]float64, 50)
	for i := range b {
		b[i] = 1
	}
	x := make([]float64, 50)
	r := make([]float64, 50)
	omega := 2 / (1 + math.Sin(math.Pi/51)) // the optimal ω for this matrix
	k := 0
	for res := w.Residual(r, b, x); res > 1e-8*math.Sqrt(50); k++ {
		res = w.SORStep(x, b, r, omega)
	}
	fmt.Println("sweeps:", k)
	// Output:
	// sweeps: 189
}
