package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kkt-go/kkt/cutest"
)

func init() {
	register(&command{name: "cutest", summary: "list and evaluate CUTEst SIF problems (pure-Go SIF interpreter)", run: runCutest, subs: []string{"list", "eval"}})
	registerExperiment(&experiment{
		Name:  "cutest-sif",
		Paper: "CUTEst SIF interpreter vs S2MPJ reference values (Gratton & Toint, arXiv:2407.07812)",
		Order: 20,
		Run:   runCutestExperiment,
	})
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

// catEntry is one problem of the catalogue.
type catEntry struct {
	name, class string
	n, m        string // from the classification ("V" = variable size)
	eqOnly      bool
}

// readCatalogue reads catalogue.csv (name, classification, …,
// equality_only, …) next to the SIF directory.
func readCatalogue(file string) ([]catEntry, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseCatalogue(f, file)
}

// parseCatalogue parses the catalogue from r; file names it in errors.
func parseCatalogue(r io.Reader, file string) ([]catEntry, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", file)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"name", "classification"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("%s: no %s column", file, h)
		}
	}
	var out []catEntry
	for _, r := range recs[1:] {
		e := catEntry{name: r[col["name"]], class: r[col["classification"]]}
		e.n, e.m = classSizes(e.class)
		if k, ok := col["equality_only"]; ok {
			e.eqOnly = r[k] == "1"
		}
		out = append(out, e)
	}
	return out, nil
}

// classSizes returns n and m of a classification "XXXX-XX-n-m".
func classSizes(class string) (n, m string) {
	f := strings.Split(class, "-")
	if len(f) >= 4 {
		return f[len(f)-2], f[len(f)-1]
	}
	return "?", "?"
}

// scanSIFDir builds catalogue entries from the classification comments of
// the SIF files in dir.
func scanSIFDir(dir string) ([]catEntry, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []catEntry
	for _, e := range ents {
		if !strings.HasSuffix(strings.ToUpper(e.Name()), ".SIF") {
			continue
		}
		ce := catEntry{name: strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))}
		if f, err := os.Open(filepath.Join(dir, e.Name())); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				l := sc.Text()
				if strings.HasPrefix(l, "*") {
					if c := cutest.ClassificationOf(l); c != "" {
						ce.class = c
						break
					}
				}
			}
			f.Close()
		}
		ce.n, ce.m = classSizes(ce.class)
		out = append(out, ce)
	}
	return out, nil
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
	var entries []catEntry
	var err error
	cat := filepath.Join(filepath.Dir(filepath.Clean(sifdir)), "catalogue.csv")
	present := map[string]bool{}
	if sifdir != "" {
		if ents, e := os.ReadDir(sifdir); e == nil {
			for _, x := range ents {
				present[strings.TrimSuffix(x.Name(), filepath.Ext(x.Name()))] = true
			}
		} else {
			fmt.Fprintf(stderr, "kkt cutest list: %v\n", e)
			return exitBadInput
		}
	}
	if _, e := os.Stat(cat); e == nil && sifdir != "" {
		entries, err = readCatalogue(cat)
	} else if sifdir != "" {
		entries, err = scanSIFDir(sifdir)
	} else {
		fmt.Fprintln(stderr, "kkt cutest list: no SIF directory (use --sifdir or set MASTSIF or KKT_DATA)")
		return exitBadInput
	}
	if err != nil {
		fmt.Fprintf(stderr, "kkt cutest list: %v\n", err)
		return exitBadInput
	}
	type out struct {
		Name           string `json:"name"`
		Classification string `json:"classification"`
		N              string `json:"n"`
		M              string `json:"m"`
	}
	var rows []out
	for _, e := range entries {
		if !present[e.name] {
			continue
		}
		if *class != "" && !classMatch(*class, e.class) {
			continue
		}
		switch *cons {
		case "none":
			if e.m != "0" {
				continue
			}
		case "equality":
			if e.m == "0" {
				continue
			}
			if !e.eqOnly && !equalityOnlySIF(filepath.Join(sifdir, e.name+".SIF")) {
				continue
			}
		}
		n, m := e.n, e.m
		if *maxN > 0 {
			nv, err := strconv.Atoi(n)
			if err != nil { // variable size: load with the default parameters
				p, perr := cutest.ParseFile(filepath.Join(sifdir, e.name+".SIF"), nil)
				if perr != nil {
					continue
				}
				nv, n, m = p.N(), strconv.Itoa(p.N()), strconv.Itoa(p.M())
			}
			if nv > *maxN {
				continue
			}
		}
		rows = append(rows, out{e.name, e.class, n, m})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.Classification, r.N, r.M)
	}
	tw.Flush()
	return exitOK
}

