package sor

import (
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/linsolve"
	"github.com/kkt-go/kkt/matrix"
)

// denseSOR is an independent transcription of solvers/sor.m on a dense
// matrix: M = D/ω + tril(A,−1); x ← x + M\r (dense forward substitution);
// r ← b − A x; stop at the first k with ‖r‖/‖r₀‖ < tol; cap 10,000.
func denseSOR(a *mat.Dense, b []float64, omega, tol float64) int {
	n := len(b)
	x := make([]float64, n)
	r := append([]float64(nil), b...)
	z := make([]float64, n)
	norm0 := mat.Norm(mat.NewVecDense(n, r), 2)
	for k := 1; k <= 10000; k++ {
		for i := 0; i < n; i++ {
			s := r[i]
			for j := 0; j < i; j++ {
				s -= a.At(i, j) * z[j]
			}
			z[i] = s / (a.At(i, i) / omega)
		}
		for i := range x {
			x[i] += z[i]
		}
		for i := 0; i < n; i++ {
			s := b[i]
			for j := 0; j < n; j++ {
				s -= a.At(i, j) * x[j]
			}
			r[i] = s
		}
		if mat.Norm(mat.NewVecDense(n, r), 2)/norm0 < tol {
			return k
		}
	}
	return 10000
}

func toDense(a *sparse.CSR) *mat.Dense { return matrix.ToDense(nil, a) }

// TestSORMatchesDenseReference: the CSR solver's iteration counts equal an
// independent dense implementation of sor.m to ±1 for every ω on the grid
// and several shifts of the 10×10 model problem.
func TestSORMatchesDenseReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	b := TruncatedNormal(nil, 100, rng)
	var s Solver
	exact, total := 0, 0
	for _, c := range []float64{-0.15, 0, 0.2, 0.45} {
		a := matrix.AddDiag(matrix.Poisson2D(10, 10), c)
		ad := toDense(a)
		for _, w := range DefaultGrid() {
			want := denseSOR(ad, b, w, 1e-8)
			sol, err := s.Solve(context.Background(), a, b, nil, w)
			if err != nil {
				t.Fatal(err)
			}
			if d := sol.Iterations - want; d < -1 || d > 1 {
				t.Errorf("c=%v ω=%v: %d iterations, dense reference %d", c, w, sol.Iterations, want)
			}
			if sol.Iterations == want {
				exact++
			}
			total++
			if sol.Status != linsolve.Converged {
				t.Errorf("c=%v ω=%v: status %v", c, w, sol.Status)
			}
		}
	}
	t.Logf("%d of %d counts identical to the dense reference", exact, total)
}

// TestSORMatchesSciPy compares with counts from an independent SciPy
// transcription of sor.m (b = ones(100), M\r by spsolve_triangular):
//
//	/usr/bin/python3 -c 'import numpy as np, scipy.sparse as sp, scipy.sparse.linalg as sl
//	T=sp.diags([-1,2,-1],[-1,0,1],(10,10)); I=sp.eye(10); A0=(sp.kron(I,T)+sp.kron(T,I)).tocsr()
//	for c in (-0.15,0.0,0.45):
//	  A=(A0+c*sp.eye(100)).tocsr(); b=np.ones(100); out=[]
//	  for w in (1.0,1.4,1.8,1.95):
//	    M=(sp.diags(A.diagonal()/w)+sp.tril(A,-1)).tocsr(); x=np.zeros(100); r=b-A@x; n0=np.linalg.norm(r)
//	    for k in range(1,10001):
//	      x=x+sl.spsolve_triangular(M,r); r=b-A@x
//	      if np.linalg.norm(r)/n0<1e-8: break
//	    out.append(k)
//	  print(c,out)'
func TestSORMatchesSciPy(t *testing.T) {
	want := map[float64][4]int{-0.15: scipyNeg, 0: scipyZero, 0.45: scipyPos}
	b := make([]float64, 100)
	for i := range b {
		b[i] = 1
	}
	var s Solver
	for c, counts := range want {
		a := matrix.AddDiag(matrix.Poisson2D(10, 10), c)
		for k, w := range []float64{1, 1.4, 1.8, 1.95} {
			sol, err := s.Solve(context.Background(), a, b, nil, w)
			if err != nil {
				t.Fatal(err)
			}
			if d := sol.Iterations - counts[k]; d < -1 || d > 1 {
				t.Errorf("c=%v ω=%v: %d iterations, SciPy %d", c, w, sol.Iterations, counts[k])
			}
		}
	}
}

