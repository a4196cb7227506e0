package sketch_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
	"github.com/kkt-go/kkt/sketch"
)

// Randomized Kaczmarz on a 2-D Poisson system, stopped at a loose
// tolerance and resumed with a tighter one.
func ExampleNewKaczmarz() {
	a := matrix.Poisson2D(6, 6)
	n, _ := a.Dims()
	b := make([]float64, n)
	for i := range b {
		b[i] = 1
	}
	s, err := sketch.NewKaczmarz(a, b, sketch.RowNorm, sketch.Settings{Seed: 1})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	res := s.Run(ctx, 1e-3, 1_000_000)
	fmt.Println(res.Status, res.ResidualNorm <= 1e-3)
	res = s.Run(ctx, 1e-8, 1_000_000) // continue from where it stopped
	fmt.Println(res.Status, res.ResidualNorm <= 1e-8)
	// Output:
	// Converged true
	// Converged true
}

// Sketch a 1000×3 matrix with a sparse sign embedding of 40 rows.
func ExampleNewSparseSign() {
	rng := rand.New(rand.NewPCG(1, 2))
	a := mat.NewDense(1000, 3, nil)
	for i := 0; i < 1000; i++ {
		a.Set(i, i%3, 1)
	}
	s := sketch.NewSparseSign(40, 1000, 8, rng)
	sa := s.MulDense(nil, a)
	r, c := sa.Dims()
	fmt.Println(r, c)
	// Output: 40 3
}

// Sketch-and-precondition least squares on an ill-conditioned problem.
func ExampleLeastSquares() {
	rng := rand.New(rand.NewPCG(1, 2))
	a, b, _ := sketch.IllConditioned(5000, 50, 1e6, 1e-3, rng)
	res, err := sketch.LeastSquares(context.Background(), a, b, sketch.LSSettings{Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status, res.Iterations < 50, res.NormalResidual < 1e-10)
	// Output: Converged true true
}

// The top singular values of a matrix with a geometric spectrum.
func ExampleSVD() {
	a := mat.NewDense(200, 100, nil)
	for j := 0; j < 100; j++ {
		a.Set(j, j, math.Pow(0.5, float64(j))) // σ = 1, 1/2, 1/4, …
	}
	res, err := sketch.SVD(matrix.NewDense(a), 3, sketch.SVDSettings{Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.6f %.6f %.6f\n", res.S[0], res.S[1], res.S[2])
	// Output: 1.000000 0.500000 0.250000
}

// The inner solver of an adaptive inexact Newton method: Gaussian
// sketch-and-project ("GV") on a symmetric indefinite KKT system
// [[H, Gᵀ], [G, 0]], asked first for a loose and then for a tighter
// accuracy ‖K‖_F·‖r‖ ≤ δ·‖b‖, continuing from the same state.
func ExampleNewGaussianKaczmarz() {
	// H = 2I (3×3), G = [1 1 1].
	k := mat.NewDense(4, 4, []float64{
		2, 0, 0, 1,
		0, 2, 0, 1,
		0, 0, 2, 1,
		1, 1, 1, 0,
	})
	b := []float64{1, 2, 3, 1}
	s, err := sketch.NewGaussianKaczmarz(k, b, sketch.Settings{Seed: 2023})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	bnorm := math.Sqrt(1 + 4 + 9 + 1)
	for _, delta := range []float64{1e-2, 1e-8} {
		res := s.Run(ctx, delta*bnorm/s.FrobeniusNorm(), 100000)
		fmt.Println(res.Status, s.FrobeniusNorm()*res.ResidualNorm <= delta*bnorm)
	}
	x := s.X()
	fmt.Printf("x = (%.6f, %.6f, %.6f), λ = %.6f\n", x[0], x[1], x[2], x[3])
	// Output:
	// Converged true
	// Converged true
	// x = (-0.166667, 0.333333, 0.833333), λ = 1.333333
}
