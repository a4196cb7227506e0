package sinkhorn

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"
)

// lcgCost reproduces the instances of testdata/pot_reference.py bit for bit.
func lcgSeq(k int, seed uint64) []float64 {
	s := seed
	out := make([]float64, k)
	for i := range out {
		s = s*6364136223846793005 + 1442695040888963407
		out[i] = float64(s>>11) / (1 << 53)
	}
	return out
}

func lcgInstance(n, m int, seed uint64, uniform bool) (a, b []float64, c *mat.Dense) {
	c = mat.NewDense(n, m, lcgSeq(n*m, seed))
	if uniform {
		a, b = make([]float64, n), make([]float64, m)
		for i := range a {
			a[i] = 1 / float64(n)
		}
		for j := range b {
			b[j] = 1 / float64(m)
		}
		return a, b, c
	}
	a, b = lcgSeq(n, seed+1), lcgSeq(m, seed+2)
	var sa, sb float64
	for i := range a {
		a[i] += 0.5
		sa += a[i]
	}
	for j := range b {
		b[j] += 0.5
		sb += b[j]
	}
	for i := range a {
		a[i] /= sa
	}
	for j := range b {
		b[j] /= sb
	}
	return a, b, c
}

// randomUniform returns a U[0,1] cost and uniform marginals.
func randomUniform(n int, seed uint64) ([]float64, *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 1))
	c := mat.NewDense(n, n, nil)
	raw := c.RawMatrix().Data
	for i := range raw {
		raw[i] = rng.Float64()
	}
	a := make([]float64, n)
	for i := range a {
		a[i] = 1 / float64(n)
	}
	return a, c
}

func relErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}

// T1: finite differences of f, ∇f and ∇²f at n = 5..20.
func TestDualDerivativesFD(t *testing.T) {
	for _, tc := range []struct {
		n, m int
		eta  float64
	}{{5, 5, 3}, {8, 6, 10}, {20, 20, 5}} {
		rng := rand.New(rand.NewPCG(uint64(tc.n), 3))
		a, b, c := lcgInstance(tc.n, tc.m, uint64(tc.n*tc.m), false)
		x, y := make([]float64, tc.n), make([]float64, tc.m)
		for i := range x {
			x[i] = 0.3 * rng.NormFloat64()
		}
		for j := range y {
			y[j] = 0.3 * rng.NormFloat64()
		}
		gx, gy := DualGrad(nil, nil, a, b, c, tc.eta, x, y)
		g := append(append([]float64{}, gx...), gy...)
		hess := DualHessian(nil, c, tc.eta, x, y)
		z := append(append([]float64{}, x...), y...)
		split := func(z []float64) ([]float64, []float64) { return z[:tc.n], z[tc.n:] }
		const h = 1e-5
		gscale := 0.0
		for _, v := range g {
			gscale = math.Max(gscale, math.Abs(v))
		}
		for k := range z {
			zp := append([]float64{}, z...)
			zm := append([]float64{}, z...)
			zp[k] += h
			zm[k] -= h
			xp, yp := split(zp)
			xm, ym := split(zm)
			fd := (Dual(a, b, c, tc.eta, xp, yp) - Dual(a, b, c, tc.eta, xm, ym)) / (2 * h)
			if math.Abs(fd-g[k]) > 1e-6*math.Max(gscale, 1e-3) {
				t.Errorf("n=%d: ∂f/∂z_%d: FD %v, analytic %v", tc.n, k, fd, g[k])
			}
			gpx, gpy := DualGrad(nil, nil, a, b, c, tc.eta, xp, yp)
			gmx, gmy := DualGrad(nil, nil, a, b, c, tc.eta, xm, ym)
			gp := append(gpx, gpy...)
			gm := append(gmx, gmy...)
			hscale := math.Abs(hess.At(k, k))
			for l := range z {
				fd := (gp[l] - gm[l]) / (2 * h)
				if math.Abs(fd-hess.At(l, k)) > 1e-6*hscale {
					t.Errorf("n=%d: ∂²f/∂z_%d∂z_%d: FD %v, analytic %v", tc.n, l, k, fd, hess.At(l, k))
				}
			}
		}
		// negative semidefinite, with (1, −1) in the null space
		hv := make([]float64, tc.n+tc.m)
		for l := range hv {
			for k := range z {
				v := 1.0
				if k >= tc.n {
					v = -1
				}
				hv[l] += hess.At(l, k) * v
			}
			if math.Abs(hv[l]) > 1e-14*math.Abs(hess.At(l, l)) {
				t.Errorf("n=%d: (∇²f·(1,−1))_%d = %v", tc.n, l, hv[l])
			}
		}
		var eig mat.EigenSym
		if !eig.Factorize(hess, false) {
			t.Fatal("eigen decomposition failed")
		}
		vals := eig.Values(nil)
		if vals[len(vals)-1] > 1e-12*math.Abs(vals[0]) {
			t.Errorf("n=%d: largest Hessian eigenvalue %v > 0: ∇²f is not negative semidefinite", tc.n, vals[len(vals)-1])
		}
	}
}

