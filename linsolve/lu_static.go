package linsolve

import (
	"time"

	"github.com/james-bowman/sparse"
)

// StaticSymmetryMin is the pattern symmetry (the fraction of off-diagonal
// entries a_ij ≠ 0 whose mirror a_ji is also stored) from which FactorLU
// first tries diagonal pivots on the symmetric structure (see
// LUSettings.NoSymmetricPath).
const StaticSymmetryMin = 0.7

// patternSymmetry returns the fraction of A's off-diagonal entries whose
// transpose is also stored, from the pattern p of A+Aᵀ (no diagonal, no
// duplicates) and A itself.
func patternSymmetry(a *sparse.CSR, p *Pattern) float64 {
	raw := a.RawMatrix()
	n := p.N
	// Off-diagonal entries of A, duplicates removed.
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	m := 0
	for i := 0; i < n; i++ {
		for _, j := range raw.Ind[raw.Indptr[i]:raw.Indptr[i+1]] {
			if j != i && mark[j] != i {
				mark[j] = i
				m++
			}
		}
	}
	if m == 0 {
		return 1
	}
	// |A+Aᵀ| = 2m − (matched entries).
	return float64(2*m-p.Ptr[n]) / float64(m)
}

// hasFullDiagonal reports whether every diagonal entry is stored (its
// value may still be zero).
func hasFullDiagonal(a *sparse.CSR) bool {
	raw := a.RawMatrix()
	n, _ := a.Dims()
	for i := 0; i < n; i++ {
		found := false
		for _, j := range raw.Ind[raw.Indptr[i]:raw.Indptr[i+1]] {
			if j == i {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// factorSymmetric tries the symmetric-structure path: with row order equal
// to the column order (diagonal pivots), the patterns of L and U of
// A(q,q) are contained in those of the Cholesky factor of the pattern
// (A+Aᵀ)(q,q), which the elimination tree gives without any search: row k
// of that factor (the pattern of U(:,k)) is the union of the tree paths
// from the entries of row k to k (Davis 2006, §4.1). The numeric
// factorisation is then the refactorisation kernel, with every diagonal
// pivot checked against the threshold rule. It returns false (with the
// workspace clean) if a pivot fails, so that the caller runs the
// pivoting factorisation.
func (f *LU) factorSymmetric(p *Pattern) bool {
	t0 := time.Now()
	n := f.n
	for k, c := range f.q {
		f.pinv[c] = k
		f.prow[k] = c
	}
	parent := etreeOfPattern(p, f.q, f.pinv)
	// U patterns by row subtrees (topological order per column), L counts.
	mark := f.flag
	for i := range mark {
		mark[i] = -1
	}
	stack := f.stack
	lcount := f.xi
	clear(lcount)
	ui := f.ui[:0]
	if cap(ui) < 4*len(f.ci)+n {
		ui = make([]int32, 0, 4*len(f.ci)+n)
	}
	f.up = append(f.up[:0], 0)
	for k := 0; k < n; k++ {
		mark[k] = k
		top := n
		old := f.q[k]
		for _, jo := range p.Ind[p.Ptr[old]:p.Ptr[old+1]] {
			j := f.pinv[jo]
			if j > k {
				continue
			}
			ln := 0
			for mark[j] != k {
				stack[ln] = j
				ln++
				mark[j] = k
				j = parent[j]
			}
			for ln > 0 {
				ln--
				top--
				f.pstack[top] = stack[ln]
			}
		}
		if len(ui)+n-top > cap(ui) {
			grown := make([]int32, len(ui), max(2*cap(ui), len(ui)+n-top))
			copy(grown, ui)
			ui = grown
		}
		for _, j := range f.pstack[top:n] {
			ui = append(ui, int32(j))
			lcount[j]++
		}
		f.up = append(f.up, len(ui))
	}
	f.ui = ui
	if cap(f.ux) < len(ui) {
		f.ux = make([]float64, len(ui))
	}
	f.ux = f.ux[:len(ui)]
	f.lp = append(f.lp[:0], 0)
	for j := 0; j < n; j++ {
		f.lp = append(f.lp, f.lp[j]+lcount[j])
	}
	nl := f.lp[n]
	if cap(f.li) < nl {
		f.li = make([]int32, nl)
		f.lx = make([]float64, nl)
	}
	f.li, f.lx = f.li[:nl], f.lx[:nl]
	next := lcount
	copy(next, f.lp[:n])
	for k := 0; k < n; k++ {
		for _, j := range ui[f.up[k]:f.up[k+1]] {
			f.li[next[j]] = int32(k)
			next[j]++
		}
	}
	for j := range f.lpend {
		f.lpend[j] = -1
	}
	if _, err := f.refactor(); err != nil {
		return false
	}
	st := &f.stats
	st.NNZL = nl + n
	st.NNZU = len(ui) + n
	st.OffDiagPivots = 0
	st.FactorTime = time.Since(t0)
	st.RefactorTime = 0
	st.SymmetricPath = true
	return true
}
