package sinkhorn_test

import (
	"context"
	"fmt"

	"github.com/kkt-go/kkt/sinkhorn"
)

// Two 2×2 images as measures on the unit-square pixel grid with a pixel
// floor, and the exact transport cost between them.
func ExampleImageConvention() {
	conv := sinkhorn.ImageConvention{Grid: "unit", Floor: 0.5}
	a, _ := conv.Measure([]float64{1, 0, 0, 0})
	b, _ := conv.Measure([]float64{0, 0, 0, 1})
	c := conv.Cost(2, 2, sinkhorn.L1, 0)
	res, _ := sinkhorn.EMD(context.Background(), a, b, c, sinkhorn.EMDSettings{})
	fmt.Println(conv)
	fmt.Printf("a = %.3f\ncost %.4f (%v)\n", a, res.Cost, res.Status)
	// Output:
	// unit grid, pixel floor 0.5
	// a = [0.500 0.167 0.167 0.167]
	// cost 0.6667 (Converged)
}
