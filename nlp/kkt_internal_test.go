package nlp

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// testProblem is a small problem with every feature the KKT assembly
// handles: equality and inequality rows (one of them a range), a free row,
// lower, upper, two-sided and fixed variable bounds, nonlinear f and c.
func testProblem() *Funcs {
	var hr, hc []int
	for i := range 5 {
		for j := 0; j <= i; j++ {
			hr, hc = append(hr, i), append(hc, j)
		}
	}
	inf := math.Inf(1)
	return &Funcs{
		Vars: 5, Cons: 4,
		F: func(x []float64) float64 {
			return x[0]*x[0]*x[1] + math.Exp(0.3*x[2]) + x[3]*x[4] + 0.5*x[4]*x[4] + math.Sin(x[0])
		},
		Grad: func(g, x []float64) {
			g[0] = 2*x[0]*x[1] + math.Cos(x[0])
			g[1] = x[0] * x[0]
			g[2] = 0.3 * math.Exp(0.3*x[2])
			g[3] = x[4]
			g[4] = x[3] + x[4]
		},
		C: func(c, x []float64) {
			c[0] = x[0]*x[1] + x[2]*x[2] // equality
			c[1] = x[0] + x[1]*x[1]*x[1] // ≥
			c[2] = x[2]*x[3] - x[4]      // range
			c[3] = x[0] * x[4]           // free
		},
		JacRows: []int{0, 0, 0, 1, 1, 2, 2, 2, 3, 3},
		JacCols: []int{0, 1, 2, 0, 1, 2, 3, 4, 0, 4},
		JacValues: func(v, x []float64) {
			v[0], v[1], v[2] = x[1], x[0], 2*x[2]
			v[3], v[4] = 1, 3*x[1]*x[1]
			v[5], v[6], v[7] = x[3], x[2], -1
			v[8], v[9] = x[4], x[0]
		},
		HessRows: hr, HessCols: hc,
		HessValues: func(v, x []float64, s float64, y []float64) {
			var y0, y1, y2, y3 float64
			if y != nil {
				y0, y1, y2, y3 = y[0], y[1], y[2], y[3]
			}
			clear(v)
			at := func(i, j int) *float64 { return &v[i*(i+1)/2+j] }
			*at(0, 0) = s * (2*x[1] - math.Sin(x[0]))
			*at(1, 0) = s*2*x[0] + y0
			*at(2, 2) = s*0.09*math.Exp(0.3*x[2]) + 2*y0
			*at(4, 3) = s
			*at(4, 4) = s
			*at(1, 1) = 6 * y1 * x[1]
			*at(3, 2) = y2
			*at(4, 0) = y3
		},
		XLower: []float64{-2, math.Inf(-1), 0.5, 1, math.Inf(-1)},
		XUpper: []float64{2, 3, inf, 1, inf},
		CLower: []float64{1, 0.2, -1, math.Inf(-1)},
		CUpper: []float64{1, inf, 2, inf},
		Start:  []float64{0.5, 1, 1, 1, 0.2},
	}
}

