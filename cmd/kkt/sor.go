package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/sor"
)

func init() {
	register(&command{name: "sor", summary: "tune the SOR/SSOR relaxation ω across a sequence of linear systems (Learning to Relax)", run: runSOR})
	registerExperiment(&experiment{name: "sor", paper: "Khodak, Chow, Balcan, Talwalkar, Learning to Relax, ICLR 2024 (arXiv 2310.02246)", order: 70, run: reproduceSOR})
}

// sorSpec describes a sequence chosen on the command line.
type sorSpec struct {
	kind      string // "shifted-laplacian", "heat", "dir"
	dist      sor.ShiftDist
	grid      int
	nx        int
	instances int
	dir       string
	seed      uint64
}

// newSequence returns a fresh sequence and the context interval of the
// contextual tuners (lo, hi).
func (sp sorSpec) newSequence() (sor.Sequence, float64, float64, error) {
	switch sp.kind {
	case "shifted-laplacian":
		return sor.NewShiftedLaplacian(sp.grid, sp.dist, sp.instances, rand.New(rand.NewPCG(sp.seed, 0x5eed))), -0.15, 0.65, nil
	case "heat":
		stop := float64(sp.instances) / 1000 // dt = 1e-3 as in h2d.m
		lo, hi := sor.HeatContextRange(sp.instances, stop)
		return sor.NewHeat(sp.nx, sp.instances, stop), lo, hi, nil
	case "dir":
		seq, err := newDirSequence(sp.dir, sp.instances)
		return seq, 0, 1, err
	}
	return nil, 0, 0, fmt.Errorf("unknown sequence %q", sp.kind)
}

// parseTuner builds a tuner from its command-line name.
// bins is the number of Tsallis-INF-CB bins: 5 on the shifted Laplacian
// (contextual.m), 6 on the heat sequence (h2d.m).
func parseTuner(name string, lo, hi float64, bins int, m sor.Method, rng *rand.Rand) (sor.Tuner, error) {
	switch {
	case strings.HasPrefix(name, "fixed:"):
		w, err := strconv.ParseFloat(strings.TrimPrefix(name, "fixed:"), 64)
		if err != nil {
			return nil, fmt.Errorf("tuner %q: %v", name, err)
		}
		if err := sor.CheckOmega(w); err != nil {
			return nil, fmt.Errorf("tuner %q: %w", name, err)
		}
		return sor.Fixed{W: w}, nil
	case name == "young":
		return sor.Young{}, nil
	case name == "exp3":
		return sor.NewExp3(nil, rng), nil
	case name == "tsallis":
		return sor.NewTsallisINF(nil, rng), nil
	case name == "tsallis-cb":
		return sor.NewTsallisINFCB(nil, bins, lo, hi, rng), nil
	case name == "chebcb":
		return sor.NewChebCB(nil, 6, lo, hi, rng), nil
	case name == "oracle":
		return &sor.Oracle{Solver: sor.Solver{Method: m}}, nil
	}
	return nil, fmt.Errorf("unknown tuner %q (fixed:W, young, exp3, tsallis, tsallis-cb, chebcb, oracle)", name)
}

func parseMethod(s string) (sor.Method, error) {
	switch s {
	case "sor":
		return sor.SOR, nil
	case "ssor-pcg":
		return sor.SSORPCG, nil
	case "cg":
		return sor.CG, nil
	}
	return 0, fmt.Errorf("unknown solver %q (sor, ssor-pcg, cg)", s)
}

