package linsolve

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/james-bowman/sparse"
)

// ErrNotPositiveDefinite is wrapped by the error Cholesky and
// CholeskyFactor.Refactor return when a pivot is not positive.
var ErrNotPositiveDefinite = errors.New("linsolve: matrix is not positive definite")

// ErrPatternChanged is wrapped by the error Refactor returns when the matrix
// does not have the sparsity pattern the Symbolic was computed for.
var ErrPatternChanged = errors.New("linsolve: sparsity pattern differs from the analysed one")

// SymbolicSettings configures AnalyzeSymmetric. The zero value means AMD
// ordering and CHOLMOD's relaxed-supernode rule.
type SymbolicSettings struct {
	// Ordering is the fill-reducing order (default OrderAMD). Ignored when
	// Perm is set.
	Ordering Ordering
	// Perm, if not nil, is a user ordering (Perm[new] = old) used instead.
	Perm []int
	// NoRelax turns off relaxed supernode amalgamation (fundamental
	// supernodes only).
	NoRelax bool
}

// Symbolic is the symbolic analysis of a symmetric sparse matrix: the
// fill-reducing permutation (postordered), the elimination tree, the column
// counts of L, the supernode partition and the map from the user's stored
// entries to the permuted triangle. It is computed once per sparsity pattern
// and shared (read-only) by every numeric factorization of that pattern.
type Symbolic struct {
	n    int
	perm []int // perm[new] = old
	pinv []int // pinv[old] = new

	// The matrix: which triangle of the user's CSR is read, its pattern hash
	// and the map from each user entry to a slot of the permuted upper
	// triangle C = triu(P·A·Pᵀ) in CSC (−1: entry ignored).
	upper  bool
	nnzA   int
	hash   uint64
	amap   []int32
	cp     []int   // column pointers of C (diagonal included in every column)
	ci     []int32 // row indices of C
	cdiag  []int   // slot of C(k,k)
	parent []int   // elimination tree of C (−1: root)
	count  []int   // nnz of column j of L, diagonal included

	lnz int64 // nnz(L) with the diagonal

	// Supernodes (for Cholesky): super[s]..super[s+1]-1 are its columns,
	// srows[sp[s]:sp[s+1]] its row indices (its own columns first),
	// lp[s] the offset of its dense row-major block (nrow×ncol).
	super    []int
	colSuper []int
	sp       []int
	srows    []int32
	lp       []int64
	stored   int64 // stored entries of the supernodal factor (trapezoids)
	maxC     int   // largest update block
	maxW     int   // largest scaled descendant block (LDLᵀ)
	flops    float64
	csr      lowerMap // lower-triangular CSC view of C for the supernodal scatter
	analyzed bool
}

// lowerMap gives, for each column j of tril(PAPᵀ), the slots of C holding
// its entries (row indices rows[p], values C slot slot[p]).
type lowerMap struct {
	ptr  []int
	rows []int32
	slot []int32
}

// N returns the dimension.
func (s *Symbolic) N() int { return s.n }

// Perm returns the permutation used (perm[new] = old), including the
// elimination-tree postorder. The caller must not modify it.
func (s *Symbolic) Perm() []int { return s.perm }

// NNZL returns the number of nonzeros of the Cholesky factor L, diagonal
// included (the exact count, without relaxed-supernode zeros).
func (s *Symbolic) NNZL() int64 { return s.lnz }

// NNZA returns the number of entries of the stored triangle of P·A·Pᵀ
// (duplicates merged, every diagonal entry counted).
func (s *Symbolic) NNZA() int { return len(s.ci) }

// Fill returns nnz(L)/nnz(tril(A)), the fill ratio of the factorization.
func (s *Symbolic) Fill() float64 { return float64(s.lnz) / float64(len(s.ci)) }

// StoredL returns the number of entries the supernodal Cholesky factor
// stores (nnz(L) plus the explicit zeros of relaxed supernodes).
func (s *Symbolic) StoredL() int64 { return s.stored }

