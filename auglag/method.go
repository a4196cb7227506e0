package auglag

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
	"github.com/kkt-go/kkt/sketch"
)

// run is the outer loop of the method (the steps of docs/auglag.md, "The
// method, step by step, mapped to the code").
func (s *solver) run(ctx context.Context, x0, lam0 []float64) *Result {
	t0 := time.Now()
	set, res := s.set, s.res
	n, m := s.n, s.m
	eta1, eta2, delta := set.Eta1, set.Eta2, set.Delta
	cur, trial := newPoint(n, m), newPoint(n, m)
	s.eval(cur, x0, lam0)
	hv := make([]float64, n)
	gx, gl := make([]float64, n), make([]float64, m)
	b := make([]float64, n+m)
	status := MaxIterations
	finish := func(st Status, msg string) *Result {
		res.Status, res.Message = st, msg
		res.X, res.Lambda = append([]float64(nil), cur.x...), append([]float64(nil), cur.lam...)
		res.KKT, res.F = cur.kkt(), cur.f
		res.History = append(res.History, res.KKT)
		res.Eta1, res.Eta2, res.Delta = eta1, eta2, delta
		res.Time = time.Since(t0)
		return res
	}
	if !cur.ok {
		return finish(NumericalFailure, "non-finite objective, constraint or derivative value at the start point")
	}
	for k := 1; k <= set.MaxIter; k++ {
		kkt := cur.kkt()
		if kkt <= set.Tol {
			status = Converged
			break
		}
		if ctx != nil && ctx.Err() != nil {
			return finish(Canceled, ctx.Err().Error())
		}
		res.Iterations = k
		res.History = append(res.History, kkt)
		// Step 1: b = −(∇ₓL; c).
		kktRHS(b, cur)
		bnorm := kkt
		// Step 2: regularity.
		xiG := 1.0
		if m > 0 {
			xiG = s.minEigGGt(cur.J)
			if !(xiG >= set.SingularTol) {
				return finish(Singular, fmt.Sprintf("λ_min(G Gᵀ) = %.3g < %.3g at iteration %d: the constraint Jacobian is rank deficient", xiG, set.SingularTol, k))
			}
		}
		// Step 3: Hessian and its modification.
		H := s.hessian(cur)
		if !allFinite(H.RawMatrix().Data) {
			return finish(NumericalFailure, fmt.Sprintf("non-finite Hessian entry at iteration %d", k))
		}
		hF := frob(H)
		B := H
		modified := false
		if s.needsModification(H, cur.J) {
			B = matrix.AddDiag(H, set.XiB+hF)
			modified = true
			res.Modifications++
		}
		// Step 4: constants (all norms Frobenius, as the reference).
		bF := frob(B)
		gF := 0.0
		if m > 0 {
			gF = frob(cur.J)
		}
		psi := 20 * math.Max(bF*bF, 1) / (math.Min(xiG, 1) * math.Min(set.XiB, 1))
		ups := math.Max(math.Max(gF, hF), 1)
		deltaTrial := func(e1, e2 float64) float64 {
			return (0.5 - set.Beta) * e2 / ((1 + e1 + e2) * ups * ups * psi * psi)
		}
		delta = math.Max(math.Min(delta, deltaTrial(eta1, eta2)), 1e-6)
		kF := math.Sqrt(bF*bF + 2*gF*gF)
		theta := set.Theta(k)
		// Step 5: the KKT system K z = b, solved inexactly.
		K := assembleKKT(B, cur.J, n, m)
		inner, err := s.newInner(K, B, cur.J, b, k)
		if err != nil {
			return finish(NumericalFailure, err.Error())
		}
		forcing := set.InnerRTol
		innerTol := func() float64 {
			if forcing > 0 {
				return theta * forcing * bnorm
			}
			return theta * delta * bnorm / (kF * psi)
		}
		steps0 := inner.steps()
		if !inner.run(ctx, innerTol(), set.MaxInner) {
			if f, ok := inner.(interface{ failure() error }); ok && f.failure() != nil {
				return finish(NotApplicable, f.failure().Error())
			}
			res.InnerCapHits++
		}
		// Step 6: descent test with adaptive penalties.
		s.hessVec(hv, cur, cur.gradL)
		var dq float64
		for {
			meritGrad(gx, gl, cur, hv, eta1, eta2, s.tmpN)
			z := inner.x()
			dq = floats.Dot(gx, z[:n]) + floats.Dot(gl, z[n:])
			if eta1 > 1e8 || eta2 < 1e-8 || dq <= -0.5*eta2*bnorm*bnorm {
				break
			}
			eta1 *= set.Nu * set.Nu
			eta2 /= set.Nu
			delta = math.Max(math.Min(delta/math.Pow(set.Nu, 4), deltaTrial(eta1, eta2)), 1e-6)
			res.PenaltyUpdates++
			forcing /= math.Pow(set.Nu, 4)
			// Resume the same inner solver with the sharper tolerance.
			if !inner.run(ctx, innerTol(), set.MaxInner) {
				res.InnerCapHits++
			}
		}
		res.SketchSteps += inner.steps() - steps0
		res.SketchFlops += inner.flops()
		z := inner.x()
		// Step 7: Armijo backtracking on L_η.
		l0 := merit(cur, eta1, eta2)
		alpha := 1.0
		xt, lt := s.tmpN, s.tmpM
		accepted := false
		for bt := 0; bt <= set.MaxBacktracks; bt++ {
			for i := 0; i < n; i++ {
				xt[i] = cur.x[i] + alpha*z[i]
			}
			for j := 0; j < m; j++ {
				lt[j] = cur.lam[j] + alpha*z[n+j]
			}
			s.eval(trial, xt, lt)
			if trial.ok {
				if lt := merit(trial, eta1, eta2); finite(lt) && lt <= l0+alpha*set.Beta*dq {
					accepted = true
					break
				}
			}
			alpha /= 2
		}
		if !accepted {
			return finish(LineSearchFailed, fmt.Sprintf("no Armijo step after %d halvings at iteration %d (Δq = %.3g)", set.MaxBacktracks, k, dq))
		}
		cur, trial = trial, cur
		res.Alphas = append(res.Alphas, alpha)
		if set.Recorder != nil && !set.Recorder(Iteration{K: k, KKT: kkt, Alpha: alpha, Eta1: eta1, Eta2: eta2, Delta: delta,
			SketchSteps: inner.steps() - steps0, Modified: modified}) {
			return finish(Canceled, "stopped by the Recorder")
		}
	}
	if cur.kkt() <= set.Tol {
		status = Converged
	}
	msg := ""
	if status == MaxIterations {
		msg = fmt.Sprintf("KKT residual %.3g > %.3g after %d iterations", cur.kkt(), set.Tol, set.MaxIter)
	}
	return finish(status, msg)
}

