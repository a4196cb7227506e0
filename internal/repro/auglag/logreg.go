package auglagrepro

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/kkt-go/kkt/auglag"
	"github.com/kkt-go/kkt/internal/repro"
)

// PaperLogReg holds the paper's logistic-regression iteration counts
// (exist for a9a and w8a among the shared sets): AdaSketch-GV, -RK,
// GMRES-L1-Adap, and the AL method's inner Newton steps.
var PaperLogReg = map[string][4]float64{"a9a": {8, 9, 13, 91}, "w8a": {9, 9, 10, 47}}

// LogRegMaxInner is the reference code's cap on sketch steps per KKT system
// in the logistic-regression experiment (kkt logreg raises --max-inner to
// it).
const LogRegMaxInner = 1000000

// paperLogReg returns the paper's count for method m on set name (NaN when
// there is none).
func paperLogReg(name string, m auglag.Method) float64 {
	v, ok := PaperLogReg[name]
	if !ok {
		return math.NaN()
	}
	switch m {
	case auglag.AdaSketchGV:
		return v[0]
	case auglag.AdaSketchRK:
		return v[1]
	case auglag.L1SQP:
		return v[2]
	case auglag.ALM:
		return v[3]
	}
	return math.NaN()
}

// RunLogReg is the logreg experiment.
func RunLogReg(ctx context.Context, env *repro.Env) ([]repro.Row, error) {
	// Only sets with many more features than the 10 random rows are
	// feasible: ‖A⁺b‖ must be below 1 (heart_scale, australian, ijcnn1,
	// breast-cancer and diabetes are infeasible or too small; see
	// docs/auglag.md). The sketch solvers need ~6·10⁶ steps per set. An RK
	// step costs O(n + m) with the cached K·Kᵀ (sketch.Settings.Gram), about
	// 6 s on a9a, so the quick run has RK on a9a; --full adds a8a and w8a
	// and GV on a9a (a GV step costs O(nnz(K)) with a dense Hessian: w8a
	// would take hours).
	sets := []string{"a9a"}
	methods := func(string) []auglag.Method {
		return []auglag.Method{auglag.AdaSketchRK, auglag.Newton, auglag.L1SQP, auglag.ALM}
	}
	if env.Full {
		sets = []string{"a8a", "a9a", "w8a"}
		methods = func(name string) []auglag.Method {
			if name == "a9a" {
				return []auglag.Method{auglag.AdaSketchGV, auglag.AdaSketchRK, auglag.Newton, auglag.L1SQP, auglag.ALM}
			}
			return []auglag.Method{auglag.AdaSketchRK, auglag.Newton, auglag.L1SQP, auglag.ALM}
		}
	}
	if env.DataDir == "" {
		return []repro.Row{{Experiment: "logreg", Metric: "constrained logistic regression", Value: math.NaN(), Paper: math.NaN(), Status: "skipped", Note: "no LIBSVM data (set KKT_DATA)"}}, nil
	}
	var rows []repro.Row
	pr := env.NewProgress("logreg")
	for i, name := range sets {
		path, ok := env.DataPath(filepath.Join("libsvm", name))
		if !ok {
			return nil, fmt.Errorf("missing %s", path)
		}
		p, err := auglag.ReadLogReg(path, 1)
		if err != nil {
			return nil, err
		}
		if d := p.MinNormFeasible(); d >= 1 {
			rows = append(rows, repro.Row{Experiment: "logreg", Metric: name + ": infeasible", Value: d, Paper: math.NaN(), Status: "differs", Note: "‖A⁺b‖ ≥ 1"})
			continue
		}
		for _, m := range methods(name) {
			t0 := time.Now()
			res, err := auglag.Solve(ctx, p, auglag.Settings{Method: m, MaxInner: LogRegMaxInner})
			if err != nil {
				return nil, err
			}
			paper := paperLogReg(name, m)
			secs := time.Since(t0).Seconds()
			r := repro.Row{Experiment: "logreg", Metric: fmt.Sprintf("%s (n=%d) iterations, %v", name, p.N(), m), Value: float64(res.Iterations), Paper: paper, Unit: "iterations",
				Note: fmt.Sprintf("%v, KKT %.2g, %d sketch steps", res.Status, res.KKT, res.SketchSteps)}
			if m == auglag.ALM {
				r.Value = float64(res.InnerIterations)
				r.Metric = fmt.Sprintf("%s (n=%d) inner Newton steps, %v", name, p.N(), m)
				r.Note = fmt.Sprintf("%v in %d outer it., KKT %.2g, %d GMRES it.", res.Status, res.Iterations, res.KKT, res.SketchSteps)
			}
			ok := res.Status == auglag.Converged && (m == auglag.Newton || m == auglag.L1SQP || m == auglag.ALM || (res.Iterations >= 7 && res.Iterations <= 12))
			r.Status = repro.PassFail(ok)
			if !math.IsNaN(paper) {
				r.Ratio = r.Value / paper
			}
			rows = append(rows, r, repro.Timing(repro.Row{Experiment: "logreg", Metric: fmt.Sprintf("%s (n=%d) wall time, %v", name, p.N(), m), Value: secs, Paper: math.NaN(), Status: "info", Unit: "s"}))
		}
		pr.Update(i+1, len(sets), "datasets")
	}
	return rows, nil
}
