package dag

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestCountAccuracy(t *testing.T) {
	// truth: 0→1, 1→2, 0→3 (d = 4)
	truth := mat.NewDense(4, 4, []float64{
		0, 1, 0, 1,
		0, 0, 1, 0,
		0, 0, 0, 0,
		0, 0, 0, 0,
	})
	for _, tc := range []struct {
		name      string
		est       []float64
		shd, nnz  int
		tpr, fdr  float64
		rev, fp   int
		fprDenomN float64
	}{
		{"exact", []float64{0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 3, 1, 0, 0, 0, 3},
		// 1→0 reversed (counts once), 2→3 extra, 0→3 missing
		{"mixed", []float64{0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0}, 3, 3, 1.0 / 3, 2.0 / 3, 1, 1, 3},
		{"empty", make([]float64, 16), 3, 0, 0, 0, 0, 0, 3},
		// both directions of a true edge: one TP + one reversed; skeleton same
		{"twocycle", []float64{0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1, 4, 1, 0.25, 1, 0, 3},
	} {
		m := CountAccuracy(truth, mat.NewDense(4, 4, tc.est))
		if m.SHD != tc.shd || m.NNZ != tc.nnz || m.Reversed != tc.rev || m.FalsePositive != tc.fp ||
			math.Abs(m.TPR-tc.tpr) > 1e-15 || math.Abs(m.FDR-tc.fdr) > 1e-15 ||
			math.Abs(m.FPR-float64(tc.rev+tc.fp)/tc.fprDenomN) > 1e-15 {
			t.Errorf("%s: got %+v", tc.name, m)
		}
	}
}

func TestToDAGAlwaysAcyclic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		d := 2 + rng.IntN(12)
		W := mat.NewDense(d, d, nil)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				W.Set(i, j, 2*rng.Float64()-1)
			}
		}
		B, removed := ToDAG(nil, W, 0.3)
		if !IsDAG(B) {
			t.Fatalf("trial %d: ToDAG returned a cyclic graph", trial)
		}
		th := Threshold(nil, W, 0.3)
		if NumEdges(th)-NumEdges(B) != removed {
			t.Fatalf("removed count %d inconsistent", removed)
		}
		// every kept entry is unchanged and above the threshold
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				if v := B.At(i, j); v != 0 && (v != W.At(i, j) || math.Abs(v) <= 0.3 || i == j) {
					t.Fatalf("entry (%d,%d) changed", i, j)
				}
			}
		}
	}
}

func TestToDAGRemovesWeakestInCycle(t *testing.T) {
	// 0→1 (0.9), 1→2 (0.8), 2→0 (0.5): removing 2→0 suffices.
	W := mat.NewDense(3, 3, []float64{0, 0.9, 0, 0, 0, 0.8, 0.5, 0, 0})
	B, removed := ToDAG(nil, W, 0.3)
	if removed != 1 || B.At(2, 0) != 0 || B.At(0, 1) != 0.9 || B.At(1, 2) != 0.8 {
		t.Fatalf("got %v, removed %d", mat.Formatted(B), removed)
	}
	order, err := TopologicalOrder(B)
	if err != nil || order[0] != 0 || order[1] != 1 || order[2] != 2 {
		t.Fatalf("order %v, %v", order, err)
	}
	if _, err := TopologicalOrder(W); err == nil {
		t.Fatal("cycle not detected")
	}
}