func TestFuncsDerivativesFD(t *testing.T) {
	p := testProblem()
	x := []float64{0.3, 0.7, 1.2, 1, -0.4}
	y := []float64{0.5, -1.5, 0.7, 2}
	n, m := p.N(), p.M()
	const h = 1e-6
	g := make([]float64, n)
	p.Gradient(g, x)
	jac := p.Jacobian(x)
	J := make([]float64, m*n)
	jr := jac.RawMatrix()
	for r := range m {
		for k := jr.Indptr[r]; k < jr.Indptr[r+1]; k++ {
			J[r*n+jr.Ind[k]] = jr.Data[k]
		}
	}
	hr := p.HessLag(x, y).RawMatrix()
	H := make([]float64, n*n)
	for i := range n {
		for k := hr.Indptr[i]; k < hr.Indptr[i+1]; k++ {
			H[i*n+hr.Ind[k]] = hr.Data[k]
		}
	}
	gl := func(x []float64) []float64 { // ∇L
		d := make([]float64, n)
		p.Gradient(d, x)
		jr := p.Jacobian(x).RawMatrix()
		for r := range m {
			for k := jr.Indptr[r]; k < jr.Indptr[r+1]; k++ {
				d[jr.Ind[k]] += y[r] * jr.Data[k]
			}
		}
		return d
	}
	c0, c1 := make([]float64, m), make([]float64, m)
	for j := range n {
		xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
		xp[j] += h
		xm[j] -= h
		if d := (p.Objective(xp) - p.Objective(xm)) / (2 * h); math.Abs(d-g[j]) > 1e-7 {
			t.Errorf("∂f/∂x%d = %g, FD %g", j, g[j], d)
		}
		p.Constraints(c0, xp)
		p.Constraints(c1, xm)
		for r := range m {
			if d := (c0[r] - c1[r]) / (2 * h); math.Abs(d-J[r*n+j]) > 1e-7 {
				t.Errorf("J[%d,%d] = %g, FD %g", r, j, J[r*n+j], d)
			}
		}
		gp, gm := gl(xp), gl(xm)
		for i := range n {
			if d := (gp[i] - gm[i]) / (2 * h); math.Abs(d-H[i*n+j]) > 1e-6 {
				t.Errorf("∇²L[%d,%d] = %g, FD %g", i, j, H[i*n+j], d)
			}
		}
	}
}

// TestKKTStepAgainstFullSystem checks the reduced, condensed and
// inertia-corrected assembly: the step (Δv, Δy, Δz) of the core must solve
// the full unreduced primal-dual Newton system, assembled independently
// here from finite-difference derivatives of the internal problem.
func TestKKTStepAgainstFullSystem(t *testing.T) {
	for _, mode := range []string{"dense", "condensed", "sparse"} {
		oldC, oldS := condenseMin, sparseMin
		switch mode {
		case "condensed":
			condenseMin = 0
		case "sparse":
			sparseMin = 0
		}
		c := startCore(t, testProblem())
		condenseMin, sparseMin = oldC, oldS
		if (c.sp != nil) != (mode == "sparse") {
			t.Fatalf("%s: sparse path %v", mode, c.sp != nil)
		}
		rng := rand.New(rand.NewPCG(7, 8))
		// A generic interior iterate with nonzero multipliers.
		for i := range c.nv {
			if c.st.hasL[i] {
				c.zl[i] = 0.5 + rng.Float64()
			}
			if c.st.hasU[i] {
				c.zu[i] = 0.5 + rng.Float64()
			}
		}
		for r := range c.me {
			c.y[r] = rng.NormFloat64()
		}
		c.mu = 0.05
		if c.sp != nil {
			c.sp.W = c.spIn.hessXSparse(c.v, c.y, 1)
		} else {
			c.in.hessX(c.W, c.v, c.y, 1)
		}
		dw, ok := c.factorKKT()
		if !ok {
			t.Fatal("factorKKT failed")
		}
		dc := c.pert.dc
		if ok, _ := c.direction(c.h, c.dv, c.dy); !ok {
			t.Fatal("direction failed")
		}
		c.dualStep(c.dv)
		checkFullSystem(t, c, dw, dc, mode)
	}
}

// startCore builds the main core of p at its start point as Solve does.
func startCore(t *testing.T, p Problem) *core {
	t.Helper()
	var got *core
	solveHook = func(c *core) bool { got = c; return false }
	defer func() { solveHook = nil }()
	if _, err := Solve(context.Background(), p, Settings{}); err != nil {
		t.Fatal(err)
	}
	if got == nil {
		t.Fatal("no core")
	}
	return got
}

