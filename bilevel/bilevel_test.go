package bilevel

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/kkt-go/kkt/bilevel/proj"
)

func randVec(rng *rand.Rand, n int, s float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = s * rng.NormFloat64()
	}
	return v
}

func smallSVM(t testing.TB, seed uint64) *SVMTask {
	rng := rand.New(rand.NewPCG(seed, 9))
	a, lab := SyntheticSVM(160, 5, rng)
	task, err := SplitSVM(a, lab, 60, 40, rng)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// Every analytic derivative of every example problem against central
// differences, at random points.
func TestCheckGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	svm, err := smallSVM(t, 1).Problem()
	if err != nil {
		t.Fatal(err)
	}
	probs := map[string]*Problem{
		"t1": T1(7).Problem, "t2": T2(6).Problem, "t3": T3(9, 1).Problem,
		"t4": T4(3, 8, 1).Problem, "t5": T5(20, 1).Problem, "svm": svm,
	}
	for name, p := range probs {
		t.Run(name, func(t *testing.T) {
			for trial := 0; trial < 3; trial++ {
				x, y := randVec(rng, p.N, 1), randVec(rng, p.M, 1)
				if err := CheckGradients(p, x, y, 1e-6, 1e-6, rng); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// CheckGradients must catch a wrong derivative.
func TestCheckGradientsDetectsError(t *testing.T) {
	p := *T3(4, 2).Problem
	good := p.Upper.(Func)
	bad := good
	bad.GX = func(dst, x, y []float64) {
		good.GX(dst, x, y)
		dst[2] *= 1.01
	}
	p.Upper = bad
	rng := rand.New(rand.NewPCG(2, 2))
	err := CheckGradients(&p, randVec(rng, 4, 1), randVec(rng, 4, 1), 0, 0, rng)
	var ge GradientError
	if !errors.As(err, &ge) || ge.Name != "Upper.GradX" || ge.Index != 2 {
		t.Fatalf("wrong GradX not reported: %v", err)
	}
}

// T2 with LV-HBA and the toy script's parameters, steps included (research targets: rel. error < 1e-3
// at ≈ 7750 iterations, 3e-12 at 50 000; λ → −1).
func TestT2LVHBA(t *testing.T) {
	for _, n := range []int{100, 1000} {
		tp := T2(n)
		first := -1
		s := LVHBASettings{Alpha: 5e-3, Eta: 3e-2, Lambda0: []float64{-1}, Z0: []float64{-1},
			Common: Common{MaxIter: 50000, XRef: tp.XStar, Recorder: func(r Record) bool {
				if first < 0 && r.XError < 1e-3 {
					first = r.Iter
				}
				return true
			}}}
		r, rErr := LVHBA(context.Background(), tp.Problem, s)
		if rErr != nil {
			t.Fatal(rErr)
		}
		t.Logf("n=%d: rel. error < 1e-3 first at %d; %.3g at %d; λ=%v", n, first, r.XError, r.Iterations, r.Lambda[0])
		if first < 0 || first > 8000 || math.Abs(float64(first)/7750-1) > 0.05 {
			t.Errorf("n=%d: rel. error < 1e-3 first at iteration %d, want ≤ 8000 and within 5%% of 7750", n, first)
		}
		if r.XError > 1e-8 {
			t.Errorf("n=%d: rel. error %.3g after 50000 iterations, want < 1e-8", n, r.XError)
		}
		if math.Abs(r.Lambda[0]+1) > 1e-8 {
			t.Errorf("n=%d: λ = %v, want −1", n, r.Lambda[0])
		}
		if r.Violation > 1e-9 {
			t.Errorf("n=%d: constraint violation %v", n, r.Violation)
		}
	}
}

// T1: with the multiplier box r = 1 the error decreases steadily (research
// targets ≈ 0.11, 0.044, 0.018 at 1500, 3000, 10000); with r = 1000 the
// multiplier oscillates between the bounds and x does not converge, as in the
// reference code.
func TestT1Truncation(t *testing.T) {
	n := 100
	tp := T1(n)
	run := func(r float64) map[int]float64 {
		errs := map[int]float64{}
		s := LVHBASettings{Alpha: 0.005, Beta: 0.002, Eta: 0.03, Gamma1: 10, Gamma2: 10, R: r,
			Theta0: fill(2*n, 1), Lambda0: []float64{1}, Z0: []float64{1},
			Common: Common{MaxIter: 10000, XRef: tp.XStar, X0: fill(n, 10), Y0: fill(2*n, 10),
				Recorder: func(rec Record) bool {
					errs[rec.Iter] = rec.XError
					return true
				}}}
		_, resErr := LVHBA(context.Background(), tp.Problem, s)
		if resErr != nil {
			t.Fatal(resErr)
		}
		return errs
	}
	e := run(1)
	t.Logf("r=1: %.3g, %.3g, %.3g at 1500, 3000, 10000", e[1500], e[3000], e[10000])
	for _, c := range []struct {
		it   int
		want float64
	}{{1500, 0.11}, {3000, 0.044}, {10000, 0.018}} {
		if math.Abs(e[c.it]/c.want-1) > 0.05 {
			t.Errorf("r=1: rel. error %.4g at %d, research value %.3g", e[c.it], c.it, c.want)
		}
	}
	e = run(1000)
	t.Logf("r=1000: %.3g, %.3g, %.3g at 1500, 3000, 10000", e[1500], e[3000], e[10000])
	if e[10000] < 1 {
		t.Errorf("r=1000: rel. error %.3g at 10000; the reference diverges (error > 1)", e[10000])
	}
}

// StepRule on T1 (G has ∇²_yy G = diag(I, 0), so L_G = 1; ‖∂g/∂y‖² = 2n)
// against the closed form (a + b)/(2(ab + s²)), a = 1 + 1/γ₁, b = 1/γ₂; and
// without constraints 1/a.
func TestStepRule(t *testing.T) {
	for _, n := range []int{10, 100, 1000} {
		tp := T1(n)
		x, th := fill(n, 0.3), fill(2*n, -2)
		for _, g := range [][2]float64{{10, 10}, {10, 1}, {1, 0.5}} {
			a, b := 1+1/g[0], 1/g[1]
			want := (a + b) / (2 * (a*b + 2*float64(n)))
			got := StepRule(tp.Problem, x, th, g[0], g[1])
			if math.Abs(got/want-1) > 1e-6 {
				t.Errorf("n=%d γ=%v: η = %.10g, want %.10g", n, g, got, want)
			}
		}
		p := *tp.Problem
		p.Cons = nil
		if got, want := StepRule(&p, x, th, 10, 1), 1/1.1; math.Abs(got/want-1) > 1e-6 {
			t.Errorf("n=%d, no constraints: η = %.10g, want %.10g", n, got, want)
		}
	}
}

// T1 with the default steps (StepRule, α = η/2) converges with and without
// the multiplier box: rel. error ≤ 0.02 at 50 000 iterations for r = 1 and
// r = 1000, and λ → λ* = −1 (the script's η = 0.03 oscillates at r = 1000,
// see TestT1Truncation).
func TestT1DefaultSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("50 000 iterations twice (≈ 2 s)")
	}
	n := 100
	tp := T1(n)
	for _, r := range []float64{1, 1000} {
		s := LVHBASettings{Beta: 0.002, Gamma1: 10, Gamma2: 10, R: r,
			Theta0: fill(2*n, 1), Lambda0: []float64{1}, Z0: []float64{1},
			Common: Common{MaxIter: 50000, XRef: tp.XStar, X0: fill(n, 10), Y0: fill(2*n, 10)}}
		res, resErr := LVHBA(context.Background(), tp.Problem, s)
		if resErr != nil {
			t.Fatal(resErr)
		}
		t.Logf("r=%g: η = %.4g, α = %.4g, rel. error %.3g, λ = %.4g", r, res.Eta, res.Alpha, res.XError, res.Lambda[0])
		if res.XError > 0.02 || math.Abs(res.Lambda[0]+1) > 0.01 {
			t.Errorf("r=%g: rel. error %.3g (want ≤ 0.02), λ = %.4g (want −1 ± 0.01)", r, res.XError, res.Lambda[0])
		}
	}
}

// T3: the penalized solution is b/(2+σ) and its distance to x* = b/2 is
// linear in σ (log-log slope 1).
func TestT3PenaltySigma(t *testing.T) {
	tp := T3(10, 1)
	sigmas := []float64{1e-1, 1e-2, 1e-3, 1e-4}
	var lx, ly []float64
	for _, sig := range sigmas {
		s := PenaltySettings{Sigma: sig, AlphaConst: 0.4, Inner: 50, InnerTol: 1e-15, Common: Common{MaxIter: 10000, Tol: 1e-11}}
		r, _ := Penalty(context.Background(), tp.Problem, s)
		if r.Status != Converged {
			t.Fatalf("σ=%g: %v", sig, r.Status)
		}
		xs := tp.T3Sigma(sig)
		d := relErr(r.X, xs) * floats.Norm(xs, 2)
		if d > 1e-8 {
			t.Errorf("σ=%g: ‖x̂ − b/(2+σ)‖ = %.3g > 1e-8", sig, d)
		}
		bias := relErr(r.X, tp.XStar) * floats.Norm(tp.XStar, 2)
		lx = append(lx, math.Log10(sig))
		ly = append(ly, math.Log10(bias))
	}
	slope := fitSlope(lx, ly)
	t.Logf("slope of log‖x̂_σ − x*‖ against log σ: %.4f", slope)
	if math.Abs(slope-1) > 0.05 {
		t.Errorf("slope %.4f, want 1 ± 0.05", slope)
	}
}

// fitSlope returns the least-squares slope of y against x.
func fitSlope(x, y []float64) float64 {
	_, beta := stat.LinearRegression(x, y, nil, false)
	return beta
}

// T4: non-unique lower-level solutions; with σ → 1e-7 the penalty method
// selects the optimistic solution A⁺x and x* to 1e-6.
func TestT4Selection(t *testing.T) {
	tp := T4(5, 12, 1)
	s := PenaltySettings{Sigma: 1e-7, Sigma0: 0.1, SigmaDecay: 0.5, AlphaConst: 0.1, Inner: 2000, InnerTol: 1e-15,
		Common: Common{MaxIter: 2000, Tol: 1e-9}}
	r, rErr := Penalty(context.Background(), tp.Problem, s)
	if r.Status != Converged {
		t.Fatalf("%v %v", r.Status, rErr)
	}
	sel := make([]float64, tp.M)
	tp.LowerSolution(sel, r.X)
	ex := relErr(r.X, tp.XStar) * floats.Norm(tp.XStar, 2)
	ey := relErr(r.Y, sel) * floats.Norm(sel, 2)
	ey2 := relErr(r.Y, tp.YStar) * floats.Norm(tp.YStar, 2)
	t.Logf("‖x̂ − x*‖ = %.3g, ‖ŷ − A⁺x̂‖ = %.3g, ‖ŷ − y*‖ = %.3g after %d iterations", ex, ey, ey2, r.Iterations)
	if ex > 1e-6 || ey > 1e-6 || ey2 > 1e-6 {
		t.Errorf("T4: errors %.3g, %.3g, %.3g, want ≤ 1e-6", ex, ey, ey2)
	}
}

// T5: LV-HBA on coupled equality constraints; y tracks the closed-form
// lower-level solution (I − A⁺A)x − A⁺Hx to 1e-6.
func TestT5LowerSolution(t *testing.T) {
	n := 20
	tp := T5(n, 1)
	s := LVHBASettings{Alpha: 0.02, Beta: 0.001, Eta: 0.1, Gamma1: 1, Gamma2: 1, R: math.Inf(1), C0: 1e5,
		Common: Common{MaxIter: 60000, X0: fill(n, 10)}}
	r, rErr := LVHBA(context.Background(), tp.Problem, s)
	if rErr != nil {
		t.Fatal(rErr)
	}
	ys := make([]float64, n)
	tp.LowerSolution(ys, r.X)
	e := relErr(r.Y, ys) * floats.Norm(ys, 2)
	t.Logf("‖y − y*(x)‖ = %.3g, F = %.6g, violation %.3g", e, r.Upper, r.Violation)
	if e > 1e-6 || r.Violation > 1e-10 {
		t.Errorf("‖y − y*(x)‖ = %.3g, violation %.3g", e, r.Violation)
	}
}

// AID on T3 without the box (unconstrained lower level, x* = b/2), with
// exact Hessian products and with finite differences.
func TestAID(t *testing.T) {
	tp := T3(10, 3)
	p := *tp.Problem
	p.Y = nil
	for _, exact := range []bool{true, false} {
		q := p
		if !exact {
			q.Lower = p.Lower.(FuncHess).Func
		}
		r, rErr := AID(context.Background(), &q, AIDSettings{Alpha: 0.4, Common: Common{MaxIter: 500, Tol: 1e-10}})
		if r.Status != Converged {
			t.Fatalf("exact=%v: %v %v", exact, r.Status, rErr)
		}
		if e := relErr(r.X, tp.XStar); e > 1e-8 {
			t.Errorf("exact=%v: rel. error %.3g", exact, e)
		}
	}
	if r, rErr := AID(context.Background(), tp.Problem, AIDSettings{}); r.Status != NotApplicable || !errors.Is(rErr, ErrUnsupported) {
		t.Errorf("AID on a constrained lower level: %v %v", r.Status, rErr)
	}
}

// Stochastic variants: on T3 with Gaussian gradient noise, both reach a
// neighbourhood of x*_σ that shrinks with the batch size; runs are
// reproducible bit for bit.
func TestPenaltyStochastic(t *testing.T) {
	tp := T3(10, 4)
	p := *tp.Problem
	p.UpperSampler = GaussianNoise{Obj: p.Upper, N: p.N, M: p.M, Std: 1}
	p.LowerSampler = GaussianNoise{Obj: p.Lower, N: p.N, M: p.M, Std: 1}
	sig := 0.1
	xs := tp.T3Sigma(sig)
	for _, mode := range []PenaltyMode{Stochastic, SingleLoop} {
		var errs []float64
		for _, batch := range []int{1, 100} {
			s := PenaltySettings{Mode: mode, Sigma: sig, Batch: batch, Alpha: 0.5, Beta: 0.2, Inner: 5, Seed: 7, Common: Common{MaxIter: 3000}}
			r, _ := Penalty(context.Background(), &p, s)
			r2, _ := Penalty(context.Background(), &p, s)
			for i := range r.X {
				if r.X[i] != r2.X[i] {
					t.Fatalf("%v: not reproducible", mode)
				}
			}
			errs = append(errs, relErr(r.X, xs))
		}
		t.Logf("%v: rel. error to x*_σ with batch 1, 100: %.3g, %.3g", mode, errs[0], errs[1])
		if !(errs[1] < errs[0]/3) || errs[1] > 0.05 {
			t.Errorf("%v: error does not shrink with the batch: %v", mode, errs)
		}
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	// Infeasible lower level: C = {1ᵀx + 1ᵀy ≤ −1} ∩ {1ᵀx + 1ᵀy ≥ 1}.
	tp := T2(3)
	p := *tp.Problem
	c := mat.NewDense(2, 9, nil)
	for j := 0; j < 9; j++ {
		c.Set(0, j, 1)
		c.Set(1, j, -1)
	}
	poly, err := proj.NewPolyhedron(c, []float64{-1, -1})
	if err != nil {
		t.Fatal(err)
	}
	p.C = poly
	r, rErr := LVHBA(ctx, &p, LVHBASettings{Common: Common{MaxIter: 10}})
	if r.Status != Breakdown || !errors.Is(rErr, proj.ErrInfeasible) {
		t.Errorf("infeasible C: %v %v", r.Status, rErr)
	}
	// NaN from an oracle.
	q := *tp.Problem
	f := q.Upper.(Func)
	f.GX = func(dst, x, y []float64) {
		for i := range dst {
			dst[i] = math.NaN()
		}
	}
	q.Upper = f
	r, rErr = LVHBA(ctx, &q, LVHBASettings{Common: Common{MaxIter: 10}})
	if r.Status != NumericalFailure || !(errors.Is(rErr, ErrNaN) || errors.Is(rErr, proj.ErrNaN)) {
		t.Errorf("NaN gradient: %v %v", r.Status, rErr)
	}
	t3 := *T3(3, 1).Problem
	t3.Lower = Func{F: t3.Lower.Value, GX: t3.Lower.GradX, GY: func(dst, x, y []float64) { dst[0] = math.Inf(1) }}
	if r, rErr := Penalty(ctx, &t3, PenaltySettings{Common: Common{MaxIter: 10}}); r.Status != NumericalFailure {
		t.Errorf("Inf gradient in Penalty: %v %v", r.Status, rErr)
	}
	// A non-convex set (the unit sphere) is rejected by Validate.
	p3 := *T3(4, 1).Problem
	p3.Y = sphereSet(4)
	if err := p3.Validate(rand.New(rand.NewPCG(1, 1)), 50); err == nil {
		t.Error("Validate accepted a sphere as Y")
	} else {
		t.Log(err)
	}
	if err := T2(3).Validate(rand.New(rand.NewPCG(1, 1)), 50); err != nil {
		t.Errorf("Validate rejected a hyperplane: %v", err)
	}
}

type sphereSet int

func (s sphereSet) Dim() int { return int(s) }
func (s sphereSet) Project(dst, v []float64) error {
	n := floats.Norm(v, 2)
	for i, x := range v {
		dst[i] = x / n
	}
	return nil
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r, _ := LVHBA(ctx, T2(3).Problem, LVHBASettings{}); r.Status != Canceled {
		t.Errorf("LVHBA: %v", r.Status)
	}
	if r, _ := Penalty(ctx, T3(3, 1).Problem, PenaltySettings{}); r.Status != Canceled {
		t.Errorf("Penalty: %v", r.Status)
	}
	stop := func(r Record) bool { return r.Iter < 5 }
	r, _ := LVHBA(context.Background(), T2(3).Problem, LVHBASettings{Common: Common{Recorder: stop, History: true}})
	if r.Status != Canceled || r.Iterations != 5 || len(r.History) != 5 {
		t.Errorf("Recorder stop: %v after %d, history %d", r.Status, r.Iterations, len(r.History))
	}
}

// The SVM task: the lower-level solver is exact (KKT of the polyhedron form)
// and LV-HBA keeps (w, b, ξ) feasible.
func TestSVMTask(t *testing.T) {
	task := smallSVM(t, 2)
	rng := rand.New(rand.NewPCG(3, 3))
	c := task.InitialWeights(rng)
	for i := range c {
		c[i] += 6 // weights e^{c} of order 1
	}
	y, err := task.SolveLower(c)
	if err != nil {
		t.Fatal(err)
	}
	p, err := task.Problem()
	if err != nil {
		t.Fatal(err)
	}
	// stationarity of the lower level in (w, b, ξ) with λ_i = e^{c_i} ξ_i
	lam := make([]float64, p.Cons.Len())
	d, _ := task.Dims()
	for i := range lam {
		lam[i] = math.Exp(c[i]) * y[d+1+i]
	}
	g, jt := make([]float64, p.M), make([]float64, p.M)
	p.Lower.GradY(g, c, y)
	p.Cons.VJPY(jt, c, y, lam)
	for i := range g {
		if math.Abs(g[i]+jt[i]) > 1e-9 {
			t.Fatalf("lower KKT stationarity fails at %d: %v", i, g[i]+jt[i])
		}
	}
	y0 := fill(p.M, 1)
	r, rErr := LVHBA(context.Background(), p, LVHBASettings{Alpha: 0.01, Beta: 0.1, Eta: 0.01, Gamma1: 10, Gamma2: 10, P: 0.5, R: math.Inf(1),
		Lambda0: fill(p.Cons.Len(), 1), Z0: fill(p.Cons.Len(), 1), Common: Common{MaxIter: 30, X0: task.InitialWeights(rng), Y0: y0}})
	if rErr != nil {
		t.Fatal(rErr)
	}
	if r.Violation > 1e-9 {
		t.Errorf("violation %v", r.Violation)
	}
}

// BenchmarkLVHBAIteration times LV-HBA iterations on T2 (3n variables, one
// coupled constraint, hyperplane projection).
func BenchmarkLVHBAIteration(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		tp := T2(n)
		b.Run("n="+itoaBl(n), func(b *testing.B) {
			s := LVHBASettings{Common: Common{MaxIter: b.N}}
			b.ResetTimer()
			LVHBA(context.Background(), tp.Problem, s)
		})
	}
}

func itoaBl(n int) string {
	return fmtInt(n)
}

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

// The iterations themselves allocate nothing: the allocation count does not
// grow with the number of iterations.
func TestIterationsDoNotAllocate(t *testing.T) {
	ctx := context.Background()
	t2, t3 := T2(50), T3(20, 1)
	count := func(f func(iters int)) (float64, float64) {
		return testing.AllocsPerRun(3, func() { f(10) }), testing.AllocsPerRun(3, func() { f(1000) })
	}
	for name, f := range map[string]func(int){
		"LVHBA":   func(k int) { LVHBA(ctx, t2.Problem, LVHBASettings{Common: Common{MaxIter: k}}) },
		"Penalty": func(k int) { Penalty(ctx, t3.Problem, PenaltySettings{Common: Common{MaxIter: k}}) },
		"SingleLoop": func(k int) {
			Penalty(ctx, t3.Problem, PenaltySettings{Mode: SingleLoop, Common: Common{MaxIter: k}})
		},
	} {
		a, b := count(f)
		if a != b {
			t.Errorf("%s: %v allocations for 10 iterations, %v for 1000", name, a, b)
		}
	}
}

// The paper's first-order gradient of the penalized hyper-objective,
// ∇ψ_σ(x) = ∇_x F(x, y_σ) + (∇_x G(x, y_σ) − ∇_x G(x, y*))/σ, against central
// differences of ψ_σ(x) = min_y F + (G − G*)/σ on T4 (G* = 0), where y_σ
// solves (σI + AᵀA)y = Aᵀx exactly.
func TestPenaltyGradientFormula(t *testing.T) {
	k, d := 4, 9
	tp := T4(k, d, 5)
	p := tp.Problem
	// recover A column by column from ∇_x G(0, e_j) = −A e_j
	a := mat.NewDense(k, d, nil)
	g := make([]float64, k)
	e := make([]float64, d)
	for j := 0; j < d; j++ {
		e[j] = 1
		p.Lower.GradX(g, make([]float64, k), e)
		e[j] = 0
		for i := range g {
			a.Set(i, j, -g[i])
		}
	}
	for _, sigma := range []float64{1e-1, 1e-2, 1e-3} {
		ySigma := func(x []float64) []float64 {
			var m mat.Dense
			m.Mul(a.T(), a)
			for i := 0; i < d; i++ {
				m.Set(i, i, m.At(i, i)+sigma)
			}
			var rhs, y mat.VecDense
			rhs.MulVec(a.T(), mat.NewVecDense(k, x))
			if err := y.SolveVec(&m, &rhs); err != nil {
				t.Fatal(err)
			}
			return y.RawVector().Data
		}
		psi := func(x []float64) float64 {
			y := ySigma(x)
			return p.Upper.Value(x, y) + p.Lower.Value(x, y)/sigma
		}
		rng := rand.New(rand.NewPCG(4, 4))
		x := randVec(rng, k, 1)
		ys := ySigma(x)
		ystar := make([]float64, d)
		tp.LowerSolution(ystar, x)
		grad, t1, t2 := make([]float64, k), make([]float64, k), make([]float64, k)
		p.Upper.GradX(grad, x, ys)
		p.Lower.GradX(t1, x, ys)
		p.Lower.GradX(t2, x, ystar)
		for i := range grad {
			grad[i] += (t1[i] - t2[i]) / sigma
		}
		h := 1e-5
		for i := range x {
			x0 := x[i]
			x[i] = x0 + h
			fp := psi(x)
			x[i] = x0 - h
			fm := psi(x)
			x[i] = x0
			fd := (fp - fm) / (2 * h)
			if math.Abs(grad[i]-fd) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("σ=%g: ∇ψ_σ[%d] = %.12g, finite difference %.12g", sigma, i, grad[i], fd)
			}
		}
	}
}

// PenaltyInnerStep on T3 (∇²_yy F = I by central differences, ∇²_yy G = I
// through the Hessian interface) and T1 (∇²_yy G = diag(I, 0), ∇²_yy F = I):
// β = 1/(1 + σ), β_z = 1.
func TestPenaltyInnerStep(t *testing.T) {
	for _, tp := range []*TestProblem{T3(10, 1), T1(20)} {
		x, y := fill(tp.N, 0.3), fill(tp.M, -0.2)
		for _, sig := range []float64{1, 1e-2, 1e-4} {
			by, bz := PenaltyInnerStep(tp.Problem, x, y, sig)
			if math.Abs(by*(1+sig)-1) > 1e-6 || math.Abs(bz-1) > 1e-6 {
				t.Errorf("n=%d σ=%g: β = %.10g, β_z = %.10g; want %.10g, 1", tp.N, sig, by, bz, 1/(1+sig))
			}
		}
	}
}

// MinIter: a tolerance every iteration meets stops the penalty method at
// MinIter (at 1 without it).
func TestPenaltyMinIter(t *testing.T) {
	tp := T3(5, 1)
	for _, mi := range []int{0, 1, 7} {
		r, err := Penalty(context.Background(), tp.Problem, PenaltySettings{MinIter: mi, Common: Common{Tol: 1e9, MaxIter: 50}})
		if want := max(mi, 1); err != nil || r.Status != Converged || r.Iterations != want {
			t.Errorf("MinIter %d: %v after %d iterations (%v), want Converged after %d", mi, r.Status, r.Iterations, err, want)
		}
	}
}
