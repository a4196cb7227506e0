package bilevelrepro

// An independent oracle for the hyper-cleaning bilevel problem: the exact
// hypergradient of ψ(c) = F(y*(c)) by implicit differentiation of the
// lower level's optimality condition, and an L-BFGS descent on ψ to a
// stationary point. The lower level is solved exactly by
// bilevel.SVMTask.SolveLower; nothing here uses the penalty method.
//
// Derivation. With v = (w, b), ã_i = (a_i, 1) and the hinge
// h_i(v) = max(0, 1 − t_i ã_iᵀv), the lower level is
//
//	min_v L(v, c) = ½‖w‖² + ½ Σ_i e^{c_i} h_i(v)²,
//
// whose gradient is ∇_v L = Dv − Σ_i e^{c_i} h_i t_i ã_i with D = diag(1, …, 1, 0)
// (b is not regularized). On the active set A = {i : h_i > 0}, which is
// locally constant away from the kinks h_i = 0, ∂h_i/∂v = −t_i ã_i, so
//
//	∂(∇_v L)/∂v   = D + Σ_{i∈A} e^{c_i} ã_i ã_iᵀ =: H   (t_i² = 1),
//	∂(∇_v L)/∂c_j = −e^{c_j} h_j t_j ã_j              (0 for j ∉ A).
//
// Differentiating ∇_v L(v*(c), c) = 0 in c_j gives H ∂v*/∂c_j = e^{c_j} h_j t_j ã_j,
// hence with u = H⁻¹ ∇_v F (one solve; H is symmetric positive definite when
// A is not empty)
//
//	∂ψ/∂c_j = e^{c_j} h_j t_j ã_jᵀ u.
//
// Sign check: raising the weight of an active sample pulls v towards
// satisfying its margin, i.e. increases t_j ã_jᵀv; indeed
// t_j ã_jᵀ ∂v/∂c_j = e^{c_j} h_j ã_jᵀH⁻¹ã_j > 0. TestHyperGradFD checks the
// formula against central differences of ψ.

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kkt-go/kkt/bilevel"
	"github.com/kkt-go/kkt/solver"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// hyperOracle evaluates ψ(c) = F(y*(c)) and ∇ψ(c) for an SVMTask.
type hyperOracle struct {
	task  *bilevel.SVMTask
	p     *bilevel.Problem
	d, n  int
	gy    []float64 // ∇_y F, length d+1+n
	evals int       // lower-level solves
}

func newHyperOracle(task *bilevel.SVMTask) (*hyperOracle, error) {
	p, err := task.Problem()
	if err != nil {
		return nil, err
	}
	d, n := task.Dims()
	return &hyperOracle{task: task, p: p, d: d, n: n, gy: make([]float64, p.M)}, nil
}

// psi solves the lower level at c and returns ψ(c) and y*(c) = (w, b, ξ).
func (o *hyperOracle) psi(c []float64) (float64, []float64, error) {
	o.evals++
	y, err := o.task.SolveLower(c)
	if err != nil {
		return math.NaN(), nil, err
	}
	return o.p.Upper.Value(c, y), y, nil
}

// grad writes ∇ψ(c) to dst, given y = y*(c) from psi.
func (o *hyperOracle) grad(dst, c, y []float64) error {
	jt, err := o.adjoint(c, y)
	if err != nil {
		return err
	}
	o.p.Upper.GradY(o.gy, c, y)
	return jt(dst, o.gy[:o.d+1])
}

