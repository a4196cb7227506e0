package sketch

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Kind names a sketch distribution.
type Kind int

const (
	KindSparseSign  Kind = iota // NewSparseSign with ζ = 8 (ζ = s when s < 8); the zero value
	KindGaussian                // NewGaussian
	KindRademacher              // NewRademacher
	KindCountSketch             // NewCountSketch
	KindSRHT                    // NewSRHT
	KindUniform                 // NewUniformSampling
	KindRowNorm                 // NewRowNormSampling (needs weights; not built by New)
)

var kindNames = [...]string{"sparse-sign", "gaussian", "rademacher", "countsketch", "srht", "uniform", "row-norm"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind returns the Kind named s (as printed by String).
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("sketch: unknown sketch kind %q", s)
}

// New returns an s×m sketch of the given kind (not KindRowNorm, which needs
// weights: use NewRowNormSampling).
func New(kind Kind, s, m int, rng *rand.Rand) Sketch {
	switch kind {
	case KindGaussian:
		return NewGaussian(s, m, rng)
	case KindRademacher:
		return NewRademacher(s, m, rng)
	case KindSparseSign:
		return NewSparseSign(s, m, min(8, s), rng)
	case KindCountSketch:
		return NewCountSketch(s, m, rng)
	case KindSRHT:
		return NewSRHT(s, m, rng)
	case KindUniform:
		return NewUniformSampling(s, m, rng)
	}
	panic(fmt.Sprintf("sketch: New: kind %v cannot be built without weights", kind))
}

// EmbeddingDistortion returns the ε for which, with probability at least
// 1 − δ, every singular value of S·U lies in [1 − ε, 1 + ε] for an m×d matrix
// U with orthonormal columns and an s×m sketch S of the given kind:
//
//   - Gaussian: ε = √(d/s) + √(2 ln(2/δ)/s), the Davidson–Szarek bound
//     (√s·S·U is an s×d standard Gaussian matrix, whose singular values lie
//     in √s ± (√d + t) with probability ≥ 1 − 2e^{−t²/2}). Rigorous.
//   - Rademacher, sparse sign (ζ = 8) and SRHT: the same value. For these
//     the rigorous non-asymptotic bounds carry unspecified or large constants
//     and are vacuous at s = 10·d (Tropp 2011 needs s ≳ d log d with a large
//     constant for the SRHT); the Gaussian value is what their limiting
//     spectra (Marchenko–Pastur, or the narrower Wachter law for the SRHT)
//     predict, and the tests check that it holds on fixed seeds.
//   - CountSketch: E‖UᵀSᵀSU − I‖_F² = (d² + d − 2Σᵢ‖uᵢ‖⁴)/s ≤ (d² + d)/s
//     (Clarkson & Woodruff; Nelson & Nguyen), so by Markov's inequality
//     ‖UᵀSᵀSU − I‖₂ ≤ η = √((d² + d)/(s·δ)) with probability ≥ 1 − δ, and
//     then σ ∈ [√(1 − η), √(1 + η)]; ε = 1 − √(1 − η) (∞ when η ≥ 1).
//   - Row-norm (leverage-score) sampling of U, p_i = ‖u_i‖²/d: each of the s
//     rank-one terms of (SU)ᵀSU has norm d/s, and the matrix Chernoff bound
//     (Tropp 2012) d·[e^{−η}/(1 − η)^{1−η}]^{s/d} ≤ δ/2 for the smallest and
//     d·[e^{η}/(1 + η)^{1+η}]^{s/d} ≤ δ/2 for the largest eigenvalue give
//     ε = max(1 − √(1 − η₋), √(1 + η₊) − 1).
//   - Uniform sampling depends on the coherence of U and returns +Inf.
func EmbeddingDistortion(kind Kind, s, m, d int, delta float64) float64 {
	if s <= 0 || d <= 0 || !(delta > 0 && delta < 1) {
		panic("sketch: EmbeddingDistortion: need s, d > 0 and 0 < δ < 1")
	}
	fs, fd := float64(s), float64(d)
	switch kind {
	case KindGaussian, KindRademacher, KindSparseSign, KindSRHT:
		return math.Sqrt(fd/fs) + math.Sqrt(2*math.Log(2/delta)/fs)
	case KindCountSketch:
		eta := math.Sqrt((fd*fd + fd) / (fs * delta))
		if eta >= 1 {
			return math.Inf(1)
		}
		return 1 - math.Sqrt(1-eta)
	case KindRowNorm:
		target := math.Log(delta/(2*fd)) / (fs / fd)
		lower := func(e float64) float64 { return -e - (1-e)*math.Log(1-e) }
		upper := func(e float64) float64 { return e - (1+e)*math.Log(1+e) }
		em := bisect(lower, target, 0, 1-1e-15)
		ep := bisect(upper, target, 0, 1e6)
		if em >= 1-1e-12 {
			return math.Inf(1)
		}
		return max(1-math.Sqrt(1-em), math.Sqrt(1+ep)-1)
	}
	return math.Inf(1)
}

// bisect returns the smallest e in [lo, hi] with f(e) ≤ target for a
// decreasing f (hi when none).
func bisect(f func(float64) float64, target, lo, hi float64) float64 {
	if f(hi) > target {
		return hi
	}
	for it := 0; it < 200; it++ {
		mid := 0.5 * (lo + hi)
		if f(mid) <= target {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
