package matrix

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"
)

// randCSR returns a random r×c CSR matrix with about density·r·c entries and
// its dense copy (the oracle).
func randCSR(rng *rand.Rand, r, c int, density float64) (*sparse.CSR, *mat.Dense) {
	d := mat.NewDense(r, c, nil)
	b := newBuilder(r, c, 0)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if rng.Float64() < density {
				v := rng.NormFloat64()
				d.Set(i, j, v)
				b.add(j, v)
			}
		}
		b.endRow()
	}
	return b.csr(), d
}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

func maxDiff(a, b []float64) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func denseMul(d mat.Matrix, trans bool, x []float64) []float64 {
	var y mat.VecDense
	if trans {
		y.MulVec(d.T(), mat.NewVecDense(len(x), x))
	} else {
		y.MulVec(d, mat.NewVecDense(len(x), x))
	}
	return y.RawVector().Data
}

func TestKernelsAgainstDense(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		r, c := 1+rng.IntN(60), 1+rng.IntN(60)
		a, d := randCSR(rng, r, c, 0.2)
		x, xt := randVec(rng, c), randVec(rng, r)
		want, wantT := denseMul(d, false, x), denseMul(d, true, xt)
		dst := make([]float64, r)
		for i := range dst {
			dst[i] = 99 // must be overwritten
		}
		ops := map[string]Operator{
			"CSR":       NewCSR(a),
			"CSR+T":     NewCSR(a).CacheTranspose(),
			"CSR+par":   NewCSR(a).Parallel(3).CacheTranspose(),
			"CSC":       NewCSC(Transpose(a).T().(*sparse.CSC)),
			"Dense":     NewDense(d),
			"DenseAtFn": NewDense(d.T().T()),
			"Func": Func{R: r, C: c,
				Mul:      func(dst, x []float64) { MulVec(dst, a, x) },
				MulTrans: func(dst, x []float64) { MulVecTrans(dst, a, x) }},
		}
		for name, op := range ops {
			op.Apply(dst, x)
			if e := maxDiff(dst, want); e > 1e-12 {
				t.Errorf("seed %d %s Apply: max error %g", seed, name, e)
			}
			dt := make([]float64, c)
			for i := range dt {
				dt[i] = -5
			}
			op.ApplyTrans(dt, xt)
			if e := maxDiff(dt, wantT); e > 1e-12 {
				t.Errorf("seed %d %s ApplyTrans: max error %g", seed, name, e)
			}
			if cl, ok := op.(*CSR); ok {
				cl.Close()
			}
		}
		if e := maxDiff(ParMulVec(nil, a, x), want); e > 1e-12 {
			t.Errorf("ParMulVec error %g", e)
		}
		// Diagonal, norms.
		diag := Diagonal(nil, a)
		for i := range diag {
			if diag[i] != d.At(i, i) {
				t.Fatalf("Diagonal[%d] = %g, want %g", i, diag[i], d.At(i, i))
			}
		}
		for _, p := range []float64{1, 2, math.Inf(1)} {
			rn := RowNorms(nil, a, p)
			for i := 0; i < r; i++ {
				if w := mat.Norm(d.RowView(i), p); math.Abs(rn[i]-w) > 1e-12 {
					t.Errorf("RowNorms p=%g row %d: %g want %g", p, i, rn[i], w)
				}
			}
			cn := ColNorms(nil, a, p)
			for j := 0; j < c; j++ {
				if w := mat.Norm(d.ColView(j), p); math.Abs(cn[j]-w) > 1e-12 {
					t.Errorf("ColNorms p=%g col %d: %g want %g", p, j, cn[j], w)
				}
			}
		}
		// Scaling.
		sr, sc := randVec(rng, r), randVec(rng, c)
		ScaleRows(a, sr)
		ScaleCols(a, sc)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				if w := sr[i] * d.At(i, j) * sc[j]; math.Abs(a.At(i, j)-w) > 1e-12 {
					t.Fatalf("scaled (%d,%d) = %g want %g", i, j, a.At(i, j), w)
				}
			}
		}
	}
}

