package completion

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/sketch"
)

// The sketch preconditioner of one regression, by CholeskyQR and by
// Householder: RᵀR must equal AᵀA + λI when the design is factored itself
// (|Ω_j| ≤ s), and (SA)ᵀ(SA) + λI for the CountSketch S decoded from code
// when it is sketched; PCG with it must then solve the regression to the
// exact solution.
func TestSketchPreconditioner(t *testing.T) {
	for _, qr := range []SketchQR{CholeskyQR, HouseholderQR} {
		t.Run(qr.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 1))
			k, nIn := 6, 300
			in := make([]float64, nIn*k)
			for i := range in {
				in[i] = rng.NormFloat64()
			}
			cs := sketch.NewCountSketch(24, nIn, rng)
			code, ramp := make([]float64, nIn), make([]float64, 24)
			for i := range ramp {
				ramp[i] = float64(i + 1)
			}
			cs.ApplyTrans(code, ramp)
			w := newWorkers(1, k)
			w.initSketch(24, nIn, nIn, false, rng)
			w.setSketchQR(qr)
			ws := &w.ws[0]
			for _, c := range []struct {
				a      int
				lambda float64
			}{{15, 0}, {15, 0.3}, {200, 0}, {200, 2}} {
				idx := rng.Perm(nIn)[:c.a]
				vals := make([]float64, c.a)
				for i := range vals {
					vals[i] = rng.NormFloat64()
				}
				if !sketchPrec(ws, in, idx, code, nil, 24, k, c.lambda) {
					t.Fatalf("a=%d: preconditioner failed", c.a)
				}
				// want = MᵀM + λI with M = A (a ≤ s) or S·A (dense, from the code)
				want := make([]float64, k*k)
				rowsOf := func(f func(r int, u []float64)) {
					for _, i := range idx {
						f(i, in[i*k:i*k+k])
					}
				}
				if c.a <= 24 {
					rowsOf(func(_ int, u []float64) {
						for x := 0; x < k; x++ {
							for y := 0; y < k; y++ {
								want[x*k+y] += u[x] * u[y]
							}
						}
					})
				} else {
					sa := make([]float64, 24*k)
					rowsOf(func(i int, u []float64) {
						r, sg := int(math.Abs(code[i]))-1, math.Copysign(1, code[i])
						for x := 0; x < k; x++ {
							sa[r*k+x] += sg * u[x]
						}
					})
					for r := 0; r < 24; r++ {
						for x := 0; x < k; x++ {
							for y := 0; y < k; y++ {
								want[x*k+y] += sa[r*k+x] * sa[r*k+y]
							}
						}
					}
				}
				for x := 0; x < k; x++ {
					want[x*k+x] += c.lambda
				}
				l := ws.g // RᵀR = L Lᵀ
				for x := 0; x < k; x++ {
					for y := 0; y < k; y++ {
						var s float64
						for p := 0; p <= min(x, y); p++ {
							s += l[x*k+p] * l[y*k+p]
						}
						if math.Abs(s-want[x*k+y]) > 1e-10*(1+math.Abs(want[x*k+y])) {
							t.Fatalf("a=%d λ=%g: (RᵀR)[%d,%d] = %.15g, want %.15g", c.a, c.lambda, x, y, s, want[x*k+y])
						}
					}
				}
				// PCG with this preconditioner reaches the exact solution.
				set := Settings{Lambda: c.lambda, SolveTol: 1e-13, MaxCGIters: 200}
				x := make([]float64, k)
				its := pcgRow(ws, in, idx, vals, x, ws.g, k, set)
				ref := make([]float64, k)
				exactRow(ws, in, idx, vals, ref, k, c.lambda)
				for i := range x {
					if math.Abs(x[i]-ref[i]) > 1e-9*(1+math.Abs(ref[i])) {
						t.Errorf("a=%d λ=%g: x[%d] = %.12g, exact %.12g (%d iterations)", c.a, c.lambda, i, x[i], ref[i], its)
					}
				}
				if c.a <= 24 && its > 2 {
					t.Errorf("a=%d: %d PCG iterations with the exact factor, want ≤ 2", c.a, its)
				}
				t.Logf("a=%d λ=%g: %d PCG iterations to 1e-13", c.a, c.lambda, its)
			}
		})
	}
}

