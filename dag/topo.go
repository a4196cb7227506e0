package dag

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/kkt-go/kkt/solver"
	"gonum.org/v1/gonum/mat"
)

// TopoSettings configures TOPO. The zero value selects the reference code's
// defaults (set_sizes_linear).
type TopoSettings struct {
	// SizeSmall and SizeLarge are the nominal sizes of the candidate swap
	// sets Y_small and Y_large (ties can make them larger). Defaults:
	// size_small = min(⌊1.5d⌋, m), size_large = max(⌊1.5d⌋, m) with
	// m = min(⌊√d·(d−1)·log₁₀d⌋, d(d−1)/2), both clipped to [1, d(d−1)/2].
	SizeSmall, SizeLarge int
	// NoLargeSearch is how many times the large set may be searched when the
	// small set has no improving swap. 0 → min(⌊d/10⌋, 1); negative → never.
	NoLargeSearch int
	// MaxIter caps the outer iterations (default 100·d).
	MaxIter int
	// Threshold for the returned DAG B (0 → 0.3).
	Threshold float64
	// ImproveTol: a swap is accepted when it lowers the loss by more than
	// ImproveTol·max(1, loss) (default 1e−12; guards against cycling on
	// rounding-level "improvements" between equivalent orders).
	ImproveTol float64
	// Recorder, when not nil, is called after every outer iteration with the
	// loss; returning false stops with Canceled.
	Recorder solver.Recorder[TopoIteration]
}

// SetSizesLinear returns the reference code's default (size_small,
// size_large, no_large_search) for d nodes (set_sizes_linear in Duntrain/TOPO).
// For d = 10, 20, 50, 100 it gives (15, 28, 1), (30, 110, 1), (75, 588, 1)
// and (150, 1980, 1). For d < 4 the sizes are clipped to [1, d(d−1)/2]
// (the reference asserts instead).
func SetSizesLinear(d int) (small, large, noLarge int) {
	pairs := d * (d - 1) / 2
	a := int(math.Floor(1.5 * float64(d)))
	b := 0
	if d > 1 {
		b = min(int(math.Floor(math.Sqrt(float64(d))*float64(d-1)*math.Log10(float64(d)))), pairs)
	}
	small, large = min(a, b), max(a, b)
	noLarge = min(d/10, 1)
	small = max(1, min(small, pairs))
	large = max(1, min(large, pairs))
	return small, large, noLarge
}

// topoWork evaluates the least-squares score of topological orders through
// the Cholesky factor of the permuted covariance: with C_π = LLᵀ (rows in
// the order π), the OLS regression of node π[k] on its predecessors
// π[0..k−1] has mean squared residual L_kk², so Q = ½·Σ_k L_kk². A swap of
// positions a < b leaves rows 0..a−1 of L unchanged and the residuals of
// positions > b unchanged (same predecessor sets), so only rows a..b are
// recomputed: the "refit only the affected nodes" rule of TOPO.
type topoWork struct {
	d     int
	c     []float64 // covariance, row-major
	l     []float64 // Cholesky rows of the current order (row k = position k)
	lc    []float64 // candidate rows
	res   []float64 // residual L_kk² by position
	order []int
	pos   []int
	cand  []int // candidate order
}

func newTopoWork(C []float64, d int) *topoWork {
	return &topoWork{d: d, c: C, l: make([]float64, d*d), lc: make([]float64, d*d),
		res: make([]float64, d), order: make([]int, d), pos: make([]int, d), cand: make([]int, d)}
}

// cholRow computes row k of the Cholesky factor for order ord into dst,
// reading rows < lo from base and rows lo..k−1 from alt (row-major, stride d).
// It returns the residual L_kk² (≤ 0 means the covariance is singular).
func (tw *topoWork) cholRow(dst []float64, k int, ord []int, base, alt []float64, lo int) float64 {
	d := tw.d
	ck := tw.c[ord[k]*d : ord[k]*d+d]
	for m := 0; m < k; m++ {
		var rm []float64
		if m < lo {
			rm = base[m*d : m*d+m+1]
		} else {
			rm = alt[m*d : m*d+m+1]
		}
		v := ck[ord[m]]
		for l := 0; l < m; l++ {
			v -= dst[l] * rm[l]
		}
		dst[m] = v / rm[m]
	}
	v := ck[ord[k]]
	for l := 0; l < k; l++ {
		v -= dst[l] * dst[l]
	}
	if v > 0 {
		dst[k] = math.Sqrt(v)
	} else {
		dst[k] = math.NaN()
	}
	return v
}

