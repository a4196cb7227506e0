package bilevelrepro

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/kkt-go/kkt/bilevel"
	"github.com/kkt-go/kkt/internal/atomicfile"
)

// Outcome is the result of one `kkt bilevel` run (its JSON object).
type Outcome struct {
	Problem    string   `json:"problem"`
	Method     string   `json:"method"`
	Status     string   `json:"status"`
	Error      string   `json:"error,omitempty"`
	Iterations int      `json:"iterations"`
	XError     *float64 `json:"x_error"`                 // null when the solution is unknown
	LowerError *float64 `json:"lower_error,omitempty"`   // ‖y − y*(x)‖ for the closed-form selection
	SigmaError *float64 `json:"x_sigma_error,omitempty"` // T3 penalty: ‖x − b/(2+σ)‖
	Upper      float64  `json:"upper_objective"`
	Gap        float64  `json:"lower_gap"`
	Violation  float64  `json:"violation"`
	TimeS      float64  `json:"time_s"`
	Eta        *float64 `json:"eta,omitempty"`   // LV-HBA: the steps used
	Alpha      *float64 `json:"alpha,omitempty"` //
	// data tasks (means over seeds)
	Seeds        int      `json:"seeds,omitempty"`
	TestAcc      *float64 `json:"test_accuracy,omitempty"`
	ValAcc       *float64 `json:"val_accuracy,omitempty"`
	BaselineTest *float64 `json:"baseline_test_accuracy,omitempty"`
	F1           *float64 `json:"f1,omitempty"`        // kkt's metric: flagged = weight decreased
	AUC          *float64 `json:"auc,omitempty"`       // ranking by the weight decrease
	Flagged      *float64 `json:"flagged,omitempty"`   // fraction of training samples flagged
	RandomF1     *float64 `json:"random_f1,omitempty"` // flagging the same fraction at random
	// penalty method on the data tasks: β over its bound 1/(L_G + σL_F) at
	// y*(c⁰), and the gradient-mapping estimate after the first and the
	// last outer iteration (means over seeds)
	BetaRatio *float64 `json:"beta_over_bound,omitempty"`
	Resid1    *float64 `json:"residual_first,omitempty"`
	ResidK    *float64 `json:"residual_last,omitempty"`
	Data      string   `json:"data,omitempty"`

	// OK reports success beyond the status: a budget run that reached the
	// known solution, a data task that beat its baseline.
	OK            bool             `json:"-"`
	History       []bilevel.Record `json:"-"`
	Lambda        []float64        `json:"-"` // LV-HBA's final multipliers
	BaselineTimeS float64          `json:"-"` // data tasks: time of the baseline solve
	PerSeedF1     []float64        `json:"-"` // cleaning: F1 of each seed
	PerSeedIter   []int            `json:"-"` // data tasks: outer iterations of each seed
}

// Ptr returns &v, or nil for NaN and ±Inf (JSON null).
func Ptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

var (
	// ErrUsage is wrapped by errors in the request (unknown problem or
	// method, a method that does not apply).
	ErrUsage = errors.New("bilevel: bad usage")
	// ErrFailed is wrapped when a method broke down on a data task.
	ErrFailed = errors.New("bilevel: the method failed")
)

// Config selects a run.
type Config struct {
	Problem, Method string  // t1…t5, svm, cleaning; penalty, lvhba, aid
	N               int     // size of T1, T2, T5 (0: default)
	Iters           int     // 0: the problem's default
	Seed            uint64  // random seed
	Seeds           int     // data tasks: seeds to average over (0: 5)
	DataDir         string  // KKT_DATA-style directory ("" for generated data)
	R               float64 // LV-HBA truncation radius (0: problem default)
	Sigma           float64 // penalty σ (0: default)
	Alpha           float64 // step α (0: default)
	Eta             float64 // LV-HBA inner step η on the toys (0: default)
	// Tol: penalty method on the data tasks: stop (Converged) when the
	// gradient-mapping estimate ‖x⁺ − x‖/α falls to Tol; Iters is then the
	// cap (0: 5000). 0 runs the iteration budget.
	Tol          float64
	History      bool // keep the iteration history
	HistoryEvery int  // record every HistoryEvery-th iteration
}

// IsData reports whether the problem is a data task (svm, cleaning).
func (c Config) IsData() bool { return c.Problem == "svm" || c.Problem == "cleaning" }

// Run runs c: the data tasks at their quick size (as `kkt bilevel` does),
// the toys otherwise.
func Run(ctx context.Context, c Config, progress io.Writer) (*Outcome, error) {
	if c.IsData() {
		return RunData(ctx, c, false, progress)
	}
	return RunToy(ctx, c)
}

