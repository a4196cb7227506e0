package sketch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

func gaussDense(m, n int, rng *rand.Rand) *mat.Dense {
	a := mat.NewDense(m, n, nil)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	return a
}

func randVec(n int, rng *rand.Rand) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

func mulVec(a mat.Matrix, x []float64) []float64 {
	r, _ := a.Dims()
	var y mat.VecDense
	y.MulVec(a, mat.NewVecDense(len(x), x))
	out := make([]float64, r)
	for i := range out {
		out[i] = y.AtVec(i)
	}
	return out
}

func dist2(x, y []float64) float64 {
	var s float64
	for i := range x {
		d := x[i] - y[i]
		s += d * d
	}
	return s
}

// spdKKT returns a symmetric positive definite n×n matrix Bᵀ B + I (dense).
func spdMatrix(n int, rng *rand.Rand) *mat.Dense {
	b := gaussDense(n, n, rng)
	var a mat.Dense
	a.Mul(b.T(), b)
	for i := 0; i < n; i++ {
		a.Set(i, i, a.At(i, i)+float64(n)/4)
	}
	return &a
}

// kktMatrix returns a well-conditioned symmetric indefinite KKT matrix
// [[H, Gᵀ], [G, 0]] with H = I + BᵀB/n and G with orthonormal rows.
func kktMatrix(n, m int, rng *rand.Rand) *mat.Dense {
	bb := gaussDense(n, n, rng)
	h := mat.NewDense(n, n, nil)
	h.Mul(bb.T(), bb)
	h.Scale(1/float64(n), h)
	for i := 0; i < n; i++ {
		h.Set(i, i, h.At(i, i)+1)
	}
	gt := gaussDense(n, m, rng)
	orthonormalize(gt, make([]float64, m))
	g := mat.DenseCopyOf(gt.T())
	k := mat.NewDense(n+m, n+m, nil)
	k.Slice(0, n, 0, n).(*mat.Dense).Copy(h)
	k.Slice(n, n+m, 0, n).(*mat.Dense).Copy(g)
	k.Slice(0, n, n, n+m).(*mat.Dense).Copy(g.T())
	return k
}

type solverCase struct {
	name string
	spd  bool // needs an SPD matrix
	make func(a mat.Matrix, b []float64, set Settings) (*Solver, error)
}

var solverCases = []solverCase{
	{"KaczmarzSV", false, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) { return NewKaczmarz(a, b, RowNorm, s) }},
	{"KaczmarzUniform", false, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) { return NewKaczmarz(a, b, UniformRow, s) }},
	{"KaczmarzUniformGram", false, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) {
		s.Gram = true
		return NewKaczmarz(a, b, UniformRow, s)
	}},
	{"BlockKaczmarz", false, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) { return NewBlockKaczmarz(a, b, 5, s) }},
	{"GaussianKaczmarz", false, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) { return NewGaussianKaczmarz(a, b, s) }},
	{"SaPSparseSign", false, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) {
		r, _ := a.Dims()
		return NewSketchProject(a, b, NewSparseSign(4, r, 2, newRNG(0)), s)
	}},
	{"SaPSRHT", false, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) {
		r, _ := a.Dims()
		return NewSketchProject(a, b, NewSRHT(4, r, newRNG(0)), s)
	}},
	{"SaPUniform", false, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) {
		r, _ := a.Dims()
		return NewSketchProject(a, b, NewUniformSampling(3, r, newRNG(0)), s)
	}},
	{"SaPSPDGaussian", true, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) {
		r, _ := a.Dims()
		return NewSketchProjectSPD(a, b, NewGaussian(3, r, newRNG(0)), s)
	}},
	{"CoordinateDescent", true, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) { return NewCoordinateDescent(a, b, s) }},
	{"CoordinateDescentLS", false, func(a mat.Matrix, b []float64, s Settings) (*Solver, error) { return NewCoordinateDescentLS(a, b, s) }},
}

// testSystem returns a consistent system with known solution.
func testSystem(spd bool, rng *rand.Rand) (mat.Matrix, []float64, []float64) {
	var a mat.Matrix
	if spd {
		a = spdMatrix(30, rng)
	} else {
		a = gaussDense(60, 30, rng)
	}
	_, n := a.Dims()
	xs := randVec(n, rng)
	return a, mulVec(a, xs), xs
}

