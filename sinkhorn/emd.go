package sinkhorn

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
	"github.com/kkt-go/kkt/solver"
)

// EMDSettings are the options of EMD and EMDSparse. The zero value is the
// documented default.
type EMDSettings struct {
	// MaxIter bounds the number of pivots (default 100·(n+m)·max(10,
	// ⌈log₂(n+m)⌉), far above what the tests and benchmarks need; POT's
	// fixed default 100 000 is too small for n ≳ 10⁴).
	MaxIter int
	// BlockSize is the number of arcs scanned per pricing block (default
	// max(10, ⌊√arcs⌋), the rule of LEMON and POT).
	BlockSize int
}

// EMDResult is an exact optimal transport plan with its dual certificate.
type EMDResult struct {
	// Plan is the optimal plan as an n×m CSR matrix. It is a basic
	// solution: at most n + m − 1 nonzeros (the flows on the real arcs of
	// the final spanning tree).
	Plan *sparse.CSR
	// Cost is ⟨C, P⟩, summed over the plan's nonzeros.
	Cost float64
	// Alpha, Beta are optimal dual potentials: α_i + β_j ≤ C_ij for every
	// arc (up to rounding), with equality on the support of Plan, centred so
	// that aᵀα = bᵀβ (as POT's center_dual); aᵀα + bᵀβ = Cost. Entries of
	// zero mass get the largest feasible value (α_i = min_j C_ij − β_j).
	Alpha, Beta []float64
	// Status is solver.Converged (optimal), MaxIterations (the pivot limit
	// was reached: mass may still sit on the artificial Big-M arcs, so the
	// plan need not meet the marginals, and it is not optimal), Infeasible
	// (a sparse cost pattern admits no feasible plan) or Canceled (as
	// MaxIterations).
	Status solver.Status
	// Stats: Iterations counts pivots (including the initial ones),
	// Evaluations the reduced costs priced, Time the wall time.
	solver.Stats
	// MassAdjust is the largest change |b′_j − b_j| made to balance the
	// masses exactly (0 when Σa = Σb in floating point; see EMD).
	MassAdjust float64
	// DroppedA, DroppedB list the zero-mass entries of a and b, which are
	// removed before the solve (their plan rows/columns are zero).
	DroppedA, DroppedB []int
}

// Dense returns the plan as a dense n×m matrix.
func (r *EMDResult) Dense() *mat.Dense {
	return matrix.ToDense(nil, r.Plan)
}

