package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/internal/atomicfile"
	"github.com/kkt-go/kkt/sinkhorn"
	"github.com/kkt-go/kkt/solver"
)

func init() {
	registerExperiment(&experiment{Name: "sinkhorn", Order: 50, Run: runSinkhornExperiment,
		Paper: "Tang et al., Accelerating Sinkhorn algorithm with sparse Newton iterations, ICLR 2024 (arXiv 2401.12253)"})
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

// otInput is a loaded problem.
type otInput struct {
	a, b   []float64
	c      *mat.Dense
	source string
	image  bool // built from images by an imageConvention
}

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
	if *eta != 0 && *eps != 0 {
		return bad("give --eta or --eps, not both")
	}
	entropic := *eta != 0 || *eps != 0
	switch {
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
	conv := imageConvention{Grid: *grid, Normalize: *normalize, Floor: *floor, Mix: *mix}
	if *mnist != "" {
		explicit := false
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "grid", "normalize", "floor", "mix", "drop-zeros":
				explicit = true
			}
		})
		if !explicit {
			conv = mnistConvention
		}
	}
	if err := conv.check(); err != nil {
		return bad("%v", err)
	}
	in, err := loadOT(otSources{a: *aPath, b: *bPath, cost: *costPath, x: *xPath, y: *yPath, imgA: *imgA, imgB: *imgB,
		mnist: *mnist, random: *random, data: *data, metric: metric, p: *pExp, conv: conv, seed: *seed})
	if err != nil {
		return bad("%v", err)
	}
	if *normalize && !in.image { // image costs are normalised by the convention
		sinkhorn.Normalize(in.c)
	}
	lam, err := parseSparsity(*sparsity, in.a, in.b)
	if err != nil {
		return bad("%v", err)
	}
	if *method == "auto" {
		n, m := in.c.Dims()
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
	ctx := context.Background()
	var res *sinkhorn.Result
	switch *method {
	case "sinkhorn":
		res, err = sinkhorn.Sinkhorn(ctx, in.a, in.b, in.c, s)
	case "sinkhorn-log", "log":
		s.Domain = sinkhorn.Log
		res, err = sinkhorn.Sinkhorn(ctx, in.a, in.b, in.c, s)
	case "sns":
		w := *warmup
		if w == 0 {
			w = -1
		}
		res, err = sinkhorn.SNS(ctx, in.a, in.b, in.c, sinkhorn.SNSSettings{Settings: s, WarmUp: w, Sparsity: lam, FixedSparsity: *fixed})
	default:
		return bad("unknown --method %q (want auto, emd, sinkhorn, sinkhorn-log or sns)", *method)
	}
	if err != nil {
		return bad("%v", err)
	}
	if *planOut != "" {
		if err := writePlan(*planOut, res, *topk); err != nil {
			return bad("%v", err)
		}
	}
	if *histOut != "" {
		if err := writeHistory(*histOut, res.History); err != nil {
			return bad("%v", err)
		}
	}
	n, m := in.c.Dims()
	out := map[string]any{
		"status": res.Status.String(), "converged": res.Status == sinkhorn.Converged,
		"iterations": res.Iterations + res.NewtonIterations, "sinkhorn_iterations": res.Iterations,
		"newton_iterations": res.NewtonIterations, "cg_iterations": res.CGIterations,
		"marginal_error": res.MarginalError, "cost": res.Cost, "objective": res.Objective, "dual": res.Dual,
		"time_s": res.Time.Seconds(), "n": n, "m": m, "eta": *eta, "method": *method, "domain": res.Domain.String(),
		"source": in.source, "dropped_a": len(res.DroppedA), "dropped_b": len(res.DroppedB),
	}
	if *asJSON {
		if !printJSON(stdout, stderr, "ot", out, false) {
			return exitBadInput
		}
	} else {
		fmt.Fprintf(stdout, "%s: %d×%d, η = %g, method %s (%s domain)\n", in.source, n, m, *eta, *method, res.Domain)
		fmt.Fprintf(stdout, "status %v after %d Sinkhorn + %d Newton iterations (%d CG), %.3fs\n",
			res.Status, res.Iterations, res.NewtonIterations, res.CGIterations, res.Time.Seconds())
		fmt.Fprintf(stdout, "marginal error %.3e\ncost ⟨C,P⟩ %.17g\nobjective %.17g\ndual f %.17g\n", res.MarginalError, res.Cost, res.Objective, res.Dual)
		if len(res.DroppedA)+len(res.DroppedB) > 0 {
			fmt.Fprintf(stdout, "removed %d zero-mass entries of a and %d of b\n", len(res.DroppedA), len(res.DroppedB))
		}
	}
	if res.Status != sinkhorn.Converged {
		return exitNotConverge
	}
	return exitOK
}