// classMatch matches a classification against a glob or, without glob
// characters, a prefix.
func classMatch(pattern, class string) bool {
	if strings.ContainsAny(pattern, "*?[") {
		ok, _ := path.Match(pattern, class)
		return ok
	}
	return strings.HasPrefix(class, pattern)
}

// equalityOnlySIF loads a problem and reports whether all its constraints
// are equalities (used when the catalogue has no equality_only column).
func equalityOnlySIF(file string) bool {
	p, err := cutest.ParseFile(file, nil)
	if err != nil || p.M() == 0 {
		return false
	}
	for j := 0; j < p.M(); j++ {
		if !p.Equality(j) {
			return false
		}
	}
	return true
}

type paramList map[string]float64

func (p paramList) String() string { return fmt.Sprint(map[string]float64(p)) }
func (p paramList) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return errors.New("want NAME=VALUE")
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return fmt.Errorf("bad value in %q", s)
	}
	p[strings.TrimSpace(k)] = f
	return nil
}

func cutestEval(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("cutest eval", "NAME|FILE.SIF [--param N=100]... [--json] [--sifdir DIR]", stderr)
	params := paramList{}
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
	var name string
	if fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	if name == "" {
		fs.Usage()
		return exitBadInput
	}
	file := name
	if !strings.HasSuffix(strings.ToUpper(name), ".SIF") && !strings.ContainsRune(name, os.PathSeparator) {
		d := cutestSIFDir(*dir)
		if d == "" {
			fmt.Fprintf(stderr, "kkt cutest eval: cannot locate %s: set MASTSIF or KKT_DATA, or use --sifdir\n", name)
			return exitBadInput
		}
		file = filepath.Join(d, name+".SIF")
	}
	t0 := time.Now()
	p, err := cutest.ParseFile(file, &cutest.Options{Params: params})
	if err != nil {
		fmt.Fprintf(stderr, "kkt cutest eval: %v\n", err)
		return exitBadInput
	}
	tParse := time.Since(t0)
	x := p.X0()
	f := p.Objective(x)
	g := make([]float64, p.N())
	p.Gradient(g, x)
	c := make([]float64, p.M())
	p.Constraints(c, x)
	nnzJ := p.Jacobian(x).NNZ()
	if p.M() == 0 {
		nnzJ = 0
	}
	nnzH := p.HessLag(x, p.Y0()).NNZ()
	res := map[string]any{
		"name": p.Name(), "file": file, "classification": p.Classification(),
		"n": p.N(), "m": p.M(), "f0": jsonNum(f), "gnorm0": jsonNum(vnorm(g)), "cnorm0": jsonNum(vnorm(c)),
		"nnzJ": nnzJ, "nnzH": nnzH, "parse_time_s": tParse.Seconds(),
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

func vnorm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// runCutestExperiment checks the interpreter against reference.csv: the
// fraction of problems whose 16 quantities all match to 1e-10 (the paper
// column is 1.0: all of them). Quick mode checks every 9th problem.
func runCutestExperiment(ctx context.Context, env *reproEnv) ([]row, error) {
	ref, ok1 := env.DataPath("cutest/reference.csv")
	sifdir, ok2 := env.DataPath("cutest/sif")
	if !ok1 || !ok2 {
		return []row{{Experiment: "cutest-sif", Metric: "problems matched to 1e-10", Value: math.NaN(), Paper: math.NaN(),
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
	out := []row{
		compare(row{Experiment: "cutest-sif", Metric: "fraction of problems matched to 1e-10", Value: frac, Paper: 1,
			Note: fmt.Sprintf("%s; %d of %d (%d have no reference values); see docs/cutest.md", mode, pass, len(results), noRef)}, 0),
		compare(row{Experiment: "cutest-sif", Metric: "fraction matched, problems with reference values", Value: fracRef, Paper: 1,
			Note: fmt.Sprintf("%d of %d", pass, len(results)-noRef)}, 0),
		timing(row{Experiment: "cutest-sif", Metric: "parse + evaluate time", Value: elapsed.Seconds(), Paper: math.NaN(), Status: "info", Unit: "s",
			Note: fmt.Sprintf("%d problems, 2 workers", len(results))}),
	}
	return out, nil
}