// EMD solves the exact (unregularised) optimal transport problem
//
//	min_P ⟨C, P⟩  subject to  P1 = a,  Pᵀ1 = b,  P ≥ 0
//
// for a dense n×m cost by the primal network simplex method on the
// bipartite transportation network, in the implementation strategy of
// Bonneel, van de Panne, Paris and Heidrich (ACM TOG 30(6), 2011), which
// POT's ot.emd and LEMON use: a spanning-tree basis stored with parent,
// predecessor arc, depth and a preorder thread; an artificial root joined
// to every node by a Big-M arc (cost (max|C| + 1)(n + m + 1)) as the first
// feasible tree; Block Search pricing (blocks of √(nm) arcs, the most
// negative reduced cost of a block enters once it is below −2.2e-15 times
// the magnitude of its cost and potentials); and the leaving-arc rule of
// Cunningham's strongly feasible trees, so degenerate pivots cannot cycle.
// After the last pivot the potentials and the flows are recomputed from the
// tree (potentials along the thread, flows as subtree supply sums) and the
// pricing is repeated on them, so accumulated rounding cannot leave a
// negative reduced cost or an unbalanced node.
//
// Masses: a and b must be finite and non-negative with Σa = Σb to relative
// 1e-9 (otherwise ErrBadInput). Zero entries are removed. When the float
// sums differ, b is balanced in floating point: b′ = b·Σa/Σb, then the
// remaining difference Σa − Σb′ (computed with compensated summation) is
// added to the largest b′_j; Result.MassAdjust reports max|b′ − b|. The
// flows are then sums and differences of the masses, so P1 = a and
// Pᵀ1 = b′ hold to a few ulps of the total mass.
//
// The error is non-nil only for bad input; the Status says how the solve
// ended.
func EMD(ctx context.Context, a, b []float64, c *mat.Dense, s EMDSettings) (*EMDResult, error) {
	n, m := c.Dims()
	if len(a) != n || len(b) != m {
		return nil, fmt.Errorf("%w: cost is %d×%d but len(a) = %d, len(b) = %d", ErrBadInput, n, m, len(a), len(b))
	}
	raw := c.RawMatrix()
	for i := 0; i < n; i++ {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+m] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: cost C[%d,%d] = %v", ErrBadInput, i, j, v)
			}
		}
	}
	in, err := emdMasses(a, b)
	if err != nil {
		return nil, err
	}
	nn, mm := len(in.keepA), len(in.keepB)
	var cost []float64
	if nn == n && mm == m && raw.Stride == m {
		cost = raw.Data[:n*m]
	} else {
		cost = make([]float64, nn*mm)
		for i, ii := range in.keepA {
			row := raw.Data[ii*raw.Stride:]
			for j, jj := range in.keepB {
				cost[i*mm+j] = row[jj]
			}
		}
	}
	ns := newNetSimplex(in.a, in.b, cost, nil, nil, s)
	ns.dense = c
	at := func(i, j int) (float64, bool) { return raw.Data[i*raw.Stride+j], true }
	rows := func(i int, f func(j int, c float64)) {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+m] {
			f(j, v)
		}
	}
	return ns.solve(ctx, in, n, m, at, rows), nil
}

// EMDSparse is EMD for a sparse cost: only the entries stored in c (an n×m
// CSR matrix, explicit zeros included) are arcs; P_ij = 0 elsewhere. The
// plan and the potentials are as for EMD; dual feasibility holds on the
// stored entries only. If no plan with the marginals fits in the pattern
// the Status is solver.Infeasible.
func EMDSparse(ctx context.Context, a, b []float64, c *sparse.CSR) (*EMDResult, error) {
	return EMDSparseSettings(ctx, a, b, c, EMDSettings{})
}

// EMDSparseSettings is EMDSparse with settings.
func EMDSparseSettings(ctx context.Context, a, b []float64, c *sparse.CSR, s EMDSettings) (*EMDResult, error) {
	n, m := c.Dims()
	if len(a) != n || len(b) != m {
		return nil, fmt.Errorf("%w: cost is %d×%d but len(a) = %d, len(b) = %d", ErrBadInput, n, m, len(a), len(b))
	}
	in, err := emdMasses(a, b)
	if err != nil {
		return nil, err
	}
	cr := c.RawMatrix()
	newA := make([]int, n)
	for i := range newA {
		newA[i] = -1
	}
	for k, i := range in.keepA {
		newA[i] = k
	}
	newB := make([]int, m)
	for j := range newB {
		newB[j] = -1
	}
	for k, j := range in.keepB {
		newB[j] = k
	}
	indptr := make([]int, len(in.keepA)+1)
	var ind []int32
	var cost []float64
	for k, i := range in.keepA {
		for p := cr.Indptr[i]; p < cr.Indptr[i+1]; p++ {
			j, v := cr.Ind[p], cr.Data[p]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: cost C[%d,%d] = %v", ErrBadInput, i, j, v)
			}
			if newB[j] >= 0 {
				ind = append(ind, int32(newB[j]))
				cost = append(cost, v)
			}
		}
		indptr[k+1] = len(ind)
	}
	ns := newNetSimplex(in.a, in.b, cost, indptr, ind, s)
	at := func(i, j int) (float64, bool) {
		for p := cr.Indptr[i]; p < cr.Indptr[i+1]; p++ {
			if cr.Ind[p] == j {
				return cr.Data[p], true
			}
		}
		return 0, false
	}
	rows := func(i int, f func(j int, c float64)) {
		for p := cr.Indptr[i]; p < cr.Indptr[i+1]; p++ {
			f(cr.Ind[p], cr.Data[p])
		}
	}
	return ns.solve(ctx, in, n, m, at, rows), nil
}

