package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/internal/atomicfile"
	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

func init() {
	register(&command{name: "linsolve", summary: "solve a sparse linear system A·x = b from Matrix Market files", run: runLinsolve})
}

// linsolveOut is the --json output of kkt linsolve.
type linsolveOut struct {
	Matrix       string  `json:"matrix"`
	Method       string  `json:"method"`
	Precond      string  `json:"precond"`
	Rows         int     `json:"rows"`
	N            int     `json:"n"`
	NNZ          int     `json:"nnz"`
	Status       string  `json:"status"`
	Converged    bool    `json:"converged"`
	Iterations   int     `json:"iterations"`
	RelResidual  float64 `json:"rel_residual"`  // ‖b − A·x‖/‖b‖ recomputed after the solve
	ResidualNorm float64 `json:"residual_norm"` // ‖b − A·x‖ recomputed
	SolverResid  float64 `json:"solver_residual"`
	TimeS        float64 `json:"time_s"`
	// Direct methods only.
	Factorization string            `json:"factorization,omitempty"`
	Ordering      string            `json:"ordering,omitempty"`
	Fill          int               `json:"fill,omitempty"` // nnz of the factors (LU: nnz(L)+nnz(U)−n; Cholesky/LDLᵀ: nnz(L))
	OrderTimeS    *float64          `json:"order_time_s,omitempty"`
	FactorTimeS   *float64          `json:"factor_time_s,omitempty"`
	SolveTimeS    *float64          `json:"solve_time_s,omitempty"`
	Inertia       *linsolve.Inertia `json:"inertia,omitempty"`
	OffDiagPivots int               `json:"offdiag_pivots,omitempty"`
	Note          string            `json:"note,omitempty"`
	// Message says why a direct solve ended without a solution.
	Message string `json:"message,omitempty"`
}

