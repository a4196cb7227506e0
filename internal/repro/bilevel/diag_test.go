package bilevelrepro

// Diagnostics of the penalty method on the hyper-cleaning task (MNIST,
// full split), behind environment switches; each takes minutes, none runs in
// `go test` by default. They produce the measurements of docs/bilevel.md,
// section "Is the penalty run the method?":
//
//	KKT_BILEVEL_DIAG2="T innerTol α β K [σ tol]"  Penalty on seeds 1–5 with those settings (β < 0: the
//	                   bound of PenaltyInnerStep at y*(c⁰)); F1, AUC and the gradient-mapping estimate every
//	                   EVERY (default 20) iterations; QUICK=1 uses the quick split, WARM=1 starts y, z at y*(c⁰)
//	KKT_BILEVEL_DIAG3=1  the z-loop alone at c⁰ (β = 0.5 and 1) against the exact y*(c⁰)
//	KKT_BILEVEL_DIAG4=1  the y-loop alone at c⁰ from y*(c⁰), β = 0.5, the bound and 10× it, 100 000 steps
//	KKT_BILEVEL_DIAG5=1  ∇ψ_σ(c⁰) for σ = 1e-6 … 1e-2, the y-loop at its bound run to step residual 1e-7
//	                   (cap 30 000 steps), z = y*(c⁰) exact
//	KKT_BILEVEL_DIAG6=1  L_ψ at c⁰ for σ = 1e-5: power iteration on finite differences of the hypergradient
//	                   with both inner loops solved to step residual 1e-10
//	KKT_BILEVEL_DIAG7="K [start]"  the independent oracle: L-BFGS on ψ(c) = F(y*(c)) with the exact
//	                   hypergradient (implicit differentiation, oracle_test.go), cap K iterations, start ref
//	                   (c⁰), draw or mean; QUICK=1 quick split seed 1, else full seeds 1–5 (SEEDS overrides)
//
// For example KKT_DATA=/path/to/data KKT_BILEVEL_DIAG5=1 go test -run TestDiagSigma -v -timeout 60m ./internal/repro/bilevel/

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kkt-go/kkt/bilevel"
	"gonum.org/v1/gonum/floats"
)

type spyObj struct {
	bilevel.Objective
	x []float64
}

func (s *spyObj) GradX(dst, x, y []float64) { copy(s.x, x); s.Objective.GradX(dst, x, y) }