// T1: the Sinkhorn x-update maximises f over x: ∇_x f = 0 afterwards.
func TestSinkhornUpdateIsExactAscent(t *testing.T) {
	a, b, c := lcgInstance(15, 12, 5, false)
	eta := 30.0
	s := Settings{Eta: eta}
	p, _, _, err := validate(a, b, c, &s)
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(p)
	defer e.close()
	x, y := make([]float64, 15), make([]float64, 12)
	for j := range y {
		y[j] = 0.1 * float64(j%5)
	}
	sx, xn := make([]float64, 15), make([]float64, 15)
	e.halfX(x, y, sx, xn)
	xs, ys := make([]float64, 15), make([]float64, 12)
	for i := range xs {
		xs[i] = xn[i] / eta
	}
	for j := range ys {
		ys[j] = y[j] / eta
	}
	f1 := Dual(a, b, c, eta, xs, ys)
	gx, _ := DualGrad(nil, nil, a, b, c, eta, xs, ys)
	for i, v := range gx {
		if math.Abs(v) > 1e-14*a[i]*10 {
			t.Errorf("∂f/∂x_%d = %v after the x-update", i, v)
		}
	}
	// any perturbation of x lowers f
	for i := range xs {
		xp := append([]float64{}, xs...)
		xp[i] += 1e-3
		if Dual(a, b, c, eta, xp, ys) > f1 {
			t.Errorf("f increased by moving x_%d after the exact x-update", i)
		}
	}
}

// T1: the Newton direction is an ascent direction and, with no
// sparsification, equals the dense pseudo-inverse Newton step.
func TestNewtonDirection(t *testing.T) {
	n, m := 10, 8
	a, b, c := lcgInstance(n, m, 21, false)
	eta := 20.0
	s := Settings{Eta: eta}
	p, _, _, _ := validate(a, b, c, &s)
	e := newEngine(p)
	defer e.close()
	rng := rand.New(rand.NewPCG(4, 4))
	x, y := make([]float64, n), make([]float64, m)
	for i := range x {
		x[i] = 0.2 * rng.NormFloat64()
	}
	for j := range y {
		y[j] = 0.2 * rng.NormFloat64()
	}
	pl, rs, cs := make([]float64, n*m), make([]float64, n), make([]float64, m)
	e.plan(pl, rs, cs, x, y)
	g := make([]float64, n+m)
	for i := range rs {
		g[i] = a[i] - rs[i]
	}
	for j := range cs {
		g[n+j] = b[j] - cs[j]
	}
	scratch := make([]float64, n*m)
	for _, tc := range []struct {
		k      int
		direct bool
	}{{n * m, false}, {12, false}, {n * m, true}, {12, true}} {
		k := tc.k
		h := newNewton(n, m)
		if tc.direct { // the adaptive rule's selection and dense Schur-complement solve
			h.rowMax, h.colMax = make([]float64, n), make([]float64, m)
			h.direct, h.directOK = true, true
		}
		dz, _, ok := h.direction(context.Background(), pl, rs, cs, g, 1e-300, k, scratch, &SNSSettings{CGTol: 1e-14})
		if !ok {
			t.Fatal("CG failed")
		}
		var dd float64
		for i, v := range dz {
			dd += v * g[i]
		}
		if !(dd > 0) {
			t.Errorf("k=%d: ∇f·Δ = %v, not an ascent direction", k, dd)
		}
		if k != n*m {
			continue
		}
		// dense check: Δ (in x units) = −(∇²f)⁺∇f, the minimum-norm solution
		hess := DualHessian(nil, c, eta, scale(x, 1/eta), scale(y, 1/eta))
		var svd mat.SVD
		svd.Factorize(hess, mat.SVDFull)
		var want mat.VecDense
		gv := mat.NewVecDense(n+m, g)
		rank := svd.Rank(1e-12)
		if rank != n+m-1 {
			t.Errorf("Hessian rank %d, want %d", rank, n+m-1)
		}
		svd.SolveVecTo(&want, gv, rank)
		for i, v := range dz {
			w := -want.AtVec(i) * eta // scaled potentials
			if math.Abs(v-w) > 1e-8*math.Max(1, math.Abs(w)) {
				t.Errorf("Δ_%d = %v, dense Newton step %v", i, v, w)
			}
		}
	}
}

