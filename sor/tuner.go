package sor

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Tuner chooses ω for each instance of a sequence and learns from the
// iteration count it causes, the only feedback it gets. Omega is called once
// per instance, followed by exactly one Observe with the iteration count of
// the solve at the returned ω.
type Tuner interface {
	Omega(in *Instance) (float64, error)
	Observe(iterations int)
}

// DefaultGrid returns the paper's action set: the 20 values
// linspace(1, 1.95, 20) = 1.00, 1.05, …, 1.95.
func DefaultGrid() []float64 { return Linspace(1, 1.95, 20) }

// Linspace returns n evenly spaced values from a to b inclusive, computed as
// MATLAB's linspace does (a + i·(b−a)/(n−1), last point exactly b).
func Linspace(a, b float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		if n == 1 {
			v[i] = b
			break
		}
		v[i] = a + float64(i)*(b-a)/float64(n-1)
	}
	if n > 0 {
		v[n-1] = b
	}
	return v
}

func checkGrid(grid []float64) {
	if len(grid) == 0 {
		panic("sor: empty ω grid")
	}
	for _, w := range grid {
		if err := CheckOmega(w); err != nil {
			panic(err.Error())
		}
	}
}

var errNoMatrix = fmt.Errorf("%w: this tuner needs the instance's matrix (it cannot be replayed from a table)", ErrBadInput)

// Fixed always plays the same ω.
type Fixed struct{ W float64 }

// Omega returns f.W, or an error when it is outside (0, 2).
func (f Fixed) Omega(*Instance) (float64, error) { return f.W, CheckOmega(f.W) }

// Observe does nothing.
func (Fixed) Observe(int) {}

// Young plays Young's ω* = 1 + (β/(1+√(1−β²)))² for each instance, with the
// Jacobi spectral radius β estimated by JacobiRadius (Lanczos, at most
// MaxSteps steps; 0: 300). On the shifted Laplacian this is the reference
// code's "Instance-Optimal" policy (omega_opt(A_t) in scripts/contextual.m).
type Young struct{ MaxSteps int }

// Omega estimates β for in.A and returns Young's ω*.
func (y Young) Omega(in *Instance) (float64, error) {
	if in == nil || in.A == nil {
		return 0, errNoMatrix
	}
	beta, err := JacobiRadius(in.A, y.MaxSteps)
	if err != nil {
		return 0, err
	}
	return YoungOmega(beta)
}

// Observe does nothing.
func (Young) Observe(int) {}

// TsallisINF is the Tsallis-INF bandit (Zimmert & Seldin 2021, α = 1/2) over
// a grid of ω values, exactly as learners/TsallisINF.m codes it:
//
//   - learning rate η_t = 2/√t;
//   - p_i = 4 (η (L̂_i/s − x))⁻², with the normaliser x found by 20 Newton
//     steps x ← x − (Σp − 1)/(η Σ p^{3/2}) from x = −1;
//   - after playing arm I with probability p_I and paying `loss` iterations,
//     L̂_I += (loss − 1)/p_I (at least one iteration always runs), and the
//     scale s is the running mean of the losses minus one (s = 1 before the
//     first loss).
//
// Sampling uses the normalised p; the importance weight uses p_I as
// computed (after 20 Newton steps Σp = 1 to rounding). When the weights are
// not finite the arm is drawn uniformly with p_I = 1/d (MATLAB's fallback,
// whose p_I assignment is overwritten by a bug in the reference code).
type TsallisINF struct {
	Grid []float64
	Rand *rand.Rand
	// Safeguard starts the Newton iteration at x = min_i L̂_i/s − 2/η, where
	// Σp ≥ 1, instead of at −1. From there Newton's method on the convex
	// increasing Σp(x) − 1 converges monotonically to the normaliser. From
	// x = −1 (the reference code) the first step can overshoot past the pole
	// at min L̂/s once the cumulative losses are large, leaving weights that
	// do not sum to one; the reference code then samples from the
	// renormalised weights but importance-weights with the raw p_I, and so
	// does this type unless Safeguard is set. BadNormaliser counts such
	// rounds (|Σp − 1| > 1e-6).
	Safeguard     bool
	BadNormaliser int

	t      int
	lhat   []float64
	p      []float64
	idx    int
	pidx   float64
	sumL   float64
	scale  float64
	Counts []int // plays per arm
}

// NewTsallisINF returns Tsallis-INF over grid (nil: DefaultGrid) drawing from rng.
func NewTsallisINF(grid []float64, rng *rand.Rand) *TsallisINF {
	if grid == nil {
		grid = DefaultGrid()
	}
	checkGrid(grid)
	d := len(grid)
	return &TsallisINF{Grid: grid, Rand: rng, t: 1, lhat: make([]float64, d), p: make([]float64, d), scale: 1, Counts: make([]int, d)}
}

