package linsolve

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/james-bowman/sparse"
)

// Ordering names a fill-reducing symmetric permutation for the sparse direct
// factorizations. The zero value is OrderAMD.
type Ordering int

const (
	// OrderAMD is approximate minimum degree (Amestoy, Davis, Duff 1996).
	OrderAMD Ordering = iota
	// OrderRCM is reverse Cuthill–McKee (a bandwidth-reducing order).
	OrderRCM
	// OrderNatural keeps the given order.
	OrderNatural
)

var orderingNames = [...]string{"amd", "rcm", "natural"}

func (o Ordering) String() string {
	if o >= 0 && int(o) < len(orderingNames) {
		return orderingNames[o]
	}
	return fmt.Sprintf("Ordering(%d)", int(o))
}

// ParseOrdering returns the Ordering named s ("amd", "rcm" or "natural").
func ParseOrdering(s string) (Ordering, error) {
	for i, n := range orderingNames {
		if n == s {
			return Ordering(i), nil
		}
	}
	return 0, fmt.Errorf("linsolve: unknown ordering %q (want amd, rcm or natural)", s)
}

// Pattern is the adjacency structure of an undirected graph on N vertices
// (the off-diagonal pattern of a symmetric matrix): the neighbours of
// vertex i are Ind[Ptr[i]:Ptr[i+1]]. A Pattern made by SymmetricPattern,
// GramPattern or NewPattern is symmetric, holds no self loops and no
// duplicates, and lists each vertex's neighbours in increasing order.
type Pattern struct {
	N   int
	Ptr []int
	Ind []int
}

// NewPattern returns the pattern of A+Aᵀ without the diagonal for the n×n
// matrix A whose row (or column) i holds the indices ind[ptr[i]:ptr[i+1]].
// Unsorted and duplicate indices are allowed. It returns an error when the
// arrays are inconsistent or an index is out of range.
func NewPattern(n int, ptr, ind []int) (*Pattern, error) {
	if n < 0 || len(ptr) != n+1 {
		return nil, fmt.Errorf("linsolve: NewPattern: len(ptr) = %d, want n+1 = %d", len(ptr), n+1)
	}
	if ptr[0] != 0 || ptr[n] > len(ind) {
		return nil, errors.New("linsolve: NewPattern: inconsistent pointers")
	}
	for i := 0; i < n; i++ {
		if ptr[i+1] < ptr[i] {
			return nil, fmt.Errorf("linsolve: NewPattern: pointers decrease at %d", i)
		}
		for _, j := range ind[ptr[i]:ptr[i+1]] {
			if j < 0 || j >= n {
				return nil, fmt.Errorf("linsolve: NewPattern: index %d out of range [0,%d) in row %d", j, n, i)
			}
		}
	}
	// Count entries of A+Aᵀ (upper bound with duplicates), then dedupe.
	cnt := make([]int, n+1)
	for i := 0; i < n; i++ {
		for _, j := range ind[ptr[i]:ptr[i+1]] {
			if j != i {
				cnt[i+1]++
				cnt[j+1]++
			}
		}
	}
	for i := 0; i < n; i++ {
		cnt[i+1] += cnt[i]
	}
	tmp := make([]int, cnt[n])
	next := make([]int, n)
	copy(next, cnt[:n])
	for i := 0; i < n; i++ {
		for _, j := range ind[ptr[i]:ptr[i+1]] {
			if j != i {
				tmp[next[i]] = j
				next[i]++
				tmp[next[j]] = i
				next[j]++
			}
		}
	}
	// Deduplicate with a marker; a second counting pass sorts the result.
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	p := &Pattern{N: n, Ptr: make([]int, n+1)}
	out := tmp[:0]
	for i := 0; i < n; i++ {
		for _, j := range tmp[cnt[i]:cnt[i+1]] {
			if mark[j] != i {
				mark[j] = i
				out = append(out, j)
			}
		}
		p.Ptr[i+1] = len(out)
	}
	p.Ind = make([]int, len(out))
	copy(p.Ind, out)
	for i := 0; i < n; i++ {
		s := p.Ind[p.Ptr[i]:p.Ptr[i+1]]
		if !sort.IntsAreSorted(s) {
			sort.Ints(s)
		}
	}
	return p, nil
}

