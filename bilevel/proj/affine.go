package proj

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Affine is the affine subspace {y : A·y = b}. It stores y₀ = A⁺b and an
// orthonormal basis V_r of range(Aᵀ) (right singular vectors of A for the
// singular values above the rank tolerance), so a projection costs two
// products with the n×r matrix V_r:
//
//	Π(v) = v − V_r·V_rᵀ·(v − y₀).
type Affine struct {
	n    int
	v    *mat.Dense // n×r
	y0   []float64
	w    []float64 // r scratch
	d    []float64 // n scratch
	Rank int
}

// NewAffine factors A (k×n, any rank) once. It fails with ErrInfeasible when
// b is not in the range of A (the system A·y = b has no solution), judged by
// the residual ‖A·A⁺b − b‖ > 1e-10·(1 + ‖b‖) after scaling by ‖A‖.
func NewAffine(a mat.Matrix, b []float64) (*Affine, error) {
	k, n := a.Dims()
	if len(b) != k {
		panic(fmt.Sprintf("proj: NewAffine: len(b)=%d, A has %d rows", len(b), k))
	}
	for _, x := range b {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("proj: NewAffine: %w in b", ErrNaN)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return nil, fmt.Errorf("proj: NewAffine: SVD of A failed (NaN or Inf in A?)")
	}
	s := svd.Values(nil)
	tol := 0.0
	if len(s) > 0 {
		tol = float64(max(k, n)) * s[0] * 1e-13
	}
	r := 0
	for _, x := range s {
		if x > tol {
			r++
		}
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	p := &Affine{n: n, y0: make([]float64, n), w: make([]float64, max(r, 1)), d: make([]float64, n), Rank: r}
	if r == 0 {
		p.v = nil
	} else {
		p.v = mat.DenseCopyOf(v.Slice(0, n, 0, r))
	}
	// y₀ = V_r S_r⁻¹ U_rᵀ b
	for j := 0; j < r; j++ {
		var c float64
		for i := 0; i < k; i++ {
			c += u.At(i, j) * b[i]
		}
		c /= s[j]
		for i := 0; i < n; i++ {
			p.y0[i] += c * v.At(i, j)
		}
	}
	// Consistency: A y₀ = b.
	ay := mat.NewVecDense(k, nil)
	ay.MulVec(a, mat.NewVecDense(n, p.y0))
	var res, bn float64
	for i := 0; i < k; i++ {
		d := ay.AtVec(i) - b[i]
		res += d * d
		bn += b[i] * b[i]
	}
	if math.Sqrt(res) > 1e-10*(1+math.Sqrt(bn)) {
		return nil, fmt.Errorf("%w: A·y = b has no solution (least-squares residual %.3g)", ErrInfeasible, math.Sqrt(res))
	}
	return p, nil
}

// NewHyperplane returns {y : aᵀy = b}.
func NewHyperplane(a []float64, b float64) (*Affine, error) {
	return NewAffine(mat.NewDense(1, len(a), append([]float64(nil), a...)), []float64{b})
}

// Dim returns the dimension.
func (p *Affine) Dim() int { return p.n }

// Project computes v − V_r V_rᵀ (v − y₀). It allocates nothing.
func (p *Affine) Project(dst, v []float64) error {
	checkDims("Affine", p, dst, v)
	if err := finite(v); err != nil {
		return err
	}
	if p.v == nil {
		copy(dst, p.y0)
		return nil
	}
	d := p.d
	for i := range v {
		d[i] = v[i] - p.y0[i]
	}
	raw := p.v.RawMatrix()
	r := raw.Cols
	w := p.w[:r]
	clear(w)
	for i := 0; i < p.n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+r]
		di := d[i]
		for j, x := range row {
			w[j] += x * di
		}
	}
	for i := 0; i < p.n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+r]
		var s float64
		for j, x := range row {
			s += x * w[j]
		}
		dst[i] = v[i] - s
	}
	return nil
}