func TestSolversConverge(t *testing.T) {
	for _, tc := range solverCases {
		for _, sparseInput := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/sparse=%v", tc.name, sparseInput), func(t *testing.T) {
				rng := newRNG(11)
				a, b, xs := testSystem(tc.spd, rng)
				if sparseInput {
					a = toCSR(a)
				}
				s, err := tc.make(a, b, Settings{Seed: 3, RTol: 1e-10, MaxIter: 400000})
				if err != nil {
					t.Fatal(err)
				}
				res := s.Solve(context.Background())
				if res.Status != Converged {
					t.Fatalf("status %v after %d steps, residual %g", res.Status, res.Iterations, res.ResidualNorm)
				}
				rel := math.Sqrt(dist2(res.X, xs) / dist2(xs, make([]float64, len(xs))))
				if rel > 1e-6 {
					t.Errorf("‖x − x*‖/‖x*‖ = %g", rel)
				}
				t.Logf("%d steps, residual %.3g, flops %d", res.Iterations, res.ResidualNorm, res.Work.Flops)
			})
		}
	}
}

func toCSR(a mat.Matrix) *sparse.CSR {
	r, c := a.Dims()
	ptr := make([]int, r+1)
	var ind []int
	var val []float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := a.At(i, j); v != 0 {
				ind = append(ind, j)
				val = append(val, v)
			}
		}
		ptr[i+1] = len(ind)
	}
	return sparse.NewCSR(r, c, ptr, ind, val)
}

// TestKaczmarzRate checks Strohmer–Vershynin: over 50 seeds the mean of
// ‖x_k − x*‖² stays below (1 − σ_min²/‖A‖_F²)^k ‖x₀ − x*‖² on a random
// consistent 200×20 system, at k = 100, 200, …, 600 (the bound falls to
// about 1e-6 of its start).
func TestKaczmarzRate(t *testing.T) {
	rng := newRNG(21)
	a := gaussDense(200, 20, rng)
	xs := randVec(20, rng)
	b := mulVec(a, xs)
	rate := svRate(a)
	const seeds, K, every = 50, 600, 100
	mean := make([]float64, K/every+1)
	for seed := uint64(0); seed < seeds; seed++ {
		s, err := NewKaczmarz(a, b, RowNorm, Settings{Seed: seed, AnchorOnly: true, AnchorEvery: 1 << 30})
		if err != nil {
			t.Fatal(err)
		}
		mean[0] += dist2(s.X(), xs) / seeds
		for k := 1; k <= K; k++ {
			s.Step()
			if k%every == 0 {
				mean[k/every] += dist2(s.X(), xs) / seeds
			}
		}
	}
	e0 := dist2(make([]float64, 20), xs)
	for q := 1; q < len(mean); q++ {
		k := q * every
		bound := math.Pow(rate, float64(k)) * e0
		t.Logf("k=%d mean‖x_k−x*‖² = %.3e, bound %.3e (ratio %.3f)", k, mean[q], bound, mean[q]/bound)
		if mean[q] > bound {
			t.Errorf("k=%d: mean error %.3e exceeds the Strohmer–Vershynin bound %.3e", k, mean[q], bound)
		}
	}
}

// svRate returns 1 − σ_min²(A)/‖A‖_F².
func svRate(a *mat.Dense) float64 {
	var svd mat.SVD
	svd.Factorize(a, mat.SVDNone)
	sv := svd.Values(nil)
	f := mat.Norm(a, 2)
	return 1 - sv[len(sv)-1]*sv[len(sv)-1]/(f*f)
}

