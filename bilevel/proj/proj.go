package proj

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Set is a closed convex set of R^Dim with its Euclidean projection.
type Set interface {
	// Dim is the dimension of the ambient space.
	Dim() int
	// Project sets dst = Π(v). dst and v have length Dim and may be the same
	// slice. The error is non-nil when the projection cannot be computed
	// (an empty set, NaN input, a degenerate polyhedron).
	Project(dst, v []float64) error
}

// ErrInfeasible is returned (wrapped) when a set is empty.
var ErrInfeasible = errors.New("proj: empty set (infeasible constraints)")

// ErrNaN is returned (wrapped) when the input contains NaN or Inf.
var ErrNaN = errors.New("proj: NaN or Inf in the input")

func checkDims(name string, s Set, dst, v []float64) {
	if len(v) != s.Dim() || len(dst) != s.Dim() {
		panic(fmt.Sprintf("proj: %s.Project: len(dst)=%d, len(v)=%d, want %d", name, len(dst), len(v), s.Dim()))
	}
}

func finite(v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w (entry %d = %v)", ErrNaN, i, x)
		}
	}
	return nil
}

// Free is all of R^n (the projection is the identity).
type Free int

// Dim returns n.
func (f Free) Dim() int { return int(f) }

// Project copies v into dst.
func (f Free) Project(dst, v []float64) error {
	checkDims("Free", f, dst, v)
	if err := finite(v); err != nil {
		return err
	}
	copy(dst, v)
	return nil
}

// Box is {y : Lo ≤ y ≤ Hi} componentwise. Lo and Hi may hold ±Inf.
type Box struct {
	Lo, Hi []float64
}

// NewBox returns the box [lo, hi]; it fails when some lo_i > hi_i (empty set)
// or a bound is NaN.
func NewBox(lo, hi []float64) (*Box, error) {
	if len(lo) != len(hi) {
		panic("proj: NewBox: len(lo) != len(hi)")
	}
	for i := range lo {
		if math.IsNaN(lo[i]) || math.IsNaN(hi[i]) {
			return nil, fmt.Errorf("proj: NewBox: NaN bound at %d", i)
		}
		if lo[i] > hi[i] {
			return nil, fmt.Errorf("%w: box bound lo[%d]=%v > hi[%d]=%v", ErrInfeasible, i, lo[i], i, hi[i])
		}
	}
	return &Box{Lo: lo, Hi: hi}, nil
}

// UniformBox returns the box [lo, hi]^n; it fails when lo > hi.
func UniformBox(n int, lo, hi float64) (*Box, error) {
	l, h := make([]float64, n), make([]float64, n)
	for i := range l {
		l[i], h[i] = lo, hi
	}
	return NewBox(l, h)
}

// Dim returns the dimension.
func (b *Box) Dim() int { return len(b.Lo) }

// Project clips v to the box.
func (b *Box) Project(dst, v []float64) error {
	checkDims("Box", b, dst, v)
	if err := finite(v); err != nil {
		return err
	}
	for i, x := range v {
		dst[i] = min(max(x, b.Lo[i]), b.Hi[i])
	}
	return nil
}

// Ball is {y : ‖y − Center‖₂ ≤ Radius}. A nil Center is the origin.
type Ball struct {
	N      int
	Center []float64
	Radius float64
}

// NewBall returns the ball of the given center (nil = origin) and radius; it
// fails for a negative or NaN radius.
func NewBall(n int, center []float64, radius float64) (*Ball, error) {
	if center != nil && len(center) != n {
		panic("proj: NewBall: len(center) != n")
	}
	if !(radius >= 0) || math.IsInf(radius, 0) {
		return nil, fmt.Errorf("proj: NewBall: radius %v must be finite and ≥ 0", radius)
	}
	return &Ball{N: n, Center: center, Radius: radius}, nil
}

// Dim returns the dimension.
func (b *Ball) Dim() int { return b.N }

