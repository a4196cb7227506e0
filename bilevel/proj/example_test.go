package proj_test

import (
	"fmt"

	"github.com/kkt-go/kkt/bilevel/proj"
	"gonum.org/v1/gonum/mat"
)

// Projection onto the probability simplex.
func ExampleSimplex() {
	s, _ := proj.NewSimplex(3, 1)
	y := make([]float64, 3)
	_ = s.Project(y, []float64{0.5, 1.2, -0.3})
	fmt.Printf("%.2f\n", y)
	// Output: [0.15 0.85 0.00]
}

// Projection onto the polyhedron {y : y₁ + y₂ ≤ 1, y₁ ≥ 0} and its multipliers.
func ExamplePolyhedron() {
	c := mat.NewDense(2, 2, []float64{1, 1, -1, 0})
	p, _ := proj.NewPolyhedron(c, []float64{1, 0})
	y := make([]float64, 2)
	_ = p.Project(y, []float64{-1, 3})
	fmt.Printf("y = %.2f, λ = %.2f\n", y, p.Multipliers())
	// Output: y = [0.00 1.00], λ = [2.00 3.00]
}
