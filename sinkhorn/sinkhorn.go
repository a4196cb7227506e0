package sinkhorn

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/kkt-go/kkt/solver"
	"gonum.org/v1/gonum/mat"
)

// Default values of Settings.
const (
	DefaultTol          = 1e-9
	DefaultMaxIter      = 10000
	DefaultSNSMaxIter   = 1000
	DefaultEtaFactor    = 4
	DefaultStageTol     = 1e-4
	autoScalingMaxRange = 50
)

// state is the iterate of a solve in scaled potentials X = ηx, Y = ηy, with
// the bookkeeping shared by Sinkhorn and SNS.
type state struct {
	e      *engine
	s      *Settings
	ctx    context.Context
	x, y   []float64
	tol    float64
	maxIt  int
	it     int // Sinkhorn iterations
	newton int
	cg     int
	hist   []Iterate
	status Status
	done   bool
	start  time.Time
	// trackRate makes logDomain record the marginal error of every
	// iteration in skErr (the adaptive SNS rule measures Sinkhorn's rate).
	trackRate bool
	skErr     []float64
}

func newState(ctx context.Context, p *problem, s *Settings, keepA, keepB []int, maxIt int) *state {
	st := &state{s: s, ctx: ctx, tol: s.Tol, maxIt: s.MaxIter, start: time.Now()}
	if st.tol <= 0 {
		st.tol = DefaultTol
	}
	if st.maxIt <= 0 {
		st.maxIt = maxIt
	}
	st.x = make([]float64, p.n)
	st.y = make([]float64, p.m)
	if s.X0 != nil || s.Y0 != nil {
		if len(s.X0) != p.n0 || len(s.Y0) != p.m0 {
			panic(fmt.Sprintf("sinkhorn: X0 and Y0 must both be given with lengths %d and %d", p.n0, p.m0))
		}
		for i := range st.x {
			st.x[i] = s.Eta * s.X0[index(keepA, i)]
		}
		for j := range st.y {
			st.y[j] = s.Eta * s.Y0[index(keepB, j)]
		}
	}
	st.e = newEngine(p)
	return st
}

func index(keep []int, i int) int {
	if keep == nil {
		return i
	}
	return keep[i]
}

// dropped returns the indices in 0..n−1 that are not in keep.
func dropped(keep []int, n int) []int {
	if keep == nil {
		return nil
	}
	var out []int
	k := 0
	for i := 0; i < n; i++ {
		if k < len(keep) && keep[k] == i {
			k++
			continue
		}
		out = append(out, i)
	}
	return out
}

// record stores an iterate and reports whether the solve must stop
// (canceled, or a non-finite error or dual value).
func (st *state) record(newton bool, errv, dual float64, cg int, step float64) bool {
	if math.IsNaN(errv) || math.IsInf(errv, 0) || math.IsNaN(dual) || math.IsInf(dual, 0) {
		st.status = NumericalFailure
		return true
	}
	if st.s.History || st.s.Recorder != nil {
		r := Iterate{Iter: st.it + st.newton, Newton: newton, MarginalError: errv, Dual: dual,
			Time: time.Since(st.start).Seconds(), CGIterations: cg, Step: step}
		if st.s.History {
			st.hist = append(st.hist, r)
		}
		if st.s.Recorder != nil && !st.s.Recorder(r) {
			st.status = Canceled
			return true
		}
	}
	if (st.it+st.newton)&15 == 0 && st.ctx != nil {
		select {
		case <-st.ctx.Done():
			st.status = Canceled
			return true
		default:
		}
	}
	return false
}

// dualScaled returns f at the scaled potentials given the plan mass.
func (p *problem) dualScaled(mass float64, x, y []float64) float64 {
	var s float64
	for i, v := range x {
		s += p.a[i] * v
	}
	for j, v := range y {
		s += p.b[j] * v
	}
	return (s - mass) / p.eta
}