// Flops returns Σⱼ cⱼ², the multiply-add count of the Cholesky
// factorization, cⱼ = nnz(L(:,j)).
func (s *Symbolic) Flops() float64 { return s.flops }

// Supernodes returns the number of (relaxed) supernodes.
func (s *Symbolic) Supernodes() int { return len(s.super) - 1 }

// Parent returns the elimination tree (parent[j], −1 for roots) of the
// permuted matrix. The caller must not modify it.
func (s *Symbolic) Parent() []int { return s.parent }

// ColCounts returns nnz(L(:,j)) (diagonal included) for the permuted matrix.
func (s *Symbolic) ColCounts() []int { return s.count }

func patternHash(n int, indptr, ind []int) uint64 {
	h := uint64(1469598103934665603)
	mix := func(v int) {
		h ^= uint64(v)
		h *= 1099511628211
	}
	mix(n)
	for _, v := range indptr[:n+1] {
		mix(v)
	}
	for _, v := range ind[:indptr[n]] {
		mix(v)
	}
	return h
}

// AnalyzeSymmetric computes the symbolic analysis of the symmetric n×n
// matrix a. Only one triangle of a is read: the lower one (entries with
// column ≤ row) when a has any entry below the diagonal, otherwise the
// upper one; the other triangle is ignored, not checked. Duplicate entries
// are summed. The values of a are not used.
func AnalyzeSymmetric(a *sparse.CSR, set SymbolicSettings) (*Symbolic, error) {
	r, c := a.Dims()
	if r != c {
		return nil, fmt.Errorf("linsolve: AnalyzeSymmetric: matrix is %d×%d, not square", r, c)
	}
	n := r
	raw := a.RawMatrix()
	if len(raw.Indptr) != n+1 || raw.Indptr[n] > len(raw.Ind) {
		return nil, errors.New("linsolve: AnalyzeSymmetric: inconsistent CSR arrays")
	}
	pat, err := NewPattern(n, raw.Indptr, raw.Ind)
	if err != nil {
		return nil, err
	}
	var perm []int
	if set.Perm != nil {
		if len(set.Perm) != n || !IsPerm(set.Perm) {
			return nil, errors.New("linsolve: AnalyzeSymmetric: Settings.Perm is not a permutation of 0..n-1")
		}
		perm = append([]int(nil), set.Perm...)
	} else {
		perm, err = set.Ordering.Order(pat)
		if err != nil {
			return nil, err
		}
	}
	s := &Symbolic{n: n}
	// Which triangle.
	lower := false
	for i := 0; i < n && !lower; i++ {
		for _, j := range raw.Ind[raw.Indptr[i]:raw.Indptr[i+1]] {
			if j < i {
				lower = true
				break
			}
		}
	}
	s.upper = !lower
	// Etree of the pattern in the first order, then postorder and compose.
	pinv := InversePerm(perm)
	parent := etreeOfPattern(pat, perm, pinv)
	post := postorder(parent)
	final := make([]int, n)
	for k, j := range post {
		final[k] = perm[j]
	}
	s.perm = final
	s.pinv = InversePerm(final)
	s.nnzA = raw.Indptr[n]
	s.hash = patternHash(n, raw.Indptr, raw.Ind)
	s.buildC(raw.Indptr, raw.Ind)
	s.parent = etreeUpper(n, s.cp, s.ci)
	s.colCounts()
	s.supernodes(!set.NoRelax)
	s.analyzed = true
	return s, nil
}

// etreeOfPattern computes the elimination tree of P·A·Pᵀ from the
// symmetric pattern (Liu's algorithm with path compression).
func etreeOfPattern(p *Pattern, perm, pinv []int) []int {
	n := p.N
	parent := make([]int, n)
	anc := make([]int, n)
	for k := 0; k < n; k++ {
		parent[k] = -1
		anc[k] = -1
		old := perm[k]
		for _, jo := range p.Ind[p.Ptr[old]:p.Ptr[old+1]] {
			i := pinv[jo]
			for i != -1 && i < k {
				next := anc[i]
				anc[i] = k
				if next == -1 {
					parent[i] = k
				}
				i = next
			}
		}
	}
	return parent
}