// SymmetricPattern returns the pattern of A+Aᵀ (diagonal excluded) of the
// square matrix a.
func SymmetricPattern(a *sparse.CSR) (*Pattern, error) {
	r, c := a.Dims()
	if r != c {
		return nil, fmt.Errorf("linsolve: SymmetricPattern: matrix is %d×%d, not square", r, c)
	}
	raw := a.RawMatrix()
	return NewPattern(r, raw.Indptr, raw.Ind)
}

// GramPattern returns the pattern of AᵀA (diagonal excluded) for the m×n
// matrix a, the graph whose minimum degree order bounds the fill of
// LU with any row pivoting (the graph COLAMD orders implicitly). Rows with
// more than denseRow entries are skipped (denseRow ≤ 0: the COLAMD rule
// max(16, 10·√n)); the returned count says how many were skipped.
func GramPattern(a *sparse.CSR, denseRow int) (*Pattern, int) {
	m, n := a.Dims()
	raw := a.RawMatrix()
	if denseRow <= 0 {
		denseRow = max(16, int(10*math.Sqrt(float64(n))))
	}
	// Column lists of the kept rows.
	colCnt := make([]int, n+1)
	skipped := 0
	keep := make([]bool, m)
	for i := 0; i < m; i++ {
		if raw.Indptr[i+1]-raw.Indptr[i] > denseRow {
			skipped++
			continue
		}
		keep[i] = true
		for _, j := range raw.Ind[raw.Indptr[i]:raw.Indptr[i+1]] {
			colCnt[j+1]++
		}
	}
	for j := 0; j < n; j++ {
		colCnt[j+1] += colCnt[j]
	}
	rows := make([]int, colCnt[n])
	next := make([]int, n)
	copy(next, colCnt[:n])
	for i := 0; i < m; i++ {
		if !keep[i] {
			continue
		}
		for _, j := range raw.Ind[raw.Indptr[i]:raw.Indptr[i+1]] {
			rows[next[j]] = i
			next[j]++
		}
	}
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	p := &Pattern{N: n, Ptr: make([]int, n+1)}
	for j := 0; j < n; j++ {
		mark[j] = j
		for _, i := range rows[colCnt[j]:colCnt[j+1]] {
			for _, k := range raw.Ind[raw.Indptr[i]:raw.Indptr[i+1]] {
				if mark[k] != j {
					mark[k] = j
					p.Ind = append(p.Ind, k)
				}
			}
		}
		sort.Ints(p.Ind[p.Ptr[j]:])
		p.Ptr[j+1] = len(p.Ind)
	}
	return p, skipped
}

// Order returns the permutation perm (perm[new] = old) that o computes for
// the pattern p.
func (o Ordering) Order(p *Pattern) ([]int, error) {
	switch o {
	case OrderAMD:
		return AMD(p), nil
	case OrderRCM:
		return RCM(p), nil
	case OrderNatural:
		perm := make([]int, p.N)
		for i := range perm {
			perm[i] = i
		}
		return perm, nil
	}
	return nil, fmt.Errorf("linsolve: unknown ordering %v", o)
}

// InversePerm returns pinv with pinv[perm[k]] = k.
func InversePerm(perm []int) []int {
	pinv := make([]int, len(perm))
	for k, i := range perm {
		pinv[i] = k
	}
	return pinv
}

// IsPerm reports whether perm is a permutation of 0..len(perm)-1.
func IsPerm(perm []int) bool {
	seen := make([]bool, len(perm))
	for _, i := range perm {
		if i < 0 || i >= len(perm) || seen[i] {
			return false
		}
		seen[i] = true
	}
	return true
}

// AMDDense is the dense-row rule of AMD: a vertex of degree above
// max(16, 10·√n) (and at most n−2) is removed from the graph and ordered
// last.
func AMDDense(n int) int {
	d := max(16, int(10*math.Sqrt(float64(n))))
	return min(d, n-2)
}

