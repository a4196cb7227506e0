package linsolve

import (
	"errors"
	"math"
	"testing"

	"github.com/james-bowman/sparse"
)

// FuzzLU builds a square sparse matrix from the fuzz input (order, then
// (row, column, value) triples) and checks that FactorLU and Solve never
// panic, that failures are the documented errors, and that a successful
// solve is finite and, when the matrix is reasonably conditioned, accurate.
// Run with: go test ./linsolve -run '^$' -fuzz FuzzLU -fuzztime 30s
func FuzzLU(f *testing.F) {
	f.Add([]byte{3, 0, 0, 10, 1, 1, 20, 2, 2, 30, 0, 2, 5})
	f.Add([]byte{4, 0, 1, 1, 1, 0, 1, 2, 3, 7, 3, 2, 9, 1, 1, 0})
	f.Add([]byte{2, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1})
	f.Add([]byte{5, 0, 0, 200, 1, 2, 3, 4, 4, 255, 3, 3, 128, 2, 1, 77, 1, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		n := int(data[0])%24 + 1
		data = data[1:]
		dense := make([]float64, n*n)
		set := make([]bool, n*n)
		for len(data) >= 3 {
			i, j := int(data[0])%n, int(data[1])%n
			v := (float64(data[2]) - 128) / 16
			dense[i*n+j] += v
			set[i*n+j] = true
			data = data[3:]
		}
		ptr := make([]int, n+1)
		var ind []int
		var val []float64
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if set[i*n+j] {
					ind = append(ind, j)
					val = append(val, dense[i*n+j])
				}
			}
			ptr[i+1] = len(ind)
		}
		a := sparse.NewCSR(n, n, ptr, ind, val)
		for _, ord := range []LUOrdering{LUOrderAuto, LUOrderAMD, LUOrderColAMD, LUOrderNatural} {
			lu, err := FactorLU(a, LUSettings{Ordering: ord})
			if err != nil {
				if !errors.Is(err, ErrSingular) && !errors.Is(err, ErrStructurallySingular) {
					t.Fatalf("%v: unexpected error %v", ord, err)
				}
				continue
			}
			b := make([]float64, n)
			for i := range b {
				b[i] = float64(i%3) - 1
			}
			x, err := lu.Solve(nil, b)
			if err != nil {
				if !errors.Is(err, ErrSingular) {
					t.Fatalf("%v: Solve error %v", ord, err)
				}
				continue
			}
			for _, v := range x {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%v: non-finite solution without error", ord)
				}
			}
			if c := lu.Condest(); c < 1e6 {
				var bn float64
				for _, v := range b {
					bn = max(bn, math.Abs(v))
				}
				r := make([]float64, n)
				rn := lu.residual(r, x, b, false)
				if rn > 1e-9*(lu.anormInf*luNormInf(x)+bn) {
					t.Fatalf("%v: cond %.3g but ‖b−Ax‖∞ = %.3g (‖x‖∞ %.3g)", ord, c, rn, luNormInf(x))
				}
			}
		}
	})
}
