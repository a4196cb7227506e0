package auglag

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/nlp"
	sol "github.com/kkt-go/kkt/solver"
)

// The per-run limits of TestNothingIsDroppedFull. Iteration caps are the
// methods' own (or below them); the deadline bounds the wall time of one
// run, checked by each method once per iteration (a factorization or a CG
// solve in progress is not interrupted).
const (
	fullDeadline   = 2 * time.Second
	fullIPMIter    = 1000
	fullALMIter    = 100
	fullALMInner   = 1000
	fullSolveIter  = 500
	fullSolveInner = 20000
)

// fullMethods are the methods of TestNothingIsDroppedFull: the interior
// point of package nlp, SolveNLP, and every Method of Solve.
func fullMethods() []string {
	ms := []string{"ipm", "auglag"}
	for m := AdaSketchGV; m <= ALM; m++ {
		ms = append(ms, m.String())
	}
	return ms
}

// ndRun is the outcome of one method on one problem.
type ndRun struct {
	File            string // SIF file name
	Problem, Method string
	N, M            int
	Outcome         string // refused, converged, violation, not-converged, error, panic
	Status          sol.Status
	Acceptable      bool    // ipm: Converged by the acceptable-level test
	Viol            float64 // largest bound or constraint violation at the final point (Converged runs)
	Deadline        bool    // the run's context had expired when it returned
	Dur             time.Duration
	Detail          string
}

