package linsolverepro

import (
	"context"
	"fmt"
	"math"

	"github.com/kkt-go/kkt/internal/repro"
	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

// SciPyCGPoisson100 is SciPy's iteration count for cg on Poisson2D(100,100),
// b = A·1, tol 1e-8, atol 0, measured with
// /usr/bin/python3 linsolve/testdata/scipy_cg.py 100 (scipy 1.10.1).
const SciPyCGPoisson100 = 183

// Experiments returns the experiments of the package (fresh values).
func Experiments() []*repro.Experiment {
	return []*repro.Experiment{{Name: "linsolve", Paper: "Hestenes–Stiefel CG vs SciPy 1.10 scipy.sparse.linalg.cg; Saad (2003)", Order: 10, Run: Run}}
}

// Run solves Poisson 100×100 with CG against SciPy's count, and reports
// PCG+IC(0) and GMRES(20) without and with ILU(0) as information rows.
func Run(ctx context.Context, env *repro.Env) ([]repro.Row, error) {
	const exp = "linsolve"
	var rows []repro.Row
	a := matrix.Poisson2D(100, 100)
	op := matrix.NewCSR(a)
	b := onesRHS(op)
	s := linsolve.Settings{RTol: 1e-8}
	res, err := linsolve.CG(ctx, op, b, s)
	if err != nil {
		return nil, err
	}
	r := repro.Row{Experiment: exp, Metric: "CG iterations, Poisson 100x100, rtol 1e-8", Value: float64(res.Iterations),
		Paper: SciPyCGPoisson100, Unit: "iterations", Note: "b = A·1; Paper column = SciPy 1.10 cg; ±2 accepted"}
	r = repro.Compare(r, 2.0/SciPyCGPoisson100+1e-12)
	if res.Status != linsolve.Converged {
		r.Status = "differs"
	}
	rows = append(rows, r)

	ic, err := linsolve.NewIC0(a)
	if err != nil {
		return nil, err
	}
	s.Precond = ic
	res, err = linsolve.CG(ctx, op, b, s)
	if err != nil {
		return nil, err
	}
	rows = append(rows, repro.Compare(repro.Row{Experiment: exp, Metric: "PCG+IC(0) iterations, Poisson 100x100, rtol 1e-8",
		Value: float64(res.Iterations), Paper: math.NaN(), Unit: "iterations", Note: res.Status.String()}, 0))

	nx := 64
	if env.Full {
		nx = 200
	}
	cd := matrix.ConvectionDiffusion2D(nx, 0.5)
	cop := matrix.NewCSR(cd)
	cb := onesRHS(cop)
	for _, pre := range []string{"none", "ilu0"} {
		gs := linsolve.Settings{RTol: 1e-8}
		if pre == "ilu0" {
			p, err := linsolve.NewILU0(cd)
			if err != nil {
				return nil, err
			}
			gs.Precond = p
		}
		res, err := linsolve.GMRES(ctx, cop, cb, gs)
		if err != nil {
			return nil, err
		}
		rows = append(rows, repro.Compare(repro.Row{Experiment: exp,
			Metric: fmt.Sprintf("GMRES(20) iterations, conv-diff %dx%d Pe_h 0.5, precond %s", nx, nx, pre),
			Value:  float64(res.Iterations), Paper: math.NaN(), Unit: "iterations", Note: res.Status.String()}, 0))
	}
	// Figure: relative residual histories of the Krylov methods on Poisson 100×100.
	fig := repro.Figure{Name: "linsolve-residuals", Title: "Poisson 100×100, b = A·1", XLabel: "iteration",
		YLabel: "‖b − Ax‖/‖b‖ (as tracked)", LogY: true}
	bn := 0.0
	for _, v := range b {
		bn += v * v
	}
	bn = math.Sqrt(bn)
	ic0, err := linsolve.NewIC0(a)
	if err != nil {
		return nil, err
	}
	hist := linsolve.Settings{RTol: 1e-8, History: true}
	pcg := hist
	pcg.Precond = ic0
	for _, m := range []struct {
		name string
		f    func() (*linsolve.Result, error)
	}{
		{"CG", func() (*linsolve.Result, error) { return linsolve.CG(ctx, op, b, hist) }},
		{"PCG, IC(0)", func() (*linsolve.Result, error) { return linsolve.CG(ctx, op, b, pcg) }},
		{"MINRES", func() (*linsolve.Result, error) { return linsolve.MINRES(ctx, op, b, hist) }},
		{"GMRES(20)", func() (*linsolve.Result, error) { return linsolve.GMRES(ctx, op, b, hist) }},
		{"BiCGSTAB", func() (*linsolve.Result, error) { return linsolve.BiCGSTAB(ctx, op, b, hist) }},
	} {
		res, err := m.f()
		if err != nil {
			return nil, err
		}
		xs := make([]float64, len(res.History))
		ys := make([]float64, len(res.History))
		for i, h := range res.History {
			xs[i], ys[i] = float64(i), h/bn
		}
		fig.Series = append(fig.Series, repro.Series{Name: m.name, X: xs, Y: ys})
	}
	env.AddFigure(fig)
	fmt.Fprintf(env.Progress, "[linsolve] CG Poisson 100x100: %d iterations (SciPy %d)\n", int(rows[0].Value), SciPyCGPoisson100)
	return rows, nil
}

// onesRHS returns b = A·1, so that x = 1 solves A·x = b.
func onesRHS(op matrix.Operator) []float64 {
	r, c := op.Dims()
	x := make([]float64, c)
	for i := range x {
		x[i] = 1
	}
	b := make([]float64, r)
	op.Apply(b, x)
	return b
}