// AMD returns an approximate minimum degree ordering (perm[new] = old) of
// the graph p, with aggressive absorption and the AMDDense rule.
//
// The elimination runs on the quotient graph (Amestoy, Davis, Duff, SIAM J.
// Matrix Anal. Appl. 17(4), 1996): eliminated pivots become elements, a
// variable keeps a list of adjacent elements and of adjacent variables.
// Eliminating the pivot p of minimum approximate degree forms the element
// Lₚ = (Aₚ ∪ ⋃_{e∈Eₚ} L_e) \ {p} and absorbs every e ∈ Eₚ. Each i ∈ Lₚ
// then gets the approximate external degree
//
//	d̄ᵢ = min( n−k−|i|,  d̄ᵢ(old) + |Lₚ\i|,  |Aᵢ\i| + |Lₚ\i| + Σ_{e∈Eᵢ\{p}} |L_e \ Lₚ| ),
//
// where |L_e \ Lₚ| comes for all e at once from one scan of the lists of
// the variables of Lₚ. Elements with L_e ⊆ Lₚ are absorbed (aggressive
// absorption); a variable whose only neighbour left is p is eliminated with
// p (mass elimination); variables with identical lists (found by hashing)
// merge into supervariables that are eliminated together.
func AMD(p *Pattern) []int {
	return amdOrder(p, AMDDense(p.N), true)
}

const (
	amdVar  = 0
	amdElem = 1
	amdDead = 2
)