func etreeUpper(n int, cp []int, ci []int32) []int {
	parent := make([]int, n)
	anc := make([]int, n)
	for k := 0; k < n; k++ {
		parent[k] = -1
		anc[k] = -1
		for _, i32 := range ci[cp[k]:cp[k+1]] {
			i := int(i32)
			for i != -1 && i < k {
				next := anc[i]
				anc[i] = k
				if next == -1 {
					parent[i] = k
				}
				i = next
			}
		}
	}
	return parent
}

// postorder returns a depth-first postorder of the forest parent
// (post[k] = node), children visited in increasing order.
func postorder(parent []int) []int {
	n := len(parent)
	head := make([]int, n)
	next := make([]int, n)
	for i := range head {
		head[i] = -1
	}
	for j := n - 1; j >= 0; j-- {
		if p := parent[j]; p >= 0 {
			next[j] = head[p]
			head[p] = j
		}
	}
	post := make([]int, 0, n)
	stack := make([]int, 0, 64)
	for root := 0; root < n; root++ {
		if parent[root] != -1 {
			continue
		}
		stack = append(stack, root)
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			if c := head[j]; c >= 0 {
				head[j] = next[c]
				stack = append(stack, c)
			} else {
				stack = stack[:len(stack)-1]
				post = append(post, j)
			}
		}
	}
	return post
}

// buildC forms the pattern of C = triu(P·A·Pᵀ) in CSC with a diagonal slot
// in every column, and the map from user entries to C slots.
func (s *Symbolic) buildC(indptr, ind []int) {
	n := s.n
	nnz := indptr[n]
	s.amap = make([]int32, nnz)
	colOf := make([]int32, nnz)
	rowOf := make([]int32, nnz)
	cnt := make([]int, n+1)
	for i := 0; i < n; i++ {
		for k := indptr[i]; k < indptr[i+1]; k++ {
			j := ind[k]
			if (s.upper && j < i) || (!s.upper && j > i) {
				colOf[k] = -1
				continue
			}
			a, b := s.pinv[i], s.pinv[j]
			if a > b {
				a, b = b, a
			}
			rowOf[k], colOf[k] = int32(a), int32(b)
			cnt[b+1]++
		}
	}
	for k := 0; k < n; k++ {
		cnt[k+1] += cnt[k] + 1 // + the diagonal slot
	}
	// Bucket user entries by column; dedupe with a row→slot marker.
	s.cp = make([]int, n+1)
	s.ci = make([]int32, 0, cnt[n])
	s.cdiag = make([]int, n)
	bstart := make([]int, n+1)
	copy(bstart, cnt)
	order := make([]int32, cnt[n])
	next := make([]int, n)
	copy(next, cnt[:n])
	for k := 0; k < nnz; k++ {
		if colOf[k] >= 0 {
			b := colOf[k]
			order[next[b]] = int32(k)
			next[b]++
		}
	}
	mark := make([]int, n)
	slotOf := make([]int32, n)
	for i := range mark {
		mark[i] = -1
	}
	for j := 0; j < n; j++ {
		s.cp[j] = len(s.ci)
		for _, k := range order[bstart[j]:next[j]] {
			r := rowOf[k]
			if mark[r] != j {
				mark[r] = j
				slotOf[r] = int32(len(s.ci))
				s.ci = append(s.ci, r)
			}
			s.amap[k] = slotOf[r]
		}
		if mark[j] != j {
			mark[j] = j
			slotOf[j] = int32(len(s.ci))
			s.ci = append(s.ci, int32(j))
		}
		s.cdiag[j] = int(slotOf[j])
	}
	s.cp[n] = len(s.ci)
	for k := 0; k < nnz; k++ {
		if colOf[k] < 0 {
			s.amap[k] = -1
		}
	}
}