// The SRHT variant of the preconditioner (CholeskyQR and Householder): RᵀR
// equals (SA)ᵀ(SA) with S·A
// computed independently column by column (sketch.FWHT of D·A[:, c]), and
// PCG with it solves a regression to the exact solution in few iterations.
func TestSRHTPreconditioner(t *testing.T) {
	for _, qr := range []SketchQR{CholeskyQR, HouseholderQR} {
		t.Run(qr.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(12, 1))
			k, nIn, s := 6, 300, 24
			in := make([]float64, nIn*k)
			for i := range in {
				in[i] = rng.NormFloat64()
			}
			w := newWorkers(1, k)
			w.initSketch(s, nIn, nIn, true, rng)
			w.setSketchQR(qr)
			w.cs.ApplyTrans(w.code, w.ramp)
			w.drawSRHTRows()
			ws := &w.ws[0]
			for _, a := range []int{25, 200, 300} {
				idx := rng.Perm(nIn)[:a]
				vals := make([]float64, a)
				for i := range vals {
					vals[i] = rng.NormFloat64()
				}
				if !sketchPrec(ws, in, idx, w.code, w.srhtRows, s, k, 0) {
					t.Fatalf("a=%d: preconditioner failed", a)
				}
				e := 0
				for 1<<e < a {
					e++
				}
				sa := make([][]float64, k) // columns of S·A
				for c := range sa {
					x := make([]float64, 1<<e)
					for q, i := range idx {
						x[q] = math.Copysign(1, w.code[i]) * in[i*k+c]
					}
					sketch.FWHT(x)
					for _, r := range w.srhtRows[e] {
						sa[c] = append(sa[c], x[r]/math.Sqrt(float64(s)))
					}
				}
				for x := 0; x < k; x++ {
					for y := 0; y < k; y++ {
						want, got := dotk(sa[x], sa[y]), 0.0
						for p := 0; p <= min(x, y); p++ {
							got += ws.g[x*k+p] * ws.g[y*k+p]
						}
						if math.Abs(got-want) > 1e-10*(1+math.Abs(want)) {
							t.Fatalf("a=%d: (RᵀR)[%d,%d] = %.15g, want %.15g", a, x, y, got, want)
						}
					}
				}
				x, ref := make([]float64, k), make([]float64, k)
				its := pcgRow(ws, in, idx, vals, x, ws.g, k, Settings{SolveTol: 1e-13, MaxCGIters: 200})
				exactRow(ws, in, idx, vals, ref, k, 0)
				for i := range x {
					if math.Abs(x[i]-ref[i]) > 1e-9*(1+math.Abs(ref[i])) {
						t.Errorf("a=%d: x[%d] = %.12g, exact %.12g", a, i, x[i], ref[i])
					}
				}
				// The same with the solver's own CG on the gathered design (exactRow
				// overwrote ws.g: sketch again).
				sketchPrec(ws, in, idx, w.code, w.srhtRows, s, k, 0)
				x2 := make([]float64, k)
				its2 := sketchPCG(ws, vals, x2, k, Settings{SolveTol: 1e-13, MaxCGIters: 200})
				for i := range x2 {
					if math.Abs(x2[i]-ref[i]) > 1e-9*(1+math.Abs(ref[i])) {
						t.Errorf("a=%d: sketchPCG x[%d] = %.12g, exact %.12g", a, i, x2[i], ref[i])
					}
				}
				t.Logf("a=%d: %d PCG iterations to 1e-13 (sketchPCG %d)", a, its, its2)
				if its > 15 || its2 > 15 {
					t.Errorf("a=%d: %d iterations, want ≤ 15 with an embedding of 4k rows", a, its)
				}
			}
		})
	}
}

