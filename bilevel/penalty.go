package bilevel

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/bilevel/proj"
)

// PenaltyMode selects the variant of the penalty method.
type PenaltyMode int

const (
	// Deterministic is the double loop with exact gradients.
	Deterministic PenaltyMode = iota
	// Stochastic is the double loop with mini-batch gradients drawn from
	// Problem.UpperSampler and Problem.LowerSampler (Batch samples each); a
	// nil sampler means exact gradients for that level.
	Stochastic
	// SingleLoop is the single-loop method with STORM-type momentum
	// estimators (one inner step per outer step; mini-batch oracles when
	// samplers are set).
	SingleLoop
)

var modeNames = [...]string{"deterministic", "stochastic", "single-loop"}

func (m PenaltyMode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("PenaltyMode(%d)", int(m))
}

// PenaltySettings are the options of Penalty. Zero fields take the defaults
// in brackets. Kwon et al. publish no default values (the paper has no
// experiments); the defaults are ours.
type PenaltySettings struct {
	Common
	Mode PenaltyMode
	// Sigma is the final penalty parameter σ [1e-2]; Sigma0 [= Sigma] the
	// first, and SigmaDecay [0.5 when Sigma0 > Sigma] the factor of the
	// geometric schedule σ_{k+1} = max(Sigma, SigmaDecay·σ_k), applied once
	// every SigmaEvery [1] outer iterations.
	Sigma, Sigma0, SigmaDecay float64
	SigmaEvery                int
	// Alpha scales the outer step, α_k = Alpha·σ_k [1] (the ψ_σ
	// gradient is O(1/σ)-Lipschitz in general); AlphaConst > 0 overrides it
	// with a constant step.
	Alpha, AlphaConst float64
	// Beta is the inner step on y and z [0.5]; it must be below
	// 1/(L_G + σ L_F).
	Beta float64
	// Inner is the number T of inner steps per outer step [10] (ignored by
	// SingleLoop, which takes one).
	Inner int
	// InnerTol stops the inner loop early when both inner steps moved less
	// than InnerTol·(1 + ‖y‖) [0: never].
	InnerTol float64
	// Batch is the mini-batch size of the stochastic oracles [1].
	Batch int
	// Momentum is the STORM weight η of the single-loop estimators
	// d_k = ∇(w_k; ξ_k) + (1 − η)(d_{k−1} − ∇(w_{k−1}; ξ_k)) [0.1].
	Momentum float64
	// MinIter skips the stopping test (Tol) before outer iteration MinIter
	// [0]. Warm-started inner loops that start y and z at one point compare
	// two nearly equal vectors in the first iterations, so the gradient
	// estimate, and with it the gradient mapping, is then near zero without
	// x being stationary.
	MinIter int
	// Seed seeds the mini-batch sampling.
	Seed uint64
	// Z0 starts z (default: the projected Y0).
	Z0 []float64
}

func (s *PenaltySettings) defaults() {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.Sigma, 1e-2)
	def(&s.Sigma0, s.Sigma)
	if s.Sigma0 > s.Sigma {
		def(&s.SigmaDecay, 0.5)
	} else {
		s.SigmaDecay = 1
	}
	if s.SigmaEvery <= 0 {
		s.SigmaEvery = 1
	}
	def(&s.Alpha, 1)
	def(&s.Beta, 0.5)
	if s.Inner <= 0 {
		s.Inner = 10
	}
	if s.Batch <= 0 {
		s.Batch = 1
	}
	def(&s.Momentum, 0.1)
}

// Penalty minimizes the penalized hyper-objective of Kwon, Kwon, Wright and
// Nowak (ICLR 2024, arXiv 2309.01753),
//
//	ψ_σ(x) = min_{y ∈ Y} { F(x, y) + (G(x, y) − min_{z ∈ Y} G(x, z))/σ },
//
// over x ∈ X with the first-order gradient estimate
//
//	∇ψ_σ(x) ≈ ∇_x F(x, y) + (∇_x G(x, y) − ∇_x G(x, z))/σ,
//
// where y ≈ argmin_Y σF + G and z ≈ argmin_Y G are tracked by warm-started
// projected gradient steps (the inner loop). The penalty formula and the
// gradient are the paper's; the loop structure, the σ schedule, the step
// sizes and the single-loop momentum estimator are our reconstruction in the
// style of the authors' F2SA method (the paper's algorithm boxes were not
// available; see docs/bilevel.md). The lower level must not have coupled
// constraints (p.Cons must be nil).
//
// One outer iteration of the double loop (Deterministic, Stochastic):
//
//	repeat T times: y ← Π_Y(y − β(σ∇_yF + ∇_yG)(x, y)),  z ← Π_Y(z − β∇_yG(x, z))
//	x ← Π_X(x − α_k·∇ψ_σ-estimate)
//
// Stopping: Converged when σ_k has reached Sigma, k ≥ MinIter and the
// gradient mapping ‖x − Π_X(x − α_k G_k)‖/α_k ≤ Tol (Record.Residual), G_k
// the gradient estimate at the inner loops' y and z (so the test certifies
// ε-stationarity of ψ_σ only as far as the inner loops solved their
// problems; PenaltyInnerStep gives the step bound of their analysis).
// Record.Gap is G(x, y) − G(x, z).
func Penalty(ctx context.Context, p *Problem, s PenaltySettings) (*Result, error) {
	r := penaltyRun(ctx, p, s)
	return r, r.err
}

