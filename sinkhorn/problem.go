package sinkhorn

import (
	"errors"
	"fmt"
	"math"

	"github.com/kkt-go/kkt/solver"
	"gonum.org/v1/gonum/mat"
)

// Status reports how a solve ended: the shared solver.Status. Its zero value
// is NotTerminated, so a Result whose Status was never set does not read as
// a success.
type Status = solver.Status

// The statuses Sinkhorn and SNS return (solver.Status values).
const (
	// NotTerminated: the zero value; no solve returns it.
	NotTerminated = solver.NotTerminated
	// Converged: the marginal error fell to Settings.Tol.
	Converged = solver.Converged
	// MaxIterations: the iteration limit was reached first.
	MaxIterations = solver.MaxIterations
	// Stagnated: the Newton line search found no acceptable step (the error
	// is at the rounding level of f, or the sparsified direction is useless).
	Stagnated = solver.Stagnated
	// NumericalFailure: a NaN or Inf appeared (for example an underflowing
	// kernel in the scaling domain); use the log domain.
	NumericalFailure = solver.NumericalFailure
	// Canceled: the context was canceled or the Recorder asked to stop.
	Canceled = solver.Canceled
)

// Domain selects how Sinkhorn iterations are computed.
type Domain int

const (
	// Auto uses the scaling domain when η·(max C − min C) ≤ 50, where the
	// kernel exp(−ηC) cannot underflow, and the log domain otherwise; if the
	// scaling iteration fails numerically it restarts in the log domain.
	Auto Domain = iota
	// Log computes every update with a log-sum-exp over the potentials: no
	// kernel is formed and nothing underflows harmfully at any η.
	Log
	// Scaling is the classical Sinkhorn–Knopp iteration u = a/(Kv),
	// v = b/(Kᵀu) on K = exp(−ηC): two matrix–vector products per
	// iteration and no exponentials, but it fails (NumericalFailure) once
	// exp(−ηC) underflows.
	Scaling
)

func (d Domain) String() string {
	switch d {
	case Auto:
		return "auto"
	case Log:
		return "log"
	case Scaling:
		return "scaling"
	}
	return fmt.Sprintf("Domain(%d)", int(d))
}

// Settings are the options of Sinkhorn and SNS. The zero value is usable once
// Eta is set: Tol 1e-9, MaxIter 10000 (Sinkhorn) or 1000 (total for SNS),
// GOMAXPROCS workers, no history.
type Settings struct {
	// Eta is the inverse regularisation η = 1/ε > 0 (POT's reg and OTT's
	// epsilon are ε). Larger η means less entropy and a sharper plan.
	Eta float64
	// Tol stops the solve once the marginal error
	// ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ = ‖∇f‖₁ is ≤ Tol (default 1e-9).
	Tol float64
	// MaxIter bounds the total number of iterations (Sinkhorn iterations
	// plus Newton steps). Default 10000 for Sinkhorn and 1000 for SNS.
	MaxIter int
	// Domain selects scaling or log-domain Sinkhorn iterations (default
	// Auto). SNS always runs its warm-up in the log domain.
	Domain Domain
	// EtaStart > 0 turns on ε-scaling for Sinkhorn and SNS: the problem is solved
	// for η_k = EtaStart·EtaFactor^k < Eta, each stage to the error
	// max(Tol, StageTol) and warm-starting the next, then for Eta itself.
	EtaStart float64
	// EtaFactor is the ratio between consecutive ε-scaling stages (default 4).
	EtaFactor float64
	// StageTol is the marginal error that ends an intermediate ε-scaling
	// stage (default 1e-4).
	StageTol float64
	// DropZeros removes zero-mass entries of a and b before solving (the
	// Result reports them and gives them zero plan rows/columns and −Inf
	// potentials). Without it a zero entry is an error.
	DropZeros bool
	// X0, Y0 are optional initial potentials (η convention, lengths n, m).
	X0, Y0 []float64
	// Workers is the number of goroutines for the O(nm) kernel passes
	// (default GOMAXPROCS). Results do not depend on it.
	Workers int
	// History records one Iterate per iteration in Result.History.
	History bool
	// Recorder, if not nil, is called after every iteration; returning
	// false stops the solve with Status Canceled.
	Recorder solver.Recorder[Iterate]
}

// Iterate describes one iteration (a Sinkhorn iteration = one x-update and
// one y-update, or one Newton step).
type Iterate struct {
	Iter   int  // 1-based iteration count (Sinkhorn iterations + Newton steps)
	Newton bool // a Newton step of SNS
	// MarginalError is ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ at the iterate.
	MarginalError float64
	// Dual is the Lyapunov potential f(x, y) at the iterate.
	Dual float64
	// Time is the wall time since the start of the solve, in seconds.
	Time float64
	// CGIterations and Step are the CG iterations and line-search step of a
	// Newton step (zero for Sinkhorn iterations).
	CGIterations int
	Step         float64
}

