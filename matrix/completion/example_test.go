package completion_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/kkt-go/kkt/matrix/completion"
)

// Complete a rank-5 300×200 matrix from 20% of its entries with the
// nearly-linear-time solver (PCG half-steps).
func ExampleAltMin() {
	rng := rand.New(rand.NewPCG(1, 2))
	obs, X, Y := completion.Synthetic(rng, 300, 200, 5, 0.2)
	res, err := completion.AltMin(context.Background(), obs, completion.Settings{
		Rank: 5, Solver: completion.SolverCG, Tol: 1e-10})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%v, relative error of UVᵀ below 1e-8: %v\n", res.Status, completion.RelError(res.U, res.V, X, Y) < 1e-8)
	// Output: Converged, relative error of UVᵀ below 1e-8: true
}

// The same completion with the per-row sketch-and-precondition solver of
// Gu, Song, Yin and Zhang: every regression is preconditioned by the R
// factor (CholeskyQR by default) of an SRHT sketch of its own design with
// s = 5k rows.
func ExampleAltMin_sketch() {
	rng := rand.New(rand.NewPCG(1, 2))
	obs, X, Y := completion.Synthetic(rng, 300, 200, 5, 0.2)
	res, err := completion.AltMin(context.Background(), obs, completion.Settings{
		Rank: 5, Solver: completion.SolverSketch, Tol: 1e-10})
	if err != nil {
		panic(err)
	}
	perReg := float64(res.CGIterations) / float64(res.Regressions)
	fmt.Printf("%v, relative error of UVᵀ below 1e-8: %v, iterations per regression below 10: %v\n",
		res.Status, completion.RelError(res.U, res.V, X, Y) < 1e-8, perReg < 10)
	// Output: Converged, relative error of UVᵀ below 1e-8: true, iterations per regression below 10: true
}
