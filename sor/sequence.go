package sor

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/kkt-go/kkt/matrix"
)

// Instance is one linear system A x = b of a sequence together with its
// context, the side information a contextual tuner may use.
type Instance struct {
	A *sparse.CSR
	B []float64
	// X0 is the starting vector (nil: zero). The heat sequence sets it to
	// the previous time step's solution (a warm start).
	X0 []float64
	// Context holds the context features (the paper uses one: the diagonal
	// shift c, or the diffusion coefficient κ(t)). May be empty.
	Context []float64
}

// Sequence produces linear systems one at a time. Next receives the
// solution of the previous instance (nil for the first; sequences whose
// systems depend on earlier solutions, such as a time-stepping simulation,
// use it) and returns io.EOF after the last instance. The returned Instance
// and its slices may be reused by the next call.
type Sequence interface {
	Next(prev []float64) (*Instance, error)
}

// SequenceFunc adapts a callback to the Sequence interface.
type SequenceFunc func(prev []float64) (*Instance, error)

// Next calls f.
func (f SequenceFunc) Next(prev []float64) (*Instance, error) { return f(prev) }

// Shift distributions of the paper's model problem: c = Lo + Width·Beta(α, β).
var (
	// HighVariance is c = −0.15 + 0.6·Beta(0.5, 1.5) (scripts/learning.m).
	HighVariance = ShiftDist{Alpha: 0.5, Beta: 1.5, Lo: -0.15, Width: 0.6}
	// LowVariance is c = −0.15 + 0.6·Beta(2, 6).
	LowVariance = ShiftDist{Alpha: 2, Beta: 6, Lo: -0.15, Width: 0.6}
)

// ShiftDist is the distribution Lo + Width·Beta(Alpha, Beta) of the diagonal shift.
type ShiftDist struct {
	Alpha, Beta, Lo, Width float64
}

// ShiftedLaplacian is the paper's first sequence: A_t = A + c_t I with A the
// 5-point Laplacian on a Grid×Grid interior grid (MATLAB
// delsq(numgrid('S', Grid+2)); Grid = 10 in the paper, n = 100), c_t drawn
// from Dist and b_t a standard Gaussian vector radially truncated to
// ‖b‖ ≤ √n by rejection (utils/truncated_normal.m). The context is (c_t).
// Every system is solved from x₀ = 0.
type ShiftedLaplacian struct {
	Grid  int
	Dist  ShiftDist
	Count int // number of instances
	Rand  *rand.Rand

	base *sparse.CSR
	beta distuv.Beta
	t    int
	in   Instance
	ctx  [1]float64
}

// NewShiftedLaplacian returns the sequence of count instances of the paper's
// model problem on a grid×grid interior grid, drawing from rng.
func NewShiftedLaplacian(grid int, dist ShiftDist, count int, rng *rand.Rand) *ShiftedLaplacian {
	if grid < 1 || count < 0 || rng == nil {
		panic("sor: NewShiftedLaplacian: need grid ≥ 1, count ≥ 0 and a non-nil rng")
	}
	s := &ShiftedLaplacian{Grid: grid, Dist: dist, Count: count, Rand: rng}
	s.base = matrix.Poisson2D(grid, grid)
	s.beta = distuv.Beta{Alpha: dist.Alpha, Beta: dist.Beta, Src: rng}
	return s
}

// Next draws the next instance (prev is ignored: the instances are i.i.d.).
func (s *ShiftedLaplacian) Next(prev []float64) (*Instance, error) {
	if s.t >= s.Count {
		return nil, io.EOF
	}
	s.t++
	c := s.Dist.Lo + s.Dist.Width*s.beta.Rand()
	n := s.Grid * s.Grid
	s.in.A = matrix.AddDiag(s.base, c)
	s.in.B = TruncatedNormal(s.in.B, n, s.Rand)
	s.ctx[0] = c
	s.in.Context = s.ctx[:]
	s.in.X0 = nil
	return &s.in, nil
}

// TruncatedNormal fills dst (allocating when its capacity is below n) with
// a standard Gaussian vector conditioned on ‖b‖₂ ≤ √n, by rejection.
func TruncatedNormal(dst []float64, n int, rng *rand.Rand) []float64 {
	dst = growF(dst, n)
	lim := float64(n)
	for {
		var ss float64
		for i := range dst {
			v := rng.NormFloat64()
			dst[i] = v
			ss += v * v
		}
		if ss <= lim {
			return dst
		}
	}
}

