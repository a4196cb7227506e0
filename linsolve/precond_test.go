package linsolve

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

// patternProductCheck verifies (F·G)_ij = a_ij for every (i, j) in the
// pattern of a restricted by keep, with F·G formed densely.
func patternProductCheck(t *testing.T, name string, a, f, g *sparse.CSR, keep func(i, j int) bool) {
	t.Helper()
	var prod mat.Dense
	prod.Mul(denseOf(matrix.NewCSR(f)), denseOf(matrix.NewCSR(g)))
	raw := a.RawMatrix()
	n, _ := a.Dims()
	checked := 0
	for i := 0; i < n; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			j := raw.Ind[k]
			if !keep(i, j) {
				continue
			}
			checked++
			if d := math.Abs(prod.At(i, j) - raw.Data[k]); d > 1e-12*math.Max(1, math.Abs(raw.Data[k])) {
				t.Errorf("%s: (product)[%d,%d] = %v, a = %v", name, i, j, prod.At(i, j), raw.Data[k])
			}
		}
	}
	if checked == 0 {
		t.Fatalf("%s: nothing checked", name)
	}
}

func TestIC0ILU0Definition(t *testing.T) {
	mats := map[string]*sparse.CSR{
		"Poisson2D(7,6)":   matrix.Poisson2D(7, 6),
		"Poisson3D(4,3,3)": matrix.Poisson3D(4, 3, 3),
		"diagdom-sym":      diagDominant(40, 3, true, 3),
	}
	for name, a := range mats {
		ic, err := NewIC0(a)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		l := ic.L()
		patternProductCheck(t, "IC0 "+name, a, l, matrix.Transpose(l), func(i, j int) bool { return j <= i })
		// Off the pattern L·Lᵀ must differ somewhere (IC(0) is not exact) for
		// the 2-D stencil: the fill entries (i, i−nx+1) are nonzero.
		lu, err := NewILU0(a)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		lf, uf := lu.Factors()
		patternProductCheck(t, "ILU0 "+name, a, lf, uf, func(i, j int) bool { return true })
	}
	// Nonsymmetric: ILU(0) of a convection–diffusion matrix.
	a := matrix.ConvectionDiffusion2D(8, 20)
	lu, err := NewILU0(a)
	if err != nil {
		t.Fatal(err)
	}
	lf, uf := lu.Factors()
	patternProductCheck(t, "ILU0 convdiff", a, lf, uf, func(i, j int) bool { return true })
}

// TestPreconditionerApply checks each Precondition against a dense solve
// with the matrix M it stands for.
func TestPreconditionerApply(t *testing.T) {
	a := diagDominant(30, 3, true, 11)
	n := 30
	rng := rand.New(rand.NewPCG(2, 2))
	r := make([]float64, n)
	for i := range r {
		r[i] = rng.NormFloat64()
	}
	ad := denseOf(matrix.NewCSR(a))
	ic, _ := NewIC0(a)
	ilu, _ := NewILU0(a)
	jp, _ := NewJacobiPrecond(a)
	const omega = 1.4
	sp, _ := NewSSORPrecond(a, omega)
	// M for SSOR: ω/(2−ω)·(D/ω+L)(D/ω)⁻¹(D/ω+U).
	lo, dw, up := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			switch v := ad.At(i, j); {
			case i == j:
				lo.Set(i, i, v/omega)
				up.Set(i, i, v/omega)
				dw.Set(i, i, omega/v)
			case j < i:
				lo.Set(i, j, v)
			default:
				up.Set(i, j, v)
			}
		}
	}
	var ssorM mat.Dense
	ssorM.Product(lo, dw, up)
	ssorM.Scale(omega/(2-omega), &ssorM)
	l := ic.L()
	var icM mat.Dense
	icM.Mul(denseOf(matrix.NewCSR(l)), denseOf(matrix.NewCSR(l)).T())
	lf, uf := ilu.Factors()
	var iluM mat.Dense
	iluM.Mul(denseOf(matrix.NewCSR(lf)), denseOf(matrix.NewCSR(uf)))
	jM := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		jM.Set(i, i, ad.At(i, i))
	}
	for _, c := range []struct {
		name string
		p    Preconditioner
		m    *mat.Dense
	}{{"Jacobi", jp, jM}, {"SSOR", sp, &ssorM}, {"IC0", ic, &icM}, {"ILU0", ilu, &iluM}} {
		z := make([]float64, n)
		c.p.Precondition(z, r)
		var mz mat.VecDense
		mz.MulVec(c.m, mat.NewVecDense(n, z))
		if e := relDiff(mz.RawVector().Data, r); e > 1e-12 {
			t.Errorf("%s: ‖M·z − r‖/‖r‖ = %g", c.name, e)
		}
	}
}

