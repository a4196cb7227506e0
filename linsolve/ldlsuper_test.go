package linsolve

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// TestLDLSupernodalMatchesSimplicial: both kernels compute the same pivots
// (same order, no pivoting) up to rounding, the same inertia and errors,
// and solve to the same accuracy.
func TestLDLSupernodalMatchesSimplicial(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	var cases []*sparse.CSR
	for trial := 0; trial < 25; trial++ {
		n := 1 + rng.IntN(250)
		a := randomSym(rng, n, 1+10*rng.Float64(), true)
		raw := a.RawMatrix()
		for i := 0; i < n; i++ {
			for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
				if raw.Ind[k] == i && rng.IntN(2) == 0 {
					raw.Data[k] = -raw.Data[k]
				}
			}
		}
		cases = append(cases, a)
	}
	cases = append(cases, matrix.Poisson3D(10, 10, 10), matrix.Poisson2D(30, 30))
	nRandom := len(cases)
	if os.Getenv("KKT_DATA") != "" {
		for _, name := range []string{"CmRELOAD", "AGG", "ZAMB2m10"} {
			a, err := cutestKKT(name, 1, 1e-8)
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, a)
		}
	}
	for ci, a := range cases {
		n, _ := a.Dims()
		s, err := AnalyzeSymmetric(a, SymbolicSettings{})
		if err != nil {
			t.Fatal(err)
		}
		fs, errS := s.LDL(a, LDLSettings{Method: LDLSimplicial})
		fn, errN := s.LDL(a, LDLSettings{Method: LDLSupernodal})
		if (errS == nil) != (errN == nil) {
			t.Fatalf("case %d: simplicial err %v, supernodal err %v", ci, errS, errN)
		}
		ps, qs, zs := fs.Inertia()
		pn, qn, zn := fn.Inertia()
		if ps != pn || qs != qn || zs != zn {
			t.Errorf("case %d: inertia simplicial (%d,%d,%d), supernodal (%d,%d,%d)", ci, ps, qs, zs, pn, qn, zn)
		}
		// dₖ is a sum of terms of size up to ‖A‖max times the growth, in a
		// different order in each kernel. The diagonally dominant and
		// Poisson cases have no growth: compare pivots on the scale
		// max(|dₖ|, ‖A‖max). The CUTEst KKT cases (δc = 1e-8) have growth
		// up to ~1e8 and pivots that are cancellations (AGG differs by
		// 5e-9 on that scale): for them only inertia and backward error
		// are compared.
		kktCase := ci >= nRandom
		var amax float64
		for _, v := range a.RawMatrix().Data {
			amax = math.Max(amax, math.Abs(v))
		}
		var dmax float64
		for k := range fs.D() {
			d1, d2 := fs.D()[k], fn.D()[k]
			dmax = math.Max(dmax, math.Abs(d1-d2)/math.Max(math.Abs(d1), amax))
		}
		if dmax > 1e-12 && !kktCase {
			t.Errorf("case %d (n=%d): pivots differ by %.3g (relative to max(|dₖ|, ‖A‖max))", ci, n, dmax)
		}
		if errS != nil {
			continue
		}
		b := randVec(rng, n)
		x, err := fn.Solve(nil, b)
		if err != nil {
			t.Fatalf("case %d: %v", ci, err)
		}
		if be := backwardError(a, x, b); be > 4*eps {
			t.Errorf("case %d (n=%d): supernodal backward error %.3g", ci, n, be)
		}
	}
	// Singular: the zero pivot is reported by both.
	dok := sparse.NewDOK(3, 3)
	for _, e := range [][3]float64{{0, 0, 1}, {0, 1, 1}, {1, 0, 1}, {1, 1, 1}, {2, 2, 1}} {
		dok.Set(int(e[0]), int(e[1]), e[2])
	}
	a := dok.ToCSR()
	s, _ := AnalyzeSymmetric(a, SymbolicSettings{Ordering: OrderNatural})
	if _, err := s.LDL(a, LDLSettings{Method: LDLSupernodal}); !errors.Is(err, ErrSingular) {
		t.Errorf("supernodal on a singular matrix: err = %v", err)
	}
	// Refactor allocates nothing.
	p := matrix.Poisson3D(8, 8, 8)
	sp, _ := AnalyzeSymmetric(p, SymbolicSettings{})
	fp, err := sp.LDL(p, LDLSettings{Method: LDLSupernodal})
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(5, func() { _ = fp.Refactor(p) }); n != 0 {
		t.Errorf("supernodal LDL Refactor allocates %v times", n)
	}
}
