package completion

import "math"

// Small dense kernels on row-major k×k and k-vectors. They allocate nothing.

// cholesky factors the k×k SPD matrix a (row-major, lower triangle used) in
// place into L with a = L·Lᵀ. It returns false if a pivot is not positive.
func cholesky(a []float64, k int) bool {
	for j := 0; j < k; j++ {
		d := a[j*k+j]
		for p := 0; p < j; p++ {
			d -= a[j*k+p] * a[j*k+p]
		}
		if !(d > 0) {
			return false
		}
		d = math.Sqrt(d)
		a[j*k+j] = d
		for i := j + 1; i < k; i++ {
			s := a[i*k+j]
			for p := 0; p < j; p++ {
				s -= a[i*k+p] * a[j*k+p]
			}
			a[i*k+j] = s / d
		}
	}
	return true
}

// cholSolve solves L·Lᵀ x = b in place (b becomes x) with L from cholesky.
func cholSolve(l []float64, k int, b []float64) {
	for i := 0; i < k; i++ {
		s := b[i]
		for p := 0; p < i; p++ {
			s -= l[i*k+p] * b[p]
		}
		b[i] = s / l[i*k+i]
	}
	for i := k - 1; i >= 0; i-- {
		s := b[i]
		for p := i + 1; p < k; p++ {
			s -= l[p*k+i] * b[p]
		}
		b[i] = s / l[i*k+i]
	}
}

// dotk and axpyk are the rank-k kernels of the alternating minimisation (k
// is the rank, typically 2–20). They stay plain loops, which the compiler
// inlines, rather than gonum's floats.Dot and floats.AddScaled: for vectors
// this short the call into gonum's assembly costs more than the arithmetic
// (BenchmarkAltMin, 2000×2000 rank 5: 15–25 % slower with floats.Dot).
func dotk(a, b []float64) float64 {
	var s float64
	b = b[:len(a)]
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// axpyk sets y += a·x.
func axpyk(a float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += a * v
	}
}

func logOf(x float64) float64 { return math.Log(x) }
