package sketch

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

var benchKinds = []Kind{KindGaussian, KindRademacher, KindSparseSign, KindCountSketch, KindSRHT, KindUniform}

// sparseRows returns an m×n CSR matrix with nzr random nonzeros per row.
func sparseRows(m, n, nzr int, rng *rand.Rand) *sparse.CSR {
	ptr := make([]int, m+1)
	ind := make([]int, 0, m*nzr)
	val := make([]float64, 0, m*nzr)
	for i := 0; i < m; i++ {
		for t := 0; t < nzr; t++ {
			ind = append(ind, rng.IntN(n))
			val = append(val, rng.NormFloat64())
		}
		ptr[i+1] = len(ind)
	}
	return sparse.NewCSR(m, n, ptr, ind, val)
}

// BenchmarkSketchDense applies each sketch (s = 2n) to an m×n dense matrix.
func BenchmarkSketchDense(b *testing.B) {
	for _, sz := range [][2]int{{100000, 100}, {20000, 200}} {
		m, n := sz[0], sz[1]
		rng := newRNG(1)
		a := mat.NewDense(m, n, nil)
		for i := range a.RawMatrix().Data {
			a.RawMatrix().Data[i] = rng.NormFloat64()
		}
		for _, kind := range benchKinds {
			s := 2 * n
			sk := New(kind, s, m, rng)
			dst := mat.NewDense(s, n, nil)
			b.Run(fmt.Sprintf("%v/m=%d/n=%d/s=%d", kind, m, n, s), func(b *testing.B) {
				for b.Loop() {
					sk.MulDense(dst, a)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(m*n), "ns/entry")
			})
		}
	}
}

// BenchmarkSketchCSR applies each sketch (s = 2n) to a CSR matrix with 10⁶
// nonzeros (100000×100, 10 per row) and reports the time per nonzero.
func BenchmarkSketchCSR(b *testing.B) {
	for _, sz := range [][3]int{{100000, 100, 10}} {
		m, n, nzr := sz[0], sz[1], sz[2]
		rng := newRNG(2)
		a := sparseRows(m, n, nzr, rng)
		for _, kind := range benchKinds {
			s := 2 * n
			sk := New(kind, s, m, rng)
			dst := mat.NewDense(s, n, nil)
			b.Run(fmt.Sprintf("%v/m=%d/n=%d/nnz=%d/s=%d", kind, m, n, m*nzr, s), func(b *testing.B) {
				for b.Loop() {
					sk.MulCSR(dst, a)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(m*nzr), "ns/nnz")
			})
		}
	}
}

// BenchmarkSRHTApply shows the O(m log m) cost of the SRHT on a vector:
// ns/(m'·log₂m') stays flat as m grows.
func BenchmarkSRHTApply(b *testing.B) {
	for _, lg := range []int{10, 12, 14, 16, 18, 20} {
		m := 1 << lg
		rng := newRNG(3)
		sk := NewSRHT(64, m, rng)
		x := make([]float64, m)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		y := make([]float64, 64)
		b.Run(fmt.Sprintf("m=%d", m), func(b *testing.B) {
			for b.Loop() {
				sk.Apply(y, x)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(m*lg), "ns/(m·log₂m)")
		})
	}
}

// BenchmarkLeastSquares: sketch-and-precondition LSQR against plain LSQR
// and dense Householder QR (gonum) on the 20000×200, κ = 1e8 problem.
func BenchmarkLeastSquares(b *testing.B) {
	a, rhs, _ := IllConditioned(20000, 200, 1e8, 1e-2, newRNG(1))
	ctx := context.Background()
	for _, kind := range []Kind{KindSparseSign, KindSRHT, KindCountSketch, KindGaussian} {
		b.Run("sketch-precond/"+kind.String(), func(b *testing.B) {
			for b.Loop() {
				LeastSquares(ctx, a, rhs, LSSettings{Kind: kind, Tol: 1e-11})
			}
		})
	}
	b.Run("plain-LSQR-500its", func(b *testing.B) {
		for b.Loop() {
			LeastSquares(ctx, a, rhs, LSSettings{NoPrecondition: true, Tol: 1e-11, MaxIter: 500})
		}
	})
	b.Run("dense-QR", func(b *testing.B) {
		bm := mat.NewDense(20000, 1, rhs)
		for b.Loop() {
			var qr mat.QR
			qr.Factorize(a)
			var x mat.Dense
			qr.SolveTo(&x, false, bm)
		}
	})
}

// BenchmarkSolverStep: the cost of one step of each randomized solver on a
// sparse 2-D Poisson matrix (n = 10⁴) with residual tracking.
func BenchmarkSolverStep(b *testing.B) {
	a := matrix.Poisson2D(100, 100)
	n, _ := a.Dims()
	rhs := make([]float64, n)
	for i := range rhs {
		rhs[i] = 1
	}
	mk := map[string]func() (*Solver, error){
		"Kaczmarz":          func() (*Solver, error) { return NewKaczmarz(a, rhs, RowNorm, Settings{}) },
		"BlockKaczmarz8":    func() (*Solver, error) { return NewBlockKaczmarz(a, rhs, 8, Settings{}) },
		"CoordinateDescent": func() (*Solver, error) { return NewCoordinateDescent(a, rhs, Settings{}) },
		"GaussianKaczmarz":  func() (*Solver, error) { return NewGaussianKaczmarz(a, rhs, Settings{}) },
	}
	for _, name := range []string{"Kaczmarz", "BlockKaczmarz8", "CoordinateDescent", "GaussianKaczmarz"} {
		s, err := mk[name]()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Step()
			}
		})
	}
}
