package linsolve

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// BenchmarkLU times the sparse LU on 2-D convection–diffusion (mesh Péclet
// number 0.5) and on a random sparse nonsymmetric matrix: the first
// factorisation (ordering + pivoting numeric factorisation), Refactor on the
// same pattern, and one Solve with refinement. The SciPy peer (SuperLU via
// spsolve/splu) is linsolve/testdata/lu_vs_scipy.sh; see docs/benchmarks.md.
//
// The convection–diffusion matrices take the symmetric-structure path; the
// "pivoting" variants force the Gilbert–Peierls path on the same matrix, and
// the random matrices (pattern symmetry ≈ 0) always take it.
func BenchmarkLU(b *testing.B) {
	for _, nx := range []int{64, 256, 512} {
		a := matrix.ConvectionDiffusion2D(nx, 0.5)
		benchLU(b, fmt.Sprintf("convdiff-%d", nx), a, LUSettings{})
		if nx <= 256 {
			benchLU(b, fmt.Sprintf("convdiff-%d-pivoting", nx), a, LUSettings{Ordering: LUOrderAMD, NoSymmetricPath: true})
		}
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{10000} {
		a := randSparse(rng, n, 3/float64(n), 1)
		benchLU(b, fmt.Sprintf("random-%d", n), a, LUSettings{})
	}
}

func benchLU(b *testing.B, name string, a *sparse.CSR, set LUSettings) {
	var f *LU
	b.Run(name+"/factor", func(b *testing.B) {
		for range b.N {
			var err error
			f, err = FactorLU(a, set)
			if err != nil {
				b.Fatal(err)
			}
		}
		st := f.Stats()
		b.ReportMetric(float64(st.NNZL+st.NNZU-st.N), "nnz(L+U)")
	})
	if f == nil {
		return
	}
	b.Run(name+"/refactor", func(b *testing.B) {
		for range b.N {
			if err := f.Refactor(a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run(name+"/solve", func(b *testing.B) {
		rhs := ones(matrix.NewCSR(a))
		x := make([]float64, len(rhs))
		for range b.N {
			if _, err := f.Solve(x, rhs); err != nil {
				b.Fatal(err)
			}
		}
	})
}