func scale(v []float64, s float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = s * x
	}
	return out
}

// T1, T2: SNS on the paper's random case, n = 500, η = 1200: at most 60
// iterations to 1e-12 and f never decreases in the Newton stage.
func TestSNSRandom500(t *testing.T) {
	a, c := randomUniform(500, 1)
	for _, fixed := range []bool{true, false} {
		r, err := SNS(context.Background(), a, a, c, SNSSettings{Settings: Settings{Eta: 1200, Tol: 1e-12, History: true}, FixedSparsity: fixed})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != Converged || r.MarginalError > 1e-12 {
			t.Fatalf("fixed=%v: status %v, error %g", fixed, r.Status, r.MarginalError)
		}
		total := r.Iterations + r.NewtonIterations
		t.Logf("fixed λ=%v: SNS: %d Sinkhorn + %d Newton = %d iterations, %d CG iterations, error %.3g", fixed, r.Iterations, r.NewtonIterations, total, r.CGIterations, r.MarginalError)
		if total > 60 || r.Iterations != 20 {
			t.Errorf("fixed=%v: SNS took %d Sinkhorn + %d Newton iterations; want N₁ = 20 and ≤ 60 in total", fixed, r.Iterations, r.NewtonIterations)
		}
		prev, prevErr := math.Inf(-1), math.Inf(1)
		for _, it := range r.History {
			if it.Iter < 20 {
				continue
			}
			// f never decreases, except that the line search accepts a
			// change at the rounding level of f when the marginal error
			// decreases (documented in SNS)
			if it.Dual < prev-1e-15*math.Abs(prev) && !(it.MarginalError < prevErr && it.Dual >= prev-1e-14) {
				t.Errorf("fixed=%v: f decreased at iteration %d: %.17g < %.17g", fixed, it.Iter, it.Dual, prev)
			}
			prev, prevErr = it.Dual, it.MarginalError
		}
		if math.Abs(r.Dual-r.Objective) > 1e-12 {
			t.Errorf("fixed=%v: duality gap: dual %.17g, primal %.17g", fixed, r.Dual, r.Objective)
		}
	}
}

// T5: POT 0.8.2 cross-check. The constants come from
//
//	/usr/bin/python3 sinkhorn/testdata/pot_reference.py
//
// (ot.bregman.sinkhorn_log(a, b, C, reg=1/η, stopThr=1e-15, log=True)).
func TestAgainstPOT(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		n, m                 int
		seed                 uint64
		uniform              bool
		eta                  float64
		cost, p00, p37, maxP float64
		fg00, fg25           float64
	}{
		{"uniform20", 20, 20, 7, true, 50, 0.08168439348500095, 4.9627375715257446e-12, 0.011234830799096531, 0.047643911537683742, -0.027369005114886873, -0.045038227753040352},
		{"skew12x15", 12, 15, 11, false, 200, 0.087256417651620594, 7.214195615265038e-63, 1.1200873452731282e-28, 0.09164722061792506, 0.15778028001465677, -0.068999015027651961},
	} {
		a, b, c := lcgInstance(tc.n, tc.m, tc.seed, tc.uniform)
		for _, method := range []string{"log", "scaling", "sns"} {
			var r *Result
			var err error
			s := Settings{Eta: tc.eta, Tol: 1e-14, MaxIter: 100000}
			switch method {
			case "log":
				s.Domain = Log
				r, err = Sinkhorn(context.Background(), a, b, c, s)
			case "scaling":
				s.Domain = Scaling
				r, err = Sinkhorn(context.Background(), a, b, c, s)
			case "sns":
				r, err = SNS(context.Background(), a, b, c, SNSSettings{Settings: s, Sparsity: 1})
			}
			if err != nil {
				t.Fatal(err)
			}
			if method == "scaling" && tc.eta == 200 {
				// exp(−200·C) spans 1e-87: still representable, must work
				if r.Status != Converged {
					t.Errorf("%s/%s: %v", tc.name, method, r.Status)
				}
			}
			if r.Status != Converged {
				t.Errorf("%s/%s: status %v, error %g", tc.name, method, r.Status, r.MarginalError)
				continue
			}
			if relErr(r.Cost, tc.cost) > 1e-9 {
				t.Errorf("%s/%s: cost %.17g, POT %.17g", tc.name, method, r.Cost, tc.cost)
			}
			for _, q := range []struct{ got, want float64 }{{r.Plan.At(0, 0), tc.p00}, {r.Plan.At(3, 7), tc.p37}, {mat.Max(r.Plan), tc.maxP}} {
				if math.Abs(q.got-q.want) > 1e-10*tc.maxP*1e-1 {
					t.Errorf("%s/%s: plan entry %.17g, POT %.17g", tc.name, method, q.got, q.want)
				}
			}
			// potentials after gauge fixing: f_i + g_j = x_i + y_j − 1/η
			for _, q := range []struct {
				i, j int
				want float64
			}{{0, 0, tc.fg00}, {2, 5, tc.fg25}} {
				got := r.X[q.i] + r.Y[q.j] - 1/tc.eta
				if math.Abs(got-q.want) > 1e-10 {
					t.Errorf("%s/%s: x_%d + y_%d − 1/η = %.17g, POT f+g = %.17g", tc.name, method, q.i, q.j, got, q.want)
				}
			}
		}
	}
}

