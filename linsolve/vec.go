package linsolve

import (
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/matrix"
)

// Vector kernels of the Krylov methods. Plain BLAS-1 (axpy, scal, the
// scaled 2-norm) is gonum's floats (AddScaled, Scale, Norm); what stays here
// is specialised: dot, norm and sumSq are the overflow-safe fast paths of
// scale.go (a plain four-way sum, redone scaled only when it over- or
// underflows), xpay (y = x + a·y) and cgUpdate (CG's fused x, r update with
// ‖r‖²) have no gonum counterpart. The AVX kernels of densekernel*.go are
// likewise specialised (blocked A·Bᵀ for the supernodal factorisations).

// dot returns xᵀy: the plain sum, redone scaled (sdot) when it over- or
// underflows.
func dot(x, y []float64) float64 {
	s := dotPlain(x, y)
	if a := math.Abs(s); !(a >= 1e-280 && a <= 1e280) {
		if a != 0 || anyNonZeroProductUnderflows(x, y) {
			return sdot(x, y)
		}
	}
	return s
}

// anyNonZeroProductUnderflows is true when x and y both hold non-zeros
// (a zero plain sum may then be an underflow rather than exact).
func anyNonZeroProductUnderflows(x, y []float64) bool {
	var nx, ny bool
	for i, v := range x {
		nx = nx || v != 0
		ny = ny || y[i] != 0
		if nx && ny {
			return true
		}
	}
	return false
}

func dotPlain(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// xpay sets y = x + a·y.
func xpay(x []float64, a float64, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = v + a*y[i]
	}
}

// sumSq returns Σ xᵢ² (unscaled; callers fall back to nrm2 on overflow).
func sumSq(x []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * x[i]
		s1 += x[i+1] * x[i+1]
		s2 += x[i+2] * x[i+2]
		s3 += x[i+3] * x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// norm returns ‖x‖₂, by the fast unscaled sum of squares unless that
// overflows or underflows, in which case the scaled nrm2 is used.
func norm(x []float64) float64 {
	s := sumSq(x)
	if s > 1e-280 && s < 1e280 {
		return math.Sqrt(s)
	}
	return floats.Norm(x, 2)
}

// cgUpdate sets x += α·p, r −= α·q and returns the new Σ rᵢ², in one pass.
func cgUpdate(alpha float64, p, q, x, r []float64) float64 {
	n := len(r)
	p, q, x = p[:n], q[:n], x[:n]
	var s0, s1 float64
	i := 0
	for ; i+2 <= n; i += 2 {
		x[i] += alpha * p[i]
		x[i+1] += alpha * p[i+1]
		r0 := r[i] - alpha*q[i]
		r1 := r[i+1] - alpha*q[i+1]
		r[i], r[i+1] = r0, r1
		s0 += r0 * r0
		s1 += r1 * r1
	}
	for ; i < n; i++ {
		x[i] += alpha * p[i]
		r0 := r[i] - alpha*q[i]
		r[i] = r0
		s0 += r0 * r0
	}
	return s0 + s1
}

// residual sets r = b − A·x and returns ‖r‖₂.
func residual(r []float64, a matrix.Operator, x, b []float64) float64 {
	a.Apply(r, x)
	for i := range r {
		r[i] = b[i] - r[i]
	}
	return norm(r)
}

// axpy sets y += a·x: gonum's floats.AddScaled (y may be longer than x).
// Kept as a name for the sparse Cholesky code; everything else calls
// floats.AddScaled directly.
func axpy(a float64, x, y []float64) { floats.AddScaled(y[:len(x)], a, x) }