func amdOrder(p *Pattern, dense int, aggressive bool) []int {
	n := p.N
	perm := make([]int, 0, n)
	if n == 0 {
		return perm
	}
	kind := make([]uint8, n)
	nv := make([]int, n)     // supervariable weight
	deg := make([]int, n)    // approximate external degree (variables)
	esize := make([]int, n)  // weighted |L_e| (elements)
	adj := make([][]int, n)  // variables: adjacent variables; elements: L_e
	els := make([][]int, n)  // variables: adjacent elements
	w := make([]int, n)      // |L_e \ L_p| + wflg
	lmark := make([]int, n)  // == stamp: in L_p
	smark := make([]int, n)  // supervariable comparison marks
	owner := make([]int, n)  // merged into (tree of supervariables / mass elim.)
	dtmp := make([]int, n)   // degree part computed in the scan
	hval := make([]int, n)   // hash value
	hnext := make([]int, n)  // hash bucket chains
	hhead := make([]int, n)  // hash bucket heads
	head := make([]int, n+1) // degree buckets
	bnext := make([]int, n)
	bprev := make([]int, n)
	for i := range head {
		head[i] = -1
	}
	for i := 0; i < n; i++ {
		owner[i] = -1
		hhead[i] = -1
	}
	isDense := func(i int) bool { return p.Ptr[i+1]-p.Ptr[i] > dense }
	var denseNodes []int
	backing := make([]int, len(p.Ind))
	live := 0
	for i := 0; i < n; i++ {
		if n > 2 && isDense(i) {
			kind[i] = amdDead
			denseNodes = append(denseNodes, i)
			continue
		}
		s, e := p.Ptr[i], p.Ptr[i]
		for _, j := range p.Ind[p.Ptr[i]:p.Ptr[i+1]] {
			if j != i && !(n > 2 && isDense(j)) {
				backing[e] = j
				e++
			}
		}
		adj[i] = backing[s:e:e]
		nv[i] = 1
		deg[i] = e - s
		live++
	}
	insert := func(i, d int) {
		deg[i] = d
		bprev[i] = -1
		bnext[i] = head[d]
		if head[d] >= 0 {
			bprev[head[d]] = i
		}
		head[d] = i
	}
	remove := func(i int) {
		d := deg[i]
		if bprev[i] >= 0 {
			bnext[bprev[i]] = bnext[i]
		} else {
			head[d] = bnext[i]
		}
		if bnext[i] >= 0 {
			bprev[bnext[i]] = bprev[i]
		}
	}
	mindeg := n
	for i := 0; i < n; i++ {
		if kind[i] == amdVar {
			insert(i, deg[i])
			mindeg = min(mindeg, deg[i])
		}
	}
	stamp, sstamp := 0, 0
	wflg := 1
	var pivots []int
	var le []int
	var used []int
	nel := 0
	for nel < live {
		for mindeg < n && head[mindeg] < 0 {
			mindeg++
		}
		me := head[mindeg]
		remove(me)
		pivots = append(pivots, me)
		nel += nv[me]
		stamp++
		lmark[me] = stamp
		// Form L_me from me's variables and the variables of its elements.
		le = le[:0]
		degme := 0
		add := func(j int) {
			if kind[j] == amdVar && nv[j] > 0 && lmark[j] != stamp {
				lmark[j] = stamp
				le = append(le, j)
				degme += nv[j]
			}
		}
		for _, j := range adj[me] {
			add(j)
		}
		for _, e := range els[me] {
			if kind[e] != amdElem {
				continue
			}
			for _, j := range adj[e] {
				add(j)
			}
			kind[e] = amdDead
			adj[e] = nil
		}
		els[me] = nil
		kind[me] = amdElem
		for _, j := range le {
			remove(j)
		}
		// |L_e \ L_me| for every element e adjacent to L_me.
		if wflg > math.MaxInt/4 {
			for i := range w {
				w[i] = 0
			}
			wflg = 1
		}
		for _, j := range le {
			for _, e := range els[j] {
				if kind[e] != amdElem || e == me {
					continue
				}
				if w[e] < wflg {
					w[e] = wflg + esize[e]
				}
				w[e] -= nv[j]
			}
		}
		// Degree scan, pruning, absorption, mass elimination and hashing.
		used = used[:0]
		for _, j := range le {
			d, h := 0, me
			keep := els[j][:0]
			for _, e := range els[j] {
				if kind[e] != amdElem || e == me {
					continue
				}
				dext := w[e] - wflg
				if dext > 0 {
					d += dext
					h += e
					keep = append(keep, e)
				} else if aggressive {
					kind[e] = amdDead
					adj[e] = nil
				} else {
					keep = append(keep, e)
					h += e
				}
			}
			keepv := adj[j][:0]
			for _, v := range adj[j] {
				if kind[v] != amdVar || nv[v] == 0 || lmark[v] == stamp {
					continue
				}
				d += nv[v]
				h += v
				keepv = append(keepv, v)
			}
			adj[j] = keepv
			if len(keep) == 0 && len(keepv) == 0 {
				// Mass elimination: j is adjacent to me only.
				kind[j] = amdDead
				owner[j] = me
				nel += nv[j]
				degme -= nv[j]
				nv[j] = 0
				els[j] = nil
				adj[j] = nil
				continue
			}
			els[j] = append(keep, me)
			dtmp[j] = d
			hv := h % n
			if hv < 0 {
				hv += n
			}
			hval[j] = hv
			if hhead[hv] < 0 {
				used = append(used, hv)
			}
			hnext[j] = hhead[hv]
			hhead[hv] = j
		}
		wflg += n + 1
		// Supervariable detection among the variables of L_me.
		for _, hv := range used {
			for i := hhead[hv]; i >= 0; i = hnext[i] {
				if nv[i] == 0 {
					continue
				}
				sstamp++
				for _, e := range els[i] {
					smark[e] = sstamp
				}
				for _, v := range adj[i] {
					smark[v] = sstamp
				}
				prev := i
				for j := hnext[i]; j >= 0; j = hnext[j] {
					same := nv[j] > 0 && len(els[j]) == len(els[i]) && len(adj[j]) == len(adj[i])
					if same {
						for _, e := range els[j] {
							if smark[e] != sstamp {
								same = false
								break
							}
						}
					}
					if same {
						for _, v := range adj[j] {
							if smark[v] != sstamp {
								same = false
								break
							}
						}
					}
					if same {
						nv[i] += nv[j]
						nv[j] = 0
						kind[j] = amdDead
						owner[j] = i
						els[j] = nil
						adj[j] = nil
						dtmp[i] = min(dtmp[i], dtmp[j])
						hnext[prev] = hnext[j]
						continue
					}
					prev = j
				}
			}
			hhead[hv] = -1
		}
		// Final degrees; L_me keeps only its live variables.
		keep := le[:0]
		for _, j := range le {
			if kind[j] != amdVar || nv[j] == 0 {
				continue
			}
			keep = append(keep, j)
			ext := degme - nv[j]
			d := min(deg[j], dtmp[j]) + ext
			d = min(d, live-nel-nv[j])
			d = max(d, 0)
			insert(j, d)
			mindeg = min(mindeg, d)
		}
		adj[me] = append([]int(nil), keep...)
		esize[me] = degme
	}
	// The order: each pivot, then the variables merged into it.
	child := make([]int, n)
	sib := make([]int, n)
	for i := range child {
		child[i] = -1
	}
	for j := n - 1; j >= 0; j-- {
		if o := owner[j]; o >= 0 {
			sib[j] = child[o]
			child[o] = j
		}
	}
	stack := make([]int, 0, 16)
	for _, pv := range pivots {
		stack = append(stack[:0], pv)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			perm = append(perm, i)
			for c := child[i]; c >= 0; c = sib[c] {
				stack = append(stack, c)
			}
		}
	}
	perm = append(perm, denseNodes...)
	return perm
}

