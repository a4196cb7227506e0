package sketch

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 42)) }

type sketchCase struct {
	name string
	make func(s, m int, rng *rand.Rand) Sketch
}

var sketchCases = []sketchCase{
	{"Gaussian", func(s, m int, r *rand.Rand) Sketch { return NewGaussian(s, m, r) }},
	{"Rademacher", func(s, m int, r *rand.Rand) Sketch { return NewRademacher(s, m, r) }},
	{"SparseSign8", func(s, m int, r *rand.Rand) Sketch { return NewSparseSign(s, m, min(8, s), r) }},
	{"CountSketch", func(s, m int, r *rand.Rand) Sketch { return NewCountSketch(s, m, r) }},
	{"SRHT", func(s, m int, r *rand.Rand) Sketch { return NewSRHT(s, m, r) }},
	{"Uniform", func(s, m int, r *rand.Rand) Sketch { return NewUniformSampling(s, m, r) }},
	{"RowNorm", func(s, m int, r *rand.Rand) Sketch {
		w := make([]float64, m)
		for i := range w {
			w[i] = 1 + float64(i%3) // uneven but positive weights
		}
		return NewRowNormSampling(s, w, r)
	}},
}

// explicit returns S as a dense s×m matrix by applying it to unit vectors.
func explicit(sk Sketch) *mat.Dense {
	s, m := sk.Dims()
	out := mat.NewDense(s, m, nil)
	e := make([]float64, m)
	col := make([]float64, s)
	for j := 0; j < m; j++ {
		e[j] = 1
		sk.Apply(col, e)
		e[j] = 0
		for i := 0; i < s; i++ {
			out.Set(i, j, col[i])
		}
	}
	return out
}

func randomCSR(m, n int, density float64, rng *rand.Rand) *sparse.CSR {
	ptr := make([]int, m+1)
	var ind []int
	var val []float64
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if rng.Float64() < density {
				ind = append(ind, j)
				val = append(val, rng.NormFloat64())
			}
		}
		ptr[i+1] = len(ind)
	}
	return sparse.NewCSR(m, n, ptr, ind, val)
}

func denseOf(a *sparse.CSR) *mat.Dense { return matrix.ToDense(nil, a) }

// TestSketchProducts checks ApplyTrans, MulDense and MulCSR against the
// explicit matrix S built from Apply.
func TestSketchProducts(t *testing.T) {
	rng := newRNG(1)
	for _, tc := range sketchCases {
		for _, dims := range [][3]int{{7, 37, 5}, {16, 100, 33}, {1, 9, 2}, {300, 400, 230}} {
			s, m, n := dims[0], dims[1], dims[2]
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, s, m), func(t *testing.T) {
				sk := tc.make(s, m, rng)
				S := explicit(sk)
				a := randomCSR(m, n, 0.3, rng)
				if s%2 == 1 {
					a = sparseRows(m, n, 4, rng) // random columns: duplicate entries in a row
				}
				ad := denseOf(a)
				var want mat.Dense
				want.Mul(S, ad)
				tol := 1e-12 * (1 + mat.Norm(&want, math.Inf(1)))
				if got := sk.MulCSR(nil, a); !mat.EqualApprox(got, &want, tol) {
					t.Fatalf("MulCSR differs from S·A")
				}
				if got := sk.MulDense(nil, ad); !mat.EqualApprox(got, &want, tol) {
					t.Fatalf("MulDense differs from S·A")
				}
				y := make([]float64, s)
				for i := range y {
					y[i] = rng.NormFloat64()
				}
				got := make([]float64, m)
				sk.ApplyTrans(got, y)
				var w mat.VecDense
				w.MulVec(S.T(), mat.NewVecDense(s, y))
				for i := range got {
					if math.Abs(got[i]-w.AtVec(i)) > 1e-12*(1+math.Abs(w.AtVec(i))) {
						t.Fatalf("ApplyTrans[%d] = %v, want %v", i, got[i], w.AtVec(i))
					}
				}
			})
		}
	}
}

// TestSketchIsotropy checks E[SᵀS] = I by Monte Carlo: for every entry the
// sample mean over N independent draws must be within z standard errors of
// δ_ij, the standard error being estimated from the sample variance. z = 6
// makes a false alarm over all entries and sketches less likely than 1e-6
// (the seeds are fixed, so the test is deterministic anyway).
func TestSketchIsotropy(t *testing.T) {
	const s, m, N, z = 4, 10, 4000, 6.0
	for _, tc := range sketchCases {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRNG(7)
			sk := tc.make(s, m, rng)
			var sum, sum2 [m][m]float64
			for it := 0; it < N; it++ {
				sk.Redraw(rng)
				S := explicit(sk)
				var g mat.Dense
				g.Mul(S.T(), S)
				for i := 0; i < m; i++ {
					for j := 0; j < m; j++ {
						v := g.At(i, j)
						sum[i][j] += v
						sum2[i][j] += v * v
					}
				}
			}
			worst := 0.0
			for i := 0; i < m; i++ {
				for j := 0; j < m; j++ {
					mean := sum[i][j] / N
					variance := max(sum2[i][j]/N-mean*mean, 0) * N / (N - 1)
					se := math.Sqrt(variance / N)
					want := 0.0
					if i == j {
						want = 1
					}
					dev := math.Abs(mean - want)
					if dev > z*se+1e-12 {
						t.Errorf("E[SᵀS][%d,%d] ≈ %.5f ± %.5f, want %v", i, j, mean, se, want)
					}
					if se > 0 {
						worst = max(worst, dev/se)
					}
				}
			}
			t.Logf("largest deviation %.2f standard errors", worst)
		})
	}
}