// Omega draws an arm.
func (b *TsallisINF) Omega(*Instance) (float64, error) {
	eta := 2 / math.Sqrt(float64(b.t))
	s := b.scale
	if !(s > 0) {
		s = 1 // all losses so far were 1: every L̂ is 0
	}
	x := -1.0
	if b.Safeguard {
		x = slices.Min(b.lhat)/s - 2/eta
	}
	var sum float64
	for range 20 {
		var sum15 float64
		sum = 0
		for i, l := range b.lhat {
			v := eta * (l/s - x)
			p := 4 / (v * v)
			b.p[i] = p
			sum += p
			sum15 += p * math.Sqrt(p)
		}
		x -= (sum - 1) / (eta * sum15)
	}
	// The weights at the final x (the reference code keeps those of the
	// last Newton evaluation, one step behind x; so does this loop).
	if math.Abs(sum-1) > 1e-6 || math.IsNaN(sum) {
		b.BadNormaliser++
	}
	b.idx = sample(b.Rand, b.p)
	if b.idx < 0 {
		b.idx = b.Rand.IntN(len(b.p))
		b.pidx = 1 / float64(len(b.p))
	} else {
		b.pidx = b.p[b.idx]
	}
	return b.Grid[b.idx], nil
}

// Observe updates the loss estimates with the iteration count of the last play.
func (b *TsallisINF) Observe(iterations int) {
	loss := float64(iterations)
	b.sumL += loss
	b.scale = b.sumL/float64(b.t) - 1
	b.lhat[b.idx] += (loss - 1) / b.pidx
	b.Counts[b.idx]++
	b.t++
}

// sample draws an index with probability proportional to w; −1 when the
// weights are not all finite and non-negative with a positive sum.
func sample(rng *rand.Rand, w []float64) int {
	var sum float64
	for _, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return -1
		}
		sum += v
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return -1
	}
	u := rng.Float64() * sum
	for i, v := range w {
		u -= v
		if u < 0 {
			return i
		}
	}
	for i := len(w) - 1; i >= 0; i-- {
		if w[i] > 0 {
			return i
		}
	}
	return -1
}

// Exp3 is the exponential-weights bandit over a grid of ω values with the
// same loss normalisation as TsallisINF ((loss − 1) divided by the running
// mean of loss − 1) and the anytime learning rate η_t = √(2 ln d/(d t)).
// It is the sub-optimal alternative the paper mentions (Exp3 regret
// O(√(dT log d)) against Tsallis-INF's O(√(dT))).
type Exp3 struct {
	Grid []float64
	Rand *rand.Rand

	t      int
	lhat   []float64
	p      []float64
	idx    int
	sumL   float64
	scale  float64
	Counts []int
}

// NewExp3 returns Exp3 over grid (nil: DefaultGrid) drawing from rng.
func NewExp3(grid []float64, rng *rand.Rand) *Exp3 {
	if grid == nil {
		grid = DefaultGrid()
	}
	checkGrid(grid)
	d := len(grid)
	return &Exp3{Grid: grid, Rand: rng, t: 1, lhat: make([]float64, d), p: make([]float64, d), scale: 1, Counts: make([]int, d)}
}

// Omega draws an arm.
func (b *Exp3) Omega(*Instance) (float64, error) {
	d := float64(len(b.Grid))
	eta := math.Sqrt(2 * math.Log(d) / (d * float64(b.t)))
	s := b.scale
	if !(s > 0) {
		s = 1
	}
	lmin := slices.Min(b.lhat)
	var sum float64
	for i, l := range b.lhat {
		b.p[i] = math.Exp(-eta * (l - lmin) / s)
		sum += b.p[i]
	}
	for i := range b.p {
		b.p[i] /= sum
	}
	b.idx = sample(b.Rand, b.p)
	if b.idx < 0 {
		b.idx = b.Rand.IntN(len(b.p))
		b.p[b.idx] = 1 / d
	}
	return b.Grid[b.idx], nil
}

// Observe updates the importance-weighted loss of the played arm.
func (b *Exp3) Observe(iterations int) {
	loss := float64(iterations)
	b.sumL += loss
	b.scale = b.sumL/float64(b.t) - 1
	b.lhat[b.idx] += (loss - 1) / b.p[b.idx]
	b.Counts[b.idx]++
	b.t++
}

// TsallisINFCB is the discretised contextual bandit of
// learners/TsallisINFCB.m: the context interval [Lo, Hi] is cut into m bins
// with centres Lo + (Hi−Lo)·(j+½)/m; each context goes to the nearest centre
// (first on ties) and each bin runs its own TsallisINF over the grid.
// It uses Context[0] of each instance.
type TsallisINFCB struct {
	Lo, Hi  float64
	Bins    []*TsallisINF
	centres []float64
	cur     int
}

