package sinkhorn

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"github.com/kkt-go/kkt/solver"
)

// checkEMD verifies a plan against the marginals and the duals: P ≥ 0,
// P1 = a and Pᵀ1 = b to feasTol, at most n+m−1 nonzeros, α_i + β_j ≤ C_ij
// on the arcs (skip says which entries are not arcs) to a relative 1e-12,
// complementary slackness on the support and aᵀα + bᵀβ = ⟨C, P⟩.
func checkEMD(t *testing.T, name string, a, b []float64, c *mat.Dense, arc func(i, j int) bool, r *EMDResult, feasTol float64) {
	t.Helper()
	n, m := c.Dims()
	if r.Status != solver.Converged {
		t.Fatalf("%s: status %v", name, r.Status)
	}
	if nnz := r.Plan.NNZ(); nnz > n+m-1 {
		t.Errorf("%s: %d nonzeros > n+m−1 = %d", name, nnz, n+m-1)
	}
	rs, cs := make([]float64, n), make([]float64, m)
	var cost, cmax float64
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			cmax = math.Max(cmax, math.Abs(c.At(i, j)))
		}
	}
	tolD := 1e-12 * (cmax + 1)
	r.Plan.DoNonZero(func(i, j int, v float64) {
		if v < 0 {
			t.Errorf("%s: P[%d,%d] = %g < 0", name, i, j, v)
		}
		if !arc(i, j) {
			t.Errorf("%s: P[%d,%d] = %g outside the cost pattern", name, i, j, v)
		}
		rs[i] += v
		cs[j] += v
		cost += c.At(i, j) * v
		if s := c.At(i, j) - r.Alpha[i] - r.Beta[j]; v > 0 && math.Abs(s) > tolD {
			t.Errorf("%s: slackness: P[%d,%d] = %g with reduced cost %g", name, i, j, v, s)
		}
	})
	for i := range a {
		if d := math.Abs(rs[i] - a[i]); d > feasTol {
			t.Errorf("%s: row %d: |P1 − a| = %g", name, i, d)
		}
	}
	for j := range b {
		if d := math.Abs(cs[j] - b[j]); d > feasTol {
			t.Errorf("%s: column %d: |Pᵀ1 − b| = %g", name, j, d)
		}
	}
	var dual float64
	for i := range a {
		dual += a[i] * r.Alpha[i]
	}
	for j := range b {
		dual += b[j] * r.Beta[j]
	}
	if math.Abs(dual-r.Cost) > 1e-12*(math.Abs(r.Cost)+cmax) || math.Abs(cost-r.Cost) > 1e-13*(math.Abs(r.Cost)+cmax) {
		t.Errorf("%s: cost %.17g, recomputed %.17g, dual %.17g", name, r.Cost, cost, dual)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			if arc(i, j) && c.At(i, j)-r.Alpha[i]-r.Beta[j] < -tolD {
				t.Fatalf("%s: dual infeasible at (%d,%d): %g", name, i, j, c.At(i, j)-r.Alpha[i]-r.Beta[j])
			}
		}
	}
}

// lpOT solves the transportation LP with gonum's dense simplex (an
// independent oracle): variables P_ij on the arcs, equality rows P1 = a and
// Pᵀ1 = b without the last column constraint (which is implied).
func lpOT(t *testing.T, a, b []float64, c *mat.Dense, arc func(i, j int) bool) (float64, bool) {
	n, m := c.Dims()
	// zero-mass rows and columns carry no flow: leave them out
	ka, kb := positive(a), positive(b)
	row := make([]int, n)
	for i := range row {
		row[i] = -1
	}
	for k, i := range ka {
		row[i] = k
	}
	col := make([]int, m)
	for j := range col {
		col[j] = -1
	}
	for k, j := range kb {
		col[j] = k
	}
	var cost []float64
	var idx [][2]int
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			if arc(i, j) && row[i] >= 0 && col[j] >= 0 {
				cost = append(cost, c.At(i, j))
				idx = append(idx, [2]int{row[i], col[j]})
			}
		}
	}
	nn, mm := len(ka), len(kb)
	rows := nn + mm - 1
	if len(cost) < rows {
		return 0, false // gonum's simplex needs at least as many variables as rows
	}
	A := mat.NewDense(rows, len(cost), nil)
	rhs := make([]float64, rows)
	copy(rhs, gather(a, ka))
	copy(rhs[nn:], gather(b, kb)[:mm-1])
	for k, ij := range idx {
		A.Set(ij[0], k, 1)
		if ij[1] < mm-1 {
			A.Set(nn+ij[1], k, 1)
		}
	}
	opt, _, err := lp.Simplex(cost, A, rhs, 1e-12, nil)
	if err != nil {
		t.Fatalf("LP oracle: %v", err)
	}
	return opt, true
}