// TestPreconditionersReduceIterations on Poisson2D(40,40) (CG) and on a
// convection–diffusion matrix (GMRES, BiCGSTAB). For Jacobi the Poisson
// matrix is first scaled symmetrically by a random diagonal (its own
// diagonal is constant, so Jacobi would change nothing).
func TestPreconditionersReduceIterations(t *testing.T) {
	ctx := context.Background()
	a := matrix.Poisson2D(40, 40)
	op := matrix.NewCSR(a)
	b := ones(op)
	s := Settings{RTol: 1e-8}
	plain, _ := CG(ctx, op, b, s)
	ic, _ := NewIC0(a)
	ssor, _ := NewSSORPrecond(a, 1.5)
	for _, c := range []struct {
		name string
		p    Preconditioner
		max  float64 // iterations at most this fraction of plain CG
	}{{"IC0", ic, 0.6}, {"SSOR(1.5)", ssor, 0.6}} {
		s.Precond = c.p
		res, _ := CG(ctx, op, b, s)
		t.Logf("CG %s: %d iterations (plain %d)", c.name, res.Iterations, plain.Iterations)
		if res.Status != Converged || float64(res.Iterations) > c.max*float64(plain.Iterations) {
			t.Errorf("PCG %s: %v in %d iterations, plain CG %d", c.name, res.Status, res.Iterations, plain.Iterations)
		}
		if tr := trueResidual(op, res.X, b); tr > 1e-8*norm(b) {
			t.Errorf("PCG %s true residual %g", c.name, tr)
		}
	}
	// Jacobi on D·A·D.
	rng := rand.New(rand.NewPCG(4, 4))
	d := make([]float64, 1600)
	for i := range d {
		d[i] = math.Exp(3 * rng.Float64())
	}
	as := matrix.Poisson2D(40, 40)
	matrix.ScaleRows(as, d)
	matrix.ScaleCols(as, d)
	ops := matrix.NewCSR(as)
	bs := ones(ops)
	p0, _ := CG(ctx, ops, bs, Settings{RTol: 1e-8})
	jp, _ := NewJacobiPrecond(as)
	p1, _ := CG(ctx, ops, bs, Settings{RTol: 1e-8, Precond: jp})
	t.Logf("CG on DAD: plain %d, Jacobi %d", p0.Iterations, p1.Iterations)
	if p1.Status != Converged || p1.Iterations*2 > p0.Iterations {
		t.Errorf("Jacobi PCG %v %d vs %d", p1.Status, p1.Iterations, p0.Iterations)
	}
	// ILU(0) with GMRES and BiCGSTAB on convection–diffusion, mesh Péclet 0.5.
	cd := matrix.ConvectionDiffusion2D(40, 0.5)
	cop := matrix.NewCSR(cd)
	cb := ones(cop)
	ilu, _ := NewILU0(cd)
	for _, m := range []struct {
		name  string
		solve solver
	}{{"GMRES", GMRES}, {"BiCGSTAB", BiCGSTAB}} {
		r0, _ := m.solve(ctx, cop, cb, Settings{RTol: 1e-8})
		r1, _ := m.solve(ctx, cop, cb, Settings{RTol: 1e-8, Precond: ilu})
		t.Logf("%s convdiff: plain %v %d, ILU0 %v %d", m.name, r0.Status, r0.Iterations, r1.Status, r1.Iterations)
		if r1.Status != Converged || (r0.Status == Converged && r1.Iterations*2 > r0.Iterations) {
			t.Errorf("%s ILU0 did not help: %v %d vs %v %d", m.name, r1.Status, r1.Iterations, r0.Status, r0.Iterations)
		}
		if tr := trueResidual(cop, r1.X, cb); tr > 1e-8*norm(cb)*1.01 {
			t.Errorf("%s ILU0 true residual %g", m.name, tr/norm(cb))
		}
	}
}