func runSOR(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sor", "--sequence shifted-laplacian|heat|DIR --tuner fixed:1.5|young|exp3|tsallis|tsallis-cb|chebcb|oracle [flags]", stderr)
	seqName := fs.String("sequence", "shifted-laplacian", "shifted-laplacian, heat, or a directory of Matrix Market files")
	dist := fs.String("dist", "high", "shift distribution of shifted-laplacian: high (Beta(.5,1.5)) or low (Beta(2,6))")
	instances := fs.Int("instances", 1000, "number of instances (heat: time steps of 1e-3)")
	tunerName := fs.String("tuner", "tsallis", "tuner")
	solverName := fs.String("solver", "", "sor, ssor-pcg or cg (default: sor; ssor-pcg for heat)")
	seed := fs.Uint64("seed", 1, "random seed")
	grid := fs.Int("grid", 10, "shifted-laplacian: interior grid points per side (n = grid²)")
	nx := fs.Int("nx", 50, "heat: grid parameter ((nx−1)² unknowns)")
	hindsight := fs.Bool("hindsight", true, "solve every instance at every grid ω for the best fixed ω in hindsight (20 extra solves per instance)")
	optimal := fs.Bool("optimal", false, "also run the instance-optimal golden-section oracle on every instance")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout")
	records := fs.Bool("records", false, "with --json: include per-instance ω, iterations and time")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	bad := func(err error) int {
		fmt.Fprintf(stderr, "kkt sor: %v\n", err)
		return exitBadInput
	}
	if *instances < 1 {
		return bad(fmt.Errorf("--instances must be ≥ 1"))
	}
	sp := sorSpec{kind: *seqName, grid: *grid, nx: *nx, instances: *instances, seed: *seed}
	switch *seqName {
	case "shifted-laplacian", "heat":
	default:
		sp.kind, sp.dir = "dir", *seqName
	}
	switch *dist {
	case "high":
		sp.dist = sor.HighVariance
	case "low":
		sp.dist = sor.LowVariance
	default:
		return bad(fmt.Errorf("--dist %q: want high or low", *dist))
	}
	if *grid < 1 || *nx < 2 {
		return bad(fmt.Errorf("--grid must be ≥ 1 and --nx ≥ 2"))
	}
	ms := *solverName
	if ms == "" {
		ms = "sor"
		if sp.kind == "heat" {
			ms = "ssor-pcg"
		}
	}
	method, err := parseMethod(ms)
	if err != nil {
		return bad(err)
	}
	seq, lo, hi, err := sp.newSequence()
	if err != nil {
		return bad(err)
	}
	bins := 6
	if sp.kind == "shifted-laplacian" {
		bins = 5
	}
	tuner, err := parseTuner(*tunerName, lo, hi, bins, method, rand.New(rand.NewPCG(*seed, 0x7a11)))
	if err != nil {
		return bad(err)
	}
	res, err := sor.Run(context.Background(), seq, tuner, sor.Settings{Solver: sor.Solver{Method: method}, Hindsight: *hindsight, Optimal: *optimal})
	if err != nil {
		return bad(err)
	}
	n := len(res.Records)
	out := map[string]any{
		"sequence": *seqName, "tuner": *tunerName, "solver": method.String(), "seed": *seed,
		"instances":        n,
		"total_iterations": res.TotalIterations,
		"mean_iterations":  float64(res.TotalIterations) / float64(max(n, 1)),
		"time_s":           res.Time.Seconds(),
		"status":           res.Status.String(),
	}
	if *hindsight {
		out["best_fixed_omega"] = res.BestFixedOmega
		out["best_fixed_total"] = res.BestFixedTotal
		out["regret_fixed"] = lastOr(res.RegretFixed)
	}
	if *optimal {
		out["optimal_total"] = res.OptimalTotal
		out["regret_optimal"] = lastOr(res.RegretOptimal)
	}
	if *records {
		type rec struct {
			Omega      float64   `json:"omega"`
			Iterations int       `json:"iterations"`
			TimeS      float64   `json:"time_s"`
			Context    []float64 `json:"context,omitempty"`
		}
		rs := make([]rec, n)
		for i, r := range res.Records {
			rs[i] = rec{r.Omega, r.Iterations, r.Time.Seconds(), r.Context}
		}
		out["records"] = rs
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return bad(err)
		}
	} else {
		keys := []string{"sequence", "tuner", "solver", "instances", "total_iterations", "mean_iterations", "best_fixed_omega", "best_fixed_total", "regret_fixed", "optimal_total", "regret_optimal", "time_s", "status"}
		for _, k := range keys {
			if v, ok := out[k]; ok {
				fmt.Fprintf(stdout, "%-17s %v\n", k, v)
			}
		}
	}
	if res.Status != linsolve.Converged {
		return exitNotConverge
	}
	return exitOK
}

