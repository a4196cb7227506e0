package proj

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	d := make([]float64, r*c)
	for i := range d {
		d[i] = rng.NormFloat64()
	}
	return mat.NewDense(r, c, d)
}

// sphere is the projection onto the (non-convex) unit sphere.
type sphere int

func (s sphere) Dim() int { return int(s) }
func (s sphere) Project(dst, v []float64) error {
	var t float64
	for _, x := range v {
		t += x * x
	}
	t = math.Sqrt(t)
	for i, x := range v {
		dst[i] = x / t
	}
	return nil
}

func mustSet(s Set, err error) Set {
	if err != nil {
		panic(err)
	}
	return s
}

func testSets(rng *rand.Rand) map[string]Set {
	lo, hi := make([]float64, 7), make([]float64, 7)
	for i := range lo {
		lo[i], hi[i] = -rng.Float64(), rng.Float64()
	}
	lo[2], hi[5] = math.Inf(-1), math.Inf(1)
	a := make([]float64, 9)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	rankDef := randDense(rng, 4, 10)
	row := mat.Row(nil, 0, rankDef)
	rankDef.SetRow(3, row) // rank 3, consistent b below
	b := []float64{1, 2, 3, 1}
	poly := mustSet(NewPolyhedron(randDense(rng, 12, 8), []float64{1, 0.5, -0.2, 1, 2, 0.1, 0.3, 1, 0.7, 0.2, 0.4, 0.9}))
	return map[string]Set{
		"free":                Free(5),
		"box":                 mustSet(NewBox(lo, hi)),
		"ball":                mustSet(NewBall(6, []float64{1, 2, 3, 0, 0, -1}, 1.5)),
		"ballZero":            mustSet(NewBall(3, nil, 0)),
		"simplex":             mustSet(NewSimplex(11, 1)),
		"simplex3":            mustSet(NewSimplex(1, 3)),
		"halfspace":           mustSet(NewHalfSpace(a, 0.3)),
		"hyperplane":          mustSet(NewHyperplane(a, -2)),
		"affine":              mustSet(NewAffine(randDense(rng, 3, 8), []float64{1, -1, 2})),
		"affineRankDeficient": mustSet(NewAffine(rankDef, b)),
		"product":             NewProduct(mustSet(NewBall(2, nil, 1)), Free(1), mustSet(NewSimplex(3, 2))),
		"polyhedron":          poly,
	}
}

func TestCheckConvexSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, s := range testSets(rng) {
		t.Run(name, func(t *testing.T) {
			for _, scale := range []float64{0.1, 1, 10} {
				if err := Check(s, rng, 200, scale, 1e-9); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestCheckRejectsNonConvex(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	err := Check(sphere(4), rng, 100, 1, 0)
	if err == nil {
		t.Fatal("projection onto the sphere passed the convexity check")
	}
	t.Log(err)
}

// The simplex projection must satisfy its KKT conditions: y = max(v − τ, 0)
// with Σy = s; check against a bisection on τ.
func TestSimplexAgainstBisection(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 5, 100, 1000} {
		s := mustSet(NewSimplex(n, 2.5)).(*Simplex)
		v := make([]float64, n)
		for i := range v {
			v[i] = 3 * rng.NormFloat64()
		}
		y := make([]float64, n)
		if err := s.Project(y, v); err != nil {
			t.Fatal(err)
		}
		lo, hi := -100.0, 100.0
		for it := 0; it < 200; it++ {
			m := (lo + hi) / 2
			var sum float64
			for _, x := range v {
				sum += max(x-m, 0)
			}
			if sum > 2.5 {
				lo = m
			} else {
				hi = m
			}
		}
		var sum float64
		for i, x := range v {
			want := max(x-lo, 0)
			if math.Abs(y[i]-want) > 1e-12 {
				t.Fatalf("n=%d: y[%d]=%v, bisection %v", n, i, y[i], want)
			}
			sum += y[i]
		}
		if math.Abs(sum-2.5) > 1e-12 {
			t.Fatalf("n=%d: sum %v", n, sum)
		}
	}
}

// Affine: A·y = b and v − y ∈ range(Aᵀ) (orthogonal to the null space).
func TestAffineOptimality(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a := randDense(rng, 5, 12)
	b := []float64{1, 2, -1, 0.5, 3}
	p, err := NewAffine(a, b)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, 12)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	y := make([]float64, 12)
	if err := p.Project(y, v); err != nil {
		t.Fatal(err)
	}
	var ay mat.VecDense
	ay.MulVec(a, mat.NewVecDense(12, y))
	for i := range b {
		if math.Abs(ay.AtVec(i)-b[i]) > 1e-12 {
			t.Fatalf("A·y − b = %v at %d", ay.AtVec(i)-b[i], i)
		}
	}
	// v − y = Aᵀμ: solve the least-squares problem and check the residual.
	d := mat.NewVecDense(12, nil)
	for i := range v {
		d.SetVec(i, v[i]-y[i])
	}
	var mu mat.VecDense
	if err := mu.SolveVec(a.T(), d); err != nil {
		t.Fatal(err)
	}
	var r mat.VecDense
	r.MulVec(a.T(), &mu)
	r.SubVec(&r, d)
	if mat.Norm(&r, 2) > 1e-12 {
		t.Fatalf("v − y not in range(Aᵀ): residual %v", mat.Norm(&r, 2))
	}
}

// Polyhedron: KKT conditions of the projection at random points, for random
// polyhedra with more constraints than variables.
func TestPolyhedronKKT(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, dims := range [][2]int{{5, 3}, {20, 10}, {40, 60}, {100, 101}} {
		k, n := dims[0], dims[1]
		c := randDense(rng, k, n)
		d := make([]float64, k)
		for i := range d {
			d[i] = rng.Float64() // 0 is strictly feasible
		}
		p, err := NewPolyhedron(c, d)
		if err != nil {
			t.Fatal(err)
		}
		v, y := make([]float64, n), make([]float64, n)
		for trial := 0; trial < 20; trial++ {
			for i := range v {
				v[i] = 2 * rng.NormFloat64()
			}
			if err := p.Project(y, v); err != nil {
				t.Fatalf("k=%d n=%d: %v", k, n, err)
			}
			lam := p.Multipliers()
			var cy mat.VecDense
			cy.MulVec(c, mat.NewVecDense(n, y))
			// stationarity y − v + Cᵀλ = 0
			st := make([]float64, n)
			for i := range st {
				st[i] = y[i] - v[i]
			}
			for i := 0; i < k; i++ {
				for j := 0; j < n; j++ {
					st[j] += c.At(i, j) * lam[i]
				}
			}
			for j, s := range st {
				if math.Abs(s) > 1e-10 {
					t.Fatalf("k=%d n=%d: stationarity %v at %d", k, n, s, j)
				}
			}
			for i := 0; i < k; i++ {
				sl := cy.AtVec(i) - d[i]
				if lam[i] < 0 || sl > 1e-10 || math.Abs(lam[i]*sl) > 1e-10 {
					t.Fatalf("k=%d n=%d: KKT fails at %d: λ=%v, Cy−d=%v", k, n, i, lam[i], sl)
				}
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	if _, err := NewBox([]float64{1}, []float64{0}); !errors.Is(err, ErrInfeasible) {
		t.Errorf("empty box: %v", err)
	}
	if _, err := NewBall(2, nil, -1); err == nil {
		t.Error("negative radius accepted")
	}
	if _, err := NewSimplex(3, 0); err == nil {
		t.Error("zero-sum simplex accepted")
	}
	if _, err := NewHalfSpace([]float64{0, 0}, -1); !errors.Is(err, ErrInfeasible) {
		t.Errorf("empty half-space: %v", err)
	}
	a := mat.NewDense(2, 2, []float64{1, 1, 1, 1})
	if _, err := NewAffine(a, []float64{0, 1}); !errors.Is(err, ErrInfeasible) {
		t.Errorf("inconsistent A·y = b: %v", err)
	}
	// x ≤ −1 and −x ≤ −1 (x ≥ 1): empty polyhedron with dependent rows.
	p, err := NewPolyhedron(mat.NewDense(2, 1, []float64{1, -1}), []float64{-1, -1})
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, 1)
	if err := p.Project(y, []float64{0}); err == nil {
		t.Errorf("projection onto an empty polyhedron returned %v without error", y)
	} else {
		t.Log(err)
	}
	b, _ := UniformBox(2, 0, 1)
	if err := b.Project(make([]float64, 2), []float64{math.NaN(), 0}); !errors.Is(err, ErrNaN) {
		t.Errorf("NaN input: %v", err)
	}
}

func TestNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	sets := testSets(rng)
	for _, name := range []string{"box", "ball", "simplex", "halfspace", "affine", "product"} {
		s := sets[name]
		v, y := make([]float64, s.Dim()), make([]float64, s.Dim())
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		if a := testing.AllocsPerRun(10, func() { _ = s.Project(y, v) }); a != 0 {
			t.Errorf("%s: %v allocations per projection", name, a)
		}
	}
}

func BenchmarkProject(b *testing.B) {
	for _, n := range []int{100, 10000} {
		rng := rand.New(rand.NewPCG(1, 1))
		simplex, _ := NewSimplex(n, 1)
		hp, _ := NewHyperplane(randVec(rng, n), 0.5)
		box, _ := UniformBox(n, -1, 1)
		for name, s := range map[string]Set{"simplex": simplex, "hyperplane": hp, "box": box} {
			v, y := randVec(rng, n), make([]float64, n)
			b.Run(name+"/n="+itoa(n), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					_ = s.Project(y, v)
				}
			})
		}
	}
}

// BenchmarkPolyhedron projects a sequence of nearby points (warm start) onto
// {y : Cy ≤ d} with k constraints in 2k dimensions.
func BenchmarkPolyhedron(b *testing.B) {
	for _, k := range []int{50, 200, 500} {
		rng := rand.New(rand.NewPCG(2, 2))
		c := randDense(rng, k, 2*k)
		d := make([]float64, k)
		for i := range d {
			d[i] = rng.Float64()
		}
		p, _ := NewPolyhedron(c, d)
		v, y := randVec(rng, 2*k), make([]float64, 2*k)
		for i := range v {
			v[i] *= 3
		}
		b.Run("k="+itoa(k), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				v[i%len(v)] += 0.01
				if err := p.Project(y, v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

func itoa(n int) string { return strconv.Itoa(n) }