// TestZeroAllocs: preconditioner applications and stationary sweeps
// allocate nothing.
func TestZeroAllocs(t *testing.T) {
	a := matrix.Poisson2D(30, 30)
	n := 900
	r := make([]float64, n)
	for i := range r {
		r[i] = float64(i%7) - 3
	}
	z := make([]float64, n)
	ic, _ := NewIC0(a)
	ilu, _ := NewILU0(a)
	jp, _ := NewJacobiPrecond(a)
	sp, _ := NewSSORPrecond(a, 1.2)
	for _, p := range []Preconditioner{ic, ilu, jp, sp} {
		if allocs := testing.AllocsPerRun(20, func() { p.Precondition(z, r) }); allocs != 0 {
			t.Errorf("%T.Precondition: %v allocs", p, allocs)
		}
	}
	sw, _ := NewSweeper(a)
	q := make([]float64, n)
	sw.SORStep(z, r, q, 1.3) // sizes the work vector
	if allocs := testing.AllocsPerRun(20, func() {
		sw.Forward(z, r, 1.3)
		sw.Backward(z, r, 1.3)
		sw.SORStep(z, r, q, 1.3)
		sw.Residual(q, r, z)
	}); allocs != 0 {
		t.Errorf("SOR sweeps: %v allocs", allocs)
	}
	// A whole CG solve allocates a fixed handful of vectors, independent of
	// the number of iterations.
	op := matrix.NewCSR(a)
	b := ones(op)
	allocs := func(it int) float64 {
		return testing.AllocsPerRun(5, func() {
			CG(context.Background(), op, b, Settings{MaxIter: it, RTol: 1e-300})
		})
	}
	if a1, a2 := allocs(5), allocs(50); a1 != a2 {
		t.Errorf("CG allocations grow with iterations: %v (5 it) vs %v (50 it)", a1, a2)
	}
}

// TestGMRESUnstableILU: on convection–diffusion with mesh Péclet number 50
// the ILU(0) factors are unstable and GMRES(20)+ILU(0) cannot converge; it
// must say so (Stagnated) and return an iterate no worse than x₀ = 0.
func TestGMRESUnstableILU(t *testing.T) {
	cd := matrix.ConvectionDiffusion2D(40, 50)
	op := matrix.NewCSR(cd)
	b := ones(op)
	ilu, err := NewILU0(cd)
	if err != nil {
		t.Fatal(err)
	}
	res, err := GMRES(context.Background(), op, b, Settings{Precond: ilu})
	if err != nil {
		t.Fatal(err)
	}
	tr := trueResidual(op, res.X, b)
	t.Logf("status %v after %d iterations, true relative residual %.3g", res.Status, res.Iterations, tr/norm(b))
	if res.Status == Converged && tr > 1e-8*norm(b) {
		t.Errorf("reported Converged with relative residual %g", tr/norm(b))
	}
	if tr > norm(b)*(1+1e-12) {
		t.Errorf("returned an iterate worse than x₀ = 0: relative residual %g", tr/norm(b))
	}
}
