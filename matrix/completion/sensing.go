package completion

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Sensing is a matrix sensing problem: recover M* (d1×d2) from the L linear
// measurements y_l = ⟨A_l, M*⟩ (+ corruption), where the A_l have i.i.d.
// N(0, 1/L) entries, so the measurement operator is near-isotropic.
type Sensing struct {
	D1, D2 int
	A      [][]float64 // L matrices, row-major d1·d2 each
	Y      []float64
	Truth  *mat.Dense // M*, for error reports
}

// NewSensing draws L Gaussian measurements of truth. A fraction outliers of
// the measurements (chosen at random) is replaced by N(0, scale²) noise with
// scale 10·‖M*‖_F/√L, the gross corruption model of robust recovery.
func NewSensing(rng *rand.Rand, truth *mat.Dense, L int, outliers float64) *Sensing {
	d1, d2 := truth.Dims()
	s := &Sensing{D1: d1, D2: d2, A: make([][]float64, L), Y: make([]float64, L), Truth: truth}
	sd := 1 / math.Sqrt(float64(L))
	t := truth.RawMatrix()
	for l := range s.A {
		a := make([]float64, d1*d2)
		var y float64
		for i := 0; i < d1; i++ {
			for j := 0; j < d2; j++ {
				v := sd * rng.NormFloat64()
				a[i*d2+j] = v
				y += v * t.Data[i*t.Stride+j]
			}
		}
		s.A[l], s.Y[l] = a, y
	}
	scale := 10 * mat.Norm(truth, 2) * sd
	for l := range s.Y {
		if rng.Float64() < outliers {
			s.Y[l] = scale * rng.NormFloat64()
		}
	}
	return s
}

// residuals sets res_l = ⟨A_l, P⟩ − y_l for P = F·Gᵀ (row-major d1×d2 in p).
func (s *Sensing) residuals(res, p []float64) {
	for l, a := range s.A {
		var v float64
		for q, x := range a {
			v += x * p[q]
		}
		res[l] = v - s.Y[l]
	}
}

// backProject sets W = Σ_l w_l A_l (row-major).
func (s *Sensing) backProject(W, w []float64) {
	clear(W)
	for l, a := range s.A {
		c := w[l]
		for q, x := range a {
			W[q] += c * x
		}
	}
}

// SensingSettings configures SensingGD and RobustSubGM.
type SensingSettings struct {
	Rank      int     // factor width k (over-parameterized when k > rank(M*))
	Step      float64 // step size η (SubGM: initial step)
	Init      float64 // initialization scale α: factors start with N(0, α²/…) entries
	Iters     int
	Symmetric bool // X·Xᵀ parameterization (requires d1 = d2)
	// OneStepAt > 0 applies, once at that iteration, the rebalancing
	// F ← F·(FᵀF)^{-1/2}, G ← G·(FᵀF)^{1/2} (product unchanged). See SensingGD.
	OneStepAt int
	Decay     float64 // SubGM: geometric step decay ρ (η_t = η·ρ^t); default 0.99
	Seed      uint64
}

// SensingGD runs gradient descent on (1/2)Σ_l (⟨A_l, F·Gᵀ⟩ − y_l)² with
// factors F (d1×k), G (d2×k) started at scale α (F = G = X for the
// symmetric parameterization, where the loss is taken on X·Xᵀ). It returns
// the relative error ‖F·Gᵀ − M*‖_F/‖M*‖_F after each iteration.
//
// Xiong, Ding and Du (ICLR 2024) show that with k > r the symmetric
// parameterization converges only at rate Ω(1/T²), the asymmetric one
// linearly at rate exp(−Ω(α²T)), and that modifying a single step removes the
// dependence on α. Their paper's exact modified step was not available to
// us; OneStepAt implements our reconstruction of it: once the signal is fit,
// the latent directions not used by M* leave F at scale α while G's decay
// at a rate ∝ ‖F‖² ≈ α²; the rebalancing F ← F(FᵀF)^{-1/2},
// G ← G(FᵀF)^{1/2} keeps F·Gᵀ and lifts those directions of F to unit
// scale, after which the decay rate no longer depends on α.
func SensingGD(s *Sensing, set SensingSettings) ([]float64, error) {
	k := set.Rank
	if set.Symmetric && s.D1 != s.D2 {
		return nil, fmt.Errorf("completion: symmetric sensing needs a square matrix, have %d×%d", s.D1, s.D2)
	}
	if k < 1 || set.Step <= 0 || set.Init <= 0 || set.Iters < 1 {
		return nil, fmt.Errorf("completion: SensingGD needs Rank, Step, Init and Iters > 0")
	}
	rng := rand.New(rand.NewPCG(set.Seed, 0x73656e7365))
	d1, d2 := s.D1, s.D2
	F := randFactor(rng, d1, k, set.Init)
	G := F
	if !set.Symmetric {
		G = randFactor(rng, d2, k, set.Init)
	}
	res := make([]float64, len(s.Y))
	W := mat.NewDense(d1, d2, nil)
	P := mat.NewDense(d1, d2, nil)
	var gF, gG mat.Dense
	hist := make([]float64, 0, set.Iters)
	for t := 1; t <= set.Iters; t++ {
		P.Mul(F, G.T())
		s.residuals(res, P.RawMatrix().Data)
		s.backProject(W.RawMatrix().Data, res)
		if set.Symmetric {
			// ∇_X = (W + Wᵀ)·X.
			var sym mat.Dense
			sym.Add(W, W.T())
			gF.Mul(&sym, F)
			F.Sub(F, scaled(set.Step, &gF))
			G = F
		} else {
			gF.Mul(W, G)
			gG.Mul(W.T(), F)
			F.Sub(F, scaled(set.Step, &gF))
			G.Sub(G, scaled(set.Step, &gG))
		}
		if t == set.OneStepAt && !set.Symmetric {
			if err := rebalance(F, G); err != nil {
				return hist, err
			}
		}
		P.Mul(F, G.T())
		e := relDiff(P, s.Truth)
		if math.IsNaN(e) || math.IsInf(e, 0) {
			return hist, fmt.Errorf("completion: SensingGD diverged at iteration %d (step too large?)", t)
		}
		hist = append(hist, e)
	}
	return hist, nil
}