// TestJacobiRadiusClosedForm: for the shifted 10×10 Laplacian,
// β = 4cos(π/11)/(4+c); Lanczos must find it.
func TestJacobiRadiusClosedForm(t *testing.T) {
	for _, c := range []float64{-0.15, 0, 0.3, 2} {
		a := matrix.AddDiag(matrix.Poisson2D(10, 10), c)
		got, err := JacobiRadius(a, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := 4 * math.Cos(math.Pi/11) / (4 + c)
		if math.Abs(got-want) > 1e-10 {
			t.Errorf("c=%v: β = %.14f, closed form %.14f", c, got, want)
		}
	}
	// A larger grid: Lanczos stops long before n steps.
	a := matrix.Poisson2D(60, 40)
	got, _ := JacobiRadius(a, 0)
	want := (2*math.Cos(math.Pi/61) + 2*math.Cos(math.Pi/41)) / 4
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("60×40: β = %.12f, closed form %.12f", got, want)
	}
}

// TestYoungBeatsGrid: Young's ω* needs no more iterations than any grid ω, ±3.
func TestYoungBeatsGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	var s Solver
	for _, c := range []float64{-0.15, -0.05, 0, 0.1, 0.25, 0.45} {
		a := matrix.AddDiag(matrix.Poisson2D(10, 10), c)
		b := TruncatedNormal(nil, 100, rng)
		w, err := Young{}.Omega(&Instance{A: a, B: b})
		if err != nil {
			t.Fatal(err)
		}
		sy, _ := s.Solve(context.Background(), a, b, nil, w)
		best := math.MaxInt
		for _, g := range DefaultGrid() {
			sg, _ := s.Solve(context.Background(), a, b, nil, g)
			best = min(best, sg.Iterations)
		}
		t.Logf("c=%5.2f: Young ω*=%.4f %d iterations, best grid ω %d", c, w, sy.Iterations, best)
		if sy.Iterations > best+3 {
			t.Errorf("c=%v: Young ω*=%.4f takes %d iterations, best grid ω %d", c, w, sy.Iterations, best)
		}
	}
}

// TestSSORPreconditionerDense checks M⁻¹r against a dense solve with
// M = (D+ωU)D⁻¹(D+ωL)/(ω(2−ω)).
func TestSSORPreconditionerDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	a := matrix.ConvectionDiffusion2D(5, 0.7) // nonsymmetric, exercises L and U separately
	ad := toDense(a)
	n, _ := ad.Dims()
	for _, w := range []float64{0.6, 1, 1.5} {
		p, err := NewSSOR(a, w)
		if err != nil {
			t.Fatal(err)
		}
		dl, du, dd, di := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil), mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				v := ad.At(i, j)
				switch {
				case i == j:
					dl.Set(i, i, v)
					du.Set(i, i, v)
					dd.Set(i, i, v)
					di.Set(i, i, 1/v)
				case j < i:
					dl.Set(i, j, w*v)
				default:
					du.Set(i, j, w*v)
				}
			}
		}
		var m mat.Dense
		m.Mul(du, di)
		m.Mul(&m, dl)
		m.Scale(1/(w*(2-w)), &m)
		r := make([]float64, n)
		for i := range r {
			r[i] = rng.NormFloat64()
		}
		got := make([]float64, n)
		p.Precondition(got, r)
		var want mat.VecDense
		if err := want.SolveVec(&m, mat.NewVecDense(n, r)); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(got[i]-want.AtVec(i)) > 1e-12*(1+math.Abs(want.AtVec(i))) {
				t.Fatalf("ω=%v: M⁻¹r[%d] = %v, dense %v", w, i, got[i], want.AtVec(i))
			}
		}
	}
}

