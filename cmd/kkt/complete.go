package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/kkt-go/kkt/matrix/completion"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register(&command{name: "complete", summary: "low-rank matrix completion (alternating minimization, ALS)", run: runComplete})
}

func runComplete(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("complete", "--ratings FILE [--format movielens|coo] | --synthetic M,N,K,P  [flags]", stderr)
	ratings := fs.String("ratings", "", "observed entries file")
	format := fs.String("format", "movielens", "ratings file format: movielens (user item rating ts) or coo (i j value)")
	synth := fs.String("synthetic", "", "M,N,K,P: random rank-K M×N matrix observed with probability P")
	rank := fs.Int("rank", 0, "rank k (default: K for --synthetic, 10 for ratings)")
	method := fs.String("method", "", "altmin | altmin-fast (PCG, shared preconditioner) | altmin-sketch (per-row SRHT sketch + R-factor preconditioner) | als (default: als for ratings, altmin for synthetic)")
	lambda := fs.Float64("lambda", -1, "ridge λ (default: 0.15 for als, 0 for altmin)")
	testFrac := fs.Float64("test-fraction", 0.2, "fraction of ratings held out for the test RMSE")
	seed := fs.Uint64("seed", 1, "random seed")
	iters := fs.Int("max-iter", 0, "iterations (default 20 for als, 50 for altmin)")
	deprecatedAlias(fs, "iters", "max-iter")
	tol := fs.Float64("tol", 1e-12, "altmin: stop when the relative training residual ‖P_Ω(UVᵀ − M)‖/‖P_Ω(M)‖ ≤ tol")
	solveTol := fs.Float64("solve-tol", 1e-4, "altmin-fast, altmin-sketch: per-regression accuracy ε₀")
	sketchRows := fs.Int("sketch-rows", 0, "altmin-sketch: sketch rows s per regression (default 5·rank)")
	sketchQR := fs.String("sketch-qr", "cholqr", "altmin-sketch: R factor of the sketch, cholqr (CholeskyQR) or householder")
	factorsOut := fs.String("out", "", "directory to write U.json and V.json (JSON Lines, Spark ALS layout)")
	deprecatedAlias(fs, "factors-out", "out")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	if !checkFlags(stderr, "complete", halfOpen("test-fraction", *testFrac, 0, 1), nonNegativeInt("rank", *rank), nonNegativeInt("max-iter", *iters), nonNegativeInt("sketch-rows", *sketchRows), positive("solve-tol", *solveTol), positive("tol", *tol)) {
		return exitBadInput
	}
	var qr completion.SketchQR
	switch *sketchQR {
	case "cholqr":
	case "householder":
		qr = completion.HouseholderQR
	default:
		fmt.Fprintf(stderr, "kkt complete: --sketch-qr %q: want cholqr or householder\n", *sketchQR)
		return exitBadInput
	}
	if (*ratings == "") == (*synth == "") {
		fmt.Fprintln(stderr, "kkt complete: give exactly one of --ratings or --synthetic")
		return exitBadInput
	}
	out := map[string]any{}
	t0 := time.Now()
	var U, V *mat.Dense
	status := exitOK
	if *synth != "" {
		parts := strings.Split(*synth, ",")
		if len(parts) != 4 {
			fmt.Fprintf(stderr, "kkt complete: --synthetic wants M,N,K,P, got %q\n", *synth)
			return exitBadInput
		}
		m, e1 := strconv.Atoi(parts[0])
		n, e2 := strconv.Atoi(parts[1])
		k, e3 := strconv.Atoi(parts[2])
		p, e4 := strconv.ParseFloat(parts[3], 64)
		if e1 != nil || e2 != nil || e3 != nil || e4 != nil || m < 1 || n < 1 || k < 1 || k > min(m, n) || !(p > 0 && p <= 1) {
			fmt.Fprintf(stderr, "kkt complete: bad --synthetic %q (need positive M, N, 1 ≤ K ≤ min(M,N), 0 < P ≤ 1)\n", *synth)
			return exitBadInput
		}
		if *rank == 0 {
			*rank = k
		}
		obs, X, Y := completion.Synthetic(rand.New(rand.NewPCG(*seed, 99)), m, n, k, p)
		s := completion.Settings{Rank: *rank, MaxIter: *iters, Seed: *seed, Tol: *tol, SolveTol: *solveTol, SketchRows: *sketchRows, SketchQR: qr}
		if *lambda > 0 {
			s.Lambda = *lambda
		}
		switch *method {
		case "", "altmin":
		case "altmin-fast":
			s.Solver = completion.SolverCG
		case "altmin-sketch":
			s.Solver = completion.SolverSketch
		default:
			fmt.Fprintf(stderr, "kkt complete: method %q not available for --synthetic (altmin, altmin-fast, altmin-sketch)\n", *method)
			return exitBadInput
		}
		res, err := completion.AltMin(context.Background(), obs, s)
		if err != nil {
			fmt.Fprintf(stderr, "kkt complete: %v\n", err)
			return exitBadInput
		}
		U, V = res.U, res.V
		rel := completion.RelError(U, V, X, Y)
		out["rel_error"], out["iterations"], out["status"] = rel, res.Iterations, res.Status.String()
		out["observed"], out["train_residual"] = obs.Len(), res.Residual
		if res.Status != completion.Converged {
			status = exitNotConverge
		}
	} else {
		f := completion.FormatMovieLens
		switch *format {
		case "movielens":
		case "coo":
			f = completion.FormatCOO
		default:
			fmt.Fprintf(stderr, "kkt complete: unknown --format %q\n", *format)
			return exitBadInput
		}
		obs, err := completion.ReadFile(*ratings, f)
		if err != nil {
			fmt.Fprintf(stderr, "kkt complete: %v\n", err)
			return exitBadInput
		}
		if *rank == 0 {
			*rank = 10
		}
		if !completeBudget(stderr, *ratings, obs, *rank) {
			return exitBadInput
		}
		train, test := obs.Split(rand.New(rand.NewPCG(*seed, 5)), *testFrac)
		if train.Len() == 0 {
			fmt.Fprintf(stderr, "kkt complete: %s: the training split is empty (%d ratings, --test-fraction %g)\n", *ratings, obs.Len(), *testFrac)
			return exitBadInput
		}
		switch *method {
		case "", "als":
			lam := 0.15
			if *lambda >= 0 {
				lam = *lambda
			}
			it := *iters
			if it == 0 {
				it = 20
			}
			model, err := completion.ALS(context.Background(), train, completion.ALSSettings{Rank: *rank, Lambda: lam, BiasLambda: 0.01, MaxIter: it, Seed: *seed})
			if err != nil {
				fmt.Fprintf(stderr, "kkt complete: %v\n", err)
				return exitBadInput
			}
			U, V = model.U, model.V
			out["rmse_train"], out["rmse_test"] = model.RMSE(train, 1, 5), model.RMSE(test, 1, 5)
			// ALS runs --max-iter sweeps with no convergence test: it
			// always ends at the cap, and says so.
			out["iterations"], out["status"] = model.Iterations, completion.MaxIterations.String()
			status = exitNotConverge
		case "altmin", "altmin-fast", "altmin-sketch":
			s := completion.Settings{Rank: *rank, MaxIter: *iters, Seed: *seed, Tol: *tol, SolveTol: *solveTol, Lambda: max(*lambda, 0), SketchRows: *sketchRows, SketchQR: qr}
			switch *method {
			case "altmin-fast":
				s.Solver = completion.SolverCG
			case "altmin-sketch":
				s.Solver = completion.SolverSketch
			}
			res, err := completion.AltMin(context.Background(), train, s)
			if err != nil {
				fmt.Fprintf(stderr, "kkt complete: %v\n", err)
				return exitBadInput
			}
			U, V = res.U, res.V
			out["rmse_train"], out["rmse_test"] = completion.RMSE(train, U, V), completion.RMSE(test, U, V)
			out["iterations"], out["status"] = res.Iterations, res.Status.String()
			if res.Status != completion.Converged {
				status = exitNotConverge
			}
		default:
			fmt.Fprintf(stderr, "kkt complete: unknown --method %q\n", *method)
			return exitBadInput
		}
		out["train"], out["test"] = train.Len(), test.Len()
	}
	out["time_s"] = time.Since(t0).Seconds()
	out["rank"] = *rank
	if *factorsOut != "" {
		if err := completion.WriteFactorFiles(*factorsOut, U, V); err != nil {
			fmt.Fprintf(stderr, "kkt complete: %v\n", err)
			return exitBadInput
		}
	}
	if *asJSON {
		if !printJSON(stdout, stderr, "complete", out, false) {
			return exitBadInput
		}
	} else {
		for _, k := range []string{"rel_error", "rmse_train", "rmse_test", "iterations", "status", "time_s"} {
			if v, ok := out[k]; ok {
				fmt.Fprintf(stdout, "%-11s %v\n", k, v)
			}
		}
	}
	return status
}