// RCM returns the reverse Cuthill–McKee ordering (perm[new] = old) of the
// graph p: a breadth-first search from a pseudo-peripheral vertex of each
// connected component (found by the George–Liu iteration), visiting
// neighbours by increasing degree, reversed.
func RCM(p *Pattern) []int {
	n := p.N
	perm := make([]int, 0, n)
	visited := make([]bool, n)
	level := make([]int, n)
	degree := func(i int) int { return p.Ptr[i+1] - p.Ptr[i] }
	// bfs from root over unvisited vertices; returns the last level's
	// minimum-degree vertex and the eccentricity. It marks nothing.
	seen := make([]int, n)
	stampv := 0
	queue := make([]int, 0, n)
	bfs := func(root int) (far, ecc int) {
		stampv++
		queue = append(queue[:0], root)
		seen[root] = stampv
		level[root] = 0
		for h := 0; h < len(queue); h++ {
			i := queue[h]
			for _, j := range p.Ind[p.Ptr[i]:p.Ptr[i+1]] {
				if !visited[j] && seen[j] != stampv {
					seen[j] = stampv
					level[j] = level[i] + 1
					queue = append(queue, j)
				}
			}
		}
		ecc = level[queue[len(queue)-1]]
		far = queue[len(queue)-1]
		for _, i := range queue {
			if level[i] == ecc && degree(i) < degree(far) {
				far = i
			}
		}
		return far, ecc
	}
	var nb []int
	for start := 0; start < n; start++ {
		if visited[start] {
			continue
		}
		// Pseudo-peripheral root: start from a min-degree vertex of the component.
		root := start
		_, _ = bfs(start)
		for _, i := range queue {
			if degree(i) < degree(root) {
				root = i
			}
		}
		far, ecc := bfs(root)
		for it := 0; it < 10; it++ {
			f2, e2 := bfs(far)
			if e2 <= ecc {
				break
			}
			root, far, ecc = far, f2, e2
		}
		// Cuthill–McKee from root.
		first := len(perm)
		perm = append(perm, root)
		visited[root] = true
		for h := first; h < len(perm); h++ {
			i := perm[h]
			nb = nb[:0]
			for _, j := range p.Ind[p.Ptr[i]:p.Ptr[i+1]] {
				if !visited[j] {
					visited[j] = true
					nb = append(nb, j)
				}
			}
			sort.Slice(nb, func(a, b int) bool {
				da, db := degree(nb[a]), degree(nb[b])
				if da != db {
					return da < db
				}
				return nb[a] < nb[b]
			})
			perm = append(perm, nb...)
		}
	}
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		perm[i], perm[j] = perm[j], perm[i]
	}
	return perm
}