// colCounts computes nnz(L(:,j)) by traversing the row subtrees of the
// elimination tree (time O(nnz(L))).
func (s *Symbolic) colCounts() {
	n := s.n
	s.count = make([]int, n)
	mark := make([]int, n)
	for k := 0; k < n; k++ {
		mark[k] = k
		s.count[k]++
		for _, i32 := range s.ci[s.cp[k]:s.cp[k+1]] {
			for i := int(i32); mark[i] != k; i = s.parent[i] {
				mark[i] = k
				s.count[i]++
			}
		}
	}
	s.lnz = 0
	s.flops = 0
	for _, c := range s.count {
		s.lnz += int64(c)
		s.flops += float64(c) * float64(c)
	}
}

// supernodes finds the fundamental supernodes, merges them by CHOLMOD's
// relaxed amalgamation rule, and builds each supernode's row structure.
func (s *Symbolic) supernodes(relax bool) {
	n := s.n
	nchild := make([]int, n)
	for _, p := range s.parent {
		if p >= 0 {
			nchild[p]++
		}
	}
	// Fundamental supernodes.
	type snode struct {
		f, ncol, nrow int // first column, columns, rows (incl. its columns)
		zeros         int64
	}
	var sn []snode
	for j := 0; j < n; {
		f := j
		for j+1 < n && s.parent[j] == j+1 && nchild[j+1] == 1 && s.count[j] == s.count[j+1]+1 {
			j++
		}
		sn = append(sn, snode{f: f, ncol: j - f + 1, nrow: s.count[f]})
		j++
	}
	trap := func(ncol, nrow int) int64 {
		// entries of an nrow×ncol lower trapezoid
		return int64(ncol)*int64(nrow) - int64(ncol)*int64(ncol-1)/2
	}
	if relax && len(sn) > 1 {
		merged := sn[:1]
		for _, p := range sn[1:] {
			c := &merged[len(merged)-1]
			last := c.f + c.ncol - 1
			if s.parent[last] == p.f {
				ns := c.ncol + p.ncol
				nrow := c.ncol + p.nrow
				z := c.zeros + p.zeros + int64(c.ncol)*int64(nrow-c.nrow)
				tot := trap(ns, nrow)
				fz := float64(z) / float64(tot)
				if z == 0 || ns <= 4 || (ns <= 16 && fz < 0.8) || (ns <= 48 && fz < 0.1) || fz < 0.05 {
					c.ncol, c.nrow, c.zeros = ns, nrow, z
					continue
				}
			}
			merged = append(merged, p)
		}
		sn = merged
	}
	ns := len(sn)
	s.super = make([]int, ns+1)
	s.colSuper = make([]int, n)
	for k, x := range sn {
		s.super[k] = x.f
		for j := x.f; j < x.f+x.ncol; j++ {
			s.colSuper[j] = k
		}
	}
	s.super[ns] = n
	// Row structure: own columns, then the rows > last column from the
	// lower triangle of C in these columns and from the child supernodes.
	lm := s.lowerView()
	s.csr = lm
	s.sp = make([]int, ns+1)
	s.lp = make([]int64, ns+1)
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	childHead := make([]int, ns)
	childNext := make([]int, ns)
	for k := range childHead {
		childHead[k] = -1
	}
	for k := 0; k < ns; k++ {
		last := s.super[k+1] - 1
		if p := s.parent[last]; p >= 0 {
			ps := s.colSuper[p]
			childNext[k] = childHead[ps]
			childHead[ps] = k
		}
	}
	s.srows = make([]int32, 0, 2*len(s.ci))
	s.stored = 0
	for k := 0; k < ns; k++ {
		f, l := s.super[k], s.super[k+1]
		s.sp[k] = len(s.srows)
		for j := f; j < l; j++ {
			s.srows = append(s.srows, int32(j))
			mark[j] = k
		}
		start := len(s.srows)
		for j := f; j < l; j++ {
			for _, r := range lm.rows[lm.ptr[j]:lm.ptr[j+1]] {
				if int(r) >= l && mark[r] != k {
					mark[r] = k
					s.srows = append(s.srows, r)
				}
			}
		}
		for c := childHead[k]; c >= 0; c = childNext[c] {
			for _, r := range s.srows[s.sp[c]:s.sp[c+1]] {
				if int(r) >= l && mark[r] != k {
					mark[r] = k
					s.srows = append(s.srows, r)
				}
			}
		}
		sortInt32(s.srows[start:])
		nrow := len(s.srows) - s.sp[k]
		s.lp[k+1] = s.lp[k] + int64(nrow)*int64(l-f)
		s.stored += trap(l-f, nrow)
	}
	s.sp[ns] = len(s.srows)
	// Largest update block m1×m2 of a descendant onto an ancestor.
	s.maxC = 0
	for d := 0; d < ns; d++ {
		rows := s.srows[s.sp[d]:s.sp[d+1]]
		ncol := s.super[d+1] - s.super[d]
		p := ncol
		for p < len(rows) {
			t := s.colSuper[rows[p]]
			q := p
			for q < len(rows) && int(rows[q]) < s.super[t+1] {
				q++
			}
			if m := (len(rows) - p) * (q - p); m > s.maxC {
				s.maxC = m
			}
			s.maxW = max(s.maxW, (q-p)*ncol)
			p = q
		}
	}
}

