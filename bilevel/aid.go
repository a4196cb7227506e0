package bilevel

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

// AIDSettings are the options of AID. Zero fields take the defaults in
// brackets.
type AIDSettings struct {
	Common
	// Alpha is the outer step [0.1]; Beta the inner gradient step on y [0.5],
	// Inner the number of inner steps per outer step [10].
	Alpha, Beta float64
	Inner       int
	// CG are the settings of the linear solve ∇²_yy G·v = ∇_y F
	// [RTol 1e-10, MaxIter 10·m]; X0 is overwritten with the previous v
	// (warm start).
	CG linsolve.Settings
	// FDStep is the step of the central differences of ∇_y G used when the
	// lower objective does not implement Hessian [1e-6·(1 + ‖y‖)].
	FDStep float64
}

// ErrUnsupported reports a problem outside a method's class.
var ErrUnsupported = errors.New("bilevel: problem not supported by this method")

// AID is the classical approximate-implicit-differentiation baseline for
// bilevel problems whose lower level is unconstrained and strongly convex in
// y (p.Y and p.Cons nil): with y ≈ y*(x) from Inner gradient steps on
// G(x, ·), it solves ∇²_yy G(x, y)·v = ∇_y F(x, y) by conjugate gradients
// (linsolve.CG on a matrix.Func of Hessian–vector products) and steps along
// the hypergradient
//
//	∇ψ(x) = ∇_x F(x, y) − ∇²_xy G(x, y)·v,
//
// x ← Π_X(x − α∇ψ). Hessian products come from the Hessian interface when
// p.Lower implements it, else from central differences of ∇_y G.
//
// Stopping: Converged when ‖x⁺ − x‖/α ≤ Tol (Record.Residual). Record.Gap is
// ‖∇_y G(x, y)‖. A CG breakdown (an indefinite lower Hessian) ends the run
// with Breakdown; a constrained lower level ends it at once with
// NotApplicable.
func AID(ctx context.Context, p *Problem, s AIDSettings) (*Result, error) {
	r := aidRun(ctx, p, s)
	return r, r.err
}

func aidRun(ctx context.Context, p *Problem, s AIDSettings) *Result {
	p.check("AID")
	res := &Result{}
	if p.Y != nil || p.Cons != nil {
		res.Status, res.err = NotApplicable, fmt.Errorf("%w: AID needs an unconstrained lower level (Y and Cons nil)", ErrUnsupported)
		return res
	}
	if s.Alpha == 0 {
		s.Alpha = 0.1
	}
	if s.Beta == 0 {
		s.Beta = 0.5
	}
	if s.Inner <= 0 {
		s.Inner = 10
	}
	if s.CG.RTol == 0 {
		s.CG.RTol = 1e-10
	}
	n, m := p.N, p.M
	x, y := make([]float64, n), make([]float64, m)
	initVec(x, s.X0, "X0")
	initVec(y, s.Y0, "Y0")
	k := 0
	fail := func(st Status, err error) *Result {
		res.Status, res.err, res.Iterations = st, err, k
		res.X, res.Y = x, y
		return res
	}
	if err := project(p.X, x); err != nil {
		return fail(Breakdown, err)
	}
	hs, exact := p.Lower.(Hessian)
	ty, tx, tm := make([]float64, m), make([]float64, n), make([]float64, m)
	// fdDir sets dst to the central difference of grad(x, ·) at y along v:
	// (grad(x, y + hv) − grad(x, y − hv))/(2h), tmp a scratch of len(dst).
	fdDir := func(dst, tmp, v []float64, grad func(dst, x, y []float64)) {
		step := s.FDStep
		if step <= 0 {
			step = 1e-6 * (1 + floats.Norm(y, 2))
		}
		h := step / max(floats.Norm(v, 2), 1e-300)
		for i := range y {
			ty[i] = y[i] + h*v[i]
		}
		grad(dst, x, ty)
		for i := range y {
			ty[i] = y[i] - h*v[i]
		}
		grad(tmp, x, ty)
		for i := range dst {
			dst[i] = (dst[i] - tmp[i]) / (2 * h)
		}
	}
	// hessYY sets dst = ∇²_yy G(x, y)·v.
	hessYY := func(dst, v []float64) {
		res.Oracle++
		if exact {
			hs.HessYY(dst, x, y, v)
			return
		}
		fdDir(dst, tm, v, p.Lower.GradY)
	}
	// hessXY sets dst = ∇²_xy G(x, y)·v = ∇_x (vᵀ∇_y G).
	hessXY := func(dst, v []float64) {
		res.Oracle++
		if exact {
			hs.HessXY(dst, x, y, v)
			return
		}
		fdDir(dst, tx, v, p.Lower.GradX)
	}
	op := matrix.Func{R: m, C: m, Mul: hessYY, MulTrans: hessYY}
	gy, gF, gx, xnew := make([]float64, m), make([]float64, m), make([]float64, n), make([]float64, n)
	v := make([]float64, m)
	eval := func(r *Record) {
		r.Upper = p.Upper.Value(x, y)
		p.Lower.GradY(ty, x, y)
		r.Gap = floats.Norm(ty, 2)
	}
	tr := newTracker(ctx, &s.Common, res, eval)
	maxIter := s.maxIter()
	res.Status = MaxIterations
	resid := math.Inf(1)
	for k < maxIter {
		for t := 0; t < s.Inner; t++ {
			p.Lower.GradY(gy, x, y)
			res.Oracle++
			for i := range y {
				y[i] -= s.Beta * gy[i]
			}
		}
		p.Upper.GradY(gF, x, y)
		cg := s.CG
		cg.X0 = v
		sol, err := linsolve.CG(ctx, op, gF, cg)
		if err != nil {
			return fail(NumericalFailure, fmt.Errorf("bilevel: AID: %w: %v", ErrNaN, err))
		}
		if sol.Status == linsolve.Breakdown || sol.Status == linsolve.NumericalFailure {
			return fail(Breakdown, fmt.Errorf("bilevel: AID: CG on the lower Hessian ended with %v (not positive definite?)", sol.Status))
		}
		copy(v, sol.X)
		hessXY(gx, v)
		p.Upper.GradX(tx, x, y)
		res.Oracle += 2
		for i := range x {
			xnew[i] = x[i] - s.Alpha*(tx[i]-gx[i])
		}
		if err := project(p.X, xnew); err != nil {
			return fail(Breakdown, err)
		}
		var dn float64
		for i := range x {
			dn += (xnew[i] - x[i]) * (xnew[i] - x[i])
		}
		resid = math.Sqrt(dn) / s.Alpha
		copy(x, xnew)
		k++
		if err := finite("AID iterate", x); err != nil {
			return fail(NumericalFailure, err)
		}
		if err := finite("AID iterate", y); err != nil {
			return fail(NumericalFailure, err)
		}
		if s.Tol > 0 && resid <= s.Tol {
			res.Status = Converged
			tr.step(k, x, resid, 0, true)
			break
		}
		if !tr.step(k, x, resid, 0, k == maxIter) {
			break
		}
	}
	tr.finish(k, x, resid, 0)
	res.X, res.Y = x, y
	return res
}
