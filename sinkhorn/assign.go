package sinkhorn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Assignment solves the linear assignment problem min_π Σ_i C_{i,π(i)} for a
// square cost by the Hungarian method with potentials (Kuhn–Munkres in the
// O(n³) shortest-augmenting-path form of Jonker–Volgenant). It returns the
// permutation π and its cost. Exact OT between uniform measures of equal
// size n is attained at a permutation (Birkhoff), so OT = cost/n: this is
// the exact solver the tests compare the entropic plans with.
func Assignment(c mat.Matrix) (perm []int, cost float64) {
	n, m := c.Dims()
	if n != m {
		panic(fmt.Sprintf("sinkhorn: Assignment: cost is %d×%d, not square", n, m))
	}
	// 1-based arrays as in the classical formulation; row 0 is a sentinel.
	u := make([]float64, n+1)
	v := make([]float64, n+1)
	p := make([]int, n+1) // p[j] = row assigned to column j
	way := make([]int, n+1)
	minv := make([]float64, n+1)
	used := make([]bool, n+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j] = math.Inf(1)
			used[j] = false
		}
		for {
			used[j0] = true
			i0 := p[j0]
			delta := math.Inf(1)
			j1 := 0
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				cur := c.At(i0-1, j-1) - u[i0] - v[j]
				if cur < minv[j] {
					minv[j] = cur
					way[j] = j0
				}
				if minv[j] < delta {
					delta = minv[j]
					j1 = j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	perm = make([]int, n)
	for j := 1; j <= n; j++ {
		perm[p[j]-1] = j - 1
	}
	for i, j := range perm {
		cost += c.At(i, j)
	}
	return perm, cost
}