// hessian returns B₀ = ∇²ₓL(x, λ) (sparse, full symmetric storage).
func (s *solver) hessian(pt *point) *sparse.CSR { return s.hessianAt(pt.x, pt.lam) }

// hessianAt returns ∇²f(x) + Σⱼ yⱼ∇²cⱼ(x) (sparse, full symmetric storage).
func (s *solver) hessianAt(x, y []float64) *sparse.CSR {
	if hp, ok := s.p.(HessianProblem); ok {
		s.res.HessEvals++
		return copyCSR(nil, hp.HessLag(x, y))
	}
	// Assemble column by column from Hessian–vector products (small n).
	n := s.n
	e := make([]float64, n)
	col := make([]float64, n)
	dense := mat.NewDense(n, n, nil)
	for j := 0; j < n; j++ {
		e[j] = 1
		s.p.HessLagVec(col, x, y, e)
		s.res.HessVecs++
		e[j] = 0
		for i := 0; i < n; i++ {
			dense.Set(i, j, col[i])
		}
	}
	// Symmetrize (products of a symmetric operator, up to rounding).
	ptr := make([]int, n+1)
	var ind []int
	var val []float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := 0.5 * (dense.At(i, j) + dense.At(j, i))
			if v != 0 {
				ind = append(ind, j)
				val = append(val, v)
			}
		}
		ptr[i+1] = len(ind)
	}
	return sparse.NewCSR(n, n, ptr, ind, val)
}

