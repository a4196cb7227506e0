package bilevelrepro

import (
	"context"
	"fmt"
	"math"

	"github.com/kkt-go/kkt/bilevel"
	"github.com/kkt-go/kkt/internal/repro"
)

// Experiments returns the bilevel experiment of `kkt reproduce` (a fresh
// value on each call).
func Experiments() []*repro.Experiment {
	return []*repro.Experiment{{Name: "bilevel", Order: 40, Run: Reproduce,
		Paper: "Kwon et al., ICLR 2024 (arXiv 2309.01753); Yao et al. (LV-HBA), ICLR 2024 (arXiv 2401.16164)"}}
}

// scriptTarget marks a target that comes from a Go transcription of the
// reference scripts (docs/bilevel.md); the papers' own figures were not
// available.
const scriptTarget = "target: transcription of the reference script (docs/bilevel.md); paper figure not available"

// T2 targets: iterations of the transcribed BiC-GAFFA script to reach each
// relative error, and its error after 50 000 iterations.
var (
	t2Crossings = []struct{ th, want float64 }{{1e-1, 1842}, {1e-2, 4500}, {1e-3, 7750}, {1e-4, 11470}}
	t2Final     = 3e-12
	// T1 with the script's steps and r = 1: relative error at iterations.
	t1Script = []struct {
		it   int
		want float64
	}{{1500, 0.11}, {3000, 0.044}, {10000, 0.018}}
)