// TestNothingIsDroppedFull is the full form of TestNothingIsDropped: every
// SIF file of the shared folder, at its default parameters, through the
// interior-point method (nlp.Solve), SolveNLP and every Method of Solve,
// each run under a deadline of 2 s (KKT_NODROP_DEADLINE=10s changes it) and
// an iteration cap, on a pool of GOMAXPROCS workers (one problem per worker
// at a time). It runs only with KKT_NODROP_FULL=1 (minutes);
// KKT_NODROP_OUT=FILE.csv writes one row per run as each problem finishes,
// and with KKT_NODROP_RESUME=1 a later run reads that file and runs only
// the files it does not list; KKT_NODROP_ONLY=NAME1,NAME2 restricts the
// files. A file the SIF interpreter refuses (cutest's default MemoryBudget
// of 1 GiB included) is listed as skipped.
//
// Each run must either refuse the problem with an error wrapping
// nlp.ErrUnsupported (Solve's methods must refuse every problem with a
// bound or an inequality, and only those) or, when it reports Converged,
// stand at a point within the method's documented feasibility tolerance
// (ipmAllowance, almAllowance, 1e-4 on |c − cl| for Solve). No method may
// panic or return any other error. The deadline is checked once per
// iteration: a run overshoots it by the iteration in progress, and a run
// whose last iteration outlasted it ends with that iteration's status
// (TestDeadlineCancels checks that the deadline itself ends a run with
// Canceled).
func TestNothingIsDroppedFull(t *testing.T) {
	if os.Getenv("KKT_NODROP_FULL") == "" {
		t.Skip("set KKT_NODROP_FULL=1 to run every SIF file through every method (minutes)")
	}
	dir := kktdata.Require(t, "cutest/sif")
	files, _ := filepath.Glob(filepath.Join(dir, "*.SIF"))
	sort.Strings(files)
	if len(files) == 0 {
		t.Fatal("no SIF files")
	}
	deadline := fullDeadline
	if v := os.Getenv("KKT_NODROP_DEADLINE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("KKT_NODROP_DEADLINE: %v", err)
		}
		deadline = d
	}
	if v := os.Getenv("KKT_NODROP_ONLY"); v != "" {
		var keep []string
		for _, f := range files {
			if slices.Contains(strings.Split(v, ","), strings.TrimSuffix(filepath.Base(f), ".SIF")) {
				keep = append(keep, f)
			}
		}
		files = keep
	}
	// Rows are written to KKT_NODROP_OUT as each problem finishes;
	// KKT_NODROP_RESUME=1 reads the rows of an earlier, interrupted run
	// from that file and runs only the files it does not list.
	var (
		mu      sync.Mutex
		runs    []ndRun
		skipped []string
		done    int
		out     *csv.Writer
	)
	if o := os.Getenv("KKT_NODROP_OUT"); o != "" {
		flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
		if os.Getenv("KKT_NODROP_RESUME") != "" {
			prev, err := readNodropCSV(o)
			if err != nil && !os.IsNotExist(err) {
				t.Fatalf("KKT_NODROP_RESUME: %v", err)
			}
			seen := map[string]bool{}
			for _, r := range prev {
				seen[r.File] = true
				if r.Outcome == "skipped" {
					skipped = append(skipped, r.File+" ("+r.Detail+")")
					continue
				}
				runs = append(runs, r)
			}
			var keep []string
			for _, f := range files {
				if !seen[filepath.Base(f)] {
					keep = append(keep, f)
				}
			}
			t.Logf("resuming: %d files done, %d to run", len(seen), len(keep))
			files = keep
			flag = os.O_CREATE | os.O_WRONLY | os.O_APPEND
			if len(prev) == 0 {
				flag |= os.O_TRUNC
			}
		}
		fo, err := os.OpenFile(o, flag, 0o644)
		if err != nil {
			t.Fatalf("KKT_NODROP_OUT: %v", err)
		}
		defer fo.Close()
		out = csv.NewWriter(fo)
		if fi, err := fo.Stat(); err == nil && fi.Size() == 0 {
			out.Write(nodropHeader)
		}
	}
	nfiles := len(files)
	t0 := time.Now()
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for file := range jobs {
				rs, skip := nodropProblem(file, deadline)
				mu.Lock()
				runs = append(runs, rs...)
				if skip != "" {
					skipped = append(skipped, filepath.Base(file)+" ("+skip+")")
				}
				if out != nil {
					if skip != "" {
						out.Write(nodropRow(ndRun{File: filepath.Base(file), Outcome: "skipped", Detail: skip}))
					}
					for _, r := range rs {
						out.Write(nodropRow(r))
					}
					out.Flush()
				}
				done++
				if testing.Verbose() {
					var slow []string
					for _, r := range rs {
						if r.Dur > deadline {
							slow = append(slow, fmt.Sprintf("%s %v", r.Method, r.Dur.Round(time.Millisecond)))
						}
					}
					t.Logf("%d/%d %s %v %s", done, nfiles, filepath.Base(file), time.Since(t0).Round(time.Second), strings.Join(slow, ", "))
				}
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	total := time.Since(t0)

	sort.Slice(runs, func(i, j int) bool {
		if runs[i].Problem != runs[j].Problem {
			return runs[i].Problem < runs[j].Problem
		}
		return runs[i].Method < runs[j].Method
	})
	sort.Strings(skipped)
	if out != nil {
		if err := out.Error(); err != nil {
			t.Errorf("KKT_NODROP_OUT: %v", err)
		}
	}
	// The table: outcomes per method.
	outcomes := []string{"refused", "converged", "not-converged", "violation", "error", "panic"}
	count := map[string]map[string]int{}
	byStatus := map[string]map[sol.Status]int{}
	deadlineStatus := map[sol.Status]int{}
	var acceptable, acceptableLoose int
	var slowest ndRun
	for _, r := range runs {
		if count[r.Method] == nil {
			count[r.Method] = map[string]int{}
			byStatus[r.Method] = map[sol.Status]int{}
		}
		count[r.Method][r.Outcome]++
		if r.Outcome == "not-converged" {
			byStatus[r.Method][r.Status]++
		}
		if r.Deadline {
			deadlineStatus[r.Status]++
		}
		if r.Acceptable {
			acceptable++
			if r.Viol > 1e-4 {
				acceptableLoose++
			}
		}
		if r.Dur > slowest.Dur {
			slowest = r
		}
		switch r.Outcome {
		case "violation", "error", "panic":
			t.Errorf("%s %s: %s", r.Problem, r.Method, r.Detail)
		}
	}
	var b strings.Builder
	problems := map[string]bool{}
	for _, r := range runs {
		problems[r.File] = true
	}
	fmt.Fprintf(&b, "%d SIF files run, %d skipped by the interpreter, %d runs, %d workers, deadline %v per run, total %v (this process: %d files)\n",
		len(problems), len(skipped), len(runs), workers, deadline, total.Round(time.Second), nfiles)
	fmt.Fprintf(&b, "%-15s", "method")
	for _, o := range outcomes {
		fmt.Fprintf(&b, " %13s", o)
	}
	b.WriteString("  not converged by status\n")
	for _, m := range fullMethods() {
		fmt.Fprintf(&b, "%-15s", m)
		for _, o := range outcomes {
			fmt.Fprintf(&b, " %13d", count[m][o])
		}
		b.WriteString("  " + statusCounts(byStatus[m]) + "\n")
	}
	fmt.Fprintf(&b, "runs ended with an expired deadline, by status: %s\n", statusCounts(deadlineStatus))
	fmt.Fprintf(&b, "ipm Converged at the acceptable level: %d (%d with a violation above 1e-4)\n", acceptable, acceptableLoose)
	fmt.Fprintf(&b, "slowest run: %s %s %v (%v)\n", slowest.Problem, slowest.Method, slowest.Dur.Round(time.Millisecond), slowest.Status)
	fmt.Fprintf(&b, "skipped: %s\n", strings.Join(skipped, "; "))
	t.Log("\n" + b.String())
	// A run whose deadline expired during its last iteration may end with
	// that iteration's status (a failed line search, a cap reached); only a
	// Converged run would matter here, and it was checked like every other.
	// TestDeadlineCancels checks that the deadline itself ends a run with
	// Canceled.
}