// assembleKKT returns K = [[B, Gᵀ], [G, 0]] as an (n+m)×(n+m) CSR matrix
// with sorted column indices (B's columns are assumed sorted).
func assembleKKT(B, G *sparse.CSR, n, m int) *sparse.CSR {
	braw := B.RawMatrix()
	nnz := braw.Indptr[n]
	var gt *sparse.CSR
	var graw, gtraw *sparse.CSR
	if m > 0 {
		gt = matrix.Transpose(G)
		graw, gtraw = G, gt
		nnz += 2 * G.RawMatrix().Indptr[m]
	}
	ptr := make([]int, n+m+1)
	ind := make([]int, 0, nnz)
	val := make([]float64, 0, nnz)
	for i := 0; i < n; i++ {
		for k := braw.Indptr[i]; k < braw.Indptr[i+1]; k++ {
			ind = append(ind, braw.Ind[k])
			val = append(val, braw.Data[k])
		}
		if m > 0 {
			r := gtraw.RawMatrix()
			for k := r.Indptr[i]; k < r.Indptr[i+1]; k++ {
				ind = append(ind, n+r.Ind[k])
				val = append(val, r.Data[k])
			}
		}
		ptr[i+1] = len(ind)
	}
	if m > 0 {
		r := graw.RawMatrix()
		for j := 0; j < m; j++ {
			for k := r.Indptr[j]; k < r.Indptr[j+1]; k++ {
				ind = append(ind, r.Ind[k])
				val = append(val, r.Data[k])
			}
			ptr[n+j+1] = len(ind)
		}
	}
	return sparse.NewCSR(n+m, n+m, ptr, ind, val)
}

// minEigGGt returns λ_min(G Gᵀ): dense symmetric eigenvalues for
// m ≤ DenseLimit, otherwise the smallest Ritz value of a Lanczos run.
func (s *solver) minEigGGt(G *sparse.CSR) float64 {
	m, n := G.Dims()
	if m > n {
		return 0 // more constraints than variables: G Gᵀ is singular
	}
	if m <= s.set.DenseLimit {
		gd := matrix.ToDense(nil, G)
		var ggt mat.SymDense
		ggt.SymOuterK(1, gd)
		return minEigSym(&ggt)
	}
	t := make([]float64, n) // scratch for Gᵀv, reused by every product
	op := matrix.Func{R: m, C: m, Mul: func(dst, v []float64) {
		matrix.MulVecTrans(t, G, v)
		matrix.MulVec(dst, G, t)
	}}
	return lanczosMin(op, 80)
}

// needsModification reports whether λ_min(Zᵀ H Z) < 1e-6 for Z a basis of
// null(G) (dense QR of Gᵀ, n ≤ DenseLimit); for larger n the sufficient test
// λ_min(H) < 1e-6 (Lanczos) is used instead.
func (s *solver) needsModification(H, G *sparse.CSR) bool {
	n := s.n
	m := s.m
	if m >= n {
		return false // null space is trivial: nothing to check (reference: m < n only)
	}
	if n > s.set.DenseLimit {
		return lanczosMin(matrix.NewCSR(H), 80) < 1e-6
	}
	hd := matrix.ToDense(nil, H)
	if m == 0 {
		return minEigSym(mat.NewSymDense(n, hd.RawMatrix().Data)) < 1e-6
	}
	gt := matrix.ToDense(nil, matrix.Transpose(G))
	var qr mat.QR
	qr.Factorize(gt)
	var q mat.Dense
	qr.QTo(&q) // full n×n Q
	Z := q.Slice(0, n, m, n)
	var hz, zhz mat.Dense
	hz.Mul(hd, Z)
	zhz.Mul(Z.T(), &hz)
	r, _ := zhz.Dims()
	sym := mat.NewSymDense(r, nil)
	for i := 0; i < r; i++ {
		for j := i; j < r; j++ {
			sym.SetSym(i, j, 0.5*(zhz.At(i, j)+zhz.At(j, i)))
		}
	}
	return minEigSym(sym) < 1e-6
}

func minEigSym(a *mat.SymDense) float64 {
	var eig mat.EigenSym
	if !eig.Factorize(a, false) {
		return math.NaN()
	}
	v := eig.Values(nil)
	return v[0]
}