func penaltyRun(ctx context.Context, p *Problem, s PenaltySettings) *Result {
	p.check("Penalty")
	if p.Cons != nil {
		panic("bilevel: Penalty: coupled lower-level constraints are not supported (use LVHBA)")
	}
	s.defaults()
	n, m := p.N, p.M
	res := &Result{}
	x, y, z := make([]float64, n), make([]float64, m), make([]float64, m)
	initVec(x, s.X0, "X0")
	initVec(y, s.Y0, "Y0")
	if s.Z0 != nil {
		initVec(z, s.Z0, "Z0")
	} else {
		copy(z, y)
	}
	k := 0
	fail := func(err error) *Result {
		res.failure(err, k)
		res.X, res.Y, res.Z = x, y, z
		return res
	}
	// z gets its own copy of a polyhedron so that each sequence keeps its
	// active-set warm start.
	yz := p.Y
	if c, ok := p.Y.(interface{ Clone() *proj.Polyhedron }); ok {
		yz = c.Clone()
	}
	for _, v := range []struct {
		s proj.Set
		v []float64
	}{{p.X, x}, {p.Y, y}, {yz, z}} {
		if err := project(v.s, v.v); err != nil {
			return fail(fmt.Errorf("bilevel: Penalty: projecting the start: %w", err))
		}
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x9e3779b97f4a7c15))
	stoch := s.Mode != Deterministic && (p.UpperSampler != nil || p.LowerSampler != nil)
	draw := func() (Objective, Objective) {
		if !stoch {
			return p.Upper, p.Lower
		}
		u, l := p.Upper, p.Lower
		if p.UpperSampler != nil {
			u = p.UpperSampler.Sample(rng, s.Batch)
		}
		if p.LowerSampler != nil {
			l = p.LowerSampler.Sample(rng, s.Batch)
		}
		return u, l
	}
	eval := func(r *Record) {
		r.Upper = p.Upper.Value(x, y)
		r.Gap = p.Lower.Value(x, y) - p.Lower.Value(x, z)
	}
	tr := newTracker(ctx, &s.Common, res, eval)
	maxIter := s.maxIter()
	sigma := s.Sigma0
	gy, gz, tm := make([]float64, m), make([]float64, m), make([]float64, m)
	gx, tn, xnew := make([]float64, n), make([]float64, n), make([]float64, n)
	// single-loop state: estimators and previous iterates
	var dx, dy, dz, xo, yo, zo, ox, oy, oz []float64
	if s.Mode == SingleLoop {
		dx, dy, dz = make([]float64, n), make([]float64, m), make([]float64, m)
		xo, yo, zo = make([]float64, n), make([]float64, m), make([]float64, m)
		ox, oy, oz = make([]float64, n), make([]float64, m), make([]float64, m)
	}
	// grads fills gx, gy, gz with the oracle estimates at (x, y, z):
	// gy = σ∇_yF + ∇_yG at (x, y), gz = ∇_yG at (x, z),
	// gx = ∇_xF(x, y) + (∇_xG(x, y) − ∇_xG(x, z))/σ.
	grads := func(u, l Objective, x, y, z, gx, gy, gz []float64) {
		u.GradY(tm, x, y)
		l.GradY(gy, x, y)
		for i := range gy {
			gy[i] += sigma * tm[i]
		}
		l.GradY(gz, x, z)
		u.GradX(gx, x, y)
		l.GradX(tn, x, y)
		for i := range gx {
			gx[i] += tn[i] / sigma
		}
		l.GradX(tn, x, z)
		for i := range gx {
			gx[i] -= tn[i] / sigma
		}
		res.Oracle += 6
	}
	res.Status = MaxIterations
	resid := math.Inf(1)
	alpha := func() float64 {
		if s.AlphaConst > 0 {
			return s.AlphaConst
		}
		return s.Alpha * sigma
	}
	for k < maxIter {
		a := alpha()
		switch s.Mode {
		case Deterministic, Stochastic:
			for t := 0; t < s.Inner; t++ {
				u, l := draw()
				u.GradY(tm, x, y)
				l.GradY(gy, x, y)
				l.GradY(gz, x, z)
				res.Oracle += 3
				var dyn, dzn float64
				for i := range y {
					d := s.Beta * (gy[i] + sigma*tm[i])
					y[i] -= d
					dyn += d * d
					d = s.Beta * gz[i]
					z[i] -= d
					dzn += d * d
				}
				if err := project(p.Y, y); err != nil {
					return fail(err)
				}
				if err := project(yz, z); err != nil {
					return fail(err)
				}
				if s.InnerTol > 0 && math.Sqrt(max(dyn, dzn)) <= s.InnerTol*(1+floats.Norm(y, 2)) {
					break
				}
			}
			u, l := draw()
			grads(u, l, x, y, z, gx, gy, gz)
			for i := range x {
				xnew[i] = x[i] - a*gx[i]
			}
			if err := project(p.X, xnew); err != nil {
				return fail(err)
			}
		case SingleLoop:
			u, l := draw()
			grads(u, l, x, y, z, gx, gy, gz)
			if k == 0 {
				copy(dx, gx)
				copy(dy, gy)
				copy(dz, gz)
			} else {
				// STORM: the same sample at the previous point.
				grads(u, l, xo, yo, zo, ox, oy, oz)
				c := 1 - s.Momentum
				for i := range dx {
					dx[i] = gx[i] + c*(dx[i]-ox[i])
				}
				for i := range dy {
					dy[i] = gy[i] + c*(dy[i]-oy[i])
					dz[i] = gz[i] + c*(dz[i]-oz[i])
				}
			}
			copy(xo, x)
			copy(yo, y)
			copy(zo, z)
			for i := range y {
				y[i] -= s.Beta * dy[i]
				z[i] -= s.Beta * dz[i]
			}
			if err := project(p.Y, y); err != nil {
				return fail(err)
			}
			if err := project(yz, z); err != nil {
				return fail(err)
			}
			for i := range x {
				xnew[i] = x[i] - a*dx[i]
			}
			if err := project(p.X, xnew); err != nil {
				return fail(err)
			}
		}
		var dn float64
		for i := range x {
			dn += (xnew[i] - x[i]) * (xnew[i] - x[i])
		}
		resid = math.Sqrt(dn) / a
		copy(x, xnew)
		k++
		if err := finite("penalty iterate", x); err != nil {
			return fail(err)
		}
		if err := finite("penalty iterate", y); err != nil {
			return fail(err)
		}
		if s.Tol > 0 && k >= s.MinIter && sigma <= s.Sigma && resid <= s.Tol {
			res.Status = Converged
			tr.step(k, x, resid, sigma, true)
			break
		}
		if !tr.step(k, x, resid, sigma, k == maxIter) {
			break
		}
		if k%s.SigmaEvery == 0 {
			sigma = max(s.Sigma, s.SigmaDecay*sigma)
		}
	}
	tr.finish(k, x, resid, sigma)
	res.X, res.Y, res.Z = x, y, z
	return res
}