func statusCounts(m map[sol.Status]int) string {
	var keys []sol.Status
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%v %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

var nodropHeader = []string{"file", "problem", "method", "n", "m", "outcome", "status", "acceptable", "violation", "deadline", "seconds", "detail"}

func nodropRow(r ndRun) []string {
	return []string{r.File, r.Problem, r.Method, strconv.Itoa(r.N), strconv.Itoa(r.M), r.Outcome, r.Status.String(),
		strconv.FormatBool(r.Acceptable), strconv.FormatFloat(r.Viol, 'g', 4, 64), strconv.FormatBool(r.Deadline),
		strconv.FormatFloat(r.Dur.Seconds(), 'f', 3, 64), r.Detail}
}

// readNodropCSV reads the rows written by nodropRow.
func readNodropCSV(path string) ([]ndRun, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var runs []ndRun
	for i, row := range rows {
		if i == 0 && len(row) > 0 && row[0] == nodropHeader[0] {
			continue
		}
		if len(row) != len(nodropHeader) {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d", path, i+1, len(row), len(nodropHeader))
		}
		r := ndRun{File: row[0], Problem: row[1], Method: row[2], Outcome: row[5], Detail: row[11]}
		var errs []error
		var e error
		r.N, e = strconv.Atoi(row[3])
		errs = append(errs, e)
		r.M, e = strconv.Atoi(row[4])
		errs = append(errs, e)
		errs = append(errs, r.Status.UnmarshalText([]byte(row[6])))
		r.Acceptable, e = strconv.ParseBool(row[7])
		errs = append(errs, e)
		r.Viol, e = strconv.ParseFloat(row[8], 64)
		errs = append(errs, e)
		r.Deadline, e = strconv.ParseBool(row[9])
		errs = append(errs, e)
		sec, e := strconv.ParseFloat(row[10], 64)
		errs = append(errs, e)
		r.Dur = time.Duration(sec * float64(time.Second))
		if err := errors.Join(errs...); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// nodropProblem runs every method on the SIF file; skip is non-empty (the
// reason) when the interpreter refuses it.
func nodropProblem(file string, deadline time.Duration) (runs []ndRun, skip string) {
	p, err := cutest.ParseFile(file, nil)
	if err != nil {
		return nil, err.Error()
	}
	name := p.Name()
	base := filepath.Base(file)
	shape, err := nlp.Classify(p)
	if err != nil {
		return []ndRun{{File: base, Problem: name, Method: "classify", Outcome: "error", Detail: err.Error()}}, ""
	}
	for _, method := range fullMethods() {
		r := ndRun{File: base, Problem: name, Method: method, N: p.N(), M: p.M()}
		func() {
			defer func() {
				if e := recover(); e != nil {
					r.Outcome, r.Detail = "panic", fmt.Sprintf("panic: %v\n%s", e, debug.Stack())
				}
			}()
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			var (
				x       []float64
				err     error
				eqOnly  bool // a method of Solve
				allowed func(kind byte, i int, b float64) float64
			)
			switch method {
			case "ipm":
				var res *nlp.Result
				res, err = nlp.Solve(ctx, p, nlp.Settings{MaxIter: fullIPMIter})
				if res != nil {
					x, r.Status, r.Acceptable = res.X, res.Status, res.Acceptable && res.Status == sol.Converged
					allowed = ipmAllowance(r.Acceptable)
				}
			case "auglag":
				var res *nlp.Result
				res, err = SolveNLP(ctx, p, NLPSettings{MaxIter: fullALMIter, MaxInner: fullALMInner})
				if res != nil {
					x, r.Status = res.X, res.Status
					allowed = almAllowance(p)
				}
			default:
				eqOnly = true
				m, perr := ParseMethod(method)
				if perr != nil {
					panic(perr)
				}
				var res *Result
				res, err = Solve(ctx, p, Settings{Method: m, MaxIter: fullSolveIter, MaxInner: fullSolveInner})
				if res != nil {
					x, r.Status = res.X, res.Status
					// ‖(∇ₓL, c − cl)‖₂ ≤ Tol = 1e-4 bounds every |cⱼ − clⱼ|.
					allowed = func(kind byte, _ int, _ float64) float64 {
						if kind == 'x' {
							return 0
						}
						return 1e-4
					}
				}
			}
			r.Dur = time.Since(start)
			r.Deadline = ctx.Err() != nil
			switch {
			case errors.Is(err, nlp.ErrUnsupported):
				r.Outcome = "refused"
				if eqOnly && shape.EqualityOnly() {
					r.Outcome, r.Detail = "error", fmt.Sprintf("refused an equality-only problem: %v", err)
				}
				if !eqOnly {
					r.Detail = err.Error()
				}
				return
			case err != nil:
				r.Outcome, r.Detail = "error", err.Error()
				return
			}
			if eqOnly && !shape.EqualityOnly() {
				r.Outcome, r.Detail = "error", fmt.Sprintf("ran a problem with %d bounds and %d inequalities (%v) instead of refusing it",
					shape.LowerBounds+shape.UpperBounds, shape.Inequalities+shape.Free, r.Status)
				return
			}
			if r.Status != sol.Converged {
				r.Outcome = "not-converged"
				return
			}
			r.Outcome = "converged"
			var ok bool
			r.Viol, ok, r.Detail = nodropFeasible(p, x, allowed)
			if !ok {
				r.Outcome = "violation"
				if r.Acceptable {
					r.Detail += " (acceptable level)"
				}
			}
		}()
		runs = append(runs, r)
	}
	return runs, ""
}

// nodropFeasible checks x against the bounds and constraints of p: the
// violation of bound i (kind 'x') or constraint j (kind 'c') at bound value
// b may be at most allowed(kind, i, b), plus the rounding 4ε(|v| + |b|) of
// comparing v with b. It returns the largest violation (absolute) and, when
// one exceeds its allowance, false and a description.
func nodropFeasible(p nlp.Problem, x []float64, allowed func(kind byte, i int, b float64) float64) (worst float64, ok bool, detail string) {
	const eps = 0x1p-52
	xl, xu, cl, cu := p.XL(), p.XU(), p.CL(), p.CU()
	if len(x) != p.N() {
		return math.Inf(1), false, fmt.Sprintf("Converged with len(x) = %d, want %d", len(x), p.N())
	}
	ok = true
	test := func(kind byte, i int, v, l, u float64) {
		for _, side := range [2]struct {
			viol, b float64
			name    string
		}{{l - v, l, "lower"}, {v - u, u, "upper"}} {
			if math.IsInf(side.b, 0) {
				continue
			}
			if math.IsNaN(v) {
				side.viol = math.Inf(1)
			}
			worst = math.Max(worst, side.viol)
			lim := allowed(kind, i, side.b) + 4*eps*(math.Abs(v)+math.Abs(side.b))
			if ok && !(side.viol <= lim) {
				ok = false
				what := "x"
				if kind == 'c' {
					what = "c"
				}
				detail = fmt.Sprintf("Converged with %s[%d] = %.17g beyond its %s bound %.17g by %.6g (allowed %.6g); bounds [%g, %g]",
					what, i, v, side.name, side.b, side.viol, lim, l, u)
			}
		}
	}
	for i, v := range x {
		test('x', i, v, xl[i], xu[i])
	}
	if m := p.M(); m > 0 {
		c := make([]float64, m)
		p.Constraints(c, x)
		for j, v := range c {
			test('c', j, v, cl[j], cu[j])
		}
	}
	return worst, ok, detail
}

// ipmAllowance is the feasibility the interior-point method documents at
// Converged (nlp.Settings defaults): every finite bound b is relaxed by
// r(b) = min(ConstrViolTol, BoundRelaxFactor·max(1, |b|)) = min(1e-4,
// 1e-8·max(1, |b|)) (fixed variables are not relaxed) and the iterates stay
// inside the relaxed variable bounds; the unscaled constraint violation
// with respect to the relaxed constraint bounds is at most ConstrViolTol =
// 1e-4, or 1e-2 when the run stopped at the acceptable level.
func ipmAllowance(acceptable bool) func(kind byte, i int, b float64) float64 {
	cv := 1e-4
	if acceptable {
		cv = 1e-2
	}
	relax := func(b float64) float64 { return math.Min(1e-4, 1e-8*math.Max(1, math.Abs(b))) }
	return func(kind byte, _ int, b float64) float64 {
		if kind == 'x' {
			return relax(b) // a fixed variable is held at its value: 0 ≤ r(b)
		}
		return cv + relax(b)
	}
}

// almAllowance is the feasibility SolveNLP documents at Converged: bounds
// hold exactly, and Tol = 1e-8 bounds the scaled violation sⱼ·viol(cⱼ) with
// sⱼ = max(1e-8, min(1, 100/‖∇cⱼ(x₀)‖∞)) at the start point projected onto
// the bounds (the package's gradient-based scaling).
func almAllowance(p *cutest.Problem) func(kind byte, i int, b float64) float64 {
	m := p.M()
	inv := make([]float64, m) // 1/sⱼ
	if m > 0 {
		x0 := p.X0()
		xl, xu := p.XL(), p.XU()
		for i := range x0 {
			x0[i] = math.Min(math.Max(x0[i], xl[i]), xu[i])
		}
		raw := p.Jacobian(x0).RawMatrix()
		for j := range inv {
			var rm float64
			for k := raw.Indptr[j]; k < raw.Indptr[j+1]; k++ {
				rm = math.Max(rm, math.Abs(raw.Data[k]))
			}
			inv[j] = 1 / math.Max(1e-8, math.Min(1, 100/rm))
		}
	}
	return func(kind byte, j int, _ float64) float64 {
		if kind == 'x' {
			return 0
		}
		return 1e-8 * inv[j]
	}
}

// TestDeadlineCancels checks that a context deadline ends every method with
// Canceled, never Converged: once with a deadline that has already passed,
// and once with a deadline that expires during the run (the Recorder waits
// for it after the first iteration).
func TestDeadlineCancels(t *testing.T) {
	dir := kktdata.Require(t, "cutest/sif")
	load := func(name string) *cutest.Problem {
		p, err := cutest.ParseFile(filepath.Join(dir, name+".SIF"), nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	bounded, eq := load("HS71"), load("BT2")
	for _, method := range fullMethods() {
		for _, during := range []bool{false, true} {
			var (
				ctx    context.Context
				cancel context.CancelFunc
			)
			if during {
				ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
			} else {
				ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			}
			wait := func() { <-ctx.Done() }
			var st sol.Status
			var err error
			switch method {
			case "ipm":
				var res *nlp.Result
				res, err = nlp.Solve(ctx, bounded, nlp.Settings{Recorder: func(nlp.Iteration) bool { wait(); return true }})
				if err == nil {
					st = res.Status
				}
			case "auglag":
				var res *nlp.Result
				res, err = SolveNLP(ctx, bounded, NLPSettings{Recorder: func(NLPIteration) bool { wait(); return true }})
				if err == nil {
					st = res.Status
				}
			default:
				m, _ := ParseMethod(method)
				var res *Result
				res, err = Solve(ctx, eq, Settings{Method: m, Recorder: func(Iteration) bool { wait(); return true }})
				if err == nil {
					st = res.Status
				}
			}
			cancel()
			switch {
			case err != nil:
				t.Errorf("%s (deadline during the run: %v): %v", method, during, err)
			case during && st == sol.NotApplicable && (method == "newton-schur" || method == "newton-pminres"):
				// BT2's Hessian is not diagonal: these stop in the
				// first iteration, at the start point, without Converged.
			case st != sol.Canceled:
				t.Errorf("%s (deadline during the run: %v): Status %v, want Canceled", method, during, st)
			}
		}
	}
}
