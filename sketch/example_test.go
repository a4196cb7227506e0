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