// setOrder factorises the full order and returns the loss.
func (tw *topoWork) setOrder(ord []int) (float64, error) {
	d := tw.d
	copy(tw.order, ord)
	for k, v := range ord {
		tw.pos[v] = k
	}
	loss := 0.0
	for k := 0; k < d; k++ {
		r := tw.cholRow(tw.l[k*d:k*d+d], k, tw.order, tw.l, tw.l, 0)
		if !(r > 0) {
			return math.NaN(), fmt.Errorf("%w: the covariance is singular (node %d is an exact linear function of its predecessors; TOPO needs n > d and no collinear columns)", ErrData, tw.order[k])
		}
		tw.res[k] = r
		loss += r
	}
	return loss / 2, nil
}

// swapLoss returns the loss of the current order with positions a < b swapped.
func (tw *topoWork) swapLoss(a, b int) float64 {
	d := tw.d
	copy(tw.cand, tw.order)
	tw.cand[a], tw.cand[b] = tw.cand[b], tw.cand[a]
	loss := 0.0
	for k := 0; k < a; k++ {
		loss += tw.res[k]
	}
	for k := b + 1; k < d; k++ {
		loss += tw.res[k]
	}
	for k := a; k <= b; k++ {
		r := tw.cholRow(tw.lc[k*d:k*d+d], k, tw.cand, tw.l, tw.lc, a)
		if !(r > 0) {
			return math.Inf(1)
		}
		loss += r
	}
	return loss / 2
}

// weights returns W of the current order: column π[k] holds the OLS
// coefficients of node π[k] on π[0..k−1] (Lᵀ_{<k} w = L[k, <k]).
func (tw *topoWork) weights() *mat.Dense {
	d := tw.d
	W := mat.NewDense(d, d, nil)
	w := make([]float64, d)
	for k := 1; k < d; k++ {
		row := tw.l[k*d : k*d+k]
		copy(w, row)
		for m := k - 1; m >= 0; m-- {
			v := w[m] / tw.l[m*d+m]
			w[m] = v
			for l := 0; l < m; l++ {
				w[l] -= tw.l[m*d+l] * v
			}
		}
		for m := 0; m < k; m++ {
			W.Set(tw.order[m], tw.order[k], w[m])
		}
	}
	return W
}

// FitOrder returns the least-squares W for a fixed topological order: every
// column order[k] is the OLS regression (no intercept, on column-centred X)
// of that node on order[0..k−1]; and the loss Q(W) = 1/(2n)‖Xc − XcW‖²_F.
func FitOrder(X mat.Matrix, order []int) (*mat.Dense, float64, error) {
	if err := checkData(X); err != nil {
		return nil, 0, err
	}
	_, d := X.Dims()
	checkOrder(order, d)
	C := Covariance(X)
	tw := newTopoWork(C.RawMatrix().Data, d)
	loss, err := tw.setOrder(order)
	if err != nil {
		return nil, 0, err
	}
	return tw.weights(), loss, nil
}

func checkOrder(order []int, d int) {
	if len(order) != d {
		panic("dag: order must have length d")
	}
	seen := make([]bool, d)
	for _, v := range order {
		if v < 0 || v >= d || seen[v] {
			panic("dag: order is not a permutation of 0..d−1")
		}
		seen[v] = true
	}
}

type swapPair struct{ i, j int } // i after j in the order: the swap exchanges them