func checkFullSystem(t *testing.T, c *core, dw, dc float64, condense string) {
	nv, me, nx := c.nv, c.me, c.nx
	st := c.st
	// Unknowns: Δv (nv), Δy (me), Δzl (nv), Δzu (nv).
	N := nv + me + 2*nv
	A := mat.NewDense(N, N, nil)
	b := make([]float64, N)
	// Hessian of the Lagrangian in v by finite differences of ∇_v L.
	gradL := func(v []float64) []float64 {
		g := make([]float64, nv)
		c.in.grad(g, v)
		J := make([]float64, me*nx)
		c.in.jacX(J, v)
		for r := range me {
			for i := range nx {
				g[i] += J[r*nx+i] * c.y[r]
			}
		}
		for k := range c.nd {
			g[nx+k] += st.dcoef[k] * c.y[st.drow[k]]
		}
		return g
	}
	jacV := func(v []float64) *mat.Dense { // ∂h/∂v by finite differences
		h0, h1 := make([]float64, me), make([]float64, me)
		D := mat.NewDense(me, nv, nil)
		for j := range nv {
			vp, vm := append([]float64(nil), v...), append([]float64(nil), v...)
			vp[j] += 1e-6
			vm[j] -= 1e-6
			c.in.cons(h0, vp)
			c.in.cons(h1, vm)
			for r := range me {
				D.Set(r, j, (h0[r]-h1[r])/2e-6)
			}
		}
		return D
	}
	Jv := jacV(c.v)
	for j := range nv {
		vp, vm := append([]float64(nil), c.v...), append([]float64(nil), c.v...)
		vp[j] += 1e-6
		vm[j] -= 1e-6
		gp, gm := gradL(vp), gradL(vm)
		for i := range nv {
			A.Set(i, j, (gp[i]-gm[i])/2e-6)
		}
	}
	g0 := gradL(c.v)
	for i := range nv {
		fixed := i < nx && st.fixed[i]
		if fixed {
			for j := range N {
				A.Set(i, j, 0)
			}
			A.Set(i, i, 1)
			b[i] = 0
		} else {
			A.Set(i, i, A.At(i, i)+dw)
			for r := range me {
				A.Set(i, nv+r, Jv.At(r, i))
			}
			A.Set(i, nv+me+i, -1)
			A.Set(i, 2*nv+me+i, 1)
			r := g0[i] - c.zl[i] + c.zu[i]
			l, u := st.hasL[i], st.hasU[i]
			if l && !u {
				r += kappaD * c.mu
			} else if u && !l {
				r -= kappaD * c.mu
			}
			b[i] = -r
		}
		// Complementarity rows (identity when the bound is absent).
		zr, zu := nv+me+i, 2*nv+me+i
		if st.hasL[i] {
			s := c.slackL(i)
			A.Set(zr, i, c.zl[i])
			A.Set(zr, zr, s)
			b[zr] = c.mu - s*c.zl[i]
		} else {
			A.Set(zr, zr, 1)
		}
		if st.hasU[i] {
			s := c.slackU(i)
			A.Set(zu, i, -c.zu[i])
			A.Set(zu, zu, s)
			b[zu] = c.mu - s*c.zu[i]
		} else {
			A.Set(zu, zu, 1)
		}
	}
	for r := range me {
		for j := range nv {
			if j < nx && st.fixed[j] {
				continue
			}
			A.Set(nv+r, j, Jv.At(r, j))
		}
		A.Set(nv+r, nv+r, -dc)
		b[nv+r] = -c.h[r]
	}
	var x mat.VecDense
	if err := x.SolveVec(A, mat.NewVecDense(N, b)); err != nil {
		t.Fatal(err)
	}
	check := func(name string, got []float64, off int) {
		for i, v := range got {
			w := x.AtVec(off + i)
			if math.Abs(v-w) > 1e-5*(1+math.Abs(w)) {
				t.Errorf("%s: %s[%d] = %.10g, full system %.10g", condense, name, i, v, w)
			}
		}
	}
	check("Δv", c.dv, 0)
	check("Δy", c.dy, nv)
	check("Δzl", c.dzl, nv+me)
	check("Δzu", c.dzu, 2*nv+me)
}