// AltMin with the sketch half-steps reaches 1e-8 in at most 20% more
// iterations than exact solves (as the PCG variant), with and without a
// ridge, and is the same for every number of workers.
func TestSketchVariantMatchesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 99))
	obs, X, Y := Synthetic(rng, 600, 500, 8, 0.12)
	base := Settings{Rank: 8, MaxIter: 25, Tol: 1e-15, Seed: 3}
	itE, errE, _ := iterationsTo(t, obs, X, Y, base, 1e-8)
	if itE == 0 {
		t.Fatalf("exact variant did not reach 1e-8 (final %g)", errE)
	}
	for _, c := range []struct {
		tol  float64
		kind SketchKind
	}{{1e-2, CountSketch}, {1e-4, CountSketch}, {1e-2, SRHT}} {
		tol := c.tol
		s := base
		s.Solver, s.SolveTol, s.Sketch = SolverSketch, tol, c.kind
		itS, errS, res := iterationsTo(t, obs, X, Y, s, 1e-8)
		t.Logf("%v ε₀=%g: reached 1e-8 at iteration %d (exact: %d); final error %.3g; %.2f iterations per regression",
			c.kind, tol, itS, itE, errS, float64(res.CGIterations)/float64(res.Regressions))
		if itS == 0 || float64(itS) > 1.2*float64(itE) {
			t.Errorf("ε₀=%g: iterations to 1e-8 = %d, exact %d (allowed +20%%)", tol, itS, itE)
		}
		if res.Regressions != res.Iterations*(600+500) {
			t.Errorf("ε₀=%g: %d regressions in %d iterations, want %d", tol, res.Regressions, res.Iterations, res.Iterations*1100)
		}
	}
	// with a ridge, against the exact ridge solution after the same iterations
	for _, lam := range []float64{0.5} {
		e, _ := AltMin(context.Background(), obs, Settings{Rank: 8, MaxIter: 8, Lambda: lam, Tol: 1e-300})
		s, _ := AltMin(context.Background(), obs, Settings{Rank: 8, MaxIter: 8, Lambda: lam, Tol: 1e-300, Solver: SolverSketch, SolveTol: 1e-12, MaxCGIters: 200})
		if d := RelError(s.U, s.V, e.U, e.V); d > 1e-8 {
			t.Errorf("λ=%g: sketch and exact products differ by %.3g", lam, d)
		}
	}
	for _, kind := range []SketchKind{CountSketch, SRHT} {
		var ref []float64
		for _, w := range []int{1, 3} {
			res, err := AltMin(context.Background(), obs, Settings{Rank: 8, MaxIter: 3, Workers: w, Solver: SolverSketch, Sketch: kind})
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
					t.Fatalf("%v: workers=%d differs from workers=1 at %d", kind, w, i)
				}
			}
		}
	}
}

// The sketch half-step allocates nothing per regression: the allocation
// count of a half-step does not depend on the number of rows.
func TestSketchHalfStepAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	k := 5
	for _, m := range []int{100, 400} {
		obs, _, _ := Synthetic(rng, m, m, k, 0.3)
		U := make([]float64, m*k)
		V := make([]float64, m*k)
		for i := range U {
			U[i] = rng.NormFloat64()
		}
		for _, kind := range []SketchKind{CountSketch, SRHT} {
			set := Settings{Rank: k, Solver: SolverSketch, Sketch: kind}
			set = set.withDefaults()
			set.Workers = 1
			w := newWorkers(1, k)
			w.initSketch(set.SketchRows, m, obs.maxLineLen(), kind == SRHT, rng)
			var cg, regs int
			allocs := testing.AllocsPerRun(3, func() { w.halfStep(obs, true, U, V, &set, &cg, &regs) })
			t.Logf("%v m=%d: %v allocations per half-step", kind, m, allocs)
			if allocs > 4 { // the goroutine of forChunks and its closure
				t.Errorf("%v m=%d: %v allocations per half-step", kind, m, allocs)
			}
		}
	}
}

