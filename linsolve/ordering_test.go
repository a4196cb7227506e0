package linsolve

import (
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// randomSymPattern returns an n×n CSR with a random symmetric pattern
// (density about d per row), full diagonal and values making it SPD
// (diagonally dominant) when spd, or random symmetric otherwise.
func randomSym(rng *rand.Rand, n int, d float64, spd bool) *sparse.CSR {
	dok := sparse.NewDOK(n, n)
	rowsum := make([]float64, n)
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			if rng.Float64() < d/float64(n) {
				v := rng.NormFloat64()
				dok.Set(i, j, v)
				dok.Set(j, i, v)
				rowsum[i] += abs(v)
				rowsum[j] += abs(v)
			}
		}
	}
	for i := 0; i < n; i++ {
		if spd {
			dok.Set(i, i, rowsum[i]+1+rng.Float64())
		} else {
			dok.Set(i, i, rng.NormFloat64())
		}
	}
	return dok.ToCSR()
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// bruteCounts computes nnz(L(:,j)) of P·A·Pᵀ by symbolic elimination on a
// dense boolean matrix.
func bruteCounts(a *sparse.CSR, perm []int) []int {
	n, _ := a.Dims()
	pinv := InversePerm(perm)
	g := make([][]bool, n)
	for i := range g {
		g[i] = make([]bool, n)
	}
	raw := a.RawMatrix()
	for i := 0; i < n; i++ {
		for _, j := range raw.Ind[raw.Indptr[i]:raw.Indptr[i+1]] {
			g[pinv[i]][pinv[j]] = true
			g[pinv[j]][pinv[i]] = true
		}
	}
	cnt := make([]int, n)
	for k := 0; k < n; k++ {
		cnt[k] = 1
		var nb []int
		for i := k + 1; i < n; i++ {
			if g[i][k] {
				nb = append(nb, i)
				cnt[k]++
			}
		}
		for _, i := range nb {
			for _, j := range nb {
				g[i][j] = true
			}
		}
	}
	return cnt
}

func TestOrderingsArePermutations(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 10, 50, 200} {
		for _, d := range []float64{0, 1, 3, 10} {
			a := randomSym(rng, n, d, true)
			p, err := SymmetricPattern(a)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range []Ordering{OrderAMD, OrderRCM, OrderNatural} {
				perm, err := o.Order(p)
				if err != nil {
					t.Fatal(err)
				}
				if len(perm) != n || !IsPerm(perm) {
					t.Fatalf("n=%d d=%v %v: not a permutation: %v", n, d, o, perm)
				}
			}
		}
	}
}

func TestSymbolicCountsMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 30; trial++ {
		n := 1 + rng.IntN(60)
		a := randomSym(rng, n, 1+4*rng.Float64(), true)
		for _, o := range []Ordering{OrderAMD, OrderRCM, OrderNatural} {
			s, err := AnalyzeSymmetric(a, SymbolicSettings{Ordering: o})
			if err != nil {
				t.Fatal(err)
			}
			want := bruteCounts(a, s.Perm())
			var tot int64
			for j, c := range s.ColCounts() {
				if c != want[j] {
					t.Fatalf("trial %d %v: count[%d] = %d, want %d", trial, o, j, c, want[j])
				}
				tot += int64(c)
			}
			if tot != s.NNZL() || s.StoredL() < tot {
				t.Fatalf("nnz(L) %d, stored %d, sum %d", s.NNZL(), s.StoredL(), tot)
			}
		}
	}
}

func TestAMDReducesFill(t *testing.T) {
	a := matrix.Poisson2D(40, 40)
	nat, _ := AnalyzeSymmetric(a, SymbolicSettings{Ordering: OrderNatural})
	amd, _ := AnalyzeSymmetric(a, SymbolicSettings{Ordering: OrderAMD})
	rcm, _ := AnalyzeSymmetric(a, SymbolicSettings{Ordering: OrderRCM})
	t.Logf("Poisson 40²: nnz(L) natural %d, rcm %d, amd %d", nat.NNZL(), rcm.NNZL(), amd.NNZL())
	if amd.NNZL() >= nat.NNZL()/2 {
		t.Errorf("AMD nnz(L) = %d not below half of natural %d", amd.NNZL(), nat.NNZL())
	}
	// A dense row (arrow matrix): ordered last gives nnz(L) = 2n-1.
	n := 400
	dok := sparse.NewDOK(n, n)
	for i := 0; i < n; i++ {
		dok.Set(i, i, 4)
		if i > 0 {
			dok.Set(0, i, 1)
			dok.Set(i, 0, 1)
		}
	}
	s, _ := AnalyzeSymmetric(dok.ToCSR(), SymbolicSettings{})
	if s.NNZL() != int64(2*n-1) {
		t.Errorf("arrow matrix: nnz(L) = %d, want %d", s.NNZL(), 2*n-1)
	}
}
