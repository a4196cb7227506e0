package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"github.com/kkt-go/kkt/sor"
)

func init() {
	register(&command{name: "sor", summary: "tune the SOR/SSOR relaxation ω across a sequence of linear systems (Learning to Relax)", run: runSOR})
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
	sp := sor.Spec{Kind: *seqName, Grid: *grid, NX: *nx, Instances: *instances, Seed: *seed}
	if *seqName != "shifted-laplacian" && *seqName != "heat" {
		sp.Kind, sp.Dir = "dir", *seqName
	}
	var err error
	if sp.Dist, err = sor.ParseShiftDist(*dist); err != nil {
		return bad(fmt.Errorf("--%v", err)) // the error starts with the flag's name
	}
	if *grid < 1 || *nx < 2 {
		return bad(fmt.Errorf("--grid must be ≥ 1 and --nx ≥ 2"))
	}
	method := sp.DefaultMethod()
	if *solverName != "" {
		if method, err = sor.ParseMethod(*solverName); err != nil {
			return bad(err)
		}
	}
	if st, err := os.Stat(sp.Dir); sp.Kind == "dir" && (err != nil || !st.IsDir()) {
		return bad(fmt.Errorf("--sequence %q: not shifted-laplacian, heat, or a readable directory", sp.Dir))
	}
	seq, err := sp.New()
	if err != nil {
		return bad(err)
	}
	lo, hi, bins := sp.Context()
	tuner, err := sor.ParseTuner(*tunerName, lo, hi, bins, method, rand.New(rand.NewPCG(*seed, 0x7a11)))
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
		if !printJSON(stdout, stderr, "sor", out, false) {
			return exitBadInput
		}
	} else {
		keys := []string{"sequence", "tuner", "solver", "instances", "total_iterations", "mean_iterations", "best_fixed_omega", "best_fixed_total", "regret_fixed", "optimal_total", "regret_optimal", "time_s", "status"}
		for _, k := range keys {
			if v, ok := out[k]; ok {
				fmt.Fprintf(stdout, "%-17s %v\n", k, v)
			}
		}
	}
	return res.Status.ExitCode()
}

func lastOr(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return v[len(v)-1]
}