// emdInput holds the balanced positive masses and the kept indices.
type emdInput struct {
	a, b         []float64
	keepA, keepB []int
	adjust       float64
}

// sumNeumaier is a compensated sum (error of a few ulps of the result).
func sumNeumaier(v []float64) float64 {
	var s, c float64
	for _, x := range v {
		t := s + x
		if math.Abs(s) >= math.Abs(x) {
			c += (s - t) + x
		} else {
			c += (x - t) + s
		}
		s = t
	}
	return s + c
}

func emdMasses(a, b []float64) (*emdInput, error) {
	for _, mv := range []struct {
		name string
		v    []float64
	}{{"a", a}, {"b", b}} {
		for i, x := range mv.v {
			if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
				return nil, fmt.Errorf("%w: %s[%d] = %v, want a finite mass ≥ 0", ErrBadInput, mv.name, i, x)
			}
		}
	}
	in := &emdInput{keepA: positive(a), keepB: positive(b)}
	in.a, in.b = gather(a, in.keepA), gather(b, in.keepB)
	sa, sb := sumNeumaier(in.a), sumNeumaier(in.b)
	if sa == 0 || sb == 0 {
		return nil, fmt.Errorf("%w: total mass is zero", ErrBadInput)
	}
	if math.Abs(sa-sb) > 1e-9*math.Max(sa, sb) {
		return nil, fmt.Errorf("%w: unequal total mass Σa = %.17g, Σb = %.17g (balanced OT needs Σa = Σb; normalise both)", ErrBadInput, sa, sb)
	}
	if sa != sb {
		r := sa / sb
		big := 0
		for j, v := range in.b {
			in.b[j] = v * r
			if in.b[j] > in.b[big] {
				big = j
			}
		}
		in.b[big] += sa - sumNeumaier(in.b)
		for j, jj := range in.keepB {
			in.adjust = math.Max(in.adjust, math.Abs(in.b[j]-b[jj]))
		}
	}
	return in, nil
}

// netSimplex is the primal network simplex on the bipartite network with
// nodes 0..n−1 (sources, supply a_i), n..n+m−1 (sinks, supply −b_j) and the
// root n+m. Real arc e runs from source i to sink n+j with cost cost[e]: for
// a dense cost e = i·m + j; for a sparse one e indexes the CSR entries
// (indptr, ind). Artificial arc nArcs + u joins node u and the root (u→root
// for a source, root→u for a sink). Every tree arc is identified by its
// child node u: pred[u] is its id, up[u] tells whether it is directed
// u → parent[u], and flow[u] is its flow. Reduced costs are
// c_e + π_src − π_tgt; tree arcs have reduced cost 0.
type netSimplex struct {
	n, m, nNodes, root int
	nArcs              int
	cost               []float64
	indptr             []int   // sparse: row pointers (nil for dense)
	ind                []int32 // sparse: sink of each arc
	rowOf              []int32 // sparse: source of each arc
	supply             []float64
	art                float64

	pi                               []float64
	parent, thread, revThread, depth []int32
	pred                             []int
	up                               []bool
	flow                             []float64
	inTree                           []bool

	dense       *mat.Dense // the caller's dense cost (nil for EMDSparse)
	block, next int
	maxIter     int
	iter        int
	priced      int

	// scratch for the tree update
	list, order, stem, subEnd []int32
	pos                       []int32
}

