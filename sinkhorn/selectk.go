package sinkhorn

import (
	"fmt"
	"math"

	"github.com/james-bowman/sparse"
)

// selectLargest partially reorders v so that v[:k] holds its k largest
// values (in no particular order) and returns the k-th largest, v[k−1]
// after the call. It is Hoare's quickselect with a median-of-three pivot:
// O(len(v)) expected time, no allocation, deterministic. 1 ≤ k ≤ len(v).
func selectLargest(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	t := k - 1 // target index in descending order
	for lo < hi {
		mid := lo + (hi-lo)/2
		// median of three, descending: v[lo] ≥ v[mid] ≥ v[hi]
		if v[mid] > v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] > v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] > v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] > pivot {
				i++
			}
			for v[j] < pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		// now v[lo..j] ≥ pivot ≥ v[i..hi], and v[j+1..i−1] == pivot
		switch {
		case t <= j:
			hi = j
		case t >= i:
			lo = i
		default:
			return v[t]
		}
	}
	return v[t]
}

// kthLargest returns the k-th largest value of p and a slice of scratch
// holding the k largest values. When k is small against len(p) it first
// picks a threshold t from a strided sample of p (Floyd–Rivest style) so
// that, with high probability, at least k and not many more entries are ≥ t,
// gathers those candidates in one read-only pass and selects among them;
// if fewer than k entries are ≥ t it falls back to selecting over a copy of
// all of p. The result is exact either way.
func kthLargest(p []float64, k int, scratch []float64) (float64, []float64) {
	n := len(p)
	const minSample = 4096
	if sample := max(minSample, 16*k); 4*sample <= n {
		stride := n / sample
		s := scratch[:0]
		for i := stride / 2; i < n; i += stride {
			s = append(s, p[i])
		}
		// expected number of sample entries among the k largest of p
		exp := float64(k) * float64(len(s)) / float64(n)
		j := min(len(s), int(1.5*exp+3*math.Sqrt(exp))+10)
		t := selectLargest(s, j)
		cand := scratch[:0]
		for _, v := range p {
			if v >= t {
				cand = append(cand, v)
			}
		}
		if len(cand) >= k {
			return selectLargest(cand, k), cand[:k]
		}
	}
	copy(scratch, p)
	return selectLargest(scratch[:n], k), scratch[:k]
}

// topK writes into (indptr, ind, data) the CSR form of the k largest
// positive entries of the r×c row-major matrix p, using scratch (length
// r·c) for the selection. Ties at the threshold are kept in row-major order
// until k entries are stored. The slices are reused when large enough.
func topK(p []float64, r, c, k int, scratch []float64, indptr, ind []int, data []float64) ([]int, []int, []float64, float64) {
	k = min(k, len(p))
	rho, top := kthLargest(p, k, scratch)
	above := 0
	for _, v := range top {
		if v > rho {
			above++
		}
	}
	ties := k - above
	if rho <= 0 { // fewer than k positive entries: keep the positive ones
		rho, ties = 0, 0
	}
	indptr = append(indptr[:0], 0)
	ind, data = ind[:0], data[:0]
	for i := 0; i < r; i++ {
		for j, v := range p[i*c : (i+1)*c] {
			if v > rho || (v == rho && ties > 0) {
				if v == rho {
					ties--
				}
				ind = append(ind, j)
				data = append(data, v)
			}
		}
		indptr = append(indptr, len(ind))
	}
	return indptr, ind, data, rho
}

// topKCover is topK plus, for every row and every column, its largest
// positive entry (the adaptive SNS rule: a global threshold and per-row and
// per-column top entries, so every node keeps an edge in the sparsified
// Hessian's graph). rowMax and colMax (lengths r and c) are scratch. When
// k ≥ r·c every positive entry is kept without a selection.
func topKCover(p []float64, r, c, k int, scratch, rowMax, colMax []float64, indptr, ind []int, data []float64) ([]int, []int, []float64) {
	if k >= len(p) {
		indptr = append(indptr[:0], 0)
		ind, data = ind[:0], data[:0]
		for i := 0; i < r; i++ {
			for j, v := range p[i*c : (i+1)*c] {
				if v > 0 {
					ind = append(ind, j)
					data = append(data, v)
				}
			}
			indptr = append(indptr, len(ind))
		}
		return indptr, ind, data
	}
	rho, top := kthLargest(p, k, scratch)
	above := 0
	for _, v := range top {
		if v > rho {
			above++
		}
	}
	ties := k - above
	if rho <= 0 {
		rho, ties = 0, 0
	}
	clear(colMax)
	for i := 0; i < r; i++ {
		mx := 0.0
		for j, v := range p[i*c : (i+1)*c] {
			mx = max(mx, v)
			colMax[j] = max(colMax[j], v)
		}
		rowMax[i] = mx
	}
	indptr = append(indptr[:0], 0)
	ind, data = ind[:0], data[:0]
	for i := 0; i < r; i++ {
		rm := rowMax[i]
		for j, v := range p[i*c : (i+1)*c] {
			keep := v > rho || (v == rm || v == colMax[j]) && v > 0
			if !keep && v == rho && ties > 0 {
				ties--
				keep = true
			}
			if keep {
				ind = append(ind, j)
				data = append(data, v)
			}
		}
		indptr = append(indptr, len(ind))
	}
	return indptr, ind, data
}

// SparsePlan returns the k largest entries of the plan as a CSR matrix (the
// sparse top-k plan; k ≥ 1, capped at the number of positive entries). The
// threshold is found by quickselect in O(nm).
func (r *Result) SparsePlan(k int) *sparse.CSR {
	n, m := r.Plan.Dims()
	if k < 1 {
		panic(fmt.Sprintf("sinkhorn: SparsePlan: k = %d < 1", k))
	}
	raw := r.Plan.RawMatrix()
	p := raw.Data
	if raw.Stride != m {
		p = make([]float64, n*m)
		for i := 0; i < n; i++ {
			copy(p[i*m:], raw.Data[i*raw.Stride:i*raw.Stride+m])
		}
	}
	indptr, ind, data, _ := topK(p, n, m, k, make([]float64, n*m), nil, nil, nil)
	return sparse.NewCSR(n, m, indptr, ind, data)
}