// T6: 0 ≤ ⟨C, P_η⟩ − OT ≤ (log n)/η against the exact assignment.
func TestExactOTBound(t *testing.T) {
	for _, tc := range []struct {
		n   int
		eta float64
	}{{50, 100}, {120, 300}, {200, 300}, {200, 1200}} {
		a, c := randomUniform(tc.n, uint64(tc.n))
		perm, total := Assignment(c)
		ot := total / float64(tc.n)
		r, err := SNS(context.Background(), a, a, c, SNSSettings{Settings: Settings{Eta: tc.eta, Tol: 1e-11}})
		if err != nil || r.Status != Converged {
			t.Fatalf("n=%d: %v %v", tc.n, err, r.Status)
		}
		gap := r.Cost - ot
		bound := math.Log(float64(tc.n)) / tc.eta
		t.Logf("n=%d η=%g: ⟨C,P⟩ − OT = %.3g ≤ log n/η = %.3g", tc.n, tc.eta, gap, bound)
		if gap < -1e-12 || gap > bound+1e-9 {
			t.Errorf("n=%d η=%g: ⟨C,P⟩ − OT = %g outside [0, %g]", tc.n, tc.eta, gap, bound)
		}
		// the assignment is optimal: no 2-swap improves it
		for i := 0; i < tc.n; i++ {
			for k := i + 1; k < tc.n; k++ {
				if c.At(i, perm[k])+c.At(k, perm[i]) < c.At(i, perm[i])+c.At(k, perm[k])-1e-12 {
					t.Fatalf("assignment not optimal: swapping %d and %d improves it", i, k)
				}
			}
		}
	}
}

// Hungarian method against brute force on small problems.
func TestAssignmentBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for n := 1; n <= 7; n++ {
		c := mat.NewDense(n, n, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				c.Set(i, j, math.Floor(10*rng.Float64()))
			}
		}
		_, got := Assignment(c)
		best := math.Inf(1)
		perm := make([]int, n)
		for i := range perm {
			perm[i] = i
		}
		var rec func(k int)
		rec = func(k int) {
			if k == n {
				s := 0.0
				for i, j := range perm {
					s += c.At(i, j)
				}
				best = math.Min(best, s)
				return
			}
			for i := k; i < n; i++ {
				perm[k], perm[i] = perm[i], perm[k]
				rec(k + 1)
				perm[k], perm[i] = perm[i], perm[k]
			}
		}
		rec(0)
		if got != best {
			t.Errorf("n=%d: Hungarian %v, brute force %v", n, got, best)
		}
	}
}

