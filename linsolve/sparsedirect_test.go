package linsolve

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

func relResidual(a *sparse.CSR, x, b []float64) float64 {
	r := matrix.MulVec(nil, a, x)
	var rn, bn float64
	for i := range r {
		d := b[i] - r[i]
		rn += d * d
		bn += b[i] * b[i]
	}
	return math.Sqrt(rn / bn)
}

// backwardError returns ‖b − A·x‖∞ / (‖A‖∞·‖x‖∞ + ‖b‖∞).
func backwardError(a *sparse.CSR, x, b []float64) float64 {
	r := matrix.MulVec(nil, a, x)
	var rn, xn, bn float64
	for i := range r {
		rn = math.Max(rn, math.Abs(b[i]-r[i]))
		xn = math.Max(xn, math.Abs(x[i]))
		bn = math.Max(bn, math.Abs(b[i]))
	}
	raw := a.RawMatrix()
	var an float64
	for i := 0; i+1 < len(raw.Indptr); i++ {
		var s float64
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			s += math.Abs(raw.Data[k])
		}
		an = math.Max(an, s)
	}
	return rn / (an*xn + bn)
}

func randVec(rng *rand.Rand, n int) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	return b
}

// eigenInertia counts the eigenvalues of the symmetric matrix a above tol,
// below −tol and in between (dense, for n ≤ 500).
func eigenInertia(t *testing.T, a *sparse.CSR, tol float64) (pos, neg, zero int) {
	n, _ := a.Dims()
	s := mat.NewSymDense(n, nil)
	raw := a.RawMatrix()
	for i := 0; i < n; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			j := raw.Ind[k]
			if j <= i {
				s.SetSym(i, j, s.At(i, j)+raw.Data[k])
			}
		}
	}
	var es mat.EigenSym
	if !es.Factorize(s, false) {
		t.Fatal("EigenSym failed")
	}
	for _, v := range es.Values(nil) {
		switch {
		case v > tol:
			pos++
		case v < -tol:
			neg++
		default:
			zero++
		}
	}
	return
}

func TestCholeskyPoisson(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cases := []struct {
		name string
		a    *sparse.CSR
	}{
		{"poisson2d_30", matrix.Poisson2D(30, 30)},
		{"poisson2d_7x50", matrix.Poisson2D(7, 50)},
		{"poisson3d_12", matrix.Poisson3D(12, 12, 12)},
		{"poisson1d_100", matrix.Poisson1D(100)},
	}
	for _, c := range cases {
		for _, o := range []Ordering{OrderAMD, OrderRCM, OrderNatural} {
			for _, relax := range []bool{true, false} {
				s, err := AnalyzeSymmetric(c.a, SymbolicSettings{Ordering: o, NoRelax: !relax})
				if err != nil {
					t.Fatal(err)
				}
				f, err := s.Cholesky(c.a)
				if err != nil {
					t.Fatalf("%s %v: %v", c.name, o, err)
				}
				n, _ := c.a.Dims()
				b := randVec(rng, n)
				x, err := f.Solve(nil, b)
				if err != nil {
					t.Fatal(err)
				}
				if r := relResidual(c.a, x, b); r > 1e-12 {
					t.Errorf("%s %v relax=%v: relative residual %.3g > 1e-12", c.name, o, relax, r)
				}
			}
		}
	}
}

func TestCholeskyRandomSPD(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 40; trial++ {
		n := 1 + rng.IntN(300)
		a := randomSym(rng, n, 1+8*rng.Float64(), true)
		s, err := AnalyzeSymmetric(a, SymbolicSettings{})
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.Cholesky(a)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		b := randVec(rng, n)
		x, _ := f.Solve(nil, b)
		if r := relResidual(a, x, b); r > 1e-12 {
			t.Errorf("trial %d n=%d: relative residual %.3g", trial, n, r)
		}
	}
}

func TestCholeskyIndefiniteError(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	a := randomSym(rng, 50, 4, false)
	s, _ := AnalyzeSymmetric(a, SymbolicSettings{})
	_, err := s.Cholesky(a)
	if !errors.Is(err, ErrNotPositiveDefinite) {
		t.Fatalf("indefinite matrix: err = %v, want ErrNotPositiveDefinite", err)
	}
	t.Log(err)
}