func TestZeroAllocs(t *testing.T) {
	a := Poisson2D(50, 50)
	n, _ := a.Dims()
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i % 7)
	}
	y := make([]float64, n)
	op := NewCSR(a)
	par := NewCSR(a).Parallel(2).CacheTranspose()
	defer par.Close()
	csc := NewCSC(a.T().(*sparse.CSC))
	cases := map[string]func(){
		"MulVec":         func() { MulVec(y, a, x) },
		"MulVecTrans":    func() { MulVecTrans(y, a, x) },
		"CSR.Apply":      func() { op.Apply(y, x) },
		"CSR.ApplyTrans": func() { op.ApplyTrans(y, x) },
		"par.Apply":      func() { par.Apply(y, x) },
		"par.ApplyTrans": func() { par.ApplyTrans(y, x) },
		"CSC.Apply":      func() { csc.Apply(y, x) },
		"Diagonal":       func() { Diagonal(y, a) },
		"RowNorms":       func() { RowNorms(y, a, 2) },
		"ColNorms":       func() { ColNorms(y, a, 2) },
	}
	for name, f := range cases {
		if got := testing.AllocsPerRun(20, f); got != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, got)
		}
	}
}

func TestGenerators(t *testing.T) {
	// Poisson2D equals kron(I,T) + kron(T,I).
	nx, ny := 4, 3
	a := Poisson2D(nx, ny)
	for i := 0; i < nx*ny; i++ {
		for j := 0; j < nx*ny; j++ {
			xi, yi := i%nx, i/nx
			xj, yj := j%nx, j/nx
			var w float64
			switch {
			case i == j:
				w = 4
			case yi == yj && (xi-xj == 1 || xj-xi == 1):
				w = -1
			case xi == xj && (yi-yj == 1 || yj-yi == 1):
				w = -1
			}
			if a.At(i, j) != w {
				t.Fatalf("Poisson2D(%d,%d) = %g want %g", i, j, a.At(i, j), w)
			}
		}
	}
	checkSorted(t, "Poisson2D", a)
	// Row sums: interior rows of every Laplacian sum to zero.
	for name, m := range map[string]*sparse.CSR{
		"1D": Poisson1D(5), "2D": Poisson2D(5, 5), "3D": Poisson3D(3, 4, 5), "CD": ConvectionDiffusion2D(5, 0.3),
	} {
		checkSorted(t, name, m)
		r, _ := m.Dims()
		ones := make([]float64, r)
		for i := range ones {
			ones[i] = 1
		}
		y := MulVec(nil, m, ones)
		var zero int
		for _, v := range y {
			if math.Abs(v) < 1e-14 {
				zero++
			}
		}
		if zero == 0 {
			t.Errorf("%s: no interior row sums to zero", name)
		}
	}
	if nnz := Poisson3D(3, 4, 5).NNZ(); nnz != 7*60-2*(4*5+3*5+3*4) {
		t.Errorf("Poisson3D nnz = %d", nnz)
	}
	// Convection–diffusion is nonsymmetric with the stated stencil.
	cd := ConvectionDiffusion2D(4, 0.5)
	if cd.At(5, 4) != -1.5 || cd.At(5, 6) != -0.5 || cd.At(5, 1) != -1.5 || cd.At(5, 9) != -0.5 {
		t.Errorf("ConvectionDiffusion2D stencil wrong: %v %v %v %v", cd.At(5, 4), cd.At(5, 6), cd.At(5, 1), cd.At(5, 9))
	}
	// AddDiag with a missing diagonal entry.
	m := sparse.NewCSR(3, 3, []int{0, 1, 2, 3}, []int{1, 2, 0}, []float64{1, 2, 3})
	s := AddDiag(m, 0.5)
	checkSorted(t, "AddDiag", s)
	want := []float64{0.5, 1, 0, 0, 0.5, 2, 3, 0, 0.5}
	for k, w := range want {
		if s.At(k/3, k%3) != w {
			t.Fatalf("AddDiag (%d,%d) = %g want %g", k/3, k%3, s.At(k/3, k%3), w)
		}
	}
	// Crank–Nicolson: lhs + rhs = 2I.
	l, r := HeatCN2D(4, 0.7, 0.01)
	for i := 0; i < 16; i++ {
		for j := 0; j < 16; j++ {
			w := 0.0
			if i == j {
				w = 2
			}
			if math.Abs(l.At(i, j)+r.At(i, j)-w) > 1e-12 {
				t.Fatalf("HeatCN2D: lhs+rhs != 2I at (%d,%d)", i, j)
			}
		}
	}
}