// T8: no NaN or Inf over η ∈ {10, 100, 1200, 5000} for costs in [0, 1];
// SNS converges at small η too.
func TestRobustEta(t *testing.T) {
	a, c := randomUniform(100, 2)
	for _, eta := range []float64{10, 100, 1200, 5000} {
		for _, method := range []string{"sinkhorn", "sns"} {
			var r *Result
			var err error
			if method == "sns" {
				r, err = SNS(context.Background(), a, a, c, SNSSettings{Settings: Settings{Eta: eta, Tol: 1e-11, MaxIter: 300}})
			} else {
				r, err = Sinkhorn(context.Background(), a, a, c, Settings{Eta: eta, Tol: 1e-11, MaxIter: 300})
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status == NumericalFailure {
				t.Errorf("η=%g %s: numerical failure", eta, method)
			}
			raw := r.Plan.RawMatrix().Data
			for _, v := range append(append(append([]float64{}, raw...), r.X...), r.Y...) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("η=%g %s: non-finite value in the result", eta, method)
				}
			}
			for _, v := range []float64{r.Cost, r.Objective, r.Dual, r.MarginalError} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("η=%g %s: non-finite summary value", eta, method)
				}
			}
			// SNS converges at small η; at η ≥ 1200 on n = 100 the sparse
			// Newton systems become ill-conditioned and CG (capped at
			// 10(n+m) iterations) slows the last digits down.
			if method == "sns" && (eta <= 100 && r.Status != Converged || r.MarginalError > 1e-8) {
				t.Errorf("η=%g: SNS %v after %d+%d iterations, error %g", eta, r.Status, r.Iterations, r.NewtonIterations, r.MarginalError)
			}
		}
	}
}

// Zero-mass entries and unequal masses give clear errors; DropZeros removes
// zero entries and reports them.
func TestBadMarginals(t *testing.T) {
	_, c := randomUniform(4, 3)
	good := []float64{0.25, 0.25, 0.25, 0.25}
	for _, tc := range []struct {
		name string
		a, b []float64
		eta  float64
	}{
		{"zero", []float64{0.5, 0, 0.25, 0.25}, good, 10},
		{"unequal", []float64{0.5, 0.5, 0.25, 0.25}, good, 10},
		{"negative", []float64{0.5, -0.25, 0.5, 0.25}, good, 10},
		{"nan", []float64{math.NaN(), 0.25, 0.25, 0.25}, good, 10},
		{"eta", good, good, 0},
	} {
		_, err := Sinkhorn(context.Background(), tc.a, tc.b, c, Settings{Eta: tc.eta})
		if !errors.Is(err, ErrBadInput) {
			t.Errorf("%s: error %v, want ErrBadInput", tc.name, err)
		}
		_, err = SNS(context.Background(), tc.a, tc.b, c, SNSSettings{Settings: Settings{Eta: tc.eta}})
		if !errors.Is(err, ErrBadInput) {
			t.Errorf("%s: SNS error %v, want ErrBadInput", tc.name, err)
		}
	}
	a := []float64{0.5, 0, 0.25, 0.25}
	b := []float64{0.25, 0.25, 0.5, 0}
	r, err := Sinkhorn(context.Background(), a, b, c, Settings{Eta: 10, DropZeros: true, Tol: 1e-12})
	if err != nil || r.Status != Converged {
		t.Fatalf("DropZeros: %v %v", err, r)
	}
	if len(r.DroppedA) != 1 || r.DroppedA[0] != 1 || len(r.DroppedB) != 1 || r.DroppedB[0] != 3 {
		t.Errorf("dropped %v %v", r.DroppedA, r.DroppedB)
	}
	for j := 0; j < 4; j++ {
		if r.Plan.At(1, j) != 0 || r.Plan.At(j, 3) != 0 {
			t.Errorf("dropped row/column not zero")
		}
	}
	if !math.IsInf(r.X[1], -1) || !math.IsInf(r.Y[3], -1) {
		t.Errorf("dropped potentials %v %v", r.X[1], r.Y[3])
	}
	// against the reduced problem solved directly
	cr := mat.NewDense(3, 3, nil)
	ia, ib := []int{0, 2, 3}, []int{0, 1, 2}
	for i, ii := range ia {
		for j, jj := range ib {
			cr.Set(i, j, c.At(ii, jj))
		}
	}
	r2, _ := Sinkhorn(context.Background(), []float64{0.5, 0.25, 0.25}, []float64{0.25, 0.25, 0.5}, cr, Settings{Eta: 10, Tol: 1e-12})
	if relErr(r.Cost, r2.Cost) > 1e-12 {
		t.Errorf("DropZeros cost %v, reduced problem %v", r.Cost, r2.Cost)
	}
	r3, err := SNS(context.Background(), a, b, c, SNSSettings{Settings: Settings{Eta: 10, DropZeros: true, Tol: 1e-12}, WarmUp: -1})
	if err != nil || r3.Status != Converged || relErr(r3.Cost, r2.Cost) > 1e-12 || len(r3.DroppedA) != 1 {
		t.Errorf("SNS with DropZeros and no warm-up: %v %v cost %v, want %v", err, r3.Status, r3.Cost, r2.Cost)
	}
}

