package dag

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// fdCheck compares grad with a central finite-difference gradient of f at
// W (flattened row-major) and fails when some entry differs by more than
// 1e−6·max(1, |g|).
func fdCheck(t *testing.T, name string, f func(W *mat.Dense) float64, W *mat.Dense, grad *mat.Dense) {
	t.Helper()
	d, _ := W.Dims()
	x := append([]float64(nil), W.RawMatrix().Data...)
	num := fd.Gradient(nil, func(x []float64) float64 {
		return f(mat.NewDense(d, d, append([]float64(nil), x...)))
	}, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
	worst := 0.0
	for k, g := range grad.RawMatrix().Data {
		e := math.Abs(g-num[k]) / math.Max(1, math.Abs(g))
		worst = math.Max(worst, e)
	}
	if worst > 1e-6 {
		t.Errorf("%s: gradient differs from finite differences by %.3g (relative)", name, worst)
	}
}

func randW(rng *rand.Rand, d int, scale float64) *mat.Dense {
	W := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if i != j {
				W.Set(i, j, scale*(2*rng.Float64()-1))
			}
		}
	}
	return W
}

func TestAcyclicityGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 0))
	for _, d := range []int{2, 5, 9} {
		W := randW(rng, d, 0.4)
		g := mat.NewDense(d, d, nil)
		HExp(g, W)
		fdCheck(t, "HExp", func(W *mat.Dense) float64 { return HExp(nil, W) }, W, g)
		HPoly(g, W)
		fdCheck(t, "HPoly", func(W *mat.Dense) float64 { return HPoly(nil, W) }, W, g)
		for _, s := range []float64{1, 0.8} {
			Ws := mat.DenseCopyOf(W)
			Ws.Scale(0.5, Ws)
			if _, err := HLogDet(g, Ws, s); err != nil {
				t.Fatalf("d=%d s=%g: %v", d, s, err)
			}
			fdCheck(t, "HLogDet", func(W *mat.Dense) float64 {
				h, _ := HLogDet(nil, W, s)
				return h
			}, Ws, g)
		}
	}
}

func TestAcyclicityValues(t *testing.T) {
	// A DAG (strictly upper triangular) has h = 0 for all three functions,
	// a 2-cycle has h > 0.
	dagW := mat.NewDense(3, 3, []float64{0, 1.5, -0.7, 0, 0, 2, 0, 0, 0})
	cyc := mat.NewDense(3, 3, []float64{0, 0.5, 0, 0.5, 0, 0, 0, 0, 0})
	hl, err := HLogDet(nil, dagW, 1)
	if math.Abs(HExp(nil, dagW)) > 1e-12 || math.Abs(HPoly(nil, dagW)) > 1e-12 || err != nil || math.Abs(hl) > 1e-12 {
		t.Errorf("h on a DAG: %g %g %g %v", HExp(nil, dagW), HPoly(nil, dagW), hl, err)
	}
	// closed forms for the 2-cycle with weights a: W∘W has eigenvalues ±a².
	a2 := 0.25
	if h := HExp(nil, cyc); math.Abs(h-(2*math.Cosh(a2)-2)) > 1e-14 {
		t.Errorf("HExp 2-cycle: %g", h)
	}
	if h, _ := HLogDet(nil, cyc, 1); math.Abs(h+math.Log(1-a2*a2)) > 1e-14 {
		t.Errorf("HLogDet 2-cycle: %g", h)
	}
	if h := HPoly(nil, cyc); math.Abs(h-(math.Pow(1+a2/3, 3)+math.Pow(1-a2/3, 3)-2)) > 1e-14 {
		t.Errorf("HPoly 2-cycle: %g", h)
	}
	// outside the domain: a 2-cycle with weight products above s.
	big := mat.NewDense(2, 2, []float64{0, 1.2, 1.2, 0})
	if _, err := HLogDet(nil, big, 1); err != ErrDomain {
		t.Errorf("HLogDet outside the domain: err = %v", err)
	}
}

func TestScoreGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 0))
	for _, d := range []int{3, 7} {
		sim := Simulate(rng, SimSettings{Graph: ER, K: 2, D: d, N: 200, Unequal: true})
		C := Covariance(sim.X)
		W := randW(rng, d, 0.5)
		g := mat.NewDense(d, d, nil)
		LeastSquares(g, C, W)
		fdCheck(t, "LeastSquares", func(W *mat.Dense) float64 { return LeastSquares(nil, C, W) }, W, g)
		ScoreEV(g, C, W, 1.3)
		fdCheck(t, "ScoreEV", func(W *mat.Dense) float64 { return ScoreEV(nil, C, W, 1.3) }, W, g)
		sig := make([]float64, d)
		for j := range sig {
			sig[j] = 0.5 + rng.Float64()
		}
		ScoreNV(g, C, W, sig)
		fdCheck(t, "ScoreNV", func(W *mat.Dense) float64 { return ScoreNV(nil, C, W, sig) }, W, g)

		// LS score equals 1/(2n)‖Xc − XcW‖² computed from the data.
		Xc := mat.DenseCopyOf(sim.X)
		centre(Xc)
		var R mat.Dense
		R.Mul(Xc, W)
		R.Sub(Xc, &R)
		n, _ := Xc.Dims()
		direct := 0.5 / float64(n) * mat.Norm(&R, 2) * mat.Norm(&R, 2)
		if ls := LeastSquares(nil, C, W); math.Abs(ls-direct) > 1e-12*direct {
			t.Errorf("LeastSquares %g, direct %g", ls, direct)
		}

		// Closed-form σ: ∂S/∂σ = 0 (central differences) and it is a minimum.
		se := SigmaEV(C, W)
		h := 1e-6
		dS := (ScoreEV(nil, C, W, se+h) - ScoreEV(nil, C, W, se-h)) / (2 * h)
		if math.Abs(dS) > 1e-6 {
			t.Errorf("EV: ∂S/∂σ at σ̂ = %g", dS)
		}
		if ScoreEV(nil, C, W, 1.01*se) <= ScoreEV(nil, C, W, se) || ScoreEV(nil, C, W, 0.99*se) <= ScoreEV(nil, C, W, se) {
			t.Error("EV: σ̂ is not a minimum")
		}
		sn := SigmaNV(nil, C, W)
		for j := range sn {
			p := append([]float64(nil), sn...)
			m := append([]float64(nil), sn...)
			p[j] += h
			m[j] -= h
			if dS := (ScoreNV(nil, C, W, p) - ScoreNV(nil, C, W, m)) / (2 * h); math.Abs(dS) > 1e-6 {
				t.Errorf("NV: ∂S/∂σ_%d at σ̂ = %g", j, dS)
			}
		}
	}
}
