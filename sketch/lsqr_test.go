package sketch

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// TestLeastSquaresKappa8 is the headline: a 20000×200 problem with
// condition number ≈ 1e8 solved to a normal-equations residual
// ‖Aᵀr‖/(‖A‖_F‖r‖) ≤ 1e-10 in ≤ 40 LSQR iterations (LSQR tolerance 1e-11,
// default γ: 8 for sparse sign, 4 for the SRHT), agreeing with gonum's
// Householder QR within the least-squares perturbation bound.
func TestLeastSquaresKappa8(t *testing.T) {
	const m, n = 20000, 200
	a, b, _ := IllConditioned(m, n, 1e8, 1e-2, newRNG(1))
	for _, kind := range []Kind{KindSparseSign, KindSRHT} {
		res, err := LeastSquares(context.Background(), a, b, LSSettings{Kind: kind, Seed: 1, Tol: 1e-11})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v: %d iterations, normal residual %.3g, ‖r‖ = %.6g", kind, res.Iterations, res.NormalResidual, res.ResidualNorm)
		if res.Status != Converged || res.Iterations > 40 || res.NormalResidual > 1e-10 {
			t.Errorf("%v: status %v, %d iterations, normal residual %.3g", kind, res.Status, res.Iterations, res.NormalResidual)
		}
		if kind != KindSparseSign {
			continue
		}
		var qr mat.QR
		qr.Factorize(a)
		var xq mat.Dense
		if err := qr.SolveTo(&xq, false, mat.NewDense(m, 1, b)); err != nil {
			t.Fatal(err)
		}
		// κ(G·diag(d)) ≤ cond·(√m+√n)/(√m−√n) (Davidson–Szarek, up to a tiny tail).
		kappa := 1e8 * (math.Sqrt(m) + math.Sqrt(n)) / (math.Sqrt(m) - math.Sqrt(n)) * 1.1
		anorm := mat.Norm(a, 2) // Frobenius ≥ ‖A‖₂: makes the bound below stricter
		var xn, dn float64
		for j := 0; j < n; j++ {
			xn += xq.At(j, 0) * xq.At(j, 0)
			d := res.X[j] - xq.At(j, 0)
			dn += d * d
		}
		xn, dn = math.Sqrt(xn), math.Sqrt(dn)
		// Wedin: both are backward stable, so each is within
		// O(u)·(κ + κ²‖r‖/(‖A‖‖x‖)) of the exact solution; allow 10× that per solver.
		bound := 2 * 10 * unitRoundoff * float64(n) * (kappa + kappa*kappa*res.ResidualNorm/(anorm*xn))
		t.Logf("κ = %.3g, ‖x − x_QR‖/‖x_QR‖ = %.3g (bound %.3g)", kappa, dn/xn, bound)
		if dn/xn > bound {
			t.Errorf("disagrees with QR: %.3g > %.3g", dn/xn, bound)
		}
	}
}

// TestLeastSquaresKappaSweep: the iteration count is nearly independent of
// the condition number (within ±25% over κ = 1e2 … 1e8), while plain LSQR's
// grows.
func TestLeastSquaresKappaSweep(t *testing.T) {
	const m, n = 4000, 50
	var its []int
	for _, k := range []float64{1e2, 1e4, 1e6, 1e8} {
		a, b, _ := IllConditioned(m, n, k, 1e-3, newRNG(2))
		res, err := LeastSquares(context.Background(), a, b, LSSettings{Seed: 3, Tol: 1e-12})
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := LeastSquares(context.Background(), a, b, LSSettings{NoPrecondition: true, Tol: 1e-12, MaxIter: 400})
		t.Logf("κ=%.0e: sketched %d its (normal res %.2g), plain %d its (%v, normal res %.2g)", k, res.Iterations, res.NormalResidual, plain.Iterations, plain.Status, plain.NormalResidual)
		if res.Status != Converged {
			t.Errorf("κ=%g: %v", k, res.Status)
		}
		its = append(its, res.Iterations)
	}
	lo, hi := its[0], its[0]
	for _, v := range its {
		lo, hi = min(lo, v), max(hi, v)
	}
	if float64(hi) > 1.25*float64(lo) {
		t.Errorf("iterations vary from %d to %d over κ", lo, hi)
	}
}

