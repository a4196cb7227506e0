package dag

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Trajectory parity with the authors' Python code. The data are written by
// `kkt dag simulate --graph er --k 2 --d 10 --n 200 --seed 7 --out p10`
// (Simulate with PCG(7, 0)); the reference values come from SAMiatto/colide
// model.py run on p10/X.csv with
//
//	colide_ev(seed=0).fit(X, lambda1=0.05, T=1, s=[1.0], warm_iter=1000, max_iter=1000, lr=0.0003)
//
// (and colide_nv likewise), printing ‖W‖_F, W[0,1], W[3,7], σ (σ_0 for NV)
// and Σ|W_ij|: 1000 identical Adam steps must agree to rounding.
func TestCoLiDEParityWithReference(t *testing.T) {
	sim := Simulate(rand.New(rand.NewPCG(7, 0)), SimSettings{Graph: ER, K: 2, D: 10, N: 200})
	for _, tc := range []struct {
		m                        Method
		norm, w01, w37, sig, sum float64
	}{
		{CoLiDEEV, 1.8485585732082477, -0.0828247955112043, -0.22978632893532097, 0.717034274918382, 16.097140438649493},
		{CoLiDENV, 1.8501482863217422, -0.07829584393088096, -0.232989670644595, 0.3526535932848069, 16.37887271494367},
	} {
		res, err := Fit(context.Background(), sim.X, tc.m, Settings{T: 1, S: []float64{1}, MaxIter: 1000})
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, v := range res.W.RawMatrix().Data {
			sum += math.Abs(v)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"‖W‖", mat.Norm(res.W, 2), tc.norm}, {"W[0,1]", res.W.At(0, 1), tc.w01}, {"W[3,7]", res.W.At(3, 7), tc.w37},
			{"σ", res.Sigma[0], tc.sig}, {"Σ|W|", sum, tc.sum},
		} {
			if math.Abs(c.got-c.want) > 1e-10*math.Max(1, math.Abs(c.want)) {
				t.Errorf("%v %s = %.17g, reference %.17g", tc.m, c.name, c.got, c.want)
			}
		}
	}
}

// TOPO parity: Duntrain/TOPO TOPO_linear.fit (lstsq regressor, centred X,
// sizes (30, 110, 1)) on `kkt dag simulate --graph er --k 2 --d 20 --n 1000
// --seed 1` from the order rand.NewPCG(1, 1).Perm(20) (what `kkt dag
// --method topo --seed 1` uses) ends at loss 9.872948512196121.
func TestTOPOParityWithReference(t *testing.T) {
	sim := Simulate(rand.New(rand.NewPCG(1, 0)), SimSettings{Graph: ER, K: 2, D: 20, N: 1000})
	res, err := TOPO(context.Background(), sim.X, rand.New(rand.NewPCG(1, 1)).Perm(20), TopoSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if want := 9.872948512196121; math.Abs(res.Score-want) > 1e-12*want {
		t.Errorf("loss %.17g, reference %.17g", res.Score, want)
	}
}