// Results do not depend on the number of workers (bit for bit).
func TestDeterministicWorkers(t *testing.T) {
	a, c := randomUniform(130, 5)
	var ref *Result
	for _, w := range []int{1, 2, 3, 7} {
		r, err := SNS(context.Background(), a, a, c, SNSSettings{Settings: Settings{Eta: 300, Tol: 1e-12, Workers: w}})
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = r
			continue
		}
		if r.Cost != ref.Cost || !mat.Equal(r.Plan, ref.Plan) || r.NewtonIterations != ref.NewtonIterations {
			t.Errorf("workers=%d: cost %.17g vs %.17g", w, r.Cost, ref.Cost)
		}
	}
}

// Auto domain: the scaling iteration for small η·range(C), the log domain
// otherwise, with identical answers; ε-scaling reaches the same plan.
func TestDomainsAgree(t *testing.T) {
	a, b, c := lcgInstance(30, 25, 3, false)
	for _, eta := range []float64{20, 500} {
		var res []*Result
		for _, s := range []Settings{
			{Eta: eta, Tol: 1e-13, MaxIter: 100000},
			{Eta: eta, Tol: 1e-13, MaxIter: 100000, Domain: Log},
			{Eta: eta, Tol: 1e-13, MaxIter: 100000, EtaStart: 1},
		} {
			r, err := Sinkhorn(context.Background(), a, b, c, s)
			if err != nil || r.Status != Converged {
				t.Fatalf("η=%g %+v: %v %v", eta, s, err, r.Status)
			}
			res = append(res, r)
		}
		if eta == 20 && res[0].Domain != Scaling || eta == 500 && res[0].Domain != Log {
			t.Errorf("η=%g: Auto chose %v", eta, res[0].Domain)
		}
		for _, r := range res[1:] {
			var d mat.Dense
			d.Sub(r.Plan, res[0].Plan)
			if md := mat.Norm(&d, math.Inf(1)); md > 1e-12 {
				t.Errorf("η=%g: plans differ by %g", eta, md)
			}
		}
	}
	// the scaling domain fails cleanly where the kernel underflows
	a2, c2 := randomUniform(50, 4)
	raw := c2.RawMatrix().Data
	for i := range raw {
		raw[i] += 0.2 // exp(−5000·0.2) = 0 in float64
	}
	r, err := Sinkhorn(context.Background(), a2, a2, c2, Settings{Eta: 5000, Domain: Scaling, MaxIter: 50})
	if err != nil || r.Status != NumericalFailure {
		t.Errorf("scaling at η=5000: %v %v, want NumericalFailure", err, r.Status)
	}
}

func TestQuickselect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 7))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(300)
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Floor(rng.Float64() * float64(1+trial%20)) // many ties
		}
		k := 1 + rng.IntN(n)
		s := append([]float64{}, v...)
		sort.Sort(sort.Reverse(sort.Float64Slice(s)))
		w := append([]float64{}, v...)
		got := selectLargest(w, k)
		if got != s[k-1] {
			t.Fatalf("n=%d k=%d: %v, want %v", n, k, got, s[k-1])
		}
		for _, x := range w[:k] {
			if x < got {
				t.Fatalf("selected prefix holds %v < %v", x, got)
			}
		}
	}
}

func TestSparsePlan(t *testing.T) {
	a, b, c := lcgInstance(9, 7, 2, false)
	r, _ := Sinkhorn(context.Background(), a, b, c, Settings{Eta: 30, Tol: 1e-12})
	sp := r.SparsePlan(10)
	if sp.NNZ() != 10 {
		t.Fatalf("nnz %d", sp.NNZ())
	}
	all := append([]float64{}, r.Plan.RawMatrix().Data...)
	sort.Sort(sort.Reverse(sort.Float64Slice(all)))
	var s1, s2 float64
	sp.DoNonZero(func(i, j int, v float64) {
		if v != r.Plan.At(i, j) {
			t.Errorf("entry (%d,%d) = %v, plan %v", i, j, v, r.Plan.At(i, j))
		}
		s1 += v
	})
	for _, v := range all[:10] {
		s2 += v
	}
	if relErr(s1, s2) > 1e-15 {
		t.Errorf("top-10 mass %v, want %v", s1, s2)
	}
}