// adjoint factors H at y = y*(c) and returns the map gv ↦ (∂v*/∂c)ᵀgv,
// dst_j = e^{c_j} h_j t_j ã_jᵀ H⁻¹ gv (0 for j ∉ A), for gv ∈ R^{d+1}.
func (o *hyperOracle) adjoint(c, y []float64) (func(dst, gv []float64) error, error) {
	d, p := o.d, o.d+1
	xi := y[d+1:] // the hinges h_i
	var act []int
	for i, h := range xi {
		if h > 0 {
			act = append(act, i)
		}
	}
	if len(act) == 0 {
		return nil, errors.New("hypergradient: no active sample, H is singular in b")
	}
	// H = D + BᵀB with the rows of B = √e^{c_i} ã_i, i ∈ A
	bm := mat.NewDense(len(act), p, nil)
	for r, i := range act {
		row := bm.RawRowView(r)
		s := math.Exp(0.5 * c[i])
		floats.ScaleTo(row[:d], s, o.task.Train.RawRowView(i))
		row[d] = s
	}
	h := mat.NewSymDense(p, nil)
	h.SymOuterK(1, bm.T())
	for j := 0; j < d; j++ {
		h.SetSym(j, j, h.At(j, j)+1)
	}
	var ch mat.Cholesky
	if !ch.Factorize(h) {
		return nil, errors.New("hypergradient: H is not positive definite")
	}
	var u mat.VecDense
	return func(dst, gv []float64) error {
		if err := ch.SolveVecTo(&u, mat.NewVecDense(p, gv)); err != nil {
			return err
		}
		uw, ub := u.RawVector().Data[:d], u.AtVec(d)
		clear(dst)
		for _, i := range act {
			dst[i] = math.Exp(c[i]) * xi[i] * o.task.TTrain[i] * (floats.Dot(o.task.Train.RawRowView(i), uw) + ub)
		}
		return nil
	}, nil
}

// kinkStationarity measures stationarity of ψ at c (y = y*(c)) as a
// nonsmooth function. F = Σ_j ℓ(s_j) with ℓ the LeakyReLU (slopes 0.01 and
// 1, convex) and s_j = 2·sigmoid(−5 t_j(wᵀa_j + b)/‖w‖) − 1, so on a piece
// where the lower active set is fixed the Clarke subdifferential of ψ is
//
//	∂ψ(c) = { Jᵀ(Σ_{j∉K} ℓ'(s_j)∇s_j + Σ_{j∈K} θ_j ∇s_j) : θ_j ∈ [0.01, 1] },
//
// J = ∂v*/∂c, K = {j : s_j = 0}. With K = {j : |s_j| ≤ delta} it returns
// the norm of the least-norm element of that set (a box-constrained least
// squares problem in |K| variables, solved by cyclic coordinate descent),
// |K|, the norm of the one-sided gradient ∇ψ as grad computes it, and the
// number of training samples with |1 − t_i(wᵀa_i + b)| ≤ delta, whose hinge
// kinks this measure does not cover.
func (o *hyperOracle) kinkStationarity(c, y []float64, delta float64) (meas float64, nk int, gnorm float64, lowerKinks int, err error) {
	d := o.d
	jt, err := o.adjoint(c, y)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	w, b := y[:d], y[d]
	wn := floats.Norm(w, 2)
	nv, _ := o.task.Val.Dims()
	g0 := make([]float64, d+1)
	gs := make([]float64, d+1)
	var rs [][]float64
	for j := 0; j < nv; j++ {
		a := o.task.Val.RawRowView(j)
		raw := floats.Dot(w, a) + b
		sg := 1 / (1 + math.Exp(5*o.task.TVal[j]*raw/wn))
		sj := 2*sg - 1
		// ∇s_j = 2σ(1 − σ)·∇u, u = −5 t_j raw/‖w‖
		k := 2 * sg * (1 - sg) * (-5) * o.task.TVal[j] / wn
		floats.ScaleTo(gs[:d], k, a)
		floats.AddScaled(gs[:d], -k*raw/(wn*wn), w)
		gs[d] = k
		switch {
		case math.Abs(sj) <= delta:
			r := make([]float64, o.n)
			if err := jt(r, gs); err != nil {
				return 0, 0, 0, 0, err
			}
			rs = append(rs, r)
		case sj > 0:
			floats.Add(g0, gs)
		default:
			floats.AddScaled(g0, 0.01, gs)
		}
	}
	q := make([]float64, o.n)
	if err := jt(q, g0); err != nil {
		return 0, 0, 0, 0, err
	}
	theta := make([]float64, len(rs))
	for j, r := range rs { // start at θ = 1 (the slope grad uses at s = 0)
		theta[j] = 1
		floats.Add(q, r)
	}
	for sweep := 0; sweep < 2000 && len(rs) > 0; sweep++ {
		moved := 0.0
		for j, r := range rs {
			rr := floats.Dot(r, r)
			if rr == 0 {
				continue
			}
			nt := math.Min(1, math.Max(0.01, theta[j]-floats.Dot(q, r)/rr))
			floats.AddScaled(q, nt-theta[j], r)
			moved = math.Max(moved, math.Abs(nt-theta[j]))
			theta[j] = nt
		}
		if moved < 1e-14 {
			break
		}
	}
	gf := make([]float64, o.n)
	if err := o.grad(gf, c, y); err != nil {
		return 0, 0, 0, 0, err
	}
	for i := 0; i < o.n; i++ {
		if math.Abs(1-o.task.TTrain[i]*(floats.Dot(w, o.task.Train.RawRowView(i))+b)) <= delta {
			lowerKinks++
		}
	}
	return floats.Norm(q, 2), len(rs), floats.Norm(gf, 2), lowerKinks, nil
}