// PenaltyInnerStep returns the largest inner step the penalty method's
// analysis allows at (x, y): β = 1/(L_G + σ·L_F), where L_G and L_F are the
// curvatures ‖∇²_yy G(x, y)‖ and ‖∇²_yy F(x, y)‖ (so that L_G + σL_F bounds
// the Lipschitz constant of ∇_y h_σ, h_σ = σF + G, near y), and 1/L_G, the
// bound for the z-loop, is returned as betaZ. Each curvature is estimated by
// 30 power iterations on Hessian–vector products: the Hessian interface
// when the objective implements it, central differences of GradY
// otherwise. For quadratic objectives the values are exact (up to
// rounding); otherwise they are local values at (x, y), and the constant
// of a whole run is their largest value along it. PenaltySettings.Beta is
// not derived from this rule (its default stays 0.5); the rule is for
// checking a chosen step against the method's condition β < 1/(L_G + σL_F).
func PenaltyInnerStep(p *Problem, x, y []float64, sigma float64) (betaY, betaZ float64) {
	lg := curvatureY(p.Lower, x, y)
	lf := curvatureY(p.Upper, x, y)
	return 1 / (lg + sigma*lf), 1 / lg
}

// curvatureY estimates ‖∇²_yy o(x, y)‖ by 30 power iterations.
func curvatureY(o Objective, x, y []float64) float64 {
	m := len(y)
	rng := rand.New(rand.NewPCG(7, 2309))
	v, hv, gp, gm, tp := make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
	h := 1e-6 * (1 + floats.Norm(y, 2)/math.Sqrt(float64(m)))
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	var l float64
	for range 30 {
		if hs, ok := o.(Hessian); ok {
			hs.HessYY(hv, x, y, v)
		} else {
			floats.AddScaledTo(tp, y, h, v)
			o.GradY(gp, x, tp)
			floats.AddScaledTo(tp, y, -h, v)
			o.GradY(gm, x, tp)
			for i := range hv {
				hv[i] = (gp[i] - gm[i]) / (2 * h)
			}
		}
		l = floats.Norm(hv, 2)
		if l == 0 || math.IsNaN(l) || math.IsInf(l, 0) {
			return l
		}
		floats.ScaleTo(v, 1/l, hv)
	}
	return l
}
