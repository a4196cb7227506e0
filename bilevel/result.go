package bilevel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/kkt-go/kkt/bilevel/proj"
	"github.com/kkt-go/kkt/solver"
)

// Status reports how a run ended: the shared solver.Status. Its zero value
// is NotTerminated, so a Result whose Status was never set does not read as
// a success.
type Status = solver.Status

// The statuses AID, LVHBA and Penalty return (solver.Status values).
const (
	// NotTerminated: the zero value; no method returns it.
	NotTerminated = solver.NotTerminated
	// Converged: the method's stopping rule (Common.Tol) was met.
	Converged = solver.Converged
	// MaxIterations: the iteration budget ran out first.
	MaxIterations = solver.MaxIterations
	// NumericalFailure: an oracle or an iterate produced NaN or Inf.
	NumericalFailure = solver.NumericalFailure
	// Canceled: the context was canceled or the Recorder returned false.
	Canceled = solver.Canceled
	// Breakdown: a projection failed (empty set, degenerate constraints) or a
	// linear solve broke down (CG on an indefinite lower Hessian in AID);
	// the returned error says why.
	Breakdown = solver.Breakdown
	// NotApplicable: the method does not apply to the problem (AID on a
	// constrained lower level); the returned error wraps ErrUnsupported.
	NotApplicable = solver.NotApplicable
	// Failure is the former name of Breakdown, kept so that code written
	// against bilevel's own Status still compiles. It is Breakdown: its
	// String is "Breakdown".
	Failure = Breakdown
)

// Record is one entry of the per-iteration history.
type Record struct {
	Iter int
	// Upper is F(x, y) at the current iterate.
	Upper float64
	// Gap is the method's lower-level optimality gap: G(x, y) − G(x, z) for
	// the penalty methods, G(x, y) − v̂_γ for LV-HBA, ‖∇_y G(x, y)‖ for AID.
	Gap float64
	// Violation is ‖max(g(x, y), 0)‖₂ (‖g(x, y)‖₂ for equalities), 0 without
	// constraints.
	Violation float64
	// XError is ‖x − XRef‖/‖XRef‖ when Common.XRef is set, NaN otherwise.
	XError float64
	// Residual is the method's stationarity residual (see each method).
	Residual float64
	// Sigma is the current penalty parameter (penalty methods), or c_k (LV-HBA).
	Sigma float64
	// Time is the wall time since the start, in seconds.
	Time float64
}

// Result is the outcome of a run.
type Result struct {
	X, Y []float64
	// Z is the auxiliary variable: the lower-level solution estimate z of the
	// penalty methods, the multiplier anchor z of LV-HBA.
	Z []float64
	// Theta and Lambda are LV-HBA's inner proximal-Lagrangian iterates.
	Theta, Lambda []float64
	Status        Status
	// err is the cause of a failed run, returned by the method.
	err error
	// Stats: Iterations is the number of outer iterations, Time the wall
	// time of the run.
	solver.Stats
	// Oracle counts gradient (and Hessian-vector) oracle calls.
	Oracle int
	// Eta and Alpha are the steps LVHBA used (after its defaults rule).
	Eta, Alpha float64
	// Final values, as in Record.
	Upper, Gap, Violation, Residual, XError float64
	History                                 []Record
}

// Common holds the settings shared by every method. The zero value means:
// MaxIter 10000, Tol 0 (run the whole budget), no history, no recorder.
type Common struct {
	// MaxIter bounds the outer iterations (default 10000).
	MaxIter int
	// Tol stops the run with Converged when the method's residual (see
	// the method) falls to Tol or below; 0 disables the test.
	Tol float64
	// X0, Y0 are the starting point (zero when nil); they are copied and
	// projected onto the feasible set.
	X0, Y0 []float64
	// XRef, when set, is a reference solution for Record.XError.
	XRef []float64
	// History records every HistoryEvery-th iteration (default 1) in
	// Result.History, and the last one.
	History      bool
	HistoryEvery int
	// Recorder, if set, gets every HistoryEvery-th record; returning false
	// stops the run with Canceled.
	Recorder solver.Recorder[Record]
}

func (c *Common) maxIter() int {
	if c.MaxIter <= 0 {
		return 10000
	}
	return c.MaxIter
}

// tracker implements history, recorder, cancellation and final values.
type tracker struct {
	c     *Common
	ctx   context.Context
	start time.Time
	every int
	res   *Result
	// eval fills the problem-specific fields of a record at the current iterate.
	eval func(r *Record)
}

func newTracker(ctx context.Context, c *Common, res *Result, eval func(*Record)) *tracker {
	e := c.HistoryEvery
	if e <= 0 {
		e = 1
	}
	return &tracker{c: c, ctx: ctx, start: time.Now(), every: e, res: res, eval: eval}
}

func (t *tracker) record(k int, x []float64, resid, sigma float64) Record {
	r := Record{Iter: k, Residual: resid, Sigma: sigma, XError: math.NaN(), Time: time.Since(t.start).Seconds()}
	t.eval(&r)
	if t.c.XRef != nil {
		r.XError = relErr(x, t.c.XRef)
	}
	return r
}

// step is called after iteration k; it returns false when the run must stop
// (canceled). last forces a record.
func (t *tracker) step(k int, x []float64, resid, sigma float64, last bool) bool {
	if err := t.ctx.Err(); err != nil {
		t.res.Status, t.res.err = Canceled, err
		return false
	}
	if !(t.c.History || t.c.Recorder != nil) || (k%t.every != 0 && !last) {
		return true
	}
	r := t.record(k, x, resid, sigma)
	if t.c.History {
		t.res.History = append(t.res.History, r)
	}
	if t.c.Recorder != nil && !t.c.Recorder(r) {
		t.res.Status = Canceled
		return false
	}
	return true
}

// finish fills the final values of the result.
func (t *tracker) finish(k int, x []float64, resid, sigma float64) {
	r := t.record(k, x, resid, sigma)
	t.res.Iterations = k
	t.res.Time = time.Since(t.start)
	t.res.Upper, t.res.Gap, t.res.Violation, t.res.Residual, t.res.XError = r.Upper, r.Gap, r.Violation, r.Residual, r.XError
	if t.c.History && (len(t.res.History) == 0 || t.res.History[len(t.res.History)-1].Iter != k) {
		t.res.History = append(t.res.History, r)
	}
}

func relErr(x, ref []float64) float64 {
	var d, n float64
	for i := range x {
		d += (x[i] - ref[i]) * (x[i] - ref[i])
		n += ref[i] * ref[i]
	}
	if n == 0 {
		return math.Sqrt(d)
	}
	return math.Sqrt(d / n)
}

func initVec(dst, src []float64, name string) {
	if src == nil {
		clear(dst)
		return
	}
	if len(src) != len(dst) {
		panic(fmt.Sprintf("bilevel: %s has length %d, want %d", name, len(src), len(dst)))
	}
	copy(dst, src)
}

// violation returns ‖max(g, 0)‖ (or ‖g‖ for equalities).
func violation(g []float64, eq bool) float64 {
	var s float64
	for _, v := range g {
		if !eq {
			v = max(v, 0)
		}
		s += v * v
	}
	return math.Sqrt(s)
}

// failure sets the status and error of res for err: NumericalFailure for NaN
// or Inf, Breakdown otherwise.
func (res *Result) failure(err error, k int) {
	res.Status, res.err, res.Iterations = Breakdown, err, k
	if errors.Is(err, ErrNaN) || errors.Is(err, proj.ErrNaN) {
		res.Status = NumericalFailure
	}
}
