package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
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
	params := paramList{}
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
	p, err := loadCUTEst(fs.Arg(0), *sifdir, params)
	if err != nil {
		return bad("%v", err)
	}
	ctx, stop := signalContext()
	defer stop()
	m := strings.ToLower(*method)
	var res *nlp.Result
	switch m {
	case "ipm":
		s := nlp.Settings{Tol: *tol, MaxIter: *maxIter}
		if *progress {
			s.Recorder = ipmProgress(stderr)
		}
		res, err = nlp.Solve(ctx, p, s)
	case "auglag":
		res, err = auglag.SolveNLP(ctx, p, auglag.NLPSettings{Tol: *tol, MaxIter: *maxIter})
	default:
		am, perr := auglag.ParseMethod(m)
		if perr != nil {
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
	if err != nil {
		return bad("%v", err)
	}
	if *xOut != "" {
		if err := writeNLPSolution(*xOut, p, res); err != nil {
			return bad("%v", err)
		}
	}
	return reportGeneralNLP(stdout, stderr, p.Name(), p, res, *asJSON, *xOut)
}

// loadCUTEst parses a problem by name (in dir, else cutest.SIFDir: $MASTSIF,
// else cutest/sif in the data folder) or by path.
func loadCUTEst(name, dir string, params paramList) (*cutest.Problem, error) {
	opt := &cutest.Options{Params: map[string]float64(params)}
	if strings.HasSuffix(strings.ToUpper(name), ".SIF") || strings.ContainsRune(name, os.PathSeparator) {
		return cutest.ParseFile(name, opt)
	}
	if dir == "" {
		dir = cutest.SIFDir() // kkt's one data-folder rule (internal/kktdata)
	}
	if dir == "" {
		return nil, fmt.Errorf("cannot locate %s: set MASTSIF (or KKT_DATA), or give --sifdir or a path", name)
	}
	path := filepath.Join(dir, strings.ToUpper(name)+".SIF")
	if _, err := os.Stat(path); err != nil {
		// Names are case-insensitive; a few files have lower-case letters.
		if alt := filepath.Join(dir, name+".SIF"); alt != path {
			if _, err2 := os.Stat(alt); err2 == nil {
				path = alt
			}
		}
	}
	return cutest.ParseFile(path, opt)
}

// ipmProgress prints IPOPT's iteration table on w (a header every 10 lines).
func ipmProgress(w io.Writer) solver.Recorder[nlp.Iteration] {
	lines := 0
	return func(it nlp.Iteration) bool {
		if lines%10 == 0 {
			fmt.Fprintln(w, "iter    objective    inf_pr   inf_du lg(mu)  ||d||  lg(rg) alpha_du alpha_pr  ls")
		}
		r := " "
		if it.Restoration {
			r = "r"
		}
		lg := func(v float64) string {
			if v <= 0 {
				return "   - "
			}
			return fmt.Sprintf("%5.1f", math.Log10(v))
		}
		fmt.Fprintf(w, "%4d%s %13.7e %8.2e %8.2e %s %8.2e %s %8.2e %8.2e %3d\n",
			it.Iter, r, it.F, it.InfPr, it.InfDu, lg(it.Mu), it.DNorm, lg(it.RegW), it.AlphaDual, it.Alpha, it.LS)
		lines++
		return true
	}
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
	} else {
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
	}
	return res.Status.ExitCode()
}

// writeNLPSolution writes x, y, zl and zu as CSV rows kind,index,name,value
// to a temporary file beside path and renames it into place.
func writeNLPSolution(path string, p nlp.Problem, res *nlp.Result) error {
	var b strings.Builder
	b.WriteString("kind,index,name,value\n")
	put := func(kind string, names []string, v []float64) {
		for i, x := range v {
			name := ""
			if i < len(names) {
				name = names[i]
			}
			b.WriteString(kind + "," + strconv.Itoa(i) + "," + name + "," + strconv.FormatFloat(x, 'g', 17, 64) + "\n")
		}
	}
	var vn, cn []string
	if named, ok := p.(interface{ VarNames() []string }); ok {
		vn = named.VarNames()
	}
	if named, ok := p.(interface{ ConNames() []string }); ok {
		cn = named.ConNames()
	}
	put("x", vn, res.X)
	put("zl", vn, res.ZL)
	put("zu", vn, res.ZU)
	put("y", cn, res.Y)
	return atomicfile.WriteFile(path, []byte(b.String()))
}

// signalContext returns a context canceled by SIGINT (a solver then ends
// with Status Canceled and its result so far is reported).
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}
