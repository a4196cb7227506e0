package sinkhorn_test

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/sinkhorn"
)

// Transport between two small point clouds on a line with Sinkhorn and with
// SNS: both reach the same plan (POT's ot.bregman.sinkhorn_log at reg = 0.2
// gives cost 1.2533468842979534 and the same rounded plan). The exact OT
// cost is 1.25.
func Example() {
	x := mat.NewDense(3, 1, []float64{0, 1, 2})
	y := mat.NewDense(3, 1, []float64{0.5, 1.5, 2.5})
	c := sinkhorn.CostMatrix(x, y, sinkhorn.SqEuclidean, 0)
	a := []float64{0.5, 0.25, 0.25}
	b := []float64{0.25, 0.25, 0.5}
	s := sinkhorn.Settings{Eta: 5, Tol: 1e-12}
	sk, err := sinkhorn.Sinkhorn(context.Background(), a, b, c, s)
	if err != nil {
		panic(err)
	}
	sns, err := sinkhorn.SNS(context.Background(), a, b, c, sinkhorn.SNSSettings{Settings: s})
	if err != nil {
		panic(err)
	}
	fmt.Printf("Sinkhorn: %v, cost %.6f\n", sk.Status, sk.Cost)
	fmt.Printf("SNS:      %v, cost %.6f\n", sns.Status, sns.Cost)
	fmt.Printf("P = %.4f\n", mat.Formatted(sns.Plan, mat.Prefix("    ")))
	// Output:
	// Sinkhorn: Converged, cost 1.253347
	// SNS:      Converged, cost 1.253347
	// P = ⎡0.2500  0.2483  0.0017⎤
	//     ⎢0.0000  0.0017  0.2483⎥
	//     ⎣0.0000  0.0000  0.2500⎦
}

// The random case of the paper's Table 1 at a small size: SNS needs a few
// dozen iterations where Sinkhorn needs thousands.
func ExampleSNS() {
	n := 100
	c := mat.NewDense(n, n, nil)
	s := uint64(1)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			s = s*6364136223846793005 + 1442695040888963407
			c.Set(i, j, float64(s>>11)/(1<<53))
		}
	}
	a := make([]float64, n)
	for i := range a {
		a[i] = 1 / float64(n)
	}
	// the default adaptive Newton rule, then the paper's fixed λ = 2/n
	for _, fixed := range []bool{false, true} {
		res, err := sinkhorn.SNS(context.Background(), a, a, c, sinkhorn.SNSSettings{
			Settings: sinkhorn.Settings{Eta: 200, Tol: 1e-12}, FixedSparsity: fixed})
		if err != nil {
			panic(err)
		}
		fmt.Println(res.Status, res.Iterations, "Sinkhorn +", res.NewtonIterations, "Newton iterations")
		fmt.Printf("marginal error below 1e-12: %v\n", res.MarginalError <= 1e-12)
	}
	// Output:
	// Converged 20 Sinkhorn + 7 Newton iterations
	// marginal error below 1e-12: true
	// Converged 20 Sinkhorn + 18 Newton iterations
	// marginal error below 1e-12: true
}

// Exact optimal transport by the network simplex: the plan is a basic
// solution (at most n + m − 1 nonzeros) and the potentials certify it.
func ExampleEMD() {
	a := []float64{0.5, 0.25, 0.25}
	b := []float64{0.25, 0.25, 0.5}
	c := mat.NewDense(3, 3, []float64{
		0, 1, 2,
		1, 0, 1,
		2, 1, 0,
	})
	res, err := sinkhorn.EMD(context.Background(), a, b, c, sinkhorn.EMDSettings{})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status, "cost", res.Cost, "nonzeros", res.Plan.NNZ())
	var dual float64
	for i := range a {
		dual += a[i]*res.Alpha[i] + b[i]*res.Beta[i]
	}
	fmt.Printf("dual aᵀα + bᵀβ = %.3g\n", dual)
	// Output:
	// Converged cost 0.5 nonzeros 4
	// dual aᵀα + bᵀβ = 0.5
}

// Exact OT between uniform measures of equal size is an assignment problem.
func ExampleAssignment() {
	c := mat.NewDense(3, 3, []float64{
		4, 1, 3,
		2, 0, 5,
		3, 2, 2,
	})
	perm, cost := sinkhorn.Assignment(c)
	fmt.Println(perm, cost)
	// Output:
	// [1 0 2] 5
}

// An image with zero pixels becomes a measure with full support either by a
// floor added to every pixel (ImageMeasure) or by mixing the normalised image
// with the uniform vector (MixUniform): both keep the mass at one.
func ExampleMixUniform() {
	img := []float64{0, 0.5, 1, 0.5} // a 2×2 image, intensities in [0, 1]
	a, err := sinkhorn.ImageMeasure(img, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(a)
	fmt.Println(sinkhorn.MixUniform(nil, a, 0.08))
	floored, _ := sinkhorn.ImageMeasure(img, 0.1)
	fmt.Printf("%.4f\n", floored)
	// Output:
	// [0 0.25 0.5 0.25]
	// [0.0025 0.25 0.4975 0.25]
	// [0.0417 0.2500 0.4583 0.2500]
}
