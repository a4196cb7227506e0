package sor

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// ChebCB is the contextual bandit of learners/ChebCB.m (Khodak et al.,
// Thm 3.2): a SquareCB-style inverse-gap-weighting policy over a grid of ω
// whose per-arm loss predictions are degree-(m−1) Chebyshev regressions in a
// scalar context c ∈ [Lo, Hi] (Context[0] of each instance).
//
// Features: φ(c) = (T_0(x), …, T_{m−1}(x)) with x = 2(c − Lo)/(Hi − Lo) − 1.
// After each round, with K the largest loss so far, L = (max − min loss)/(Hi−Lo)
// and N = 2 + 4(Hi−Lo)L/K·(1 + ln m), the scale is S = K·N, and arm i's
// coefficients θ_i solve the least-squares problem
//
//	min ‖Φ_i θ − (ℓ_i − 1)/S‖²
//
// over the rounds where arm i was played (minimum-norm solution); if some
// |θ_ij| exceeds the box u = (1/N, 2(Hi−Lo)L/(S·j), j = 1…m−1) the problem is
// re-solved with the box constraint −u ≤ θ ≤ u (MATLAB lsqlin; here exact
// coordinate descent, which converges for this convex quadratic). All arms
// are refitted when S changes, otherwise only the played arm. Each arm keeps
// the sufficient statistics ΦᵀΦ, Φᵀ(ℓ−1) and Σ(ℓ−1)², so a refit costs O(m³).
//
// Action rule: ŷ_i = θ_i·φ(c), i* = argmin ŷ (first on ties),
// p_i = 1/(d + η(ŷ_i − ŷ*)) for i ≠ i*, p_{i*} = 1 − Σ_{i≠i*} p_i, with
// η_t = 2t √(d t / (R − ρ + 2α²t)), where R = Σ_s (ŷ_s − ℓ_s/S)² over past
// predictions of the played arms, ρ the residual norm of the last box solve
// of this round (0 if none), and α = (π + (2/π) ln(2m+1))/(2S(m+1))·(Hi−Lo)·L.
// When R − ρ + 2α²t ≤ 0 (MATLAB would produce a complex η) η keeps its
// previous value.
type ChebCB struct {
	Grid   []float64
	M      int
	Lo, Hi float64
	Rand   *rand.Rand

	d, t           int
	theta          [][]float64
	gram           [][]float64 // per arm, m×m row-major
	rhs            [][]float64 // per arm Σ φ (ℓ−1)
	yy             []float64   // per arm Σ (ℓ−1)²
	count          []int
	eta            float64
	scale          float64
	kmax, kmin     float64
	sumP2, sumPL   float64
	sumL2          float64
	phi, yhat, p   []float64
	idx            int
	pred           float64
	tmpV, tmpTheta []float64
}

// NewChebCB returns ChebCB over grid (nil: DefaultGrid) with m Chebyshev
// features (the paper uses m = 6) on the context interval [lo, hi].
func NewChebCB(grid []float64, m int, lo, hi float64, rng *rand.Rand) *ChebCB {
	if grid == nil {
		grid = DefaultGrid()
	}
	checkGrid(grid)
	if m < 1 || !(hi > lo) {
		panic("sor: NewChebCB: need m ≥ 1 and hi > lo")
	}
	d := len(grid)
	c := &ChebCB{Grid: grid, M: m, Lo: lo, Hi: hi, Rand: rng, d: d, t: 1,
		theta: make([][]float64, d), gram: make([][]float64, d), rhs: make([][]float64, d),
		yy: make([]float64, d), count: make([]int, d),
		phi: make([]float64, m), yhat: make([]float64, d), p: make([]float64, d),
		kmax: math.Inf(-1), kmin: math.Inf(1),
		tmpV: make([]float64, m), tmpTheta: make([]float64, m)}
	for i := range c.theta {
		c.theta[i] = make([]float64, m)
		c.gram[i] = make([]float64, m*m)
		c.rhs[i] = make([]float64, m)
	}
	return c
}