// TestGaussianKaczmarzRate checks the Gower–Richtárik bound for the Gaussian
// sketch (s = 1): E[Z] ⪰ (2/π)·AᵀA/‖A‖_F², so the mean error over 50 seeds
// stays below (1 − (2/π)σ_min²/‖A‖_F²)^k ‖x₀ − x*‖².
func TestGaussianKaczmarzRate(t *testing.T) {
	rng := newRNG(22)
	a := gaussDense(100, 20, rng)
	xs := randVec(20, rng)
	b := mulVec(a, xs)
	rate := 1 - (2/math.Pi)*(1-svRate(a))
	const seeds, K = 50, 400
	var mean float64
	for seed := uint64(0); seed < seeds; seed++ {
		s, _ := NewGaussianKaczmarz(a, b, Settings{Seed: seed, AnchorOnly: true, AnchorEvery: 1 << 30})
		s.Run(context.Background(), 0, K)
		mean += dist2(s.X(), xs) / seeds
	}
	bound := math.Pow(rate, K) * dist2(make([]float64, 20), xs)
	t.Logf("mean %.3e, bound %.3e", mean, bound)
	if mean > bound {
		t.Errorf("mean error %.3e exceeds the bound %.3e", mean, bound)
	}
}

// TestCoordinateDescentRate checks E‖x_k − x*‖²_A ≤ (1 − λ_min/tr A)^k ‖x*‖²_A.
func TestCoordinateDescentRate(t *testing.T) {
	rng := newRNG(23)
	a := spdMatrix(30, rng)
	xs := randVec(30, rng)
	b := mulVec(a, xs)
	var es mat.EigenSym
	es.Factorize(mat.NewSymDense(30, a.RawMatrix().Data), false)
	ev := es.Values(nil)
	rate := 1 - ev[0]/mat.Trace(a)
	anorm := func(x []float64) float64 {
		d := make([]float64, len(x))
		for i := range d {
			d[i] = x[i] - xs[i]
		}
		return mat.Dot(mat.NewVecDense(30, d), mat.NewVecDense(30, mulVec(a, d)))
	}
	const seeds, K = 50, 300
	var mean float64
	for seed := uint64(0); seed < seeds; seed++ {
		s, _ := NewCoordinateDescent(a, b, Settings{Seed: seed})
		s.Run(context.Background(), 0, K)
		mean += anorm(s.X()) / seeds
	}
	bound := math.Pow(rate, K) * anorm(make([]float64, 30))
	t.Logf("mean %.3e, bound %.3e", mean, bound)
	if mean > bound {
		t.Errorf("mean A-norm error %.3e exceeds the bound %.3e", mean, bound)
	}
}

// TestResume: stopping and continuing (with a tighter tolerance, or by step
// budgets) gives the same iterates bit for bit as one uninterrupted run.
func TestResume(t *testing.T) {
	for _, tc := range solverCases {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRNG(31)
			a, b, _ := testSystem(tc.spd, rng)
			set := Settings{Seed: 5, AnchorEvery: 37}
			one, _ := tc.make(a, b, set)
			two, _ := tc.make(a, b, set)
			ctx := context.Background()
			tol1, tol2 := 1e-2*floats.Norm(b, 2), 1e-7*floats.Norm(b, 2)
			if tc.name == "CoordinateDescentLS" {
				tol1, tol2 = 1e-2, 1e-7
			}
			r1 := one.Run(ctx, tol2, 200000)
			two.Run(ctx, tol1, 200000)
			two.Run(ctx, tol1, 13) // already converged: no step
			r2 := two.Run(ctx, tol2, 200000)
			if r1.Status != Converged || r2.Status != Converged {
				t.Fatalf("status %v / %v", r1.Status, r2.Status)
			}
			if r1.Iterations != r2.Iterations {
				t.Fatalf("steps %d (one run) vs %d (resumed)", r1.Iterations, r2.Iterations)
			}
			for i := range r1.X {
				if math.Float64bits(r1.X[i]) != math.Float64bits(r2.X[i]) {
					t.Fatalf("x[%d] differs: %v vs %v", i, r1.X[i], r2.X[i])
				}
			}
			// Splitting by step budgets.
			three, _ := tc.make(a, b, set)
			for three.Iterations() < r1.Iterations {
				three.Run(ctx, 0, min(17, r1.Iterations-three.Iterations()))
			}
			for i := range r1.X {
				if math.Float64bits(r1.X[i]) != math.Float64bits(three.X()[i]) {
					t.Fatalf("budget split: x[%d] differs", i)
				}
			}
		})
	}
}

