package sinkhorn

import (
	"fmt"
	"io"
	"strconv"

	"github.com/james-bowman/sparse"
)

// WritePlan writes the plan of res as CSV: the dense n×m matrix one row per
// line, or, with topk > 0, a comment line and "i,j,value" triplets (0-based)
// of the topk largest entries (Result.SparsePlan). Values are written with
// the shortest representation that reads back exactly.
func WritePlan(w io.Writer, res *Result, topk int) error {
	if topk > 0 {
		if _, err := fmt.Fprintln(w, "# i,j,value (0-based), the largest entries of the plan"); err != nil {
			return err
		}
		return writeTriplets(w, res.SparsePlan(topk))
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
}

// WritePlan writes the nonzeros of the exact plan as a comment line and
// "i,j,value" triplets (0-based), values exact as in WritePlan.
func (r *EMDResult) WritePlan(w io.Writer) error {
	if _, err := fmt.Fprintln(w, "# i,j,value (0-based), the nonzeros of the exact plan"); err != nil {
		return err
	}
	return writeTriplets(w, r.Plan)
}

func writeTriplets(w io.Writer, p *sparse.CSR) error {
	var err error
	p.DoNonZero(func(i, j int, v float64) {
		if err == nil {
			_, err = fmt.Fprintf(w, "%d,%d,%s\n", i, j, strconv.FormatFloat(v, 'g', -1, 64))
		}
	})
	return err
}

// WriteHistory writes an iteration history as CSV with the header
// iteration,newton,marginal_error,dual,time_s,cg_iterations,step.
func WriteHistory(w io.Writer, hist []Iterate) error {
	if _, err := fmt.Fprintln(w, "iteration,newton,marginal_error,dual,time_s,cg_iterations,step"); err != nil {
		return err
	}
	for _, h := range hist {
		if _, err := fmt.Fprintf(w, "%d,%t,%g,%.17g,%g,%d,%g\n", h.Iter, h.Newton, h.MarginalError, h.Dual, h.Time, h.CGIterations, h.Step); err != nil {
			return err
		}
	}
	return nil
}

// DualValue returns the dual objective aᵀα + bᵀβ of the potentials (equal
// to Cost at an optimum).
func (r *EMDResult) DualValue(a, b []float64) float64 {
	var dual float64
	for i, v := range a {
		dual += v * r.Alpha[i]
	}
	for j, v := range b {
		dual += v * r.Beta[j]
	}
	return dual
}