func TestEMDAgainstLP(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	ctx := context.Background()
	compared := 0
	defer func() {
		if compared < 100 {
			t.Errorf("only %d sparse instances compared with the LP", compared)
		}
	}()
	for trial := 0; trial < 200; trial++ {
		n, m := 1+rng.IntN(7), 1+rng.IntN(7)
		a, b := make([]float64, n), make([]float64, m)
		for i := range a {
			a[i] = rng.Float64() + 0.01
		}
		for j := range b {
			b[j] = rng.Float64() + 0.01
		}
		if trial%5 == 0 { // some zero masses
			a[rng.IntN(n)] = 0
		}
		sa, sb := sum(a), sum(b)
		if sa == 0 {
			a[0], sa = 1, 1
		}
		for i := range a {
			a[i] /= sa
		}
		for j := range b {
			b[j] /= sb
		}
		c := mat.NewDense(n, m, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				v := rng.Float64()
				switch trial % 3 {
				case 1:
					v = float64(rng.IntN(3)) // many ties: degenerate
				case 2:
					v = 2*v - 1 // negative costs
				}
				c.Set(i, j, v)
			}
		}
		all := func(i, j int) bool { return true }
		r, err := EMD(ctx, a, b, c, EMDSettings{})
		if err != nil {
			t.Fatal(err)
		}
		checkEMD(t, "dense", a, b, c, all, r, 1e-14)
		want, ok := lpOT(t, a, b, c, all)
		if ok && math.Abs(r.Cost-want) > 1e-12*(1+math.Abs(want)) {
			t.Errorf("trial %d (%d×%d): EMD cost %.17g, LP %.17g", trial, n, m, r.Cost, want)
		}
		// the same problem on a random sparse pattern that contains a
		// feasible plan (the dense EMD support) plus random extra arcs
		pat := make([]bool, n*m)
		r.Plan.DoNonZero(func(i, j int, _ float64) { pat[i*m+j] = true })
		for k := range pat {
			if rng.IntN(3) == 0 {
				pat[k] = true
			}
		}
		arc := func(i, j int) bool { return pat[i*m+j] }
		var indptr, ind []int
		var data []float64
		indptr = append(indptr, 0)
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				if pat[i*m+j] {
					ind = append(ind, j)
					data = append(data, c.At(i, j))
				}
			}
			indptr = append(indptr, len(ind))
		}
		rs, err := EMDSparse(ctx, a, b, sparse.NewCSR(n, m, indptr, ind, data))
		if err != nil {
			t.Fatal(err)
		}
		checkEMD(t, "sparse", a, b, c, arc, rs, 1e-14)
		want, ok = lpOT(t, a, b, c, arc)
		if ok {
			compared++
		}
		if ok && math.Abs(rs.Cost-want) > 1e-12*(1+math.Abs(want)) {
			t.Errorf("trial %d (%d×%d sparse): EMD cost %.17g, LP %.17g", trial, n, m, rs.Cost, want)
		}
	}
}

// permutations calls f on every permutation of 0..n−1.
func permutations(n int, f func(p []int)) {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	var rec func(k int)
	rec = func(k int) {
		if k == n {
			f(p)
			return
		}
		for i := k; i < n; i++ {
			p[k], p[i] = p[i], p[k]
			rec(k + 1)
			p[k], p[i] = p[i], p[k]
		}
	}
	rec(0)
}

func TestEMDPermutationBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := 0; trial < 30; trial++ {
		n := 2 + trial%6
		c := mat.NewDense(n, n, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				c.Set(i, j, float64(rng.IntN(5))) // integer costs: heavy degeneracy
			}
		}
		best := math.Inf(1)
		permutations(n, func(p []int) {
			var s float64
			for i, j := range p {
				s += c.At(i, j)
			}
			best = math.Min(best, s)
		})
		u := make([]float64, n)
		for i := range u {
			u[i] = 1 / float64(n)
		}
		r, err := EMD(context.Background(), u, u, c, EMDSettings{})
		if err != nil {
			t.Fatal(err)
		}
		checkEMD(t, "perm", u, u, c, func(i, j int) bool { return true }, r, 1e-15)
		if math.Abs(r.Cost-best/float64(n)) > 1e-14 {
			t.Errorf("n=%d: EMD %.17g, brute force %.17g", n, r.Cost, best/float64(n))
		}
	}
}

func TestEMDAgainstAssignment(t *testing.T) {
	for _, n := range []int{50, 200} {
		a, c := randomUniform(n, uint64(n))
		r, err := EMD(context.Background(), a, a, c, EMDSettings{})
		if err != nil {
			t.Fatal(err)
		}
		checkEMD(t, "assignment", a, a, c, func(i, j int) bool { return true }, r, 1e-14)
		_, hc := Assignment(c)
		if math.Abs(r.Cost-hc/float64(n)) > 1e-12*r.Cost {
			t.Errorf("n=%d: EMD %.17g, Hungarian %.17g", n, r.Cost, hc/float64(n))
		}
	}
	// points with random weights, larger: feasibility, slackness, duality
	rng := rand.New(rand.NewPCG(9, 9))
	n, m := 300, 250
	x, y := mat.NewDense(n, 2, nil), mat.NewDense(m, 2, nil)
	for i := 0; i < n; i++ {
		x.Set(i, 0, rng.Float64())
		x.Set(i, 1, rng.Float64())
	}
	for j := 0; j < m; j++ {
		y.Set(j, 0, rng.Float64())
		y.Set(j, 1, rng.Float64())
	}
	for _, metric := range []Metric{SqEuclidean, L1} {
		c := CostMatrix(x, y, metric, 0)
		a, b := make([]float64, n), make([]float64, m)
		for i := range a {
			a[i] = rng.Float64()
		}
		for j := range b {
			b[j] = rng.Float64()
		}
		sa, sb := sum(a), sum(b)
		for i := range a {
			a[i] /= sa
		}
		for j := range b {
			b[j] /= sb
		}
		r, err := EMD(context.Background(), a, b, c, EMDSettings{})
		if err != nil {
			t.Fatal(err)
		}
		checkEMD(t, metric.String(), a, b, c, func(i, j int) bool { return true }, r, 1e-14)
	}
}

