package linsolve

import (
	"errors"
	"math"
	"testing"

	"github.com/james-bowman/sparse"
)

// TestSweeper: the fused SORStep gives the sweep of Forward and the true
// residual (up to rounding); a matrix with unsorted rows and a duplicated
// diagonal entry sweeps as its canonical form (duplicates summed); bad
// matrices are errors.
func TestSweeper(t *testing.T) {
	a := diagDominant(50, 4, true, 3)
	n := 50
	b := make([]float64, n)
	for i := range b {
		b[i] = math.Sin(float64(i))
	}
	w, err := NewSweeper(a)
	if err != nil {
		t.Fatal(err)
	}
	x1, x2 := make([]float64, n), make([]float64, n)
	r1, r2 := make([]float64, n), make([]float64, n)
	for it := 0; it < 5; it++ {
		n1 := w.SORStep(x1, b, r1, 1.4)
		w.Forward(x2, b, 1.4)
		n2 := w.Residual(r2, b, x2)
		if e := relDiff(x1, x2); e > 1e-14 {
			t.Fatalf("step %d: SORStep and Forward differ by %g", it, e)
		}
		if e := relDiff(r1, r2); e > 1e-10 || math.Abs(n1-n2) > 1e-10*n2 {
			t.Fatalf("step %d: fused residual off by %g (norms %g, %g)", it, e, n1, n2)
		}
	}
	// The same matrix with every row reversed and a_00 split in two.
	raw := a.RawMatrix()
	var ptr, ind []int
	var val []float64
	ptr = append(ptr, 0)
	for i := 0; i < n; i++ {
		for k := raw.Indptr[i+1] - 1; k >= raw.Indptr[i]; k-- {
			v := raw.Data[k]
			if i == 0 && raw.Ind[k] == 0 {
				ind, val = append(ind, 0), append(val, v/2)
				v /= 2
			}
			ind, val = append(ind, raw.Ind[k]), append(val, v)
		}
		ptr = append(ptr, len(ind))
	}
	u, err := NewSweeper(sparse.NewCSR(n, n, ptr, ind, val))
	if err != nil {
		t.Fatal(err)
	}
	y1, y2 := make([]float64, n), make([]float64, n)
	for it := 0; it < 3; it++ {
		w.Forward(y1, b, 1.1)
		w.Backward(y1, b, 1.1)
		u.Forward(y2, b, 1.1)
		u.Backward(y2, b, 1.1)
	}
	if e := relDiff(y1, y2); e > 1e-12 {
		t.Errorf("unsorted rows with a split diagonal sweep differently: %g", e)
	}
	zero := sparse.NewCSR(2, 2, []int{0, 1, 2}, []int{0, 0}, []float64{1, 1})
	if _, err := NewSweeper(zero); !errors.Is(err, ErrZeroPivot) {
		t.Errorf("missing diagonal: %v", err)
	}
	nan := sparse.NewCSR(2, 2, []int{0, 2, 3}, []int{0, 1, 1}, []float64{1, math.NaN(), 1})
	if _, err := NewSweeper(nan); !errors.Is(err, ErrBadInput) {
		t.Errorf("NaN entry: %v", err)
	}
	rect := sparse.NewCSR(1, 2, []int{0, 1}, []int{0}, []float64{1})
	if _, err := NewSweeper(rect); !errors.Is(err, ErrBadInput) {
		t.Errorf("1×2: %v", err)
	}
}