// TestTrackedResidual: between anchors the tracked residual stays within
// ResidualErrorBound of b − A·x (itself computed in floating point, with
// its own γ_{w+1}·Σ(|b| + |A||x|) error), and the reported norm agrees with
// ‖r̃‖ to 1e-6 relative.
func TestTrackedResidual(t *testing.T) {
	for _, tc := range solverCases {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRNG(41)
			a, b, _ := testSystem(tc.spd, rng)
			s, _ := tc.make(a, b, Settings{Seed: 2, AnchorEvery: 1000})
			worst := 0.0
			for step := 1; step <= 999; step++ {
				s.Step()
				if step%111 != 0 {
					continue
				}
				r := s.Residual()
				ax := mulVec(a, s.X())
				var diff, absSum float64
				for i := range r {
					diff += math.Abs(r[i] - (b[i] - ax[i]))
					absSum += math.Abs(b[i]) + math.Abs(ax[i])
				}
				_, n := a.Dims()
				g := float64(n+1) * unitRoundoff / (1 - float64(n+1)*unitRoundoff)
				// |A||x| ≥ |Ax|: use a cheap over-estimate of Σ|A||x| below.
				absAx := mulVec(absMat(a), absVec(s.X()))
				absSum = 0
				for i := range b {
					absSum += math.Abs(b[i]) + absAx[i]
				}
				bound := s.ResidualErrorBound() + g*absSum
				if diff > bound {
					t.Errorf("step %d: ‖r̃ − (b − Ax)‖₁ = %.3e > bound %.3e", step, diff, bound)
				}
				worst = max(worst, diff/bound)
				nr := floats.Norm(r, 2)
				if math.Abs(s.ResidualNorm()-nr) > 1e-6*nr+1e-300 {
					t.Errorf("step %d: reported norm %.17g, ‖r̃‖ = %.17g", step, s.ResidualNorm(), nr)
				}
			}
			t.Logf("largest drift/bound = %.3g", worst)
		})
	}
}

func absMat(a mat.Matrix) *mat.Dense {
	r, c := a.Dims()
	d := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d.Set(i, j, math.Abs(a.At(i, j)))
		}
	}
	return d
}

func absVec(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = math.Abs(v)
	}
	return y
}

func TestSolverAllocs(t *testing.T) {
	for _, tc := range solverCases {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRNG(51)
			a, b, _ := testSystem(tc.spd, rng)
			s, _ := tc.make(toCSR(a), b, Settings{Seed: 1, AnchorEvery: 7})
			for i := 0; i < 20; i++ {
				s.Step()
			}
			if n := testing.AllocsPerRun(200, s.Step); n != 0 {
				t.Errorf("%v allocations per Step", n)
			}
		})
	}
}

func TestSolverBadInput(t *testing.T) {
	rng := newRNG(61)
	a := gaussDense(10, 4, rng)
	b := randVec(10, rng)
	bad := append([]float64(nil), b...)
	bad[3] = math.NaN()
	for _, tc := range solverCases {
		if tc.spd {
			continue
		}
		if _, err := tc.make(a, bad, Settings{}); !errors.Is(err, ErrBadInput) {
			t.Errorf("%s: NaN in b: err = %v", tc.name, err)
		}
		if _, err := tc.make(mat.NewDense(10, 4, nil), b, Settings{}); !errors.Is(err, ErrBadInput) {
			t.Errorf("%s: zero A: err = %v", tc.name, err)
		}
	}
	an := mat.DenseCopyOf(a)
	an.Set(2, 2, math.Inf(1))
	if _, err := NewKaczmarz(an, b, RowNorm, Settings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("Inf in A: err = %v", err)
	}
	if _, err := NewCoordinateDescent(mat.NewDense(2, 2, []float64{1, 0, 0, -1}), []float64{1, 1}, Settings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("indefinite diagonal: err = %v", err)
	}
	// Zero rows: Kaczmarz must skip them and still converge.
	az := mat.DenseCopyOf(a)
	for j := 0; j < 4; j++ {
		az.Set(0, j, 0)
		az.Set(7, j, 0)
	}
	xs := randVec(4, rng)
	bz := mulVec(az, xs)
	for _, rule := range []RowRule{RowNorm, UniformRow} {
		s, err := NewKaczmarz(az, bz, rule, Settings{Seed: 1, RTol: 1e-12})
		if err != nil {
			t.Fatal(err)
		}
		if res := s.Solve(context.Background()); res.Status != Converged {
			t.Errorf("rule %v with zero rows: %v", rule, res.Status)
		}
	}
	// Inconsistent zero row: b_i ≠ 0 on a zero row never converges, no NaN.
	bz[0] = 1
	s, _ := NewKaczmarz(az, bz, UniformRow, Settings{Seed: 1, MaxIter: 1000})
	if res := s.Solve(context.Background()); res.Status != MaxIterations || math.IsNaN(res.ResidualNorm) {
		t.Errorf("inconsistent zero row: %v, residual %v", res.Status, res.ResidualNorm)
	}
	// Canceled context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, _ = NewKaczmarz(a, b, RowNorm, Settings{Seed: 1})
	if res := s.Run(ctx, 0, 100000); res.Status != Canceled {
		t.Errorf("canceled context: %v", res.Status)
	}
}

