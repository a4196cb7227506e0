package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/kkt-go/kkt/internal/atomicfile"
	"github.com/kkt-go/kkt/sinkhorn"
)

func init() {
	register(&command{name: "ot", summary: "optimal transport: exact (network simplex), Sinkhorn (scaling/log domain) and Sinkhorn–Newton–Sparse", run: runOT})
}

const otSynopsis = `--a a.csv --b b.csv (--cost C.csv | --x X.csv --y Y.csv [--metric sqeuclidean|euclidean|l1|lp]) [flags]
       kkt ot --image-a A.csv --image-b B.csv [--metric ...] [flags]
       kkt ot --mnist i,j [--metric ...] [flags]        (MNIST test images i and j from --data)
       kkt ot --random n [--seed s] [flags]             (U[0,1] costs, uniform marginals)

Without --eta/--eps (and --method auto) it solves the exact problem
min ⟨C,P⟩ s.t. P1 = a, Pᵀ1 = b, P ≥ 0 by the network simplex (--method emd,
POT's ot.emd) when max(n, m) ≤ 20000, and the entropic problem at η = 1200
by SNS otherwise. With --eta or --eps it solves the entropic problem
min ⟨C,P⟩ + (1/η)Σ P log P subject to P1 = a, Pᵀ1 = b (η = 1/ε, POT's reg = ε)
by SNS with the adaptive Newton rule unless --method says otherwise.
Costs are used as given (--normalize divides by the largest). Image grids are
the unit square (--grid unit: pixel centres i/(h−1), sqeuclidean and l1 costs in
[0, 2]) or integer pixel indices (--grid pixel). --mnist without any of --grid,
--normalize, --floor, --mix, --drop-zeros uses the MNIST convention of
'kkt reproduce' (--grid unit --floor 1e-3; docs/sinkhorn.md compares others).
--sparsity accepts k/n: λ = 2k/(n+m) over the entries of a and b that are > 0.`

