package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/kkt-go/kkt/dag"
	dagrepro "github.com/kkt-go/kkt/internal/repro/dag"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register(&command{name: "dag", summary: "learn linear DAGs: simulate, fit (CoLiDE, DAGMA, TOPO), evaluate, sweep", run: runDag, subs: []string{"simulate", "evaluate", "sweep", "plot"}})
}

const dagUsage = `[simulate|fit|evaluate|sweep] [flags]

  kkt dag simulate --graph er|sf --k 2 --d 20 --n 1000 --noise gauss|exp|gumbel|laplace
                   --variance equal|unequal --seed 1 --out DIR       (writes X.csv, B_true.csv)
  kkt dag [fit] --csv X.csv --method colide-ev|colide-nv|dagma|topo|<method>+topo
                [--lambda 0.05] [--threshold 0.3] [--truth B.csv] [--w-out W.csv] [--json]
  kkt dag evaluate --truth B.csv --est W.csv [--json]
  kkt dag sweep --graphs er2,er4,sf4 --d 10,20 --variance equal,unequal --seeds 5
                --methods dagma,colide-ev,colide-nv,topo,colide-ev+topo [--json]
  kkt dag plot --in sweep1.json,sweep2.json --figure-out shd.svg  (SHD against d from sweep --json output)`

func runDag(args []string, stdout, stderr io.Writer) int {
	sub := "fit"
	if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		// kkt help dag: every subcommand, then the flags of fit (the default).
		fmt.Fprintf(stderr, "Usage: kkt dag %s\n\nSubcommands' flags: kkt dag SUB -h. The default subcommand, fit:\n\n", dagUsage)
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	if f, ok := map[string]func([]string, io.Writer, io.Writer) int{"simulate": runDagSimulate, "fit": runDagFit,
		"evaluate": runDagEvaluate, "sweep": runDagSweep, "plot": runDagPlot}[sub]; ok {
		return f(args, stdout, stderr)
	}
	fmt.Fprintf(stderr, "kkt dag: unknown subcommand %q (see 'kkt help dag')\n", sub)
	return exitBadInput
}

func runDagSimulate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("dag simulate", "--graph er|sf --k 2 --d 20 --n 1000 --noise gauss --variance equal --seed 1 --out DIR", stderr)
	graph := fs.String("graph", "er", "graph model: er (K·d edges) or sf (Barabási–Albert, K edges per node)")
	k := fs.Int("k", 2, "ER: edges per node (k·d edges); SF: out-edges per new node")
	d := fs.Int("d", 20, "number of nodes")
	n := fs.Int("n", 1000, "number of samples")
	noiseS := fs.String("noise", "gauss", "noise: gauss, exp, gumbel or laplace (scaled to the node's variance)")
	variance := fs.String("variance", "equal", "equal (all 1) or unequal (U(0.5, 10) per node)")
	wmin := fs.Float64("wmin", 0.5, "smallest |weight|")
	wmax := fs.Float64("wmax", 2, "largest |weight|")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "output directory (required)")
	asJSON := fs.Bool("json", false, "print a JSON summary on stdout")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	g, err := dag.ParseGraphType(*graph)
	nt, err2 := dag.ParseNoiseType(*noiseS)
	uneq, err3 := dagrepro.ParseVariance(*variance)
	err = cmp.Or(err, err2, err3)
	if err == nil && (*out == "" || *d < 1 || *n < 2 || *k < 1 || *wmin <= 0 || *wmax < *wmin) {
		err = errors.New("need --out DIR, d ≥ 1, n ≥ 2, k ≥ 1 and 0 < wmin ≤ wmax")
	} else if err == nil {
		sim := dag.Simulate(rand.New(rand.NewPCG(*seed, 0)), dag.SimSettings{Graph: g, K: *k, D: *d, N: *n,
			Noise: nt, Unequal: uneq, WMin: *wmin, WMax: *wmax})
		var xp, bp string
		if xp, bp, err = dagrepro.WriteSim(*out, sim); err == nil {
			if *asJSON {
				err = writeJSON(stdout, map[string]any{"x": xp, "b_true": bp, "edges": dag.NumEdges(sim.W),
					"d": *d, "n": *n, "noise_var": sim.NoiseVar}, false)
			} else {
				fmt.Fprintf(stdout, "wrote %s and %s (%d nodes, %d edges, %d samples)\n", xp, bp, *d, dag.NumEdges(sim.W), *n)
			}
			if err == nil {
				return exitOK
			}
		}
	}
	fmt.Fprintf(stderr, "kkt dag simulate: %v\n", err)
	return exitBadInput
}