// lanczosMin estimates the smallest eigenvalue of the symmetric operator op
// by k steps of Lanczos with full reorthogonalization (smallest Ritz value,
// an upper bound of λ_min that is tight for well-separated spectra).
func lanczosMin(op matrix.Operator, k int) float64 {
	n, _ := op.Dims()
	k = min(k, n)
	Q := make([][]float64, 0, k)
	alpha := make([]float64, 0, k)
	beta := make([]float64, 0, k)
	q := make([]float64, n)
	for i := range q {
		q[i] = 1 / math.Sqrt(float64(n)) * (1 + 0.1*math.Sin(float64(i)))
	}
	normalize(q)
	w := make([]float64, n)
	for j := 0; j < k; j++ {
		Q = append(Q, append([]float64(nil), q...))
		op.Apply(w, q)
		a := floats.Dot(w, q)
		alpha = append(alpha, a)
		for _, v := range Q {
			c := floats.Dot(w, v)
			for i := range w {
				w[i] -= c * v[i]
			}
		}
		bn := floats.Norm(w, 2)
		if bn < 1e-12 || j == k-1 {
			break
		}
		beta = append(beta, bn)
		for i := range q {
			q[i] = w[i] / bn
		}
	}
	t := mat.NewSymDense(len(alpha), nil)
	for i, a := range alpha {
		t.SetSym(i, i, a)
		if i < len(beta) && i+1 < len(alpha) {
			t.SetSym(i, i+1, beta[i])
		}
	}
	return minEigSym(t)
}

func normalize(v []float64) {
	nv := floats.Norm(v, 2)
	for i := range v {
		v[i] /= nv
	}
}

// inner is the KKT-system solver of one outer iteration: resumable.
type inner interface {
	run(ctx context.Context, tol float64, maxSteps int) bool // true when ‖Kz − b‖ ≤ tol
	x() []float64
	steps() int
	flops() int64
}

func (s *solver) newInner(K, B, G *sparse.CSR, b []float64, k int) (inner, error) {
	seed := s.set.Seed + uint64(k)*0x9e3779b97f4a7c15
	var sv *sketch.Solver
	var err error
	switch s.set.Method {
	case AdaSketchGV:
		sv, err = sketch.NewGaussianKaczmarz(K, b, sketch.Settings{Seed: seed})
	case AdaSketchRK:
		sv, err = sketch.NewKaczmarz(K, b, sketch.UniformRow, sketch.Settings{Seed: seed, Gram: true})
	case AdaSketchSV:
		sv, err = sketch.NewKaczmarz(K, b, sketch.RowNorm, sketch.Settings{Seed: seed, Gram: true})
	case Newton:
		return newDirect(K, b), nil
	case NewtonSchur, NewtonPMINRES:
		return s.newSchurInner(K, B, G, b, s.set.Method == NewtonPMINRES), nil
	default:
		panic(fmt.Sprintf("auglag: unknown method %v", s.set.Method))
	}
	if err != nil {
		return nil, err
	}
	return &sketchInner{sv: sv}, nil
}

type sketchInner struct {
	sv   *sketch.Solver
	last *sketch.Result
}

func (si *sketchInner) run(ctx context.Context, tol float64, maxSteps int) bool {
	si.last = si.sv.Run(ctx, tol, maxSteps)
	return si.last.Status == sketch.Converged
}
func (si *sketchInner) x() []float64 { return si.sv.X() }
func (si *sketchInner) steps() int   { return si.sv.Iterations() }
func (si *sketchInner) flops() int64 { return si.sv.Work().Flops }

// direct solves K z = b once, exactly, by linsolve.DirectSparse (sparse
// Cholesky, LDLᵀ or LU chosen by K), or by MINRES to a relative residual of
// 1e-10 when K is singular.
type direct struct {
	z    []float64
	done bool
	K    *sparse.CSR
	b    []float64
	its  int
}

func newDirect(K *sparse.CSR, b []float64) *direct { return &direct{K: K, b: b} }

func (d *direct) run(ctx context.Context, tol float64, _ int) bool {
	if d.done {
		return true
	}
	d.done = true
	N, _ := d.K.Dims()
	// Sparse direct (Cholesky, LDLᵀ or LU chosen by K; dense for small or
	// dense K) at every size; MINRES only if K is singular.
	if res, err := linsolve.DirectSparse(d.K, d.b, linsolve.DirectSettings{}); err == nil {
		d.z = res.X
		return true
	}
	r, err := linsolve.MINRES(ctx, matrix.NewCSR(d.K), d.b, linsolve.Settings{RTol: 1e-10, MaxIter: 20 * N})
	if err != nil || r == nil {
		d.z = make([]float64, N)
		return false
	}
	d.z, d.its = r.X, r.Iterations
	return r.Status == linsolve.Converged
}
func (d *direct) x() []float64 { return d.z }
func (d *direct) steps() int   { return d.its }
func (d *direct) flops() int64 { return 0 }
