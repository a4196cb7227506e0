package completion

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestExactRecovery(t *testing.T) {
	cases := []struct {
		name       string
		p          float64
		iters      int
		target     float64
		solver     Solver
		seedsPass  int
		seedsTotal int
	}{
		{"k10-p10-exact", 0.10, 20, 1e-8, SolverExact, 4, 5},
		{"k10-p05-exact", 0.05, 40, 1e-6, SolverExact, 4, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pass := 0
			for seed := uint64(1); seed <= uint64(c.seedsTotal); seed++ {
				rng := rand.New(rand.NewPCG(seed, 99))
				obs, X, Y := Synthetic(rng, 1000, 1000, 10, c.p)
				res, err := AltMin(context.Background(), obs, Settings{Rank: 10, MaxIter: c.iters, Solver: c.solver, Seed: seed, Tol: 1e-15})
				if err != nil {
					t.Fatal(err)
				}
				e := RelError(res.U, res.V, X, Y)
				t.Logf("seed %d: rel error %.3g after %d iterations (%v)", seed, e, res.Iterations, res.Status)
				if e < c.target {
					pass++
				}
			}
			if pass < c.seedsPass {
				t.Errorf("%d of %d seeds reached %g, want at least %d", pass, c.seedsTotal, c.target, c.seedsPass)
			}
		})
	}
}

// iterationsTo returns the first iteration at which the true relative error
// falls below target (0 if never) and the final error.
func iterationsTo(t *testing.T, obs *Observations, X, Y *mat.Dense, s Settings, target float64) (int, float64, *Result) {
	t.Helper()
	first := 0
	s.Recorder = func(it Iteration) bool {
		if first == 0 && RelError(it.U, it.V, X, Y) < target {
			first = it.Iter
		}
		return true
	}
	res, err := AltMin(context.Background(), obs, s)
	if err != nil {
		t.Fatal(err)
	}
	return first, RelError(res.U, res.V, X, Y), res
}

func TestFastVariantMatchesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 99))
	obs, X, Y := Synthetic(rng, 600, 500, 8, 0.12)
	base := Settings{Rank: 8, MaxIter: 25, Tol: 1e-15, Seed: 3}
	itE, errE, _ := iterationsTo(t, obs, X, Y, base, 1e-8)
	if itE == 0 {
		t.Fatalf("exact variant did not reach 1e-8 (final %g)", errE)
	}
	for _, tol := range []float64{1e-2, 1e-4} {
		s := base
		s.Solver, s.SolveTol = SolverCG, tol
		itC, errC, res := iterationsTo(t, obs, X, Y, s, 1e-8)
		t.Logf("ε₀=%g: reached 1e-8 at iteration %d (exact: %d); final error %.3g (exact %.3g); %d PCG iterations",
			tol, itC, itE, errC, errE, res.CGIterations)
		if itC == 0 || float64(itC) > 1.2*float64(itE) {
			t.Errorf("ε₀=%g: iterations to 1e-8 = %d, exact %d (allowed +20%%)", tol, itC, itE)
		}
		if errC > 10*errE && errC > 1e-13 {
			t.Errorf("ε₀=%g: final error %g > 10× exact %g", tol, errC, errE)
		}
	}
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	obs, _, _ := Synthetic(rng, 120, 90, 4, 0.3)
	for _, solver := range []Solver{SolverExact, SolverCG} {
		var ref []float64
		for _, w := range []int{1, 2, 5} {
			res, err := AltMin(context.Background(), obs, Settings{Rank: 4, MaxIter: 5, Workers: w, Solver: solver})
			if err != nil {
				t.Fatal(err)
			}
			got := res.U.RawMatrix().Data
			if ref == nil {
				ref = append([]float64(nil), got...)
				continue
			}
			for i := range ref {
				if got[i] != ref[i] {
					t.Fatalf("%v: workers=%d differs from workers=1 at %d", solver, w, i)
				}
			}
		}
	}
}

