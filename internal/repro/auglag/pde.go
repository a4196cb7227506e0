package auglagrepro

import (
	"context"
	"fmt"
	"math"

	"github.com/kkt-go/kkt/auglag"
	"github.com/kkt-go/kkt/internal/repro"
)

// PaperPDE holds the authors' iterations on the PDE problem with N = 3
// (NaN: no published run) and the sketch-step cap the experiment gives each
// KKT system (0: the default).
var PaperPDE = []struct {
	Method     auglag.Method
	Iterations float64
	MaxInner   int
}{
	// GV with the reference's PDE cap of 10⁶ sketch steps.
	{auglag.AdaSketchGV, 4, 1000000}, {auglag.AdaSketchRK, 3, 100000}, {auglag.Newton, math.NaN(), 0}, {auglag.NewtonSchur, math.NaN(), 0},
	{auglag.L1SQP, 10, 0}, {auglag.ALM, 4, 0},
}

// RunPDE is the pde experiment: iterations at N = 3 against the authors'
// runs, the scaling of the Newton–KKT solves in N and the progress of
// AdaSketch-RK at N = 16 after 3 iterations.
func RunPDE(ctx context.Context, env *repro.Env) ([]repro.Row, error) {
	var rows []repro.Row
	for _, c := range PaperPDE {
		res, err := auglag.Solve(ctx, auglag.NewPDEControl(3), auglag.Settings{Method: c.Method, MaxInner: c.MaxInner})
		if err != nil {
			return nil, err
		}
		r := repro.Row{Experiment: "pde", Metric: "iterations N=3, " + c.Method.String(), Value: float64(res.Iterations), Paper: c.Iterations, Unit: "iterations",
			Note: fmt.Sprintf("%v, KKT %.2g, %d sketch steps", res.Status, res.KKT, res.SketchSteps)}
		switch c.Method {
		case auglag.L1SQP:
			r.Note = fmt.Sprintf("%v, KKT %.2g, %d GMRES it. (authors' GMRES-L1-Adap: 10)", res.Status, res.KKT, res.SketchSteps)
		case auglag.ALM:
			r.Note = fmt.Sprintf("%v, KKT %.2g, %d inner Newton steps (authors' AL: 4 outer / 67 inner)", res.Status, res.KKT, res.InnerIterations)
		case auglag.Newton, auglag.NewtonSchur:
			r.Note = fmt.Sprintf("%v, KKT %.2g", res.Status, res.KKT)
		}
		if !math.IsNaN(c.Iterations) {
			r.Ratio = r.Value / r.Paper
			r.Status = repro.PassFail(math.Abs(r.Value-r.Paper) <= 2 && res.Status == auglag.Converged)
		} else {
			r.Status = "info"
		}
		rows = append(rows, r)
	}
	// Scaling study. newton-schur (range-space method, sparse Cholesky of
	// S = G B⁻¹ Gᵀ) runs every grid up to N = 128 even in the quick run
	// (about 2 s in all); the unpreconditioned MINRES baseline (to N = 128,
	// 10–120 s there depending on the load) and MINRES with the IC(0) block
	// preconditioner (to N = 64: at N = 128 it does not reach 1e-10 in
	// minutes) run in --full only.
	grids := []int{16, 32, 64, 128}
	pr := env.NewProgress("pde")
	fig := repro.Figure{Name: "pde-scaling", Title: "PDE control: time of the Newton–KKT solves", XLabel: "n = 2N²", YLabel: "time (s)", LogX: true, LogY: true, Timing: true}
	type study struct {
		m     auglag.Method
		label string
		maxN  int
	}
	studies := []study{{auglag.NewtonSchur, "range-space Cholesky", 128}}
	if env.Full {
		studies = append(studies, study{auglag.NewtonPMINRES, "MINRES + IC(0) block precond.", 64}, study{auglag.Newton, "MINRES, no precond.", 128})
	}
	total, done := 0, 0
	for _, st := range studies {
		for _, N := range grids {
			if N <= st.maxN {
				total++
			}
		}
	}
	for _, st := range studies {
		var xs, ys []float64
		for _, N := range grids {
			if N > st.maxN {
				continue
			}
			res, err := auglag.Solve(ctx, auglag.NewPDEControl(N), auglag.Settings{Method: st.m})
			if err != nil {
				return nil, err
			}
			n := 2 * N * N
			xs, ys = append(xs, float64(n)), append(ys, res.Time.Seconds())
			size := fmt.Sprintf("N=%d (n=%d, m=%d)", N, n, N*N)
			rows = append(rows, repro.Row{Experiment: "pde", Metric: fmt.Sprintf("%v iterations, %s", st.m, size), Value: float64(res.Iterations), Paper: math.NaN(), Status: "info", Unit: "iterations",
				Note: fmt.Sprintf("%v, KKT %.2g, %d inner it., %.3g inner flops", res.Status, res.KKT, res.SketchSteps, float64(res.SketchFlops))})
			r := repro.Timing(repro.Row{Experiment: "pde", Metric: fmt.Sprintf("%v time, %s", st.m, size), Value: res.Time.Seconds(), Paper: math.NaN(), Status: "info", Unit: "s"})
			if N == 128 {
				// Must-show: N = 128 solved to 1e-4 in under 30 s.
				r.Status = repro.PassFail(res.Status == auglag.Converged && res.KKT <= 1e-4 && res.Time.Seconds() < 30)
				r.Note = "target: converged to KKT ≤ 1e-4 in < 30 s"
			}
			rows = append(rows, r)
			done++
			pr.Update(done, total, "solves")
		}
		if len(xs) >= 2 {
			k := len(xs) - 1
			slope := math.Log(ys[k]/ys[k-1]) / math.Log(xs[k]/xs[k-1])
			rows = append(rows, repro.Timing(repro.Row{Experiment: "pde", Metric: fmt.Sprintf("%v growth exponent of time in n (last two grids)", st.m), Value: slope, Paper: math.NaN(), Status: "info",
				Note: "time ∝ n^p; see docs/auglag.md for the full table"}))
		}
		fig.Series = append(fig.Series, repro.Series{Name: st.label, X: xs, Y: ys})
	}
	env.AddFigure(fig)
	res, err := auglag.Solve(ctx, auglag.NewPDEControl(16), auglag.Settings{Method: auglag.AdaSketchRK, MaxIter: 3})
	if err != nil {
		return nil, err
	}
	rows = append(rows, repro.Row{Experiment: "pde", Metric: "AdaSketch-RK, N=16: KKT after 3 iterations", Value: res.KKT, Paper: math.NaN(), Status: "info",
		Note: fmt.Sprintf("from %.3g; %d of 3 KKT systems hit the 1e5-step cap", res.History[0], res.InnerCapHits)})
	return rows, nil
}
