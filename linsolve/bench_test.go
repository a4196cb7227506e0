package linsolve

import (
	"context"
	"fmt"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// BenchmarkCGPoisson2D times CG on the 2-D Poisson matrix (nx = ny, b = A·1,
// x₀ = 0, RTol 1e-8) with a serial and a parallel (all GOMAXPROCS workers)
// product. The peer is linsolve/testdata/scipy_cg.py; see
// docs/benchmarks.md, "CG on 2-D Poisson vs SciPy".
func BenchmarkCGPoisson2D(b *testing.B) {
	for _, nx := range []int{100, 316, 1000} {
		var a *sparse.CSR
		for _, workers := range []int{0, 1, -1} {
			name := fmt.Sprintf("n=%d/kernel=operator", nx*nx)
			switch workers {
			case 1:
				name = fmt.Sprintf("n=%d/kernel=fused", nx*nx)
			case -1:
				name = fmt.Sprintf("n=%d/kernel=fused-parallel", nx*nx)
			}
			b.Run(name, func(b *testing.B) {
				if a == nil {
					a = matrix.Poisson2D(nx, nx)
				}
				op := matrix.NewCSR(a)
				rhs := ones(op)
				b.ResetTimer()
				var it int
				for range b.N {
					res, err := CG(context.Background(), op, rhs, Settings{RTol: 1e-8, Workers: workers})
					if err != nil || res.Status != Converged {
						b.Fatal(err, res.Status)
					}
					it = res.Iterations
				}
				b.ReportMetric(float64(it), "iterations")
			})
		}
	}
}