func newNetSimplex(a, b, cost []float64, indptr []int, ind []int32, s EMDSettings) *netSimplex {
	n, m := len(a), len(b)
	ns := &netSimplex{n: n, m: m, nNodes: n + m + 1, root: n + m, cost: cost, indptr: indptr, ind: ind}
	ns.nArcs = len(cost)
	if indptr != nil {
		ns.rowOf = make([]int32, ns.nArcs)
		for i := 0; i < n; i++ {
			for p := indptr[i]; p < indptr[i+1]; p++ {
				ns.rowOf[p] = int32(i)
			}
		}
	}
	N := ns.nNodes
	ns.supply = make([]float64, N)
	copy(ns.supply, a)
	for j, v := range b {
		ns.supply[n+j] = -v
	}
	var big float64
	for _, v := range cost {
		big = math.Max(big, math.Abs(v))
	}
	ns.art = (big + 1) * float64(N)
	ns.pi = make([]float64, N)
	ns.parent = make([]int32, N)
	ns.thread = make([]int32, N)
	ns.revThread = make([]int32, N)
	ns.depth = make([]int32, N)
	ns.pred = make([]int, N)
	ns.up = make([]bool, N)
	ns.flow = make([]float64, N)
	ns.inTree = make([]bool, ns.nArcs)
	ns.pos = make([]int32, N)
	ns.block = s.BlockSize
	if ns.block <= 0 {
		ns.block = max(10, int(math.Sqrt(float64(ns.nArcs))))
	}
	ns.maxIter = s.MaxIter
	if ns.maxIter <= 0 {
		ns.maxIter = 100 * N * max(10, int(math.Ceil(math.Log2(float64(N)))))
	}
	// the star tree: every node a child of the root
	ns.parent[ns.root], ns.depth[ns.root], ns.pred[ns.root] = -1, 0, -1
	for u := 0; u < n+m; u++ {
		ns.parent[u], ns.depth[u], ns.pred[u] = int32(ns.root), 1, ns.nArcs+u
		ns.thread[u] = int32(u + 1)
		ns.revThread[u] = int32(u - 1)
		if u < n {
			ns.up[u], ns.flow[u], ns.pi[u] = true, a[u], 0
		} else {
			ns.up[u], ns.flow[u], ns.pi[u] = false, b[u-n], ns.art
		}
	}
	ns.thread[n+m-1] = int32(ns.root)
	ns.thread[ns.root] = 0
	ns.revThread[0] = int32(ns.root)
	ns.revThread[ns.root] = int32(n + m - 1)
	return ns
}

// ends returns the tail and head of arc e.
func (ns *netSimplex) ends(e int) (int32, int32) {
	if e >= ns.nArcs {
		u := int32(e - ns.nArcs)
		if int(u) < ns.n {
			return u, int32(ns.root)
		}
		return int32(ns.root), u
	}
	if ns.indptr == nil {
		i := e / ns.m
		return int32(i), int32(ns.n + e - i*ns.m)
	}
	return ns.rowOf[e], int32(ns.n) + ns.ind[e]
}

func (ns *netSimplex) arcCost(e int) float64 {
	if e >= ns.nArcs {
		if e-ns.nArcs < ns.n {
			return 0
		}
		return ns.art
	}
	return ns.cost[e]
}

// epsPivot is the relative tolerance of the pricing: an arc enters only if
// its reduced cost is below −epsPivot·max(|c|, |π_src|, |π_tgt|) (the value
// of LEMON and POT), so rounding noise on optimal arcs cannot cause pivots.
const epsPivot = 2.220446049250313e-15

func (ns *netSimplex) violates(e int, rc float64) bool {
	s, t := ns.ends(e)
	sc := math.Max(math.Abs(ns.cost[e]), math.Max(math.Abs(ns.pi[s]), math.Abs(ns.pi[t])))
	return rc < -epsPivot*sc
}

// findEntering is Block Search pricing: scan the arcs cyclically from
// ns.next in blocks of ns.block arcs and return the most negative reduced
// cost of the first block whose minimum is a violation (−1 when a whole
// round finds none: the tree is optimal).
func (ns *netSimplex) findEntering() int {
	if ns.indptr == nil {
		return ns.findEnteringDense()
	}
	return ns.findEnteringSparse()
}

