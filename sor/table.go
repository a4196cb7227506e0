package sor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kkt-go/kkt/linsolve"
)

// Table holds the iteration count of every ω of a grid on every instance of
// a sequence whose instances do not depend on earlier solutions (such as
// ShiftedLaplacian). Because the solvers are deterministic, a tuner that
// only plays grid values can be replayed against the table with exactly the
// counts it would have seen live, which makes comparing many tuners and
// seeds on the same instances cheap. Optional columns hold the counts of
// Young's ω* and of the Oracle per instance.
type Table struct {
	Grid     []float64
	Contexts [][]float64
	Costs    [][]int32 // Costs[t][i]: iterations of instance t at Grid[i]
	Young    []int32   // nil unless built WithYoung
	Optimal  []int32   // nil unless built WithOptimal
}

// TableOptions selects the optional columns of BuildTable.
type TableOptions struct {
	Solver      Solver
	WithYoung   bool
	WithOptimal bool
	Oracle      Oracle // Start/Evals of the oracle column (Solver is overwritten)
}

// BuildTable solves every instance of seq at every ω of grid (nil:
// DefaultGrid) from the instance's X0. The solution passed back to the
// sequence is that of the last grid value, so use it only for sequences that
// ignore prev.
func BuildTable(ctx context.Context, seq Sequence, grid []float64, o TableOptions) (*Table, error) {
	if grid == nil {
		grid = DefaultGrid()
	}
	checkGrid(grid)
	tb := &Table{Grid: grid}
	solver := &Solver{Method: o.Solver.Method, Tol: o.Solver.Tol, MaxIter: o.Solver.MaxIter}
	oracle := o.Oracle
	oracle.Solver = Solver{Method: solver.Method, Tol: solver.Tol, MaxIter: solver.MaxIter}
	var prev []float64
	dim := -1
	for t := 0; ; t++ {
		if ctx != nil && ctx.Err() != nil {
			return tb, ctx.Err()
		}
		in, err := seq.Next(prev)
		if errors.Is(err, io.EOF) {
			return tb, nil
		}
		if err != nil {
			return tb, fmt.Errorf("sor: instance %d: %w", t, err)
		}
		if err := checkInstance(in, &dim); err != nil {
			return tb, fmt.Errorf("sor: instance %d: %w", t, err)
		}
		row := make([]int32, len(grid))
		for i, w := range grid {
			sol, err := solver.Solve(ctx, in.A, in.B, in.X0, w)
			if err != nil {
				return tb, fmt.Errorf("sor: instance %d: %w", t, err)
			}
			row[i] = int32(sol.Iterations)
			prev = sol.X
		}
		tb.Costs = append(tb.Costs, row)
		tb.Contexts = append(tb.Contexts, append([]float64(nil), in.Context...))
		for _, col := range []struct {
			on   bool
			tun  Tuner
			dest *[]int32
		}{{o.WithYoung, Young{}, &tb.Young}, {o.WithOptimal, &oracle, &tb.Optimal}} {
			if !col.on {
				continue
			}
			w, err := col.tun.Omega(in)
			if err != nil {
				return tb, fmt.Errorf("sor: instance %d: %w", t, err)
			}
			sol, err := solver.Solve(ctx, in.A, in.B, in.X0, w)
			if err != nil {
				return tb, fmt.Errorf("sor: instance %d: %w", t, err)
			}
			*col.dest = append(*col.dest, int32(sol.Iterations))
		}
	}
}

// Len returns the number of instances.
func (tb *Table) Len() int { return len(tb.Costs) }

// Slice returns the table restricted to instances [0, n).
func (tb *Table) Slice(n int) *Table {
	out := &Table{Grid: tb.Grid, Contexts: tb.Contexts[:n], Costs: tb.Costs[:n]}
	if tb.Young != nil {
		out.Young = tb.Young[:n]
	}
	if tb.Optimal != nil {
		out.Optimal = tb.Optimal[:n]
	}
	return out
}

// Replay plays tuner against the table. The tuner sees instances carrying
// only their Context (A and B are nil), so it must be a grid tuner (Fixed
// on a grid value, Exp3, TsallisINF, TsallisINFCB, ChebCB); playing an ω
// that is not exactly a grid value is an error. The Result has the hindsight
// fields filled, and the oracle fields when the table has an Optimal column.
func (tb *Table) Replay(tuner Tuner) (*Result, error) {
	index := make(map[float64]int, len(tb.Grid))
	for i, w := range tb.Grid {
		index[w] = i
	}
	res := &Result{Status: linsolve.Converged, Records: make([]Record, 0, len(tb.Costs))}
	start := time.Now()
	var in Instance
	for t, row := range tb.Costs {
		in.Context = tb.Contexts[t]
		w, err := tuner.Omega(&in)
		if err != nil {
			return res, fmt.Errorf("sor: replay instance %d: %w", t, err)
		}
		i, ok := index[w]
		if !ok {
			return res, fmt.Errorf("sor: replay instance %d: tuner played ω = %v, not on the table's grid", t, w)
		}
		it := int(row[i])
		tuner.Observe(it)
		gi := make([]int, len(row))
		for k, v := range row {
			gi[k] = int(v)
		}
		rec := Record{Index: t, Context: in.Context, Omega: w, Iterations: it, GridIterations: gi}
		if tb.Optimal != nil {
			rec.OptimalIterations = int(tb.Optimal[t])
			res.OptimalTotal += rec.OptimalIterations
		}
		res.TotalIterations += it
		res.Records = append(res.Records, rec)
	}
	res.Time = time.Since(start)
	finishRegret(res, tb.Grid, true, tb.Optimal != nil)
	return res, nil
}

// FixedTotal returns the total count of grid value i over the table.
func (tb *Table) FixedTotal(i int) int {
	tot := 0
	for _, row := range tb.Costs {
		tot += int(row[i])
	}
	return tot
}

// Total returns the sum of a column (Young or Optimal).
func Total(col []int32) int {
	tot := 0
	for _, v := range col {
		tot += int(v)
	}
	return tot
}
