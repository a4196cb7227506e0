package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/kkt-go/kkt/internal/atomicfile"
	"github.com/kkt-go/kkt/sketch"
)

func init() {
	register(&command{name: "sketch", summary: "sketch-and-precondition least squares on a generated ill-conditioned problem", run: runSketchCmd})
}

// runSketchCmd solves the IllConditioned test problem by sketch-and-precondition
// LSQR (or plain LSQR) and optionally writes the problem (little-endian
// float64, A row-major in A.bin, b in b.bin) for side-by-side runs of a peer.
func runSketchCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sketch", "[--m M] [--n N] [--kappa K] [--noise E] [--seed S] [--kind K] [--gamma G] [--tol T] [--max-iter N] [--plain] [--out DIR] [--json]", stderr)
	m := fs.Int("m", 20000, "rows")
	n := fs.Int("n", 200, "columns")
	kappa := fs.Float64("kappa", 1e8, "condition number of diag(d) in A = G·diag(d)")
	noise := fs.Float64("noise", 1e-2, "b = A·x* + noise·g")
	seed := fs.Uint64("seed", 1, "seed of the problem and of the sketch")
	kindName := fs.String("kind", "sparse-sign", "sketch: sparse-sign, gaussian, rademacher, countsketch, srht, uniform, row-norm")
	gamma := fs.Float64("gamma", 0, "oversampling: s = ⌈γ·n⌉ (0: the package default, 8 for sparse-sign and countsketch, else 4)")
	tol := fs.Float64("tol", 1e-11, "LSQR tolerance")
	maxIter := fs.Int("max-iter", 0, "LSQR iteration limit (0: default)")
	deprecatedAlias(fs, "maxiter", "max-iter")
	plain := fs.Bool("plain", false, "plain LSQR without preconditioner")
	write := fs.String("out", "", "write A.bin and b.bin into this directory and exit")
	deprecatedAlias(fs, "write", "out")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	if !checkFlags(stderr, "sketch", positive("tol", *tol), nonNegativeInt("max-iter", *maxIter)) {
		return exitBadInput
	}
	kind, err := sketch.ParseKind(*kindName)
	if err != nil {
		fmt.Fprintf(stderr, "kkt sketch: %v\n", err)
		return exitBadInput
	}
	if *m < 1 || *n < 1 || *n > *m || !(*kappa >= 1) {
		fmt.Fprintf(stderr, "kkt sketch: need 1 ≤ n ≤ m and kappa ≥ 1 (m = %d, n = %d, kappa = %g)\n", *m, *n, *kappa)
		return exitBadInput
	}
	a, b, _ := sketch.IllConditioned(*m, *n, *kappa, *noise, rand.New(rand.NewPCG(*seed, 33)))
	if *write != "" {
		if err := writeFloats(filepath.Join(*write, "A.bin"), a.RawMatrix().Data); err != nil {
			fmt.Fprintf(stderr, "kkt sketch: %v\n", err)
			return exitBadInput
		}
		if err := writeFloats(filepath.Join(*write, "b.bin"), b); err != nil {
			fmt.Fprintf(stderr, "kkt sketch: %v\n", err)
			return exitBadInput
		}
		return exitOK
	}
	t0 := time.Now()
	res, err := sketch.LeastSquares(context.Background(), a, b, sketch.LSSettings{Kind: kind, Oversampling: *gamma, Seed: *seed, Tol: *tol, MaxIter: *maxIter, NoPrecondition: *plain})
	el := time.Since(t0).Seconds()
	if err != nil {
		fmt.Fprintf(stderr, "kkt sketch: %v\n", err)
		return exitBadInput
	}
	if *asJSON {
		if !printJSON(stdout, stderr, "sketch", map[string]any{"status": res.Status.String(), "iterations": res.Iterations,
			"normal_residual": res.NormalResidual, "residual_norm": res.ResidualNorm, "sketch_rows": res.SketchRows, "time_s": el}, false) {
			return exitBadInput
		}
	} else {
		fmt.Fprintf(stdout, "status %v  iterations %d  ‖Aᵀr‖/(‖A‖_F‖r‖) %.3g  ‖r‖ %.6g  s %d  time %.3fs\n",
			res.Status, res.Iterations, res.NormalResidual, res.ResidualNorm, res.SketchRows, el)
	}
	if res.Status != sketch.Converged {
		return exitNotConverge
	}
	return exitOK
}

func writeFloats(path string, v []float64) error {
	return atomicfile.Write(path, func(w io.Writer) error { return binary.Write(w, binary.LittleEndian, v) })
}
