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
	if n <= fwhtBlock {
		fwhtStages(x, 1, n)
		return
	}
	// Cache blocking: all stages with h < fwhtBlock inside each block, then
	// the remaining stages across blocks.
	for i := 0; i < n; i += fwhtBlock {
		fwhtStages(x[i:i+fwhtBlock], 1, fwhtBlock)
	}
	fwhtStages(x, fwhtBlock, n)
}

// fwhtBlock is the in-cache block length (32 KiB of float64).
const fwhtBlock = 4096

// fwhtStages applies the butterfly stages h = h0, 2h0, …, < n to x.
func fwhtStages(x []float64, h0, n int) {
	h := h0
	if h == 1 && n >= 4 {
		// Stages h = 1 and 2 fused as a radix-4 butterfly.
		for i := 0; i+4 <= n; i += 4 {
			q := x[i : i+4 : i+4]
			a, b, c, d := q[0]+q[1], q[0]-q[1], q[2]+q[3], q[2]-q[3]
			q[0], q[1], q[2], q[3] = a+c, b+d, a-c, b-d
		}
		h = 4
	}
	for ; h < n; h <<= 1 {
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