// psiIter is one recorded iterate of psiLBFGS.
type psiIter struct {
	Iter     int
	Psi      float64
	GradNorm float64 // ‖∇ψ(c)‖₂
	C, Y     []float64
}

// psiLBFGSSettings are the settings of psiLBFGS (zero values: Mem 10,
// MaxIter 2000, Tol 1e-2, MaxStep 1).
type psiLBFGSSettings struct {
	Mem      int
	MaxIter  int
	Tol      float64 // stop when ‖∇ψ‖₂ ≤ Tol
	MaxStep  float64 // cap on ‖Δc‖∞ of the first trial step of each line search
	Every    int     // call Recorder every Every iterations (and at the start and the end)
	Recorder solver.Recorder[psiIter]
}

type psiLBFGSResult struct {
	C, Y     []float64
	Psi      float64
	GradNorm float64
	Iter     int
	Status   solver.Status
}

// psiLBFGS minimizes ψ from c0 by L-BFGS (two-loop recursion, memory Mem)
// with the weak Wolfe line search of Lewis and Overton ("Nonsmooth
// optimization via quasi-Newton methods", Math. Program. 141, 2013):
// bisection and doubling until ψ(c + t·d) ≤ ψ(c) + 1e-4·t·∇ψᵀd and
// ∇ψ(c + t·d)ᵀd ≥ 0.9·∇ψᵀd, at most 60 trials, the first trial the full
// quasi-Newton step shortened so that ‖Δc‖∞ ≤ MaxStep. ψ is nonconvex and
// only piecewise smooth (it has kinks where a validation sample crosses the
// decision boundary, the kink of LeakyReLU, and where a training sample's
// hinge becomes active), which is why the line search is the weak Wolfe one
// that Lewis and Overton use for nonsmooth functions. A pair (s, y) with
// sᵀy ≤ 1e-10‖s‖‖y‖ is skipped; the direction falls back to −∇ψ (memory
// cleared) when it is not a descent direction. A trial at which the lower
// solve fails is treated as a failed sufficient-decrease test.
//
// It stops with Converged when ‖∇ψ‖₂ ≤ Tol; MaxIterations at the cap;
// Stagnated when ψ decreased by less than 1e-10·(1 + |ψ|) over the last 20
// iterations (at a kink of ψ the gradient of the smooth piece need not be
// small); LineSearchFailed when no trial along −∇ψ decreases ψ enough;
// NumericalFailure when the lower level or H fails at the start.
func psiLBFGS(o *hyperOracle, c0 []float64, s psiLBFGSSettings) psiLBFGSResult {
	if s.Mem == 0 {
		s.Mem = 10
	}
	if s.MaxIter == 0 {
		s.MaxIter = 2000
	}
	if s.Tol == 0 {
		s.Tol = 1e-2
	}
	if s.MaxStep == 0 {
		s.MaxStep = 1
	}
	n := len(c0)
	c := append([]float64(nil), c0...)
	f, y, err := o.psi(c)
	res := psiLBFGSResult{}
	if err != nil {
		res.Status = solver.NumericalFailure
		return res
	}
	g := make([]float64, n)
	if err := o.grad(g, c, y); err != nil {
		res.Status = solver.NumericalFailure
		return res
	}
	var ss, ys [][]float64
	var rho []float64
	dir, ct, gt, alpha := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, s.Mem)
	cl, gl := make([]float64, n), make([]float64, n) // the last Armijo point of a failed search
	record := func(k int) bool {
		if s.Recorder == nil {
			return true
		}
		return s.Recorder(psiIter{Iter: k, Psi: f, GradNorm: floats.Norm(g, 2), C: c, Y: y})
	}
	hist := []float64{f}
	k := 0
	if !record(0) {
		res.Status = solver.Canceled
	}
	for res.Status == solver.NotTerminated {
		gn := floats.Norm(g, 2)
		if gn <= s.Tol {
			res.Status = solver.Converged
			break
		}
		if k >= s.MaxIter {
			res.Status = solver.MaxIterations
			break
		}
		if k >= 20 && hist[k-20]-f <= 1e-10*(1+math.Abs(f)) {
			res.Status = solver.Stagnated
			break
		}
		// two-loop recursion: dir = −H_k g
		copy(dir, g)
		for i := len(ss) - 1; i >= 0; i-- {
			alpha[i] = rho[i] * floats.Dot(ss[i], dir)
			floats.AddScaled(dir, -alpha[i], ys[i])
		}
		if m := len(ss); m > 0 {
			floats.Scale(floats.Dot(ss[m-1], ys[m-1])/floats.Dot(ys[m-1], ys[m-1]), dir)
		}
		for i := range ss {
			b := rho[i] * floats.Dot(ys[i], dir)
			floats.AddScaled(dir, alpha[i]-b, ss[i])
		}
		floats.Scale(-1, dir)
		slope := floats.Dot(g, dir)
		if !(slope < 0) {
			ss, ys, rho = nil, nil, nil
			floats.ScaleTo(dir, -1, g)
			slope = -gn * gn
		}
		t := 1.0
		if m := floats.Norm(dir, math.Inf(1)); m > s.MaxStep {
			t = s.MaxStep / m
		}
		lo, hi := 0.0, math.Inf(1)
		var ft, fl float64
		var yt, yl []float64
		ok := false
		for ls := 0; ls < 60; ls++ {
			floats.AddScaledTo(ct, c, t, dir)
			var err error
			ft, yt, err = o.psi(ct)
			if err == nil && ft <= f+1e-4*t*slope {
				if err = o.grad(gt, ct, yt); err == nil {
					if floats.Dot(gt, dir) >= 0.9*slope {
						ok = true
						break
					}
					lo = t
					copy(cl, ct)
					copy(gl, gt)
					fl, yl = ft, yt
				} else {
					hi = t
				}
			} else {
				hi = t
			}
			if math.IsInf(hi, 1) {
				t = 2 * lo
			} else {
				t = (lo + hi) / 2
			}
		}
		if !ok && lo > 0 { // sufficient decrease without the curvature condition
			copy(ct, cl)
			copy(gt, gl)
			ft, yt, ok = fl, yl, true
		}
		if !ok {
			if len(ss) > 0 { // retry along −∇ψ with the memory cleared
				ss, ys, rho = nil, nil, nil
				continue
			}
			res.Status = solver.LineSearchFailed
			break
		}
		sv, yv := make([]float64, n), make([]float64, n)
		floats.SubTo(sv, ct, c)
		floats.SubTo(yv, gt, g)
		if sy := floats.Dot(sv, yv); sy > 1e-10*floats.Norm(sv, 2)*floats.Norm(yv, 2) {
			if len(ss) == s.Mem {
				ss, ys, rho = ss[1:], ys[1:], rho[1:]
			}
			ss, ys, rho = append(ss, sv), append(ys, yv), append(rho, 1/sy)
		}
		copy(c, ct)
		copy(g, gt)
		f, y = ft, yt
		hist = append(hist, f)
		k++
		if s.Every > 0 && k%s.Every == 0 && !record(k) {
			res.Status = solver.Canceled
		}
	}
	if s.Every <= 0 || k%s.Every != 0 {
		record(k)
	}
	res.C, res.Y, res.Psi, res.GradNorm, res.Iter = c, y, f, floats.Norm(g, 2), k
	return res
}

