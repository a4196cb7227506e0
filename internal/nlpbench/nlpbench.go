// Package nlpbench runs kkt's solvers of general nonlinear programs over the
// CUTEst problems of the shared data folder and compares them with IPOPT's
// results recorded in cutest/ipopt.csv (IPOPT 3.11.9 with MUMPS, tol 1e-8;
// see the data folder's REFERENCE.md). `kkt reproduce nlp` and the nlp
// package's sweep test share it.
package nlpbench

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kkt-go/kkt/internal/repro"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/nlp"
	"github.com/kkt-go/kkt/solver"
)

// Ipopt is one row of ipopt.csv.
type Ipopt struct {
	Name       string
	N, M       int
	Status     string // IPOPT's return status, e.g. Solve_Succeeded
	Iterations int
	F          float64
	InfPr      float64 // IPOPT's final unscaled constraint violation
	InfDu      float64
	Seconds    float64 // IPOPT's wall time, Python callbacks included
}

// Solved reports whether IPOPT converged to tol (not the acceptable level).
func (r Ipopt) Solved() bool { return r.Status == "Solve_Succeeded" }

// ReadIpopt reads ipopt.csv (name,n,m,status,iterations,objective,
// constr_violation,dual_inf,wall_s). Errors name the file and line.
func ReadIpopt(path string) ([]Ipopt, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseIpopt(f, path)
}

func parseIpopt(r io.Reader, path string) ([]Ipopt, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 9
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 || rows[0][0] != "name" {
		return nil, fmt.Errorf("%s:1: want the header name,n,m,status,iterations,objective,constr_violation,dual_inf,wall_s", path)
	}
	out := make([]Ipopt, 0, len(rows)-1)
	for i, r := range rows[1:] {
		line := i + 2
		var e Ipopt
		var errs []error
		num := func(s string) float64 {
			if s == "" {
				return math.NaN()
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				errs = append(errs, err)
			}
			return v
		}
		e.Name, e.Status = r[0], r[3]
		e.N, e.M, e.Iterations = int(num(r[1])), int(num(r[2])), int(num(r[4]))
		e.F, e.InfPr, e.InfDu, e.Seconds = num(r[5]), num(r[6]), num(r[7]), num(r[8])
		if len(errs) > 0 {
			return nil, fmt.Errorf("%s:%d: %v", path, line, errs[0])
		}
		out = append(out, e)
	}
	return out, nil
}

// Set selects problems.
type Set int

const (
	// HS: the Hock–Schittkowski problems (names HSnnn) of ipopt.csv.
	HS Set = iota
	// BoundsOrInequalities: the problems of ipopt.csv with 2 ≤ n ≤ 100 that
	// have a finite variable bound or an inequality constraint.
	BoundsOrInequalities
)

func (s Set) String() string {
	if s == HS {
		return "Hock–Schittkowski"
	}
	return "2 ≤ n ≤ 100 with bounds or inequalities"
}

// Case is a problem of a set with IPOPT's result on it.
type Case struct {
	Ipopt
	Path  string
	Shape nlp.Shape
	// ParseErr is set when the SIF file does not parse; the case stays in
	// the set (as a failure of every method) so counts stay comparable.
	ParseErr string
}