// Project scales v − c back onto the ball.
func (b *Ball) Project(dst, v []float64) error {
	checkDims("Ball", b, dst, v)
	if err := finite(v); err != nil {
		return err
	}
	c := func(i int) float64 {
		if b.Center == nil {
			return 0
		}
		return b.Center[i]
	}
	var s float64
	for i, x := range v {
		d := x - c(i)
		s += d * d
	}
	nrm := math.Sqrt(s)
	t := 1.0
	if nrm > b.Radius {
		t = b.Radius / nrm
	}
	for i, x := range v {
		ci := c(i)
		dst[i] = ci + t*(x-ci)
	}
	return nil
}

// Simplex is {y : y ≥ 0, Σ y_i = Sum} (the probability simplex when Sum = 1).
type Simplex struct {
	N   int
	Sum float64
	buf []float64
}

// NewSimplex returns the scaled simplex; it fails for a non-positive or NaN sum.
func NewSimplex(n int, sum float64) (*Simplex, error) {
	if !(sum > 0) || math.IsInf(sum, 0) {
		return nil, fmt.Errorf("proj: NewSimplex: sum %v must be finite and > 0", sum)
	}
	if n < 1 {
		return nil, fmt.Errorf("%w: simplex of dimension %d", ErrInfeasible, n)
	}
	return &Simplex{N: n, Sum: sum, buf: make([]float64, n)}, nil
}

// Dim returns the dimension.
func (s *Simplex) Dim() int { return s.N }

// Project computes max(v − τ, 0) with Σ max(v − τ, 0) = Sum by sorting v in
// decreasing order (O(n log n)).
func (s *Simplex) Project(dst, v []float64) error {
	checkDims("Simplex", s, dst, v)
	if err := finite(v); err != nil {
		return err
	}
	u := s.buf
	copy(u, v)
	slices.Sort(u) // ascending; walk from the top
	var cum, tau float64
	n := len(u)
	for k := 1; k <= n; k++ {
		cum += u[n-k]
		t := (cum - s.Sum) / float64(k)
		if k == n || u[n-k-1] <= t {
			tau = t
			break
		}
	}
	for i, x := range v {
		dst[i] = max(x-tau, 0)
	}
	return nil
}

// HalfSpace is {y : Aᵀy ≤ B}.
type HalfSpace struct {
	A  []float64
	B  float64
	a2 float64
}

// NewHalfSpace returns {y : aᵀy ≤ b}; a = 0 with b < 0 is empty (error), a = 0
// with b ≥ 0 is all of R^n.
func NewHalfSpace(a []float64, b float64) (*HalfSpace, error) {
	var s float64
	for _, x := range a {
		s += x * x
	}
	if math.IsNaN(s) || math.IsNaN(b) || math.IsInf(s, 0) {
		return nil, fmt.Errorf("proj: NewHalfSpace: NaN or Inf in a or b")
	}
	if s == 0 && b < 0 {
		return nil, fmt.Errorf("%w: 0ᵀy ≤ %v", ErrInfeasible, b)
	}
	return &HalfSpace{A: a, B: b, a2: s}, nil
}

// Dim returns the dimension.
func (h *HalfSpace) Dim() int { return len(h.A) }

// Project moves v along a onto the boundary when aᵀv > b.
func (h *HalfSpace) Project(dst, v []float64) error {
	checkDims("HalfSpace", h, dst, v)
	if err := finite(v); err != nil {
		return err
	}
	var s float64
	for i, x := range v {
		s += h.A[i] * x
	}
	t := 0.0
	if s > h.B && h.a2 > 0 {
		t = (s - h.B) / h.a2
	}
	for i, x := range v {
		dst[i] = x - t*h.A[i]
	}
	return nil
}

// Product is the Cartesian product S₁ × S₂ × … over consecutive blocks.
type Product struct {
	Sets []Set
	n    int
}

// NewProduct returns the product of the sets in order.
func NewProduct(sets ...Set) *Product {
	n := 0
	for _, s := range sets {
		n += s.Dim()
	}
	return &Product{Sets: sets, n: n}
}

// Dim returns the total dimension.
func (p *Product) Dim() int { return p.n }

// Project projects each block onto its set.
func (p *Product) Project(dst, v []float64) error {
	checkDims("Product", p, dst, v)
	off := 0
	for _, s := range p.Sets {
		d := s.Dim()
		if err := s.Project(dst[off:off+d], v[off:off+d]); err != nil {
			return err
		}
		off += d
	}
	return nil
}