func runDagFit(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("dag", "--csv X.csv --method colide-ev|colide-nv|dagma|topo|colide-ev+topo [flags]", stderr)
	data := fs.String("csv", "", "n×d data CSV (header row optional)")
	deprecatedAlias(fs, "data", "csv")
	method := fs.String("method", "colide-ev", "colide-ev, colide-nv, dagma, topo, or <method>+topo (TOPO post-processing)")
	lambda := fs.Float64("lambda", 0.05, "ℓ1 weight λ of DAGMA/CoLiDE")
	thr := fs.Float64("threshold", 0.3, "edge threshold |w| ≤ t → 0")
	truth := fs.String("truth", "", "true graph for SHD, TPR, FDR: d×d adjacency CSV (weights or 0/1; with a header its nodes are matched to the data's columns by name, without one by position) or a two-column edge list of names (Cause,Effect)")
	rename := fs.String("rename", "", "OLD=NEW,...: rename data columns before matching them with --truth by name (e.g. praf=Raf)")
	wout := fs.String("w-out", "", "write the estimated DAG's weights to this CSV")
	rawOut := fs.String("w-raw-out", "", "write the continuous estimate W (before thresholding) to this CSV")
	standardize := fs.Bool("standardize", false, "scale every column to unit variance before fitting")
	seed := fs.Uint64("seed", 1, "seed of TOPO's random initial order")
	stages := fs.Int("T", 0, "central-path stages (0: method default, 4 for CoLiDE, 5 for DAGMA)")
	warm := fs.Int("warm-iter", 0, "Adam steps of the first T−1 stages (0: default)")
	maxIter := fs.Int("max-iter", 0, "Adam steps of the last stage (0: default)")
	workers := fs.Int("workers", 0, "goroutines per Adam step: 0 automatic (two from d = 128), 1, or 2")
	asJSON := fs.Bool("json", false, "one JSON object on stdout")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	if *data == "" {
		fmt.Fprintln(stderr, "kkt dag: --csv is required")
		return exitBadInput
	}
	bad := func(err error) int {
		fmt.Fprintf(stderr, "kkt dag: %v\n", err)
		return exitBadInput
	}
	X, header, err := dagrepro.ReadCSVFile(*data)
	if err != nil {
		return bad(err)
	}
	n, d := X.Dims()
	if *rename != "" {
		if header == nil {
			return bad(fmt.Errorf("--rename: %s has no header to rename", *data))
		}
		if err := dagrepro.Rename(header, *rename); err != nil {
			return bad(err)
		}
	}
	var B *mat.Dense
	truthMatch, truthNote := dag.NodeMatch(""), ""
	if *truth != "" {
		if B, truthMatch, truthNote, err = dagrepro.LoadTruth(*truth, header, d); err != nil {
			return bad(err)
		} else if truthNote != "" {
			fmt.Fprintf(stderr, "kkt dag: note: %s\n", truthNote)
		}
	}
	if *standardize {
		dag.Standardize(X)
	}
	run, err := dagrepro.RunMethod(context.Background(), X, *method, dag.Settings{Lambda: *lambda, Threshold: *thr, T: *stages, WarmIter: *warm, MaxIter: *maxIter, Workers: *workers}, *seed, nil)
	if err != nil {
		return bad(fmt.Errorf("%s: %w", *data, err))
	}
	res := run.Res
	if *wout != "" {
		if header == nil {
			header = dagrepro.ColumnNames(d)
		}
		err = dagrepro.WriteCSVFile(*wout, res.B, header)
	}
	if *rawOut != "" && err == nil {
		err = dagrepro.WriteCSVFile(*rawOut, res.W, nil)
	}
	if err != nil {
		return bad(err)
	}
	out := map[string]any{"method": *method, "status": res.Status.String(), "n": n, "d": d,
		"edges": dag.NumEdges(res.B), "score": res.Score, "score_ls_refit": run.LossB, "time_s": run.Time.Seconds(),
		"iterations": res.Iterations, "acyclic": dag.IsDAG(res.B), "pruned": res.Pruned}
	if res.Sigma != nil {
		out["sigma"] = res.Sigma
	}
	if *method == "topo" {
		out["init_order"] = dagrepro.TopoInit(*seed, d)
	}
	if !math.IsNaN(run.StartLS) {
		out["start_score_ls_refit"] = run.StartLS
	}
	if B != nil {
		m := dag.CountAccuracy(B, res.B)
		out["shd"], out["tpr"], out["fdr"], out["fpr"], out["nnz"] = m.SHD, m.TPR, m.FDR, m.FPR, m.NNZ
		out["truth_match"] = truthMatch
		if truthNote != "" {
			out["truth_note"] = truthNote
		}
	}
	if *asJSON {
		return dagPrintJSON(stdout, stderr, "dag", out, res.Status.ExitCode())
	}
	for _, k := range slices.Sorted(maps.Keys(out)) {
		fmt.Fprintf(stdout, "%-22s %v\n", k, out[k])
	}
	return res.Status.ExitCode() // exitOK when converged, else exitNotConverge
}

