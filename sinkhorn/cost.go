package sinkhorn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Metric is a ground cost between points.
type Metric int

const (
	// SqEuclidean is c(x, y) = Σ_k (x_k − y_k)² (the W₂ cost).
	SqEuclidean Metric = iota
	// Euclidean is c(x, y) = (Σ_k (x_k − y_k)²)^½.
	Euclidean
	// L1 is c(x, y) = Σ_k |x_k − y_k| (the W₁ cost on grids, "cityblock").
	L1
	// Minkowski is c(x, y) = (Σ_k |x_k − y_k|^p)^(1/p) with p ≥ 1 given to
	// CostMatrix.
	Minkowski
)

// ParseMetric parses "sqeuclidean", "euclidean", "l1" or "lp" (Minkowski).
func ParseMetric(s string) (Metric, error) {
	switch s {
	case "sqeuclidean", "l2sq", "sqeuc":
		return SqEuclidean, nil
	case "euclidean", "l2":
		return Euclidean, nil
	case "l1", "cityblock", "manhattan":
		return L1, nil
	case "lp", "minkowski":
		return Minkowski, nil
	}
	return 0, fmt.Errorf("%w: unknown metric %q (want sqeuclidean, euclidean, l1 or lp)", ErrBadInput, s)
}

func (m Metric) String() string {
	switch m {
	case SqEuclidean:
		return "sqeuclidean"
	case Euclidean:
		return "euclidean"
	case L1:
		return "l1"
	case Minkowski:
		return "lp"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// CostMatrix returns the n×m matrix C_ij = c(x_i, y_j) between the rows of
// x (n×d) and y (m×d); p is the exponent of Minkowski and ignored otherwise.
// No normalisation is applied: the scale of C matters because η multiplies
// it (the paper's η = 1200 is for costs of order 1; see Normalize).
func CostMatrix(x, y mat.Matrix, metric Metric, p float64) *mat.Dense {
	n, d := x.Dims()
	m, d2 := y.Dims()
	if d != d2 {
		panic(fmt.Sprintf("sinkhorn: CostMatrix: points of dimension %d and %d", d, d2))
	}
	if metric == Minkowski && !(p >= 1) {
		panic(fmt.Sprintf("sinkhorn: CostMatrix: Minkowski exponent p = %v < 1", p))
	}
	xs, ys := rowsOf(x), rowsOf(y)
	c := mat.NewDense(n, m, nil)
	raw := c.RawMatrix()
	for i := 0; i < n; i++ {
		xi := xs[i*d : (i+1)*d]
		row := raw.Data[i*raw.Stride : i*raw.Stride+m]
		for j := range row {
			yj := ys[j*d : (j+1)*d]
			var s float64
			switch metric {
			case SqEuclidean, Euclidean:
				for k, v := range xi {
					t := v - yj[k]
					s += t * t
				}
				if metric == Euclidean {
					s = math.Sqrt(s)
				}
			case L1:
				for k, v := range xi {
					s += math.Abs(v - yj[k])
				}
			case Minkowski:
				for k, v := range xi {
					s += math.Pow(math.Abs(v-yj[k]), p)
				}
				s = math.Pow(s, 1/p)
			default:
				panic(fmt.Sprintf("sinkhorn: CostMatrix: unknown metric %d", int(metric)))
			}
			row[j] = s
		}
	}
	return c
}

func rowsOf(a mat.Matrix) []float64 {
	r, c := a.Dims()
	out := make([]float64, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out[i*c+j] = a.At(i, j)
		}
	}
	return out
}

// Grid returns the h·w pixel centres of an h×w image as an (h·w)×2 matrix of
// (row, column) coordinates scaled to the unit square, (i/(h−1), j/(w−1)),
// in row-major pixel order (the order of a flattened image). With it the
// squared-Euclidean cost lies in [0, 2] and the L1 cost in [0, 2]. A side of
// length 1 maps to coordinate 0.
func Grid(h, w int) *mat.Dense {
	if h < 1 || w < 1 {
		panic(fmt.Sprintf("sinkhorn: Grid: %d×%d image", h, w))
	}
	g := mat.NewDense(h*w, 2, nil)
	sh, sw := 1/math.Max(1, float64(h-1)), 1/math.Max(1, float64(w-1))
	for i := 0; i < h; i++ {
		for j := 0; j < w; j++ {
			g.Set(i*w+j, 0, float64(i)*sh)
			g.Set(i*w+j, 1, float64(j)*sw)
		}
	}
	return g
}

// Normalize divides c by its largest absolute entry (so the costs lie in
// [−1, 1], or [0, 1] for non-negative costs) and returns that entry; a zero
// matrix is left unchanged and 0 returned.
func Normalize(c *mat.Dense) float64 {
	r, k := c.Dims()
	var big float64
	for i := 0; i < r; i++ {
		for j := 0; j < k; j++ {
			big = math.Max(big, math.Abs(c.At(i, j)))
		}
	}
	if big > 0 {
		c.Scale(1/big, c)
	}
	return big
}