// emdAutoMax is the largest max(n, m) for which --method auto picks the
// exact solver when no --eta/--eps is given.
const emdAutoMax = 20000

// runEMD solves the exact problem and prints the result.
func runEMD(in *otInput, maxIter int, planOut string, asJSON bool, stdout, stderr io.Writer) int {
	res, err := sinkhorn.EMD(context.Background(), in.a, in.b, in.c, sinkhorn.EMDSettings{MaxIter: maxIter})
	if err != nil {
		fmt.Fprintf(stderr, "kkt ot: %v\n", err)
		return exitBadInput
	}
	if planOut != "" {
		if err := writeSparsePlan(planOut, res); err != nil {
			fmt.Fprintf(stderr, "kkt ot: %v\n", err)
			return exitBadInput
		}
	}
	var dual float64
	for i, v := range in.a {
		dual += v * res.Alpha[i]
	}
	for j, v := range in.b {
		dual += v * res.Beta[j]
	}
	n, m := in.c.Dims()
	if asJSON {
		out := map[string]any{
			"status": res.Status, "converged": res.Status == solver.Converged, "method": "emd",
			"iterations": res.Iterations, "priced": res.Evaluations, "cost": res.Cost, "dual": dual,
			"nnz": res.Plan.NNZ(), "mass_adjust": res.MassAdjust, "time_s": res.Time.Seconds(), "n": n, "m": m,
			"source": in.source, "dropped_a": len(res.DroppedA), "dropped_b": len(res.DroppedB),
		}
		if !printJSON(stdout, stderr, "ot", out, false) {
			return exitBadInput
		}
	} else {
		fmt.Fprintf(stdout, "%s: %d×%d, exact OT, method emd (network simplex)\n", in.source, n, m)
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

// writeSparsePlan writes the plan's nonzeros atomically (nothing partial on
// error).
func writeSparsePlan(path string, res *sinkhorn.EMDResult) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		var err error
		if _, err = fmt.Fprintln(w, "# i,j,value (0-based), the nonzeros of the exact plan"); err != nil {
			return err
		}
		res.Plan.DoNonZero(func(i, j int, v float64) {
			if err == nil {
				_, err = fmt.Fprintf(w, "%d,%d,%s\n", i, j, strconv.FormatFloat(v, 'g', -1, 64))
			}
		})
		return err
	})
}

type otSources struct {
	a, b, cost, x, y, imgA, imgB, mnist, data string
	random                                    int
	metric                                    sinkhorn.Metric
	p                                         float64
	conv                                      imageConvention
	seed                                      uint64
}

func readMatrixFile(path string) (*mat.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return sinkhorn.ReadCSV(f, path)
}

func readVectorFile(path string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return sinkhorn.ReadVector(f, path)
}

// readMatrixPair reads two matrix files given by flags that go together.
func readMatrixPair(p1, p2, flags string) (*mat.Dense, *mat.Dense, error) {
	if p1 == "" || p2 == "" {
		return nil, nil, errors.New(flags + " go together")
	}
	m1, err := readMatrixFile(p1)
	if err != nil {
		return nil, nil, err
	}
	m2, err := readMatrixFile(p2)
	return m1, m2, err
}

