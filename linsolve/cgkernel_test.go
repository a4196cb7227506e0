package linsolve

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// randomSortedCSR returns an n×n matrix with sorted rows: a band of the given
// half-width, plus (if far > 0) far random entries per row anywhere, plus a
// few empty rows.
func randomSortedCSR(rng *rand.Rand, n, band, far int) *sparse.CSR {
	indptr := []int{0}
	var ind []int
	var data []float64
	for i := 0; i < n; i++ {
		if i%17 != 5 { // else an empty row
			cols := map[int]bool{i: true}
			for j := max(0, i-band); j <= min(n-1, i+band); j++ {
				if rng.Float64() < 0.6 {
					cols[j] = true
				}
			}
			for f := 0; f < far; f++ {
				cols[rng.IntN(n)] = true
			}
			for j := 0; j < n; j++ {
				if cols[j] {
					ind = append(ind, j)
					data = append(data, rng.NormFloat64())
				}
			}
		}
		indptr = append(indptr, len(ind))
	}
	return sparse.NewCSR(n, n, indptr, ind, data)
}

// TestKernelBlocks checks the kernel's phases (p-update, product with pᵀq,
// x/r update with ‖r‖²) against the plain loops for several block counts, on
// banded and unstructured matrices with empty rows. Run with -race to check
// that the blocks do not write what another block reads.
func TestKernelBlocks(t *testing.T) {
	defer func(v int) { minRowsPerWorker = v }(minRowsPerWorker)
	minRowsPerWorker = 1
	rng := rand.New(rand.NewPCG(3, 4))
	mats := map[string]*sparse.CSR{
		"poisson":   matrix.Poisson2D(23, 19),
		"band":      randomSortedCSR(rng, 300, 4, 0),
		"band+far":  randomSortedCSR(rng, 300, 2, 1),
		"wide band": randomSortedCSR(rng, 200, 60, 0),
	}
	for name, a := range mats {
		n, _ := a.Dims()
		r0, p0, x0 := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range r0 {
			r0[i], p0[i], x0[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		}
		const beta, alpha = 0.37, -1.3
		pw := append([]float64(nil), p0...)
		for i := range pw {
			pw[i] = r0[i] + beta*pw[i]
		}
		qw := make([]float64, n)
		matrix.MulVec(qw, a, pw)
		var pqw, rrw float64
		xw, rw := make([]float64, n), make([]float64, n)
		for i := range pw {
			pqw += pw[i] * qw[i]
			xw[i] = x0[i] + alpha*pw[i]
			rw[i] = r0[i] - alpha*qw[i]
			rrw += rw[i] * rw[i]
		}
		for _, workers := range []int{1, 2, 3, 5, 8} {
			p, q, x, r := append([]float64(nil), p0...), make([]float64, n), append([]float64(nil), x0...), append([]float64(nil), r0...)
			k := newCGKernel(matrix.NewCSR(a), workers, p, q, x, r)
			if k == nil {
				t.Fatalf("%s: no kernel", name)
			}
			if got := k.workers(); got != min(workers, n) {
				t.Fatalf("%s: %d blocks for %d workers", name, got, workers)
			}
			k.beta, k.alpha = beta, alpha
			k.run(phaseXpay)
			pq := k.run(phaseMulDot)
			rr := k.run(phaseUpdate)
			k.close()
			for i := range p {
				if p[i] != pw[i] || math.Abs(x[i]-xw[i]) > 1e-14*(1+math.Abs(xw[i])) {
					t.Fatalf("%s/%d workers: p[%d], x[%d] = %g, %g, want %g, %g", name, workers, i, i, p[i], x[i], pw[i], xw[i])
				}
				if math.Abs(q[i]-qw[i]) > 1e-13*(1+math.Abs(qw[i])) || math.Abs(r[i]-rw[i]) > 1e-12*(1+math.Abs(rw[i])) {
					t.Fatalf("%s/%d workers: q[%d], r[%d] = %g, %g, want %g, %g", name, workers, i, i, q[i], r[i], qw[i], rw[i])
				}
			}
			if math.Abs(pq-pqw) > 1e-12*(1+math.Abs(pqw)) || math.Abs(rr-rrw) > 1e-12*(1+rrw) {
				t.Errorf("%s/%d workers: pᵀq, ‖r‖² = %g, %g, want %g, %g", name, workers, pq, rr, pqw, rrw)
			}
		}
	}
}

// TestKernelRejects: matrices the unchecked sweeps cannot take get no kernel
// (CG then uses the operator path).
func TestKernelRejects(t *testing.T) {
	n := 10
	x := make([]float64, n)
	if newCGKernel(matrix.NewCSR(matrix.Poisson1D(n)), 1, x, x, x, make([]float64, n-1)) != nil {
		t.Error("kernel built for a vector of the wrong length")
	}
	if newCGKernel(matrix.NewDense(nil), 1, x, x, x, x) != nil {
		t.Error("kernel built for a non-CSR operator")
	}
}

// TestKernelValueIndexed checks the value-indexed product (CSR-VI) against
// the plain one, bit for bit, on a matrix with few distinct values (a
// stencil with −0 and 0 both present), and that a matrix with more than
// 256 distinct values keeps the plain storage.
func TestKernelValueIndexed(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a := randomSortedCSR(rng, 3000, 4, 2)
	vals := []float64{4, -1, -1, 0.5, math.Copysign(0, -1), 0, 2.75}
	raw := a.RawMatrix()
	for k := range raw.Data {
		raw.Data[k] = vals[rng.IntN(len(vals))]
	}
	n, _ := a.Dims()
	p := make([]float64, n)
	for i := range p {
		p[i] = rng.NormFloat64()
	}
	for _, workers := range []int{1, 3} {
		mk := func() *cgKernel {
			q, x, r := make([]float64, n), make([]float64, n), make([]float64, n)
			k := newCGKernel(matrix.NewCSR(a), workers, append([]float64(nil), p...), q, x, r)
			if k == nil {
				t.Fatal("no kernel")
			}
			return k
		}
		vi, plain := mk(), mk()
		plain.vidx, plain.vtab = nil, nil
		if vi.vidx == nil { // randomSortedCSR has no runs
			t.Fatal("7 distinct values: no value index")
		}
		s1, s2 := vi.run(phaseMulDot), plain.run(phaseMulDot)
		vi.close()
		plain.close()
		if math.Float64bits(s1) != math.Float64bits(s2) {
			t.Errorf("workers %d: pᵀq %v (value-indexed) vs %v", workers, s1, s2)
		}
		for i := range vi.q {
			if math.Float64bits(vi.q[i]) != math.Float64bits(plain.q[i]) {
				t.Fatalf("workers %d: q[%d] = %v vs %v", workers, i, vi.q[i], plain.q[i])
			}
		}
	}
	data := make([]float64, 300)
	for k := range data {
		data[k] = float64(k)
	}
	if idx, _ := valueIndex(data); idx != nil {
		t.Error("300 distinct values: value index built")
	}
}

// toeplitzCSR returns the n×n banded Toeplitz matrix with diagonals
// vals[0] at offset −h … vals[2h] at offset +h (h = len(vals)/2).
func toeplitzCSR(n int, vals []float64) *sparse.CSR {
	h := len(vals) / 2
	indptr := []int{0}
	var ind []int
	var data []float64
	for i := 0; i < n; i++ {
		for d, v := range vals {
			if j := i + d - h; j >= 0 && j < n {
				ind = append(ind, j)
				data = append(data, v)
			}
		}
		indptr = append(indptr, len(ind))
	}
	return sparse.NewCSR(n, n, indptr, ind, data)
}

// TestKernelRuns checks the product over runs of equal rows (cgKernel.runs)
// against the CSR loop, bit for bit, for several block counts: runs of 5-,
// 7- and 3-entry rows, a pattern longer than the run path keeps in registers,
// rows that differ only in the sign of a zero (kept apart), and a matrix with
// no runs.
func TestKernelRuns(t *testing.T) {
	defer func(v int) { minRowsPerWorker = v }(minRowsPerWorker)
	minRowsPerWorker = 1
	rng := rand.New(rand.NewPCG(9, 10))
	signedZero := toeplitzCSR(400, []float64{-1, 0, 2, 0, -1})
	raw := signedZero.RawMatrix()
	for k := range raw.Data {
		if raw.Data[k] == 0 && (raw.Ind[k]/37)%2 == 1 {
			raw.Data[k] = math.Copysign(0, -1)
		}
	}
	cases := []struct {
		name string
		a    *sparse.CSR
		runs bool
	}{
		{"poisson 2-D", matrix.Poisson2D(61, 43), true},
		{"7-point", toeplitzCSR(500, []float64{-1, -0.5, -2, 6.5, -2, -0.5, -1}), true},
		{"tridiagonal", toeplitzCSR(300, []float64{-1, 2, -1}), true},
		{"21 diagonals", toeplitzCSR(300, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}), true},
		{"signed zeros", signedZero, true},
		{"random", randomSortedCSR(rng, 300, 3, 1), false},
	}
	for _, c := range cases {
		n, _ := c.a.Dims()
		p := make([]float64, n)
		for i := range p {
			p[i] = rng.NormFloat64()
		}
		for _, workers := range []int{1, 3, 7} {
			mk := func() *cgKernel {
				q, x, r := make([]float64, n), make([]float64, n), make([]float64, n)
				k := newCGKernel(matrix.NewCSR(c.a), workers, append([]float64(nil), p...), q, x, r)
				if k == nil {
					t.Fatal("no kernel")
				}
				return k
			}
			withRuns, plain := mk(), mk()
			plain.runs, plain.vidx, plain.vtab = nil, nil, nil
			if got := len(withRuns.runs) > 0; got != c.runs {
				t.Fatalf("%s: runs found = %v, want %v", c.name, got, c.runs)
			}
			for _, r := range withRuns.runs {
				if r.hi-r.lo < minRunRows {
					t.Fatalf("%s: run %v shorter than %d rows", c.name, r, minRunRows)
				}
			}
			s1, s2 := withRuns.run(phaseMulDot), plain.run(phaseMulDot)
			withRuns.close()
			plain.close()
			if math.Float64bits(s1) != math.Float64bits(s2) {
				t.Errorf("%s, %d workers: pᵀq %v (runs) vs %v", c.name, workers, s1, s2)
			}
			for i := range plain.q {
				if math.Float64bits(withRuns.q[i]) != math.Float64bits(plain.q[i]) {
					t.Fatalf("%s, %d workers: q[%d] = %v vs %v", c.name, workers, i, withRuns.q[i], plain.q[i])
				}
			}
		}
	}
	// The signed zeros split the runs: no run holds rows whose stored zeros differ in sign.
	rs := findRuns(raw.Indptr, int32s(raw.Ind), raw.Data, minRunRows)
	for _, r := range rs {
		for i := r.lo + 1; i < r.hi; i++ {
			a, b := raw.Indptr[i-1], raw.Indptr[i]
			for k := 0; k < b-a; k++ {
				if math.Float64bits(raw.Data[a+k]) != math.Float64bits(raw.Data[b+k]) {
					t.Fatalf("run %v joins rows %d and %d with different values", r, i-1, i)
				}
			}
		}
	}
}

func int32s(v []int) []int32 {
	w := make([]int32, len(v))
	for i, x := range v {
		w[i] = int32(x)
	}
	return w
}

// TestKernelNoAllocs: the kernel's phases allocate nothing, on one worker
// and on a team (runs of equal rows and the CSR loop both in use).
func TestKernelNoAllocs(t *testing.T) {
	defer func(v int) { minRowsPerWorker = v }(minRowsPerWorker)
	minRowsPerWorker = 1
	a := matrix.NewCSR(matrix.Poisson2D(40, 30))
	n, _ := a.Dims()
	for _, workers := range []int{1, 2} {
		p, q, x, r := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range p {
			p[i], r[i] = 1, 0.5
		}
		k := newCGKernel(a, workers, p, q, x, r)
		if len(k.runs) == 0 {
			t.Fatal("no runs found on 2-D Poisson")
		}
		k.alpha, k.beta = 1e-3, 0.5
		allocs := testing.AllocsPerRun(20, func() {
			k.run(phaseXpay)
			k.run(phaseMulDot)
			k.run(phaseUpdate)
		})
		k.close()
		if allocs != 0 {
			t.Errorf("%d workers: %v allocations per iteration", workers, allocs)
		}
	}
}
