package nlp_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/nlp"
	"github.com/kkt-go/kkt/solver"
)

// TestIPMNothingIsDropped runs Solve on the problems of the shared SIF
// folder with n ≤ 12 whose file has at most 4 kB (with -short: n ≤ 6 and
// 3 kB), each with at most 200 iterations and a 2 s deadline. A run that
// reports Converged must stand at a point within the feasibility that
// Solve documents (ipmFeasible); Solve must not refuse any of them. The
// test of every file through every method, the interior point included, is
// auglag's TestNothingIsDroppedFull (KKT_NODROP_FULL=1).
func TestIPMNothingIsDropped(t *testing.T) {
	dir := kktdata.Require(t, "cutest/sif")
	files, _ := filepath.Glob(filepath.Join(dir, "*.SIF"))
	sort.Strings(files)
	maxN, maxBytes := 12, int64(4000)
	if testing.Short() {
		maxN, maxBytes = 6, 3000
	}
	var problems, converged int
	status := map[solver.Status]int{}
	for _, file := range files {
		if fi, err := os.Stat(file); err != nil || fi.Size() > maxBytes {
			continue
		}
		p, err := cutest.ParseFile(file, nil)
		if err != nil || p.N() > maxN || p.M() > 2*maxN {
			continue
		}
		problems++
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		res, err := nlp.Solve(ctx, p, nlp.Settings{MaxIter: 200})
		cancel()
		if err != nil {
			t.Errorf("%s: %v", p.Name(), err)
			continue
		}
		status[res.Status]++
		if res.Status != solver.Converged {
			continue
		}
		converged++
		msg := ipmFeasible(p, res)
		switch {
		case knownIPMViolations[p.Name()] && msg != "":
			t.Logf("%s: known violation (knownIPMViolations): %s", p.Name(), msg)
		case knownIPMViolations[p.Name()]:
			t.Logf("%s: no longer violates its bounds: remove it from knownIPMViolations", p.Name())
		case msg != "":
			t.Errorf("%s: %s", p.Name(), msg)
		}
	}
	t.Logf("%d problems with n ≤ %d: %d converged and checked feasible; statuses %v", problems, maxN, converged, status)
	if problems == 0 {
		t.Fatal("no problems found")
	}
}

// knownIPMViolations lists the problems on which Solve is known to report
// Converged at a point outside the feasibility it documents; they are
// logged, not failed, so that the list is the record of what is open. The
// full check (auglag's TestNothingIsDroppedFull) fails on them. Empty: the
// last entries (DIAGIQE, DIAGIQT, whose slack moves had pushed x 1.0e-4
// above the bound 1e6) ended when the final point was clipped to the
// relaxed bounds.
var knownIPMViolations = map[string]bool{}

// ipmFeasible returns "" when the final point of a Converged run is within
// what Solve documents at its default Settings: every finite bound b is
// relaxed by r(b) = min(ConstrViolTol, BoundRelaxFactor·max(1, |b|)) =
// min(1e-4, 1e-8·max(1, |b|)) and the iterates stay inside the relaxed
// variable bounds (a fixed variable is held at its value); the unscaled
// violation of cl ≤ c(x) ≤ cu with respect to the relaxed bounds is at
// most ConstrViolTol = 1e-4, or 1e-2 when Result.Acceptable (IPOPT's
// acceptable_constr_viol_tol). 4ε(|v| + |b|) allows for rounding.
func ipmFeasible(p nlp.Problem, res *nlp.Result) string {
	const eps = 0x1p-52
	cv := 1e-4
	if res.Acceptable {
		cv = 1e-2
	}
	relax := func(b float64) float64 { return math.Min(1e-4, 1e-8*math.Max(1, math.Abs(b))) }
	check := func(what string, i int, v, l, u, tol float64) string {
		for _, s := range [2]struct{ viol, b float64 }{{l - v, l}, {v - u, u}} {
			if math.IsInf(s.b, 0) {
				continue
			}
			lim := tol + relax(s.b) + 4*eps*(math.Abs(v)+math.Abs(s.b))
			if !(s.viol <= lim) {
				return fmt.Sprintf("Converged (acceptable: %v) with %s[%d] = %.17g outside [%g, %g] by %.6g (allowed %.6g)",
					res.Acceptable, what, i, v, l, u, s.viol, lim)
			}
		}
		return ""
	}
	x := res.X
	if len(x) != p.N() {
		return fmt.Sprintf("Converged with len(X) = %d, want %d", len(x), p.N())
	}
	xl, xu, cl, cu := p.XL(), p.XU(), p.CL(), p.CU()
	for i, v := range x {
		if msg := check("x", i, v, xl[i], xu[i], 0); msg != "" {
			return msg
		}
	}
	if m := p.M(); m > 0 {
		c := make([]float64, m)
		p.Constraints(c, x)
		for j, v := range c {
			if msg := check("c", j, v, cl[j], cu[j], cv); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// TestIPMDeadline checks that a context deadline ends Solve with Canceled:
// one already passed, and one that expires during the run (the Recorder
// waits for it).
func TestIPMDeadline(t *testing.T) {
	dir := kktdata.Require(t, "cutest/sif")
	p, err := cutest.ParseFile(filepath.Join(dir, "HS71.SIF"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{-time.Second, 20 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		res, err := nlp.Solve(ctx, p, nlp.Settings{Recorder: func(nlp.Iteration) bool { <-ctx.Done(); return true }})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != solver.Canceled {
			t.Errorf("deadline %v: Status %v, want Canceled", d, res.Status)
		}
	}
}