// loadOT builds the problem from exactly one cost source.
func loadOT(s otSources) (*otInput, error) {
	nsrc := 0
	for _, set := range []bool{s.cost != "", s.x != "" || s.y != "", s.imgA != "" || s.imgB != "", s.mnist != "", s.random > 0} {
		if set {
			nsrc++
		}
	}
	if nsrc != 1 {
		return nil, errors.New("give exactly one of --cost, --x/--y, --image-a/--image-b, --mnist, --random")
	}
	in := &otInput{}
	var err error
	switch {
	case s.random > 0:
		if err := otBudget("--random", s.random, s.random); err != nil {
			return nil, err
		}
		in.c, in.a = randomOT(s.random, s.seed)
		in.b = append([]float64(nil), in.a...)
		in.source = fmt.Sprintf("random n=%d seed=%d", s.random, s.seed)
	case s.cost != "":
		if in.c, err = readMatrixFile(s.cost); err != nil {
			return nil, err
		}
		in.source = s.cost
	case s.x != "" || s.y != "":
		x, y, err := readMatrixPair(s.x, s.y, "--x and --y")
		if err != nil {
			return nil, err
		}
		_, dx := x.Dims()
		if _, dy := y.Dims(); dx != dy {
			return nil, fmt.Errorf("%s has %d columns but %s has %d", s.x, dx, s.y, dy)
		}
		if err := otBudget(s.x+" and "+s.y, x.RawMatrix().Rows, y.RawMatrix().Rows); err != nil {
			return nil, err
		}
		in.c = sinkhorn.CostMatrix(x, y, s.metric, s.p)
		in.source = s.x + " → " + s.y
	case s.imgA != "" || s.imgB != "":
		ia, ib, err := readMatrixPair(s.imgA, s.imgB, "--image-a and --image-b")
		if err != nil {
			return nil, err
		}
		h, w := ia.Dims()
		if hb, wb := ib.Dims(); hb != h || wb != w {
			return nil, fmt.Errorf("images are %d×%d (%s) and %d×%d (%s)", h, w, s.imgA, hb, wb, s.imgB)
		}
		if in.a, err = s.conv.measure(ia.RawMatrix().Data); err != nil {
			return nil, fmt.Errorf("%s: %v", s.imgA, err)
		}
		if in.b, err = s.conv.measure(ib.RawMatrix().Data); err != nil {
			return nil, fmt.Errorf("%s: %v", s.imgB, err)
		}
		if err := otBudget(s.imgA, h*w, h*w); err != nil {
			return nil, err
		}
		in.c = s.conv.cost(h, w, s.metric, s.p)
		in.source, in.image = s.imgA+" → "+s.imgB+" ("+s.conv.String()+")", true
	case s.mnist != "":
		parts := strings.Split(s.mnist, ",")
		if len(parts) != 2 {
			return nil, fmt.Errorf("--mnist %q: want two indices i,j", s.mnist)
		}
		var idx [2]int
		for k, p := range parts {
			if idx[k], err = strconv.Atoi(strings.TrimSpace(p)); err != nil || idx[k] < 0 {
				return nil, fmt.Errorf("--mnist %q: bad index %q", s.mnist, p)
			}
		}
		a, b, c, err := mnistPair(s.data, idx[0], idx[1], s.metric, s.p, s.conv)
		if err != nil {
			return nil, err
		}
		in.a, in.b, in.c, in.image = a, b, c, true
		in.source = fmt.Sprintf("MNIST test images %d → %d (%v, %v)", idx[0], idx[1], s.metric, s.conv)
	}
	n, m := in.c.Dims()
	if in.a == nil {
		if s.a == "" || s.b == "" {
			return nil, errors.New("--a and --b are required with this cost source")
		}
		if in.a, err = readVectorFile(s.a); err != nil {
			return nil, err
		}
		if in.b, err = readVectorFile(s.b); err != nil {
			return nil, err
		}
	} else if s.a != "" || s.b != "" {
		return nil, errors.New("--a/--b cannot be combined with this cost source (the marginals come from it)")
	}
	if len(in.a) != n || len(in.b) != m {
		return nil, fmt.Errorf("the cost is %d×%d but a has %d entries and b %d", n, m, len(in.a), len(in.b))
	}
	return in, nil
}

// randomOT returns the paper's random case: C_ij ~ U[0,1], uniform marginals.
func randomOT(n int, seed uint64) (*mat.Dense, []float64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	c := mat.NewDense(n, n, nil)
	raw := c.RawMatrix().Data
	for i := range raw {
		raw[i] = rng.Float64()
	}
	a := make([]float64, n)
	for i := range a {
		a[i] = 1 / float64(n)
	}
	return c, a
}

// mnistPair loads MNIST test images i and j as measures on the pixel grid
// with the given ground cost, following the image convention.
func mnistPair(dir string, i, j int, metric sinkhorn.Metric, p float64, conv imageConvention) (a, b []float64, c *mat.Dense, err error) {
	if dir == "" {
		return nil, nil, nil, errors.New("--mnist needs the data directory (--data or KKT_DATA)")
	}
	path := filepath.Join(dir, "mnist", "t10k-images-idx3-ubyte.gz")
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	imgs, h, w, err := sinkhorn.ReadIDXImages(f, path)
	if err != nil {
		return nil, nil, nil, err
	}
	if i >= len(imgs) || j >= len(imgs) {
		return nil, nil, nil, fmt.Errorf("%s has %d images; index out of range", path, len(imgs))
	}
	if a, err = conv.measure(imgs[i]); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: image %d: %v", path, i, err)
	}
	if b, err = conv.measure(imgs[j]); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: image %d: %v", path, j, err)
	}
	if err := otBudget(path, h*w, h*w); err != nil {
		return nil, nil, nil, err
	}
	return a, b, conv.cost(h, w, metric, p), nil
}