func TestEMDInputs(t *testing.T) {
	ctx := context.Background()
	c := mat.NewDense(2, 3, []float64{0, 1, 2, 2, 1, 0})
	if _, err := EMD(ctx, []float64{0.5, 0.5}, []float64{0.2, 0.2, 0.2}, c, EMDSettings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("unequal masses: err = %v", err)
	}
	if _, err := EMD(ctx, []float64{-0.5, 1.5}, []float64{0.5, 0, 0.5}, c, EMDSettings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("negative mass: err = %v", err)
	}
	if _, err := EMD(ctx, []float64{0.5}, []float64{0.5, 0, 0.5}, c, EMDSettings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("length mismatch: err = %v", err)
	}
	bad := mat.NewDense(2, 3, []float64{0, math.NaN(), 2, 2, 1, 0})
	if _, err := EMD(ctx, []float64{0.5, 0.5}, []float64{0.5, 0, 0.5}, bad, EMDSettings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("NaN cost: err = %v", err)
	}
	// zero mass column, masses off by 3e-12: balanced and reported
	a := []float64{0.5, 0.5}
	b := []float64{0.5 + 3e-12, 0, 0.5}
	r, err := EMD(ctx, a, b, c, EMDSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != solver.Converged || len(r.DroppedB) != 1 || r.DroppedB[0] != 1 {
		t.Fatalf("status %v, dropped %v", r.Status, r.DroppedB)
	}
	if r.MassAdjust <= 0 || r.MassAdjust > 1e-11 {
		t.Errorf("MassAdjust = %g", r.MassAdjust)
	}
	// b′ = b/(1 + 3e-12) moves 1.5e-12 of mass at cost 2
	if math.Abs(r.Cost-3e-12) > 1e-14 {
		t.Errorf("cost %g, want 3e-12", r.Cost)
	}
	// the zero-mass column gets a feasible dual
	for i := 0; i < 2; i++ {
		if c.At(i, 1)-r.Alpha[i]-r.Beta[1] < -1e-15 {
			t.Errorf("dual of the dropped column infeasible")
		}
	}
	// sparse pattern without a feasible plan
	sp := sparse.NewCSR(2, 2, []int{0, 1, 2}, []int{0, 0}, []float64{1, 1})
	rs, err := EMDSparse(ctx, []float64{0.5, 0.5}, []float64{0.5, 0.5}, sp)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Status != solver.Infeasible {
		t.Errorf("infeasible pattern: status %v", rs.Status)
	}
	// pivot limit
	a2, c2 := randomUniform(40, 2)
	rl, err := EMD(ctx, a2, a2, c2, EMDSettings{MaxIter: 5})
	if err != nil {
		t.Fatal(err)
	}
	if rl.Status != solver.MaxIterations {
		t.Errorf("MaxIter 5: status %v", rl.Status)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	rc, err := EMD(cctx, a2, a2, c2, EMDSettings{})
	if err != nil || rc.Status != solver.Canceled {
		t.Errorf("canceled: %v %v", err, rc.Status)
	}
}

// The pricing and the pivot (tree update included) allocate nothing once
// the scratch slices have grown.
func TestEMDPivotAllocatesNothing(t *testing.T) {
	a, c := randomUniform(200, 4)
	in, err := emdMasses(a, a)
	if err != nil {
		t.Fatal(err)
	}
	ns := newNetSimplex(in.a, in.b, c.RawMatrix().Data, nil, nil, EMDSettings{})
	ns.initialPivots()
	// grow the scratch slices to their full size
	ns.list = make([]int32, 0, ns.nNodes)
	ns.order = make([]int32, 0, ns.nNodes)
	ns.stem = make([]int32, 0, ns.nNodes)
	ns.subEnd = make([]int32, 0, ns.nNodes)
	done := false
	allocs := testing.AllocsPerRun(200, func() {
		if e := ns.findEntering(); e >= 0 {
			ns.pivot(e)
		} else {
			done = true
		}
	})
	if done {
		t.Fatal("the problem was solved before the measurement ended; use a larger one")
	}
	if allocs != 0 {
		t.Errorf("pricing + pivot allocate %v times", allocs)
	}
}