func TestLDLInertiaAndResidual(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 40; trial++ {
		n := 1 + rng.IntN(300)
		// Diagonally dominant with random diagonal signs: indefinite,
		// factorizable with 1×1 pivots in any order.
		a := randomSym(rng, n, 1+6*rng.Float64(), true)
		raw := a.RawMatrix()
		neg := make([]bool, n)
		for i := range neg {
			neg[i] = rng.IntN(2) == 0
		}
		for i := 0; i < n; i++ {
			for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
				if raw.Ind[k] == i && neg[i] {
					raw.Data[k] = -raw.Data[k]
				}
			}
		}
		s, err := AnalyzeSymmetric(a, SymbolicSettings{})
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.LDL(a, LDLSettings{})
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		p, q, z := f.Inertia()
		ep, eq, ez := eigenInertia(t, a, 1e-10)
		if p != ep || q != eq || z != ez {
			t.Errorf("trial %d n=%d: inertia (%d,%d,%d), eigenvalues (%d,%d,%d)", trial, n, p, q, z, ep, eq, ez)
		}
		b := randVec(rng, n)
		x, err := f.Solve(nil, b)
		if err != nil {
			t.Fatal(err)
		}
		if r := relResidual(a, x, b); r > 1e-12 {
			t.Errorf("trial %d n=%d: relative residual %.3g", trial, n, r)
		}
	}
}

func TestLDLSingular(t *testing.T) {
	// [[1 1],[1 1]] ⊕ I: the second pivot is exactly zero.
	dok := sparse.NewDOK(3, 3)
	dok.Set(0, 0, 1)
	dok.Set(0, 1, 1)
	dok.Set(1, 0, 1)
	dok.Set(1, 1, 1)
	dok.Set(2, 2, 1)
	a := dok.ToCSR()
	s, _ := AnalyzeSymmetric(a, SymbolicSettings{Ordering: OrderNatural})
	f, err := s.LDL(a, LDLSettings{})
	if !errors.Is(err, ErrSingular) {
		t.Fatalf("err = %v, want ErrSingular", err)
	}
	if _, _, z := f.Inertia(); z != 1 {
		t.Errorf("zero pivots %d, want 1", z)
	}
	if _, err := f.Solve(nil, []float64{1, 2, 3}); err == nil {
		t.Error("Solve after a singular factorization returned no error")
	}
	t.Log(err)
}

func TestRefactorAllocs(t *testing.T) {
	a := matrix.Poisson2D(20, 20)
	s, _ := AnalyzeSymmetric(a, SymbolicSettings{})
	f, err := s.Cholesky(a)
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.LDL(a, LDLSettings{})
	if err != nil {
		t.Fatal(err)
	}
	b := randVec(rand.New(rand.NewPCG(1, 1)), 400)
	x := make([]float64, 400)
	if n := testing.AllocsPerRun(5, func() { _ = f.Refactor(a) }); n != 0 {
		t.Errorf("Cholesky Refactor allocates %v times", n)
	}
	if n := testing.AllocsPerRun(5, func() { _ = l.Refactor(a) }); n != 0 {
		t.Errorf("LDL Refactor allocates %v times", n)
	}
	if n := testing.AllocsPerRun(5, func() { _, _ = f.Solve(x, b) }); n != 0 {
		t.Errorf("Cholesky Solve allocates %v times", n)
	}
	if n := testing.AllocsPerRun(5, func() { _, _ = l.Solve(x, b) }); n != 0 {
		t.Errorf("LDL Solve allocates %v times", n)
	}
	// Supernodes large enough for the packed GEMM kernel.
	a3 := matrix.Poisson3D(12, 12, 12)
	s3, _ := AnalyzeSymmetric(a3, SymbolicSettings{})
	f3, err := s3.Cholesky(a3)
	if err != nil {
		t.Fatal(err)
	}
	l3, err := s3.LDL(a3, LDLSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(3, func() { _ = f3.Refactor(a3) }); n != 0 {
		t.Errorf("Cholesky Refactor (3-D) allocates %v times", n)
	}
	if n := testing.AllocsPerRun(3, func() { _ = l3.Refactor(a3) }); n != 0 {
		t.Errorf("LDL Refactor (3-D) allocates %v times", n)
	}
}