// imageConvention says how a pair of images becomes an OT instance: where
// the pixels sit, how the cost is scaled and what happens to zero pixels.
// The SNS paper states none of these for its MNIST cases (docs/sinkhorn.md
// §6 compares candidates).
type imageConvention struct {
	// Grid is "unit" (pixel centres (i/(h−1), j/(w−1)) in the unit square,
	// sinkhorn.Grid) or "pixel" (integer pixel indices (i, j)).
	Grid string
	// Normalize divides the cost by its largest entry.
	Normalize bool
	// Floor is an intensity (pixels are in [0, 1]) added to every pixel
	// before the image is normalised to mass one.
	Floor float64
	// Mix > 0 replaces each normalised image a by (1 − Mix/8)a + Mix/(8n)
	// (sinkhorn.MixUniform).
	Mix float64
}

// mnistConvention is the MNIST instance of 'kkt reproduce' and the default
// of 'kkt ot --mnist'.
var mnistConvention = imageConvention{Grid: "unit", Floor: 1e-3}

func (ic imageConvention) check() error {
	if ic.Grid != "unit" && ic.Grid != "pixel" {
		return fmt.Errorf("--grid %q: want unit or pixel", ic.Grid)
	}
	if !(ic.Floor >= 0) || math.IsInf(ic.Floor, 0) {
		return fmt.Errorf("--floor %v: want a finite value ≥ 0", ic.Floor)
	}
	if !(ic.Mix >= 0 && ic.Mix <= 8) {
		return fmt.Errorf("--mix %v: want 0 ≤ ε ≤ 8", ic.Mix)
	}
	return nil
}

// measure turns an image into a probability vector.
func (ic imageConvention) measure(img []float64) ([]float64, error) {
	a, err := sinkhorn.ImageMeasure(img, ic.Floor)
	if err != nil || ic.Mix == 0 {
		return a, err
	}
	return sinkhorn.MixUniform(a, a, ic.Mix), nil
}

// cost returns the ground cost between the pixels of two h×w images.
func (ic imageConvention) cost(h, w int, metric sinkhorn.Metric, p float64) *mat.Dense {
	g := sinkhorn.Grid(h, w)
	if ic.Grid == "pixel" {
		for k := 0; k < h*w; k++ {
			g.Set(k, 0, float64(k/w))
			g.Set(k, 1, float64(k%w))
		}
	}
	c := sinkhorn.CostMatrix(g, g, metric, p)
	if ic.Normalize {
		sinkhorn.Normalize(c)
	}
	return c
}

func (ic imageConvention) String() string {
	s := ic.Grid + " grid"
	if ic.Normalize {
		s += ", cost/max"
	}
	switch {
	case ic.Mix > 0:
		s += fmt.Sprintf(", mix ε=%g", ic.Mix)
		if ic.Floor > 0 {
			s += fmt.Sprintf(" after floor %g", ic.Floor)
		}
	case ic.Floor > 0:
		s += fmt.Sprintf(", pixel floor %g", ic.Floor)
	default:
		s += ", no floor"
	}
	return s
}

// parseSparsity reads --sparsity: empty (the default 2/n), a number λ, or
// "k/n" meaning λ = 2k/(n'+m') with n', m' the numbers of entries of a and b
// that are > 0 (the problem SNS solves after removing zero-mass entries;
// k/n for square problems without zeros, the paper's notation).
func parseSparsity(s string, a, b []float64) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if k, ok := strings.CutSuffix(s, "/n"); ok {
		v, err := strconv.ParseFloat(k, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("--sparsity %q: want a number or k/n with k > 0", s)
		}
		k := positives(a) + positives(b)
		if k == 0 {
			return 0, fmt.Errorf("--sparsity %q: a and b have no positive entries", s)
		}
		return 2 * v / float64(k), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0 && v <= 1) {
		return 0, fmt.Errorf("--sparsity %q: want a density in (0, 1] or k/n", s)
	}
	return v, nil
}

func positives(a []float64) int {
	k := 0
	for _, v := range a {
		if v > 0 {
			k++
		}
	}
	return k
}

func writePlan(path string, res *sinkhorn.Result, topk int) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		if topk > 0 {
			sp := res.SparsePlan(topk)
			fmt.Fprintln(w, "# i,j,value (0-based), the largest entries of the plan")
			var err error
			sp.DoNonZero(func(i, j int, v float64) {
				if err == nil {
					_, err = fmt.Fprintf(w, "%d,%d,%s\n", i, j, strconv.FormatFloat(v, 'g', -1, 64))
				}
			})
			return err
		}
		n, m := res.Plan.Dims()
		buf := make([]byte, 0, 32*m)
		for i := 0; i < n; i++ {
			buf = buf[:0]
			for j := 0; j < m; j++ {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = strconv.AppendFloat(buf, res.Plan.At(i, j), 'g', -1, 64)
			}
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
}

