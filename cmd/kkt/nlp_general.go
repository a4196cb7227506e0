package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strings"

	"github.com/kkt-go/kkt/auglag"
	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/atomicfile"
	"github.com/kkt-go/kkt/nlp"
	"github.com/kkt-go/kkt/solver"
)

// nlpSolveMethods lists the methods of kkt nlp solve: the general-NLP
// solvers first (ipm is the default), then the paper's equality-only
// methods, which refuse bounds and inequalities.
const nlpSolveMethods = "ipm | auglag | adasketch-gv | adasketch-rk | adasketch-sv | newton | newton-schur | newton-pminres | l1sqp | alm"

// nlpSolveGeneral implements kkt nlp solve NAME|FILE.SIF.
func nlpSolveGeneral(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("nlp solve", "NAME|FILE.SIF [--method ipm] [--param N=100]... [--tol 1e-8] [--max-iter N] [--x-out FILE] [--json] [--progress]", stderr)
	method := fs.String("method", "ipm", nlpSolveMethods)
	params := cutest.Params{}
	fs.Var(params, "param", "override a $-PARAMETER value (NAME=VALUE, repeatable)")
	tol := fs.Float64("tol", 0, "tolerance (0: the method's default, 1e-8 for ipm and auglag as IPOPT's tol, 1e-4 for the paper's methods)")
	maxIter := fs.Int("max-iter", 0, "iteration limit (0: the method's default, 3000 for ipm)")
	xOut := fs.String("x-out", "", "write x, the constraint multipliers y and the bound multipliers zl, zu to FILE (CSV: kind,index,name,value)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	progress := fs.Bool("progress", false, "print one line per iteration on stderr (iteration, f, inf_pr, inf_du, μ, ‖d‖, α), as IPOPT's log")
	sifdir := fs.String("sifdir", "", "SIF directory (default $MASTSIF, else $KKT_DATA/cutest/sif, else ../shared/data/cutest/sif)")
	// The paper's methods keep their own flags (kkt nlp pde -h lists them).
	seed := fs.Uint64("seed", 2023, "seed of the sketch solvers (adasketch-*)")
	maxInner := fs.Int("max-inner", 100000, "sketch steps per KKT system (adasketch-*)")
	if st, done := parsePositional(fs, args); done {
		return st
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "kkt nlp solve: want one problem name: kkt nlp solve NAME|FILE.SIF [flags] (see 'kkt help nlp')")
		return exitBadInput
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "kkt nlp solve: "+format+"\n", a...)
		return exitBadInput
	}
	if *tol < 0 || math.IsNaN(*tol) {
		return bad("--tol %g: want a positive tolerance (0 for the default)", *tol)
	}
	if *maxIter < 0 {
		return bad("--max-iter %d: want a positive limit (0 for the default)", *maxIter)
	}
	dir := *sifdir
	if dir == "" {
		dir = cutest.SIFDir() // kkt's one data-folder rule (internal/kktdata)
	}
	name := fs.Arg(0)
	file := cutest.Locate(name, dir)
	if dir == "" && file != name {
		return bad("cannot locate %s: set MASTSIF (or KKT_DATA), or give --sifdir or a path", name)
	}
	p, err := cutest.ParseFile(file, &cutest.Options{Params: params})
	if err != nil {
		return bad("%v", err)
	}
	ctx, stop := signalContext()
	defer stop()
	var rec solver.Recorder[nlp.Iteration]
	if *progress {
		rec = nlp.IterationLog(stderr)
	}
	m := strings.ToLower(*method)
	if m != "ipm" && m != "auglag" {
		am, err := auglag.ParseMethod(m)
		if err != nil {
			return bad("--method %q: want %s", *method, nlpSolveMethods)
		}
		s := auglag.Settings{Method: am, Tol: *tol, Seed: *seed, MaxIter: *maxIter, MaxInner: *maxInner}
		if s.Tol == 0 {
			s.Tol = 1e-4
		}
		if s.MaxIter == 0 {
			s.MaxIter = 10000
		}
		r, err := auglag.Solve(ctx, p, s)
		if err != nil {
			return nlpSolveError(stderr, "kkt nlp solve", err)
		}
		return reportNLP(stdout, p.Name(), p, r, *asJSON)
	}
	res, err := solveGeneral(ctx, m, p, *tol, *maxIter, rec)
	if err != nil {
		return bad("%v", err)
	}
	if *xOut != "" {
		if err := atomicfile.Write(*xOut, func(w io.Writer) error { return nlp.WriteSolution(w, p, res) }); err != nil {
			return bad("%v", err)
		}
	}
	return reportGeneralNLP(stdout, stderr, p.Name(), p, res, *asJSON, *xOut)
}

// solveGeneral runs the general-NLP method m (ipm or auglag).
func solveGeneral(ctx context.Context, m string, p nlp.Problem, tol float64, maxIter int, rec solver.Recorder[nlp.Iteration]) (*nlp.Result, error) {
	if m == "auglag" {
		return auglag.SolveNLP(ctx, p, auglag.NLPSettings{Tol: tol, MaxIter: maxIter})
	}
	return nlp.Solve(ctx, p, nlp.Settings{Tol: tol, MaxIter: maxIter, Recorder: rec})
}

// reportGeneralNLP prints the result of ipm or auglag and returns the exit
// status of the command-line contract.
func reportGeneralNLP(stdout, stderr io.Writer, name string, p nlp.Problem, res *nlp.Result, asJSON bool, xFile string) int {
	if asJSON {
		out := map[string]any{"problem": name, "method": res.Method, "n": p.N(), "m": p.M(),
			"status": res.Status.String(), "iterations": res.Iterations, "f": res.F,
			"inf_pr": res.InfPr, "inf_du": res.InfDu, "compl": res.Compl,
			"time_s": res.Time.Seconds(), "acceptable": res.Acceptable}
		if res.Message != "" {
			out["message"] = res.Message
		}
		if xFile != "" {
			out["x_file"] = xFile
		} else {
			out["x"] = res.X
		}
		if !printJSON(stdout, stderr, "nlp solve", out, false) {
			return exitBadInput
		}
		return res.Status.ExitCode()
	}
	acc := ""
	if res.Acceptable {
		acc = " (acceptable level)"
	}
	fmt.Fprintf(stdout, "%s (%s, n = %d, m = %d): %v%s in %d iterations\n", name, res.Method, p.N(), p.M(), res.Status, acc, res.Iterations)
	fmt.Fprintf(stdout, "f = %.12g, inf_pr = %.3g, inf_du = %.3g, compl = %.3g, %.3g s\n", res.F, res.InfPr, res.InfDu, res.Compl, res.Time.Seconds())
	if res.Message != "" {
		fmt.Fprintln(stdout, res.Message)
	}
	if xFile != "" {
		fmt.Fprintf(stdout, "x, y, zl, zu written to %s\n", xFile)
	} else if len(res.X) <= 10 {
		fmt.Fprintf(stdout, "x = %.10g\n", res.X)
	}
	return res.Status.ExitCode()
}

// signalContext returns a context canceled by SIGINT (a solver then ends
// with Status Canceled and its result so far is reported).
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}