// diagInstances skips the test unless the environment variable env is set,
// and returns the hyper-cleaning instance of a seed on the full (or quick)
// split of the shared data.
func diagInstances(t *testing.T, env string, full bool) func(seed uint64) *Instance {
	t.Helper()
	if os.Getenv(env) == "" {
		t.Skip("diagnostic")
	}
	ds, err := LoadData("cleaning", os.Getenv("KKT_DATA"), 1)
	if err != nil {
		t.Fatal(err)
	}
	sp := DataSplit("cleaning", full)
	return func(seed uint64) *Instance {
		in, err := NewInstance(ds, sp, 0, seed)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
}

func TestDiagPenaltyLong(t *testing.T) {
	instance := diagInstances(t, "KKT_BILEVEL_DIAG2", os.Getenv("QUICK") == "")
	var inner, iters int
	var innerTol, alpha, beta float64
	sigma, tol := 1e-2, 0.0
	fmt.Sscan(os.Getenv("KKT_BILEVEL_DIAG2"), &inner, &innerTol, &alpha, &beta, &iters, &sigma, &tol)
	every := 20
	if e := os.Getenv("EVERY"); e != "" {
		fmt.Sscan(e, &every)
	}
	for seed := uint64(1); seed <= 5; seed++ {
		in := instance(seed)
		ys, _ := in.Task.SolveLower(in.C0)
		d, _ := in.Task.Dims()
		q := *in.P
		q.Cons = nil
		bys, _ := bilevel.PenaltyInnerStep(&q, in.C0, ys, sigma)
		by0, _ := bilevel.PenaltyInnerStep(&q, in.C0, in.Y0, sigma)
		fmt.Printf("seed %d: ‖w*(c⁰)‖ %.4g; step bound 1/(L_G + σL_F) at y*(c⁰) %.4g, at y⁰ %.4g\n", seed, floats.Norm(ys[:d], 2), bys, by0)
		y0 := in.Y0
		if os.Getenv("WARM") != "" {
			y0 = ys
		}
		b := beta
		if b < 0 {
			b, _ = bilevel.PenaltyInnerStep(&q, in.C0, ys, sigma)
			fmt.Printf("beta %.4g\n", b)
		}
		spy := &spyObj{Objective: q.Lower, x: make([]float64, q.N)}
		q.Lower = spy
		t0 := time.Now()
		r, err := bilevel.Penalty(context.Background(), &q, bilevel.PenaltySettings{Sigma: sigma, AlphaConst: alpha, Beta: b, Inner: inner, InnerTol: innerTol,
			Common: bilevel.Common{MaxIter: iters, Tol: tol, X0: in.C0, Y0: y0, HistoryEvery: every, Recorder: func(rec bilevel.Record) bool {
				f1, auc, frac := FlagScores(in.Flipped, in.C0, spy.x)
				fmt.Printf("  k %4d %.1fs resid %.4g gap %.4g upper %.4g F1 %.3f AUC %.3f frac %.2f |c-c0| %.3g\n", rec.Iter, time.Since(t0).Seconds(), rec.Residual, rec.Gap, rec.Upper, f1, auc, frac, dist(spy.x, in.C0))
				return true
			}}})
		if err != nil {
			t.Fatal(err)
		}
		f1, auc, frac := FlagScores(in.Flipped, in.C0, r.X)
		fmt.Printf("seed %d final k %d: resid %.4g F1 %.3f AUC %.3f frac %.2f oracle %d, %.1fs |w| %.4g\n", seed, r.Iterations, r.Residual, f1, auc, frac, r.Oracle, time.Since(t0).Seconds(), floats.Norm(r.Y[:d], 2))
	}
}

// The z-loop alone at x = c⁰: projected gradient steps on G(c⁰, ·) over the
// polyhedron from the reference start, against the exact y*(c⁰).
func TestDiagInnerZ(t *testing.T) {
	instance := diagInstances(t, "KKT_BILEVEL_DIAG3", true)
	for seed := uint64(1); seed <= 2; seed++ {
		in := instance(seed)
		ys := in.YBase
		n := in.P.N
		gx, gxs := make([]float64, n), make([]float64, n)
		in.P.Lower.GradX(gxs, in.C0, ys)
		for _, beta := range []float64{0.5, 1} {
			z := append([]float64(nil), in.Y0...)
			g := make([]float64, len(z))
			set := in.P.Y
			if err := set.Project(z, z); err != nil {
				t.Fatal(err)
			}
			for k := 1; k <= 20000; k++ {
				in.P.Lower.GradY(g, in.C0, z)
				floats.AddScaled(z, -beta, g)
				if err := set.Project(z, z); err != nil {
					t.Fatal(err)
				}
				switch k {
				case 2, 10, 100, 1000, 5000, 20000:
					in.P.Lower.GradX(gx, in.C0, z)
					floats.Sub(gx, gxs)
					fmt.Printf("seed %d β %g step %5d: ‖z − y*‖ %.3g (‖y*‖ %.3g), G gap %.3g, ‖∇_xG(z) − ∇_xG(y*)‖/σ %.3g\n", seed, beta, k, dist(z, ys), floats.Norm(ys, 2),
						in.P.Lower.Value(in.C0, z)-in.P.Lower.Value(in.C0, ys), floats.Norm(gx, 2)/1e-2)
				}
			}
		}
	}
}

// The y-loop alone at x = c⁰: projected gradient on h_σ = σF + G from y*(c⁰).
func TestDiagInnerY(t *testing.T) {
	instance := diagInstances(t, "KKT_BILEVEL_DIAG4", true)
	const sigma = 1e-2
	for seed := uint64(1); seed <= 1; seed++ {
		in := instance(seed)
		ys := in.YBase
		q := *in.P
		q.Cons = nil
		bnd, _ := bilevel.PenaltyInnerStep(&q, in.C0, ys, sigma)
		n := in.P.N
		gx, gxs := make([]float64, n), make([]float64, n)
		in.P.Lower.GradX(gxs, in.C0, ys)
		for _, beta := range []float64{0.5, bnd, 10 * bnd} {
			y := append([]float64(nil), ys...)
			g, tm, yo := make([]float64, len(y)), make([]float64, len(y)), make([]float64, len(y))
			set := in.P.Y
			t0 := time.Now()
			for k := 1; k <= 100000; k++ {
				copy(yo, y)
				in.P.Lower.GradY(g, in.C0, y)
				in.P.Upper.GradY(tm, in.C0, y)
				floats.AddScaled(g, sigma, tm)
				floats.AddScaled(y, -beta, g)
				if err := set.Project(y, y); err != nil {
					t.Fatal(err)
				}
				switch k {
				case 10, 100, 1000, 3000, 10000, 30000, 100000:
					in.P.Lower.GradX(gx, in.C0, y)
					floats.Sub(gx, gxs)
					fmt.Printf("β %.4g step %6d (%.0fs): ‖y − y*‖ %.3g, step resid %.3g, h_σ %.8g, estimate ‖∇_xG(y) − ∇_xG(y*)‖/σ %.4g\n", beta, k, time.Since(t0).Seconds(), dist(y, ys), dist(y, yo)/beta,
						sigma*in.P.Upper.Value(in.C0, y)+in.P.Lower.Value(in.C0, y), floats.Norm(gx, 2)/sigma)
				}
			}
		}
	}
}

// ∇ψ_σ(c⁰) for decreasing σ, with the y-loop at its step bound run from
// y*(c⁰) until its step residual is below 1e-7 (or a cap), z = y*(c⁰) exact.
func TestDiagSigma(t *testing.T) {
	instance := diagInstances(t, "KKT_BILEVEL_DIAG5", true)
	capSteps := 30000
	for seed := uint64(1); seed <= 1; seed++ {
		in := instance(seed)
		ys := in.YBase
		q := *in.P
		q.Cons = nil
		n := in.P.N
		gxs := make([]float64, n)
		in.P.Lower.GradX(gxs, in.C0, ys)
		var ref []float64
		for _, sigma := range []float64{1e-6, 1e-5, 1e-4, 1e-3, 1e-2} {
			beta, _ := bilevel.PenaltyInnerStep(&q, in.C0, ys, sigma)
			y := append([]float64(nil), ys...)
			g, tm, yo := make([]float64, len(y)), make([]float64, len(y)), make([]float64, len(y))
			t0 := time.Now()
			var k int
			var res float64
			for k = 1; k <= capSteps; k++ {
				copy(yo, y)
				in.P.Lower.GradY(g, in.C0, y)
				in.P.Upper.GradY(tm, in.C0, y)
				floats.AddScaled(g, sigma, tm)
				floats.AddScaled(y, -beta, g)
				if err := in.P.Y.Project(y, y); err != nil {
					t.Fatal(err)
				}
				res = dist(y, yo) / beta
				if res <= 1e-7 {
					break
				}
			}
			gx := make([]float64, n)
			in.P.Lower.GradX(gx, in.C0, y)
			floats.Sub(gx, gxs)
			floats.Scale(1/sigma, gx)
			if ref == nil {
				ref = append([]float64(nil), gx...)
			}
			cos := floats.Dot(gx, ref) / (floats.Norm(gx, 2) * floats.Norm(ref, 2))
			diff := make([]float64, n)
			floats.SubTo(diff, gx, ref)
			fake := make([]float64, n)
			floats.SubTo(fake, in.C0, gx)
			f1, auc, frac := FlagScores(in.Flipped, in.C0, fake)
			fmt.Printf("σ %g: β %.4g, %d steps (%.0fs), step resid %.3g, ‖y_σ − y*‖ %.3g, ‖∇ψσ‖ %.4g, cos to σ=1e-6 %.4f, rel. diff %.3g; flags by sign: F1 %.3f AUC %.3f frac %.2f\n",
				sigma, beta, min(k, capSteps), time.Since(t0).Seconds(), res, dist(y, ys), floats.Norm(gx, 2), cos, floats.Norm(diff, 2)/floats.Norm(ref, 2), f1, auc, frac)
		}
	}
}

// innerSolve runs projected gradient on σF + G(c, ·) from y (in place) until
// the step residual ‖Δy‖/β ≤ tol or cap steps; it returns the steps taken.
func innerSolve(in *Instance, c, y []float64, sigma, beta, tol float64, cp int) int {
	g, tm, yo := make([]float64, len(y)), make([]float64, len(y)), make([]float64, len(y))
	for k := 1; k <= cp; k++ {
		copy(yo, y)
		in.P.Lower.GradY(g, c, y)
		if sigma > 0 {
			in.P.Upper.GradY(tm, c, y)
			floats.AddScaled(g, sigma, tm)
		}
		floats.AddScaled(y, -beta, g)
		if err := in.P.Y.Project(y, y); err != nil {
			panic(err)
		}
		if dist(y, yo)/beta <= tol {
			return k
		}
	}
	return cp
}

// L_ψ at c⁰ for σ = 1e-5: power iteration on finite differences of the
// hypergradient estimate with both inner loops solved to step residual 1e-10.
func TestDiagLipPsi(t *testing.T) {
	in := diagInstances(t, "KKT_BILEVEL_DIAG6", true)(1)
	const sigma, h = 1e-5, 1e-2
	q := *in.P
	q.Cons = nil
	by, bz := bilevel.PenaltyInnerStep(&q, in.C0, in.YBase, sigma)
	n := in.P.N
	yw, zw := append([]float64(nil), in.YBase...), append([]float64(nil), in.YBase...)
	grad := func(c []float64) []float64 {
		ky := innerSolve(in, c, yw, sigma, by, 1e-10, 50000)
		kz := innerSolve(in, c, zw, 0, bz, 1e-10, 50000)
		a, b := make([]float64, n), make([]float64, n)
		in.P.Lower.GradX(a, c, yw)
		in.P.Lower.GradX(b, c, zw)
		floats.Sub(a, b)
		floats.Scale(1/sigma, a)
		fmt.Printf("  inner steps y %d z %d, ‖∇ψσ‖ %.5g\n", ky, kz, floats.Norm(a, 2))
		return a
	}
	g0 := grad(in.C0)
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Sin(float64(3*i + 1))
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	c := make([]float64, n)
	for it := 0; it < 8; it++ {
		floats.AddScaledTo(c, in.C0, h, v)
		g := grad(c)
		floats.Sub(g, g0)
		floats.Scale(1/h, g)
		l := floats.Norm(g, 2)
		fmt.Printf("power iteration %d: ‖H v‖ %.4g, vᵀHv %.4g\n", it, l, floats.Dot(v, g))
		floats.ScaleTo(v, 1/l, g)
	}
}

// An independent oracle for the cleaning problem itself: L-BFGS with a weak
// Wolfe line search on ψ(c) = F(y*(c)), the exact hypergradient by implicit
// differentiation (oracle_test.go), from c⁰ to ‖∇ψ‖ ≤ 1e-2 or stagnation at a
// kink of ψ, or the cap. KKT_BILEVEL_DIAG7="K [start]": K the iteration cap;
// start "ref" (c⁰ of the instance, the default), "draw" (another draw
// c ~ U(−6, −5), seeded by the seed) or "mean" (every c_i = mean of c⁰).
// Flags are scored against the run's own start. TOL changes the tolerance
// on ‖∇ψ‖ (default 1e-2, the penalty runs' ε). QUICK=1: the quick split,
// seed 1; otherwise the full split, seeds 1–5 (SEEDS="a b …" overrides).
// Every EVERY (default 10) iterations it prints ψ, ‖∇ψ‖, the validation and
// test accuracies, F1, AUC and the flagged share (FlagScores, RandomF1).
func TestDiagOracle(t *testing.T) {
	quick := os.Getenv("QUICK") != ""
	instance := diagInstances(t, "KKT_BILEVEL_DIAG7", !quick)
	iters, start := 2000, "ref"
	fmt.Sscan(os.Getenv("KKT_BILEVEL_DIAG7"), &iters, &start)
	every, tol := 10, 1e-2
	if e := os.Getenv("EVERY"); e != "" {
		fmt.Sscan(e, &every)
	}
	if e := os.Getenv("TOL"); e != "" {
		fmt.Sscan(e, &tol)
	}
	seeds := []uint64{1, 2, 3, 4, 5}
	if quick {
		seeds = seeds[:1]
	}
	if e := os.Getenv("SEEDS"); e != "" {
		seeds = nil
		for _, f := range strings.Fields(e) {
			var s uint64
			fmt.Sscan(f, &s)
			seeds = append(seeds, s)
		}
	}
	for _, seed := range seeds {
		in := instance(seed)
		o, err := newHyperOracle(in.Task)
		if err != nil {
			t.Fatal(err)
		}
		c0 := append([]float64(nil), in.C0...)
		switch start {
		case "ref":
		case "draw":
			c0 = in.Task.InitialWeights(rand.New(rand.NewPCG(seed, 7777)))
		case "mean":
			m := floats.Sum(c0) / float64(len(c0))
			for i := range c0 {
				c0[i] = m
			}
		default:
			t.Fatalf("start %q (ref, draw, mean)", start)
		}
		var best psiIter
		bestF1 := -1.0
		t0 := time.Now()
		line := func(it psiIter) string {
			f1, auc, frac := FlagScores(in.Flipped, c0, it.C)
			return fmt.Sprintf("k %4d %6.1fs ψ %.6g ‖∇ψ‖ %.4g val %.4f test %.4f F1 %.3f AUC %.3f flagged %.2f (random F1 %.3f) lower solves %d",
				it.Iter, time.Since(t0).Seconds(), it.Psi, it.GradNorm, in.Task.Accuracy(in.Task.Val, in.Task.TVal, it.Y), in.Task.Accuracy(in.Task.Test, in.Task.TTest, it.Y),
				f1, auc, frac, RandomF1(0.4, frac), o.evals)
		}
		fmt.Printf("seed %d (%s start, %s split): baseline test accuracy %.4f\n", seed, start, map[bool]string{true: "quick", false: "full"}[quick], in.Base)
		r := psiLBFGS(o, c0, psiLBFGSSettings{MaxIter: iters, Tol: tol, Every: every, Recorder: func(it psiIter) bool {
			if f1, _, _ := FlagScores(in.Flipped, c0, it.C); f1 > bestF1 {
				bestF1, best = f1, psiIter{Iter: it.Iter, Psi: it.Psi, GradNorm: it.GradNorm, C: append([]float64(nil), it.C...), Y: it.Y}
			}
			fmt.Println("  " + line(it))
			return true
		}})
		el := time.Since(t0).Seconds()
		f1, auc, frac := FlagScores(in.Flipped, c0, r.C)
		fmt.Printf("seed %d final: %v after %d iterations, %.1fs, %d lower solves; ψ %.6g ‖∇ψ‖ %.4g; val %.4f test %.4f F1 %.3f AUC %.3f flagged %.2f (random F1 %.3f)\n",
			seed, r.Status, r.Iter, el, o.evals, r.Psi, r.GradNorm, in.Task.Accuracy(in.Task.Val, in.Task.TVal, r.Y), in.Task.Accuracy(in.Task.Test, in.Task.TTest, r.Y), f1, auc, frac, RandomF1(0.4, frac))
		for _, delta := range []float64{1e-8, 1e-6, 1e-4} {
			m, nk, gn, lk, err := o.kinkStationarity(r.C, r.Y, delta)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("seed %d kink stationarity δ %g: %d validation samples at the LeakyReLU kink, least-norm subgradient %.4g (‖∇ψ‖ %.4g); %d training hinges within δ of their kink\n", seed, delta, nk, m, gn, lk)
		}
		bf1, bauc, bfrac := FlagScores(in.Flipped, c0, best.C)
		fmt.Printf("seed %d best recorded F1: k %d F1 %.3f AUC %.3f flagged %.2f ψ %.6g ‖∇ψ‖ %.4g\n", seed, best.Iter, bf1, bauc, bfrac, best.Psi, best.GradNorm)
	}
}