// Reproduce runs the bilevel experiment: T2 and T1 with LV-HBA against the
// transcribed reference scripts, T3's O(σ) bias, T4's selection, T5's lower
// level, the AID baseline, and the SVM and hyper-cleaning data tasks.
func Reproduce(ctx context.Context, env *repro.Env) ([]repro.Row, error) {
	var rows []repro.Row
	add := func(r repro.Row, tol float64) {
		r.Experiment = "bilevel"
		rows = append(rows, repro.Compare(r, tol))
	}
	pr := env.NewProgress("bilevel")
	// 1. T2 with LV-HBA: iterations to reach each accuracy.
	sizes := []int{100}
	if env.Full {
		sizes = []int{100, 1000}
	}
	fig := repro.Figure{Name: "bilevel-t2", Title: "T2, LV-HBA (α=5e-3, β=2e-3, η=3e-2, γ=(10,1), r=1)", XLabel: "iteration", YLabel: "‖x − x*‖/‖x*‖", LogY: true}
	for _, n := range sizes {
		o, err := RunToy(ctx, Config{Problem: "t2", Method: "lvhba", N: n, History: true, HistoryEvery: 50})
		if err != nil {
			return nil, err
		}
		var xs, ys []float64
		for _, h := range o.History {
			xs, ys = append(xs, float64(h.Iter)), append(ys, h.XError)
		}
		fig.Series = append(fig.Series, repro.Series{Name: fmt.Sprintf("n = %d", n), X: xs, Y: ys})
		// exact first crossings need every iteration: rerun with a recorder
		exact := T2FirstCrossings(ctx, n)
		for _, c := range t2Crossings {
			add(repro.Row{Metric: fmt.Sprintf("T2 n=%d LV-HBA: iterations to rel. error < %g", n, c.th), Value: float64(exact[c.th]), Paper: c.want, Unit: "iterations",
				Note: scriptTarget + "; acceptance ±5%"}, 0.05)
		}
		add(repro.Row{Metric: fmt.Sprintf("T2 n=%d LV-HBA: rel. error after 50000 iterations", n), Value: *o.XError, Paper: t2Final, Note: scriptTarget}, 0.1)
		add(repro.Timing(repro.Row{Metric: fmt.Sprintf("T2 n=%d LV-HBA: time for 50000 iterations", n), Value: o.TimeS, Paper: math.NaN(), Unit: "s"}), 0)
		pr.Update(1, 7, "T2")
	}
	env.AddFigure(fig)
	// 2. T1: truncation radius r, with the script's steps and with the
	// default steps of bilevel.StepRule.
	fig = repro.Figure{Name: "bilevel-t1", Title: "T1, LV-HBA: script steps (η=0.03) and StepRule steps, box r", XLabel: "iteration", YLabel: "‖x − x*‖/‖x*‖", LogY: true}
	for _, script := range []bool{true, false} {
		for _, r := range []float64{1, 1000} {
			c := Config{Problem: "t1", Method: "lvhba", R: r, History: true, HistoryEvery: 20}
			label := "default steps"
			if script {
				c.Alpha, c.Eta, c.Iters = 0.005, 0.03, 10000
				label = "script steps"
			}
			o, err := RunToy(ctx, c)
			if err != nil {
				return nil, err
			}
			errAt := map[int]float64{}
			var xs, ys []float64
			for _, h := range o.History {
				errAt[h.Iter] = h.XError
				if h.Iter%20 == 0 {
					xs, ys = append(xs, float64(h.Iter)), append(ys, h.XError)
				}
			}
			fig.Series = append(fig.Series, repro.Series{Name: fmt.Sprintf("%s, r = %g", label, r), X: xs, Y: ys})
			switch {
			case script && r == 1:
				for _, c := range t1Script {
					add(repro.Row{Metric: fmt.Sprintf("T1 r=1 LV-HBA, script steps η=0.03, α=0.005: rel. error at %d", c.it), Value: errAt[c.it], Paper: c.want, Note: scriptTarget}, 0.05)
				}
			case script:
				add(repro.Row{Metric: "T1 r=1000 LV-HBA, script steps η=0.03, α=0.005: rel. error at 10000", Value: errAt[10000], Paper: math.NaN(), Status: "info",
					Note: fmt.Sprintf("does not converge: λ = %.4g oscillates (as the reference with u = 1000); η‖∂g/∂y‖² = 0.03·200 = 6", o.Lambda[0])}, 0)
			default:
				add(repro.Row{Metric: fmt.Sprintf("T1 r=%g LV-HBA, default steps (StepRule η=%.4g, α=η/2): rel. error at 50000", r, *o.Eta), Value: errAt[50000], Paper: math.NaN(),
					Status: repro.PassFail(errAt[50000] <= 0.02), Note: fmt.Sprintf("target ≤ 0.02; λ = %.4g (λ* = −1)", o.Lambda[0])}, 0)
			}
		}
	}
	env.AddFigure(fig)
	pr.Update(2, 7, "T1")
	// 3. T3: the penalty bias is linear in σ.
	tp := bilevel.T3(10, 1)
	var lx, ly []float64
	worst := 0.0
	fig = repro.Figure{Name: "bilevel-t3", Title: "T3, penalty method: ‖x̂_σ − x*‖ against σ", XLabel: "σ", YLabel: "‖x̂_σ − x*‖", LogX: true, LogY: true}
	var fx, fy []float64
	for _, sig := range []float64{1e-1, 1e-2, 1e-3, 1e-4} {
		s := bilevel.PenaltySettings{Sigma: sig, AlphaConst: 0.4, Inner: 50, InnerTol: 1e-15, Common: bilevel.Common{MaxIter: 10000, Tol: 1e-11}}
		r, _ := bilevel.Penalty(ctx, tp.Problem, s) // a failed run shows in the distances
		worst = math.Max(worst, dist(r.X, tp.T3Sigma(sig)))
		b := dist(r.X, tp.XStar)
		lx, ly = append(lx, math.Log10(sig)), append(ly, math.Log10(b))
		fx, fy = append(fx, sig), append(fy, b)
		if env.Full { // the theory's step α = σ: iterations grow like 1/σ
			s2 := bilevel.PenaltySettings{Sigma: sig, Common: bilevel.Common{MaxIter: 2000000, Tol: 1e-9}}
			r2, _ := bilevel.Penalty(ctx, tp.Problem, s2)
			add(repro.Row{Metric: fmt.Sprintf("T3 σ=%g penalty, α=σ, T=10: outer iterations to gradient mapping ≤ 1e-9", sig), Value: float64(r2.Iterations), Paper: math.NaN(), Unit: "iterations",
				Note: "grows like 1/σ"}, 0)
		}
	}
	fig.Series = append(fig.Series, repro.Series{Name: "penalty method", X: fx, Y: fy})
	env.AddFigure(fig)
	add(repro.Row{Metric: "T3 penalty: max ‖x̂_σ − b/(2+σ)‖ over σ = 1e-1…1e-4", Value: worst, Paper: math.NaN(), Status: repro.PassFail(worst <= 1e-8), Note: "target ≤ 1e-8 (closed form)"}, 0)
	slope := repro.FitSlope(lx, ly)
	add(repro.Row{Metric: "T3 penalty: log-log slope of ‖x̂_σ − x*‖ in σ", Value: slope, Paper: 1, Note: "O(σ) theory; target 1 ± 0.05"}, 0.05)
	pr.Update(3, 7, "T3")
	// 4. T4 and T5: the selected lower-level solution.
	o, err := RunToy(ctx, Config{Problem: "t4", Method: "penalty", Seed: 1, History: true, HistoryEvery: 1})
	if err != nil {
		return nil, err
	}
	env.AddFigure(HistoryFigure("bilevel-t4", "T4 (k=5, d=12), penalty method, σ: 0.1 → 1e-7 (halved each step)", "‖x − x*‖/‖x*‖",
		"penalty", o.History, func(r bilevel.Record) float64 { return r.XError }))
	add(repro.Row{Metric: "T4 penalty σ→1e-7: ‖ŷ − A⁺x̂‖", Value: *o.LowerError, Paper: math.NaN(), Status: repro.PassFail(*o.LowerError <= 1e-6), Note: "optimistic selection; target ≤ 1e-6"}, 0)
	add(repro.Row{Metric: "T4 penalty σ→1e-7: ‖x̂ − x*‖/‖x*‖", Value: *o.XError, Paper: math.NaN(), Status: repro.PassFail(*o.XError <= 1e-6), Note: "target ≤ 1e-6"}, 0)
	n5 := 20
	if env.Full {
		n5 = 100
	}
	o, err = RunToy(ctx, Config{Problem: "t5", Method: "lvhba", N: n5, Seed: 1, History: true, HistoryEvery: 100})
	if err != nil {
		return nil, err
	}
	env.AddFigure(HistoryFigure("bilevel-t5", fmt.Sprintf("T5 (n=%d), LV-HBA, c₀ = 1e5", n5), "lower-level gap G(x, y) − v̂_γ",
		"LV-HBA", o.History, func(r bilevel.Record) float64 { return math.Abs(r.Gap) }))
	add(repro.Row{Metric: fmt.Sprintf("T5 n=%d LV-HBA (c₀=1e5, 60000 it.): ‖y − y*(x)‖", n5), Value: *o.LowerError, Paper: math.NaN(), Status: repro.PassFail(*o.LowerError <= 1e-6),
		Note: "closed form (I − A⁺A)x − A⁺Hx; target ≤ 1e-6; our random A, H, B (reference .npy not used)"}, 0)
	o, err = RunToy(ctx, Config{Problem: "t3", Method: "aid", Seed: 1})
	if err != nil {
		return nil, err
	}
	add(repro.Row{Metric: "T3 (no box) AID baseline: rel. error of x", Value: *o.XError, Paper: math.NaN(), Status: repro.PassFail(*o.XError <= 1e-8), Note: "CG on Hessian–vector products"}, 0)
	pr.Update(4, 7, "T4, T5")
	// 5. SVM and hyper-cleaning.
	drows, err := dataRows(ctx, env, pr)
	if err != nil {
		return nil, err
	}
	for _, r := range drows {
		add(r, 0)
	}
	return rows, nil
}

