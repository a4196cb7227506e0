package linsolve

import (
	"fmt"
	"sort"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/cutest"
)

// kktMatrix assembles K = [[H + δw·I, Jᵀ], [J, −δc·I]] (both triangles,
// every diagonal entry stored) from the full symmetric H (n×n) and J (m×n).
func kktMatrix(h, j *sparse.CSR, dw, dc float64) *sparse.CSR {
	n, _ := h.Dims()
	m, _ := j.Dims()
	hr, jr := h.RawMatrix(), j.RawMatrix()
	// Columns of J (rows of Jᵀ).
	jt := make([][]int, n)
	jtv := make([][]float64, n)
	for i := 0; i < m; i++ {
		for k := jr.Indptr[i]; k < jr.Indptr[i+1]; k++ {
			c := jr.Ind[k]
			jt[c] = append(jt[c], n+i)
			jtv[c] = append(jtv[c], jr.Data[k])
		}
	}
	indptr := []int{0}
	var ind []int
	var data []float64
	type ent struct {
		j int
		v float64
	}
	var row []ent
	flush := func(diag int, dv float64) {
		sort.Slice(row, func(a, b int) bool { return row[a].j < row[b].j })
		// merge duplicates and add the diagonal
		out := row[:0]
		hasDiag := false
		for _, e := range row {
			if e.j == diag {
				e.v += dv
				hasDiag = true
			}
			if len(out) > 0 && out[len(out)-1].j == e.j {
				out[len(out)-1].v += e.v
				continue
			}
			out = append(out, e)
		}
		if !hasDiag {
			out = append(out, ent{diag, dv})
			sort.Slice(out, func(a, b int) bool { return out[a].j < out[b].j })
		}
		for _, e := range out {
			ind = append(ind, e.j)
			data = append(data, e.v)
		}
		indptr = append(indptr, len(ind))
		row = row[:0]
	}
	for i := 0; i < n; i++ {
		for k := hr.Indptr[i]; k < hr.Indptr[i+1]; k++ {
			row = append(row, ent{hr.Ind[k], hr.Data[k]})
		}
		for k, c := range jt[i] {
			row = append(row, ent{c, jtv[i][k]})
		}
		flush(i, dw)
	}
	for i := 0; i < m; i++ {
		for k := jr.Indptr[i]; k < jr.Indptr[i+1]; k++ {
			row = append(row, ent{jr.Ind[k], jr.Data[k]})
		}
		flush(n+i, -dc)
	}
	return sparse.NewCSR(n+m, n+m, indptr, ind, data)
}

// cutestKKT loads a CUTEst problem (KKT_DATA must be set) and returns its
// KKT matrix at the start point with multipliers y = 1.
func cutestKKT(name string, dw, dc float64) (*sparse.CSR, error) {
	p, err := cutest.Load(name, nil)
	if err != nil {
		return nil, err
	}
	if p.M() == 0 {
		return nil, fmt.Errorf("%s has no constraints", name)
	}
	x := p.X0()
	y := make([]float64, p.M())
	for i := range y {
		y[i] = 1
	}
	h := p.HessLag(x, y)
	j := p.Jacobian(x)
	return kktMatrix(h, j, dw, dc), nil
}

// shiftedKKT returns a copy of a with shift added to its diagonal.
func shiftedKKT(a *sparse.CSR, shift []float64) *sparse.CSR {
	raw := a.RawMatrix()
	n, _ := a.Dims()
	data := append([]float64(nil), raw.Data...)
	for i := 0; i < n; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			if raw.Ind[k] == i {
				data[k] += shift[i]
				break
			}
		}
	}
	return sparse.NewCSR(n, n, append([]int(nil), raw.Indptr...), append([]int(nil), raw.Ind...), data)
}
