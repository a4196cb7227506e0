package linsolve

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// swapBlocks returns the symmetric 2n×2n matrix [[0, I], [I, 0]] plus a
// Poisson-like coupling: no 1×1 LDLᵀ pivot order exists for its zero
// diagonal, so DirectAuto must fall back to LU.
func swapBlocks(n int) *sparse.CSR {
	d := sparse.NewDOK(2*n, 2*n)
	for i := 0; i < n; i++ {
		d.Set(i, n+i, 1)
		d.Set(n+i, i, 1)
		if i+1 < n {
			d.Set(i, n+i+1, 0.5)
			d.Set(n+i+1, i, 0.5)
		}
	}
	return d.ToCSR()
}

func TestDirectSparseDispatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	kkt := saddle(matrix.Poisson2D(12, 12), 30, 1e-3, rng)
	kkt0 := saddle(matrix.Poisson2D(12, 12), 30, 0, rng)
	cases := []struct {
		name    string
		a       *sparse.CSR
		method  DirectMethod
		want    string
		inertia *Inertia
	}{
		{"poisson auto", matrix.Poisson2D(20, 20), DirectAuto, "cholesky", &Inertia{Pos: 400}},
		{"shifted poisson auto (indefinite)", matrix.AddDiag(matrix.Poisson2D(20, 20), -1), DirectAuto, "ldl", nil},
		{"quasi-definite saddle auto", kkt, DirectAuto, "ldl", &Inertia{Pos: 144, Neg: 30}},
		// A zero (2,2) block: AMD puts a zero pivot first, 1×1 LDLᵀ fails → LU.
		{"saddle auto", kkt0, DirectAuto, "lu", nil},
		{"swap auto", swapBlocks(40), DirectAuto, "lu", nil},
		{"convdiff auto", matrix.ConvectionDiffusion2D(20, 2), DirectAuto, "lu", nil},
		{"small auto", matrix.ConvectionDiffusion2D(5, 2), DirectAuto, "dense-lu", nil},
		{"poisson lu", matrix.Poisson2D(20, 20), DirectLU, "lu", nil},
		{"poisson ldl", matrix.Poisson2D(20, 20), DirectLDL, "ldl", &Inertia{Pos: 400}},
		{"poisson dense", matrix.Poisson2D(20, 20), DirectDense, "dense-cholesky", nil},
	}
	for _, c := range cases {
		n, _ := c.a.Dims()
		b := luRandVec(rng, n)
		res, err := DirectSparse(c.a, b, DirectSettings{Method: c.method})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		ds := res.DirectStats
		if ds.Method != c.want {
			t.Errorf("%s: method %s, want %s (note %q)", c.name, ds.Method, c.want, ds.Note)
		}
		if c.inertia != nil && (ds.Inertia == nil || *ds.Inertia != *c.inertia) {
			t.Errorf("%s: inertia %+v, want %+v", c.name, ds.Inertia, c.inertia)
		}
		if r := luRelResidual(c.a, res.X, b, false); r > 1e-12 {
			t.Errorf("%s: relative residual %.3g", c.name, r)
		}
		if ds.NNZFactor <= 0 || res.Status != Converged {
			t.Errorf("%s: %+v %+v", c.name, res.Status, ds)
		}
	}
	// The indefinite shifted Laplacian: LDLᵀ inertia equals the eigenvalue
	// count. Eigenvalues of Poisson2D(20,20) are 4 − 2cos(iπ/21) − 2cos(jπ/21);
	// subtracting 1 leaves those < 1 negative.
	res, err := DirectSparse(matrix.AddDiag(matrix.Poisson2D(20, 20), -1), make([]float64, 400), DirectSettings{})
	if err != nil {
		t.Fatal(err)
	}
	neg := 0
	for i := 1; i <= 20; i++ {
		for j := 1; j <= 20; j++ {
			if 4-2*cosPi(i, 21)-2*cosPi(j, 21) < 1 {
				neg++
			}
		}
	}
	if in := res.DirectStats.Inertia; in == nil || in.Neg != neg || in.Pos != 400-neg {
		t.Errorf("shifted Laplacian inertia %+v, want %d negative", in, neg)
	}
	// Refusals.
	if _, err := DirectSparse(matrix.ConvectionDiffusion2D(10, 2), make([]float64, 100), DirectSettings{Method: DirectCholesky}); err == nil {
		t.Error("Cholesky accepted a nonsymmetric matrix")
	}
	if _, err := DirectSparse(matrix.AddDiag(matrix.Poisson2D(10, 10), -1), make([]float64, 100), DirectSettings{Method: DirectCholesky}); !errors.Is(err, ErrNotPositiveDefinite) {
		t.Errorf("Cholesky on an indefinite matrix: %v", err)
	}
	if _, err := DirectSparse(matrix.Poisson2D(10, 10), make([]float64, 100), DirectSettings{Method: DirectLDL, Ordering: "colamd"}); err == nil {
		t.Error("colamd accepted for LDLᵀ")
	}
	// Direct on a large square CSR goes sparse: no size limit.
	big := matrix.ConvectionDiffusion2D(60, 1)
	op := matrix.NewCSR(big)
	bb := ones(op)
	r, err := Direct(op, bb)
	if err != nil || r.DirectStats.Method != "lu" || luRelResidual(big, r.X, bb, false) > 1e-12 {
		t.Errorf("Direct on 3600×3600 conv-diff: %v %+v", err, r)
	}
}