// candidates returns Y_small and Y_large at the current order: the forbidden
// pairs (i, j) (i after j, i ≠ j) whose G_h[i,j] = [(I − |W|)^{−T}]_ij is at
// most the size-th smallest such value; listed in row-major (i, j) order as
// the reference's np.where does.
func (tw *topoWork) candidates(W *mat.Dense, small, large int) ([]swapPair, []swapPair) {
	d := tw.d
	A := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			v := -math.Abs(W.At(i, j))
			if i == j {
				v++
			}
			A.Set(i, j, v)
		}
	}
	// I − |W| is a permuted unit triangular matrix: its inverse is exact
	// up to rounding and never singular.
	var inv mat.Dense
	if err := inv.Inverse(A); err != nil {
		panic("dag: internal error: I − |W| singular for a DAG")
	}
	gh := func(i, j int) float64 { return inv.At(j, i) }
	vals := make([]float64, 0, d*(d-1)/2)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if i != j && tw.pos[i] > tw.pos[j] {
				vals = append(vals, gh(i, j))
			}
		}
	}
	sort.Float64s(vals)
	ts, tl := vals[small-1], vals[large-1]
	var ys, yl []swapPair
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if i != j && tw.pos[i] > tw.pos[j] {
				g := gh(i, j)
				if g <= ts {
					ys = append(ys, swapPair{i, j})
				}
				if g <= tl {
					yl = append(yl, swapPair{i, j})
				}
			}
		}
	}
	return ys, yl
}

// TOPO runs the topological swap search of Deng, Bello, Aragam and
// Ravikumar (ICML 2023) for the least-squares score from the initial order
// init (a permutation of 0..d−1; it is not modified):
//
//  1. W ← OLS of every node on its predecessors (FitOrder); Q ← loss.
//  2. G_h = (I − |W|)^{−T}; Y_small, Y_large = forbidden pairs with the
//     smallest G_h (candidates whose new edge closes the fewest/lightest walks).
//  3. Score every swap in Y_small (refitting only the nodes between the two
//     positions). If some swap lowers Q, apply greedily the improving swaps
//     in increasing loss whose position intervals do not overlap, and go to 1.
//  4. Otherwise search Y_large \ Y_small the same way, at most NoLargeSearch
//     times over the whole run; if nothing improves, stop.
//
// Every accepted step strictly lowers Q, so the result is never worse than
// the initial order's least-squares fit. Result.B is W thresholded at
// Settings.Threshold (acyclic, since W is supported on the order).
func TOPO(ctx context.Context, X mat.Matrix, init []int, set TopoSettings) (*Result, error) {
	t0 := time.Now()
	if err := checkData(X); err != nil {
		return nil, err
	}
	_, d := X.Dims()
	checkOrder(init, d)
	small, large, noLarge := SetSizesLinear(d)
	pairs := d * (d - 1) / 2
	if set.SizeSmall > 0 {
		small = max(1, min(set.SizeSmall, pairs))
	}
	if set.SizeLarge > 0 {
		large = max(1, min(set.SizeLarge, pairs))
	}
	if set.NoLargeSearch > 0 {
		noLarge = set.NoLargeSearch
	} else if set.NoLargeSearch < 0 {
		noLarge = 0
	}
	if set.MaxIter <= 0 {
		set.MaxIter = 100 * d
	}
	if set.Threshold <= 0 {
		set.Threshold = 0.3
	}
	if set.ImproveTol <= 0 {
		set.ImproveTol = 1e-12
	}
	C := Covariance(X)
	tw := newTopoWork(C.RawMatrix().Data, d)
	loss, err := tw.setOrder(init)
	if err != nil {
		return nil, err
	}
	res := &Result{Method: TopoSwap, Status: Converged}
	largeUsed := 0
	if d > 1 {
	outer:
		for {
			if ctx.Err() != nil {
				res.Status = Canceled
				break
			}
			if res.Iterations >= set.MaxIter {
				res.Status = MaxIterations
				break
			}
			W := tw.weights()
			ys, yl := tw.candidates(W, small, large)
			improved := tw.greedy(ys, loss, set.ImproveTol)
			if !improved {
				if largeUsed >= noLarge {
					break
				}
				inSmall := make(map[swapPair]bool, len(ys))
				for _, p := range ys {
					inSmall[p] = true
				}
				var rest []swapPair
				for _, p := range yl {
					if !inSmall[p] {
						rest = append(rest, p)
					}
				}
				if !tw.greedy(rest, loss, set.ImproveTol) {
					break outer
				}
				largeUsed++
			}
			newOrder := append([]int(nil), tw.order...)
			if loss, err = tw.setOrder(newOrder); err != nil {
				return nil, err
			}
			res.Iterations++
			if set.Recorder != nil && !set.Recorder(TopoIteration{Iter: res.Iterations, Loss: loss}) {
				res.Status = Canceled
				break
			}
		}
	}
	res.W = tw.weights()
	res.Score = loss
	res.H = 0
	res.B = Threshold(nil, res.W, set.Threshold)
	res.Time = time.Since(t0)
	if res.Status == Canceled && ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, nil
}

