package cutestrepro

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/repro"
)

// Experiments returns the experiments of the package (fresh values).
func Experiments() []*repro.Experiment {
	return []*repro.Experiment{{
		Name:  "cutest-sif",
		Paper: "CUTEst SIF interpreter vs S2MPJ reference values (Gratton & Toint, arXiv:2407.07812)",
		Order: 20,
		Run:   Run,
	}}
}

// Run checks the interpreter against cutest/reference.csv: the fraction of
// problems whose 16 quantities all match to 1e-10 (the paper column is 1.0:
// all of them). The quick run checks every 9th problem.
func Run(ctx context.Context, env *repro.Env) ([]repro.Row, error) {
	ref, ok1 := env.DataPath("cutest/reference.csv")
	sifdir, ok2 := env.DataPath("cutest/sif")
	if !ok1 || !ok2 {
		return []repro.Row{{Experiment: "cutest-sif", Metric: "problems matched to 1e-10", Value: math.NaN(), Paper: math.NaN(),
			Status: "info", Note: "no CUTEst data (set KKT_DATA to a directory with cutest/sif and cutest/reference.csv); nothing to check"}}, nil
	}
	rows, err := cutest.ReadReference(ref)
	if err != nil {
		return nil, err
	}
	mode := "full: all problems"
	if !env.Full {
		var sub []cutest.ReferenceRow
		for i, r := range rows {
			if i%9 == 0 {
				sub = append(sub, r)
			}
		}
		rows = sub
		mode = "quick: every 9th problem"
	}
	t0 := time.Now()
	results := cutest.CheckReferences(sifdir, rows, 2)
	elapsed := time.Since(t0)
	pass, noRef := 0, 0
	var failed []string
	for _, r := range results {
		switch {
		case r.OK:
			pass++
		case strings.HasPrefix(r.Reason, "no reference values"):
			noRef++
			failed = append(failed, r.Name+" (no reference)")
		default:
			failed = append(failed, r.Name)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	fmt.Fprintf(env.Progress, "[cutest-sif] %d/%d problems match; failures: %s\n", pass, len(results), strings.Join(failed, ", "))
	frac := float64(pass) / float64(len(results))
	fracRef := float64(pass) / float64(len(results)-noRef)
	out := []repro.Row{
		repro.Compare(repro.Row{Experiment: "cutest-sif", Metric: "fraction of problems matched to 1e-10", Value: frac, Paper: 1,
			Note: fmt.Sprintf("%s; %d of %d (%d have no reference values); see docs/cutest.md", mode, pass, len(results), noRef)}, 0),
		repro.Compare(repro.Row{Experiment: "cutest-sif", Metric: "fraction matched, problems with reference values", Value: fracRef, Paper: 1,
			Note: fmt.Sprintf("%d of %d", pass, len(results)-noRef)}, 0),
		repro.Timing(repro.Row{Experiment: "cutest-sif", Metric: "parse + evaluate time", Value: elapsed.Seconds(), Paper: math.NaN(), Status: "info", Unit: "s",
			Note: fmt.Sprintf("%d problems, 2 workers", len(results))}),
	}
	return out, nil
}