// syntheticCleaning is a small hyper-cleaning instance: 40 training samples
// (a quarter of their labels flipped), 30 validation and 30 test samples
// in 5 dimensions from bilevel.SyntheticSVM, and the reference start
// c⁰ ~ U(−6, −5).
func syntheticCleaning(t testing.TB) (*bilevel.SVMTask, []float64, []bool) {
	rng := rand.New(rand.NewPCG(7, 21))
	a, l := bilevel.SyntheticSVM(100, 5, rng)
	task, err := bilevel.SplitSVM(a, l, 40, 30, rng)
	if err != nil {
		t.Fatal(err)
	}
	flipped := make([]bool, 40)
	for _, i := range rng.Perm(40)[:10] {
		flipped[i] = true
		task.TTrain[i] = -task.TTrain[i]
	}
	return task, task.InitialWeights(rng), flipped
}

// TestHyperGradFD checks the implicit hypergradient against central
// differences of ψ (each a fresh SolveLower) on every coordinate, at the
// reference start c⁰ (every sample active: ‖w‖ is small) and at a point
// with large weights on the clean samples, where some samples are inactive.
//
// Tolerance. The central difference D_h has truncation error h²·|ψ⁽³⁾|/6
// and rounding error ≈ δψ/h, where δψ is the error of ψ from the lower
// solve (SolveLower stops at ‖∇L‖ ≤ 1e-12(1 + ‖v‖)). With h = 1e-5 both are
// far below 1e-7 here: the test also measures |D_h − D_{h/10}|, an estimate
// of the difference error, and requires it to be below 1e-7·(1 + ‖∇ψ‖∞) so
// that the comparison is meaningful. A sign error, a missing factor e^{c_j},
// h_j or t_j, or a wrong H changes entries by O(‖∇ψ‖) and fails.
func TestHyperGradFD(t *testing.T) {
	task, c0, flipped := syntheticCleaning(t)
	o, err := newHyperOracle(task)
	if err != nil {
		t.Fatal(err)
	}
	n := len(c0)
	c1 := make([]float64, n)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range c1 {
		c1[i] = c0[i] + 8 + 4*rng.Float64() // weights e^2 … e^7
		if flipped[i] {
			c1[i] -= 8 // a cleaning-like point: flipped samples down-weighted
		}
	}
	const h = 1e-5
	for _, pt := range []struct {
		name         string
		c            []float64
		someInactive bool // the point must exercise j ∉ A (∂ψ/∂c_j = 0)
	}{{"c⁰", c0, false}, {"perturbed", c1, true}} {
		_, y, err := o.psi(pt.c)
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float64, n)
		if err := o.grad(g, pt.c, y); err != nil {
			t.Fatal(err)
		}
		active := 0
		for _, xi := range y[o.d+1:] {
			if xi > 0 {
				active++
			}
		}
		gmax := floats.Norm(g, math.Inf(1))
		diff := func(j int, h float64) float64 {
			c := append([]float64(nil), pt.c...)
			c[j] = pt.c[j] + h
			fp, yp, err1 := o.psi(c)
			c[j] = pt.c[j] - h
			fm, ym, err2 := o.psi(c)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			for i := range y[o.d+1:] { // ψ must be smooth on the segment
				if (y[o.d+1+i] > 0) != (yp[o.d+1+i] > 0) || (y[o.d+1+i] > 0) != (ym[o.d+1+i] > 0) {
					t.Fatalf("%s: the active set changes within ±h of coordinate %d", pt.name, j)
				}
			}
			return (fp - fm) / (2 * h)
		}
		var worst, worstEst float64
		for j := 0; j < n; j++ {
			d1, d2 := diff(j, h), diff(j, h/10)
			worst = math.Max(worst, math.Abs(d1-g[j]))
			worstEst = math.Max(worstEst, math.Abs(d1-d2))
		}
		t.Logf("%s: %d of %d samples active, ‖∇ψ‖∞ %.4g, max |FD − ∇ψ| %.3g, FD error estimate %.3g", pt.name, active, n, gmax, worst, worstEst)
		if pt.someInactive && active == n {
			t.Fatalf("%s: every sample is active; the point does not test j ∉ A", pt.name)
		}
		if gmax < 1e-3 {
			t.Fatalf("%s: ‖∇ψ‖∞ = %g: the check would be vacuous", pt.name, gmax)
		}
		if worstEst > 1e-7*(1+gmax) {
			t.Fatalf("%s: finite-difference error estimate %g too large for the check", pt.name, worstEst)
		}
		if worst > 1e-6*(1+gmax) {
			t.Errorf("%s: max |FD − ∇ψ| = %g > 1e-6·(1 + ‖∇ψ‖∞)", pt.name, worst)
		}
	}
}

