package dag

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// frozenPath is a frozen copy of the Adam inner step as it was before the
// hand-written small-d kernels (commit 76e517b): gonum Dgemm for C·W, LAPACK
// getrf + getri for (sI − W∘W)^{−1}, and the separate gradient and Adam
// loops. TestStepMatchesFrozen checks that the current step follows the same
// trajectory.
type frozenPath struct {
	d                        int
	m                        Method
	tol                      float64
	c, w, cw, inv, g, am, av []float64
	ipiv                     []int
	work, sig, rd            []float64
}

func newFrozenPath(Xc *mat.Dense, m Method, tol float64) *frozenPath {
	n, d := Xc.Dims()
	dd := d * d
	f := &frozenPath{d: d, m: m, tol: tol,
		c: make([]float64, dd), w: make([]float64, dd), cw: make([]float64, dd), inv: make([]float64, dd),
		g: make([]float64, dd), am: make([]float64, dd), av: make([]float64, dd),
		ipiv: make([]int, d), work: make([]float64, 64*d), rd: make([]float64, d),
	}
	C := mat.NewDense(d, d, f.c)
	C.Mul(Xc.T(), Xc)
	C.Scale(1/float64(n), C)
	switch m {
	case CoLiDEEV:
		f.sig = make([]float64, 1)
	case CoLiDENV:
		f.sig = make([]float64, d)
	}
	return f
}

func (f *frozenPath) gen(a []float64) blas64.General {
	return blas64.General{Rows: f.d, Cols: f.d, Stride: f.d, Data: a}
}

func (f *frozenPath) mulCW() {
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, f.gen(f.c), f.gen(f.w), 0, f.gen(f.cw))
}

func (f *frozenPath) updateSigma() {
	d := f.d
	if f.m == DAGMA {
		return
	}
	for j := 0; j < d; j++ {
		f.rd[j] = f.c[j*d+j] - 2*f.cw[j*d+j]
	}
	for i := 0; i < d; i++ {
		wr, cr := f.w[i*d:i*d+d], f.cw[i*d:i*d+d]
		for j, v := range wr {
			f.rd[j] += v * cr[j]
		}
	}
	if f.m == CoLiDEEV {
		t := 0.0
		for _, v := range f.rd {
			t += v
		}
		f.sig[0] = math.Sqrt(t / float64(d))
		return
	}
	for j, v := range f.rd {
		f.sig[j] = math.Sqrt(v)
	}
}

func (f *frozenPath) inverse(s float64) bool {
	d := f.d
	for i, v := range f.w {
		f.inv[i] = -v * v
	}
	for i := 0; i < d; i++ {
		f.inv[i*d+i] += s
	}
	a := f.gen(f.inv)
	if !lapack64.Getrf(a, f.ipiv) {
		return false
	}
	sign := 1.0
	for k := 0; k < d; k++ {
		if f.inv[k*d+k] < 0 {
			sign = -sign
		}
		if f.ipiv[k] != k {
			sign = -sign
		}
	}
	if !lapack64.Getri(a, f.ipiv, f.work, len(f.work)) {
		return false
	}
	for _, v := range f.inv {
		if v+1e-16 < -f.tol || math.IsNaN(v) {
			return false
		}
	}
	return sign > 0
}

func (f *frozenPath) gradient(mu, lam float64) {
	d := f.d
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			gs := -(f.c[i*d+j] - f.cw[i*d+j])
			switch f.m {
			case CoLiDEEV:
				gs /= f.sig[0]
			case CoLiDENV:
				gs /= f.sig[j]
			}
			w := f.w[i*d+j]
			sg := 0.0
			if w > 0 {
				sg = 1
			} else if w < 0 {
				sg = -1
			}
			f.g[i*d+j] = mu*gs + mu*lam*sg + 2*w*f.inv[j*d+i]
		}
	}
}

func (f *frozenPath) adam(iter int, b1, b2, lr float64) {
	c1 := 1 - math.Pow(b1, float64(iter))
	c2 := 1 - math.Pow(b2, float64(iter))
	for i, g := range f.g {
		mv := f.am[i]*b1 + (1-b1)*g
		vv := f.av[i]*b2 + (1-b2)*(g*g)
		f.am[i], f.av[i] = mv, vv
		st := (mv / c1) / (math.Sqrt(vv/c2) + 1e-8)
		f.w[i] -= lr * st
	}
}