func runLinsolve(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("linsolve", "--matrix A.mtx [--rhs b.mtx] [--method M] [flags]", stderr)
	mfile := fs.String("matrix", "", "Matrix Market file with A (required)")
	rhs := fs.String("rhs", "", "Matrix Market file with b (n×1 or 1×n); default b = A·1, so x = 1 solves it")
	method := fs.String("method", "cg", "cg | pcg | minres | gmres | bicgstab | lsqr | jacobi | gs | sor | ssor | direct | cholesky | ldl | lu (direct: chosen by the matrix)")
	ordering := fs.String("ordering", "", "fill-reducing ordering of the direct methods: amd | rcm | natural | colamd (LU only: AMD on AᵀA); default amd for cholesky and ldl, and for lu AMD on A+Aᵀ with diagonal pivots when they pass, else colamd")
	pivotTol := fs.Float64("pivot-tol", linsolve.DefaultPivotTol, "LU threshold partial pivoting: keep the diagonal pivot if |a_kk| ≥ tol·max|a_ik|, tol in (0, 1]")
	precond := fs.String("precond", "", "none | jacobi | ssor | ic0 | ilu0 (default none; ic0 for pcg)")
	omega := fs.Float64("omega", 1, "relaxation ω in (0, 2) for sor, ssor and the ssor preconditioner")
	restart := fs.Int("restart", linsolve.DefaultRestart, "GMRES restart length m")
	rtol := fs.Float64("rtol", 1e-8, "relative tolerance: stop when ‖b − A·x‖ ≤ rtol·‖b‖ (LSQR: Paige–Saunders atol = btol = rtol)")
	maxIter := fs.Int("max-iter", 0, "iteration limit (0: the method's default, 10·n)")
	deprecatedAlias(fs, "maxiter", "max-iter")
	workers := fs.Int("workers", 0, "goroutines for CG's fused kernel (0: automatic, every core from 50,000 unknowns; 1: one; -1: all CPUs)")
	xout := fs.String("x-out", "", "write the solution x to this Matrix Market file")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "kkt linsolve: "+format+"\n", a...)
		return exitBadInput
	}
	if *mfile == "" {
		return bad("--matrix is required")
	}
	if !checkFlags(stderr, "linsolve", positive("rtol", *rtol), nonNegativeInt("max-iter", *maxIter)) {
		return exitBadInput
	}
	if fs.NArg() > 0 {
		return bad("unexpected argument %q", fs.Arg(0))
	}
	if *method == "pcg" && *precond == "" {
		*precond = "ic0"
	}
	if *precond == "" {
		*precond = "none"
	}
	if !(*omega > 0 && *omega < 2) {
		return bad("--omega %v outside (0, 2)", *omega)
	}
	if *rtol <= 0 || *restart <= 0 {
		return bad("--rtol and --restart must be positive")
	}
	a, err := matrix.ReadMatrixMarketFile(*mfile)
	if err != nil {
		return bad("%v", err)
	}
	r, c := a.Dims()
	op := matrix.NewCSR(a)
	var b []float64
	if *rhs != "" {
		bd, err := matrix.ReadMatrixMarketDenseFile(*rhs)
		if err != nil {
			return bad("%v", err)
		}
		br, bc := bd.Dims()
		if min(br, bc) != 1 || max(br, bc) != r {
			return bad("%s: right-hand side is %d×%d, want %d×1", *rhs, br, bc, r)
		}
		b = mat.Row(nil, 0, bd)
		if bc == 1 {
			b = mat.Col(nil, 0, bd)
		}
	} else {
		b = make([]float64, r)
		op.Apply(b, slices.Repeat([]float64{1}, c))
	}
	s := linsolve.Settings{RTol: *rtol, MaxIter: *maxIter, Restart: *restart, Workers: *workers}
	ctx := context.Background()
	square := r == c
	isDirect := *method == "direct" || *method == "cholesky" || *method == "ldl" || *method == "lu"
	if *ordering != "" && !isDirect {
		return bad("--ordering applies to the direct methods (direct, cholesky, ldl, lu), not %s", *method)
	}
	if !(*pivotTol > 0 && *pivotTol <= 1) {
		return bad("--pivot-tol %v outside (0, 1]", *pivotTol)
	}
	switch *ordering {
	case "", "amd", "rcm", "natural":
	case "colamd":
		if *method != "lu" && *method != "direct" {
			return bad("--ordering colamd applies to lu only")
		}
	default:
		return bad("unknown --ordering %q (want amd, rcm, natural or colamd)", *ordering)
	}
	if !square && *method != "lsqr" && *method != "direct" {
		return bad("%s: matrix is %d×%d; method %s needs a square matrix (use lsqr or direct)", *mfile, r, c, *method)
	}
	switch *method {
	case "cg", "pcg", "minres", "gmres", "bicgstab":
		p, err := linsolve.NewPreconditioner(*precond, a, *omega)
		if err != nil {
			return bad("%s: %v", *mfile, err)
		}
		s.Precond = p
	case "lsqr", "jacobi", "gs", "sor", "ssor", "direct", "cholesky", "ldl", "lu":
		if *precond != "none" {
			return bad("method %s takes no preconditioner (got --precond %s)", *method, *precond)
		}
	default:
		return bad("unknown --method %q", *method)
	}
	t0 := time.Now()
	var res *linsolve.Result
	switch *method {
	case "cg", "pcg":
		res, err = linsolve.CG(ctx, op, b, s)
	case "minres":
		res, err = linsolve.MINRES(ctx, op, b, s)
	case "gmres":
		res, err = linsolve.GMRES(ctx, op, b, s)
	case "bicgstab":
		res, err = linsolve.BiCGSTAB(ctx, op, b, s)
	case "lsqr":
		op.CacheTranspose()
		res, err = linsolve.LSQR(ctx, op, b, linsolve.LSQRSettings{Settings: s})
	case "jacobi":
		res, err = linsolve.Jacobi(ctx, a, b, s)
	case "gs":
		res, err = linsolve.GaussSeidel(ctx, a, b, s)
	case "sor":
		res, err = linsolve.SOR(ctx, a, b, *omega, s)
	case "ssor":
		res, err = linsolve.SSOR(ctx, a, b, *omega, s)
	case "direct", "cholesky", "ldl", "lu":
		if !square {
			res, err = linsolve.Direct(op, b)
			break
		}
		dm, perr := linsolve.ParseDirectMethod(*method)
		if perr != nil {
			return bad("%v", perr)
		}
		res, err = linsolve.DirectSparse(a, b, linsolve.DirectSettings{Method: dm, Ordering: *ordering,
			LU: linsolve.LUSettings{PivotTol: *pivotTol}})
	}
	elapsed := time.Since(t0).Seconds()
	if err != nil {
		// A singular, indefinite (for --method cholesky) or numerically
		// unstable system is valid input with a numerical outcome: a status
		// (exit 1) with the reason, and the JSON object still printed.
		if st, ok := linsolve.DirectStatus(err); ok {
			out := linsolveOut{Matrix: *mfile, Method: *method, Precond: *precond, Rows: r, N: c, NNZ: op.NNZ(),
				Status: st.String(), RelResidual: math.NaN(), ResidualNorm: math.NaN(), SolverResid: math.NaN(), TimeS: elapsed, Message: err.Error()}
			if *asJSON {
				if !printJSON(stdout, stderr, "linsolve", out, false) {
					return exitBadInput
				}
			} else {
				fmt.Fprintf(stdout, "matrix      %s (%d×%d, nnz %d)\nmethod      %s\nstatus      %s: %v\n", *mfile, r, c, out.NNZ, *method, st, err)
			}
			return st.ExitCode()
		}
		return bad("%s: %v", *mfile, err)
	}
	rnorm, rel := linsolve.TrueResidual(op, res.X, b)
	if *xout != "" {
		if err := atomicfile.Write(*xout, func(w io.Writer) error {
			return matrix.WriteMatrixMarketDense(w, mat.NewVecDense(len(res.X), res.X))
		}); err != nil {
			fmt.Fprintf(stderr, "kkt linsolve: %v\n", err)
			return exitBadInput
		}
	}
	out := linsolveOut{Matrix: *mfile, Method: *method, Precond: *precond, Rows: r, N: c, NNZ: op.NNZ(),
		Status: res.Status.String(), Converged: res.Status == linsolve.Converged, Iterations: res.Iterations,
		RelResidual: rel, ResidualNorm: rnorm, SolverResid: res.ResidualNorm, TimeS: elapsed}
	if ds := res.DirectStats; ds != nil {
		sec := func(d time.Duration) *float64 { v := d.Seconds(); return &v }
		out.Factorization, out.Ordering, out.Fill = ds.Method, ds.Ordering, ds.NNZFactor
		out.OrderTimeS, out.FactorTimeS, out.SolveTimeS = sec(ds.OrderTime), sec(ds.FactorTime), sec(ds.SolveTime)
		out.Inertia, out.OffDiagPivots, out.Note = ds.Inertia, ds.OffDiagPivots, ds.Note
	}
	if *asJSON {
		if !printJSON(stdout, stderr, "linsolve", out, false) {
			return exitBadInput
		}
	} else {
		fmt.Fprintf(stdout, "matrix      %s (%d×%d, nnz %d)\n", *mfile, r, c, out.NNZ)
		fmt.Fprintf(stdout, "method      %s (precond %s)\n", *method, *precond)
		fmt.Fprintf(stdout, "status      %s after %d iterations\n", out.Status, out.Iterations)
		fmt.Fprintf(stdout, "‖b−Ax‖/‖b‖  %.3e (recomputed)\n", rel)
		if ds := res.DirectStats; ds != nil {
			ord := ds.Ordering
			if ord == "" {
				ord = "none"
			}
			fmt.Fprintf(stdout, "factor      %s, ordering %s, fill %d (nnz(A) %d, ratio %.2f)\n", ds.Method, ord, ds.NNZFactor, out.NNZ, float64(ds.NNZFactor)/float64(max(out.NNZ, 1)))
			fmt.Fprintf(stdout, "times       order %.3f s, factor %.3f s, solve %.3f s\n", ds.OrderTime.Seconds(), ds.FactorTime.Seconds(), ds.SolveTime.Seconds())
			if ds.Inertia != nil {
				fmt.Fprintf(stdout, "inertia     %d positive, %d negative, %d zero\n", ds.Inertia.Pos, ds.Inertia.Neg, ds.Inertia.Zero)
			}
			if ds.Method == "lu" {
				fmt.Fprintf(stdout, "pivots      %d off the diagonal\n", ds.OffDiagPivots)
			}
			if ds.Note != "" {
				fmt.Fprintf(stdout, "note        %s\n", ds.Note)
			}
		}
		fmt.Fprintf(stdout, "time        %.3f s\n", elapsed)
	}
	if res.Status != linsolve.Converged {
		return exitNotConverge
	}
	return exitOK
}
