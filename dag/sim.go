package dag

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// GraphType selects the random graph model of Simulate.
type GraphType int

const (
	// ER is the Erdős–Rényi model with exactly K·D edges (capped at D(D−1)/2),
	// oriented along a uniformly random node order (NOTEARS' simulate_dag).
	ER GraphType = iota
	// SF is the Barabási–Albert scale-free model: node t attaches min(K, t)
	// out-edges to distinct earlier nodes chosen with probability ∝ in-degree+1
	// (igraph's Barabasi with zero appeal 1), followed by a uniformly random
	// relabelling of the nodes, so that index order carries no causal information.
	SF
)

// String returns "er" or "sf".
func (g GraphType) String() string {
	if g == SF {
		return "sf"
	}
	return "er"
}

// NoiseType selects the exogenous noise distribution of Simulate. Every type
// is scaled so that its variance equals the node's noise variance, as in
// CoLiDE's simulate_sem.
type NoiseType int

const (
	Gaussian    NoiseType = iota // N(0, v)
	Exponential                  // Exp with scale √v (mean √v, removed by centring)
	Gumbel                       // Gumbel(0, β) with β = √(6v)/π
	Laplace                      // Laplace(0, b) with b = √(v/2)
)

// String returns gauss, exp, gumbel or laplace.
func (t NoiseType) String() string {
	switch t {
	case Exponential:
		return "exp"
	case Gumbel:
		return "gumbel"
	case Laplace:
		return "laplace"
	}
	return "gauss"
}

// SimSettings describes a linear structural equation model X = XW + N.
// The zero value of every field except D and N selects the documented default.
type SimSettings struct {
	Graph GraphType
	K     int // ER: K·D edges; SF: out-edges per new node. Default 2.
	D     int // number of nodes (required, ≥ 1)
	N     int // number of samples (required, ≥ 1)
	Noise NoiseType
	// Unequal draws each node's noise variance from U(VarLow, VarHigh)
	// (CoLiDE's heteroscedastic "nv" setting); otherwise every node has Var.
	Unequal         bool
	Var             float64 // equal noise variance; default 1
	VarLow, VarHigh float64 // default 0.5 and 10
	// Edge weights are uniform on [−WMax, −WMin] ∪ [WMin, WMax] with a fair
	// random sign. Defaults 0.5 and 2.
	WMin, WMax float64
}

func (s *SimSettings) defaults() {
	if s.K <= 0 {
		s.K = 2
	}
	if s.Var <= 0 {
		s.Var = 1
	}
	if s.VarLow <= 0 {
		s.VarLow = 0.5
	}
	if s.VarHigh <= 0 {
		s.VarHigh = 10
	}
	if s.WMin <= 0 {
		s.WMin = 0.5
	}
	if s.WMax <= 0 {
		s.WMax = 2
	}
}

// Sim is a simulated data set.
type Sim struct {
	X        *mat.Dense // N×D samples (not centred)
	W        *mat.Dense // D×D weighted adjacency; W[i,j] ≠ 0 means i → j
	NoiseVar []float64  // noise variance of every node
	Order    []int      // a topological order of W
}

// Simulate draws a random DAG, its edge weights and n samples of the linear
// SEM. The same rng state gives the same data bit for bit. It panics when
// s.D < 1 or s.N < 1.
func Simulate(rng *rand.Rand, s SimSettings) *Sim {
	if s.D < 1 || s.N < 1 {
		panic("dag: Simulate needs D ≥ 1 and N ≥ 1")
	}
	s.defaults()
	d, n := s.D, s.N
	var edges [][2]int
	var order []int
	switch s.Graph {
	case SF:
		edges, order = barabasiAlbert(rng, d, s.K)
	default:
		edges, order = erdosRenyi(rng, d, s.K*d)
	}
	W := mat.NewDense(d, d, nil)
	for _, e := range edges {
		w := s.WMin + (s.WMax-s.WMin)*rng.Float64()
		if rng.IntN(2) == 0 {
			w = -w
		}
		W.Set(e[0], e[1], w)
	}
	vars := make([]float64, d)
	for j := range vars {
		if s.Unequal {
			vars[j] = s.VarLow + (s.VarHigh-s.VarLow)*rng.Float64()
		} else {
			vars[j] = s.Var
		}
	}
	X := mat.NewDense(n, d, nil)
	raw := X.RawMatrix()
	parents := make([][]int, d)
	for _, e := range edges {
		parents[e[1]] = append(parents[e[1]], e[0])
	}
	for _, j := range order {
		for r := 0; r < n; r++ {
			row := raw.Data[r*raw.Stride : r*raw.Stride+d]
			x := noise(rng, s.Noise, vars[j])
			for _, p := range parents[j] {
				x += row[p] * W.At(p, j)
			}
			row[j] = x
		}
	}
	return &Sim{X: X, W: W, NoiseVar: vars, Order: order}
}