// fwhtRows transforms every column as sketch.FWHT does, for even and odd
// numbers of stages.
func TestFWHTRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, n := range []int{1, 2, 4, 8, 32, 256} {
		k := 3
		h := make([]float64, n*k)
		for i := range h {
			h[i] = rng.NormFloat64()
		}
		want := make([][]float64, k)
		for c := range want {
			want[c] = make([]float64, n)
			for r := 0; r < n; r++ {
				want[c][r] = h[r*k+c]
			}
			sketch.FWHT(want[c])
		}
		fwhtRows(h, k)
		for c := range want {
			for r := 0; r < n; r++ {
				if math.Abs(h[r*k+c]-want[c][r]) > 1e-12*math.Sqrt(float64(n)) {
					t.Fatalf("n=%d: (%d,%d) = %g, want %g", n, r, c, h[r*k+c], want[c][r])
				}
			}
		}
	}
}

// CholeskyQR falls back to Householder when the sketch is too ill
// conditioned for its Gram matrix (here one column scaled by 1e-9, so
// κ(SA) ≈ 1e9 and κ(G) ≈ 1e18): the factor is then bit for bit the one of
// HouseholderQR, and CG with it still reaches the exact regression
// solution. For a well-conditioned design the two factors differ (CholeskyQR
// was used) but agree as RᵀR.
func TestCholeskyQRFallback(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 2))
	k, nIn, s := 6, 400, 30
	for _, scale := range []float64{1, 1e-9} {
		in := make([]float64, nIn*k)
		for i := range in {
			in[i] = rng.NormFloat64()
			if i%k == k-1 {
				in[i] *= scale
			}
		}
		idx := rng.Perm(nIn)[:300]
		vals := make([]float64, len(idx))
		for i := range vals {
			vals[i] = rng.NormFloat64()
		}
		var g [2][]float64
		for q, qr := range []SketchQR{CholeskyQR, HouseholderQR} {
			w := newWorkers(1, k)
			w.initSketch(s, nIn, nIn, true, rand.New(rand.NewPCG(5, 5)))
			w.setSketchQR(qr)
			w.cs.ApplyTrans(w.code, w.ramp)
			w.drawSRHTRows()
			ws := &w.ws[0]
			if !sketchPrec(ws, in, idx, w.code, w.srhtRows, s, k, 0) {
				t.Fatalf("scale %g, %v: preconditioner failed", scale, qr)
			}
			g[q] = append([]float64(nil), ws.g...)
			x := make([]float64, k)
			sketchPCG(ws, vals, x, k, Settings{SolveTol: 1e-14, MaxCGIters: 100})
			// reference: the least-squares solution by gonum's QR
			a := mat.NewDense(len(idx), k, nil)
			for r, i := range idx {
				a.SetRow(r, in[i*k:i*k+k])
			}
			var ref mat.VecDense
			if err := ref.SolveVec(a, mat.NewVecDense(len(vals), vals)); err != nil {
				t.Fatal(err)
			}
			for i := range x {
				// the last coefficient is ~1/scale times larger: compare
				// coordinate by coordinate, relative to its own size
				if math.Abs(x[i]-ref.AtVec(i)) > 1e-6*math.Abs(ref.AtVec(i)) {
					t.Errorf("scale %g, %v: x[%d] = %.12g, exact %.12g", scale, qr, i, x[i], ref.AtVec(i))
				}
			}
		}
		same := true
		for i := 0; i < k; i++ {
			for p := 0; p <= i; p++ {
				same = same && g[0][i*k+p] == g[1][i*k+p]
			}
		}
		if scale == 1 && same {
			t.Errorf("well conditioned: CholeskyQR gave Householder's factor bit for bit (fallback taken?)")
		}
		if scale != 1 && !same {
			t.Errorf("κ ≈ 1e9: CholeskyQR did not fall back to Householder")
		}
	}
}