func runOT(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("ot", otSynopsis, stderr)
	aPath := fs.String("a", "", "source marginal a (CSV, one row or column)")
	bPath := fs.String("b", "", "target marginal b (CSV)")
	costPath := fs.String("cost", "", "cost matrix C (CSV, n×m)")
	xPath := fs.String("x", "", "source points (CSV, n×d)")
	yPath := fs.String("y", "", "target points (CSV, m×d)")
	imgA := fs.String("image-a", "", "source image (CSV of intensities, h×w); a = normalised image unless --a")
	imgB := fs.String("image-b", "", "target image (CSV, same shape)")
	mnist := fs.String("mnist", "", "two MNIST test-image indices i,j (needs --data)")
	random := fs.Int("random", 0, "generate a random n×n problem with U[0,1] costs")
	data := fs.String("data", defaultDataDir(), "data directory for --mnist (KKT_DATA)")
	metricName := fs.String("metric", "sqeuclidean", "ground cost for points and images: sqeuclidean, euclidean, l1, lp")
	pExp := fs.Float64("p", 2, "exponent of the lp metric")
	normalize := fs.Bool("normalize", false, "divide the cost by its largest entry")
	grid := fs.String("grid", "unit", "pixel coordinates of --image-*/--mnist: unit (the unit square) or pixel (0..h−1)")
	floor := fs.Float64("floor", 0, "intensity added to every pixel of --image-*/--mnist before normalising (keeps zero pixels)")
	mix := fs.Float64("mix", 0, "--image-*/--mnist: replace a by (1−ε/8)a + ε/(8n) after normalising (keeps zero pixels)")
	eta := fs.Float64("eta", 0, "inverse regularisation η (entropic methods; default 1200 unless --eps)")
	eps := fs.Float64("eps", 0, "regularisation ε = 1/η (alternative to --eta)")
	method := fs.String("method", "auto", "auto, emd (exact, network simplex), sinkhorn (scaling domain when safe), sinkhorn-log, or sns")
	tol := fs.Float64("tol", sinkhorn.DefaultTol, "stop when ‖P1−a‖₁ + ‖Pᵀ1−b‖₁ ≤ tol")
	maxIter := fs.Int("max-iter", 0, "iteration limit (Sinkhorn + Newton; default 10000 for sinkhorn, 1000 for sns; pivots for emd)")
	etaStart := fs.Float64("eta-start", 0, "ε-scaling: start at this η and multiply by 4 up to --eta (sinkhorn methods)")
	warmup := fs.Int("warmup", 20, "SNS: Sinkhorn warm-up iterations N₁")
	sparsity := fs.String("sparsity", "", "SNS: density λ of the sparsified Hessian, a number or k/n (default 2/n; the adaptive rule grows it)")
	fixed := fs.Bool("fixed-sparsity", false, "SNS: keep λ fixed (the paper's Algorithm 1) instead of the adaptive rule")
	dropZeros := fs.Bool("drop-zeros", false, "remove zero-mass entries of a and b (reported) instead of failing")
	planOut := fs.String("plan-out", "", "write the plan as CSV (dense n×m, or i,j,value triplets with --topk)")
	topk := fs.Int("topk", 0, "with --plan-out: write only the k largest entries")
	histOut := fs.String("history-out", "", "write iteration, newton, marginal_error, dual, time_s as CSV")
	seed := fs.Uint64("seed", 1, "random seed for --random")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout")
	fs.Bool("quiet", false, "no progress output (there is none besides errors)")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "kkt ot: "+format+"\n", a...)
		return exitBadInput
	}
	if fs.NArg() > 0 {
		return bad("unexpected argument %q", fs.Arg(0))
	}
	if !checkFlags(stderr, "ot", positive("tol", *tol), nonNegativeInt("max-iter", *maxIter), nonNegativeInt("topk", *topk), nonNegative("eta", *eta)) {
		return exitBadInput
	}
	entropic := *eta != 0 || *eps != 0
	switch {
	case *eta != 0 && *eps != 0:
		return bad("give --eta or --eps, not both")
	case *eps > 0:
		*eta = 1 / *eps
	case *eps < 0:
		return bad("--eps must be > 0")
	case *eta == 0:
		*eta = 1200
	}
	metric, err := sinkhorn.ParseMetric(*metricName)
	if err != nil {
		return bad("%v", err)
	}
	conv := sinkhorn.ImageConvention{Grid: *grid, Normalize: *normalize, Floor: *floor, Mix: *mix}
	if *mnist != "" && !anySet(fs, "grid", "normalize", "floor", "mix", "drop-zeros") {
		conv = sinkhorn.MNISTConvention() // the instance of 'kkt reproduce'
	}
	if err := conv.Check(); err != nil {
		return bad("--%v", err) // the error starts with the flag's name
	}
	in, err := sinkhorn.Load(sinkhorn.Sources{A: *aPath, B: *bPath, Cost: *costPath, X: *xPath, Y: *yPath, ImageA: *imgA, ImageB: *imgB,
		MNIST: *mnist, Random: *random, DataDir: *data, Metric: metric, P: *pExp, Convention: conv, Seed: *seed, Normalize: *normalize})
	if err != nil {
		return bad("%v", err)
	}
	lam, err := sinkhorn.ParseSparsity(*sparsity, in.A, in.B)
	if err != nil {
		return bad("--%v", err)
	}
	n, m := in.C.Dims()
	if *method == "auto" {
		*method = "sns"
		if !entropic && max(n, m) <= emdAutoMax {
			*method = "emd"
		}
	}
	if *method == "emd" {
		if entropic {
			return bad("--method emd solves the exact problem: drop --eta/--eps")
		}
		return runEMD(in, *maxIter, *planOut, *asJSON, stdout, stderr)
	}
	s := sinkhorn.Settings{Eta: *eta, Tol: *tol, MaxIter: *maxIter, DropZeros: *dropZeros, EtaStart: *etaStart, History: *histOut != ""}
	res, err := sinkhorn.Solve(context.Background(), *method, in.A, in.B, in.C, sinkhorn.SNSSettings{Settings: s, WarmUp: cmp.Or(*warmup, -1), Sparsity: lam, FixedSparsity: *fixed})
	if errors.Is(err, sinkhorn.ErrUnknownMethod) {
		return bad("unknown --method %q (want auto, emd, sinkhorn, sinkhorn-log or sns)", *method)
	} else if err != nil {
		return bad("%v", err)
	}
	if *planOut != "" {
		if err := atomicfile.Write(*planOut, func(w io.Writer) error { return sinkhorn.WritePlan(w, res, *topk) }); err != nil {
			return bad("%v", err)
		}
	}
	if *histOut != "" {
		if err := atomicfile.Write(*histOut, func(w io.Writer) error { return sinkhorn.WriteHistory(w, res.History) }); err != nil {
			return bad("%v", err)
		}
	}
	out := map[string]any{
		"status": res.Status.String(), "converged": res.Status == sinkhorn.Converged,
		"iterations": res.Iterations + res.NewtonIterations, "sinkhorn_iterations": res.Iterations,
		"newton_iterations": res.NewtonIterations, "cg_iterations": res.CGIterations,
		"marginal_error": res.MarginalError, "cost": res.Cost, "objective": res.Objective, "dual": res.Dual,
		"time_s": res.Time.Seconds(), "n": n, "m": m, "eta": *eta, "method": *method, "domain": res.Domain.String(),
		"source": in.Source, "dropped_a": len(res.DroppedA), "dropped_b": len(res.DroppedB),
	}
	if *asJSON {
		if !printJSON(stdout, stderr, "ot", out, false) {
			return exitBadInput
		}
	} else {
		fmt.Fprintf(stdout, "%s: %d×%d, η = %g, method %s (%s domain)\n", in.Source, n, m, *eta, *method, res.Domain)
		fmt.Fprintf(stdout, "status %v after %d Sinkhorn + %d Newton iterations (%d CG), %.3fs\n",
			res.Status, res.Iterations, res.NewtonIterations, res.CGIterations, res.Time.Seconds())
		fmt.Fprintf(stdout, "marginal error %.3e\ncost ⟨C,P⟩ %.17g\nobjective %.17g\ndual f %.17g\n", res.MarginalError, res.Cost, res.Objective, res.Dual)
		if len(res.DroppedA)+len(res.DroppedB) > 0 {
			fmt.Fprintf(stdout, "removed %d zero-mass entries of a and %d of b\n", len(res.DroppedA), len(res.DroppedB))
		}
	}
	return res.Status.ExitCode()
}