// noise draws one sample with variance v.
func noise(rng *rand.Rand, t NoiseType, v float64) float64 {
	switch t {
	case Exponential:
		return math.Sqrt(v) * rng.ExpFloat64()
	case Gumbel:
		u := rng.Float64()
		for u == 0 {
			u = rng.Float64()
		}
		return -math.Sqrt(6*v) / math.Pi * math.Log(-math.Log(u))
	case Laplace:
		u := rng.Float64() - 0.5
		for u == -0.5 {
			u = rng.Float64() - 0.5
		}
		b := math.Sqrt(v / 2)
		if u < 0 {
			return b * math.Log(1+2*u)
		}
		return -b * math.Log(1-2*u)
	}
	return math.Sqrt(v) * rng.NormFloat64()
}

// erdosRenyi returns m edges drawn uniformly among the d(d−1)/2 node pairs,
// oriented along a random order, and that order.
func erdosRenyi(rng *rand.Rand, d, m int) ([][2]int, []int) {
	order := rng.Perm(d)
	if maxE := d * (d - 1) / 2; m > maxE {
		m = maxE
	}
	// pairs of positions (a < b) in the order; the edge goes order[a] → order[b].
	pairs := make([][2]int, 0, d*(d-1)/2)
	for b := 1; b < d; b++ {
		for a := 0; a < b; a++ {
			pairs = append(pairs, [2]int{a, b})
		}
	}
	// partial Fisher–Yates: the first m entries are a uniform m-subset.
	for k := 0; k < m; k++ {
		r := k + rng.IntN(len(pairs)-k)
		pairs[k], pairs[r] = pairs[r], pairs[k]
	}
	edges := make([][2]int, m)
	for k := 0; k < m; k++ {
		edges[k] = [2]int{order[pairs[k][0]], order[pairs[k][1]]}
	}
	return edges, order
}

// barabasiAlbert grows a directed preferential-attachment graph (new → old
// edges) and relabels its nodes by a random permutation.
func barabasiAlbert(rng *rand.Rand, d, k int) ([][2]int, []int) {
	indeg := make([]float64, d)
	chosen := make([]bool, d)
	var edges [][2]int
	for t := 1; t < d; t++ {
		m := min(k, t)
		var picks []int
		for len(picks) < m {
			total := 0.0
			for v := 0; v < t; v++ {
				if !chosen[v] {
					total += indeg[v] + 1
				}
			}
			u := rng.Float64() * total
			pick := -1
			for v := 0; v < t; v++ {
				if chosen[v] {
					continue
				}
				pick = v
				if u -= indeg[v] + 1; u < 0 {
					break
				}
			}
			chosen[pick] = true
			picks = append(picks, pick)
		}
		for _, v := range picks {
			chosen[v] = false
			indeg[v]++
			edges = append(edges, [2]int{t, v})
		}
	}
	perm := rng.Perm(d)
	for i := range edges {
		edges[i] = [2]int{perm[edges[i][0]], perm[edges[i][1]]}
	}
	// newer nodes are ancestors: arrival order reversed is topological.
	order := make([]int, d)
	for t := 0; t < d; t++ {
		order[t] = perm[d-1-t]
	}
	return edges, order
}