// lowerView transposes the pattern of C into the lower triangle by columns,
// recording for each entry the slot of C that holds its value.
func (s *Symbolic) lowerView() lowerMap {
	n := s.n
	lm := lowerMap{ptr: make([]int, n+1)}
	for j := 0; j < n; j++ {
		for _, i := range s.ci[s.cp[j]:s.cp[j+1]] {
			lm.ptr[i+1]++
		}
	}
	for i := 0; i < n; i++ {
		lm.ptr[i+1] += lm.ptr[i]
	}
	lm.rows = make([]int32, len(s.ci))
	lm.slot = make([]int32, len(s.ci))
	next := make([]int, n)
	copy(next, lm.ptr[:n])
	for j := 0; j < n; j++ {
		for p := s.cp[j]; p < s.cp[j+1]; p++ {
			i := s.ci[p]
			q := next[i]
			lm.rows[q] = int32(j)
			lm.slot[q] = int32(p)
			next[i]++
		}
	}
	return lm
}

func sortInt32(a []int32) { slices.Sort(a) }

// loadValues scatters the user's values into the C slots (dst has len(ci))
// after checking the pattern; it allocates nothing.
func (s *Symbolic) loadValues(dst []float64, a *sparse.CSR) error {
	r, c := a.Dims()
	if r != s.n || c != s.n {
		return fmt.Errorf("%w: matrix is %d×%d, analysed %d×%d", ErrPatternChanged, r, c, s.n, s.n)
	}
	raw := a.RawMatrix()
	if len(raw.Indptr) != s.n+1 || raw.Indptr[s.n] != s.nnzA || len(raw.Ind) < s.nnzA || len(raw.Data) < s.nnzA {
		return fmt.Errorf("%w: %d stored entries, analysed %d", ErrPatternChanged, raw.Indptr[len(raw.Indptr)-1], s.nnzA)
	}
	if patternHash(s.n, raw.Indptr, raw.Ind) != s.hash {
		return ErrPatternChanged
	}
	clear(dst)
	for i := 0; i < s.n; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			v := raw.Data[k]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("linsolve: entry (%d,%d) of the matrix is %v", i, raw.Ind[k], v)
			}
			if p := s.amap[k]; p >= 0 {
				dst[p] += v
			}
		}
	}
	return nil
}

// symMulVec sets y = C·x for the symmetric matrix whose upper triangle C
// holds (values cx), in the permuted numbering.
func (s *Symbolic) symMulVec(y, cx, x []float64) {
	clear(y)
	for j := 0; j < s.n; j++ {
		xj := x[j]
		var t float64
		for p := s.cp[j]; p < s.cp[j+1]; p++ {
			i := int(s.ci[p])
			v := cx[p]
			if i == j {
				t += v * xj
				continue
			}
			t += v * x[i]
			y[i] += v * xj
		}
		y[j] += t
	}
}