// dataRows runs the SVM and hyper-cleaning tasks.
func dataRows(ctx context.Context, env *repro.Env, pr *repro.Meter) ([]repro.Row, error) {
	var rows []repro.Row
	// The cleaning penalty runs: 80 outer iterations (the LV-HBA scripts'
	// budget; the method is then far from stationary), and the method run
	// to its stopping rule, gradient mapping ≤ ε with ε = σ = 1e-2 (σ = O(ε)
	// in the paper; the constant 1 is ours), capped at 5000 iterations.
	const penaltyTol = 1e-2
	for _, dr := range []struct {
		task, method string
		alpha, tol   float64
	}{{"svm", "lvhba", 0, 0}, {"svm", "penalty", 0, 0}, {"cleaning", "lvhba", 0, 0}, {"cleaning", "lvhba", 0.1, 0}, {"cleaning", "penalty", 0, 0}, {"cleaning", "penalty", 0, penaltyTol}} {
		task, m := dr.task, dr.method
		c := Config{Problem: task, Method: m, Seed: env.Seed, Seeds: 5, DataDir: env.DataDir, Alpha: dr.alpha, Tol: dr.tol}
		if !env.Full && (m == "penalty" || task == "cleaning") {
			c.Seeds = 1 // quick: one seed where a run takes seconds
		}
		o, err := RunData(ctx, c, env.Full, nil)
		if err != nil {
			return nil, err
		}
		note := fmt.Sprintf("%s, mean of %d seeds; untuned baseline (fixed c, exact lower level) %.4f", o.Data, o.Seeds, *o.BaselineTest)
		if o.Seeds < 5 {
			note += "; quick run (5 seeds with --full)"
		}
		stopped := dr.tol > 0
		if stopped {
			conv := 0
			for _, it := range o.PerSeedIter {
				if it < 5000 {
					conv++
				}
			}
			m = fmt.Sprintf("%s to gradient mapping ≤ %g", m, dr.tol)
			note += fmt.Sprintf("; outer iterations per seed %v (cap 5000; %d of %d seeds stopped by the tolerance)", o.PerSeedIter, conv, len(o.PerSeedIter))
		} else if m == "penalty" && task == "cleaning" {
			m += " 80 iterations"
			note += "; stopped by the iteration budget, not by the method's stopping rule"
		}
		if dr.alpha > 0 {
			m = fmt.Sprintf("%s α=%g", m, dr.alpha)
		} else if m == "lvhba" {
			m += " α=0.01 (reference)"
		}
		rows = append(rows, repro.Row{Metric: fmt.Sprintf("%s %s: test accuracy", task, m), Value: *o.TestAcc, Paper: math.NaN(), Status: repro.PassFail(*o.TestAcc > *o.BaselineTest),
			Note: note + "; pass = beats the baseline"})
		rows = append(rows, repro.Timing(repro.Row{Metric: fmt.Sprintf("%s %s: time per seed", task, m), Value: o.TimeS, Paper: math.NaN(), Unit: "s", Note: fmt.Sprintf("baseline solve %.3g s", o.BaselineTimeS)}))
		if o.F1 != nil {
			// the targets F1 ≥ 0.55 (LV-HBA) and ≥ 0.65 (penalty) are the
			// project's, not a paper's; a row passes when F1 meets its
			// target and beats random flagging of as many samples
			target := 0.55
			if dr.method == "penalty" {
				target = 0.65
			}
			status := repro.PassFail(*o.F1 > *o.RandomF1 && *o.F1 >= target)
			if dr.method == "penalty" && !stopped {
				status = "info" // not the method's result: it stopped at a budget far from stationarity
			}
			per := ""
			if dr.method == "penalty" && stopped {
				per = "; docs/bilevel.md, \"An independent oracle\": an implicit-gradient solver of the same problem also stops below 0.65 from c⁰"
			}
			if len(o.PerSeedF1) > 1 {
				per = "; per seed"
				for _, f := range o.PerSeedF1 {
					per += fmt.Sprintf(" %.3f", f)
				}
			}
			rows = append(rows, repro.Row{Metric: fmt.Sprintf("%s %s: F1 of flagged corrupted samples", task, m), Value: *o.F1, Paper: math.NaN(), Status: status,
				Note: fmt.Sprintf("kkt's metric (the reference logs losses and accuracies only); flagged = weight decreased (%.0f%% of the samples); pass = F1 ≥ %.2f (kkt's target) and above random flagging of as many (%.3f); flagging all scores 0.571%s", 100**o.Flagged, target, *o.RandomF1, per)})
			rows = append(rows, repro.Row{Metric: fmt.Sprintf("%s %s: AUC of the weight decrease for corrupted samples", task, m), Value: *o.AUC, Paper: math.NaN(), Status: repro.PassFail(*o.AUC > 0.5),
				Note: "kkt's metric; random ranking 0.5"})
		}
		if o.BetaRatio != nil && task == "cleaning" {
			rows = append(rows, repro.Row{Metric: fmt.Sprintf("%s %s: inner step β over its bound 1/(L_G + σL_F) at y*(c⁰)", task, m), Value: *o.BetaRatio, Paper: math.NaN(), Status: "info",
				Note: "bilevel.PenaltyInnerStep; the method's analysis needs a ratio below 1 (L_F is large: F depends on w/‖w‖, and ‖w‖ is small at y*(c⁰))"})
			how := "the run stops at its iteration budget, not at a stationarity tolerance"
			if stopped {
				how = fmt.Sprintf("the run stops when it is ≤ %g, tested from iteration 80 on (y and z start at one point, so the first estimates are near zero)", dr.tol)
			}
			rows = append(rows, repro.Row{Metric: fmt.Sprintf("%s %s: gradient-mapping estimate ‖x⁺ − x‖/α, first → last iteration", task, m), Value: *o.ResidK, Paper: math.NaN(), Status: "info",
				Note: fmt.Sprintf("first iteration %.3g; %s", *o.Resid1, how)})
		}
		pr.Update(5, 7, task+" "+m)
	}
	return rows, nil
}