// orthonormal returns an m×d matrix with orthonormal columns.
func orthonormal(m, d int, rng *rand.Rand) *mat.Dense {
	g := mat.NewDense(m, d, nil)
	for i := 0; i < m; i++ {
		for j := 0; j < d; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	orthonormalize(g, make([]float64, d))
	return g
}

// TestSubspaceEmbedding checks that all singular values of S·U lie in
// [1 − ε, 1 + ε] with ε from EmbeddingDistortion, for U 2000×20.
func TestSubspaceEmbedding(t *testing.T) {
	const d = 20
	const delta = 1e-3
	u := orthonormal(2000, d, newRNG(3))
	uBig := orthonormal(100000, d, newRNG(4))
	lev := make([]float64, 2000)
	for i := range lev {
		r := u.RawRowView(i)
		for _, v := range r {
			lev[i] += v * v
		}
	}
	cases := []struct {
		name string
		kind Kind
		u    *mat.Dense
		s    int
		sk   func(rng *rand.Rand) Sketch
	}{
		{"Gaussian", KindGaussian, u, 200, func(r *rand.Rand) Sketch { return NewGaussian(200, 2000, r) }},
		{"Rademacher", KindRademacher, u, 200, func(r *rand.Rand) Sketch { return NewRademacher(200, 2000, r) }},
		{"SparseSign8", KindSparseSign, u, 200, func(r *rand.Rand) Sketch { return NewSparseSign(200, 2000, 8, r) }},
		{"SRHT", KindSRHT, u, 200, func(r *rand.Rand) Sketch { return NewSRHT(200, 2000, r) }},
		// CountSketch needs s ≈ (d² + d)/(η²δ): with δ = 0.1 and s = 16800 the Markov bound gives η = 0.5.
		{"CountSketch", KindCountSketch, uBig, 16800, func(r *rand.Rand) Sketch { return NewCountSketch(16800, 100000, r) }},
		{"Leverage", KindRowNorm, u, 1000, func(r *rand.Rand) Sketch { return NewRowNormSampling(1000, lev, r) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := tc.u.Dims()
			dl := delta
			if tc.kind == KindCountSketch {
				dl = 0.1
			}
			eps := EmbeddingDistortion(tc.kind, tc.s, m, d, dl)
			if !(eps < 1) {
				t.Fatalf("ε = %v is vacuous", eps)
			}
			for seed := uint64(1); seed <= 3; seed++ {
				sk := tc.sk(newRNG(seed))
				su := sk.MulDense(nil, tc.u)
				var svd mat.SVD
				svd.Factorize(su, mat.SVDNone)
				sv := svd.Values(nil)
				lo, hi := sv[len(sv)-1], sv[0]
				t.Logf("seed %d: σ ∈ [%.4f, %.4f], theory ε = %.4f", seed, lo, hi, eps)
				if lo < 1-eps || hi > 1+eps {
					t.Errorf("seed %d: σ ∈ [%.4f, %.4f] outside 1 ± %.4f", seed, lo, hi, eps)
				}
			}
		})
	}
}

func TestFWHT(t *testing.T) {
	rng := newRNG(5)
	for _, n := range []int{1, 2, 8, 64} {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		got := append([]float64(nil), x...)
		FWHT(got)
		for i := 0; i < n; i++ {
			var s float64
			for j := 0; j < n; j++ {
				if bits.OnesCount(uint(i&j))%2 == 0 {
					s += x[j]
				} else {
					s -= x[j]
				}
			}
			if math.Abs(s-got[i]) > 1e-12*float64(n) {
				t.Fatalf("n=%d: FWHT[%d] = %v, want %v", n, i, got[i], s)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("FWHT(len 3) did not panic")
		}
	}()
	FWHT(make([]float64, 3))
}

func TestSketchAllocs(t *testing.T) {
	rng := newRNG(9)
	a := randomCSR(300, 20, 0.1, rng)
	ad := denseOf(a)
	for _, tc := range sketchCases {
		sk := tc.make(32, 300, rng)
		x := make([]float64, 300)
		y := make([]float64, 32)
		dst := mat.NewDense(32, 20, nil)
		sk.MulDense(dst, ad) // warm scratch
		sk.MulCSR(dst, a)
		n := testing.AllocsPerRun(5, func() {
			sk.Redraw(rng)
			sk.Apply(y, x)
			sk.ApplyTrans(x, y)
			sk.MulDense(dst, ad)
		})
		if n != 0 {
			t.Errorf("%s: %v allocations per Redraw+Apply+ApplyTrans+MulDense", tc.name, n)
		}
	}
}

func TestSketchMisuse(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	rng := newRNG(1)
	mustPanic("zeta > s", func() { NewSparseSign(4, 10, 5, rng) })
	mustPanic("SRHT s > m'", func() { NewSRHT(20, 10, rng) })
	mustPanic("s = 0", func() { NewGaussian(0, 10, rng) })
	mustPanic("bad weights", func() { NewRowNormSampling(3, []float64{0, 0}, rng) })
	mustPanic("NaN weights", func() { NewRowNormSampling(3, []float64{1, math.NaN()}, rng) })
	mustPanic("rows mismatch", func() { NewGaussian(3, 10, rng).MulDense(nil, mat.NewDense(9, 2, nil)) })
}