// dagPrintJSON prints v as the --json output of command name and returns
// code, or exitBadInput when the output cannot be written.
func dagPrintJSON(stdout, stderr io.Writer, name string, v any, code int) int {
	if !printJSON(stdout, stderr, name, v, false) {
		return exitBadInput
	}
	return code
}

func runDagEvaluate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("dag evaluate", "--truth B.csv --est W.csv [--json]", stderr)
	truth := fs.String("truth", "", "true adjacency CSV")
	est := fs.String("est", "", "estimated adjacency CSV")
	thr := fs.Float64("threshold", 0, "treat |w| ≤ threshold in the estimate as absent")
	asJSON := fs.Bool("json", false, "one JSON object on stdout")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	if *truth == "" || *est == "" {
		fmt.Fprintln(stderr, "kkt dag evaluate: --truth and --est are required")
		return exitBadInput
	}
	bad := func(err error) int {
		fmt.Fprintf(stderr, "kkt dag evaluate: %v\n", err)
		return exitBadInput
	}
	W, wn, err := dagrepro.ReadCSVFile(*est)
	if err != nil {
		return bad(err)
	}
	B, tn, err := dagrepro.ReadTruthFile(*truth, wn)
	if err != nil {
		return bad(err)
	}
	r, c := B.Dims()
	if r2, c2 := W.Dims(); r != c || r2 != r || c2 != c {
		return bad(fmt.Errorf("%s is %d×%d and %s is %d×%d; both must be square of the same size", *truth, r, c, *est, r2, c2))
	}
	B, match, note, err := dag.AlignTruth(B, tn, wn, *truth)
	if err != nil {
		return bad(err)
	}
	if note != "" {
		fmt.Fprintf(stderr, "kkt dag evaluate: note: %s\n", note)
	}
	W = dag.Threshold(nil, W, *thr)
	m := dag.CountAccuracy(B, W)
	out := map[string]any{"shd": m.SHD, "tpr": m.TPR, "fdr": m.FDR, "fpr": m.FPR, "nnz": m.NNZ,
		"reversed": m.Reversed, "extra": m.Extra, "missing": m.Missing, "acyclic": dag.IsDAG(W), "truth_match": match}
	if note != "" {
		out["truth_note"] = note
	}
	if *asJSON {
		return dagPrintJSON(stdout, stderr, "dag", out, exitOK)
	}
	fmt.Fprintf(stdout, "SHD %d  TPR %.4f  FDR %.4f  FPR %.4f  edges %d  (reversed %d, extra %d, missing %d)  acyclic %v  nodes matched by %s\n",
		m.SHD, m.TPR, m.FDR, m.FPR, m.NNZ, m.Reversed, m.Extra, m.Missing, dag.IsDAG(W), match)
	if note != "" {
		fmt.Fprintf(stdout, "note: %s\n", note)
	}
	return exitOK
}