// TestPsiLBFGS runs the descent on the small instance. Its minimizer lies
// on a kink of ψ (validation samples exactly on the decision boundary, the
// kink of LeakyReLU), where the one-sided gradient stays of order 1e-2; the
// run must stop there (Stagnated) or at ‖∇ψ‖ ≤ 1e-6, with ψ decreasing
// between iterations and the least-norm Clarke subgradient over the kinks
// (kinkStationarity, δ = 1e-8) below 1e-5, which is 2·10⁶ times smaller than
// ‖∇ψ(c⁰)‖ ≈ 22. With δ = 0 the measure must equal ‖∇ψ‖, a check of
// kinkStationarity's per-sample derivatives against the Upper of the
// problem.
func TestPsiLBFGS(t *testing.T) {
	task, c0, _ := syntheticCleaning(t)
	o, err := newHyperOracle(task)
	if err != nil {
		t.Fatal(err)
	}
	last := math.Inf(1)
	r := psiLBFGS(o, c0, psiLBFGSSettings{Tol: 1e-6, MaxIter: 500, Every: 1, Recorder: func(it psiIter) bool {
		if !(it.Psi <= last) {
			t.Errorf("iteration %d: ψ %g after %g", it.Iter, it.Psi, last)
		}
		last = it.Psi
		return true
	}})
	f0, y0, _ := o.psi(c0)
	_, _, g0, _, err := o.kinkStationarity(c0, y0, 1e-8)
	if err != nil {
		t.Fatal(err)
	}
	meas, nk, gn, lk, err := o.kinkStationarity(r.C, r.Y, 1e-8)
	if err != nil {
		t.Fatal(err)
	}
	m0, _, _, _, _ := o.kinkStationarity(r.C, r.Y, 0)
	t.Logf("%v after %d iterations (%d lower solves): ψ %.6g → %.6g, ‖∇ψ‖ %.3g → %.3g; %d validation samples at the kink, least-norm subgradient %.3g (%d training hinges at their kink)",
		r.Status, r.Iter, o.evals, f0, r.Psi, g0, gn, nk, meas, lk)
	if !(r.Status == solver.Converged || r.Status == solver.Stagnated) || meas > 1e-5 {
		t.Errorf("status %v, least-norm subgradient %g", r.Status, meas)
	}
	if math.Abs(m0-gn) > 1e-10*gn {
		t.Errorf("kinkStationarity with δ = 0 gives %.15g, ‖∇ψ‖ = %.15g", m0, gn)
	}
}