func (ns *netSimplex) findEnteringDense() int {
	n, m := ns.n, ns.m
	pi, cost, tree := ns.pi, ns.cost, ns.inTree
	pt := pi[n : n+m]
	best, arg := 0.0, -1
	e := ns.next
	i := e / m
	j := e - i*m
	cnt := 0
	for scanned := 0; scanned < ns.nArcs; {
		ui := pi[i]
		base := i * m
		lim := min(m, j+ns.block-cnt)
		row := cost[base+j : base+lim]
		ptr := pt[j:lim]
		for k, cv := range row {
			if rc := cv + ui - ptr[k]; rc < best {
				if !tree[base+j+k] {
					best, arg = rc, base+j+k
				}
			}
		}
		d := lim - j
		scanned += d
		cnt += d
		j = lim
		if j == m {
			j = 0
			if i++; i == n {
				i = 0
			}
		}
		if cnt == ns.block || scanned >= ns.nArcs {
			ns.priced += cnt
			cnt = 0
			if arg >= 0 && ns.violates(arg, best) {
				ns.next = i*m + j
				return arg
			}
		}
	}
	return -1
}

func (ns *netSimplex) findEnteringSparse() int {
	n := ns.n
	pi, cost, tree, ind := ns.pi, ns.cost, ns.inTree, ns.ind
	pt := pi[n:]
	best, arg := 0.0, -1
	e := ns.next
	cnt := 0
	for scanned := 0; scanned < ns.nArcs; {
		// the arcs e..lim−1 all leave the same source
		i := int(ns.rowOf[e])
		lim := min(ns.indptr[i+1], e+ns.block-cnt)
		ui := pi[i]
		for p := e; p < lim; p++ {
			if rc := cost[p] + ui - pt[ind[p]]; rc < best {
				if !tree[p] {
					best, arg = rc, p
				}
			}
		}
		d := lim - e
		scanned += d
		cnt += d
		e = lim
		if e == ns.nArcs {
			e = 0
		}
		if cnt == ns.block || scanned >= ns.nArcs {
			ns.priced += cnt
			cnt = 0
			if arg >= 0 && ns.violates(arg, best) {
				ns.next = e
				return arg
			}
		}
	}
	return -1
}

// pivot brings arc e (tail p, head q, negative reduced cost) into the tree.
func (ns *netSimplex) pivot(e int) {
	parent, depth, up, flow := ns.parent, ns.depth, ns.up, ns.flow
	p, q := ns.ends(e)
	// join node: walk up from the deeper end
	u, v := p, q
	for u != v {
		if depth[u] >= depth[v] {
			u = parent[u]
		} else {
			v = parent[v]
		}
	}
	join := u
	// leaving arc: pushing δ along p→q then q…join…p decreases the flow of
	// p-side arcs directed towards the root (up) and q-side arcs directed
	// away from it. Ties go to the last blocking arc in cycle order from
	// the join (strict < on the p side, ≤ on the q side): Cunningham's rule
	// keeps the tree strongly feasible.
	delta := math.Inf(1)
	uOut, pSide := int32(-1), false
	for u := p; u != join; u = parent[u] {
		if up[u] && flow[u] < delta {
			delta, uOut, pSide = flow[u], u, true
		}
	}
	for v := q; v != join; v = parent[v] {
		if !up[v] && flow[v] <= delta {
			delta, uOut, pSide = flow[v], v, false
		}
	}
	if delta > 0 {
		for u := p; u != join; u = parent[u] {
			if up[u] {
				flow[u] -= delta
			} else {
				flow[u] += delta
			}
		}
		for v := q; v != join; v = parent[v] {
			if up[v] {
				flow[v] += delta
			} else {
				flow[v] -= delta
			}
		}
	}
	// the subtree S under uOut is re-hung from vIn through the entering arc
	uIn, vIn := q, p
	if pSide {
		uIn, vIn = p, q
	}
	rc := ns.cost[e] + ns.pi[p] - ns.pi[q]
	sigma := rc // S contains q: π_q += rc zeroes the reduced cost
	if pSide {
		sigma = -rc
	}
	if old := ns.pred[uOut]; old < ns.nArcs {
		ns.inTree[old] = false
	}
	ns.inTree[e] = true
	ns.rehang(uIn, vIn, uOut, e, pSide, delta, sigma)
}

