package bilevelrepro

import (
	"bytes"
	"compress/gzip"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
)

func idxBytes(dims []int, data []byte, gz bool) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		b.Write([]byte{byte(d >> 24), byte(d >> 16), byte(d >> 8), byte(d)})
	}
	b.Write(data)
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(b.Bytes())
	w.Close()
	return z.Bytes()
}

func TestReadIDX(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dims, data, err := ReadIDX(bytes.NewReader(idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6}, gz)), "x.idx")
		if err != nil || len(dims) != 2 || dims[1] != 3 || len(data) != 6 || data[5] != 6 {
			t.Fatalf("gz=%v: %v %v %v", gz, dims, data, err)
		}
	}
	for name, in := range map[string][]byte{
		"short data": idxBytes([]int{2, 3}, []byte{1, 2}, false),
		"bad magic":  {1, 0, 8, 1, 0, 0, 0, 1, 7},
		"float type": {0, 0, 0x0d, 1, 0, 0, 0, 1, 7},
		"zero dims":  {0, 0, 8, 0},
		"empty":      {},
		"zero size":  idxBytes([]int{0}, nil, false),
	} {
		if _, _, err := ReadIDX(bytes.NewReader(in), "bad.idx"); err == nil || !strings.Contains(err.Error(), "bad.idx") {
			t.Errorf("%s: error %v (must name the file)", name, err)
		}
	}
}

// FuzzReadIDX: no input panics, and an accepted file's bytes match its
// dimensions. (ReadIDX reads only the bytes present, so the fuzzer needs no
// lowered memory budget.)
func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6}, false))
	f.Add(idxBytes([]int{1, 2, 2}, []byte{1, 2, 3, 4}, true))
	f.Add([]byte{0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		dims, data, err := ReadIDX(bytes.NewReader(b), "fuzz.idx")
		if err != nil {
			return
		}
		n := 1
		for _, d := range dims {
			n *= d
		}
		if n != len(data) {
			t.Fatalf("dims %v but %d bytes", dims, len(data))
		}
	})
}

// FlagScores against counts done by hand: six samples, three corrupted.
func TestFlagScores(t *testing.T) {
	corrupted := []bool{true, true, true, false, false, false}
	c0 := []float64{0, 0, 0, 0, 0, 0}
	// decreases 3, 1, 0 (not flagged), 2, 0, −1
	c := []float64{-3, -1, 0, -2, 0, 1}
	f1, auc, frac := FlagScores(corrupted, c0, c)
	// flagged: 0, 1 (corrupted), 3 (clean): tp 2, fp 1, fn 1 → F1 4/6
	if math.Abs(f1-4.0/6) > 1e-15 || math.Abs(frac-0.5) > 1e-15 {
		t.Errorf("F1 %v frac %v, want 2/3 and 1/2", f1, frac)
	}
	// pairs (corrupted decrease vs clean decrease): 3 beats 2, 0, −1; 1 loses
	// to 2, beats 0, −1; 0 loses to 2, ties 0, beats −1 → 3 + 2 + 1.5 = 6.5 of 9
	if math.Abs(auc-6.5/9) > 1e-15 {
		t.Errorf("AUC %v, want 6.5/9", auc)
	}
	if got := RandomF1(0.4, 1); math.Abs(got-0.8/1.4) > 1e-15 {
		t.Errorf("RandomF1(0.4, 1) = %v, want 0.571…", got)
	}
}

// The cleaning task on generated data: a few penalty iterations run, the
// flags are scored and the labels of exactly 40 % of the samples flipped.
func TestCleaningGenerated(t *testing.T) {
	o, err := RunData(context.Background(), Config{Problem: "cleaning", Method: "penalty", Seed: 3, Seeds: 1, Iters: 3}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(o.Data, "synthetic") || o.F1 == nil || o.AUC == nil || o.RandomF1 == nil || o.Iterations != 3 {
		t.Fatalf("%+v", o)
	}
	if *o.F1 < 0 || *o.F1 > 1 || *o.AUC < 0 || *o.AUC > 1 {
		t.Errorf("F1 %v AUC %v out of [0, 1]", *o.F1, *o.AUC)
	}
	if _, err := RunData(context.Background(), Config{Problem: "svm", Method: "aid", Seeds: 1}, false, nil); err == nil {
		t.Error("aid on svm: no error")
	}
}

func TestLoadMNIST(t *testing.T) {
	dir := kktdata.Require(t, "mnist")
	ds, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, c := ds.A.Dims()
	if r != 10000 || c != 784 || len(ds.Labels) != r {
		t.Fatalf("%d×%d, %d labels", r, c, len(ds.Labels))
	}
	pos := 0
	for i, y := range ds.Labels {
		if y == 1 {
			pos++
		} else if y != -1 {
			t.Fatalf("label %d is %v", i, y)
		}
	}
	// MNIST t10k has 892, 958, 1028, 974 and 1009 images of the digits 5–9
	if pos != 4861 {
		t.Errorf("%d positive labels, want 4861", pos)
	}
}

// The penalty method's stopping rule on the data tasks: a tolerance every
// iteration meets stops the run at iteration 80, where the test starts
// (Converged); an unreachable one runs to the cap. The diagnostics (β over its bound, first and last
// gradient-mapping estimate) are reported; the default cap is 5000.
func TestCleaningPenaltyTol(t *testing.T) {
	if got := DataOptions(Config{Problem: "cleaning", Method: "penalty", Tol: 1e-2}); got.Tol != 1e-2 || got.Iters != 5000 {
		t.Errorf("DataOptions: tol %v cap %d, want 0.01 and 5000", got.Tol, got.Iters)
	}
	if got := DataOptions(Config{Problem: "cleaning", Method: "lvhba", Tol: 1e-2}); got.Tol != 0 {
		t.Errorf("DataOptions: LV-HBA got tol %v", got.Tol)
	}
	for _, c := range []struct {
		tol        float64
		cap, iters int
		status     string
	}{{1e9, 100, 80, "Converged"}, {1e-12, 4, 4, "MaxIterations"}} {
		o, err := RunData(context.Background(), Config{Problem: "cleaning", Method: "penalty", Seed: 3, Seeds: 1, Iters: c.cap, Tol: c.tol}, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != c.status || o.Iterations != c.iters || len(o.PerSeedIter) != 1 || o.PerSeedIter[0] != c.iters {
			t.Errorf("tol %g: %s after %d iterations (%v), want %s after %d", c.tol, o.Status, o.Iterations, o.PerSeedIter, c.status, c.iters)
		}
		if o.BetaRatio == nil || !(*o.BetaRatio > 0) || o.Resid1 == nil || !(*o.Resid1 > 0) || o.ResidK == nil || !(*o.ResidK > 0) {
			t.Errorf("tol %g: diagnostics missing: %v %v %v", c.tol, o.BetaRatio, o.Resid1, o.ResidK)
		}
	}
}
