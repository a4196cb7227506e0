package dag_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/kkt-go/kkt/dag"
	"gonum.org/v1/gonum/mat"
)

// Simulate an ER2 graph on 10 nodes and recover it with CoLiDE-EV.
func ExampleFit() {
	rng := rand.New(rand.NewPCG(1, 0))
	sim := dag.Simulate(rng, dag.SimSettings{Graph: dag.ER, K: 2, D: 10, N: 1000})
	res, err := dag.Fit(context.Background(), sim.X, dag.CoLiDEEV, dag.Settings{})
	if err != nil {
		panic(err)
	}
	m := dag.CountAccuracy(sim.W, res.B)
	fmt.Printf("SHD %d, TPR %.2f, acyclic %v, σ̂ ≈ %.1f\n", m.SHD, m.TPR, dag.IsDAG(res.B), res.Sigma[0])
	// Output: SHD 0, TPR 1.00, acyclic true, σ̂ ≈ 1.0
}

// TOPO from a random order on ER2 data with 20 nodes.
func ExampleTOPO() {
	rng := rand.New(rand.NewPCG(1, 0))
	sim := dag.Simulate(rng, dag.SimSettings{Graph: dag.ER, K: 2, D: 20, N: 1000})
	res, err := dag.TOPO(context.Background(), sim.X, rng.Perm(20), dag.TopoSettings{})
	if err != nil {
		panic(err)
	}
	m := dag.CountAccuracy(sim.W, res.B)
	fmt.Printf("SHD %d, edges %d, loss %.2f (≈ d/2 = 10)\n", m.SHD, m.NNZ, res.Score)
	// Output: SHD 0, edges 40, loss 9.87 (≈ d/2 = 10)
}

// The log-determinant acyclicity function vanishes on a DAG and is positive
// on a cycle: here −log(1 − 0.8²·0.5²) = 0.174.
func ExampleHLogDet() {
	dagW := mat.NewDense(2, 2, []float64{0, 0.8, 0, 0})
	cyc := mat.NewDense(2, 2, []float64{0, 0.8, 0.5, 0})
	h0, _ := dag.HLogDet(nil, dagW, 1)
	h1, _ := dag.HLogDet(nil, cyc, 1)
	fmt.Printf("DAG: %.3f, 2-cycle: %.3f\n", h0, h1)
	// Output: DAG: 0.000, 2-cycle: 0.174
}

// A ground truth given as an edge list of names is matched to the data's
// columns by name: the SHD counts a → b as found and c → b as missing.
func ExampleAlignTruth() {
	names := []string{"a", "b", "c"} // the data's header
	B, tn, err := dag.ReadTruth(strings.NewReader("Cause,Effect\nc,b\na,b\n"), "truth.csv", names)
	if err != nil {
		panic(err)
	}
	truth, match, _, err := dag.AlignTruth(B, tn, names, "truth.csv")
	if err != nil {
		panic(err)
	}
	est := mat.NewDense(3, 3, []float64{0, 0.9, 0, 0, 0, 0, 0, 0, 0}) // a → b
	m := dag.CountAccuracy(truth, est)
	fmt.Printf("matched by %s: SHD %d, missing %d\n", match, m.SHD, m.Missing)
	// Output: matched by name: SHD 1, missing 1
}