// saddle returns [[H, Jᵀ], [J, −g·I]] with H SPD n×n and a random
// full-rank m×n J (m ≤ n), whose inertia is (n, m, 0); g = 0 stores no
// (2,2) block.
func saddle(h *sparse.CSR, m int, g float64, rng *rand.Rand) *sparse.CSR {
	n, _ := h.Dims()
	d := sparse.NewDOK(n+m, n+m)
	raw := h.RawMatrix()
	for i := 0; i < n; i++ {
		for p := raw.Indptr[i]; p < raw.Indptr[i+1]; p++ {
			d.Set(i, raw.Ind[p], raw.Data[p])
		}
	}
	for i := 0; i < m; i++ {
		if g != 0 {
			d.Set(n+i, n+i, -g)
		}
		cols := []int{i * n / m, rng.IntN(n), rng.IntN(n)}
		for _, j := range cols {
			v := 1 + rng.Float64()
			d.Set(n+i, j, v)
			d.Set(j, n+i, v)
		}
	}
	return d.ToCSR()
}

func cosPi(i, m int) float64 { return math.Cos(float64(i) * math.Pi / float64(m)) }

func TestDirectSparseEdgeCases(t *testing.T) {
	empty := sparse.NewCSR(0, 0, []int{0}, nil, nil)
	if res, err := DirectSparse(empty, nil, DirectSettings{}); err != nil || len(res.X) != 0 {
		t.Errorf("0×0: %v %v", res, err)
	}
	rect := sparse.NewCSR(2, 3, []int{0, 1, 2}, []int{0, 1}, []float64{1, 1})
	if _, err := DirectSparse(rect, []float64{1, 1}, DirectSettings{}); err == nil {
		t.Error("rectangular accepted")
	}
	// Structurally singular 100×100: the identity with column 5 replaced by
	// e₄ (so columns 4 and 5 both live in row 4 only) and an entry (5, 7)
	// keeping row 5 nonempty: no perfect matching exists.
	d := sparse.NewDOK(100, 100)
	for i := 0; i < 100; i++ {
		if i != 5 {
			d.Set(i, i, 2)
		}
	}
	d.Set(4, 5, 1)
	d.Set(5, 7, 1)
	raw := d.ToCSR()
	for _, m := range []DirectMethod{DirectAuto, DirectLU} {
		_, err := DirectSparse(raw, make([]float64, 100), DirectSettings{Method: m})
		if !errors.Is(err, ErrStructurallySingular) || !strings.Contains(err.Error(), "perfect matching") {
			t.Errorf("%v: structurally singular matrix gave %v", m, err)
		}
	}
}