func lastOr(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return v[len(v)-1]
}

// ---- kkt reproduce sor ----

// Calibration values of the research notes (same setup as the authors'
// scripts, measured with an independent port; the paper's plotted numbers
// are not available as text): mean iterations per instance over 1000 draws.
var sorCalib = map[string]map[string]float64{
	"high": {"fixed 1.0": 605.9, "fixed 1.2": 402.2, "fixed 1.4": 254.8, "fixed 1.6": 149.4, "fixed 1.8": 102.2, "best fixed": 102.2, "young": 56},
	"low":  {"fixed 1.0": 274.0, "fixed 1.2": 180.3, "fixed 1.4": 111.3, "fixed 1.6": 63.7, "fixed 1.8": 85.9, "best fixed": 59.3, "young": 41.7},
}

type sorPolicy struct {
	name  string
	total []float64 // per seed
	cum   []float64 // mean cumulative iterations per instance (over seeds)
}

func reproduceSOR(ctx context.Context, env *reproEnv) ([]row, error) {
	T, seeds := 500, 2
	if env.Full {
		T, seeds = 5000, 5
	}
	// KKT_SOR_PARTS (comma list of shifted, long, heat, or one piece such as
	// shifted:high, long:low, heat:100; default all) runs a subset, so that
	// the long --full study can be spread over processes or machines.
	// A part is named study (all of it) or study:key, e.g. long:high or heat:100.
	part := func(study, key string) bool {
		p := os.Getenv("KKT_SOR_PARTS")
		return p == "" || slices.Contains(splitList(p), study) || slices.Contains(splitList(p), study+":"+key)
	}
	var rows []row
	for _, dk := range []struct {
		key  string
		dist sor.ShiftDist
	}{{"high", sor.HighVariance}, {"low", sor.LowVariance}} {
		if !part("shifted", dk.key) {
			continue
		}
		r, err := reproShifted(ctx, env, dk.key, dk.dist, T, seeds)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	if env.Full {
		for _, dk := range []struct {
			key  string
			dist sor.ShiftDist
		}{{"high", sor.HighVariance}, {"low", sor.LowVariance}} {
			if !part("long", dk.key) {
				continue
			}
			r, err := reproLongRun(ctx, env, dk.key, dk.dist, []int{5000, 20000, 50000}, 3)
			if err != nil {
				return nil, err
			}
			rows = append(rows, r...)
		}
	}
	nxs, steps, stop, trials := []int{25}, 500, 5.0, 1
	if env.Full {
		nxs, steps = []int{50, 100}, 5000
	}
	for _, nx := range nxs {
		if !part("heat", strconv.Itoa(nx)) {
			continue
		}
		r, err := reproHeat(ctx, env, nx, steps, stop, trials)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

func claim(exp, metric string, value float64, ok bool, note string) row {
	st := "reproduced"
	if !ok {
		st = "differs"
	}
	return row{Experiment: exp, Metric: metric, Value: value, Paper: math.NaN(), Status: st, Note: note}
}

func reproShifted(ctx context.Context, env *reproEnv, key string, dist sor.ShiftDist, T, seeds int) ([]row, error) {
	exp := "sor"
	grid := sor.DefaultGrid()
	fixedIdx := map[string]int{"fixed 1.0": 0, "fixed 1.2": 4, "fixed 1.4": 8, "fixed 1.6": 12, "fixed 1.8": 16}
	names := []string{"fixed 1.0", "fixed 1.2", "fixed 1.4", "fixed 1.6", "fixed 1.8", "best fixed", "exp3", "tsallis", "tsallis-cb", "chebcb", "young"}
	pol := map[string]*sorPolicy{}
	for _, n := range names {
		pol[n] = &sorPolicy{name: n, cum: make([]float64, T)}
	}
	prefixes := []int{T / 5, T / 2, T}
	ratioAt := make([][]float64, len(prefixes)) // tsallis / best fixed on each prefix, per seed
	prog := env.newProgress("sor " + key)
	seedList := make([]int, seeds)
	for s := range seedList {
		seedList[s] = s
	}
	// KKT_SOR_SEED=i runs only the i-th seed (0-based), to spread the full
	// study over processes; the rows are then that seed's values.
	if v := os.Getenv("KKT_SOR_SEED"); v != "" {
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 {
			return nil, fmt.Errorf("KKT_SOR_SEED=%q: want a seed index ≥ 0", v)
		}
		seedList, seeds = []int{i}, 1
	}
	for _, s := range seedList {
		seed := env.Seed + uint64(s)
		seq := sor.NewShiftedLaplacian(10, dist, T, rand.New(rand.NewPCG(seed, 0x5eed)))
		tb, err := sor.BuildTable(ctx, seq, grid, sor.TableOptions{WithYoung: true})
		if err != nil {
			return nil, err
		}
		addCum := func(p *sorPolicy, its func(t int) int) {
			acc := 0
			for t := 0; t < T; t++ {
				acc += its(t)
				p.cum[t] += float64(acc) / float64(seeds)
			}
			p.total = append(p.total, float64(acc))
		}
		for n, i := range fixedIdx {
			addCum(pol[n], func(t int) int { return int(tb.Costs[t][i]) })
		}
		addCum(pol["young"], func(t int) int { return int(tb.Young[t]) })
		rng := rand.New(rand.NewPCG(seed, 0x7a11))
		tuners := map[string]sor.Tuner{
			"exp3":       sor.NewExp3(grid, rng),
			"tsallis":    sor.NewTsallisINF(grid, rng),
			"tsallis-cb": sor.NewTsallisINFCB(grid, 5, -0.15, 0.65, rng),
			"chebcb":     sor.NewChebCB(grid, 6, -0.15, 0.65, rng),
		}
		var best *sor.Result
		for _, n := range []string{"exp3", "tsallis", "tsallis-cb", "chebcb"} {
			res, err := tb.Replay(tuners[n])
			if err != nil {
				return nil, err
			}
			addCum(pol[n], func(t int) int { return res.Records[t].Iterations })
			best = res
			if n == "tsallis" {
				for k, p := range prefixes {
					sub, err := tb.Slice(p).Replay(sor.NewTsallisINF(grid, rand.New(rand.NewPCG(seed, 0x7a11))))
					if err != nil {
						return nil, err
					}
					ratioAt[k] = append(ratioAt[k], float64(sub.TotalIterations)/float64(sub.BestFixedTotal))
				}
			}
		}
		bi := slices.Index(grid, best.BestFixedOmega)
		addCum(pol["best fixed"], func(t int) int { return int(tb.Costs[t][bi]) })
		prog.update(len(pol["young"].total), seeds, "seeds")
		fmt.Fprintf(env.Progress, "[sor %s] seed %d: best fixed ω = %.2f\n", key, seed, best.BestFixedOmega)
	}
	mean := func(n string) float64 {
		return meanOf(pol[n].total) / float64(T)
	}
	note := fmt.Sprintf("%s-variance shifts, T=%d, %d seeds; paper column: research calibration (independent port), not the paper's figure", key, T, seeds)
	var rows []row
	for _, n := range names {
		r := row{Experiment: exp, Metric: fmt.Sprintf("%s: %s mean iterations", key, n), Value: mean(n), Paper: math.NaN(), Unit: "iterations", Note: note}
		if v, ok := sorCalib[key][n]; ok {
			r.Paper = v
		}
		rows = append(rows, compare(r, 0.05))
	}
	ts := meanOf(pol["tsallis"].total)
	rows = append(rows,
		claim(exp, key+": tsallis total / fixed 1.4 total", ts/meanOf(pol["fixed 1.4"].total), ts < meanOf(pol["fixed 1.4"].total), "claim: < 1"),
		claim(exp, key+": tsallis total / fixed 1.0 total", ts/meanOf(pol["fixed 1.0"].total), ts < 0.5*meanOf(pol["fixed 1.0"].total), "claim: < 0.5"))
	for k, p := range prefixes {
		ok := k == 0 || meanOf(ratioAt[k]) < meanOf(ratioAt[k-1])
		rows = append(rows, claim(exp, fmt.Sprintf("%s: tsallis / best fixed at T=%d", key, p), meanOf(ratioAt[k]), ok,
			"claim: falls as T grows; calibration at T=5000: "+map[string]string{"high": "1.70–1.78", "low": "1.44–1.47"}[key]))
	}
	cb, ch := meanOf(pol["tsallis-cb"].total), meanOf(pol["chebcb"].total)
	bf, yo := meanOf(pol["best fixed"].total), meanOf(pol["young"].total)
	closed := (bf - ch) / (bf - yo)
	ctxRows := []row{
		claim(exp, key+": tsallis-cb total / tsallis total", cb/ts, cb < ts, "claim: < 1"),
		claim(exp, key+": chebcb total / tsallis total", ch/ts, ch < ts, "claim: < 1"),
		claim(exp, key+": chebcb share of gap best-fixed→instance-optimal closed", closed, closed >= 0.5,
			"claim: ≥ 0.5; instance-optimal = Young ω*(A_t) per instance, as scripts/contextual.m"),
	}
	if T < 5000 {
		// The contextual claims are made at T = 5000; shorter runs report
		// the values without a verdict.
		for i := range ctxRows {
			ctxRows[i].Status = "info"
			ctxRows[i].Note += fmt.Sprintf(" at T=5000; here T=%d, checked by --full", T)
		}
	}
	rows = append(rows, ctxRows...)
	// Figures: cumulative iterations and regret against the best fixed ω.
	xs := make([]float64, T)
	for t := range xs {
		xs[t] = float64(t + 1)
	}
	var cumS, regS []series
	for _, n := range []string{"fixed 1.0", "fixed 1.4", "fixed 1.8", "best fixed", "exp3", "tsallis", "tsallis-cb", "chebcb", "young"} {
		cumS = append(cumS, series{Name: n, X: xs, Y: pol[n].cum})
		if !strings.HasPrefix(n, "fixed") && n != "best fixed" {
			reg := make([]float64, T)
			for t := range reg {
				reg[t] = pol[n].cum[t] - pol["best fixed"].cum[t]
			}
			regS = append(regS, series{Name: n, X: xs, Y: reg})
		}
	}
	env.addFigure(figure{Name: "sor-" + key + "-cumulative", Title: "Shifted Laplacian, " + key + " variance: cumulative SOR iterations",
		XLabel: "instance", YLabel: "cumulative iterations (mean over seeds)", Series: cumS})
	env.addFigure(figure{Name: "sor-" + key + "-regret", Title: "Shifted Laplacian, " + key + " variance: regret vs best fixed ω",
		XLabel: "instance", YLabel: "cumulative iterations − best fixed ω", Series: regS})
	return rows, nil
}

// reproLongRun measures Tsallis-INF's ratio to the best fixed ω at several
// horizons (3 seeds). The best fixed ω is taken over the three grid values
// around the best fixed ω at T = 5000 (1.75–1.85 for high variance,
// 1.60–1.70 for low; the full 20-value hindsight table at 50,000 instances
// costs 20 solves per instance); each policy runs live on an identically
// seeded sequence.
func reproLongRun(ctx context.Context, env *reproEnv, key string, dist sor.ShiftDist, horizons []int, seeds int) ([]row, error) {
	T := slices.Max(horizons)
	cands := map[string][]float64{"high": {1.75, 1.8, 1.85}, "low": {1.6, 1.65, 1.7}}[key]
	ratios := make([][]float64, len(horizons))
	prog := env.newProgress("sor long " + key)
	for s := 0; s < seeds; s++ {
		seed := env.Seed + uint64(s)
		cumAt := func(tu sor.Tuner) ([]int, error) {
			seq := sor.NewShiftedLaplacian(10, dist, T, rand.New(rand.NewPCG(seed, 0x5eed)))
			out := make([]int, len(horizons))
			acc := 0
			_, err := sor.Run(ctx, seq, tu, sor.Settings{Recorder: func(r sor.Record) bool {
				acc += r.Iterations
				for k, h := range horizons {
					if r.Index+1 == h {
						out[k] = acc
					}
				}
				return true
			}})
			return out, err
		}
		ts, err := cumAt(sor.NewTsallisINF(nil, rand.New(rand.NewPCG(seed, 0x7a11))))
		if err != nil {
			return nil, err
		}
		best := make([]int, len(horizons))
		for i := range best {
			best[i] = math.MaxInt
		}
		for _, w := range cands {
			f, err := cumAt(sor.Fixed{W: w})
			if err != nil {
				return nil, err
			}
			for k := range best {
				best[k] = min(best[k], f[k])
			}
		}
		for k := range horizons {
			ratios[k] = append(ratios[k], float64(ts[k])/float64(best[k]))
		}
		prog.update(s+1, seeds, "seeds")
	}
	var rows []row
	for k, h := range horizons {
		ok := k == 0 || meanOf(ratios[k]) < meanOf(ratios[k-1])
		rows = append(rows, claim("sor", fmt.Sprintf("%s: tsallis / best fixed at T=%d (live)", key, h), meanOf(ratios[k]), ok,
			fmt.Sprintf("claim: falls as T grows; %d seeds, best fixed over ω∈%v", seeds, cands)))
	}
	return rows, nil
}

func reproHeat(ctx context.Context, env *reproEnv, nx, steps int, stop float64, trials int) ([]row, error) {
	exp := "sor"
	lo, hi := sor.HeatContextRange(steps, stop)
	type out struct {
		iters float64
		secs  float64
		cum   []float64 // cumulative iterations per step
	}
	run := func(tu sor.Tuner, m sor.Method) (out, error) {
		res, err := sor.Run(ctx, sor.NewHeat(nx, steps, stop), tu, sor.Settings{Solver: sor.Solver{Method: m}})
		if err != nil {
			return out{}, err
		}
		if res.Status != linsolve.Converged {
			return out{}, fmt.Errorf("heat nx=%d: %v", nx, res.Status)
		}
		cum := make([]float64, len(res.Records))
		acc := 0.0
		for t, r := range res.Records {
			acc += float64(r.Iterations)
			cum[t] = acc
		}
		return out{float64(res.TotalIterations), res.Time.Seconds(), cum}, nil
	}
	results := map[string]out{}
	order := []string{"cg"}
	o, err := run(sor.Fixed{W: 1}, sor.CG)
	if err != nil {
		return nil, err
	}
	results["cg"] = o
	bestName := ""
	for _, w := range []float64{1, 1.3, 1.5, 1.75, 1.95} {
		n := fmt.Sprintf("fixed %.2f", w)
		o, err := run(sor.Fixed{W: w}, sor.SSORPCG)
		if err != nil {
			return nil, err
		}
		results[n] = o
		order = append(order, n)
		if bestName == "" || o.iters < results[bestName].iters {
			bestName = n
		}
	}
	for _, n := range []string{"tsallis", "tsallis-cb", "chebcb"} {
		var acc out
		for tr := 0; tr < trials; tr++ {
			rng := rand.New(rand.NewPCG(env.Seed+uint64(tr), 0x7a11))
			var tu sor.Tuner
			switch n {
			case "tsallis":
				tu = sor.NewTsallisINF(nil, rng)
			case "tsallis-cb":
				tu = sor.NewTsallisINFCB(nil, 6, lo, hi, rng)
			case "chebcb":
				tu = sor.NewChebCB(nil, 6, lo, hi, rng)
			}
			o, err := run(tu, sor.SSORPCG)
			if err != nil {
				return nil, err
			}
			acc.iters += o.iters / float64(trials)
			acc.secs += o.secs / float64(trials)
			if acc.cum == nil {
				acc.cum = make([]float64, len(o.cum))
			}
			for t, v := range o.cum {
				acc.cum[t] += v / float64(trials)
			}
		}
		results[n] = acc
		order = append(order, n)
	}
	if env.Full && nx <= 50 && os.Getenv("KKT_SOR_ORACLE") != "" {
		o, err := run(&sor.Oracle{Solver: sor.Solver{Method: sor.SSORPCG}}, sor.SSORPCG)
		if err != nil {
			return nil, err
		}
		results["instance-optimal"] = o
		order = append(order, "instance-optimal")
	}
	note := fmt.Sprintf("heat nx=%d (n=%d), %d steps, stop time %g, SSOR-PCG unless CG; %d trial(s) for bandits", nx, (nx-1)*(nx-1), steps, stop, trials)
	var rows []row
	for _, n := range order {
		r := results[n]
		rows = append(rows, row{Experiment: exp, Metric: fmt.Sprintf("heat nx=%d: %s total iterations", nx, n), Value: r.iters, Paper: math.NaN(), Status: "info", Unit: "iterations", Note: note},
			row{Experiment: exp, Metric: fmt.Sprintf("heat nx=%d: %s wall time", nx, n), Value: r.secs, Paper: math.NaN(), Status: "info", Unit: "s",
				Note: fmt.Sprintf("%.3g × CG wall time", r.secs/results["cg"].secs)})
	}
	cg := results["cg"].iters
	for _, n := range []string{"tsallis", "tsallis-cb", "chebcb"} {
		rows = append(rows, claim(exp, fmt.Sprintf("heat nx=%d: %s / CG total iterations", nx, n), results[n].iters/cg, results[n].iters < cg, "claim: < 1 (SSOR-PCG with tuned ω beats plain CG)"))
	}
	// Figure: cumulative iterations minus those of the best fixed ω.
	xs := make([]float64, steps)
	for t := range xs {
		xs[t] = float64(t + 1)
	}
	var regS []series
	for _, n := range order {
		if n == bestName || n == "cg" {
			continue
		}
		reg := make([]float64, steps)
		for t := range reg {
			reg[t] = results[n].cum[t] - results[bestName].cum[t]
		}
		regS = append(regS, series{Name: n, X: xs, Y: reg})
	}
	env.addFigure(figure{Name: fmt.Sprintf("sor-heat%d-regret", nx), Title: fmt.Sprintf("Heat equation nx=%d: SSOR-PCG regret vs best fixed ω (%s)", nx, bestName),
		XLabel: "time step", YLabel: "cumulative iterations − best fixed ω", Series: regS})
	rows = append(rows, row{Experiment: exp, Metric: fmt.Sprintf("heat nx=%d: best fixed ω on {1,1.3,1.5,1.75,1.95}", nx), Value: mustParseOmega(bestName), Paper: math.NaN(), Status: "info", Note: note})
	return rows, nil
}

func mustParseOmega(name string) float64 {
	v, err := strconv.ParseFloat(strings.TrimPrefix(name, "fixed "), 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

func meanOf(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// newDirSequence reads the Matrix Market files of a directory as a
// sequence (sor.MatrixMarketDir).
func newDirSequence(dir string, limit int) (sor.Sequence, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--sequence %q: not shifted-laplacian, heat, or a readable directory", dir)
	}
	return sor.MatrixMarketDir(dir, limit)
}
