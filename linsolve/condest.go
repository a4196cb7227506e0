package linsolve

import "math"

// Condest returns an estimate of the 1-norm condition number
// κ₁(A) = ‖A‖₁·‖A⁻¹‖₁ from the factorisation. ‖A⁻¹‖₁ is estimated by
// Hager's method as refined by Higham (LAPACK's xLACN2): starting from
// x = (1/n, …, 1/n), alternately solve y = A⁻¹x and z = A⁻ᵀ·sign(y) and
// move x to the unit vector e_j of the largest |z_j|, which is a gradient
// ascent for the convex function x ↦ ‖A⁻¹x‖₁ on the unit 1-ball, for at most
// five steps or until the signs repeat or the estimate stops growing; then
// Higham's extra vector x_i = (−1)ⁱ(1 + i/(n−1)) guards against the cases
// where the ascent stalls. The result is a lower bound on κ₁(A), usually
// within a factor of 3 of it. Each step costs two solves with the factors
// (no refinement). The estimate is +Inf if a solve overflows.
func (f *LU) Condest() float64 {
	n := f.n
	if n == 0 {
		return 0
	}
	x := make([]float64, n)
	y := make([]float64, n)
	xi := make([]float64, n)
	for i := range x {
		x[i] = 1 / float64(n)
	}
	f.solveRaw(y, x)
	est := norm1(y)
	if n == 1 || math.IsInf(est, 0) || math.IsNaN(est) {
		return f.finishCond(est)
	}
	signs(xi, y)
	f.solveTransRaw(x, xi)
	j := argmaxAbs(x)
	for iter := 2; ; iter++ {
		clear(x)
		x[j] = 1
		f.solveRaw(y, x)
		old := est
		est = norm1(y)
		if math.IsInf(est, 0) || math.IsNaN(est) {
			return f.finishCond(est)
		}
		same := true
		for i, v := range y {
			if sgn(v) != xi[i] {
				same = false
				break
			}
		}
		if same || est <= old {
			est = max(est, old)
			break
		}
		signs(xi, y)
		f.solveTransRaw(x, xi)
		jlast := j
		j = argmaxAbs(x)
		if math.Abs(x[jlast]) == math.Abs(x[j]) || iter >= 5 {
			break
		}
	}
	alt := 1.0
	for i := range x {
		x[i] = alt * (1 + float64(i)/float64(n-1))
		alt = -alt
	}
	f.solveRaw(y, x)
	if t := 2 * norm1(y) / float64(3*n); t > est {
		est = t
	}
	return f.finishCond(est)
}

func (f *LU) finishCond(est float64) float64 {
	if math.IsNaN(est) {
		return math.Inf(1)
	}
	return f.anorm1 * est
}

func norm1(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += math.Abs(x)
	}
	return s
}

func sgn(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

func signs(dst, v []float64) {
	for i, x := range v {
		dst[i] = sgn(x)
	}
}

func argmaxAbs(v []float64) int {
	j, m := 0, -1.0
	for i, x := range v {
		if a := math.Abs(x); a > m {
			j, m = i, a
		}
	}
	return j
}