func writeHistory(path string, hist []sinkhorn.Iterate) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		fmt.Fprintln(w, "iteration,newton,marginal_error,dual,time_s,cg_iterations,step")
		for _, h := range hist {
			if _, err := fmt.Fprintf(w, "%d,%t,%g,%.17g,%g,%d,%g\n", h.Iter, h.Newton, h.MarginalError, h.Dual, h.Time, h.CGIterations, h.Step); err != nil {
				return err
			}
		}
		return nil
	})
}

// ---- kkt reproduce sinkhorn ----

// otCase is one row group of the paper's Table 1.
type otCase struct {
	name          string
	a, b          []float64
	c             *mat.Dense
	warmup        int
	sparsity      float64 // λ as a multiple of 1/n (0: default 2/n)
	paperSNSIt    float64
	paperSNSTime  float64
	paperSinkIt   float64
	paperSinkTime float64
	maxSNS        int     // must-show bound on SNS iterations
	paperSparsity bool    // also run with the paper's λ = 2/n
	minSink       float64 // must-show bound on Sinkhorn iterations
	minSpeedup    float64 // must-show bound on the time ratio
	note          string
}

func runSinkhornExperiment(ctx context.Context, env *reproEnv) ([]row, error) {
	const eta, tol = 1200.0, 1e-12
	var rows []row
	add := func(metric string, value, paper float64, unit, note string) *row {
		r := compare(row{Experiment: "sinkhorn", Metric: metric, Value: value, Paper: paper, Unit: unit, Note: note}, 0.25)
		rows = append(rows, r)
		return &rows[len(rows)-1]
	}
	// tadd adds a timing row: a wall time or a ratio of wall times.
	tadd := func(metric string, value, paper float64, unit, note string) *row {
		r := add(metric, value, paper, unit, note)
		r.Timing = true
		return r
	}
	check := func(r *row, ok bool, criterion string) {
		if ok {
			r.Status = "reproduced"
		} else {
			r.Status = "differs"
		}
		if r.Note != "" {
			r.Note += "; "
		}
		r.Note += "target " + criterion
	}
	sinkCap := 300
	if env.Full {
		sinkCap = 100000
	}
	// Table 1 cases
	c500, a500 := randomOT(500, env.Seed)
	cases := []otCase{{name: "random n=500", a: a500, b: a500, c: c500, warmup: 20,
		paperSNSIt: 29, paperSNSTime: 0.34, paperSinkIt: 56199, paperSinkTime: 233.36, maxSNS: 60, minSink: 10000, minSpeedup: 50,
		note: "C_ij ~ U[0,1], uniform marginals"}}
	imgs, h, w, src, err := mnistImages(env)
	if err != nil {
		return nil, err
	}
	ma, err := mnistConvention.measure(imgs[0])
	if err != nil {
		return nil, err
	}
	mb, err := mnistConvention.measure(imgs[1])
	if err != nil {
		return nil, err
	}
	cases = append(cases,
		otCase{name: "MNIST L2", a: ma, b: mb, c: mnistConvention.cost(h, w, sinkhorn.SqEuclidean, 0), warmup: 20, sparsity: 10, paperSparsity: true,
			paperSNSIt: 53, paperSNSTime: 2.33, paperSinkIt: 2041, paperSinkTime: 18.84, maxSNS: 120, minSink: 1500, minSpeedup: 3,
			note: src + ", squared Euclidean on the unit-square grid, λ = 10/n"},
		otCase{name: "MNIST L1", a: ma, b: mb, c: mnistConvention.cost(h, w, sinkhorn.L1, 0), warmup: 700, sparsity: 15,
			paperSNSIt: 777, paperSNSTime: 12.22, paperSinkIt: 5748, paperSinkTime: 45.75, maxSNS: 1000, minSink: 4000, minSpeedup: 2,
			note: src + ", L1 on the unit-square grid, N₁ = 700, λ = 15/n"})
	var figs []figSeries
	for _, tc := range cases {
		n, _ := tc.c.Dims()
		fmt.Fprintf(env.Progress, "[sinkhorn] %s: SNS\n", tc.name)
		ss := sinkhorn.SNSSettings{Settings: sinkhorn.Settings{Eta: eta, Tol: tol, MaxIter: 5000, History: true}, WarmUp: tc.warmup, FixedSparsity: true}
		if tc.sparsity > 0 {
			ss.Sparsity = tc.sparsity / float64(n)
		}
		sns, err := sinkhorn.SNS(ctx, tc.a, tc.b, tc.c, ss)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(env.Progress, "[sinkhorn] %s: log-domain Sinkhorn (cap %d)\n", tc.name, sinkCap)
		sk, err := sinkhorn.Sinkhorn(ctx, tc.a, tc.b, tc.c, sinkhorn.Settings{Eta: eta, Tol: tol, MaxIter: sinkCap, Domain: sinkhorn.Log, History: true})
		if err != nil {
			return nil, err
		}
		if tc.paperSparsity {
			fmt.Fprintf(env.Progress, "[sinkhorn] %s: SNS with the paper's λ = 2/n\n", tc.name)
			ss2 := ss
			ss2.Sparsity, ss2.MaxIter, ss2.History = 0, 150, false
			s2, err := sinkhorn.SNS(ctx, tc.a, tc.b, tc.c, ss2)
			if err != nil {
				return nil, err
			}
			add(tc.name+": SNS iterations with λ = 2/n", float64(s2.Iterations+s2.NewtonIterations), tc.paperSNSIt, "iterations",
				fmt.Sprintf("%v, error %.2g after %d Sinkhorn + %d Newton (cap 150): 3n kept entries are too few for this cost scale", s2.Status, s2.MarginalError, s2.Iterations, s2.NewtonIterations)).Status = "differs"
		}
		snsIt := float64(sns.Iterations + sns.NewtonIterations)
		r := add(tc.name+": SNS iterations to 1e-12", snsIt, tc.paperSNSIt, "iterations",
			fmt.Sprintf("%s; %d Sinkhorn + %d Newton, %d CG; %v, error %.2g", tc.note, sns.Iterations, sns.NewtonIterations, sns.CGIterations, sns.Status, sns.MarginalError))
		check(r, sns.Status == sinkhorn.Converged && snsIt <= float64(tc.maxSNS), fmt.Sprintf("≤ %d", tc.maxSNS))
		tadd(tc.name+": SNS time", sns.Time.Seconds(), tc.paperSNSTime, "s", "wall time; the paper's is an Apple M1 Pro").Status = "info"
		skIt, skTime, est := float64(sk.Iterations), sk.Time.Seconds(), ""
		if sk.Status != sinkhorn.Converged {
			skIt = extrapolateIterations(sk.History, tol)
			skTime = sk.Time.Seconds() / float64(max(sk.Iterations, 1)) * skIt
			est = fmt.Sprintf("not reached in %d iterations (error %.2g); estimate extrapolated from the linear rate of the last third, a lower bound since the rate keeps slowing (run --full)", sk.Iterations, sk.MarginalError)
			if env.Full {
				est = fmt.Sprintf("not reached in %d iterations (error %.2g); count and time extrapolated", sk.Iterations, sk.MarginalError)
			}
		}
		r = add(tc.name+": Sinkhorn (log) iterations to 1e-12", skIt, tc.paperSinkIt, "iterations", est)
		check(r, skIt >= tc.minSink, fmt.Sprintf("≥ %g", tc.minSink))
		tadd(tc.name+": Sinkhorn (log) time", skTime, tc.paperSinkTime, "s", est).Status = "info"
		ratioNote := ""
		if est != "" {
			ratioNote = "from the Sinkhorn time estimate"
		}
		r = tadd(tc.name+": time ratio Sinkhorn/SNS", skTime/sns.Time.Seconds(), tc.paperSinkTime/tc.paperSNSTime, "×", ratioNote)
		check(r, skTime/sns.Time.Seconds() >= tc.minSpeedup, fmt.Sprintf("≥ %g", tc.minSpeedup))
		figs = append(figs, figSeries{name: tc.name, sns: sns.History, sk: sk.History})
	}
	for _, f := range figs {
		for _, fig := range historyFigures(f) {
			env.AddFigure(fig)
		}
	}
	// warm-up length (reviewers' question: does N₁ = 0 work?)
	for _, n1 := range []int{0, 5, 20, 50} {
		w := n1
		if w == 0 {
			w = -1
		}
		res, err := sinkhorn.SNS(ctx, a500, a500, c500, sinkhorn.SNSSettings{Settings: sinkhorn.Settings{Eta: eta, Tol: tol, MaxIter: 400}, WarmUp: w, FixedSparsity: true})
		if err != nil {
			return nil, err
		}
		add(fmt.Sprintf("random n=500: SNS iterations with N₁ = %d", n1), float64(res.Iterations+res.NewtonIterations), math.NaN(), "iterations",
			fmt.Sprintf("%d Newton steps, %v, error %.2g", res.NewtonIterations, res.Status, res.MarginalError)).Status = "info"
		tadd(fmt.Sprintf("random n=500: SNS time with N₁ = %d", n1), res.Time.Seconds(), math.NaN(), "s", "").Status = "info"
	}
	// η table (reviewers' question): random problems, SNS against Sinkhorn
	nEta, etaCap, snsCap := 100, 1000, 200
	if env.Full {
		nEta, etaCap, snsCap = 500, 20000, 1000
	}
	ce, ae := randomOT(nEta, env.Seed+1)
	for _, et := range []float64{10, 100, 1000, 1200, 5000} {
		fmt.Fprintf(env.Progress, "[sinkhorn] η table: η = %g\n", et)
		sns, err := sinkhorn.SNS(ctx, ae, ae, ce, sinkhorn.SNSSettings{Settings: sinkhorn.Settings{Eta: et, Tol: tol, MaxIter: snsCap}, FixedSparsity: true})
		if err != nil {
			return nil, err
		}
		sk, err := sinkhorn.Sinkhorn(ctx, ae, ae, ce, sinkhorn.Settings{Eta: et, Tol: tol, MaxIter: etaCap, Domain: sinkhorn.Log})
		if err != nil {
			return nil, err
		}
		finite := !math.IsNaN(sns.Cost) && !math.IsNaN(sk.Cost) && !math.IsInf(sns.Dual, 0) && !math.IsInf(sk.Dual, 0)
		r := add(fmt.Sprintf("η=%g random n=%d: SNS iterations", et, nEta), float64(sns.Iterations+sns.NewtonIterations), math.NaN(), "iterations",
			fmt.Sprintf("%v, error %.2g, %d CG", sns.Status, sns.MarginalError, sns.CGIterations))
		check(r, finite, "no NaN/Inf")
		skNote := fmt.Sprintf("%v, error %.2g", sk.Status, sk.MarginalError)
		r = add(fmt.Sprintf("η=%g random n=%d: Sinkhorn iterations", et, nEta), float64(sk.Iterations), math.NaN(), "iterations", skNote)
		check(r, finite, "no NaN/Inf")
		tadd(fmt.Sprintf("η=%g random n=%d: SNS time", et, nEta), sns.Time.Seconds(), math.NaN(), "s", "").Status = "info"
		tadd(fmt.Sprintf("η=%g random n=%d: Sinkhorn time", et, nEta), sk.Time.Seconds(), math.NaN(), "s", "").Status = "info"
	}
	// per-Newton-step time against n: the minimum over 3 rounds (sizes
	// alternated) of the median step time, robust to load from other jobs
	sizes := []int{250, 500, 1000}
	if env.Full {
		sizes = append(sizes, 2000)
	}
	best := make([]float64, len(sizes))
	steps := make([]int, len(sizes))
	for k := range best {
		best[k] = math.Inf(1)
	}
	for round := 0; round < 3; round++ {
		for k, n := range sizes {
			c, a := randomOT(n, env.Seed+2)
			res, err := sinkhorn.SNS(ctx, a, a, c, sinkhorn.SNSSettings{Settings: sinkhorn.Settings{Eta: eta, Tol: 1e-300, MaxIter: 27, History: true}, FixedSparsity: true})
			if err != nil {
				return nil, err
			}
			best[k] = math.Min(best[k], newtonStepTime(res.History))
			steps[k] = res.NewtonIterations
		}
	}
	for k, n := range sizes {
		note := fmt.Sprintf("min over 3 runs of the median of %d Newton steps after N₁ = 20 (plan, selection, CG, line search)", steps[k])
		tadd(fmt.Sprintf("time per Newton step n=%d", n), best[k], math.NaN(), "s", note).Status = "info"
		if k > 0 {
			ratio := best[k] / best[k-1]
			r := tadd(fmt.Sprintf("Newton step time ratio n=%d / n=%d", n, sizes[k-1]), ratio, 4, "×", "O(n²) per step predicts 4")
			check(r, ratio <= 4.5, "≤ 4.5 per doubling")
		}
	}
	// sparsity of the Sinkhorn iterates (Theorem 1): mass outside the 2n largest entries
	x0 := []float64(nil)
	var y0 []float64
	done := 0
	for _, t := range []int{5, 20, 50, 200} {
		res, err := sinkhorn.Sinkhorn(ctx, a500, a500, c500, sinkhorn.Settings{Eta: eta, Tol: 1e-300, MaxIter: t - done, Domain: sinkhorn.Log, X0: x0, Y0: y0})
		if err != nil {
			return nil, err
		}
		x0, y0, done = res.X, res.Y, t
		sp := res.SparsePlan(2 * 500)
		var kept float64
		for _, v := range sp.RawMatrix().Data {
			kept += v
		}
		r := add(fmt.Sprintf("random n=500: mass outside the 2n largest entries after %d Sinkhorn iterations", t), mat.Sum(res.Plan)-kept, math.NaN(), "", "the ε of (λ, ε)-sparsity")
		if t == 20 {
			check(r, mat.Sum(res.Plan)-kept <= 1e-2, "≤ 1e-2 after N₁ = 20 (research T7)")
		} else {
			r.Status = "info"
		}
	}
	return rows, nil
}

