package linsolve

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// eigInertia counts the eigenvalues of a by sign (|λ| ≤ tol counts as zero).
func eigInertia(t *testing.T, a *mat.SymDense, tol float64) (pos, neg, zero int) {
	t.Helper()
	var es mat.EigenSym
	if !es.Factorize(a, false) {
		t.Fatal("EigenSym failed")
	}
	for _, l := range es.Values(nil) {
		switch {
		case math.Abs(l) <= tol:
			zero++
		case l > 0:
			pos++
		default:
			neg++
		}
	}
	return
}

// kktMatrix returns [[H, Jᵀ], [J, −δI]] with H of size n (random symmetric,
// made indefinite when indef), J m×n random of rank r.
func denseKKTMatrix(rng *rand.Rand, n, m, r int, delta float64, indef bool) *mat.SymDense {
	a := mat.NewSymDense(n+m, nil)
	for i := range n {
		for j := 0; j <= i; j++ {
			v := rng.NormFloat64()
			if i == j {
				v = math.Abs(v) + 3
				if indef && i%3 == 0 {
					v = -v
				}
			}
			a.SetSym(i, j, v)
		}
	}
	if m == 0 || r == 0 {
		for i := range m {
			a.SetSym(n+i, n+i, -delta)
		}
		return a
	}
	u := mat.NewDense(m, r, nil)
	w := mat.NewDense(r, n, nil)
	for i := range m {
		for k := range r {
			u.Set(i, k, rng.NormFloat64())
		}
	}
	for k := range r {
		for j := range n {
			w.Set(k, j, rng.NormFloat64())
		}
	}
	var jm mat.Dense
	jm.Mul(u, w)
	for i := range m {
		for j := range n {
			a.SetSym(n+i, j, jm.At(i, j))
		}
		a.SetSym(n+i, n+i, -delta)
	}
	return a
}

func TestDenseLDLInertiaAndSolve(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var f DenseLDL
	for trial := range 300 {
		n := 1 + rng.IntN(30)
		m := rng.IntN(20)
		r := m
		if m > 0 && trial%4 == 1 {
			r = rng.IntN(m) // rank deficient J
		}
		if r > n {
			r = n
		}
		delta := 0.0
		if trial%5 == 2 {
			delta = 1e-3
		}
		a := denseKKTMatrix(rng, n, m, r, delta, trial%2 == 0)
		// Exactly rank-deficient matrices leave rounding-size pivots: count
		// them with a tolerance; full-rank ones with the default.
		f.ZeroTol = 0
		if r < m && delta == 0 {
			f.ZeroTol = 1e-10
		}
		if err := f.Factorize(a); err != nil {
			t.Fatal(err)
		}
		norm := mat.Norm(a, math.Inf(1))
		ep, en, ez := eigInertia(t, a, 1e-9*norm)
		p, ng, z := f.Inertia()
		if p != ep || ng != en || z != ez {
			t.Fatalf("trial %d (n=%d m=%d r=%d δ=%g): inertia (%d,%d,%d), eigenvalues say (%d,%d,%d)", trial, n, m, r, delta, p, ng, z, ep, en, ez)
		}
		b := make([]float64, n+m)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		x := make([]float64, n+m)
		err := f.Solve(x, b)
		if ez > 0 {
			if err != ErrSingularLDL {
				t.Fatalf("trial %d: singular matrix solved (err %v)", trial, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		var want mat.VecDense
		if err := want.SolveVec(a, mat.NewVecDense(n+m, b)); err != nil {
			t.Fatalf("trial %d: dense solve: %v", trial, err)
		}
		var c mat.Dense
		cond := mat.Cond(a, 2)
		_ = c
		for i := range x {
			if d := math.Abs(x[i] - want.AtVec(i)); d > 1e-13*cond*(1+math.Abs(want.AtVec(i))) {
				t.Fatalf("trial %d: x[%d] = %g, dense solve %g (cond %g)", trial, i, x[i], want.AtVec(i), cond)
			}
		}
		// Backward check: residual relative to ‖A‖‖x‖.
		ax := make([]float64, n+m)
		xv := mat.NewVecDense(n+m, x)
		mat.NewVecDense(n+m, ax).MulVec(a, xv)
		res := 0.0
		for i := range ax {
			res = max(res, math.Abs(ax[i]-b[i]))
		}
		if res > 1e-12*norm*mat.Norm(xv, math.Inf(1)) {
			t.Fatalf("trial %d: residual %g", trial, res)
		}
	}
}

func TestDenseLDLSpecial(t *testing.T) {
	var f DenseLDL
	// Zero matrix: all zero pivots.
	if err := f.Factorize(mat.NewSymDense(3, nil)); err != nil {
		t.Fatal(err)
	}
	if p, n, z := f.Inertia(); p != 0 || n != 0 || z != 3 {
		t.Fatalf("zero matrix inertia (%d,%d,%d)", p, n, z)
	}
	// [[0 1],[1 0]] needs a 2×2 pivot: inertia (1,1,0).
	a := mat.NewSymDense(2, []float64{0, 1, 1, 0})
	if err := f.Factorize(a); err != nil {
		t.Fatal(err)
	}
	if p, n, z := f.Inertia(); p != 1 || n != 1 || z != 0 {
		t.Fatalf("[[0 1][1 0]] inertia (%d,%d,%d)", p, n, z)
	}
	x := make([]float64, 2)
	if err := f.Solve(x, []float64{2, 3}); err != nil || x[0] != 3 || x[1] != 2 {
		t.Fatalf("solve = %v, %v", x, err)
	}
	// NaN is an error, not a panic.
	a.SetSym(0, 0, math.NaN())
	if err := f.Factorize(a); err == nil {
		t.Fatal("NaN accepted")
	}
	// FactorizeLower agrees with Factorize and allocates nothing on reuse.
	rng := rand.New(rand.NewPCG(3, 4))
	s := denseKKTMatrix(rng, 8, 4, 4, 0, true)
	low := make([]float64, 144)
	for i := range 12 {
		for j := 0; j <= i; j++ {
			low[i*12+j] = s.At(i, j)
		}
	}
	b := make([]float64, 12)
	for i := range b {
		b[i] = float64(i)
	}
	x1, x2 := make([]float64, 12), make([]float64, 12)
	f.Factorize(s)
	f.Solve(x1, b)
	allocs := testing.AllocsPerRun(10, func() {
		f.FactorizeLower(12, low)
		f.Solve(x2, b)
	})
	if allocs != 0 {
		t.Errorf("refactor+solve allocates %g times", allocs)
	}
	for i := range x1 {
		if x1[i] != x2[i] {
			t.Fatalf("FactorizeLower differs at %d: %g vs %g", i, x2[i], x1[i])
		}
	}
}

func BenchmarkDenseLDL(b *testing.B) {
	for _, n := range []int{50, 200} {
		rng := rand.New(rand.NewPCG(5, 6))
		a := denseKKTMatrix(rng, n, n/2, n/2, 0, true)
		var f DenseLDL
		b.Run(ldlItoa(n), func(b *testing.B) {
			for b.Loop() {
				f.Factorize(a)
			}
		})
	}
}

func ldlItoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