// emdAutoMax is the largest max(n, m) for which --method auto picks EMD.
const emdAutoMax = 20000

// runEMD solves the exact problem and prints the result.
func runEMD(in *sinkhorn.Input, maxIter int, planOut string, asJSON bool, stdout, stderr io.Writer) int {
	res, err := sinkhorn.EMD(context.Background(), in.A, in.B, in.C, sinkhorn.EMDSettings{MaxIter: maxIter})
	if err == nil && planOut != "" {
		err = atomicfile.Write(planOut, res.WritePlan)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kkt ot: %v\n", err)
		return exitBadInput
	}
	dual := res.DualValue(in.A, in.B)
	n, m := in.C.Dims()
	if asJSON {
		out := map[string]any{
			"status": res.Status, "converged": res.Status == sinkhorn.Converged, "method": "emd",
			"iterations": res.Iterations, "priced": res.Evaluations, "cost": res.Cost, "dual": dual,
			"nnz": res.Plan.NNZ(), "mass_adjust": res.MassAdjust, "time_s": res.Time.Seconds(), "n": n, "m": m,
			"source": in.Source, "dropped_a": len(res.DroppedA), "dropped_b": len(res.DroppedB),
		}
		if !printJSON(stdout, stderr, "ot", out, false) {
			return exitBadInput
		}
	} else {
		fmt.Fprintf(stdout, "%s: %d×%d, exact OT, method emd (network simplex)\n", in.Source, n, m)
		fmt.Fprintf(stdout, "status %v after %d pivots, %.3fs\n", res.Status, res.Iterations, res.Time.Seconds())
		fmt.Fprintf(stdout, "cost ⟨C,P⟩ %.17g\ndual aᵀα+bᵀβ %.17g\nplan nonzeros %d (n+m−1 = %d)\n", res.Cost, dual, res.Plan.NNZ(), n+m-1)
		if res.MassAdjust > 0 {
			fmt.Fprintf(stdout, "b rescaled to Σa: largest change %.3g\n", res.MassAdjust)
		}
		if len(res.DroppedA)+len(res.DroppedB) > 0 {
			fmt.Fprintf(stdout, "zero-mass entries: %d of a and %d of b\n", len(res.DroppedA), len(res.DroppedB))
		}
	}
	return res.Status.ExitCode()
}

// anySet reports whether any of the named flags was given.
func anySet(fs *flag.FlagSet, names ...string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || slices.Contains(names, f.Name) })
	return set
}