// T2FirstCrossings returns the first iteration at which T2's relative error
// falls below 1e-1, …, 1e-4 with the BiC-GAFFA script's LV-HBA parameters.
func T2FirstCrossings(ctx context.Context, n int) map[float64]int {
	tp := bilevel.T2(n)
	first := map[float64]int{}
	s := bilevel.LVHBASettings{Alpha: 5e-3, Beta: 2e-3, Eta: 3e-2, Lambda0: []float64{-1}, Z0: []float64{-1},
		Common: bilevel.Common{MaxIter: 12000, XRef: tp.XStar, Recorder: func(r bilevel.Record) bool {
			for _, c := range t2Crossings {
				if _, ok := first[c.th]; !ok && r.XError < c.th {
					first[c.th] = r.Iter
				}
			}
			return true
		}}}
	bilevel.LVHBA(ctx, tp.Problem, s)
	return first
}

// HistoryFigure plots one quantity of a run's history against the iteration
// (positive finite values only: the axis is logarithmic).
func HistoryFigure(name, title, ylabel, label string, h []bilevel.Record, f func(bilevel.Record) float64) repro.Figure {
	var xs, ys []float64
	for _, r := range h {
		if v := f(r); v > 0 && !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs, ys = append(xs, float64(r.Iter)), append(ys, v)
		}
	}
	return repro.Figure{Name: name, Title: title, XLabel: "iteration", YLabel: ylabel, LogY: true, Series: []repro.Series{{Name: label, X: xs, Y: ys}}}
}