func TestCostAndGrid(t *testing.T) {
	g := Grid(3, 4)
	if g.At(5, 0) != 0.5 || g.At(5, 1) != 1.0/3 {
		t.Errorf("grid point 5 = (%v, %v)", g.At(5, 0), g.At(5, 1))
	}
	x := mat.NewDense(2, 2, []float64{0, 0, 1, 2})
	y := mat.NewDense(1, 2, []float64{3, 4})
	for _, tc := range []struct {
		m    Metric
		p    float64
		want [2]float64
	}{
		{SqEuclidean, 0, [2]float64{25, 8}},
		{Euclidean, 0, [2]float64{5, math.Sqrt(8)}},
		{L1, 0, [2]float64{7, 4}},
		{Minkowski, 3, [2]float64{math.Cbrt(27 + 64), math.Cbrt(16)}},
	} {
		c := CostMatrix(x, y, tc.m, tc.p)
		for i := 0; i < 2; i++ {
			if relErr(c.At(i, 0), tc.want[i]) > 1e-15 {
				t.Errorf("%v: C[%d] = %v, want %v", tc.m, i, c.At(i, 0), tc.want[i])
			}
		}
	}
	c := CostMatrix(Grid(28, 28), Grid(28, 28), SqEuclidean, 0)
	if mat.Max(c) != 2 || mat.Min(c) != 0 {
		t.Errorf("grid cost range [%v, %v], want [0, 2]", mat.Min(c), mat.Max(c))
	}
	if Normalize(c) != 2 || mat.Max(c) != 1 {
		t.Error("Normalize")
	}
}

func TestHotLoopsAllocateNothing(t *testing.T) {
	a, c := randomUniform(64, 6)
	s := Settings{Eta: 100, Workers: 2}
	p, _, _, _ := validate(a, a, c, &s)
	e := newEngine(p)
	defer e.close()
	x, y := make([]float64, 64), make([]float64, 64)
	sx, xn := make([]float64, 64), make([]float64, 64)
	pl, rs, cs := make([]float64, 64*64), make([]float64, 64), make([]float64, 64)
	allocs := testing.AllocsPerRun(20, func() {
		e.halfX(x, y, sx, xn)
		e.halfY(x, y, sx, xn)
		e.plan(pl, rs, cs, x, y)
	})
	if allocs != 0 {
		t.Errorf("kernel passes allocate %v times", allocs)
	}
	h := newNewton(64, 64)
	scratch := make([]float64, 64*64)
	h.indptr, h.ind, h.data, _ = topK(pl, 64, 64, 128, scratch, h.indptr, h.ind, h.data)
	h.off = sparse.NewCSR(64, 64, h.indptr, h.ind, h.data)
	z, dst := make([]float64, 128), make([]float64, 128)
	allocs = testing.AllocsPerRun(20, func() {
		h.indptr, h.ind, h.data, _ = topK(pl, 64, 64, 128, scratch, h.indptr, h.ind, h.data)
		h.apply(dst, z)
	})
	if allocs != 0 {
		t.Errorf("selection and Newton matrix product allocate %v times", allocs)
	}
}

