package dag

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestSetSizesLinear(t *testing.T) {
	for _, tc := range []struct{ d, s, l, n int }{
		{10, 15, 28, 1}, {20, 30, 110, 1}, {50, 75, 588, 1}, {100, 150, 1980, 1}, // set_sizes_linear(d) of the TOPO reference code (topo_utils.py)
		{5, 6, 7, 0}, {3, 1, 3, 0}, {2, 1, 1, 0},
	} {
		s, l, n := SetSizesLinear(tc.d)
		if s != tc.s || l != tc.l || n != tc.n {
			t.Errorf("d=%d: (%d,%d,%d), want (%d,%d,%d)", tc.d, s, l, n, tc.s, tc.l, tc.n)
		}
	}
}

// olsQR regresses column j of Xc on the columns pa with gonum's QR.
func olsQR(Xc *mat.Dense, j int, pa []int) []float64 {
	n, _ := Xc.Dims()
	A := mat.NewDense(n, len(pa), nil)
	y := mat.NewDense(n, 1, nil)
	for r := 0; r < n; r++ {
		for a, p := range pa {
			A.Set(r, a, Xc.At(r, p))
		}
		y.Set(r, 0, Xc.At(r, j))
	}
	var qr mat.QR
	qr.Factorize(A)
	var w mat.Dense
	if err := qr.SolveTo(&w, false, y); err != nil {
		panic(err)
	}
	return mat.Col(nil, 0, &w)
}

// TOPO's inner solver (Cholesky rows of the permuted covariance) equals
// column-wise least squares on the predecessors computed by QR on the data.
func TestFitOrderMatchesQR(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 0))
	for _, d := range []int{1, 4, 12} {
		sim := Simulate(rng, SimSettings{Graph: ER, K: 2, D: d, N: 400, Noise: Laplace, Unequal: true})
		order := rng.Perm(d)
		W, loss, err := FitOrder(sim.X, order)
		if err != nil {
			t.Fatal(err)
		}
		Xc := mat.DenseCopyOf(sim.X)
		centre(Xc)
		for k := 1; k < d; k++ {
			w := olsQR(Xc, order[k], order[:k])
			for a, p := range order[:k] {
				if e := math.Abs(W.At(p, order[k]) - w[a]); e > 1e-8*math.Max(1, math.Abs(w[a])) {
					t.Errorf("d=%d node %d parent %d: %g vs QR %g", d, order[k], p, W.At(p, order[k]), w[a])
				}
			}
		}
		// entries outside the order's allowed set are zero
		pos := make([]int, d)
		for k, v := range order {
			pos[v] = k
		}
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				if pos[i] >= pos[j] && W.At(i, j) != 0 {
					t.Errorf("forbidden entry (%d,%d) = %g", i, j, W.At(i, j))
				}
			}
		}
		// RefitDAG on the complete DAG of the order gives the same fit.
		full := mat.NewDense(d, d, nil)
		for a := 0; a < d; a++ {
			for b := a + 1; b < d; b++ {
				full.Set(order[a], order[b], 1)
			}
		}
		W2, loss2, err := RefitDAG(sim.X, full)
		if err != nil {
			t.Fatal(err)
		}
		var diff mat.Dense
		diff.Sub(W, W2)
		if mat.Norm(&diff, math.Inf(1)) > 1e-8 || math.Abs(loss-loss2) > 1e-10*loss {
			t.Errorf("d=%d: RefitDAG differs from FitOrder (loss %g vs %g)", d, loss2, loss)
		}
		var R mat.Dense
		R.Mul(Xc, W)
		R.Sub(Xc, &R)
		n, _ := Xc.Dims()
		direct := 0.5 / float64(n) * math.Pow(mat.Norm(&R, 2), 2)
		if math.Abs(loss-direct) > 1e-10*direct {
			t.Errorf("d=%d: loss %g, direct ‖X−XW‖²/2n %g", d, loss, direct)
		}
	}
}

// Scoring a swap by refitting only the affected positions gives the same
// loss as a full refit of the swapped order.
func TestSwapLossEqualsFullRefit(t *testing.T) {
	rng := rand.New(rand.NewPCG(32, 0))
	d := 9
	sim := Simulate(rng, SimSettings{Graph: ER, K: 2, D: d, N: 300})
	C := Covariance(sim.X)
	tw := newTopoWork(C.RawMatrix().Data, d)
	order := rng.Perm(d)
	if _, err := tw.setOrder(order); err != nil {
		t.Fatal(err)
	}
	for a := 0; a < d; a++ {
		for b := a + 1; b < d; b++ {
			got := tw.swapLoss(a, b)
			sw := append([]int(nil), order...)
			sw[a], sw[b] = sw[b], sw[a]
			_, want, err := FitOrder(sim.X, sw)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-12*want {
				t.Errorf("swap (%d,%d): %g vs full refit %g", a, b, got, want)
			}
		}
	}
}

