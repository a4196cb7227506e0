package linsolve

import (
	"context"
	"math"

	"github.com/kkt-go/kkt/matrix"
)

// Scaling against overflow and underflow.
//
// Norms are computed as LAPACK's dnrm2 does only when needed: norm() sums
// squares plainly and redoes the sum with scaling when it over- or
// underflows, and dot() likewise falls back to a scaled sum (sdot), so the
// hot loops keep their plain form. In addition every Krylov method solves
// with a right-hand side scaled by a power of two, σ·b with ‖σ·b‖₂ in
// [½, 1), when ‖b‖₂ lies outside [2⁻¹⁰⁰, 2¹⁰⁰]: a power-of-two scaling is
// exact, so the iterates are those of the unscaled problem times σ, but the
// squared residual norms and the ratios of inner products (α = rᵀr/pᵀAp)
// stay representable. X0 and ATol are scaled with b; X, ResidualNorm,
// BNorm, History and the Recorder's residuals are reported unscaled.

const (
	scaleLo = 0x1p-100
	scaleHi = 0x1p100
)

// scaledSolve runs solve on σ·b (see above) when ‖b‖ is outside
// [2⁻¹⁰⁰, 2¹⁰⁰], and on b otherwise. base returns the Settings inside s.
func scaledSolve[S any](ctx context.Context, a matrix.Operator, b []float64, s S, base func(*S) *Settings,
	solve func(context.Context, matrix.Operator, []float64, S) (*Result, error)) (*Result, error) {
	bn := norm(b) // plain sum of squares, scaled only on over/underflow
	if bn == 0 || isBad(bn) || (bn >= scaleLo && bn <= scaleHi) {
		return solve(ctx, a, b, s)
	}
	// σ = 2⁻ᵉ with ‖b‖ = f·2ᵉ, f ∈ [½, 1); math.Ldexp applies it exactly
	// even when σ itself would not be representable (‖b‖ subnormal).
	_, e := math.Frexp(bn)
	bs := make([]float64, len(b))
	for i, v := range b {
		bs[i] = math.Ldexp(v, -e)
	}
	st := base(&s)
	if st.X0 != nil {
		x0 := make([]float64, len(st.X0))
		for i, v := range st.X0 {
			x0[i] = math.Ldexp(v, -e)
		}
		st.X0 = x0
	}
	st.ATol = math.Ldexp(st.ATol, -e)
	if rec := st.Recorder; rec != nil {
		st.Recorder = func(it Iteration) bool {
			it.ResidualNorm = math.Ldexp(it.ResidualNorm, e)
			return rec(it)
		}
	}
	res, err := solve(ctx, a, bs, s)
	if res != nil {
		for i := range res.X {
			res.X[i] = math.Ldexp(res.X[i], e)
		}
		res.ResidualNorm = math.Ldexp(res.ResidualNorm, e)
		res.BNorm = math.Ldexp(res.BNorm, e)
		for i := range res.History {
			res.History[i] = math.Ldexp(res.History[i], e)
		}
	}
	return res, err
}

func plainSettings(s *Settings) *Settings    { return s }
func lsqrSettings(s *LSQRSettings) *Settings { return &s.Settings }

// sdot returns xᵀy computed with both vectors scaled by their largest
// magnitudes, for when the plain sum over- or underflows.
func sdot(x, y []float64) float64 {
	y = y[:len(x)]
	var sx, sy float64
	for i, v := range x {
		sx = max(sx, math.Abs(v))
		sy = max(sy, math.Abs(y[i]))
	}
	if sx == 0 || sy == 0 || isBad(sx) || isBad(sy) {
		return dotPlain(x, y)
	}
	ix, iy := 1/sx, 1/sy
	if isBad(ix) || isBad(iy) {
		// sx or sy subnormal: scale by a power of two instead.
		_, ex := math.Frexp(sx)
		_, ey := math.Frexp(sy)
		ix, iy = math.Ldexp(1, -ex), math.Ldexp(1, -ey)
		sx, sy = 1/ix, 1/iy
	}
	var s float64
	for i, v := range x {
		s += (v * ix) * (y[i] * iy)
	}
	return s * sx * sy
}
