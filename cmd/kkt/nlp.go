package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/kkt-go/kkt/auglag"
	auglagrepro "github.com/kkt-go/kkt/internal/repro/auglag"
	"github.com/kkt-go/kkt/nlp"
)

func init() {
	register(&command{name: "nlp", summary: "equality-constrained NLP: AdaSketch-Newton and baselines (nlp pde …)", run: runNLP, subs: []string{"pde", "solve"}})
	register(&command{name: "logreg", summary: "constrained logistic regression with AdaSketch-Newton", run: runLogReg})
}

// nlpFlags are the solver flags shared by the NLP commands.
type nlpFlags struct {
	method            *string
	tol, theta, rtol  *float64
	seed              *uint64
	maxIter, maxInner *int
	hessian           *string
	asJSON            *bool
}

func addNLPFlags(fs *flag.FlagSet) *nlpFlags {
	return &nlpFlags{
		method:   fs.String("method", "adasketch-gv", "adasketch-gv | adasketch-rk | adasketch-sv | newton | newton-schur | newton-pminres | l1sqp | alm (kkt nlp pde also: ipm | auglag)"),
		tol:      fs.Float64("tol", 1e-4, "stop when ‖(∇ₓL, c)‖ ≤ tol"),
		seed:     fs.Uint64("seed", 2023, "seed of the sketch solvers"),
		maxIter:  fs.Int("max-iter", 10000, "outer iterations"),
		maxInner: fs.Int("max-inner", 100000, "sketch steps per KKT system"),
		hessian:  fs.String("hessian", "lagrangian", "merit-gradient Hessian: lagrangian (exact) | objective (the reference code's ∇²f)"),
		theta:    fs.Float64("superlinear", 0, "p > 0: sharpen the accuracy condition with θ_k = (k+1)^-p"),
		rtol:     fs.Float64("inner-rtol", 0, "ρ > 0: inner accuracy ‖Kz − b‖ ≤ θ_k·ρ·‖b‖ instead of the paper's condition"),
		asJSON:   fs.Bool("json", false, "print one JSON object"),
	}
}

func (f *nlpFlags) settings() (auglag.Settings, error) {
	if err := f.validate(); err != nil {
		return auglag.Settings{}, err
	}
	m, err := auglag.ParseMethod(*f.method)
	if err != nil {
		return auglag.Settings{}, err
	}
	s := auglag.Settings{Method: m, Tol: *f.tol, Seed: *f.seed, MaxIter: *f.maxIter, MaxInner: *f.maxInner, InnerRTol: *f.rtol}
	switch *f.hessian {
	case "lagrangian":
	case "objective":
		s.Hessian = auglag.ObjectiveHessian
	default:
		return s, fmt.Errorf("unknown --hessian %q", *f.hessian)
	}
	if *f.theta > 0 {
		s.Theta = auglag.Superlinear(*f.theta)
	}
	return s, nil
}

// reportNLP prints a Result of the paper's methods and returns the exit status.
func reportNLP(stdout io.Writer, name string, p auglag.Problem, res *auglag.Result, asJSON bool) int {
	if asJSON {
		out := map[string]any{"problem": name, "n": p.N(), "m": p.M(), "status": res.Status.String(), "iterations": res.Iterations,
			"kkt": res.KKT, "f": res.F, "time_s": res.Time.Seconds(), "sketch_steps": res.SketchSteps, "kkt_history": res.History,
			"alphas": res.Alphas, "eta1": res.Eta1, "eta2": res.Eta2, "grad_evals": res.GradEvals, "hessvec": res.HessVecs,
			"method": res.Method.String(), "inner_newton_steps": res.InnerIterations}
		if res.Message != "" {
			out["message"] = res.Message
		}
		if !printJSON(stdout, os.Stderr, name, out, false) {
			return exitBadInput
		}
	} else {
		inner := fmt.Sprintf("%d sketch steps", res.SketchSteps)
		switch res.Method {
		case auglag.Newton, auglag.NewtonSchur, auglag.NewtonPMINRES:
			inner = fmt.Sprintf("%d inner solver iterations", res.SketchSteps)
		case auglag.L1SQP:
			inner = fmt.Sprintf("%d GMRES iterations", res.SketchSteps)
		case auglag.ALM:
			inner = fmt.Sprintf("%d inner Newton steps, %d GMRES iterations", res.InnerIterations, res.SketchSteps)
		}
		fmt.Fprintf(stdout, "%s: %v in %d iterations, KKT %.3g, f %.10g, %s, %.3gs\n", name, res.Status, res.Iterations, res.KKT, res.F, inner, res.Time.Seconds())
		if res.Message != "" {
			fmt.Fprintln(stdout, res.Message)
		}
	}
	if res.Status != auglag.Converged {
		return exitNotConverge
	}
	return exitOK
}