// RobustSubGM runs the sub-gradient method on the ℓ1 loss
// (1/L)·Σ_l |⟨A_l, X·Xᵀ⟩ − y_l| (symmetric, PSD truth) from a small random
// initialization of scale α with geometrically decaying steps
// η_t = η·ρ^t, normalised as in Ma and Fattahi by the loss value
// (Polyak-like scaling). It returns the relative error after each iteration.
func RobustSubGM(s *Sensing, set SensingSettings) ([]float64, error) {
	if s.D1 != s.D2 {
		return nil, fmt.Errorf("completion: RobustSubGM needs a square matrix")
	}
	if set.Rank < 1 || set.Step <= 0 || set.Init <= 0 || set.Iters < 1 {
		return nil, fmt.Errorf("completion: RobustSubGM needs Rank, Step, Init and Iters > 0")
	}
	rho := set.Decay
	if rho == 0 {
		rho = 0.99
	}
	rng := rand.New(rand.NewPCG(set.Seed, 0x7375626d))
	d := s.D1
	X := randFactor(rng, d, set.Rank, set.Init)
	res := make([]float64, len(s.Y))
	sgn := make([]float64, len(s.Y))
	W := mat.NewDense(d, d, nil)
	P := mat.NewDense(d, d, nil)
	var g, sym mat.Dense
	hist := make([]float64, 0, set.Iters)
	step := set.Step
	for t := 1; t <= set.Iters; t++ {
		P.Mul(X, X.T())
		s.residuals(res, P.RawMatrix().Data)
		for l, r := range res {
			switch {
			case r > 0:
				sgn[l] = 1
			case r < 0:
				sgn[l] = -1
			default:
				sgn[l] = 0
			}
		}
		s.backProject(W.RawMatrix().Data, sgn)
		sym.Add(W, W.T())
		g.Mul(&sym, X)
		// Normalise the direction: the sub-gradient's size does not shrink
		// near the solution, so the decaying step alone sets the scale.
		gn := mat.Norm(&g, 2)
		if gn == 0 {
			break
		}
		X.Sub(X, scaled(step/gn, &g))
		step *= rho
		P.Mul(X, X.T())
		e := relDiff(P, s.Truth)
		if math.IsNaN(e) || math.IsInf(e, 0) {
			return hist, fmt.Errorf("completion: RobustSubGM diverged at iteration %d", t)
		}
		hist = append(hist, e)
	}
	return hist, nil
}

func randFactor(rng *rand.Rand, d, k int, alpha float64) *mat.Dense {
	m := mat.NewDense(d, k, nil)
	raw := m.RawMatrix().Data
	sd := alpha / math.Sqrt(float64(d))
	for i := range raw {
		raw[i] = sd * rng.NormFloat64()
	}
	return m
}

func scaled(c float64, a *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.Scale(c, a)
	return &out
}

func relDiff(a, b *mat.Dense) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, 2) / mat.Norm(b, 2)
}

// rebalance applies F ← F·(FᵀF)^{-1/2}, G ← G·(FᵀF)^{1/2} in place.
func rebalance(F, G *mat.Dense) error {
	var ftf mat.SymDense
	ftf.SymOuterK(1, F.T())
	var eig mat.EigenSym
	if !eig.Factorize(&ftf, true) {
		return fmt.Errorf("completion: rebalancing: eigendecomposition failed")
	}
	vals := eig.Values(nil)
	var Q mat.Dense
	eig.VectorsTo(&Q)
	k := len(vals)
	half := mat.NewDense(k, k, nil)
	inv := mat.NewDense(k, k, nil)
	for i, v := range vals {
		if !(v > 0) {
			return fmt.Errorf("completion: rebalancing: FᵀF is singular")
		}
		for a := 0; a < k; a++ {
			for b := 0; b < k; b++ {
				q := Q.At(a, i) * Q.At(b, i)
				half.Set(a, b, half.At(a, b)+math.Sqrt(v)*q)
				inv.Set(a, b, inv.At(a, b)+q/math.Sqrt(v))
			}
		}
	}
	var f2, g2 mat.Dense
	f2.Mul(F, inv)
	g2.Mul(G, half)
	F.Copy(&f2)
	G.Copy(&g2)
	return nil
}

// LowRankPSD returns X·Xᵀ for a d×r Gaussian X scaled so that ‖M‖_F = 1,
// and a general rank-r d1×d2 matrix when d2 > 0 is given via LowRank.
func LowRankPSD(rng *rand.Rand, d, r int) *mat.Dense {
	X := randFactor(rng, d, r, 1)
	var m mat.Dense
	m.Mul(X, X.T())
	m.Scale(1/mat.Norm(&m, 2), &m)
	return &m
}