// TestGaussianKaczmarzKKT is the auglag use: a symmetric indefinite KKT
// system (n = 40, m = 10) solved to ‖Kz − b‖ ≤ 1e-8‖b‖ within 1e5 steps,
// then tightened to 1e-10 by continuing.
func TestGaussianKaczmarzKKT(t *testing.T) {
	rng := newRNG(71)
	k := kktMatrix(40, 10, rng)
	b := randVec(50, rng)
	for _, mk := range []func() (*Solver, error){
		func() (*Solver, error) { return NewGaussianKaczmarz(k, b, Settings{Seed: 1}) },
		func() (*Solver, error) { return NewKaczmarz(k, b, UniformRow, Settings{Seed: 1}) },
	} {
		s, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		res := s.Run(context.Background(), 1e-8*floats.Norm(b, 2), 100000)
		if res.Status != Converged {
			t.Fatalf("status %v after %d steps (residual %.3g)", res.Status, res.Iterations, res.ResidualNorm/floats.Norm(b, 2))
		}
		first := res.Iterations
		res = s.Run(context.Background(), 1e-10*floats.Norm(b, 2), 100000)
		if res.Status != Converged {
			t.Fatalf("continued: status %v", res.Status)
		}
		t.Logf("%d steps to 1e-8, %d total to 1e-10", first, res.Iterations)
	}
}

func TestCSRInputIsUsedInPlace(t *testing.T) {
	a := matrix.Poisson2D(8, 8)
	n, _ := a.Dims()
	xs := randVec(n, newRNG(1))
	b := matrix.MulVec(nil, a, xs)
	s, err := NewCoordinateDescent(a, b, Settings{Seed: 1, RTol: 1e-10, MaxIter: 100000})
	if err != nil {
		t.Fatal(err)
	}
	if res := s.Solve(context.Background()); res.Status != Converged {
		t.Fatalf("Poisson2D: %v", res.Status)
	}
	if f, want := s.FrobeniusNorm(), floats.Norm(a.RawMatrix().Data, 2); math.Abs(f-want) > 1e-12*want {
		t.Errorf("FrobeniusNorm = %v, want %v", f, want)
	}
	if &s.a.val[0] != &a.RawMatrix().Data[0] {
		t.Error("the CSR arrays were copied")
	}
}

// TestDuplicateEntries: a CSR matrix with a column repeated within a row is
// read as the sum of the entries.
func TestDuplicateEntries(t *testing.T) {
	// Row 0 holds (0, 1) twice: A = [[3, 1], [1, 2]] (SPD).
	a := sparse.NewCSR(2, 2, []int{0, 3, 5}, []int{0, 1, 0, 0, 1}, []float64{1, 1, 2, 1, 2})
	xs := []float64{1, -1}
	b := []float64{2, -1}
	for _, mk := range []func() (*Solver, error){
		func() (*Solver, error) { return NewKaczmarz(a, b, RowNorm, Settings{Seed: 1, RTol: 1e-12}) },
		func() (*Solver, error) { return NewCoordinateDescent(a, b, Settings{Seed: 1, RTol: 1e-12}) },
	} {
		s, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		res := s.Solve(context.Background())
		if res.Status != Converged || math.Abs(res.X[0]-xs[0]) > 1e-9 || math.Abs(res.X[1]-xs[1]) > 1e-9 {
			t.Errorf("%v, x = %v, want %v", res.Status, res.X, xs)
		}
	}
}
