package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kkt-go/kkt/bilevel"
	"github.com/kkt-go/kkt/internal/repro"
	bilevelrepro "github.com/kkt-go/kkt/internal/repro/bilevel"
)

func init() {
	register(&command{name: "bilevel", summary: "bilevel optimization: penalty methods, LV-HBA, AID on T1–T5, SVM and hyper-cleaning", run: runBilevel})
}

func runBilevel(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("bilevel", "--problem t1|t2|t3|t4|t5|svm|cleaning --method penalty|lvhba|aid [--max-iter N] [--n N] [--r R] [--sigma S] [--alpha A] [--eta E] [--seeds K] [--seed N] [--json] [--out DIR] [--progress]", stderr)
	problem := fs.String("problem", "t2", "problem: t1…t5 (closed-form toys), svm (diabetes_scale), cleaning (MNIST, 40% flipped)")
	method := fs.String("method", "lvhba", "method: penalty (Kwon et al.), lvhba (Yao et al.), aid (implicit differentiation)")
	iters := fs.Int("max-iter", 0, "iteration budget (0: the problem's default)")
	deprecatedAlias(fs, "iters", "max-iter")
	n := fs.Int("n", 0, "problem size for t1–t5 (0: default)")
	r := fs.Float64("r", 0, "LV-HBA multiplier truncation radius r (0: default 1; Inf for none)")
	sigma := fs.Float64("sigma", 0, "penalty parameter σ (0: default)")
	alpha := fs.Float64("alpha", 0, "step α of LV-HBA's (x, y) block or of the penalty method's x on svm and cleaning (0: default; t1: η/2, t2, t5: the scripts' 5e-3, 0.02; svm, cleaning: 0.01 for LV-HBA, the reference value, 0.1 for the penalty method)")
	eta := fs.Float64("eta", 0, "t1–t5: LV-HBA's inner step η (0: default; t1: bilevel.StepRule from the problem's constants, t2, t5: the scripts' 3e-2, 0.1)")
	tol := fs.Float64("tol", 0, "svm, cleaning, penalty method: stop when its gradient-mapping estimate ‖x⁺ − x‖/α ≤ tol, --max-iter then caps the run (0: default 5000); 0 runs the iteration budget")
	seeds := fs.Int("seeds", 5, "seeds to average over (svm, cleaning)")
	seed := fs.Uint64("seed", 1, "random seed")
	data := fs.String("data", defaultDataDir(), "data directory (KKT_DATA)")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout")
	out := fs.String("out", "", "directory for history.csv")
	showProgress := fs.Bool("progress", false, "progress lines on stderr (default: only when stderr is a terminal)")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	c := bilevelrepro.Config{Problem: strings.ToLower(*problem), Method: strings.ToLower(*method), N: *n, Iters: *iters, Seed: *seed,
		Seeds: *seeds, DataDir: *data, R: *r, Sigma: *sigma, Alpha: *alpha, Eta: *eta, Tol: *tol, History: *out != "", HistoryEvery: 10}
	if *n < 0 || *iters < 0 || *r < 0 || *sigma < 0 || *alpha < 0 || *eta < 0 || !(*tol >= 0) {
		fmt.Fprintln(stderr, "kkt bilevel: --n, --max-iter, --r, --sigma, --alpha, --eta and --tol must be ≥ 0")
		return exitBadInput
	}
	var progress io.Writer
	if f, isFile := stderr.(*os.File); *showProgress || isFile && repro.IsTerminal(f) {
		progress = stderr
	}
	o, err := bilevelrepro.Run(context.Background(), c, progress)
	if err != nil {
		fmt.Fprintf(stderr, "kkt bilevel: %v\n", err)
		if errors.Is(err, bilevelrepro.ErrFailed) {
			return exitNotConverge
		}
		return exitBadInput
	}
	if *out != "" {
		if err := bilevelrepro.WriteHistory(*out, o.History); err != nil {
			fmt.Fprintf(stderr, "kkt bilevel: %v\n", err)
			return exitBadInput
		}
	}
	if *asJSON {
		if !printJSON(stdout, stderr, "bilevel", o, false) {
			return exitBadInput
		}
	} else {
		printBilevel(stdout, o)
	}
	// The contract: 0 only when the solver converged (MaxIterations used to
	// exit 0 when the error against the closed form was small).
	if o.Status != bilevel.Converged.String() || !o.OK {
		return exitNotConverge
	}
	return exitOK
}

func printBilevel(w io.Writer, o *bilevelrepro.Outcome) {
	fmt.Fprintf(w, "%s / %s: %s after %d iterations, %.3fs\n", o.Problem, o.Method, o.Status, o.Iterations, o.TimeS)
	if o.XError != nil {
		fmt.Fprintf(w, "  ‖x − x*‖/‖x*‖ = %.3g\n", *o.XError)
	}
	if o.LowerError != nil {
		fmt.Fprintf(w, "  ‖y − y*(x)‖ = %.3g\n", *o.LowerError)
	}
	if o.SigmaError != nil {
		fmt.Fprintf(w, "  ‖x − x*_σ‖ = %.3g (x*_σ = b/(2+σ))\n", *o.SigmaError)
	}
	if o.Eta != nil {
		fmt.Fprintf(w, "  steps η = %.4g, α = %.4g\n", *o.Eta, *o.Alpha)
	}
	fmt.Fprintf(w, "  F = %.8g, lower gap = %.3g, violation = %.3g\n", o.Upper, o.Gap, o.Violation)
	if o.TestAcc != nil {
		fmt.Fprintf(w, "  %s, %d seeds: test accuracy %.4f (untuned baseline %.4f), validation %.4f\n", o.Data, o.Seeds, *o.TestAcc, *o.BaselineTest, *o.ValAcc)
	}
	if o.F1 != nil {
		fmt.Fprintf(w, "  F1 of the flagged (down-weighted) corrupted samples: %.4f (%.0f%% flagged; random flagging of as many: %.4f), AUC %.4f\n",
			*o.F1, 100**o.Flagged, *o.RandomF1, *o.AUC)
	}
	if o.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", o.Error)
	}
}