// Heat is the paper's second sequence (utils/Heat2D.m, scripts/h2d.m): the
// 2-D heat equation u_t = κ(t) Δu + f(t, x) on the unit square with zero
// Dirichlet boundary, discretised by the 5-point Laplacian L_h on an
// (nx−1)×(nx−1) interior grid (dx = 1/nx) and stepped by Crank–Nicolson:
//
//	(I − ½ κ(t+dt/2) dt L_h) u⁺ = (I + ½ κ(t+dt/2) dt L_h) u + dt f(t+dt/2, ·)
//
// with κ(t) = max(0.1 sin 2πt, −10 sin 2πt), forcing
// f(t, x) = 32 bump(x; (½ + cos(16πt)/4, ½ + sin(16πt)/4), 0.125), initial
// condition bump(x; (½, ½), 0.25), bump(x; c, r) = exp(1 − 1/(1 − min(1,
// ‖x−c‖²/r²))). Unknown k = i·(nx−1) + j sits at (x, y) = ((i+1)dx, (j+1)dx).
// The system matrix is I + s·P with P = matrix.Poisson2D(nx−1, nx−1) and
// s = κ dt/(2dx²), which is matrix.HeatCN2D(nx−1, κ, dt); Heat updates one
// matrix in place instead of allocating a new one per step, so the Instance
// returned by Next is overwritten by the following call. The context is κ(t)
// at the start of the step (as h2d.m passes pde.coefficient(pde.t)), and X0
// is the current state u (warm start). Next advances the state to prev, the
// solution of the previous step.
type Heat struct {
	NX    int     // grid parameter: (NX−1)² unknowns
	Steps int     // number of time steps (5000 in the paper)
	Dt    float64 // time step (stop time 5 / 5000 = 1e-3)

	p      *sparse.CSR // Poisson2D pattern
	a      *sparse.CSR // I + sP, values updated in place
	pdata  []float64
	adata  []float64
	dpos   []int
	coords [][2]float64
	u, b   []float64
	t      float64
	step   int
	in     Instance
	ctx    [1]float64
}

// HeatCoefficient is the paper's diffusion coefficient κ(t) = max(0.1 sin 2πt, −10 sin 2πt).
func HeatCoefficient(t float64) float64 {
	s := math.Sin(2 * math.Pi * t)
	return math.Max(0.1*s, -10*s)
}

// Bump is exp(1 − 1/(1 − min(1, ‖x − c‖²/r²))) in two dimensions.
func Bump(x, y, cx, cy, r float64) float64 {
	d := ((x-cx)*(x-cx) + (y-cy)*(y-cy)) / (r * r)
	if d >= 1 {
		return 0
	}
	return math.Exp(1 - 1/(1-d))
}

// NewHeat returns the heat sequence with nx−1 interior points per side,
// steps time steps and stop time stop (dt = stop/steps).
func NewHeat(nx, steps int, stop float64) *Heat {
	if nx < 2 || steps < 0 || !(stop > 0) {
		panic("sor: NewHeat: need nx ≥ 2, steps ≥ 0 and stop > 0")
	}
	m := nx - 1
	h := &Heat{NX: nx, Steps: steps, Dt: stop / float64(steps)}
	h.p = matrix.Poisson2D(m, m)
	// A gets its own copy of the pattern (the diagonal is already present).
	raw := h.p.RawMatrix()
	h.a = sparse.NewCSR(m*m, m*m, append([]int(nil), raw.Indptr...), append([]int(nil), raw.Ind...), make([]float64, len(raw.Data)))
	h.pdata = raw.Data
	h.adata = h.a.RawMatrix().Data
	n := m * m
	h.dpos = make([]int, n)
	for i := 0; i < n; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			if raw.Ind[k] == i {
				h.dpos[i] = k
			}
		}
	}
	dx := 1 / float64(nx)
	h.coords = make([][2]float64, n)
	h.u = make([]float64, n)
	h.b = make([]float64, n)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			k := i*m + j
			x, y := float64(i+1)*dx, float64(j+1)*dx
			h.coords[k] = [2]float64{x, y}
			h.u[k] = Bump(x, y, 0.5, 0.5, 0.25)
		}
	}
	return h
}

// Time returns the simulation time at the start of the current step.
func (h *Heat) Time() float64 { return h.t }

// State returns the current temperature vector u (aliased).
func (h *Heat) State() []float64 { return h.u }

// Next advances the state to prev (when not nil) and returns the
// Crank–Nicolson system of the next step.
func (h *Heat) Next(prev []float64) (*Instance, error) {
	if h.step > 0 {
		if prev != nil {
			if len(prev) != len(h.u) {
				return nil, fmt.Errorf("%w: heat: solution has length %d, want %d", ErrBadInput, len(prev), len(h.u))
			}
			copy(h.u, prev)
		}
		h.t += h.Dt
	}
	if h.step >= h.Steps {
		return nil, io.EOF
	}
	h.step++
	half := h.t + 0.5*h.Dt
	nx := float64(h.NX)
	s := 0.5 * HeatCoefficient(half) * h.Dt * nx * nx
	// A = I + sP (P = −dx² L_h), b = (I − sP)u + dt f(half).
	for k, v := range h.pdata {
		h.adata[k] = s * v
	}
	for _, k := range h.dpos {
		h.adata[k]++
	}
	matrix.MulVec(h.b, h.p, h.u)
	cx := 0.5 + math.Cos(16*math.Pi*half)/4
	cy := 0.5 + math.Sin(16*math.Pi*half)/4
	for k := range h.b {
		c := h.coords[k]
		h.b[k] = h.u[k] - s*h.b[k] + h.Dt*32*Bump(c[0], c[1], cx, cy, 0.125)
	}
	h.ctx[0] = HeatCoefficient(h.t)
	h.in = Instance{A: h.a, B: h.b, X0: h.u, Context: h.ctx[:]}
	return &h.in, nil
}

// HeatContextRange returns the context interval [min κ, max κ] over the
// step start times linspace(0, stop, steps), the bin range of h2d.m.
func HeatContextRange(steps int, stop float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := 0; i < steps; i++ {
		t := 0.0
		if steps > 1 {
			t = stop * float64(i) / float64(steps-1)
		}
		k := HeatCoefficient(t)
		lo, hi = math.Min(lo, k), math.Max(hi, k)
	}
	return lo, hi
}