// TestSSORPCGAgainstLinsolveCG: our PCG (MATLAB pcg rule) and linsolve.CG
// with the SSOR preconditioner take the same number of iterations.
func TestSSORPCGAgainstLinsolveCG(t *testing.T) {
	h := NewHeat(30, 3, 0.003)
	in, _ := h.Next(nil)
	for _, w := range []float64{1, 1.3, 1.7} {
		s := Solver{Method: SSORPCG}
		sol, err := s.Solve(context.Background(), in.A, in.B, in.X0, w)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := NewSSOR(in.A, w)
		ref, err := linsolve.CG(context.Background(), matrix.NewCSR(in.A), in.B, linsolve.Settings{RTol: 1e-8, X0: in.X0, Precond: p, MaxIter: 10000})
		if err != nil {
			t.Fatal(err)
		}
		if d := sol.Iterations - ref.Iterations; d < -1 || d > 1 || sol.Status != linsolve.Converged {
			t.Errorf("ω=%v: %d iterations (%v), linsolve.CG %d", w, sol.Iterations, sol.Status, ref.Iterations)
		}
		// The answer solves the system.
		r := make([]float64, len(in.B))
		matrix.MulVec(r, in.A, sol.X)
		var num, den float64
		for i := range r {
			num += (in.B[i] - r[i]) * (in.B[i] - r[i])
			den += in.B[i] * in.B[i]
		}
		if math.Sqrt(num/den) > 1e-8 {
			t.Errorf("ω=%v: relative residual %g", w, math.Sqrt(num/den))
		}
	}
}

// TestHeatMatchesHeatCN2D: the heat sequence's matrix is matrix.HeatCN2D's
// left-hand side at κ(t+dt/2), and b = rhs·u + dt f.
func TestHeatMatchesHeatCN2D(t *testing.T) {
	h := NewHeat(8, 400, 0.4)
	var prev []float64
	for step := 0; step < 300; step++ {
		u0 := append([]float64(nil), h.State()...)
		tm := h.Time()
		if step > 0 {
			tm += h.Dt
		}
		in, err := h.Next(prev)
		if err != nil {
			t.Fatal(err)
		}
		if step > 0 {
			u0 = prev
		}
		if step%97 != 0 {
			prev = perturbed(in.X0, step)
			continue
		}
		kappa := HeatCoefficient(tm + h.Dt/2)
		lhs, rhs := matrix.HeatCN2D(7, kappa, h.Dt)
		ld, ad := toDense(lhs), toDense(in.A)
		if !mat.EqualApprox(ld, ad, 1e-12) {
			t.Fatalf("step %d: A differs from HeatCN2D", step)
		}
		want := matrix.MulVec(nil, rhs, u0)
		for k := range want {
			x, y := float64(k/7+1)/8, float64(k%7+1)/8
			cx := 0.5 + math.Cos(16*math.Pi*(tm+h.Dt/2))/4
			cy := 0.5 + math.Sin(16*math.Pi*(tm+h.Dt/2))/4
			want[k] += h.Dt * 32 * Bump(x, y, cx, cy, 0.125)
			if math.Abs(want[k]-in.B[k]) > 1e-12 {
				t.Fatalf("step %d: b[%d] = %v, want %v", step, k, in.B[k], want[k])
			}
		}
		if in.Context[0] != HeatCoefficient(tm) {
			t.Fatalf("step %d: context %v, want κ(t) = %v", step, in.Context[0], HeatCoefficient(tm))
		}
		prev = perturbed(in.X0, step)
	}
}

func perturbed(u []float64, step int) []float64 {
	v := append([]float64(nil), u...)
	for i := range v {
		v[i] += 1e-3 * math.Sin(float64(i+step))
	}
	return v
}

// TestHeatSSORPCGBeatsCG: on the heat sequence SSOR-PCG with a tuned ω
// takes fewer iterations than unpreconditioned CG (short horizon).
func TestHeatSSORPCGBeatsCG(t *testing.T) {
	const steps = 60
	run := func(tu Tuner, m Method) int {
		res, err := Run(context.Background(), NewHeat(25, steps, 0.3), tu, Settings{Solver: Solver{Method: m}})
		if err != nil {
			t.Fatal(err)
		}
		return res.TotalIterations
	}
	cg := cgTotal(t, NewHeat(25, steps, 0.3))
	pcg := run(NewTsallisINF(nil, rand.New(rand.NewPCG(1, 2))), SSORPCG)
	if pcg >= cg {
		t.Errorf("SSOR-PCG with Tsallis-INF: %d iterations, plain CG %d", pcg, cg)
	}
	t.Logf("CG %d, SSOR-PCG/Tsallis-INF %d", cg, pcg)
}

func cgTotal(t *testing.T, h *Heat) int {
	tot := 0
	var prev []float64
	for {
		in, err := h.Next(prev)
		if err == io.EOF {
			return tot
		}
		res, err := linsolve.CG(context.Background(), matrix.NewCSR(in.A), in.B, linsolve.Settings{RTol: 1e-8, X0: in.X0, MaxIter: 10000})
		if err != nil {
			t.Fatal(err)
		}
		tot += res.Iterations
		prev = res.X
	}
}