// rehang moves the subtree rooted at uOut (which contains uIn) below vIn,
// re-rooted at uIn and joined by arc e (directed uIn→vIn when inUp), and
// adds sigma to the potentials of the moved nodes. The stem uIn…uOut is
// reversed; the new preorder of the subtree is, for the stem nodes
// s₀ = uIn, s₁, …, s_k = uOut: s₀ and its old subtree, then s₁ and its
// old subtree without that of s₀, and so on.
func (ns *netSimplex) rehang(uIn, vIn, uOut int32, e int, inUp bool, inFlow, sigma float64) {
	parent, thread, revThread, depth := ns.parent, ns.thread, ns.revThread, ns.depth
	// old preorder of S
	list := append(ns.list[:0], uOut)
	d0 := depth[uOut]
	x := thread[uOut]
	for depth[x] > d0 {
		list = append(list, x)
		x = thread[x]
	}
	after, before := x, revThread[uOut]
	thread[before], revThread[after] = after, before
	for k, y := range list {
		ns.pos[y] = int32(k)
	}
	// stem and the end of each stem node's old subtree in list
	stem := ns.stem[:0]
	for y := uIn; ; y = parent[y] {
		stem = append(stem, y)
		if y == uOut {
			break
		}
	}
	ends := ns.subEnd[:0]
	idx := ns.pos[stem[0]] + 1
	for k := 0; k < len(stem)-1; k++ {
		dk := depth[stem[k]]
		for int(idx) < len(list) && depth[list[idx]] > dk {
			idx++
		}
		ends = append(ends, idx)
	}
	ends = append(ends, int32(len(list)))
	// new preorder
	order := ns.order[:0]
	for k, y := range stem {
		order = append(order, y)
		if k == 0 {
			order = append(order, list[ns.pos[y]+1:ends[0]]...)
		} else {
			order = append(order, list[ns.pos[y]+1:ns.pos[stem[k-1]]]...)
			order = append(order, list[ends[k-1]:ends[k]]...)
		}
	}
	// reverse the stem: s_k's old arc leaves; s_{k} inherits s_{k−1}'s arc
	for k := len(stem) - 1; k >= 1; k-- {
		y, c := stem[k], stem[k-1]
		parent[y] = c
		ns.pred[y] = ns.pred[c]
		ns.up[y] = !ns.up[c]
		ns.flow[y] = ns.flow[c]
	}
	parent[uIn], ns.pred[uIn], ns.up[uIn], ns.flow[uIn] = vIn, e, inUp, inFlow
	// splice the new preorder after vIn
	nxt := thread[vIn]
	prev := vIn
	for _, y := range order {
		thread[prev], revThread[y] = y, prev
		prev = y
		depth[y] = depth[parent[y]] + 1
		ns.pi[y] += sigma
	}
	thread[prev], revThread[nxt] = nxt, prev
	ns.list, ns.order, ns.stem, ns.subEnd = list, order, stem, ends
}

// initialPivots brings in, for every sink, its cheapest incoming arc when
// its reduced cost is negative: a cheap start that removes most of the
// Big-M flow.
func (ns *netSimplex) initialPivots() {
	n, m := ns.n, ns.m
	best := make([]int, m)
	for j := range best {
		best[j] = -1
	}
	if ns.indptr == nil {
		bc := make([]float64, m)
		copy(bc, ns.cost[:m])
		for j := range best {
			best[j] = j
		}
		for i := 1; i < n; i++ {
			row := ns.cost[i*m : (i+1)*m]
			for j, v := range row {
				if v < bc[j] {
					bc[j], best[j] = v, i*m+j
				}
			}
		}
	} else {
		for p, j := range ns.ind {
			if best[j] < 0 || ns.cost[p] < ns.cost[best[j]] {
				best[j] = p
			}
		}
	}
	ns.priced += ns.nArcs
	for _, e := range best {
		if e < 0 || ns.inTree[e] {
			continue
		}
		s, t := ns.ends(e)
		if rc := ns.cost[e] + ns.pi[s] - ns.pi[t]; ns.violates(e, rc) {
			ns.pivot(e)
			ns.iter++
		}
	}
}