// mnistImages returns the first two MNIST test images, or two generated
// digit-like images when the data directory is absent.
func mnistImages(env *reproEnv) (imgs [][]float64, h, w int, src string, err error) {
	if p, ok := env.DataPath("mnist/t10k-images-idx3-ubyte.gz"); ok {
		f, err := os.Open(p)
		if err != nil {
			return nil, 0, 0, "", err
		}
		defer f.Close()
		imgs, h, w, err = sinkhorn.ReadIDXImages(f, p)
		if err != nil {
			return nil, 0, 0, "", err
		}
		return imgs[:2], h, w, fmt.Sprintf("MNIST test images 0 and 1, %v", mnistConvention), nil
	}
	fmt.Fprintln(env.Progress, "[sinkhorn] no MNIST data: using two generated stroke images")
	return strokeImages(), 28, 28, fmt.Sprintf("generated stroke images (no MNIST data), %v", mnistConvention), nil
}

// strokeImages draws a "7"-like and a "2"-like blurred stroke on 28×28.
func strokeImages() [][]float64 {
	draw := func(pts [][2]float64) []float64 {
		img := make([]float64, 28*28)
		for i := 0; i < 28; i++ {
			for j := 0; j < 28; j++ {
				best := math.Inf(1)
				for k := 0; k+1 < len(pts); k++ {
					best = math.Min(best, segDist(float64(i), float64(j), pts[k], pts[k+1]))
				}
				img[i*28+j] = math.Max(0, 1-best/2)
			}
		}
		return img
	}
	return [][]float64{
		draw([][2]float64{{6, 6}, {6, 21}, {22, 10}}),
		draw([][2]float64{{9, 7}, {5, 14}, {9, 20}, {21, 7}, {21, 21}}),
	}
}