// chebFeatures sets phi = (T_0(x), …, T_{m−1}(x)).
func chebFeatures(phi []float64, x float64) {
	for j := range phi {
		switch j {
		case 0:
			phi[j] = 1
		case 1:
			phi[j] = x
		default:
			phi[j] = 2*x*phi[j-1] - phi[j-2]
		}
	}
}

// Omega draws an arm by inverse-gap weighting of the regression predictions.
func (c *ChebCB) Omega(in *Instance) (float64, error) {
	ctx, err := context1(in)
	if err != nil {
		return 0, err
	}
	chebFeatures(c.phi, 2/(c.Hi-c.Lo)*(ctx-c.Lo)-1)
	star := 0
	for i, th := range c.theta {
		c.yhat[i] = dot(th, c.phi)
		if c.yhat[i] < c.yhat[star] {
			star = i
		}
	}
	var rest float64
	for i := range c.p {
		if i != star {
			c.p[i] = 1 / (float64(c.d) + c.eta*(c.yhat[i]-c.yhat[star]))
			rest += c.p[i]
		}
	}
	c.p[star] = 1 - rest
	c.idx = sample(c.Rand, c.p)
	if c.idx < 0 {
		c.idx = c.Rand.IntN(c.d)
	}
	c.pred = c.yhat[c.idx]
	return c.Grid[c.idx], nil
}

// Observe records the loss and refits the regressions.
func (c *ChebCB) Observe(iterations int) {
	loss := float64(iterations)
	m := c.M
	// Sufficient statistics of the played arm.
	g, r := c.gram[c.idx], c.rhs[c.idx]
	for j := 0; j < m; j++ {
		for k := 0; k < m; k++ {
			g[j*m+k] += c.phi[j] * c.phi[k]
		}
		r[j] += c.phi[j] * (loss - 1)
	}
	c.yy[c.idx] += (loss - 1) * (loss - 1)
	c.count[c.idx]++
	c.sumP2 += c.pred * c.pred
	c.sumPL += c.pred * loss
	c.sumL2 += loss * loss
	c.kmax, c.kmin = math.Max(c.kmax, loss), math.Min(c.kmin, loss)

	bma := c.Hi - c.Lo
	K := c.kmax
	L := (c.kmax - c.kmin) / bma
	N := 2 + 4*bma*L/K*(1+math.Log(float64(m)))
	update := c.scale != K*N
	c.scale = K * N
	ub := c.tmpV
	ub[0] = 1 / N
	for j := 1; j < m; j++ {
		ub[j] = 2 * bma * L / c.scale / float64(j)
	}
	resnorm := 0.0
	for i := 0; i < c.d; i++ {
		if !(update || i == c.idx) || c.count[i] == 0 {
			continue
		}
		th := c.theta[i]
		c.minNorm(th, c.gram[i], c.rhs[i], 1/c.scale)
		out := false
		for j, v := range th {
			if math.Abs(v) > ub[j] {
				out = true
			}
		}
		if out {
			resnorm = boxLS(th, c.gram[i], c.rhs[i], c.yy[i], 1/c.scale, ub, m)
		}
	}
	alpha := (math.Pi + 2/math.Pi*math.Log(2*float64(m)+1)) / (2 * c.scale * float64(m+1)) * bma * L
	R := c.sumP2 - 2*c.sumPL/c.scale + c.sumL2/(c.scale*c.scale)
	t := float64(c.t)
	den := R - resnorm + 2*alpha*alpha*t
	if den > 0 && !math.IsInf(den, 0) {
		c.eta = 2 * t * math.Sqrt(float64(c.d)*t/den)
	}
	c.t++
}

// minNorm sets th to the minimum-norm solution of G θ = s·h, G = ΦᵀΦ.
func (c *ChebCB) minNorm(th, g, h []float64, s float64) {
	v := c.tmpTheta
	for j := range v {
		v[j] = s * h[j]
	}
	pinvSolve(th, g, v, c.M)
}