func TestSampleSplitting(t *testing.T) {
	// Faithful mode: 2T+1 disjoint parts, fresh samples every half-step. With
	// T = 5 each part holds 1/11 of Ω; the error must still contract
	// geometrically (by at least 2× per iteration) from the clipped spectral
	// initialization.
	rng := rand.New(rand.NewPCG(5, 1))
	obs, X, Y := Synthetic(rng, 400, 400, 3, 0.9)
	var hist []float64
	_, err := AltMin(context.Background(), obs, Settings{Rank: 3, MaxIter: 5, SplitSamples: true, Mu: 3, Tol: 1e-15,
		Recorder: func(it Iteration) bool { hist = append(hist, RelError(it.U, it.V, X, Y)); return true }})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(hist); i++ {
		if hist[i] > 0.5*hist[i-1] {
			t.Errorf("iteration %d: error %g did not halve (previous %g)", i+1, hist[i], hist[i-1])
		}
	}
	if len(hist) != 5 || hist[4] > 1e-3 {
		t.Errorf("errors %v: want 5 iterations ending below 1e-3", hist)
	}
}

func TestRelErrorAgainstDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	mk := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				m.Set(i, j, rng.NormFloat64())
			}
		}
		return m
	}
	U, V, X, Y := mk(7, 3), mk(5, 3), mk(7, 3), mk(5, 3)
	var a, b, d mat.Dense
	a.Mul(U, V.T())
	b.Mul(X, Y.T())
	d.Sub(&a, &b)
	want := mat.Norm(&d, 2) / mat.Norm(&b, 2)
	if got := RelError(U, V, X, Y); math.Abs(got-want) > 1e-13*want {
		t.Errorf("RelError = %.16g, dense %.16g", got, want)
	}
	if got := RelError(X, Y, X, Y); got != 0 && got > 1e-15 {
		t.Errorf("RelError of identical factors = %g", got)
	}
}

func TestBadInput(t *testing.T) {
	if _, err := NewObservations(3, 3, []int{0, 1, 0}, []int{1, 1, 1}, []float64{1, 2, 3}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate: err = %v", err)
	}
	if _, err := NewObservations(3, 3, []int{0, 3}, []int{1, 1}, []float64{1, 2}); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("out of range: err = %v", err)
	}
	if _, err := NewObservations(3, 3, []int{0}, []int{1}, []float64{math.NaN()}); err == nil {
		t.Error("NaN accepted")
	}
	obs, _ := NewObservations(4, 3, []int{0, 1, 2, 0}, []int{0, 0, 1, 1}, []float64{1, 2, 3, 4})
	if _, err := AltMin(context.Background(), obs, Settings{Rank: 4}); err == nil || !strings.Contains(err.Error(), "rank") {
		t.Errorf("rank > min(m,n): err = %v", err)
	}
	if _, err := AltMin(context.Background(), obs, Settings{Rank: 1, Lambda: -1}); err == nil {
		t.Error("negative λ accepted")
	}
	for _, s := range []Settings{
		{Rank: 2, Solver: SolverSketch, SketchRows: 1},
		{Rank: 2, Solver: SolverSketch, Sketch: SketchKind(9)},
		{Rank: 2, Solver: SolverSketch, SketchQR: SketchQR(9)},
	} {
		if _, err := AltMin(context.Background(), obs, s); err == nil || !strings.Contains(err.Error(), "sketch") && !strings.Contains(err.Error(), "factorization") {
			t.Errorf("%+v: err = %v", s, err)
		}
	}
	// Row 3 and column 2 are empty: their factor rows must be zero and reported.
	res, err := AltMin(context.Background(), obs, Settings{Rank: 1, MaxIter: 3, Lambda: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.EmptyRows) != 1 || res.EmptyRows[0] != 3 || len(res.EmptyCols) != 1 || res.EmptyCols[0] != 2 {
		t.Errorf("empty rows/cols = %v %v", res.EmptyRows, res.EmptyCols)
	}
	if res.U.At(3, 0) != 0 || res.V.At(2, 0) != 0 {
		t.Errorf("factor rows of empty row/col not zero: %v %v", res.U.At(3, 0), res.V.At(2, 0))
	}
	for _, v := range res.U.RawMatrix().Data {
		if math.IsNaN(v) {
			t.Fatal("NaN in factors")
		}
	}
}