// Warm starts continue the iteration; the Recorder and the context stop it.
func TestWarmStartAndCancel(t *testing.T) {
	a, b, c := lcgInstance(40, 30, 8, false)
	s := Settings{Eta: 300, Domain: Log, Tol: 1e-300, MaxIter: 20}
	full, _ := Sinkhorn(context.Background(), a, b, c, s)
	s.MaxIter = 10
	half, _ := Sinkhorn(context.Background(), a, b, c, s)
	s.X0, s.Y0 = half.X, half.Y
	rest, _ := Sinkhorn(context.Background(), a, b, c, s)
	var d mat.Dense
	d.Sub(full.Plan, rest.Plan)
	if md := mat.Norm(&d, math.Inf(1)); md > 1e-12 || rest.Iterations != 10 {
		t.Errorf("10 + 10 warm-started iterations differ from 20 by %g (%d iterations)", md, rest.Iterations)
	}
	calls := 0
	r, _ := SNS(context.Background(), a, b, c, SNSSettings{Settings: Settings{Eta: 300, Recorder: func(it Iterate) bool {
		calls++
		return it.Iter < 5
	}}})
	if r.Status != Canceled || calls != 6 {
		t.Errorf("Recorder stop: status %v after %d calls", r.Status, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, _ = Sinkhorn(ctx, a, b, c, Settings{Eta: 300, Domain: Log, Tol: 1e-300})
	if r.Status != Canceled {
		t.Errorf("canceled context: status %v", r.Status)
	}
}

// The sampled threshold of kthLargest agrees with a full sort, including on
// structured inputs where the strided sample aliases.
func TestKthLargestSampled(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for trial := 0; trial < 12; trial++ {
		n := 20000 + rng.IntN(40000)
		p := make([]float64, n)
		for i := range p {
			switch trial % 3 {
			case 0:
				p[i] = rng.ExpFloat64()
			case 1: // one large entry per "row" of length 97
				if i%97 == trial%97 {
					p[i] = 1 + rng.Float64()
				} else {
					p[i] = 1e-3 * rng.Float64()
				}
			case 2: // big entries exactly on a stride
				if i%50 == 0 {
					p[i] = 2
				}
			}
		}
		k := 1 + rng.IntN(n/60)
		s := append([]float64{}, p...)
		sort.Sort(sort.Reverse(sort.Float64Slice(s)))
		got, top := kthLargest(p, k, make([]float64, n))
		if got != s[k-1] || len(top) != k {
			t.Fatalf("trial %d n=%d k=%d: %v, want %v", trial, n, k, got, s[k-1])
		}
		var sum1, sum2 float64
		for i, v := range top {
			sum1 += v
			sum2 += s[i]
		}
		if relErr(sum1, sum2) > 1e-12 {
			t.Fatalf("trial %d: top-k sum %v, want %v", trial, sum1, sum2)
		}
	}
}

// pointCloud returns n uniform points per side in the unit square, the
// squared-Euclidean cost scaled to max 1 and random weights (the instance
// family on which the paper's fixed λ stalls).
func pointCloud(n int, seed uint64) (a, b []float64, c *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 77))
	x, y := mat.NewDense(n, 2, nil), mat.NewDense(n, 2, nil)
	a, b = make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		x.Set(i, 0, rng.Float64())
		x.Set(i, 1, rng.Float64())
		y.Set(i, 0, rng.Float64())
		y.Set(i, 1, rng.Float64())
		a[i] = 0.05 + rng.Float64()
		b[i] = 0.05 + rng.Float64()
	}
	sa, sb := sum(a), sum(b)
	for i := range a {
		a[i] /= sa
		b[i] /= sb
	}
	c = CostMatrix(x, y, SqEuclidean, 0)
	Normalize(c)
	return a, b, c
}

// The adaptive Newton rule converges to 1e-9 on point clouds at every η
// (and, with ε-scaling, to the same plan); the log-domain Sinkhorn
// iterations it needs are far fewer than plain Sinkhorn's.
func TestSNSAdaptive(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{60, 120} {
		a, b, c := pointCloud(n, uint64(n))
		for _, eta := range []float64{100, 1200, 5000} {
			if n > 60 && eta > 1200 {
				continue // keeps the test fast (plain Sinkhorn needs ~15 000 iterations)
			}
			r, err := SNS(ctx, a, b, c, SNSSettings{Settings: Settings{Eta: eta, Tol: 1e-9}})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != Converged || r.MarginalError > 1e-9 {
				t.Errorf("n=%d η=%g: %v after %d+%d, error %g", n, eta, r.Status, r.Iterations, r.NewtonIterations, r.MarginalError)
				continue
			}
			sk, _ := Sinkhorn(ctx, a, b, c, Settings{Eta: eta, Tol: 1e-9, Domain: Log, MaxIter: 100000})
			t.Logf("n=%d η=%g: SNS %d Sinkhorn + %d Newton (%d CG); Sinkhorn %d (%v)", n, eta, r.Iterations, r.NewtonIterations, r.CGIterations, sk.Iterations, sk.Status)
			if 2*r.Iterations > sk.Iterations && sk.Iterations > 100 {
				t.Errorf("n=%d η=%g: SNS took %d Sinkhorn iterations, plain Sinkhorn %d", n, eta, r.Iterations, sk.Iterations)
			}
			if eta < 5000 {
				continue
			}
			// ε-scaling from η = 300 reaches the same plan
			rs, err := SNS(ctx, a, b, c, SNSSettings{Settings: Settings{Eta: eta, Tol: 1e-9, EtaStart: 300}})
			if err != nil || rs.Status != Converged {
				t.Fatalf("n=%d: ε-scaling: %v %v", n, err, rs.Status)
			}
			var d mat.Dense
			d.Sub(rs.Plan, r.Plan)
			if md := mat.Norm(&d, math.Inf(1)); md > 1e-8 {
				t.Errorf("n=%d: ε-scaling plan differs by %g", n, md)
			}
		}
	}
}