// isHS reports whether name is HS followed by digits (HS21, HS100LNP is not).
func isHS(name string) bool {
	if !strings.HasPrefix(name, "HS") || len(name) == 2 {
		return false
	}
	for _, c := range name[2:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Cases returns the problems of set s in ipopt.csv order, parsing each SIF
// file of dataDir/cutest/sif to classify it. Files that are absent are
// skipped; a file that does not parse stays in the set with ParseErr set.
func Cases(dataDir string, s Set) ([]Case, error) {
	rows, err := ReadIpopt(filepath.Join(dataDir, "cutest", "ipopt.csv"))
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, r := range rows {
		if s == HS && !isHS(r.Name) {
			continue
		}
		if s == BoundsOrInequalities && (r.N < 2 || r.N > 100) {
			continue
		}
		path := filepath.Join(dataDir, "cutest", "sif", r.Name+".SIF")
		if _, err := os.Stat(path); err != nil {
			continue
		}
		p, err := cutest.ParseFile(path, nil)
		if err != nil {
			out = append(out, Case{Ipopt: r, Path: path, ParseErr: err.Error()})
			continue
		}
		sh, err := nlp.Classify(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Name, err)
		}
		if s == BoundsOrInequalities && !sh.HasBounds() && sh.Inequalities+sh.Free == 0 {
			continue
		}
		out = append(out, Case{Ipopt: r, Path: path, Shape: sh})
	}
	return out, nil
}

// SolveFunc solves one problem.
type SolveFunc func(ctx context.Context, p nlp.Problem) (*nlp.Result, error)

// Record is the outcome of one solve beside IPOPT's.
type Record struct {
	Case
	Method  string
	Status  solver.Status
	Accept  bool // converged at the acceptable level only
	Iter    int
	F       float64
	InfPr   float64
	InfDu   float64
	Compl   float64
	Time    time.Duration
	Message string
	Err     string // a refusal or bad-input error
}

// Converged reports a strict convergence (tolerance met, not acceptable).
func (r Record) Converged() bool { return r.Status == solver.Converged && !r.Accept && r.Err == "" }

// RelDiff is |f − f_IPOPT| / max(1, |f_IPOPT|).
func (r Record) RelDiff() float64 {
	return math.Abs(r.F-r.Ipopt.F) / math.Max(1, math.Abs(r.Ipopt.F))
}

// AtIpoptOptimum reports whether r converged to IPOPT's objective within
// rel, or to a better point that is feasible to feasTol.
func (r Record) AtIpoptOptimum(rel, feasTol float64) bool {
	if !r.Converged() {
		return false
	}
	return r.RelDiff() <= rel || (r.F < r.Ipopt.F && r.InfPr <= feasTol)
}

// Run solves every case with solve, each under its own timeout (none when
// zero), and reports progress to w (nil for none).
func Run(ctx context.Context, cases []Case, method string, solve SolveFunc, timeout time.Duration, w io.Writer) ([]Record, error) {
	out := make([]Record, 0, len(cases))
	for i, c := range cases {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		rec := Record{Case: c, Method: method}
		if c.ParseErr != "" {
			rec.Err = c.ParseErr
			out = append(out, rec)
			continue
		}
		p, err := cutest.ParseFile(c.Path, nil)
		if err != nil {
			return out, err
		}
		cctx, cancel := ctx, context.CancelFunc(func() {})
		if timeout > 0 {
			cctx, cancel = context.WithTimeout(ctx, timeout)
		}
		t0 := time.Now()
		res, err := solve(cctx, p)
		rec.Time = time.Since(t0)
		cancel()
		if err != nil {
			rec.Err = err.Error()
			rec.Status = solver.NotTerminated
		} else {
			rec.Status, rec.Accept, rec.Iter = res.Status, res.Acceptable, res.Iterations
			rec.F, rec.InfPr, rec.InfDu, rec.Compl, rec.Message = res.F, res.InfPr, res.InfDu, res.Compl, res.Message
			if res.Status == solver.Canceled && ctx.Err() == nil {
				rec.Status = solver.MaxTime // the per-problem timeout, not the caller
			}
		}
		if w != nil {
			fmt.Fprintf(w, "\r%s %d/%d %-12s", method, i+1, len(cases), c.Name)
		}
		out = append(out, rec)
	}
	if w != nil {
		fmt.Fprintln(w)
	}
	return out, nil
}

// Summary condenses the records of one method.
type Summary struct {
	Method   string
	Problems int
	// IpoptSolved and Solved count strict convergence; Both the problems both
	// solve, Agree those of Both whose objectives agree to 1e-6 relative.
	IpoptSolved, Solved, Both, Agree int
	// AtOptimum counts the problems IPOPT solved where the method converged
	// to IPOPT's objective (1e-6) or to a better feasible point.
	AtOptimum int
	// MedianIter and MedianIpoptIter are the median iteration counts on the
	// problems both solve; MedianRatio the median of the per-problem ratios.
	MedianIter, MedianIpoptIter, MedianRatio float64
	// Statuses counts the end statuses ("refused" for refusals).
	Statuses map[string]int
	// Missed names the problems IPOPT solved that the method did not solve
	// at IPOPT's objective.
	Missed []string
	Time   time.Duration
}

// Summarize condenses records (one method).
func Summarize(recs []Record) Summary {
	s := Summary{Problems: len(recs), Statuses: map[string]int{}}
	var mine, theirs, ratio []float64
	for _, r := range recs {
		s.Method = r.Method
		s.Time += r.Time
		st := r.Status.String()
		if r.ParseErr != "" {
			st = "parse error"
		} else if r.Err != "" {
			st = "refused"
		} else if r.Accept {
			st = "Acceptable"
		}
		s.Statuses[st]++
		ip := r.Ipopt.Solved()
		if ip {
			s.IpoptSolved++
		}
		if r.Converged() {
			s.Solved++
		}
		if ip && r.AtIpoptOptimum(1e-6, 1e-6) {
			s.AtOptimum++
		} else if ip {
			s.Missed = append(s.Missed, r.Name)
		}
		if ip && r.Converged() {
			s.Both++
			if r.RelDiff() <= 1e-6 {
				s.Agree++
			}
			mine = append(mine, float64(r.Iter))
			theirs = append(theirs, float64(r.Ipopt.Iterations))
			ratio = append(ratio, float64(r.Iter)/math.Max(1, float64(r.Ipopt.Iterations)))
		}
	}
	s.MedianIter, s.MedianIpoptIter, s.MedianRatio = repro.Median(mine), repro.Median(theirs), repro.Median(ratio)
	return s
}

// Profile is a Dolan–Moré performance profile: for each solver s,
// Rho[s][k] is the fraction of problems on which s's cost is within a factor
// Tau[k] of the best solver's (a failure counts as infinite cost).
type Profile struct {
	Solvers []string
	Tau     []float64
	Rho     [][]float64
}

// PerformanceProfile computes the profile of costs[s][p] (iterations, say;
// +Inf or NaN for a failure) at the factors tau.
func PerformanceProfile(solvers []string, costs [][]float64, tau []float64) Profile {
	pr := Profile{Solvers: solvers, Tau: tau, Rho: make([][]float64, len(solvers))}
	if len(costs) == 0 {
		return pr
	}
	np := len(costs[0])
	best := make([]float64, np)
	for p := range np {
		best[p] = math.Inf(1)
		for s := range costs {
			if c := costs[s][p]; c < best[p] {
				best[p] = c
			}
		}
	}
	for s := range costs {
		pr.Rho[s] = make([]float64, len(tau))
		for k, t := range tau {
			cnt := 0
			for p := range np {
				c := costs[s][p]
				if !math.IsNaN(c) && !math.IsInf(c, 1) && !math.IsInf(best[p], 1) && c <= t*math.Max(best[p], 1) {
					cnt++
				}
			}
			if np > 0 {
				pr.Rho[s][k] = float64(cnt) / float64(np)
			}
		}
	}
	return pr
}
