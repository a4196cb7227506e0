package sor_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kkt-go/kkt/matrix"
	"github.com/kkt-go/kkt/sor"
)

// One SOR solve of the paper's model problem at Young's ω*.
func ExampleSolver() {
	a := matrix.AddDiag(matrix.Poisson2D(10, 10), 0) // delsq(numgrid('S',12))
	b := make([]float64, 100)
	for i := range b {
		b[i] = 1
	}
	beta, _ := sor.JacobiRadius(a, 0)
	w, _ := sor.YoungOmega(beta)
	var s sor.Solver // SOR, ε = 1e-8, cap 10,000
	for _, omega := range []float64{1, w} {
		sol, _ := s.Solve(context.Background(), a, b, nil, omega)
		fmt.Printf("ω = %.4f: %d iterations (%v)\n", omega, sol.Iterations, sol.Status)
	}
	fmt.Printf("β = %.6f, closed form %.6f\n", beta, math.Cos(math.Pi/11))
	// Output:
	// ω = 1.0000: 223 iterations (Converged)
	// ω = 1.5604: 41 iterations (Converged)
	// β = 0.959493, closed form 0.959493
}

// Tsallis-INF against fixed ω on 200 instances of the low-variance sequence.
func ExampleRun() {
	seq := sor.NewShiftedLaplacian(10, sor.LowVariance, 200, rand.New(rand.NewPCG(1, 2)))
	tuner := sor.NewTsallisINF(nil, rand.New(rand.NewPCG(3, 4)))
	res, err := sor.Run(context.Background(), seq, tuner, sor.Settings{Hindsight: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("instances %d, best fixed ω in hindsight %.2f\n", len(res.Records), res.BestFixedOmega)
	fmt.Printf("Tsallis-INF within 2× of it: %v\n", res.TotalIterations < 2*res.BestFixedTotal)
	// Output:
	// instances 200, best fixed ω in hindsight 1.65
	// Tsallis-INF within 2× of it: true
}

// SSOR as a preconditioner.
func ExampleNewSSOR() {
	a := matrix.Poisson2D(20, 20)
	m, err := sor.NewSSOR(a, 1.5)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := make([]float64, 400)
	r[0] = 1
	z := make([]float64, 400)
	m.Precondition(z, r)
	fmt.Printf("(M⁻¹e₁)₁ = %.6f\n", z[0])
	_, err = sor.NewSSOR(a, 2)
	fmt.Println(err)
	// Output:
	// (M⁻¹e₁)₁ = 0.187500
	// sor: bad input: ω = 2 outside (0, 2)
}
