package linsolve

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// TestLUReport prints the accuracy and fill table of docs/linsolve.md
// ("Sparse LU"): for each matrix, FactorLU with the default settings (or
// those named in the row), a
// Refactor on the same values, Solve and SolveTrans of a random right-hand
// side, the relative residuals ‖b − A·x‖₂/‖b‖₂ after refinement (asserted
// ≤ 1e-12) and Condest. It takes about a minute, so it runs only with
// KKT_LU_REPORT=1:
//
//	KKT_LU_REPORT=1 go test ./linsolve -run TestLUReport -v
func TestLUReport(t *testing.T) {
	if os.Getenv("KKT_LU_REPORT") == "" {
		t.Skip("set KKT_LU_REPORT=1 to print the sparse LU table")
	}
	rng := rand.New(rand.NewPCG(21, 22))
	cases := []struct {
		name string
		a    *sparse.CSR
		set  LUSettings
	}{
		{"conv-diff 64², Pe_h 0.5", matrix.ConvectionDiffusion2D(64, 0.5), LUSettings{}},
		{"conv-diff 70², Pe_h 3 (n = 4900)", matrix.ConvectionDiffusion2D(70, 3), LUSettings{}},
		{"conv-diff 256², Pe_h 0.5", matrix.ConvectionDiffusion2D(256, 0.5), LUSettings{}},
		{"conv-diff 256², Pe_h 0.5, pivoting path", matrix.ConvectionDiffusion2D(256, 0.5), LUSettings{Ordering: LUOrderAMD, NoSymmetricPath: true}},
		{"conv-diff 128², Pe_h 5", matrix.ConvectionDiffusion2D(128, 5), LUSettings{}},
		{"Poisson 2-D 256²", matrix.Poisson2D(256, 256), LUSettings{}},
		{"Poisson 3-D 30³", matrix.Poisson3D(30, 30, 30), LUSettings{}},
		{"random 10⁴, 3/row + diag, amd", randSparse(rng, 10000, 3e-4, 1), LUSettings{Ordering: LUOrderAMD}},
		{"random 10⁴, 3/row + diag, colamd", randSparse(rng, 10000, 3e-4, 1), LUSettings{Ordering: LUOrderColAMD}},
		{"random 2000, 2/row + weak diag 0.05, amd", randSparse(rng, 2000, 1e-3, 0.05), LUSettings{Ordering: LUOrderAMD}},
		{"random 2000, 2/row + weak diag 0.05, amd, u = 1", randSparse(rng, 2000, 1e-3, 0.05), LUSettings{Ordering: LUOrderAMD, PivotTol: 1}},
	}
	fmt.Println("| matrix | n | nnz(A) | path | nnz(L+U) | off-diag pivots | order s | factor s | refactor s | solve s | ‖b−Ax‖/‖b‖ | ‖b−Aᵀx‖/‖b‖ | backward error η | condest |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, c := range cases {
		f, err := FactorLU(c.a, c.set)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		st := f.Stats()
		if err := f.Refactor(c.a); err != nil {
			t.Fatal(err)
		}
		ref := f.Stats().RefactorTime
		n := st.N
		b := luRandVec(rng, n)
		t0 := time.Now()
		x, err := f.Solve(nil, b)
		ts := time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		xt, err := f.SolveTrans(nil, b)
		if err != nil {
			t.Fatal(err)
		}
		r1, r2 := luRelResidual(c.a, x, b, false), luRelResidual(c.a, xt, b, true)
		cond := f.Condest()
		// The normwise backward error η = ‖b − Ax‖/(‖A‖‖x‖ + ‖b‖) (∞-norms)
		// must be at roundoff level whatever the conditioning; the relative
		// residual must be ≤ 1e-12 when κ₁ ≤ 1e6 (for worse conditioned A,
		// ‖A‖‖x‖/‖b‖ is large and the residual of a backward-stable solution
		// with it).
		eta := luBackwardError(f, c.a, x, b)
		if eta > 1e-14 {
			t.Errorf("%s: backward error %.2g", c.name, eta)
		}
		if cond <= 1e6 && (r1 > 1e-12 || r2 > 1e-12) {
			t.Errorf("%s: residuals %.2g %.2g", c.name, r1, r2)
		}
		path := "pivoting"
		if st.SymmetricPath {
			path = "symmetric"
		}
		fmt.Printf("| %s | %d | %d | %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.1e | %.1e | %.1e | %.2g |\n",
			c.name, n, st.NNZA, path, st.NNZL+st.NNZU-n, st.OffDiagPivots, st.OrderTime.Seconds(),
			st.FactorTime.Seconds(), ref.Seconds(), ts.Seconds(), r1, r2, eta, cond)
	}
}

// luBackwardError returns ‖b − A·x‖∞/(‖A‖∞‖x‖∞ + ‖b‖∞).
func luBackwardError(f *LU, a *sparse.CSR, x, b []float64) float64 {
	r := make([]float64, len(b))
	rn := f.residual(r, x, b, false)
	return rn / (f.anormInf*luNormInf(x) + luNormInf(b))
}