// Result is what Sinkhorn and SNS return.
type Result struct {
	// X, Y are the dual potentials in the η convention:
	// P_ij = exp(η(x_i + y_j − C_ij) − 1). They are determined up to
	// x + t, y − t; the solvers return them with mean(x) = mean(y) for SNS.
	// POT's (f, g) (ot.sinkhorn_log, log=True: f = reg·log_u, g = reg·log_v)
	// satisfy f_i + g_j = x_i + y_j − 1/η.
	X, Y []float64
	// Plan is the transport plan P (n×m) at (X, Y).
	Plan *mat.Dense
	// Cost is the transport cost ⟨C, P⟩.
	Cost float64
	// Objective is the regularised primal value ⟨C, P⟩ + (1/η)Σ P_ij log P_ij.
	Objective float64
	// Dual is the Lyapunov potential f(X, Y); at the optimum it equals
	// Objective.
	Dual float64
	// MarginalError is ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ at (X, Y), evaluated afresh.
	MarginalError float64
	Status        Status
	// Stats: Iterations counts Sinkhorn iterations (NewtonIterations the
	// Newton steps of SNS apart; their sum is the paper's iteration count),
	// Time is the wall time of the solve.
	solver.Stats
	NewtonIterations int
	// CGIterations is the total number of CG iterations of the Newton steps.
	CGIterations int
	// Domain is the domain the Sinkhorn iterations ran in.
	Domain Domain
	// DroppedA, DroppedB list the zero-mass entries removed (DropZeros).
	DroppedA, DroppedB []int
	// History holds one Iterate per iteration when Settings.History is set.
	History []Iterate
}

// ErrBadInput is wrapped by every error about the marginals or the cost.
var ErrBadInput = errors.New("sinkhorn: bad input")

// problem is a validated instance with the scaled cost G = ηC stored both
// row-major (n×m) and transposed (m×n).
type problem struct {
	n, m    int
	a, b    []float64
	loga    []float64
	logb    []float64
	c       []float64 // C, row-major n×m
	g, gt   []float64 // ηC and (ηC)ᵀ, row-major
	eta     float64
	workers int
	n0, m0  int // sizes before zero-mass entries were dropped
}

// validate checks the marginals and the cost and returns a problem, after
// removing zero-mass entries when s.DropZeros is set (keepA, keepB are the
// indices kept; nil when nothing was removed).
func validate(a, b []float64, c *mat.Dense, s *Settings) (p *problem, keepA, keepB []int, err error) {
	n, m := c.Dims()
	if len(a) != n || len(b) != m {
		panic(fmt.Sprintf("sinkhorn: cost is %d×%d but len(a) = %d, len(b) = %d", n, m, len(a), len(b)))
	}
	if !(s.Eta > 0) || math.IsInf(s.Eta, 0) {
		return nil, nil, nil, fmt.Errorf("%w: eta = %v, want a finite η > 0", ErrBadInput, s.Eta)
	}
	var sa, sb float64
	for _, mv := range []struct {
		name string
		v    []float64
	}{{"a", a}, {"b", b}} {
		name, v := mv.name, mv.v
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
				return nil, nil, nil, fmt.Errorf("%w: %s[%d] = %v, want a finite mass ≥ 0", ErrBadInput, name, i, x)
			}
			if x == 0 && !s.DropZeros {
				return nil, nil, nil, fmt.Errorf("%w: %s[%d] = 0: zero-mass entries make the potentials −∞ (remove them, or set DropZeros / --drop-zeros)", ErrBadInput, name, i)
			}
		}
	}
	for _, x := range a {
		sa += x
	}
	for _, x := range b {
		sb += x
	}
	if sa == 0 || sb == 0 {
		return nil, nil, nil, fmt.Errorf("%w: total mass is zero", ErrBadInput)
	}
	if math.Abs(sa-sb) > 1e-9*math.Max(sa, sb) {
		return nil, nil, nil, fmt.Errorf("%w: unequal total mass Σa = %.17g, Σb = %.17g (balanced OT needs Σa = Σb; normalise both)", ErrBadInput, sa, sb)
	}
	raw := c.RawMatrix()
	for i := 0; i < n; i++ {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+m] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, nil, fmt.Errorf("%w: cost C[%d,%d] = %v", ErrBadInput, i, j, v)
			}
		}
	}
	keepA, keepB = positive(a), positive(b)
	if len(keepA) == n {
		keepA = nil
	}
	if len(keepB) == m {
		keepB = nil
	}
	p = &problem{eta: s.Eta, workers: s.Workers, n0: n, m0: m}
	p.a, p.b = gather(a, keepA), gather(b, keepB)
	p.n, p.m = len(p.a), len(p.b)
	p.c = make([]float64, p.n*p.m)
	for i := 0; i < p.n; i++ {
		ii := i
		if keepA != nil {
			ii = keepA[i]
		}
		row := raw.Data[ii*raw.Stride:]
		for j := 0; j < p.m; j++ {
			jj := j
			if keepB != nil {
				jj = keepB[j]
			}
			p.c[i*p.m+j] = row[jj]
		}
	}
	p.loga, p.logb = logs(p.a), logs(p.b)
	p.g = make([]float64, p.n*p.m)
	p.gt = make([]float64, p.n*p.m)
	for i := 0; i < p.n; i++ {
		for j := 0; j < p.m; j++ {
			v := s.Eta * p.c[i*p.m+j]
			p.g[i*p.m+j] = v
			p.gt[j*p.n+i] = v
		}
	}
	if p.workers <= 0 {
		p.workers = defaultWorkers()
	}
	return p, keepA, keepB, nil
}

func positive(v []float64) []int {
	var k []int
	for i, x := range v {
		if x > 0 {
			k = append(k, i)
		}
	}
	return k
}

func gather(v []float64, keep []int) []float64 {
	if keep == nil {
		return append([]float64(nil), v...)
	}
	out := make([]float64, len(keep))
	for i, k := range keep {
		out[i] = v[k]
	}
	return out
}

func logs(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Log(x)
	}
	return out
}