// NewTsallisINFCB returns Tsallis-INF-CB with m bins on [lo, hi].
func NewTsallisINFCB(grid []float64, m int, lo, hi float64, rng *rand.Rand) *TsallisINFCB {
	if m < 1 || !(hi > lo) {
		panic("sor: NewTsallisINFCB: need m ≥ 1 and hi > lo")
	}
	c := &TsallisINFCB{Lo: lo, Hi: hi, Bins: make([]*TsallisINF, m), centres: make([]float64, m)}
	for j := range c.Bins {
		c.Bins[j] = NewTsallisINF(grid, rng)
		c.centres[j] = lo + (hi-lo)*(0.5+float64(j))/float64(m)
	}
	return c
}

// Omega picks the bin of in.Context[0] and draws from its bandit.
func (c *TsallisINFCB) Omega(in *Instance) (float64, error) {
	x, err := context1(in)
	if err != nil {
		return 0, err
	}
	best := math.Inf(1)
	for j, cj := range c.centres {
		if d := math.Abs(cj - x); d < best {
			best, c.cur = d, j
		}
	}
	return c.Bins[c.cur].Omega(in)
}

// Observe updates the bandit of the last bin.
func (c *TsallisINFCB) Observe(iterations int) { c.Bins[c.cur].Observe(iterations) }

func context1(in *Instance) (float64, error) {
	if len(in.Context) == 0 {
		return 0, fmt.Errorf("%w: contextual tuner needs an instance with a context", ErrBadInput)
	}
	x := in.Context[0]
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%w: context %v", ErrBadInput, x)
	}
	return x, nil
}

// Oracle is the instance-optimal policy used for evaluation only: for each
// instance it evaluates the solver at the Start values of ω (default
// 1, 1.3, 1.5, 1.75, 1.95 as in scripts/h2d.m), brackets the best one by its
// neighbours and refines by golden-section search until Evals solves
// (default 12) have been spent. It plays the midpoint of the smallest and
// largest ω that attained the least count, as h2d.m does. Its Solver (set
// Method, Tol and MaxIter to those of the run) is private to the Oracle.
type Oracle struct {
	Solver Solver
	Start  []float64
	Evals  int

	ws, fs []float64
}

// Omega searches for the best ω of in.
func (o *Oracle) Omega(in *Instance) (float64, error) {
	if in == nil || in.A == nil {
		return 0, errNoMatrix
	}
	start := o.Start
	if start == nil {
		start = []float64{1, 1.3, 1.5, 1.75, 1.95}
	}
	evals := o.Evals
	if evals <= 0 {
		evals = 12
	}
	o.ws, o.fs = o.ws[:0], o.fs[:0]
	var ferr error
	f := func(w float64) float64 {
		sol, err := o.Solver.Solve(context.Background(), in.A, in.B, in.X0, w)
		if err != nil && ferr == nil {
			ferr = err
		}
		v := float64(sol.Iterations)
		o.ws = append(o.ws, w)
		o.fs = append(o.fs, v)
		return v
	}
	for _, w := range start {
		f(w)
		if ferr != nil {
			return 0, ferr
		}
	}
	lo, hi := argminRange(o.fs)
	l := max(0, lo-1)
	r := min(len(start)-1, hi+1)
	a, b := start[l], start[r]
	const tau = 0.6180339887498949 // (√5 − 1)/2
	if len(o.ws) < evals && b > a {
		o1, o2 := a+(1-tau)*(b-a), a+tau*(b-a)
		f1, f2 := f(o1), math.Inf(1)
		if len(o.ws) < evals {
			f2 = f(o2)
		}
		for i := 0; len(o.ws) < evals; i++ {
			if f1 > f2 || (f1 == f2 && i%2 == 1) {
				a, o1, f1 = o1, o2, f2
				o2 = a + tau*(b-a)
				f2 = f(o2)
			} else {
				b, o2, f2 = o2, o1, f1
				o1 = a + (1-tau)*(b-a)
				f1 = f(o1)
			}
		}
	}
	if ferr != nil {
		return 0, ferr
	}
	best := slices.Min(o.fs)
	wlo, whi := math.Inf(1), math.Inf(-1)
	for i, v := range o.fs {
		if v == best {
			wlo, whi = math.Min(wlo, o.ws[i]), math.Max(whi, o.ws[i])
		}
	}
	return 0.5 * (wlo + whi), nil
}

// Observe does nothing.
func (*Oracle) Observe(int) {}

// argminRange returns the first and last index of the minimum of v.
func argminRange(v []float64) (lo, hi int) {
	m := slices.Min(v)
	lo, hi = -1, -1
	for i, x := range v {
		if x == m {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	return lo, hi
}