func TestReadErrors(t *testing.T) {
	cases := []struct {
		name, in string
		f        Format
		want     string
	}{
		{"fields", "1 2 3\n1 2\n", FormatCOO, ":2: want 3 fields"},
		{"index", "0 2 3\n", FormatCOO, ":1: bad row index"},
		{"value", "1 2 x\n", FormatCOO, ":1: bad value"},
		{"nan", "1 2 NaN\n", FormatCOO, ":1: bad value"},
		{"dup", "1 2 3\n% c\n1 2 4\n", FormatCOO, ":3: entry (1, 2) repeats line 1"},
		{"ml-fields", "1\t2\t3\n", FormatMovieLens, ":1: want 4 fields"},
		{"ml-ts", "1\t2\t3\tx\n", FormatMovieLens, ":1: bad timestamp"},
		{"empty", "% nothing\n", FormatCOO, "no entries"},
	}
	for _, c := range cases {
		_, err := Read(strings.NewReader(c.in), "in.txt", c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "in.txt:") {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
	o, err := Read(strings.NewReader("17\t40\t4\t900000001\n12\t55\t2\t900000002\n"), "u.data", FormatMovieLens)
	if err != nil || o.Len() != 2 {
		t.Fatalf("MovieLens lines: %v", err)
	}
	if m, n := o.Dims(); m != 17 || n != 55 {
		t.Errorf("dims %d×%d", m, n)
	}
}

func FuzzRead(f *testing.F) {
	fuzzBudget(f)
	f.Add([]byte("1 2 3.5\n2 1 -1\n"), false)
	f.Add([]byte("% comment\n3 3 1e3\n1 1 0\n"), false)
	f.Add([]byte("1 1 1\n1 1 2\n"), false)
	f.Add([]byte("17\t40\t4\t900000001\n"), true)
	f.Add([]byte("1\t2\t3\n"), true)
	f.Add([]byte("99999999999 1 1\n"), false)
	f.Add([]byte("67108864 1 1\n"), false) // hostile corpus: over the budget
	f.Fuzz(func(t *testing.T, data []byte, ml bool) {
		format := FormatCOO
		if ml {
			format = FormatMovieLens
		}
		o, err := Read(bytes.NewReader(data), "fuzz", format)
		if err != nil {
			return
		}
		m, n := o.Dims()
		rows, cols, vals := o.Triplets()
		for k := range vals {
			if rows[k] < 0 || rows[k] >= m || cols[k] < 0 || cols[k] >= n || math.IsNaN(vals[k]) {
				t.Fatalf("bad triplet %d: (%d, %d, %v) in %d×%d", k, rows[k], cols[k], vals[k], m, n)
			}
		}
		// Row and column views must hold the same entries.
		total := 0
		for j := 0; j < n; j++ {
			r, _ := o.Col(j)
			total += len(r)
		}
		if total != o.Len() {
			t.Fatalf("column index holds %d entries, row index %d", total, o.Len())
		}
	})
}

func TestFactorsRoundTrip(t *testing.T) {
	F := mat.NewDense(3, 2, []float64{1, 2.5, -3, 4e-300, 0.1, math.Pi})
	var buf bytes.Buffer
	if err := WriteFactors(&buf, F); err != nil {
		t.Fatal(err)
	}
	G, err := ReadFactors(&buf, "f.json")
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(F, G) {
		t.Errorf("round trip changed the factors: %v", mat.Formatted(G))
	}
	for _, bad := range []string{`{"id":1,"features":[1]}` + "\n" + `{"id":2,"features":[1,2]}`, `{"id":0,"features":[1]}`, `nope`,
		`{"id":1,"features":[1]}` + "\n" + `{"id":1,"features":[2]}`} {
		if _, err := ReadFactors(strings.NewReader(bad), "f.json"); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