// greedy scores every pair of ys; if some lowers the loss by more than the
// tolerance, it applies the improving swaps in increasing loss whose
// position intervals are disjoint (create_new_topo_greedy) to tw.order, and
// reports true. The factorisation is then stale; the caller refactorises.
func (tw *topoWork) greedy(ys []swapPair, loss, tol float64) bool {
	type scored struct {
		a, b int
		loss float64
	}
	var good []scored
	lim := loss - tol*math.Max(1, math.Abs(loss))
	for _, p := range ys {
		a, b := tw.pos[p.j], tw.pos[p.i]
		if l := tw.swapLoss(a, b); l < lim {
			good = append(good, scored{a, b, l})
		}
	}
	if len(good) == 0 {
		return false
	}
	sort.SliceStable(good, func(x, y int) bool { return good[x].loss < good[y].loss })
	taken := make([]bool, tw.d)
	for _, g := range good {
		free := true
		for k := g.a; k <= g.b; k++ {
			if taken[k] {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		for k := g.a; k <= g.b; k++ {
			taken[k] = true
		}
		tw.order[g.a], tw.order[g.b] = tw.order[g.b], tw.order[g.a]
	}
	return true
}

// TOPOFromDAG runs TOPO from a topological order of the DAG B (for example
// another method's Result.B): TOPO as post-processing. It returns ErrCyclic
// when B has a cycle.
func TOPOFromDAG(ctx context.Context, X mat.Matrix, B mat.Matrix, set TopoSettings) (*Result, error) {
	order, err := TopologicalOrder(B)
	if err != nil {
		return nil, err
	}
	return TOPO(ctx, X, order, set)
}

// RefitDAG returns the least-squares weights on the support of B (each node
// regressed on its parents in B, no intercept, on column-centred X) and
// their loss Q = 1/(2n)‖Xc − XcW‖²_F: the best score the structure B can
// reach. It returns ErrData when some parent set is collinear.
func RefitDAG(X, B mat.Matrix) (*mat.Dense, float64, error) {
	if err := checkData(X); err != nil {
		return nil, 0, err
	}
	_, d := X.Dims()
	if r, c := B.Dims(); r != d || c != d {
		panic("dag: RefitDAG dimension mismatch")
	}
	C := Covariance(X)
	W := mat.NewDense(d, d, nil)
	loss := 0.0
	for j := 0; j < d; j++ {
		var pa []int
		for i := 0; i < d; i++ {
			if i != j && B.At(i, j) != 0 {
				pa = append(pa, i)
			}
		}
		r := C.At(j, j)
		if len(pa) > 0 {
			P := mat.NewSymDense(len(pa), nil)
			b := mat.NewVecDense(len(pa), nil)
			for a, u := range pa {
				b.SetVec(a, C.At(u, j))
				for c, v := range pa[:a+1] {
					P.SetSym(a, c, C.At(u, v))
				}
			}
			var ch mat.Cholesky
			if !ch.Factorize(P) {
				return nil, 0, fmt.Errorf("%w: parents of node %d are collinear", ErrData, j)
			}
			var w mat.VecDense
			if err := ch.SolveVecTo(&w, b); err != nil {
				return nil, 0, fmt.Errorf("%w: parents of node %d: %v", ErrData, j, err)
			}
			for a, u := range pa {
				W.Set(u, j, w.AtVec(a))
				r -= w.AtVec(a) * b.AtVec(a)
			}
		}
		loss += r
	}
	return W, loss / 2, nil
}

// TopoIteration is what TOPO's Recorder sees after an outer iteration.
type TopoIteration struct {
	Iter int     // outer iteration (1-based)
	Loss float64 // the least-squares loss of the current order
}