// pinvSolve sets x = G⁺ v for the symmetric positive semidefinite k×k matrix
// G (row-major) by its eigendecomposition; eigenvalues below 1e-12·λ_max
// count as zero, the Gram-matrix analogue of lsqminnorm's rank tolerance.
func pinvSolve(x, g, v []float64, k int) {
	clear(x[:k])
	sym := mat.NewSymDense(k, nil)
	for j := 0; j < k; j++ {
		for l := j; l < k; l++ {
			sym.SetSym(j, l, g[j*k+l])
		}
	}
	var es mat.EigenSym
	if !es.Factorize(sym, true) {
		return
	}
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	lmax := vals[k-1]
	if !(lmax > 0) {
		return
	}
	for e := 0; e < k; e++ {
		if vals[e] <= 1e-12*lmax {
			continue
		}
		var proj float64
		for j := 0; j < k; j++ {
			proj += vecs.At(j, e) * v[j]
		}
		proj /= vals[e]
		for j := 0; j < k; j++ {
			x[j] += proj * vecs.At(j, e)
		}
	}
}

// boxLS minimises ‖Φθ − s·y‖² over −ub ≤ θ ≤ ub, i.e. the convex quadratic
// ½θᵀGθ − s·hᵀθ, by a primal active-set method started from the
// projection of the incoming θ (each subproblem over the free variables is
// solved in the minimum-norm sense), and returns the residual norm
// ‖Φθ − s·y‖² = θᵀGθ − 2s·hᵀθ + s²·yy.
func boxLS(th, g, h []float64, yy, s float64, ub []float64, m int) float64 {
	const (
		free = iota
		atLo
		atHi
	)
	state := make([]int, m)
	for j := range th {
		switch {
		case th[j] <= -ub[j]:
			th[j], state[j] = -ub[j], atLo
		case th[j] >= ub[j]:
			th[j], state[j] = ub[j], atHi
		}
	}
	grad := make([]float64, m)
	idx := make([]int, 0, m)
	sub := make([]float64, m*m)
	rhs := make([]float64, m)
	z := make([]float64, m)
	for iter := 0; iter < 50*m; iter++ {
		idx = idx[:0]
		for j, st := range state {
			if st == free {
				idx = append(idx, j)
			}
		}
		k := len(idx)
		if k > 0 {
			// G_FF z = s h_F − G_FB θ_B.
			for a, j := range idx {
				r := s * h[j]
				for l := 0; l < m; l++ {
					if state[l] != free {
						r -= g[j*m+l] * th[l]
					}
				}
				rhs[a] = r
				for b, l := range idx {
					sub[a*k+b] = g[j*m+l]
				}
			}
			pinvSolve(z, sub, rhs, k)
			// Step from θ_F towards z, stopping at the first bound.
			alpha, hit := 1.0, -1
			for a, j := range idx {
				d := z[a] - th[j]
				if d > 0 && th[j]+d > ub[j] {
					if t := (ub[j] - th[j]) / d; t < alpha {
						alpha, hit = t, a
					}
				} else if d < 0 && th[j]+d < -ub[j] {
					if t := (-ub[j] - th[j]) / d; t < alpha {
						alpha, hit = t, a
					}
				}
			}
			for a, j := range idx {
				th[j] += alpha * (z[a] - th[j])
			}
			if hit >= 0 {
				j := idx[hit]
				if z[hit] > th[j] || th[j] >= ub[j] {
					th[j], state[j] = ub[j], atHi
				} else {
					th[j], state[j] = -ub[j], atLo
				}
				continue
			}
		}
		// Subproblem optimum is feasible: check the multipliers.
		worst, wj := 1e-14, -1
		for j := 0; j < m; j++ {
			gj := -s * h[j]
			for l := 0; l < m; l++ {
				gj += g[j*m+l] * th[l]
			}
			grad[j] = gj
			var viol float64
			switch state[j] {
			case atLo:
				viol = -gj
			case atHi:
				viol = gj
			}
			if viol > worst {
				worst, wj = viol, j
			}
		}
		if wj < 0 {
			break
		}
		state[wj] = free
	}
	var quad, lin float64
	for j := 0; j < m; j++ {
		for k := 0; k < m; k++ {
			quad += th[j] * g[j*m+k] * th[k]
		}
		lin += th[j] * h[j]
	}
	return math.Max(0, quad-2*s*lin+s*s*yy)
}