// The candidate sets follow find_idx_set_updated: forbidden off-diagonal
// pairs with G_h at most the size-th smallest value, ties included.
func TestCandidates(t *testing.T) {
	d := 6
	tw := newTopoWork(make([]float64, d*d), d)
	order := []int{3, 1, 5, 0, 2, 4}
	copy(tw.order, order)
	for k, v := range order {
		tw.pos[v] = k
	}
	// W = 0: G_h = I, all 15 forbidden pairs tie at 0 → both sets hold all.
	ys, yl := tw.candidates(mat.NewDense(d, d, nil), 3, 7)
	if len(ys) != 15 || len(yl) != 15 {
		t.Errorf("ties: |Y_small| = %d, |Y_large| = %d, want 15, 15", len(ys), len(yl))
	}
	// A chain along the order makes G_h[i,j] = product of |w| on the walk j ⇝ i.
	W := mat.NewDense(d, d, nil)
	ws := []float64{0.5, 0.9, 0.2, 0.7, 0.4}
	for k := 0; k+1 < d; k++ {
		W.Set(order[k], order[k+1], ws[k])
	}
	ys, yl = tw.candidates(W, 3, 7)
	gh := func(i, j int) float64 { // walk weight from j to i along the chain
		p := 1.0
		for k := tw.pos[j]; k < tw.pos[i]; k++ {
			p *= ws[k]
		}
		return p
	}
	var vals []float64
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if tw.pos[i] > tw.pos[j] {
				vals = append(vals, gh(i, j))
			}
		}
	}
	for _, set := range []struct {
		y    []swapPair
		size int
	}{{ys, 3}, {yl, 7}} {
		if len(set.y) != set.size {
			t.Errorf("|Y| = %d, want %d (no ties here)", len(set.y), set.size)
		}
		thr := 0.0
		for _, p := range set.y {
			if tw.pos[p.i] <= tw.pos[p.j] {
				t.Errorf("pair %v is not forbidden", p)
			}
			thr = math.Max(thr, gh(p.i, p.j))
		}
		below := 0
		for _, v := range vals {
			if v <= thr*(1+1e-12) {
				below++
			}
		}
		if below != set.size {
			t.Errorf("set is not the %d smallest G_h values", set.size)
		}
	}
}

// Must show: ER2, d = 20, n = 1000, Gaussian equal variance, random initial
// order: SHD = 0 on at least 4 of 5 seeds.
func TestTOPORecoversER2(t *testing.T) {
	ok := 0
	for seed := uint64(1); seed <= 5; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0))
		sim := Simulate(rng, SimSettings{Graph: ER, K: 2, D: 20, N: 1000})
		init := rng.Perm(20)
		res, err := TOPO(context.Background(), sim.X, init, TopoSettings{})
		if err != nil {
			t.Fatal(err)
		}
		_, l0, _ := FitOrder(sim.X, init)
		if res.Score >= l0 {
			t.Errorf("seed %d: final loss %g not below the initial %g", seed, res.Score, l0)
		}
		if !IsDAG(res.B) {
			t.Errorf("seed %d: not acyclic", seed)
		}
		m := CountAccuracy(sim.W, res.B)
		if m.SHD == 0 {
			ok++
		}
		t.Logf("seed %d: SHD %d TPR %.3f loss %.4f iterations %d", seed, m.SHD, m.TPR, res.Score, res.Iterations)
	}
	if ok < 4 {
		t.Errorf("SHD = 0 on %d of 5 seeds, want ≥ 4", ok)
	}
}

// Must show: TOPO as post-processing never ends with a worse score than the
// DAG it starts from (least-squares refit on that DAG's own edges).
func TestTOPOPostProcessingNeverWorse(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		rng := rand.New(rand.NewPCG(seed, 1))
		sim := Simulate(rng, SimSettings{Graph: ER, K: 2, D: 10, N: 500, Unequal: true})
		start, err := Fit(context.Background(), sim.X, DAGMA, Settings{WarmIter: 5000, MaxIter: 10000})
		if err != nil {
			t.Fatal(err)
		}
		_, l0, err := RefitDAG(sim.X, start.B)
		if err != nil {
			t.Fatal(err)
		}
		res, err := TOPOFromDAG(context.Background(), sim.X, start.B, TopoSettings{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Score > l0 {
			t.Errorf("seed %d: TOPO loss %g > starting DAG's %g", seed, res.Score, l0)
		}
	}
}

func TestTOPOSingular(t *testing.T) {
	X := mat.NewDense(4, 3, []float64{1, 2, 3, 2, 4, 1, 3, 6, 0, 4, 8, 2}) // col 1 = 2·col 0
	if _, err := TOPO(context.Background(), X, []int{0, 1, 2}, TopoSettings{}); err == nil {
		t.Error("collinear data accepted")
	}
}
