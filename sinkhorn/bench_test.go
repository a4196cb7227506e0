package sinkhorn

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kkt-go/kkt/solver"
)

// BenchmarkSinkhornIteration times one log-domain Sinkhorn iteration (two
// half-steps, 2nm exponentials) on the paper's random case at η = 1200.
func BenchmarkSinkhornIteration(b *testing.B) {
	for _, n := range []int{250, 500, 1000, 2000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			a, c := randomUniform(n, 1)
			s := Settings{Eta: 1200}
			p, _, _, _ := validate(a, a, c, &s)
			e := newEngine(p)
			defer e.close()
			x, y := make([]float64, n), make([]float64, n)
			sx, xn := make([]float64, n), make([]float64, n)
			for range 5 { // move to a typical iterate
				e.halfX(x, y, sx, xn)
				x, xn = xn, x
				e.halfY(x, y, sx, xn)
				y, xn = xn, y
			}
			b.ResetTimer()
			for b.Loop() {
				e.halfX(x, y, sx, xn)
				e.halfY(x, y, sx, xn)
			}
		})
	}
}

// BenchmarkNewtonStep times SNS Newton steps: the run is N₁ = 20 Sinkhorn
// iterations plus 5 Newton steps; the Newton part is reported per step.
func BenchmarkNewtonStep(b *testing.B) {
	for _, n := range []int{250, 500, 1000, 2000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			a, c := randomUniform(n, 1)
			var per float64
			for b.Loop() {
				r, err := SNS(context.Background(), a, a, c, SNSSettings{Settings: Settings{Eta: 1200, Tol: 1e-300, MaxIter: 25, History: true}})
				if err != nil {
					b.Fatal(err)
				}
				h := r.History
				per += (h[len(h)-1].Time - h[20].Time) / float64(r.NewtonIterations)
			}
			b.ReportMetric(per/float64(b.N)*1e3, "ms/newton-step")
		})
	}
}

// BenchmarkSNSRandom500 is the paper's random case end to end (to 1e-12).
func BenchmarkSNSRandom500(b *testing.B) {
	a, c := randomUniform(500, 1)
	for b.Loop() {
		r, err := SNS(context.Background(), a, a, c, SNSSettings{Settings: Settings{Eta: 1200, Tol: 1e-12}})
		if err != nil || r.Status != Converged {
			b.Fatal(err, r.Status)
		}
	}
}

// BenchmarkEMD times the network simplex on point clouds (squared
// Euclidean scaled to max 1, random weights) and on an MNIST pair (zero
// pixels removed by EMD) when KKT_DATA is set.
func BenchmarkEMD(b *testing.B) {
	for _, n := range []int{500, 1000, 2000} {
		b.Run(fmt.Sprintf("points/n=%d", n), func(b *testing.B) {
			a, w, c := pointCloud(n, uint64(n))
			for b.Loop() {
				r, err := EMD(context.Background(), a, w, c, EMDSettings{})
				if err != nil || r.Status != solver.Converged {
					b.Fatal(err, r.Status)
				}
			}
		})
	}
	dir := os.Getenv("KKT_DATA")
	f, err := os.Open(filepath.Join(dir, "mnist", "t10k-images-idx3-ubyte.gz"))
	if dir == "" || err != nil {
		return
	}
	defer f.Close()
	imgs, h, w, err := ReadIDXImages(f, "mnist")
	if err != nil {
		b.Fatal(err)
	}
	a, _ := ImageMeasure(imgs[0], 0)
	bb, _ := ImageMeasure(imgs[1], 0)
	c := CostMatrix(Grid(h, w), Grid(h, w), SqEuclidean, 0)
	b.Run("mnist0-1", func(b *testing.B) {
		for b.Loop() {
			if _, err := EMD(context.Background(), a, bb, c, EMDSettings{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPermutation compares the Hungarian solver with EMD on the
// assignment case (U[0,1] costs, uniform weights of equal size).
func BenchmarkPermutation(b *testing.B) {
	for _, n := range []int{200, 500} {
		a, c := randomUniform(n, 3)
		b.Run(fmt.Sprintf("hungarian/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				Assignment(c)
			}
		})
		b.Run(fmt.Sprintf("emd/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := EMD(context.Background(), a, a, c, EMDSettings{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