func TestBadInput(t *testing.T) {
	a := matrix.AddDiag(matrix.Poisson2D(3, 3), 0)
	b := make([]float64, 9)
	b[0] = 1
	var s Solver
	for _, w := range []float64{0, 2, -1, 2.5, math.NaN()} {
		if _, err := s.Solve(context.Background(), a, b, nil, w); !errors.Is(err, ErrBadInput) {
			t.Errorf("ω=%v: err = %v, want ErrBadInput", w, err)
		}
		if _, err := NewSSOR(a, w); !errors.Is(err, ErrBadInput) {
			t.Errorf("NewSSOR ω=%v: err = %v", w, err)
		}
	}
	// Zero diagonal entry (stored zero) and missing diagonal.
	z := matrix.AddDiag(a, 0)
	z.RawMatrix().Data[0] = 0
	if _, err := s.Solve(context.Background(), z, b, nil, 1); !errors.Is(err, ErrBadInput) {
		t.Errorf("zero diagonal: err = %v", err)
	}
	off := sparse.NewCSR(2, 2, []int{0, 1, 2}, []int{1, 0}, []float64{1, 1})
	if _, err := s.Solve(context.Background(), off, []float64{1, 1}, nil, 1); !errors.Is(err, ErrBadInput) {
		t.Errorf("missing diagonal: err = %v", err)
	}
	// Sequence whose systems change size.
	k := 0
	seq := SequenceFunc(func(prev []float64) (*Instance, error) {
		k++
		if k > 3 {
			return nil, io.EOF
		}
		n := 2 + k
		m := matrix.AddDiag(matrix.Poisson1D(n), 0)
		return &Instance{A: m, B: make([]float64, n)}, nil
	})
	if _, err := Run(context.Background(), seq, Fixed{1.5}, Settings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("changing size: err = %v", err)
	} else {
		t.Log(err)
	}
	// A tuner that leaves (0, 2).
	if _, err := Run(context.Background(), NewShiftedLaplacian(3, LowVariance, 2, rand.New(rand.NewPCG(1, 1))), Fixed{2.1}, Settings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("fixed ω=2.1: err = %v", err)
	}
	// NaN in b.
	b[1] = math.NaN()
	if _, err := s.Solve(context.Background(), a, b, nil, 1); !errors.Is(err, ErrBadInput) {
		t.Errorf("NaN b: err = %v", err)
	}
}

// TestSolveAllocatesNothing: after the first call, a solve (and so every
// sweep) allocates nothing.
func TestSolveAllocatesNothing(t *testing.T) {
	a := matrix.AddDiag(matrix.Poisson2D(10, 10), 0.1)
	b := TruncatedNormal(nil, 100, rand.New(rand.NewPCG(1, 1)))
	for _, m := range []Method{SOR, SSORPCG} {
		s := Solver{Method: m}
		s.Solve(context.Background(), a, b, nil, 1.3)
		if n := testing.AllocsPerRun(5, func() { s.Solve(context.Background(), a, b, nil, 1.3) }); n != 0 {
			t.Errorf("%v: %v allocations per solve", m, n)
		}
	}
	w, _ := NewSweeper(a)
	x := make([]float64, 100)
	if n := testing.AllocsPerRun(10, func() { w.Forward(x, b, 1.5); w.Backward(x, b, 1.5) }); n != 0 {
		t.Errorf("%v allocations per sweep", n)
	}
	p, _ := NewSSOR(a, 1.2)
	if n := testing.AllocsPerRun(10, func() { p.Precondition(x, b) }); n != 0 {
		t.Errorf("%v allocations per SSOR application", n)
	}
}