// srhtDistortion returns the extreme singular values of S·Q, averaged over
// draws, for the SRHT S of sketchBuild with s rows and Q an orthonormal
// basis of a random a×k Gaussian design: the embedding's distortion, which
// bounds the preconditioned condition number ((σmax/σmin)²).
func srhtDistortion(t *testing.T, a, k, s, draws int) (smin, smax float64) {
	rng := rand.New(rand.NewPCG(uint64(31*a+k), uint64(s)))
	for d := 0; d < draws; d++ {
		g := mat.NewDense(a, k, nil)
		for i := 0; i < a; i++ {
			for j := 0; j < k; j++ {
				g.Set(i, j, rng.NormFloat64())
			}
		}
		// Q = G·R⁻¹ with GᵀG = RᵀR (a thin orthonormal basis; orth would
		// build the full a×a Q)
		var gtg mat.SymDense
		gtg.SymOuterK(1, g.T())
		var ch mat.Cholesky
		if !ch.Factorize(&gtg) {
			t.Fatal("Cholesky of GᵀG failed")
		}
		var r, rinv mat.TriDense
		ch.UTo(&r)
		if err := rinv.InverseTri(&r); err != nil {
			t.Fatal(err)
		}
		var q mat.Dense
		q.Mul(g, &rinv)
		in := append([]float64(nil), q.RawMatrix().Data...)
		idx := make([]int, a)
		for i := range idx {
			idx[i] = i
		}
		w := newWorkers(1, k)
		w.initSketch(s, a, a, true, rng)
		w.cs.ApplyTrans(w.code, w.ramp)
		w.drawSRHTRows()
		ws := &w.ws[0]
		nr := sketchBuild(ws, in, idx, w.code, w.srhtRows, s, k, 0)
		var sv mat.SVD
		if !sv.Factorize(mat.NewDense(nr, k, ws.sk.sa[:nr*k]), mat.SVDNone) {
			t.Fatal("SVD failed")
		}
		v := sv.Values(nil)
		smax += v[0] / float64(draws)
		smin += v[k-1] / float64(draws)
	}
	return smin, smax
}

// The SRHT's distortion explains how the iterations per regression depend
// on k at s = c·k. For large designs (a = 1600) the singular values of S·Q
// approach the Marchenko–Pastur edges 1 ± √(k/s) from inside as k grows, so
// the CG count rises with k towards its limit; for a = 200 at k = 40 the s
// sampled rows are a large fraction of the 2^8 = 256 transformed rows and
// sampling without replacement embeds better (the spread shrinks by about
// √(1 − s/256)), which masked the rise in the |Ω_j| ≈ 200 sweep.
func TestSRHTDistortion(t *testing.T) {
	const draws = 8
	type key struct{ a, k, c int }
	dist := map[key]float64{}
	for _, a := range []int{200, 1600} {
		for _, c := range []int{3, 5} {
			if a == 200 && c == 5 {
				continue // s = 200 at k = 40: the design is factored itself
			}
			for _, k := range []int{10, 40} {
				lo, hi := srhtDistortion(t, a, k, c*k, draws)
				mp := math.Sqrt(1 / float64(c))
				// the preconditioned condition number and the CG count it
				// implies for a 1e-2 reduction, (√κ − 1)/(√κ + 1) = (hi − lo)/(hi + lo)
				rate := (hi - lo) / (hi + lo)
				t.Logf("a=%4d k=%2d s=%dk: σ ∈ [%.3f, %.3f] (MP edges [%.3f, %.3f]); CG rate %.3f → %.1f iterations for 1e-2",
					a, k, c, lo, hi, 1-mp, 1+mp, rate, math.Log(1e-2)/math.Log(rate))
				dist[key{a, k, c}] = rate
				if lo < 1-mp-0.05 || hi > 1+mp+0.05 {
					t.Errorf("a=%d k=%d s=%dk: σ ∈ [%.3f, %.3f] outside the MP edges [%.3f, %.3f] by more than 0.05", a, k, c, lo, hi, 1-mp, 1+mp)
				}
			}
		}
	}
	for _, c := range []int{3, 5} {
		// the rise with k at a = 1600 ...
		if !(dist[key{1600, 40, c}] > dist[key{1600, 10, c}]) {
			t.Errorf("s=%dk, a=1600: rate at k=40 (%.3f) not above k=10 (%.3f)", c, dist[key{1600, 40, c}], dist[key{1600, 10, c}])
		}
		// ... is masked at a = 200, k = 40 by the sampling fraction
		if c == 3 && !(dist[key{200, 40, c}] < dist[key{1600, 40, c}]) {
			t.Errorf("s=%dk, k=40: rate at a=200 (%.3f) not below a=1600 (%.3f)", c, dist[key{200, 40, c}], dist[key{1600, 40, c}])
		}
	}
}