func runNLP(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) > 0 && args[0] == "solve":
		return nlpSolveGeneral(args[1:], stdout, stderr)
	case len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help"):
		fmt.Fprint(stderr, "Usage: kkt nlp pde --grid N [flags]        the PDE-constrained control problem of the paper\n",
			"       kkt nlp solve NAME|FILE.SIF [flags]  a CUTEst problem ($MASTSIF, else $KKT_DATA/cutest/sif)\n",
			"Flags of each: kkt nlp pde -h, kkt nlp solve -h.\n")
		return exitOK
	case len(args) == 0 || args[0] != "pde":
		got := "none"
		if len(args) > 0 {
			got = fmt.Sprintf("%q", args[0])
		}
		fmt.Fprintf(stderr, "kkt nlp: subcommand %s: want pde or solve (see 'kkt help nlp')\n", got)
		return exitBadInput
	}
	fs := newFlagSet("nlp pde", "--grid N [--method M] [--zmin A] [--zmax B] [--json]", stderr)
	grid := fs.Int("grid", 3, "N: N×N interior grid (n = 2N², m = N²)")
	zmin := fs.Float64("zmin", math.Inf(-1), "lower bound on the control z (a general NLP: solved by --method ipm or auglag, refused by the paper's methods)")
	zmax := fs.Float64("zmax", math.Inf(1), "upper bound on the control z (see --zmin)")
	f := addNLPFlags(fs)
	if st, done := parseFlags(fs, args[1:]); done {
		return st
	}
	if *grid < 1 || *grid > 2048 {
		fmt.Fprintf(stderr, "kkt nlp pde: --grid %d out of range [1, 2048]\n", *grid)
		return exitBadInput
	}
	if math.IsNaN(*zmin) || math.IsNaN(*zmax) || *zmin > *zmax || math.IsInf(*zmin, 1) || math.IsInf(*zmax, -1) {
		fmt.Fprintf(stderr, "kkt nlp pde: bounds [%g, %g] on z: want zmin ≤ zmax\n", *zmin, *zmax)
		return exitBadInput
	}
	m := strings.ToLower(*f.method)
	bounded := !math.IsInf(*zmin, -1) || !math.IsInf(*zmax, 1)
	if m != "ipm" && m != "auglag" {
		s, err := f.settings()
		if err != nil {
			fmt.Fprintf(stderr, "kkt nlp pde: %v\n", err)
			return exitBadInput
		}
		var p auglag.Problem = auglag.NewPDEControl(*grid)
		if bounded { // the paper's methods refuse the bounds (nlp.ErrUnsupported)
			p = auglag.NewBoundedPDEControl(*grid, *zmin, *zmax)
		}
		res, err := auglag.Solve(context.Background(), p, s)
		if err != nil {
			return nlpSolveError(stderr, "kkt nlp pde", err)
		}
		return reportNLP(stdout, fmt.Sprintf("pde-%d", *grid), p, res, *f.asJSON)
	}
	bp := auglag.NewBoundedPDEControl(*grid, *zmin, *zmax)
	ctx, stop := signalContext()
	defer stop()
	res, err := solveGeneral(ctx, m, bp, 0, 0, nil)
	if err != nil {
		return nlpSolveError(stderr, "kkt nlp pde", err)
	}
	return reportGeneralNLP(stdout, stderr, fmt.Sprintf("pde-%d z∈[%g,%g]", *grid, *zmin, *zmax), bp, res, *f.asJSON, "")
}

func runLogReg(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("logreg", "--libsvm FILE [--method M] [--max-iter N] [--json]", stderr)
	data := fs.String("libsvm", "", "LIBSVM file (.bz2 accepted); labels are mapped to ±1")
	deprecatedAlias(fs, "data", "libsvm")
	cseed := fs.Uint64("constraint-seed", 1, "seed of the random linear constraints A x = b")
	f := addNLPFlags(fs)
	if st, done := parseFlags(fs, args); done {
		return st
	}
	if *data == "" {
		fmt.Fprintln(stderr, "kkt logreg: --libsvm is required")
		return exitBadInput
	}
	s, err := f.settings()
	if err != nil {
		fmt.Fprintf(stderr, "kkt logreg: %v\n", err)
		return exitBadInput
	}
	s.MaxInner = max(s.MaxInner, auglagrepro.LogRegMaxInner) // the reference's cap for this experiment
	p, err := auglag.ReadLogReg(*data, *cseed)
	if err != nil {
		fmt.Fprintf(stderr, "kkt logreg: %v\n", err)
		return exitBadInput
	}
	if d := p.MinNormFeasible(); d >= 1 {
		fmt.Fprintf(stderr, "kkt logreg: warning: the problem is infeasible: the smallest solution of the %d random linear constraints has norm %.3g > 1 (too few features, n = %d)\n", p.M()-1, d, p.N())
	}
	res, err := auglag.Solve(context.Background(), p, s)
	if err != nil {
		fmt.Fprintf(stderr, "kkt logreg: %v\n", err)
		return exitBadInput
	}
	return reportNLP(stdout, filepath.Base(*data), p, res, *f.asJSON)
}

// nlpSolveError prints the error of a solver and returns exit status 2: a
// refusal (a method that cannot handle the problem's bounds or
// inequalities, nlp.ErrUnsupported) says so and names what is unsupported.
func nlpSolveError(stderr io.Writer, cmd string, err error) int {
	if errors.Is(err, nlp.ErrUnsupported) {
		fmt.Fprintf(stderr, "%s: refused: %v\n", cmd, err)
	} else {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
	}
	return exitBadInput
}