func runDagSweep(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("dag sweep", "--graphs er2,er4,sf4 --d 10,20 --variance equal,unequal --seeds 5 --methods … [--json]", stderr)
	graphs := fs.String("graphs", "er2,er4,sf4", "graph families (er|sf followed by k)")
	ds := fs.String("d", "10,20", "numbers of nodes")
	variances := fs.String("variance", "equal,unequal", "noise variance regimes")
	seeds := fs.Int("seeds", 5, "seeds per cell")
	seed := fs.Uint64("seed", 1, "first seed")
	methods := fs.String("methods", "dagma,colide-ev,colide-nv,topo,colide-ev+topo", "methods")
	asJSON := fs.Bool("json", false, "JSON on stdout")
	quiet := fs.Bool("quiet", false, "no per-fit progress on stderr")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	if !checkFlags(stderr, "dag sweep", flagCheck{"seeds", *seeds >= 1, "an integer ≥ 1", float64(*seeds)}) {
		return exitBadInput
	}
	cells, err := dagrepro.ParseCells(splitList(*graphs), splitList(*ds), splitList(*variances))
	if err == nil {
		err = dagrepro.CheckMethods(splitList(*methods))
	}
	if err != nil {
		fmt.Fprintf(stderr, "kkt dag sweep: %v\n", err)
		return exitBadInput
	}
	prog := map[bool]io.Writer{false: stderr, true: io.Discard}[*quiet] // per-fit progress
	t0 := time.Now()
	stats, err := dagrepro.Sweep(context.Background(), cells, splitList(*methods), *seeds, *seed, prog)
	if err != nil {
		fmt.Fprintf(stderr, "kkt dag sweep: %v\n", err)
		return exitNotConverge
	}
	if *asJSON {
		// one JSON object (kkt dag plot reads it, and the bare array of older files)
		return dagPrintJSON(stdout, stderr, "dag sweep", map[string]any{"cells": stats, "time_s": time.Since(t0).Seconds()}, exitOK)
	}
	fmt.Fprintf(stdout, "%-16s %-16s %-14s %6s %6s %8s\n", "cell", "method", "SHD mean±sd", "TPR", "FDR", "time(s)")
	for _, s := range stats {
		fmt.Fprintf(stdout, "%-16s %-16s %6.1f ± %-5.1f %6.3f %6.3f %8.3f\n", s.Cell, s.Method, s.MeanSHD, s.SDSHD, s.TPR, s.FDR, s.MeanTime)
	}
	return exitOK
}

func runDagPlot(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("dag plot", "--in a.json,b.json --figure-out shd.svg", stderr)
	in := fs.String("in", "", "comma-separated JSON files written by kkt dag sweep --json")
	out := fs.String("figure-out", "", "output figure (.svg, .png or .pdf)")
	deprecatedAlias(fs, "out", "figure-out")
	asJSON := fs.Bool("json", false, "print one JSON object {\"files\": [...]} on stdout")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	if *in == "" || *out == "" {
		fmt.Fprintln(stderr, "kkt dag plot: --in and --figure-out are required")
		return exitBadInput
	}
	stats, err := dagrepro.ReadStats(splitList(*in))
	var files []string
	if err == nil {
		files, err = dagrepro.Plot(stats, *out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kkt dag plot: %v\n", err)
		return exitBadInput
	}
	if *asJSON {
		return dagPrintJSON(stdout, stderr, "dag plot", map[string]any{"files": files}, exitOK)
	}
	fmt.Fprintf(stdout, "wrote %s\n", strings.Join(files, ", "))
	return exitOK
}