// TestUnsortedColumns: the generic (unsorted-row) path gives the same
// counts as the sorted fast path.
func TestUnsortedColumns(t *testing.T) {
	a := matrix.AddDiag(matrix.Poisson2D(6, 6), 0.05)
	raw := a.RawMatrix()
	ind := append([]int(nil), raw.Ind...)
	data := append([]float64(nil), raw.Data...)
	for i := 0; i < 36; i++ { // reverse each row
		lo, hi := raw.Indptr[i], raw.Indptr[i+1]
		for l, h := lo, hi-1; l < h; l, h = l+1, h-1 {
			ind[l], ind[h] = ind[h], ind[l]
			data[l], data[h] = data[h], data[l]
		}
	}
	u := sparse.NewCSR(36, 36, raw.Indptr, ind, data)
	b := TruncatedNormal(nil, 36, rand.New(rand.NewPCG(2, 2)))
	var s1, s2 Solver
	for _, w := range []float64{0.8, 1.2, 1.6, 1.9} {
		x, _ := s1.Solve(context.Background(), a, b, nil, w)
		y, _ := s2.Solve(context.Background(), u, b, nil, w)
		if d := x.Iterations - y.Iterations; d < -1 || d > 1 {
			t.Errorf("ω=%v: sorted %d, unsorted %d", w, x.Iterations, y.Iterations)
		}
	}
}

// Counts printed by the SciPy command in TestSORMatchesSciPy's comment
// (ω = 1, 1.4, 1.8, 1.95).
var (
	scipyNeg  = [4]int{2927, 1252, 293, 392}
	scipyZero = [4]int{223, 88, 89, 383}
	scipyPos  = [4]int{64, 25, 89, 379}
)

// TestCGMethodMatchesLinsolve: Method CG counts like linsolve.CG.
func TestCGMethodMatchesLinsolve(t *testing.T) {
	h := NewHeat(30, 3, 0.003)
	in, _ := h.Next(nil)
	s := Solver{Method: CG}
	sol, err := s.Solve(context.Background(), in.A, in.B, in.X0, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := linsolve.CG(context.Background(), matrix.NewCSR(in.A), in.B, linsolve.Settings{RTol: 1e-8, X0: in.X0, MaxIter: 10000})
	if d := sol.Iterations - ref.Iterations; d < -1 || d > 1 {
		t.Errorf("CG: %d iterations, linsolve.CG %d", sol.Iterations, ref.Iterations)
	}
}

// TestSSORPCGMatchesSciPy compares SSOR-PCG counts (b = 1, x₀ = 0, 20×20
// Laplacian + cI) with SciPy's cg and the same preconditioner applied as
// ω(2−ω)(D+ωL)⁻¹D(D+ωU)⁻¹ by spsolve_triangular:
//
//	/usr/bin/python3 -c 'import numpy as np, scipy.sparse as sp, scipy.sparse.linalg as sl
//	T=sp.diags([-1,2,-1],[-1,0,1],(20,20)); I=sp.eye(20); A0=(sp.kron(I,T)+sp.kron(T,I)).tocsr()
//	for c in (0.0, 0.05):
//	  A=(A0+c*sp.eye(400)).tocsr(); b=np.ones(400); out=[]
//	  D=sp.diags(A.diagonal()); L=sp.tril(A,-1); U=sp.triu(A,1)
//	  for w in (0.5,1.0,1.5,1.9):
//	    Up=(D+w*U).tocsr(); Lo=(D+w*L).tocsr()
//	    def minv(r, Up=Up, Lo=Lo, w=w):
//	      y=D@sl.spsolve_triangular(Up, r, lower=False)
//	      return w*(2-w)*sl.spsolve_triangular(Lo, y, lower=True)
//	    M=sl.LinearOperator((400,400), matvec=minv)
//	    k=[0]
//	    def cb(x): k[0]+=1
//	    x,info=sl.cg(A,b,tol=1e-8,atol=0,M=M,callback=cb,maxiter=10000)
//	    out.append(k[0])
//	  print(c,out)'
func TestSSORPCGMatchesSciPy(t *testing.T) {
	want := map[float64][4]int{0: {35, 23, 17, 22}, 0.05: {31, 20, 15, 21}}
	b := make([]float64, 400)
	for i := range b {
		b[i] = 1
	}
	s := Solver{Method: SSORPCG}
	for c, counts := range want {
		a := matrix.AddDiag(matrix.Poisson2D(20, 20), c)
		for k, w := range []float64{0.5, 1, 1.5, 1.9} {
			sol, err := s.Solve(context.Background(), a, b, nil, w)
			if err != nil {
				t.Fatal(err)
			}
			if d := sol.Iterations - counts[k]; d < -1 || d > 1 {
				t.Errorf("c=%v ω=%v: %d iterations, SciPy %d", c, w, sol.Iterations, counts[k])
			} else if d != 0 {
				t.Logf("c=%v ω=%v: %d iterations, SciPy %d", c, w, sol.Iterations, counts[k])
			}
		}
	}
}
