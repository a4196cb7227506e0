package sor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/kkt-go/kkt/solver"

	"github.com/kkt-go/kkt/linsolve"
)

// Settings configures Run. The zero value runs SOR with the reference
// code's tolerance 1e-8 and cap 10,000 and records no regret.
type Settings struct {
	// Solver selects the method (SOR or SSOR-PCG), tolerance and cap.
	Solver Solver
	// Hindsight, when true, also solves every instance at each ω of Grid
	// (from the same starting vector) to compute the best fixed ω in
	// hindsight and the regret against it. Costs len(Grid) extra solves per
	// instance.
	Hindsight bool
	// Grid is the set of fixed ω for Hindsight (nil: DefaultGrid).
	Grid []float64
	// Optimal, when true, runs the instance-optimal Oracle (with OracleStart
	// and OracleEvals, see Oracle) on every instance to compute the regret
	// against the instance-optimal policy.
	Optimal     bool
	OracleStart []float64
	OracleEvals int
	// Recorder, if not nil, is called after every instance; returning false
	// stops the run (Result.Status = linsolve.Canceled).
	Recorder solver.Recorder[Record]
}

// Record is what Run stores per instance.
type Record struct {
	Index      int
	Context    []float64
	Omega      float64
	Iterations int
	Status     linsolve.Status
	Time       time.Duration // wall time of the tuner's choice plus the solve
	// GridIterations[i] is the count at Settings.Grid[i] (Hindsight only).
	GridIterations []int
	// OptimalOmega and OptimalIterations are the oracle's (Optimal only).
	OptimalOmega      float64
	OptimalIterations int
}

// Result summarises a run.
type Result struct {
	Records         []Record
	TotalIterations int
	Time            time.Duration
	// Status is Converged when every solve converged, otherwise the status
	// of the first solve that did not (the run goes on), or Canceled.
	Status linsolve.Status
	// Best fixed ω in hindsight on Grid (Hindsight only).
	BestFixedOmega float64
	BestFixedTotal int
	// RegretFixed[t] is Σ_{s≤t} (iterations_s − best-fixed iterations_s).
	RegretFixed []float64
	// OptimalTotal and RegretOptimal are the same against the oracle.
	OptimalTotal  int
	RegretOptimal []float64
}

// Run plays tuner over seq: for each instance it asks the tuner for ω,
// solves with s.Solver from the instance's X0, reports the iteration count
// back and passes the solution to the sequence for its next instance.
// Errors: bad data from the sequence (wrapping ErrBadInput: zero diagonal,
// ω outside (0, 2), systems that change size), or the sequence's own error.
func Run(ctx context.Context, seq Sequence, tuner Tuner, s Settings) (*Result, error) {
	grid := s.Grid
	if grid == nil {
		grid = DefaultGrid()
	}
	if s.Hindsight {
		checkGrid(grid)
	}
	solver := &Solver{Method: s.Solver.Method, Tol: s.Solver.Tol, MaxIter: s.Solver.MaxIter}
	eval := Solver{Method: solver.Method, Tol: solver.Tol, MaxIter: solver.MaxIter}
	oracle := &Oracle{Solver: eval, Start: s.OracleStart, Evals: s.OracleEvals}
	res := &Result{Status: linsolve.Converged}
	start := time.Now()
	var prev []float64
	dim := -1
	for t := 0; ; t++ {
		if ctx != nil && ctx.Err() != nil {
			res.Status = linsolve.Canceled
			break
		}
		in, err := seq.Next(prev)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, fmt.Errorf("sor: instance %d: %w", t, err)
		}
		if err := checkInstance(in, &dim); err != nil {
			return res, fmt.Errorf("sor: instance %d: %w", t, err)
		}
		t0 := time.Now()
		w, err := tuner.Omega(in)
		if err != nil {
			return res, fmt.Errorf("sor: instance %d: tuner: %w", t, err)
		}
		if err := CheckOmega(w); err != nil {
			return res, fmt.Errorf("sor: instance %d: tuner chose %w", t, err)
		}
		sol, err := solver.Solve(ctx, in.A, in.B, in.X0, w)
		if err != nil {
			return res, fmt.Errorf("sor: instance %d: %w", t, err)
		}
		tuner.Observe(sol.Iterations)
		rec := Record{Index: t, Context: append([]float64(nil), in.Context...), Omega: w,
			Iterations: sol.Iterations, Status: sol.Status, Time: time.Since(t0)}
		if sol.Status != linsolve.Converged && res.Status == linsolve.Converged {
			res.Status = sol.Status
		}
		res.TotalIterations += sol.Iterations
		if s.Hindsight {
			rec.GridIterations = make([]int, len(grid))
			for i, g := range grid {
				e, err := eval.Solve(ctx, in.A, in.B, in.X0, g)
				if err != nil {
					return res, fmt.Errorf("sor: instance %d: %w", t, err)
				}
				rec.GridIterations[i] = e.Iterations
			}
		}
		if s.Optimal {
			ow, err := oracle.Omega(in)
			if err != nil {
				return res, fmt.Errorf("sor: instance %d: oracle: %w", t, err)
			}
			e, err := eval.Solve(ctx, in.A, in.B, in.X0, ow)
			if err != nil {
				return res, fmt.Errorf("sor: instance %d: %w", t, err)
			}
			rec.OptimalOmega, rec.OptimalIterations = ow, e.Iterations
			res.OptimalTotal += e.Iterations
		}
		res.Records = append(res.Records, rec)
		prev = sol.X
		if s.Recorder != nil && !s.Recorder(rec) {
			res.Status = linsolve.Canceled
			break
		}
	}
	res.Time = time.Since(start)
	finishRegret(res, grid, s.Hindsight, s.Optimal)
	return res, nil
}

func checkInstance(in *Instance, dim *int) error {
	if in == nil || in.A == nil {
		return fmt.Errorf("%w: nil instance or matrix", ErrBadInput)
	}
	r, c := in.A.Dims()
	if r != c {
		return fmt.Errorf("%w: matrix is %d×%d, not square", ErrBadInput, r, c)
	}
	if *dim >= 0 && r != *dim {
		return fmt.Errorf("%w: system size changed from %d to %d within the sequence", ErrBadInput, *dim, r)
	}
	*dim = r
	if len(in.B) != r {
		return fmt.Errorf("%w: len(b) = %d, matrix is %d×%d", ErrBadInput, len(in.B), r, r)
	}
	if in.X0 != nil && len(in.X0) != r {
		return fmt.Errorf("%w: len(x0) = %d, matrix is %d×%d", ErrBadInput, len(in.X0), r, r)
	}
	return nil
}

// finishRegret fills the hindsight and oracle summaries of res.
func finishRegret(res *Result, grid []float64, hindsight, optimal bool) {
	if hindsight && len(res.Records) > 0 {
		best, bestTot := -1, math.MaxInt
		for i := range grid {
			tot := 0
			for _, r := range res.Records {
				tot += r.GridIterations[i]
			}
			if tot < bestTot {
				best, bestTot = i, tot
			}
		}
		res.BestFixedOmega, res.BestFixedTotal = grid[best], bestTot
		res.RegretFixed = make([]float64, len(res.Records))
		acc := 0.0
		for t, r := range res.Records {
			acc += float64(r.Iterations - r.GridIterations[best])
			res.RegretFixed[t] = acc
		}
	}
	if optimal {
		res.RegretOptimal = make([]float64, len(res.Records))
		acc := 0.0
		for t, r := range res.Records {
			acc += float64(r.Iterations - r.OptimalIterations)
			res.RegretOptimal[t] = acc
		}
	}
}
