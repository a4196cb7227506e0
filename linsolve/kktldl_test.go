package linsolve

import (
	"errors"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/cutest"
)

// smallCUTEst are constrained CUTEst problems with n+m ≤ 700 whose KKT
// matrices are checked against a dense eigen-decomposition.
var smallCUTEst = []string{"HS21", "HS35", "HS71", "HS76", "HS118", "BT1", "BT12",
	"ACOPP30", "ACOPR14", "CmRELOAD", "FEEDLOC", "ZAMB2m10", "AGG", "EXPFITC", "LOTSCHD", "DALLASS", "SWOPF"}

// TestLDLCUTEstKKT runs the interior-point use of the LDLᵀ factor on KKT
// matrices K = [[H, Jᵀ],[J, 0]] of CUTEst problems (H = ∇²L at x₀, y = 1):
// analyse once, then IPOPT's inertia correction through SetShift
// (δw on the primal block from 1e-4, ×100 then ×8; δc = 1e-8 when a pivot
// is zero) until the inertia is (n, m, 0). Each factorization's inertia is
// compared with the eigenvalue signs of the shifted matrix (dense, n+m ≤ 700),
// and the solve with the final factor must reach a relative residual
// ≤ 1e-12 against the shifted matrix.
func TestLDLCUTEstKKT(t *testing.T) {
	if os.Getenv("KKT_DATA") == "" {
		t.Skip("KKT_DATA not set")
	}
	names := smallCUTEst
	if !testing.Short() {
		names = append(names, largestCUTEst...)
	}
	rng := rand.New(rand.NewPCG(21, 22))
	for _, name := range names {
		p, err := cutest.Load(name, nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		nv, m := p.N(), p.M()
		x := p.X0()
		y := make([]float64, m)
		for i := range y {
			y[i] = 1
		}
		a := kktMatrix(p.HessLag(x, y), p.Jacobian(x), 0, 0)
		n := nv + m
		s, err := AnalyzeSymmetric(a, SymbolicSettings{})
		if err != nil {
			t.Fatal(err)
		}
		shift := make([]float64, n)
		dw, dc := 0.0, 0.0
		var f *LDLFactor
		tries := 0
		for ; tries < 40; tries++ {
			for i := range shift {
				if i < nv {
					shift[i] = dw
				} else {
					shift[i] = -dc
				}
			}
			if f == nil {
				f, err = s.LDL(a, LDLSettings{})
				if f != nil {
					if e := f.SetShift(shift); e != nil {
						t.Fatal(e)
					}
					err = f.Refactor(a)
				}
			} else {
				if e := f.SetShift(shift); e != nil {
					t.Fatal(e)
				}
				err = f.Refactor(a)
			}
			if err != nil && !errors.Is(err, ErrSingular) {
				t.Fatalf("%s: %v", name, err)
			}
			pos, neg, zero := f.Inertia()
			if n <= 700 && err == nil {
				ep, eq, ez := eigenInertia(t, shiftedKKT(a, shift), 0)
				if pos != ep || neg != eq || zero != ez {
					t.Errorf("%s δw=%g δc=%g: inertia (%d,%d,%d), eigenvalues (%d,%d,%d)", name, dw, dc, pos, neg, zero, ep, eq, ez)
				}
			}
			if err == nil && pos == nv && neg == m {
				break
			}
			if zero > 0 && dc == 0 {
				dc = 1e-8
				continue
			}
			switch {
			case dw == 0:
				dw = 1e-4
			case tries < 3:
				dw *= 100
			default:
				dw *= 8
			}
		}
		pos, neg, zero := f.Inertia()
		if pos != nv || neg != m {
			t.Errorf("%s: inertia correction did not reach (%d,%d,0): (%d,%d,%d) at δw=%g", name, nv, m, pos, neg, zero, dw)
			continue
		}
		b := randVec(rng, n)
		xs, err := f.Solve(nil, b)
		if err != nil {
			t.Fatal(err)
		}
		ks := shiftedKKT(a, shift)
		r := relResidual(ks, xs, b)
		be := backwardError(ks, xs, b)
		// The KKT matrices with δc = 1e-8 are nearly singular
		// (‖K‖‖x‖/‖b‖ up to 1e11), so ‖b − Kx‖/‖b‖ ≤ 1e-12 is out of reach
		// in double precision for some; the solve must be backward stable.
		if be > 4*eps {
			t.Errorf("%s n=%d δw=%g δc=%g: backward error %.3g > 4ε (relative residual %.2g)", name, n, dw, dc, be, r)
		}
		t.Logf("%-9s n=%5d m=%5d nnz(L)=%8d δw=%-8.3g δc=%-5.0g tries=%d refine=%d gmres=%d relres %.2g berr %.2g",
			name, nv, m, f.NNZL(), dw, dc, tries+1, f.ref.steps, f.ref.gmresIters, r, be)
	}
}

// TestLDLQuasiDefinite: random quasi-definite KKT matrices
// [[H + I, Jᵀ],[J, −δI]] with H ⪰ 0 sparse; with Signs the factorization
// must need no dynamic regularization and give inertia (n, m, 0).
// Then [[0, Jᵀ],[J, 0]] with Signs and StaticReg: dynamic and static
// regularization make it factorizable and refinement against the
// unregularized matrix must solve it (J square, nonsingular).
func TestLDLQuasiDefinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	met := 0
	for trial := 0; trial < 20; trial++ {
		nv := 1 + rng.IntN(150)
		m := rng.IntN(nv + 1)
		h := randomSym(rng, nv, 3, true)
		j := randomRect(rng, m, nv, 3)
		a := kktMatrix(h, j, 1, 1e-6)
		signs := make([]int8, nv+m)
		for i := range signs {
			signs[i] = 1
			if i >= nv {
				signs[i] = -1
			}
		}
		s, _ := AnalyzeSymmetric(a, SymbolicSettings{})
		f, err := s.LDL(a, LDLSettings{Signs: signs})
		if err != nil {
			t.Fatal(err)
		}
		if p, q, z := f.Inertia(); p != nv || q != m || z != 0 || f.Regularized() != 0 {
			t.Errorf("trial %d: inertia (%d,%d,%d) regularized %d, want (%d,%d,0) and 0", trial, p, q, z, f.Regularized(), nv, m)
		}
		if nv+m <= 500 {
			ep, eq, ez := eigenInertia(t, a, 0)
			if ep != nv || eq != m || ez != 0 {
				t.Errorf("trial %d: eigenvalues (%d,%d,%d)", trial, ep, eq, ez)
			}
		}
		b := randVec(rng, nv+m)
		x, err := f.Solve(nil, b)
		if err != nil {
			t.Fatal(err)
		}
		// δ = 1e-6 with nearly dependent rows of J gives ‖x‖ up to 1e6
		// for ‖b‖ = O(1): the relative residual is then limited by the
		// rounding of b − Kx itself; the solve must be backward stable.
		r, be := relResidual(a, x, b), backwardError(a, x, b)
		if be > 4*eps {
			t.Errorf("trial %d: backward error %.3g > 4ε (relative residual %.2g, ‖x‖∞ %.3g)", trial, be, r, normInf(x))
		}
		if r <= 1e-12 {
			met++
		}
	}
	t.Logf("quasi-definite: relative residual ≤ 1e-12 on %d of 20", met)
	// Saddle points [[0, Jᵀ],[J, 0]] (J square, nonsingular) with Signs and
	// StaticReg 1e-8: not quasi-definite, so 1×1 pivots in the AMD order
	// may grow like 1/δ. Solve must then say so (ErrInaccurate or
	// ErrSingular), never return a wrong x silently; a returned x must be
	// backward stable: berr ≤ 1e-14 (≈ 45ε; the GMRES polish of an unstable
	// factor reached 1.25e-15 = 5.6ε on one trial, not the 2ε of a stable
	// factor).
	solved := 0
	for trial := 0; trial < 10; trial++ {
		nv := 2 + rng.IntN(60)
		j := randomRect(rng, nv, nv, 2)
		jd := sparse.NewDOK(nv, nv)
		jr := j.RawMatrix()
		for i := 0; i < nv; i++ {
			for k := jr.Indptr[i]; k < jr.Indptr[i+1]; k++ {
				jd.Set(i, jr.Ind[k], jr.Data[k])
			}
			jd.Set(i, i, jd.At(i, i)+5)
		}
		zero := sparse.NewDOK(nv, nv).ToCSR()
		a := kktMatrix(zero, jd.ToCSR(), 0, 0)
		signs := make([]int8, 2*nv)
		for i := range signs {
			signs[i] = 1
			if i >= nv {
				signs[i] = -1
			}
		}
		s, _ := AnalyzeSymmetric(a, SymbolicSettings{})
		f, err := s.LDL(a, LDLSettings{Signs: signs, StaticReg: 1e-8})
		if err != nil {
			t.Fatal(err)
		}
		b := randVec(rng, 2*nv)
		x, err := f.Solve(nil, b)
		if err != nil {
			if !errors.Is(err, ErrInaccurate) && !errors.Is(err, ErrSingular) {
				t.Errorf("saddle trial %d: unexpected error %v", trial, err)
			}
			continue
		}
		if be := backwardError(a, x, b); be > 1e-14 {
			rs, gi, ib := f.SolveStats()
			t.Errorf("saddle trial %d (n=%d, %d regularized pivots): no error but backward error %.3g (refine %d, gmres %d, internal %.3g)", trial, 2*nv, f.Regularized(), be, rs, gi, ib)
		}
		solved++
	}
	t.Logf("saddle points: %d of 10 solved (the others reported as inaccurate or singular)", solved)
}

func randomRect(rng *rand.Rand, m, n int, d float64) *sparse.CSR {
	dok := sparse.NewDOK(max(m, 1), n)
	for i := 0; i < m; i++ {
		dok.Set(i, rng.IntN(n), 1+rng.Float64())
		for j := 0; j < n; j++ {
			if rng.Float64() < d/float64(n) {
				dok.Set(i, j, rng.NormFloat64())
			}
		}
	}
	if m == 0 {
		return sparse.NewCSR(0, n, []int{0}, nil, nil)
	}
	return dok.ToCSR()
}

func normInf(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = max(m, abs(v))
	}
	return m
}