func TestLeastSquaresBadInput(t *testing.T) {
	a, b, _ := IllConditioned(100, 10, 10, 0, newRNG(4))
	ctx := context.Background()
	if _, err := LeastSquares(ctx, a, b, LSSettings{Oversampling: 0.5}); !errors.Is(err, ErrBadInput) {
		t.Errorf("s < n: %v", err)
	}
	if _, err := LeastSquares(ctx, a, b, LSSettings{Oversampling: 20}); !errors.Is(err, ErrBadInput) {
		t.Errorf("s > m: %v", err)
	}
	bn := append([]float64(nil), b...)
	bn[5] = math.NaN()
	if _, err := LeastSquares(ctx, a, bn, LSSettings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("NaN in b: %v", err)
	}
	// Rank deficient: a repeated column.
	ad := mat.DenseCopyOf(a)
	for i := 0; i < 100; i++ {
		ad.Set(i, 3, ad.At(i, 4))
	}
	if _, err := LeastSquares(ctx, ad, b, LSSettings{}); !errors.Is(err, ErrRankDeficient) {
		t.Errorf("rank deficient: %v", err)
	}
	// CSR input gives the same answer as dense.
	res1, _ := LeastSquares(ctx, a, b, LSSettings{Seed: 1})
	res2, err := LeastSquares(ctx, toCSR(a), b, LSSettings{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for j := range res1.X {
		if math.Abs(res1.X[j]-res2.X[j]) > 1e-10*(1+math.Abs(res1.X[j])) {
			t.Fatalf("CSR and dense differ at %d: %v vs %v", j, res1.X[j], res2.X[j])
		}
	}
}

// TestLSQRIterationAllocs: the fused LSQR pass allocates nothing.
func TestLSQRIterationAllocs(t *testing.T) {
	a, b, _ := IllConditioned(300, 20, 1e3, 1e-2, newRNG(5))
	for _, in := range []mat.Matrix{a, toCSR(a)} {
		pre := &precondOp{m: 300, n: 20, none: true, rows: newRowData(in)}
		u := append([]float64(nil), b...)
		w := make([]float64, 20)
		v := make([]float64, 20)
		if n := testing.AllocsPerRun(50, func() { pre.ApplyBidiag(u, w, v, 0.5) }); n != 0 {
			t.Errorf("%T: %v allocations per fused pass", in, n)
		}
	}
}

// TestLeastSquaresWorkers: the result does not depend on the number of
// worker goroutines, bit for bit (the pass sums its fixed row blocks in
// block order).
func TestLeastSquaresWorkers(t *testing.T) {
	a, b, _ := IllConditioned(3000, 30, 1e6, 1e-2, newRNG(6))
	for _, in := range []mat.Matrix{a, toCSR(a)} {
		r1, _ := LeastSquares(context.Background(), in, b, LSSettings{Seed: 1, Workers: 1})
		if r1.Status != Converged {
			t.Fatalf("%T: %v", in, r1.Status)
		}
		for _, workers := range []int{2, 3, 8, 11} {
			rw, _ := LeastSquares(context.Background(), in, b, LSSettings{Seed: 1, Workers: workers})
			if rw.Iterations != r1.Iterations {
				t.Fatalf("%T: %d iterations with %d workers, %d with 1", in, rw.Iterations, workers, r1.Iterations)
			}
			for j := range r1.X {
				if r1.X[j] != rw.X[j] {
					t.Fatalf("%T: x[%d] %v (1 worker) vs %v (%d workers)", in, j, r1.X[j], rw.X[j], workers)
				}
			}
		}
		pre := &precondOp{m: 3000, n: 30, none: true, rows: newRowData(in)}
		pre.rows.pool = newRowPool(pre.rows, 3)
		u := append([]float64(nil), b...)
		w, v := make([]float64, 30), make([]float64, 30)
		if n := testing.AllocsPerRun(20, func() { pre.ApplyBidiag(u, w, v, 0.5) }); n != 0 {
			t.Errorf("%T: %v allocations per parallel pass", in, n)
		}
		pre.rows.pool.close()
	}
}

// TestPrecondOpApply: Apply and ApplyTrans (used by linsolve.LSQR outside
// the fused pass) agree with ApplyBidiag and with A·R⁻¹ formed densely.
func TestPrecondOpApply(t *testing.T) {
	a, _, _ := IllConditioned(200, 12, 1e3, 1e-2, newRNG(7))
	r := mat.NewDense(12, 12, nil)
	rng := newRNG(8)
	for i := 0; i < 12; i++ {
		r.Set(i, i, 1+rng.Float64())
		for j := i + 1; j < 12; j++ {
			r.Set(i, j, rng.NormFloat64())
		}
	}
	raw := r.RawMatrix()
	rt := blas64.Triangular{N: 12, Stride: raw.Stride, Data: raw.Data, Uplo: blas.Upper, Diag: blas.NonUnit}
	var rinv mat.Dense
	if err := rinv.Inverse(r); err != nil {
		t.Fatal(err)
	}
	var ar mat.Dense
	ar.Mul(a, &rinv)
	v := make([]float64, 12)
	u := make([]float64, 200)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	for i := range u {
		u[i] = rng.NormFloat64()
	}
	for _, in := range []mat.Matrix{a, toCSR(a)} {
		pre := &precondOp{r: rt, m: 200, n: 12, tmp: make([]float64, 12), rows: newRowData(in)}
		got := make([]float64, 200)
		pre.Apply(got, v)
		want := mat.NewVecDense(200, nil)
		want.MulVec(&ar, mat.NewVecDense(12, v))
		for i := range got {
			if math.Abs(got[i]-want.AtVec(i)) > 1e-10*(1+math.Abs(want.AtVec(i))) {
				t.Fatalf("%T: Apply[%d] = %v, want %v", in, i, got[i], want.AtVec(i))
			}
		}
		gt := make([]float64, 12)
		pre.ApplyTrans(gt, u)
		wt := mat.NewVecDense(12, nil)
		wt.MulVec(ar.T(), mat.NewVecDense(200, u))
		for j := range gt {
			if math.Abs(gt[j]-wt.AtVec(j)) > 1e-10*(1+math.Abs(wt.AtVec(j))) {
				t.Fatalf("%T: ApplyTrans[%d] = %v, want %v", in, j, gt[j], wt.AtVec(j))
			}
		}
		// ApplyBidiag: u' = Ã·v − 0.5·u, w = Ãᵀu'.
		uu := append([]float64(nil), u...)
		w := make([]float64, 12)
		pre.ApplyBidiag(uu, w, v, 0.5)
		w2 := make([]float64, 12)
		pre.ApplyTrans(w2, uu)
		for i := range uu {
			if d := uu[i] - (want.AtVec(i) - 0.5*u[i]); math.Abs(d) > 1e-10*(1+math.Abs(uu[i])) {
				t.Fatalf("%T: ApplyBidiag u[%d] off by %v", in, i, d)
			}
		}
		for j := range w {
			if math.Abs(w[j]-w2[j]) > 1e-10*(1+math.Abs(w2[j])) {
				t.Fatalf("%T: ApplyBidiag w[%d] = %v, ApplyTrans gives %v", in, j, w[j], w2[j])
			}
		}
	}
}