func l1diff(s, a []float64) float64 {
	var e float64
	for i, v := range s {
		e += math.Abs(v - a[i])
	}
	return e
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// Sinkhorn solves the entropic OT problem
//
//	min_P ⟨C, P⟩ + (1/η) Σ_ij P_ij log P_ij   s.t.  P1 = a, Pᵀ1 = b
//
// by Sinkhorn's alternating projections, i.e. exact block-coordinate ascent
// on the Lyapunov potential f (see the package documentation). One iteration
// is one x-update and one y-update. The iteration stops when the marginal
// error ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ ≤ Tol (Converged) or after MaxIter iterations.
// The error is measured on the current iterate at no extra cost (the
// x-update computes P1; Pᵀ1 = b after a y-update up to rounding) and
// confirmed on a freshly formed plan before Converged is returned.
//
// a and b must be finite, non-negative and have equal sums (relative 1e-9);
// zero entries are an error unless Settings.DropZeros. The error is non-nil
// only for such input problems; non-convergence is reported in Status.
func Sinkhorn(ctx context.Context, a, b []float64, c *mat.Dense, s Settings) (*Result, error) {
	p, keepA, keepB, err := validate(a, b, c, &s)
	if err != nil {
		return nil, err
	}
	st := newState(ctx, p, &s, keepA, keepB, DefaultMaxIter)
	defer st.e.close()
	dom := s.Domain
	if dom == Auto {
		dom = Log
		if lo, hi := minMax(p.c); p.eta*(hi-lo) <= autoScalingMaxRange && s.EtaStart <= 0 {
			dom = Scaling
		}
	}
	if s.EtaStart > 0 && s.EtaStart < s.Eta {
		st.epsScaling()
	}
	if !st.done {
		if dom == Scaling {
			st.scaling()
			if st.status == NumericalFailure && s.Domain == Auto {
				// restart in the log domain from the last finite potentials
				st.status, st.done = NotTerminated, false
				dom = Log
			}
		}
		if dom == Log && !st.done {
			st.logDomain(st.tol)
		}
	}
	res := st.finish(keepA, keepB, c)
	res.Domain = dom
	return res, nil
}

func minMax(v []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// logDomain runs log-domain Sinkhorn iterations until the marginal error is
// ≤ tol or the iteration budget is spent; st.done is set when the solve must
// end (converged at the final tolerance, budget, failure or cancel).
func (st *state) logDomain(tol float64) {
	e := st.e
	sx, xn := make([]float64, e.n), make([]float64, e.n)
	sy, yn := make([]float64, e.m), make([]float64, e.m)
	for {
		e.halfX(st.x, st.y, sx, xn)
		errv := l1diff(sx, e.a)
		if st.trackRate {
			st.skErr = append(st.skErr, errv)
		}
		if st.stop(false, errv, e.dualScaled(sum(sx), st.x, st.y), tol) {
			return
		}
		st.x, xn = xn, st.x
		e.halfY(st.x, st.y, sy, yn)
		st.y, yn = yn, st.y
		st.it++
	}
}

// stop records the iterate and decides whether the Sinkhorn loop ends: the
// error estimate errv ≤ tol is confirmed by forming the plan.
func (st *state) stop(newton bool, errv, dual, tol float64) bool {
	if st.record(newton, errv, dual, 0, 0) {
		st.done = true
		return true
	}
	if errv <= tol && st.exactError() <= tol {
		if tol <= st.tol {
			st.status, st.done = Converged, true
		}
		return true
	}
	if st.it+st.newton >= st.maxIt {
		st.status, st.done = MaxIterations, true
		return true
	}
	return false
}

// exactError forms the plan at the current iterate and returns its marginal
// error.
func (st *state) exactError() float64 {
	e := st.e
	if e.pbuf == nil {
		e.pbuf = make([]float64, e.n*e.m)
		e.rsbuf = make([]float64, e.n)
		e.csbuf = make([]float64, e.m)
	}
	e.plan(e.pbuf, e.rsbuf, e.csbuf, st.x, st.y)
	return l1diff(e.rsbuf, e.a) + l1diff(e.csbuf, e.b)
}

// scaling runs Sinkhorn–Knopp iterations on K = exp(−ηC).
func (st *state) scaling() {
	e := st.e
	n, m := e.n, e.m
	k := make([]float64, n*m)
	kt := make([]float64, n*m)
	for i, v := range e.g {
		k[i] = math.Exp(-v)
	}
	for i, v := range e.gt {
		kt[i] = math.Exp(-v)
	}
	u, v := make([]float64, n), make([]float64, m)
	for i := range u {
		u[i] = math.Exp(st.x[i] - 1)
	}
	for j := range v {
		v[j] = math.Exp(st.y[j])
	}
	kv, ktu := make([]float64, n), make([]float64, m)
	sx := make([]float64, n)
	for {
		e.k, e.kv, e.kdst, e.rows, e.cols = k, v, kv, n, m
		e.run(opMatVec)
		var mass float64
		for i := range sx {
			sx[i] = u[i] * kv[i]
			mass += sx[i]
		}
		for i := range u {
			st.x[i] = math.Log(u[i]) + 1
		}
		for j := range v {
			st.y[j] = math.Log(v[j])
		}
		if st.stop(false, l1diff(sx, e.a), e.dualScaled(mass, st.x, st.y), st.tol) {
			return
		}
		if !updateScaling(u, e.a, kv) {
			st.status, st.done = NumericalFailure, true
			return
		}
		e.k, e.kv, e.kdst, e.rows, e.cols = kt, u, ktu, m, n
		e.run(opMatVec)
		if !updateScaling(v, e.b, ktu) {
			st.status, st.done = NumericalFailure, true
			return
		}
		st.it++
	}
}

// updateScaling sets u = a/kv and reports whether every entry is finite and
// positive (false when the kernel underflowed).
func updateScaling(u, a, kv []float64) bool {
	for i, d := range kv {
		q := a[i] / d
		if !(q > 0) || math.IsInf(q, 0) {
			return false
		}
		u[i] = q
	}
	return true
}

// epsScaling runs log-domain Sinkhorn on η_k = EtaStart·EtaFactor^k < Eta,
// each stage to max(Tol, StageTol), rescaling the potentials between stages.
func (st *state) epsScaling() {
	e := st.e
	target := e.eta
	f := st.s.EtaFactor
	if f <= 1 {
		f = DefaultEtaFactor
	}
	stol := st.s.StageTol
	if stol <= 0 {
		stol = DefaultStageTol
	}
	for eta := st.s.EtaStart; eta < target && !st.done; eta *= f {
		e.setEta(eta, st.x, st.y)
		st.logDomain(max(stol, st.tol))
	}
	e.setEta(target, st.x, st.y)
}

// setEta rescales the problem and the scaled potentials x, y to a new η.
func (p *problem) setEta(eta float64, x, y []float64) {
	r := eta / p.eta
	for i := range p.g {
		p.g[i] *= r
		p.gt[i] *= r
	}
	for i := range x {
		x[i] *= r
	}
	for j := range y {
		y[j] *= r
	}
	p.eta = eta
}

// finish forms the final plan and fills a Result in the caller's indexing.
func (st *state) finish(keepA, keepB []int, c *mat.Dense) *Result {
	e := st.e
	errv := st.exactError()
	n0, m0 := c.Dims()
	res := &Result{
		Status: st.status, Stats: solver.Stats{Iterations: st.it}, NewtonIterations: st.newton, CGIterations: st.cg,
		History: st.hist, MarginalError: errv,
		DroppedA: dropped(keepA, n0), DroppedB: dropped(keepB, m0),
	}
	// A run that ends without a verdict (NotTerminated: the budget of an
	// inner phase ran out, or a phase stopped at its own tolerance) and a
	// Converged whose confirmed error misses Tol are judged here by the
	// exact marginal error.
	if st.status == NotTerminated || st.status == Converged {
		res.Status = Converged
		if !(errv <= st.tol) {
			res.Status = MaxIterations
		}
	}
	var cost, ent, mass float64
	for i := 0; i < e.n; i++ {
		row := e.pbuf[i*e.m : (i+1)*e.m]
		for j, v := range row {
			if v > 0 {
				cost += e.c[i*e.m+j] * v
				ent += v * (st.x[i] + st.y[j] - e.g[i*e.m+j] - 1)
			}
		}
		mass += e.rsbuf[i]
	}
	res.Cost = cost
	res.Objective = cost + ent/e.eta
	res.Dual = e.dualScaled(mass, st.x, st.y)
	res.Plan = mat.NewDense(n0, m0, nil)
	res.X = make([]float64, n0)
	res.Y = make([]float64, m0)
	for _, i := range res.DroppedA {
		res.X[i] = math.Inf(-1)
	}
	for _, j := range res.DroppedB {
		res.Y[j] = math.Inf(-1)
	}
	for i := 0; i < e.n; i++ {
		ii := index(keepA, i)
		res.X[ii] = st.x[i] / e.eta
		for j := 0; j < e.m; j++ {
			res.Plan.Set(ii, index(keepB, j), e.pbuf[i*e.m+j])
		}
	}
	for j := 0; j < e.m; j++ {
		res.Y[index(keepB, j)] = st.y[j] / e.eta
	}
	if st.status != NumericalFailure && (math.IsNaN(errv) || math.IsInf(errv, 0)) {
		res.Status = NumericalFailure
	}
	res.Time = time.Since(st.start)
	return res
}