func checkSorted(t *testing.T, name string, a *sparse.CSR) {
	t.Helper()
	raw := a.RawMatrix()
	r, _ := a.Dims()
	for i := 0; i < r; i++ {
		for k := raw.Indptr[i] + 1; k < raw.Indptr[i+1]; k++ {
			if raw.Ind[k] <= raw.Ind[k-1] {
				t.Fatalf("%s: row %d columns not strictly increasing", name, i)
			}
		}
	}
}

func TestSplitByNNZ(t *testing.T) {
	indptr := []int{0, 10, 10, 11, 20, 40}
	b := SplitByNNZ(indptr, 2)
	if b[0] != 0 || b[2] != 5 || b[1] < 1 || b[1] > 4 {
		t.Errorf("SplitByNNZ = %v", b)
	}
	if b := SplitByNNZ([]int{0, 1}, 4); len(b) != 2 || b[1] != 1 {
		t.Errorf("SplitByNNZ with more parts than rows = %v", b)
	}
}

// TestCSRInd32: the operator's checked int32 kernel gives the same bits as
// MulVec (serial and parallel), and a structure that fails the check (an
// index out of range, decreasing row pointers, too few entries) gets no
// int32 copy, so Apply falls back to the bounds-checked kernel.
func TestCSRInd32(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][2]int{{1, 1}, {7, 3}, {40, 90}, {300, 280}} {
		a, _ := randCSR(rng, sz[0], sz[1], 0.1)
		x := randVec(rng, sz[1])
		want := MulVec(nil, a, x)
		for _, workers := range []int{1, 2, 5} {
			op := NewCSR(a).Parallel(workers)
			if op.Indices32() == nil {
				t.Fatalf("%v: no int32 indices for a valid matrix", sz)
			}
			got := make([]float64, sz[0])
			op.Apply(got, x)
			op.Close()
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%v, %d workers: y[%d] = %v, MulVec %v", sz, workers, i, got[i], want[i])
				}
			}
		}
	}
	bad := map[string]*sparse.CSR{
		"column out of range":   sparse.NewCSR(2, 2, []int{0, 1, 2}, []int{0, 2}, []float64{1, 1}),
		"negative column":       sparse.NewCSR(2, 2, []int{0, 1, 2}, []int{0, -1}, []float64{1, 1}),
		"decreasing row starts": sparse.NewCSR(2, 2, []int{0, 2, 1}, []int{0, 1}, []float64{1, 1}),
		"too few entries":       sparse.NewCSR(2, 2, []int{0, 1, 3}, []int{0, 1}, []float64{1, 1}),
	}
	for name, a := range bad {
		if NewCSR(a).Indices32() != nil {
			t.Errorf("%s: structure accepted", name)
		}
	}
}

// TestToDense: duplicates are summed, dst is reused and zeroed first, and
// AddToDense scales.
func TestToDense(t *testing.T) {
	a := sparse.NewCSR(2, 3, []int{0, 3, 4}, []int{2, 0, 2, 1}, []float64{1, 2, 3, -4})
	want := []float64{2, 0, 4, 0, -4, 0}
	d := ToDense(nil, a)
	for k, v := range d.RawMatrix().Data {
		if v != want[k] {
			t.Fatalf("ToDense = %v, want %v", d.RawMatrix().Data, want)
		}
	}
	d.Set(1, 2, 9)
	ToDense(d, a)
	AddToDense(d.RawMatrix(), -0.5, a)
	for k, v := range d.RawMatrix().Data {
		if v != want[k]/2 {
			t.Fatalf("reused dst + AddToDense(−½) = %v, want half of %v", d.RawMatrix().Data, want)
		}
	}
}