func fill(n int, v float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func setStatus(r *bilevel.Result, err error, o *Outcome) {
	o.Status = r.Status.String()
	if err != nil {
		o.Error = err.Error()
	}
	o.Iterations = r.Iterations
	o.Upper, o.Gap, o.Violation = r.Upper, r.Gap, r.Violation
	o.XError = Ptr(r.XError)
	o.History = r.History
	o.Lambda = r.Lambda
}

// RunToy runs a method on T1–T5 with the reference scripts' parameters
// (docs/bilevel.md).
func RunToy(ctx context.Context, c Config) (*Outcome, error) {
	o := &Outcome{Problem: c.Problem, Method: c.Method}
	var tp *bilevel.TestProblem
	n := c.N
	switch c.Problem {
	case "t1", "t2":
		if n == 0 {
			n = 100
		}
		if c.Problem == "t1" {
			tp = bilevel.T1(n)
		} else {
			tp = bilevel.T2(n)
		}
	case "t3":
		if n == 0 {
			n = 10
		}
		tp = bilevel.T3(n, c.Seed)
	case "t4":
		if n == 0 {
			n = 12
		}
		tp = bilevel.T4(max(1, 5*n/12), n, c.Seed)
	case "t5":
		if n == 0 {
			n = 100
		}
		tp = bilevel.T5(n, c.Seed)
	default:
		return nil, fmt.Errorf("%w: unknown problem %q (t1…t5, svm, cleaning)", ErrUsage, c.Problem)
	}
	common := bilevel.Common{MaxIter: c.Iters, XRef: tp.XStar, History: c.History, HistoryEvery: c.HistoryEvery}
	start := time.Now()
	var r *bilevel.Result
	var rerr error
	switch c.Method {
	case "lvhba":
		s := bilevel.LVHBASettings{Common: common, R: c.R, Alpha: c.Alpha, Eta: c.Eta}
		switch c.Problem {
		case "t1": // PerryChuh/LV-HBA LV-HBA-new.py: β, γ and the start; η and α
			// follow bilevel.StepRule unless given (the script's η = 0.03,
			// α = 0.005 are stable only with the box r = 1)
			s.Beta, s.Gamma1, s.Gamma2 = 0.002, 10, 10
			s.X0, s.Y0, s.Theta0, s.Lambda0, s.Z0 = fill(n, 10), fill(2*n, 10), fill(2*n, 1), []float64{1}, []float64{1}
			if s.MaxIter == 0 {
				s.MaxIter = 50000
			}
		case "t2": // PerryChuh/BiC-GAFFA Toy/Toy_LVHBA.py, its steps included
			// (the targets are that script's iteration counts)
			if s.Alpha == 0 && s.Eta == 0 {
				s.Alpha, s.Eta = 5e-3, 3e-2
			}
			s.Beta = 2e-3
			s.Lambda0, s.Z0 = []float64{-1}, []float64{-1}
			if s.MaxIter == 0 {
				s.MaxIter = 50000
			}
		case "t5": // SUSTech LLSC parameters, c₀ raised so that y tracks y*(x)
			s.Beta, s.Gamma1, s.Gamma2, s.C0 = 0.001, 1, 1, 1e5
			if s.Alpha == 0 && s.Eta == 0 {
				s.Alpha, s.Eta = 0.02, 0.1
			}
			if s.R == 0 {
				s.R = math.Inf(1)
			}
			s.X0 = fill(n, 10)
			if s.MaxIter == 0 {
				s.MaxIter = 60000
			}
		}
		r, rerr = bilevel.LVHBA(ctx, tp.Problem, s)
	case "penalty":
		if tp.Cons != nil {
			return nil, fmt.Errorf("%w: the penalty method has no coupled lower-level constraints; %s needs lvhba", ErrUsage, c.Problem)
		}
		s := bilevel.PenaltySettings{Common: common, Sigma: c.Sigma, AlphaConst: 0.4, Inner: 50, InnerTol: 1e-15}
		s.Tol = 1e-10
		if c.Problem == "t4" {
			if s.Sigma == 0 {
				s.Sigma = 1e-7
			}
			s.Sigma0, s.SigmaDecay, s.AlphaConst, s.Inner, s.Tol = 0.1, 0.5, 0.1, 2000, 1e-9
		}
		r, rerr = bilevel.Penalty(ctx, tp.Problem, s)
		if c.Problem == "t3" {
			sig := s.Sigma
			if sig == 0 {
				sig = 1e-2
			}
			o.SigmaError = Ptr(dist(r.X, tp.T3Sigma(sig)))
		}
	case "aid":
		p := *tp.Problem
		if c.Problem == "t3" {
			p.Y = nil // the solution is interior: T3 without the box
		}
		if p.Y != nil || p.Cons != nil {
			return nil, fmt.Errorf("%w: aid needs an unconstrained lower level (t3)", ErrUsage)
		}
		common.Tol = 1e-10
		r, rerr = bilevel.AID(ctx, &p, bilevel.AIDSettings{Common: common, Alpha: 0.4})
	default:
		return nil, fmt.Errorf("%w: unknown method %q (penalty, lvhba, aid)", ErrUsage, c.Method)
	}
	o.TimeS = time.Since(start).Seconds()
	setStatus(r, rerr, o)
	if c.Method == "lvhba" {
		o.Eta, o.Alpha = Ptr(r.Eta), Ptr(r.Alpha)
	}
	if tp.LowerSolution != nil && r.X != nil && o.LowerError == nil {
		ys := make([]float64, tp.M)
		tp.LowerSolution(ys, r.X)
		o.LowerError = Ptr(dist(r.Y, ys))
	}
	// Budget runs (no tolerance) count as solved when the known solution is
	// reached to 1e-6 (relative), or, without one, when the lower level is
	// solved to 1e-6.
	o.OK = r.Status == bilevel.Converged
	if r.Status == bilevel.MaxIterations {
		if o.XError != nil {
			o.OK = *o.XError <= 1e-6
		} else if o.LowerError != nil {
			o.OK = *o.LowerError <= 1e-6
		}
	}
	return o, nil
}

func dist(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

// WriteHistory writes h to dir/history.csv (creating dir).
func WriteHistory(dir string, h []bilevel.Record) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, "history.csv"), func(w io.Writer) error {
		fmt.Fprintln(w, "iter,time_s,upper,gap,violation,x_error,residual,sigma")
		for _, r := range h {
			if _, err := fmt.Fprintf(w, "%d,%g,%g,%g,%g,%g,%g,%g\n", r.Iter, r.Time, r.Upper, r.Gap, r.Violation, r.XError, r.Residual, r.Sigma); err != nil {
				return err
			}
		}
		return nil
	})
}
