package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/kkt-go/kkt/cutest"
)

func init() {
	register(&command{name: "cutest", summary: "list and evaluate CUTEst SIF problems (pure-Go SIF interpreter)", run: runCutest, subs: []string{"list", "eval"}})
}

func runCutest(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, "Usage: kkt cutest list [--class PATTERN] [--constraints equality|none|any] [--max-n N] [--sifdir DIR]")
		fmt.Fprintln(stderr, "       kkt cutest eval NAME|FILE.SIF [--param N=100]... [--json] [--sifdir DIR]")
		fmt.Fprintln(stderr, "\nProblems are found in --sifdir, else $MASTSIF, else $KKT_DATA/cutest/sif.")
		if len(args) == 0 {
			return exitBadInput
		}
		return exitOK
	}
	switch args[0] {
	case "list":
		return cutestList(args[1:], stdout, stderr)
	case "eval":
		return cutestEval(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "kkt cutest: unknown subcommand %q: want list or eval (see 'kkt help cutest')\n", args[0])
	return exitBadInput
}

func cutestSIFDir(flagDir string) string {
	if flagDir != "" {
		return flagDir
	}
	return cutest.SIFDir()
}

func cutestList(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("cutest list", "[--class PATTERN] [--constraints equality|none|any] [--max-n N] [--sifdir DIR]", stderr)
	class := fs.String("class", "", "classification glob (e.g. 'SUR2-*') or prefix (e.g. 'Q')")
	cons := fs.String("constraints", "any", "equality (only equality constraints), none (m = 0) or any")
	maxN := fs.Int("max-n", 0, "only problems with at most N variables (problems of variable size are loaded with default parameters)")
	dir := fs.String("sifdir", "", "SIF directory (default $MASTSIF, else $KKT_DATA/cutest/sif)")
	asJSON := fs.Bool("json", false, "print one JSON object {\"problems\": [...], \"count\": N}")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	switch *cons {
	case "equality", "none", "any":
	default:
		fmt.Fprintf(stderr, "kkt cutest list: --constraints must be equality, none or any\n")
		return exitBadInput
	}
	sifdir := cutestSIFDir(*dir)
	if sifdir == "" {
		fmt.Fprintln(stderr, "kkt cutest list: no SIF directory (use --sifdir or set MASTSIF or KKT_DATA)")
		return exitBadInput
	}
	rows, err := cutest.List(sifdir, cutest.ListFilter{Class: *class, Constraints: *cons, MaxN: *maxN})
	if err != nil {
		fmt.Fprintf(stderr, "kkt cutest list: %v\n", err)
		return exitBadInput
	}
	if *asJSON {
		// one JSON object, like every command's --json
		if !printJSON(stdout, stderr, "cutest", map[string]any{"problems": rows, "count": len(rows)}, false) {
			return exitBadInput
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tclassification\tn\tm")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.Class, r.N, r.M)
	}
	tw.Flush()
	return exitOK
}

func cutestEval(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("cutest eval", "NAME|FILE.SIF [--param N=100]... [--json] [--sifdir DIR]", stderr)
	params := cutest.Params{}
	fs.Var(params, "param", "override a $-PARAMETER value (NAME=VALUE, repeatable)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	dir := fs.String("sifdir", "", "SIF directory (default $MASTSIF, else $KKT_DATA/cutest/sif)")
	// The problem name may stand before, between or after the flags.
	if st, done := parsePositional(fs, args); done {
		return st
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "kkt cutest eval: unexpected argument %q (one problem name)\n", fs.Arg(1))
		return exitBadInput
	}
	if fs.NArg() == 0 || fs.Arg(0) == "" {
		fs.Usage()
		return exitBadInput
	}
	name, d := fs.Arg(0), cutestSIFDir(*dir)
	file := cutest.Locate(name, d)
	if d == "" && file != name {
		fmt.Fprintf(stderr, "kkt cutest eval: cannot locate %s: set MASTSIF or KKT_DATA, or use --sifdir\n", name)
		return exitBadInput
	}
	t0 := time.Now()
	p, err := cutest.ParseFile(file, &cutest.Options{Params: params})
	if err != nil {
		fmt.Fprintf(stderr, "kkt cutest eval: %v\n", err)
		return exitBadInput
	}
	tParse := time.Since(t0)
	v := p.AtStart()
	res := map[string]any{
		"name": p.Name(), "file": file, "classification": p.Classification(),
		"n": p.N(), "m": p.M(), "f0": jsonNum(v.F), "gnorm0": jsonNum(v.GradNorm), "cnorm0": jsonNum(v.ConNorm),
		"nnzJ": v.NNZJ, "nnzH": v.NNZH, "parse_time_s": tParse.Seconds(),
	}
	if *asJSON {
		if !printJSON(stdout, stderr, "cutest", res, false) {
			return exitBadInput
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, k := range []string{"name", "classification", "file", "n", "m", "f0", "gnorm0", "cnorm0", "nnzJ", "nnzH", "parse_time_s"} {
		fmt.Fprintf(tw, "%s\t%v\n", k, res[k])
	}
	tw.Flush()
	return exitOK
}

// jsonNum keeps NaN and Inf printable in JSON (as strings).
func jsonNum(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return v
}