func segDist(x, y float64, p, q [2]float64) float64 {
	dx, dy := q[0]-p[0], q[1]-p[1]
	t := ((x-p[0])*dx + (y-p[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-p[0]-t*dx, y-p[1]-t*dy)
}

// extrapolateIterations estimates the iterations to reach tol from the
// linear convergence rate over the last third of a history.
func extrapolateIterations(h []sinkhorn.Iterate, tol float64) float64 {
	if len(h) < 10 {
		return math.NaN()
	}
	last := h[len(h)-1]
	first := h[len(h)*2/3]
	rate := (math.Log(last.MarginalError) - math.Log(first.MarginalError)) / float64(last.Iter-first.Iter)
	if !(rate < 0) {
		return math.Inf(1)
	}
	return float64(last.Iter) + (math.Log(tol)-math.Log(last.MarginalError))/rate
}

// newtonStepTime is the median wall time of the Newton steps in a history.
func newtonStepTime(h []sinkhorn.Iterate) float64 {
	var d []float64
	for i, it := range h {
		if it.Newton && i > 0 {
			d = append(d, it.Time-h[i-1].Time)
		}
	}
	if len(d) == 0 {
		return math.NaN()
	}
	sort.Float64s(d)
	return d[len(d)/2]
}

type figSeries struct {
	name    string
	sns, sk []sinkhorn.Iterate
}

// historyFigures returns the marginal error of SNS and Sinkhorn against
// iterations and against wall time (the latter a timing figure), for the
// runner to save (and a sharded run to merge).
func historyFigures(f figSeries) []figure {
	base := strings.NewReplacer(" ", "_", "=", "").Replace(strings.ToLower(f.name))
	var out []figure
	for _, axis := range []string{"iterations", "time"} {
		fig := figure{Name: "sinkhorn_" + base + "_" + axis, Title: f.name + ", η = 1200",
			XLabel: "iterations (Sinkhorn + Newton)", YLabel: "marginal error ‖P1−a‖₁+‖Pᵀ1−b‖₁", LogY: true}
		if axis == "time" {
			fig.XLabel, fig.Timing = "wall time (s)", true
		}
		for _, s := range []struct {
			label string
			h     []sinkhorn.Iterate
		}{{"SNS", f.sns}, {"Sinkhorn (log domain)", f.sk}} {
			sr := series{Name: s.label}
			for _, it := range s.h {
				x := float64(it.Iter)
				if axis == "time" {
					x = it.Time
				}
				sr.X, sr.Y = append(sr.X, x), append(sr.Y, it.MarginalError)
			}
			fig.Series = append(fig.Series, sr)
		}
		out = append(out, fig)
	}
	return out
}