// refresh recomputes the potentials along the thread and the flows as
// subtree supply sums from the current tree.
func (ns *netSimplex) refresh() {
	r := int32(ns.root)
	ns.pi[r] = 0
	for u := ns.thread[r]; u != r; u = ns.thread[u] {
		c := ns.arcCost(ns.pred[u])
		if ns.up[u] {
			ns.pi[u] = ns.pi[ns.parent[u]] - c
		} else {
			ns.pi[u] = ns.pi[ns.parent[u]] + c
		}
	}
	acc := make([]float64, ns.nNodes)
	copy(acc, ns.supply)
	for u := ns.revThread[r]; u != r; u = ns.revThread[u] {
		acc[ns.parent[u]] += acc[u]
		if ns.up[u] {
			ns.flow[u] = acc[u]
		} else {
			ns.flow[u] = -acc[u]
		}
	}
}

// solve runs the simplex and assembles the result in the caller's indexing
// (n0×m0; at reads a cost entry for the potentials of zero-mass entries).
func (ns *netSimplex) solve(ctx context.Context, in *emdInput, n0, m0 int, at func(i, j int) (float64, bool), rows func(i int, f func(j int, c float64))) *EMDResult {
	start := time.Now()
	status := solver.NotTerminated
	ns.initialPivots()
	for round := 0; status == solver.NotTerminated; round++ {
		for k := 0; ; k++ {
			if k&1023 == 0 && ctx != nil && ctx.Err() != nil {
				status = solver.Canceled
				break
			}
			if ns.iter >= ns.maxIter {
				status = solver.MaxIterations
				break
			}
			e := ns.findEntering()
			if e < 0 {
				break
			}
			ns.pivot(e)
			ns.iter++
		}
		ns.refresh()
		if status != solver.NotTerminated {
			break
		}
		// optimal for the incrementally updated potentials; confirm on the
		// recomputed ones (a few rounds at most in practice)
		if e := ns.findEntering(); e < 0 || round >= 20 {
			status = solver.Converged
			if e >= 0 {
				status = solver.Stagnated
			}
		}
	}
	res := &EMDResult{Status: status, MassAdjust: in.adjust}
	res.Iterations, res.Evaluations = ns.iter, ns.priced
	// flows left on artificial arcs mean infeasibility (sparse patterns)
	var total, artFlow float64
	for _, v := range in.a {
		total += v
	}
	n, m := ns.n, ns.m
	type entry struct {
		i, j int
		v    float64
	}
	nz := make([]entry, 0, n+m)
	for u := 0; u < n+m; u++ {
		e := ns.pred[u]
		if e >= ns.nArcs {
			artFlow = math.Max(artFlow, math.Abs(ns.flow[u]))
			continue
		}
		f := ns.flow[u]
		if f <= 0 {
			continue
		}
		s, t := ns.ends(e)
		nz = append(nz, entry{in.keepA[s], in.keepB[int(t)-n], f})
	}
	if artFlow > 1e-9*total && status == solver.Converged {
		status = solver.Infeasible
		res.Status = status
	}
	// CSR in the caller's indexing
	cnt := make([]int, n0+1)
	for _, z := range nz {
		cnt[z.i+1]++
	}
	for i := 0; i < n0; i++ {
		cnt[i+1] += cnt[i]
	}
	ind := make([]int, len(nz))
	data := make([]float64, len(nz))
	fill := append([]int(nil), cnt[:n0]...)
	for _, z := range nz {
		ind[fill[z.i]], data[fill[z.i]] = z.j, z.v
		fill[z.i]++
	}
	// sort each row by column (rows have few entries)
	for i := 0; i < n0; i++ {
		lo, hi := cnt[i], cnt[i+1]
		for k := lo + 1; k < hi; k++ {
			for l := k; l > lo && ind[l] < ind[l-1]; l-- {
				ind[l], ind[l-1] = ind[l-1], ind[l]
				data[l], data[l-1] = data[l-1], data[l]
			}
		}
	}
	res.Plan = sparse.NewCSR(n0, m0, cnt, ind, data)
	for _, z := range nz {
		c, _ := at(z.i, z.j)
		res.Cost += c * z.v
	}
	// duals α = −π (sources), β = π (sinks), centred so that aᵀα = bᵀβ
	res.Alpha = make([]float64, n0)
	res.Beta = make([]float64, m0)
	var sa, sb, ta, tb float64
	for k, i := range in.keepA {
		res.Alpha[i] = -ns.pi[k]
		sa += in.a[k] * res.Alpha[i]
		ta += in.a[k]
	}
	for k, j := range in.keepB {
		res.Beta[j] = ns.pi[n+k]
		sb += in.b[k] * res.Beta[j]
		tb += in.b[k]
	}
	shift := (sb - sa) / (ta + tb)
	for _, i := range in.keepA {
		res.Alpha[i] += shift
	}
	for _, j := range in.keepB {
		res.Beta[j] -= shift
	}
	res.DroppedA, res.DroppedB = dropped(in.keepA, n0), dropped(in.keepB, m0)
	if len(in.keepA) < n0 || len(in.keepB) < m0 {
		zeroMassDuals(res, in, n0, m0, rows, ns.dense)
	}
	res.Time = time.Since(start)
	return res
}