// TestSafeSlack checks IPOPT's slack move (CalculateSafeSlack): a slack
// below s_min = ε·min(1, μ) becomes min(max(μ/z, s_min), max(s, 0) +
// ε^¾·max(1, |b|)), and setSlacks moves the bound to match and keeps the
// corrected slack as the current one.
func TestSafeSlack(t *testing.T) {
	c := &core{mu: 1e-9}
	sMin := epsMach * 1e-9
	if got := c.safeSlack(1e-3, 5, 1); got != 1e-3 {
		t.Errorf("a slack above s_min changed: %g", got)
	}
	// μ/z smaller than the move: the slack becomes μ/z.
	if got, want := c.safeSlack(0, -1e5, 1e6), 1e-9/1e6; got != want {
		t.Errorf("safeSlack(0, -1e5, z=1e6) = %g, want μ/z = %g", got, want)
	}
	// μ/z larger than the move: the move ε^¾ max(1, |b|) limits it.
	if got, want := c.safeSlack(-1e-30, 2, 1e-12), slackMove*2; math.Abs(got-want) > 1e-15*want {
		t.Errorf("safeSlack(<0, 2, z=1e-12) = %g, want slack_move·|b| = %g", got, want)
	}
	// μ/z below s_min: s_min.
	if got := c.safeSlack(0, 1, 1e20); got != sMin {
		t.Errorf("safeSlack with huge z = %g, want s_min = %g", got, sMin)
	}

	st := &structure{nx: 3, vl: []float64{-1e5, 0, 0}, vu: []float64{math.Inf(1), 1, math.Inf(1)},
		hasL: []bool{true, true, true}, hasU: []bool{false, true, false}}
	c = &core{mu: 1e-9, st: st, nv: 3, v: []float64{-1e5, 0.5, 0}, sl: make([]float64, 3), su: make([]float64, 3)}
	zl, zu := []float64{1e6, 1, 1}, []float64{0, 1, 0}
	if moved := c.setSlacks(zl, zu); moved != 2 {
		t.Fatalf("setSlacks moved %d bounds, want 2", moved)
	}
	// x at −1e5: the slack μ/z = 1e-15 is below the spacing of doubles
	// there; the bound stays put in floating point but the current slack
	// is the corrected value (as IPOPT's cached slack).
	if want := 1e-15; c.sl[0] != want || st.vl[0] != -1e5-1e-15 {
		t.Errorf("current slack %g, bound %.17g; want μ/z = %g and the bound −1e5 − 1e-15", c.sl[0], st.vl[0], want)
	}
	// x at 0 with z = 1: μ/z = 1e-9 is above the move ε^¾, so the slack
	// becomes ε^¾ and the bound moves to −ε^¾.
	if c.sl[2] != slackMove || st.vl[2] != -slackMove {
		t.Errorf("slack %g, bound %g; want %g and %g", c.sl[2], st.vl[2], slackMove, -slackMove)
	}
	if c.sl[1] != 0.5 || c.su[1] != 0.5 || st.vl[1] != 0 || st.vu[1] != 1 {
		t.Errorf("a bound with a large slack changed: sl=%g su=%g vl=%g vu=%g", c.sl[1], c.su[1], st.vl[1], st.vu[1])
	}
}

// TestScalingAtUserStart checks that the gradient-based scaling is taken at
// the user's start point, before the push into the bounds, over the free
// variables only (IPOPT determines it when it sets up the problem): f =
// 50x₁² + 1000x₂ with x₂ fixed, x₁ ∈ [−1, 1] starting at 10 has ‖∇f‖∞ over
// the free variable 1000 there (df = 0.1) and 99 at the pushed point 0.99.
func TestScalingAtUserStart(t *testing.T) {
	p := &Funcs{
		Vars:     2,
		F:        func(x []float64) float64 { return 50*x[0]*x[0] + 1000*x[1] },
		Grad:     func(g, x []float64) { g[0], g[1] = 100*x[0], 1000 },
		HessRows: []int{0}, HessCols: []int{0},
		HessValues: func(v, x []float64, s float64, y []float64) { v[0] = 100 * s },
		XLower:     []float64{-1, 2}, XUpper: []float64{1, 2},
		Start: []float64{10, 2},
	}
	c := startCore(t, p)
	if want := 0.1; math.Abs(c.mainQ.df-want) > 1e-15 {
		t.Errorf("df = %g, want %g (100/‖∇f(x₀)‖∞ at the unpushed start, fixed variable excluded)", c.mainQ.df, want)
	}
	if math.Abs(c.v[0]-0.99) > 1e-7 {
		t.Errorf("pushed start %g, want 0.99 (up to the bound relaxation)", c.v[0])
	}
}
