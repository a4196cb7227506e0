package sketch

import "fmt"

// FWHT applies the unnormalised fast Walsh–Hadamard transform to x in place:
// x ← H·x with H the n×n Sylvester–Hadamard matrix (H_ij = (−1)^popcount(i&j)),
// in n·log₂ n additions and subtractions and no allocation. len(x) must be a
// power of two. H·H = n·I.
func FWHT(x []float64) {
	n := len(x)
	if n&(n-1) != 0 {
		panic(fmt.Sprintf("sketch: FWHT: length %d is not a power of two", n))
	}
	for h := 1; h < n; h <<= 1 {
		for i := 0; i < n; i += h << 1 {
			a := x[i : i+h]
			b := x[i+h : i+2*h]
			b = b[:len(a)]
			for k, u := range a {
				v := b[k]
				a[k] = u + v
				b[k] = u - v
			}
		}
	}
}

// fwhtRows applies H to the n×w row-major block (H acts on the row index):
// the butterflies combine whole rows, so the inner loop is contiguous.
func fwhtRows(x []float64, n, w int) {
	for h := 1; h < n; h <<= 1 {
		for i := 0; i < n; i += h << 1 {
			for r := i; r < i+h; r++ {
				a := x[r*w : r*w+w]
				b := x[(r+h)*w : (r+h)*w+w]
				b = b[:len(a)]
				for k, u := range a {
					v := b[k]
					a[k] = u + v
					b[k] = u - v
				}
			}
		}
	}
}