// zeroMassDuals gives the dropped entries the largest dual-feasible value,
// α_i = min_j (C_ij − β_j) over the kept j, then β_j = min_i (C_ij − α_i)
// over all i, which keeps aᵀα + bᵀβ unchanged. row(i, f) calls f(j, C_ij)
// for the arcs of row i; both passes run row by row.
func zeroMassDuals(res *EMDResult, in *emdInput, n0, m0 int, row func(i int, f func(j int, c float64)), dense *mat.Dense) {
	if dense != nil {
		zeroMassDualsDense(res, in, dense.RawMatrix())
		return
	}
	keptB := make([]bool, m0)
	for _, j := range in.keepB {
		keptB[j] = true
	}
	for _, i := range res.DroppedA {
		v := math.Inf(1)
		row(i, func(j int, c float64) {
			if keptB[j] && c-res.Beta[j] < v {
				v = c - res.Beta[j]
			}
		})
		if math.IsInf(v, 1) {
			v = 0
		}
		res.Alpha[i] = v
	}
	if len(res.DroppedB) == 0 {
		return
	}
	droppedB := make([]bool, m0)
	best := make([]float64, m0)
	for _, j := range res.DroppedB {
		droppedB[j] = true
		best[j] = math.Inf(1)
	}
	for i := 0; i < n0; i++ {
		ai := res.Alpha[i]
		row(i, func(j int, c float64) {
			if droppedB[j] && c-ai < best[j] {
				best[j] = c - ai
			}
		})
	}
	for _, j := range res.DroppedB {
		if math.IsInf(best[j], 1) {
			best[j] = 0
		}
		res.Beta[j] = best[j]
	}
}

// zeroMassDualsDense is zeroMassDuals for a dense cost, in plain loops.
func zeroMassDualsDense(res *EMDResult, in *emdInput, raw blas64.General) {
	for _, i := range res.DroppedA {
		row := raw.Data[i*raw.Stride:]
		v := math.Inf(1)
		for _, j := range in.keepB {
			if t := row[j] - res.Beta[j]; t < v {
				v = t
			}
		}
		res.Alpha[i] = v
	}
	if len(res.DroppedB) == 0 {
		return
	}
	best := make([]float64, len(res.DroppedB))
	for k := range best {
		best[k] = math.Inf(1)
	}
	for i := 0; i < raw.Rows; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
		ai := res.Alpha[i]
		for k, j := range res.DroppedB {
			if t := row[j] - ai; t < best[k] {
				best[k] = t
			}
		}
	}
	for k, j := range res.DroppedB {
		res.Beta[j] = best[k]
	}
}
