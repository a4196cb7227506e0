package completion

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/kkt-go/kkt/solver"

	"gonum.org/v1/gonum/mat"
)

// ALSSettings configures ALS, the regularised alternating least squares
// with biases for ratings data. Zero values mean: rank 10, λ = 0.1, 15
// iterations, seed 1, GOMAXPROCS workers.
type ALSSettings struct {
	Rank   int
	Lambda float64 // weighted-λ ridge: row i's factor is penalised by λ·|Ω_i|·‖u_i‖²
	// BiasLambda penalises the bias: BiasLambda·|Ω_i|·b_i² (default: Lambda).
	BiasLambda float64
	MaxIter    int
	Seed       uint64
	Workers    int
	// Recorder, if set, is called after each iteration with the model;
	// returning false stops.
	Recorder solver.Recorder[ALSIteration]
}

// ALSIteration is what ALS's Recorder sees after an iteration.
type ALSIteration struct {
	Iter  int
	Model *ALSModel // the current model (shared: do not retain or modify)
}

// ALSModel predicts r_ij ≈ μ + b_i + c_j + u_iᵀv_j.
type ALSModel struct {
	Mu         float64
	RowBias    []float64  // b_i
	ColBias    []float64  // c_j
	U, V       *mat.Dense // m×k and n×k factors
	Iterations int
}

// Predict returns the model's value for entry (i, j).
func (m *ALSModel) Predict(i, j int) float64 {
	return m.Mu + m.RowBias[i] + m.ColBias[j] + mat.Dot(m.U.RowView(i), m.V.RowView(j))
}

// RMSE returns the root-mean-square prediction error on o. Predictions are
// clipped to [lo, hi] when lo < hi (e.g. 1 and 5 for star ratings).
func (m *ALSModel) RMSE(o *Observations, lo, hi float64) float64 {
	var s float64
	rows, cols, vals := o.Triplets()
	for q := range vals {
		p := m.Predict(rows[q], cols[q])
		if lo < hi {
			p = math.Min(hi, math.Max(lo, p))
		}
		d := p - vals[q]
		s += d * d
	}
	return math.Sqrt(s / float64(len(vals)))
}

// ALS fits the biased factor model to the observed ratings by alternating
// exact ridge regressions (Koren, Bell and Volinsky 2009; Zhou et al. 2008
// for the weighted-λ regularisation). Each half-step solves, for every row i,
//
//	min_{u_i, b_i} Σ_{j∈Ω_i} (r_ij − μ − c_j − b_i − u_iᵀv_j)² + |Ω_i|(λ‖u_i‖² + λ_b b_i²)
//
// with a (k+1)×(k+1) Cholesky factorization, rows in parallel.
func ALS(ctx context.Context, obs *Observations, s ALSSettings) (*ALSModel, error) {
	if s.Rank == 0 {
		s.Rank = 10
	}
	if s.Lambda == 0 {
		s.Lambda = 0.1
	}
	if s.MaxIter <= 0 {
		s.MaxIter = 15
	}
	if s.BiasLambda == 0 {
		s.BiasLambda = s.Lambda
	}
	if s.Seed == 0 {
		s.Seed = 1
	}
	if s.Workers <= 0 {
		s.Workers = runtime.GOMAXPROCS(0)
	}
	m, n := obs.Dims()
	k := s.Rank
	if k < 1 || k > min(m, n) {
		return nil, fmt.Errorf("completion: rank %d out of range [1, %d]", k, min(m, n))
	}
	if s.Lambda < 0 {
		return nil, fmt.Errorf("completion: negative λ = %v", s.Lambda)
	}
	var mu float64
	for _, v := range obs.rowVal {
		mu += v
	}
	mu /= float64(obs.Len())
	rng := rand.New(rand.NewPCG(s.Seed, 0x616c73))
	// Factors are stored augmented: row i of A holds (u_i, b_i) and the fixed
	// side is used as (v_j, 1) with the bias c_j moved to the target.
	k1 := k + 1
	A := make([]float64, m*k1)
	B := make([]float64, n*k1)
	for i := range B {
		B[i] = 0.1 * rng.NormFloat64()
	}
	model := &ALSModel{Mu: mu}
	for it := 1; it <= s.MaxIter; it++ {
		alsHalf(obs, false, B, A, k, mu, s.Lambda, s.BiasLambda, s.Workers)
		alsHalf(obs, true, A, B, k, mu, s.Lambda, s.BiasLambda, s.Workers)
		model.fill(A, B, m, n, k)
		model.Iterations = it
		if s.Recorder != nil && !s.Recorder(ALSIteration{Iter: it, Model: model}) {
			break
		}
		if ctx != nil && ctx.Err() != nil {
			return model, ctx.Err()
		}
	}
	return model, nil
}

func (model *ALSModel) fill(A, B []float64, m, n, k int) {
	k1 := k + 1
	U := mat.NewDense(m, k, nil)
	V := mat.NewDense(n, k, nil)
	model.RowBias = make([]float64, m)
	model.ColBias = make([]float64, n)
	for i := 0; i < m; i++ {
		U.SetRow(i, A[i*k1:i*k1+k])
		model.RowBias[i] = A[i*k1+k]
	}
	for j := 0; j < n; j++ {
		V.SetRow(j, B[j*k1:j*k1+k])
		model.ColBias[j] = B[j*k1+k]
	}
	model.U, model.V = U, V
}

// alsHalf updates the augmented factor out given in. byCol selects whether
// out is indexed by columns of obs (items) or rows (users).
func alsHalf(obs *Observations, byCol bool, in, out []float64, k int, mu, lambda, lambdaB float64, workers int) {
	k1 := k + 1
	nOut := len(out) / k1
	forChunks(nOut, workers, func(_, lo, hi int) {
		g := make([]float64, k1*k1)
		rhs := make([]float64, k1)
		feat := make([]float64, k1)
		for r := lo; r < hi; r++ {
			var idx []int
			var vals []float64
			if byCol {
				idx, vals = obs.Col(r)
			} else {
				idx, vals = obs.Row(r)
			}
			x := out[r*k1 : r*k1+k1]
			if len(idx) == 0 {
				clear(x)
				continue
			}
			clear(g)
			clear(rhs)
			for q, o := range idx {
				f := in[o*k1 : o*k1+k1]
				copy(feat, f[:k])
				feat[k] = 1
				y := vals[q] - mu - f[k] // the other side's bias moves to the target
				for a := 0; a < k1; a++ {
					rhs[a] += y * feat[a]
					for b := 0; b <= a; b++ {
						g[a*k1+b] += feat[a] * feat[b]
					}
				}
			}
			reg := lambda * float64(len(idx))
			for a := 0; a < k; a++ {
				g[a*k1+a] += reg
			}
			g[k*k1+k] += lambdaB * float64(len(idx))
			if !cholesky(g, k1) {
				clear(x)
				continue
			}
			copy(x, rhs)
			cholSolve(g, k1, x)
		}
	})
}
