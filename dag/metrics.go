package dag

import (
	"errors"
	"math"
	"sort"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
	"gonum.org/v1/gonum/mat"
)

// Metrics compares an estimated graph with the true one, following the
// count_accuracy function that NOTEARS, DAGMA, TOPO and CoLiDE all ship.
// An entry is an edge when it is non-zero.
type Metrics struct {
	SHD int // extra + missing skeleton edges + reversed edges (a reversal counts once)
	NNZ int // number of estimated edges
	// TruePositive: estimated edges present in the truth with the same direction.
	TruePositive int
	// Reversed: estimated edges whose reverse is a true edge.
	Reversed int
	// FalsePositive: estimated edges between nodes not adjacent in the truth.
	FalsePositive  int
	Extra, Missing int     // skeleton differences (undirected)
	TPR            float64 // TruePositive / max(true edges, 1)
	FDR            float64 // (Reversed + FalsePositive) / max(NNZ, 1)
	FPR            float64 // (Reversed + FalsePositive) / max(d(d−1)/2 − true edges, 1)
}

// CountAccuracy returns the structure metrics of est against truth. It panics
// when the matrices are not square of the same size.
func CountAccuracy(truth, est mat.Matrix) Metrics {
	d := square(truth, "CountAccuracy")
	if r, c := est.Dims(); r != d || c != d {
		panic("dag: CountAccuracy dimension mismatch")
	}
	var m Metrics
	nCond := 0
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			t, e := truth.At(i, j) != 0, est.At(i, j) != 0
			if t {
				nCond++
			}
			if !e {
				continue
			}
			m.NNZ++
			switch {
			case t:
				m.TruePositive++
			case truth.At(j, i) != 0:
				m.Reversed++
			default:
				m.FalsePositive++
			}
		}
	}
	for i := 1; i < d; i++ {
		for j := 0; j < i; j++ {
			ps := est.At(i, j) != 0 || est.At(j, i) != 0
			cs := truth.At(i, j) != 0 || truth.At(j, i) != 0
			if ps && !cs {
				m.Extra++
			}
			if cs && !ps {
				m.Missing++
			}
		}
	}
	m.SHD = m.Extra + m.Missing + m.Reversed
	m.TPR = float64(m.TruePositive) / math.Max(float64(nCond), 1)
	m.FDR = float64(m.Reversed+m.FalsePositive) / math.Max(float64(m.NNZ), 1)
	m.FPR = float64(m.Reversed+m.FalsePositive) / math.Max(0.5*float64(d*(d-1))-float64(nCond), 1)
	return m
}

func square(a mat.Matrix, who string) int {
	r, c := a.Dims()
	if r != c {
		panic("dag: " + who + " needs a square matrix")
	}
	return r
}

// digraph returns the gonum directed graph of the non-zero off-diagonal
// entries of W, and reports whether W has a non-zero diagonal (a self-loop).
func digraph(W mat.Matrix) (*simple.DirectedGraph, bool) {
	d := square(W, "digraph")
	g := simple.NewDirectedGraph()
	for i := 0; i < d; i++ {
		g.AddNode(simple.Node(i))
	}
	loop := false
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if W.At(i, j) == 0 {
				continue
			}
			if i == j {
				loop = true
				continue
			}
			g.SetEdge(simple.Edge{F: simple.Node(i), T: simple.Node(j)})
		}
	}
	return g, loop
}

// ErrCyclic is returned by TopologicalOrder for a graph with a directed cycle.
var ErrCyclic = errors.New("dag: graph has a directed cycle")

// TopologicalOrder returns a topological order of the graph of the non-zero
// entries of W (i before j when W[i,j] ≠ 0), computed with gonum graph/topo
// and made deterministic by ordering ties by node index.
func TopologicalOrder(W mat.Matrix) ([]int, error) {
	g, loop := digraph(W)
	if loop {
		return nil, ErrCyclic
	}
	nodes, err := topo.SortStabilized(g, func(ns []graph.Node) {
		sort.Slice(ns, func(a, b int) bool { return ns[a].ID() < ns[b].ID() })
	})
	if err != nil {
		return nil, ErrCyclic
	}
	order := make([]int, len(nodes))
	for k, v := range nodes {
		order[k] = int(v.ID())
	}
	return order, nil
}

// IsDAG reports whether the non-zero entries of W form a directed acyclic
// graph (checked with gonum graph/topo).
func IsDAG(W mat.Matrix) bool {
	_, err := TopologicalOrder(W)
	return err == nil
}

// Threshold sets to zero every entry of W with |w| ≤ thr and every diagonal
// entry, storing the result in dst (allocated when nil), and returns dst.
func Threshold(dst *mat.Dense, W mat.Matrix, thr float64) *mat.Dense {
	d := square(W, "Threshold")
	if dst == nil {
		dst = mat.NewDense(d, d, nil)
	}
	if dst != W {
		dst.Copy(W)
	}
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if i == j || math.Abs(dst.At(i, j)) <= thr {
				dst.Set(i, j, 0)
			}
		}
	}
	return dst
}

// ToDAG thresholds W at thr (see Threshold) and then, while the graph has a
// cycle, removes the remaining edge of smallest |w| (CoLiDE's to_dag). The
// result is always acyclic. It returns dst (allocated when nil) and the number
// of edges removed after thresholding.
func ToDAG(dst *mat.Dense, W mat.Matrix, thr float64) (*mat.Dense, int) {
	dst = Threshold(dst, W, thr)
	if IsDAG(dst) {
		return dst, 0
	}
	d, _ := dst.Dims()
	type edge struct {
		i, j int
		a    float64
	}
	var es []edge
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			if v := dst.At(i, j); v != 0 {
				es = append(es, edge{i, j, math.Abs(v)})
			}
		}
	}
	sort.SliceStable(es, func(a, b int) bool { return es[a].a < es[b].a })
	removed := 0
	for _, e := range es {
		if IsDAG(dst) {
			break
		}
		dst.Set(e.i, e.j, 0)
		removed++
	}
	return dst, removed
}

// NumEdges returns the number of non-zero entries of W.
func NumEdges(W mat.Matrix) int {
	r, c := W.Dims()
	k := 0
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if W.At(i, j) != 0 {
				k++
			}
		}
	}
	return k
}