// stepper is one Adam iteration's parts, of pathWork and of frozenPath.
type stepper interface {
	inverse(s float64) bool
	gradient(mu, lam float64)
	adam(iter int, b1, b2, lr float64)
	mulCW()
	updateSigma()
	setSigma(v float64)
}

func (ws *pathWork) setSigma(v float64) {
	for i := range ws.sig {
		ws.sig[i] = v
	}
}

func (f *frozenPath) setSigma(v float64) {
	for i := range f.sig {
		f.sig[i] = v
	}
}

// adamStep is the inner loop's iteration at μ = 1 and the given s (no
// backtracking): it returns the domain test of the current W.
func adamStep(st stepper, iter int, s float64, set Settings) bool {
	ok := st.inverse(s)
	st.gradient(1, set.Lambda)
	st.adam(iter, set.Beta1, set.Beta2, set.LR)
	st.mulCW()
	st.updateSigma()
	return ok
}

// TestStepMatchesFrozen runs 2000 Adam steps (μ = 1, λ = 0.05, s = 1, the
// paper's learning rate and β) of the current inner loop and of the frozen
// copy above from W = 0 and requires the same domain decisions at every step
// and the same W and σ to 1e−12 relative (max-norm) at the end. The sizes
// cover the unblocked (d ≤ 64) and blocked (d > 64) LAPACK paths of the old
// code, and every method.
func TestStepMatchesFrozen(t *testing.T) {
	const steps = 2000
	for _, tc := range []struct {
		d int
		m Method
	}{
		{10, CoLiDEEV}, {20, CoLiDEEV}, {20, DAGMA}, {20, CoLiDENV}, {37, CoLiDEEV}, {50, CoLiDENV}, {70, CoLiDEEV},
	} {
		t.Run(fmt.Sprintf("%v/d=%d", tc.m, tc.d), func(t *testing.T) {
			sim := Simulate(rand.New(rand.NewPCG(uint64(tc.d), 3)), SimSettings{Graph: ER, K: 4, D: tc.d, N: 500, Unequal: tc.m == CoLiDENV})
			Xc := mat.DenseCopyOf(sim.X)
			centre(Xc)
			set := Settings{}
			set = set.defaults(tc.m)
			ws := newPathWork(Xc, tc.m, set)
			f := newFrozenPath(Xc, tc.m, set.DomainTol)
			ws.setSigma(1)
			f.setSigma(1)
			ws.mulCW()
			f.mulCW()
			for iter := 1; iter <= steps; iter++ {
				if okNew, okOld := adamStep(ws, iter, 1, set), adamStep(f, iter, 1, set); okNew != okOld {
					t.Fatalf("step %d: domain test %v, frozen %v", iter, okNew, okOld)
				}
			}
			t.Logf("relative differences: W %.2g, σ %.2g, inverse %.2g", relMaxDiff(ws.w, f.w), relMaxDiff(ws.sig, f.sig), relMaxDiff(ws.inv, f.inv))
			if e := relMaxDiff(ws.w, f.w); e > 1e-12 {
				t.Errorf("W after %d steps differs from the frozen step by %.3g (relative)", steps, e)
			}
			if e := relMaxDiff(ws.sig, f.sig); e > 1e-12 {
				t.Errorf("σ after %d steps differs from the frozen step by %.3g (relative)", steps, e)
			}
			if e := relMaxDiff(ws.inv, f.inv); e > 1e-12 {
				t.Errorf("last inverse differs from the frozen one by %.3g (relative)", e)
			}
		})
	}
}

// relMaxDiff returns max|a−b| / max|b|.
func relMaxDiff(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	if den == 0 {
		return num
	}
	return num / den
}

// The inner step allocates nothing at any size (the kernels are serial and
// work in preallocated buffers; the old gonum Dgemm spawned goroutines above
// d = 64).
func TestStepAllocs(t *testing.T) {
	for _, d := range []int{5, 100} {
		sim := Simulate(rand.New(rand.NewPCG(2, 0)), SimSettings{Graph: ER, K: 4, D: d, N: 200})
		Xc := mat.DenseCopyOf(sim.X)
		centre(Xc)
		set := Settings{}
		set = set.defaults(CoLiDENV)
		ws := newPathWork(Xc, CoLiDENV, set)
		ws.setSigma(1)
		iter := 0
		allocs := testing.AllocsPerRun(20, func() {
			iter++
			adamStep(ws, iter, 1, set)
			ws.objective(1, 1)
		})
		if allocs != 0 {
			t.Errorf("d=%d: %v allocations per step", d, allocs)
		}
	}
}
