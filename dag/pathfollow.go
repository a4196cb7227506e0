package dag

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/kkt-go/kkt/solver"
	"gonum.org/v1/gonum/mat"
)

// Status reports how a fit ended: the shared solver.Status (String gives
// its names: "Converged", "MaxIterations", ...). Its zero value is
// NotTerminated, so a Result whose Status was never set does not read as a
// success.
type Status = solver.Status

// The statuses Fit and TOPO return (solver.Status values).
const (
	// NotTerminated: the zero value; no fit returns it.
	NotTerminated = solver.NotTerminated
	// Converged: the last stage met the relative objective test (path
	// methods) or no swap improves the score (TOPO).
	Converged = solver.Converged
	// MaxIterations: the iteration budget ran out first. The estimate is
	// still returned (the reference code does the same).
	MaxIterations = solver.MaxIterations
	// NumericalFailure: NaN/Inf appeared, or the domain could not be restored.
	NumericalFailure = solver.NumericalFailure
	// Canceled: the context was cancelled or the Recorder asked to stop.
	Canceled = solver.Canceled
)

// Method selects the score minimised by the path-following solver.
type Method int

const (
	// DAGMA: least squares ½tr((I−W)ᵀC(I−W)) + λ‖W‖₁ (Bello et al. 2022).
	DAGMA Method = iota
	// CoLiDEEV: CoLiDE with one noise scale σ (Saboksayr et al. 2024).
	CoLiDEEV
	// CoLiDENV: CoLiDE with one noise scale per node.
	CoLiDENV
	// TopoSwap: TOPO's topological swap search (set by TOPO; not a Fit method).
	TopoSwap
)

func (m Method) String() string {
	switch m {
	case CoLiDEEV:
		return "colide-ev"
	case CoLiDENV:
		return "colide-nv"
	case TopoSwap:
		return "topo"
	}
	return "dagma"
}

// Settings configures DAGMA and CoLiDE. The zero value of every field selects
// the documented default. Defaults for CoLiDE are those of the authors'
// main.py (the paper's §4.1): λ = 0.05, T = 4, s = [1, .9, .8, .7], 2·10⁴ warm
// and 7·10⁴ final Adam steps. Defaults for DAGMA are DagmaLinear.fit's: T = 5,
// s = [1, .9, .8, .7, .6], 3·10⁴ and 6·10⁴ steps, with λ = 0.05 (the value
// CoLiDE's comparison uses). Both use μ₀ = 1, μ factor 0.1, learning rate
// 3·10⁻⁴, Adam β = (0.99, 0.999), checkpoint 1000, tolerance 10⁻⁶.
type Settings struct {
	Lambda     float64   // ℓ1 weight λ (> 0; 0 → 0.05)
	T          int       // number of central-path stages
	S          []float64 // log-det parameter s_t of each stage (the last is repeated)
	MuInit     float64   // μ₀
	MuFactor   float64   // μ_{t+1} = μ_t·MuFactor
	WarmIter   int       // Adam steps of stages 0..T−2
	MaxIter    int       // Adam steps of the last stage
	LR         float64   // Adam learning rate
	Beta1      float64   // Adam β₁
	Beta2      float64   // Adam β₂
	Checkpoint int       // objective test every Checkpoint steps
	// Tol: a stage stops when |F_prev − F|/|F_prev| ≤ Tol at a checkpoint.
	Tol float64
	// DomainTol: W leaves the log-det domain when some entry of
	// (sI − W∘W)^{−1} + 1e−16 is < −DomainTol. Default 1e−6 for CoLiDE (its
	// code) and 0 for DAGMA (its code); a negative value means 0.
	DomainTol float64
	// Threshold for the final DAG (|w| ≤ Threshold → 0, then pruning). 0 → 0.3.
	Threshold float64
	// WInit is a starting W (CoLiDE-NV's w_init); nil means W₀ = 0.
	WInit *mat.Dense
	// Recorder, when not nil, is called at every checkpoint with the stage,
	// the step within the stage and the objective F; returning false stops
	// with Canceled.
	Recorder solver.Recorder[Iteration]
	// Workers: 0 chooses (two goroutines per Adam step when d ≥ 128 and
	// GOMAXPROCS > 1, one otherwise); 1 runs one goroutine; any other value
	// two (the step has two independent halves; more are not used). The
	// iterates are bit-for-bit the same in every case.
	Workers int
}

// Iteration is what a path method's Recorder sees at a checkpoint.
type Iteration struct {
	Stage     int     // stage of the central path (0-based)
	Iter      int     // Adam step within the stage
	Objective float64 // the method's objective F at the checkpoint
}

// Result is the outcome of DAGMA, CoLiDE or TOPO.
type Result struct {
	Method Method
	// W is the continuous estimate (before thresholding).
	W *mat.Dense
	// B is W thresholded and pruned to a DAG (always acyclic).
	B *mat.Dense
	// Sigma: CoLiDE-EV one value, CoLiDE-NV d values, nil otherwise.
	Sigma []float64
	// Score: the method's smooth score at W (LS for DAGMA and TOPO, S_EV or
	// S_NV for CoLiDE), without the ℓ1 term.
	Score float64
	// H is h_s(W) at the last stage's s (path methods).
	H      float64
	Status Status
	// Stats: Iterations is the total number of Adam steps (path methods) or
	// outer iterations (TOPO); Time the wall time.
	solver.Stats
	Retries    int // stage restarts after leaving the log-det domain
	Backtracks int // Adam steps undone and retried with half the learning rate
	Pruned     int // edges removed by ToDAG after thresholding
}

func (s *Settings) defaults(m Method) Settings {
	o := *s
	if o.Lambda <= 0 {
		o.Lambda = 0.05
	}
	colide := m != DAGMA
	if o.T <= 0 {
		o.T = 5
		if colide {
			o.T = 4
		}
	}
	if len(o.S) == 0 {
		o.S = []float64{1, .9, .8, .7, .6}
		if colide {
			o.S = []float64{1, .9, .8, .7}
		}
	}
	// copy and pad: the retry rule changes s_t, and the caller's slice is not ours.
	ss := make([]float64, o.T)
	for i := range ss {
		ss[i] = o.S[min(i, len(o.S)-1)]
	}
	o.S = ss
	if o.MuInit <= 0 {
		o.MuInit = 1
	}
	if o.MuFactor <= 0 {
		o.MuFactor = 0.1
	}
	if o.WarmIter <= 0 {
		o.WarmIter = 30000
		if colide {
			o.WarmIter = 20000
		}
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 60000
		if colide {
			o.MaxIter = 70000
		}
	}
	if o.LR <= 0 {
		o.LR = 3e-4
	}
	if o.Beta1 <= 0 {
		o.Beta1 = 0.99
	}
	if o.Beta2 <= 0 {
		o.Beta2 = 0.999
	}
	if o.Checkpoint <= 0 {
		o.Checkpoint = 1000
	}
	if o.Tol <= 0 {
		o.Tol = 1e-6
	}
	if o.DomainTol == 0 && colide {
		o.DomainTol = 1e-6
	}
	if o.DomainTol < 0 {
		o.DomainTol = 0
	}
	if o.Threshold <= 0 {
		o.Threshold = 0.3
	}
	return o
}

// ErrData reports unusable input data.
var ErrData = errors.New("dag: unusable data")

// checkData validates X (n×d, finite, n ≥ 2, d ≥ 1).
func checkData(X mat.Matrix) error {
	n, d := X.Dims()
	if n < 2 || d < 1 {
		return fmt.Errorf("%w: need at least 2 samples and 1 variable, got %d×%d", ErrData, n, d)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			if v := X.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: X[%d,%d] = %v", ErrData, i, j, v)
			}
		}
	}
	return nil
}

// Fit runs the DAGMA path-following solver on the score of method m:
// for t = 0..T−1 it minimises F_t(W) = μ_t·(S(W) + λ‖W‖₁) + h_{s_t}(W) by Adam
// from the previous stage's W, with μ_{t+1} = μ_t·MuFactor. For CoLiDE the
// noise scales are updated in closed form after every Adam step (block
// coordinate descent: exact minimisation in σ). When an Adam step leaves the
// log-det domain the step is undone and the learning rate halved (retry rule
// of the reference code); a stage that cannot be continued (domain left at its
// first step, or with s_t ≤ 0.9) restarts with s_t += 0.1 and half the
// learning rate. X is n×d with one column per variable; it is centred
// internally and not modified.
func Fit(ctx context.Context, X mat.Matrix, m Method, set Settings) (*Result, error) {
	t0 := time.Now()
	if err := checkData(X); err != nil {
		return nil, err
	}
	s := set.defaults(m)
	n, d := X.Dims()
	Xc := mat.DenseCopyOf(X)
	centre(Xc)
	ws := newPathWork(Xc, m, s)
	if s.WInit != nil {
		if r, c := s.WInit.Dims(); r != d || c != d {
			panic("dag: Settings.WInit dimension mismatch")
		}
		copy(ws.west, s.WInit.RawMatrix().Data) // RawMatrix of a d×d Dense has stride d
		if s.WInit.RawMatrix().Stride != d {
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					ws.west[i*d+j] = s.WInit.At(i, j)
				}
			}
		}
	}
	// initial noise scales (reference code)
	raw := Xc.RawMatrix()
	colRMS := make([]float64, d)
	if m == CoLiDENV && s.WInit != nil {
		copy(ws.w, ws.west)
		ws.mulCW()
		ws.residDiag(colRMS)
		for j := range colRMS {
			colRMS[j] = math.Sqrt(colRMS[j])
		}
	} else {
		for r := 0; r < n; r++ {
			for j, v := range raw.Data[r*raw.Stride : r*raw.Stride+d] {
				colRMS[j] += v * v
			}
		}
		for j := range colRMS {
			colRMS[j] = math.Sqrt(colRMS[j] / float64(n))
		}
	}
	switch m {
	case CoLiDEEV:
		mn := math.Inf(1)
		for _, v := range colRMS {
			mn = math.Min(mn, v)
		}
		ws.sigEst = []float64{mn}
	case CoLiDENV:
		ws.sigEst = colRMS
	}
	res := &Result{Method: m, Status: Converged}
	mu := s.MuInit
	for t := 0; t < s.T; t++ {
		iters := s.WarmIter
		if t == s.T-1 {
			iters = s.MaxIter
		}
		lr := s.LR
		for {
			st, steps := ws.minimize(ctx, t, mu, iters, s.S[t], lr)
			res.Iterations += steps
			if st == stageFailed {
				res.Retries++
				if res.Retries > 1000 {
					res.Status = NumericalFailure
					break
				}
				lr *= 0.5
				s.S[t] += 0.1
				continue
			}
			if st == stageCanceled || st == stageNaN {
				res.Status = Canceled
				if st == stageNaN {
					res.Status = NumericalFailure
				}
				break
			}
			copy(ws.west, ws.w)
			copy(ws.sigEst, ws.sig)
			if t == s.T-1 && st == stageMaxIter {
				res.Status = MaxIterations
			}
			break
		}
		if res.Status == Canceled || res.Status == NumericalFailure {
			break
		}
		mu *= s.MuFactor
	}
	W := mat.NewDense(d, d, append([]float64(nil), ws.west...))
	res.W = W
	res.Backtracks = ws.backtracks
	if m != DAGMA {
		res.Sigma = append([]float64(nil), ws.sigEst...)
	}
	C := mat.NewDense(d, d, ws.c)
	switch m {
	case DAGMA:
		res.Score = LeastSquares(nil, C, W)
	case CoLiDEEV:
		res.Score = ScoreEV(nil, C, W, res.Sigma[0])
	case CoLiDENV:
		res.Score = ScoreNV(nil, C, W, res.Sigma)
	}
	if h, err := HLogDet(nil, W, s.S[s.T-1]); err == nil {
		res.H = h
	} else {
		res.H = math.NaN()
	}
	res.B, res.Pruned = ToDAG(nil, W, s.Threshold)
	res.Time = time.Since(t0)
	if res.Status == Canceled && ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, nil
}

type stageStatus int

const (
	stageConverged stageStatus = iota
	stageMaxIter
	stageFailed
	stageCanceled
	stageNaN
)

// pathWork holds every buffer of the Adam inner loop (row-major d×d slices),
// so that an iteration allocates nothing.
type pathWork struct {
	d          int
	m          Method
	set        Settings
	c          []float64 // covariance C
	w          []float64 // current W
	west       []float64 // W of the last completed stage
	cw         []float64 // C·W at the current W
	inv        []float64 // (sI − W∘W) → its inverse
	y          []float64 // scratch of the inverse (L^{−1})
	lu         []float64 // LU workspace for the checkpoint objective
	g          []float64 // gradient
	am, av     []float64 // Adam moments
	step       []float64 // last Adam direction m̂/(√v̂+ε)
	ipiv       []int
	work       []float64
	sig        []float64 // current σ (len 1 or d; unused for DAGMA)
	sigEst     []float64 // σ of the last completed stage
	rd         []float64 // residual diagonal
	backtracks int
	ipivObj    []int // pivots of the checkpoint LU (separate from ipiv: see overlap)
}

// parallelMin is the smallest d for which an Adam step runs on two
// goroutines (see minimize); below it the hand-offs cost more than they
// save. Measured with `kkt dag --method colide-ev --T 1` on the 2-vCPU
// machine, serial against two goroutines, alternating: d = 50 (2000 steps)
// 0.07–0.11 s against 0.17–0.26 s, d = 100 (2000 steps, 10 pairs) median
// 0.368 against 0.392 s, d = 200 (500 steps) 0.45–0.59 against 0.32–0.37 s.
// (Go benchmarks of 500-step fits favoured two goroutines already at
// d = 100: 116 against 93 ms.) With both cores taken by another process a
// two-goroutine fit is slower than a serial one (1.4× at d = 100), but the
// spin limit of event.wait keeps it bounded.
var parallelMin = 128

func newPathWork(Xc *mat.Dense, m Method, s Settings) *pathWork {
	n, d := Xc.Dims()
	dd := d * d
	buf := make([]float64, 11*dd)
	ws := &pathWork{d: d, m: m, set: s,
		c: buf[0:dd], w: buf[dd : 2*dd], west: buf[2*dd : 3*dd], cw: buf[3*dd : 4*dd],
		inv: buf[4*dd : 5*dd], lu: buf[5*dd : 6*dd], g: buf[6*dd : 7*dd], am: buf[7*dd : 8*dd],
		av: buf[8*dd : 9*dd], step: buf[9*dd : 10*dd], y: buf[10*dd : 11*dd],
		ipiv: make([]int, d), work: make([]float64, 4*d), rd: make([]float64, d), ipivObj: make([]int, d),
	}
	C := mat.NewDense(d, d, ws.c)
	C.Mul(Xc.T(), Xc)
	C.Scale(1/float64(n), C)
	switch m {
	case CoLiDEEV:
		ws.sig = make([]float64, 1)
	case CoLiDENV:
		ws.sig = make([]float64, d)
	}
	return ws
}

// mulCW sets cw = C·w.
func (ws *pathWork) mulCW() {
	mulSquare(ws.cw, ws.c, ws.w, ws.d)
}

// residDiag stores diag((I−W)ᵀC(I−W)) in dst using cw = C·W:
// R_jj = C_jj − 2(CW)_jj + Σ_i W_ij (CW)_ij.
func (ws *pathWork) residDiag(dst []float64) {
	d := ws.d
	for j := 0; j < d; j++ {
		dst[j] = ws.c[j*d+j] - 2*ws.cw[j*d+j]
	}
	for i := 0; i < d; i++ {
		wr, cr := ws.w[i*d:i*d+d], ws.cw[i*d:i*d+d]
		if haveAVX512 && d > 0 {
			mulAddZ(&dst[0], &wr[0], &cr[0], d)
			continue
		}
		for j, v := range wr {
			dst[j] += v * cr[j]
		}
	}
}

// updateSigma sets σ in closed form at the current W (needs cw).
func (ws *pathWork) updateSigma() {
	switch ws.m {
	case CoLiDEEV:
		ws.residDiag(ws.rd)
		t := 0.0
		for _, v := range ws.rd {
			t += v
		}
		ws.sig[0] = math.Sqrt(t / float64(ws.d))
	case CoLiDENV:
		ws.residDiag(ws.rd)
		for j, v := range ws.rd {
			ws.sig[j] = math.Sqrt(v)
		}
	}
}

// inverse sets inv = (sI − W∘W)^{−1} and reports whether W is in the domain.
func (ws *pathWork) inverse(s float64) bool {
	d := ws.d
	if haveAVX512 && d > 0 {
		negSquareZ(&ws.inv[0], &ws.w[0], d*d)
	} else {
		for i, v := range ws.w {
			ws.inv[i] = -v * v
		}
	}
	for i := 0; i < d; i++ {
		ws.inv[i*d+i] += s
	}
	_, ok := luInverseOpt(ws.inv, d, ws.ipiv, ws.y, ws.work, ws.set.DomainTol, false)
	return ok
}

// objective returns F = μ(S(W,σ) + λ‖W‖₁) + h_s(W) at the current W (needs cw).
func (ws *pathWork) objective(mu, s float64) float64 {
	d := ws.d
	ws.residDiag(ws.rd)
	var score float64
	switch ws.m {
	case DAGMA:
		for _, v := range ws.rd {
			score += v
		}
		score /= 2
	case CoLiDEEV:
		t := 0.0
		for _, v := range ws.rd {
			t += v
		}
		score = t/(2*ws.sig[0]) + float64(d)*ws.sig[0]/2
	case CoLiDENV:
		for j, v := range ws.rd {
			score += v/ws.sig[j] + ws.sig[j]
		}
		score /= 2
	}
	l1 := 0.0
	for _, v := range ws.w {
		l1 += math.Abs(v)
	}
	for i, v := range ws.w {
		ws.lu[i] = -v * v
	}
	for i := 0; i < d; i++ {
		ws.lu[i*d+i] += s
	}
	logdet := math.Inf(1)
	if luFactor(ws.lu, d, ws.ipivObj) {
		logdet = 0
		for k := 0; k < d; k++ {
			logdet += math.Log(math.Abs(ws.lu[k*d+k]))
		}
	}
	h := -logdet + float64(d)*math.Log(s)
	return mu*(score+ws.set.Lambda*l1) + h
}

// gradient sets g = μ·∇_W S(W, σ) + μλ·sign(W) + 2·W∘(sI − W∘W)^{−T}
// from cw (= C·W), sig and inv (= (sI − W∘W)^{−1}); ∇_W S = −C(I−W)·scale
// with scale 1 (DAGMA), 1/σ (EV) or diag(1/σ_j) (NV). Every entry is
// (μ·gs + (μλ)·sign(w)) + (2w)·inv_ji, evaluated in that order: gradScore
// stores the first sum, which needs no inverse, and gradAcyc adds the last
// term.
func (ws *pathWork) gradient(mu, lam float64) {
	ws.gradScore(0, ws.d, mu, lam)
	ws.gradAcyc(0, ws.d)
}

// gradScore sets the rows i0 ≤ i < i1 of g to μ·gs + (μλ)·sign(w).
func (ws *pathWork) gradScore(i0, i1 int, mu, lam float64) {
	d := ws.d
	ml := mu * lam
	if haveAVX512 && d > 0 {
		mode, sig := 0, &ws.c[0]
		switch ws.m {
		case CoLiDEEV:
			mode, sig = 1, &ws.sig[0]
		case CoLiDENV:
			mode, sig = 2, &ws.sig[0]
		}
		for i := i0; i < i1; i++ {
			r := i * d
			gradRowZ(&ws.g[r], &ws.c[r], &ws.cw[r], &ws.w[r], sig, d, mode, mu, ml)
		}
		return
	}
	for i := i0; i < i1; i++ {
		gr := ws.g[i*d : i*d+d]
		cr := ws.c[i*d : i*d+d]
		cwr := ws.cw[i*d : i*d+d]
		wr := ws.w[i*d : i*d+d]
		cr, cwr, wr = cr[:len(gr)], cwr[:len(gr)], wr[:len(gr)]
		switch ws.m {
		case CoLiDEEV:
			sig := ws.sig[0]
			for j := range gr {
				gr[j] = mu*(-(cr[j]-cwr[j])/sig) + ml*signOf(wr[j])
			}
		case CoLiDENV:
			sig := ws.sig[:len(gr)]
			for j := range gr {
				gr[j] = mu*(-(cr[j]-cwr[j])/sig[j]) + ml*signOf(wr[j])
			}
		default:
			for j := range gr {
				gr[j] = mu*(-(cr[j] - cwr[j])) + ml*signOf(wr[j])
			}
		}
	}
}

// gradAcyc adds (2w)·inv_ji to the rows i0 ≤ i < i1 of g (inv read
// transposed).
func (ws *pathWork) gradAcyc(i0, i1 int) {
	d := ws.d
	if haveAVX512 && d > 0 {
		var idx [8]int64
		for q := range idx {
			idx[q] = int64(q * d * 8)
		}
		_ = ws.inv[(d-1)*d+i1-1]
		for i := i0; i < i1; i++ {
			acycRowZ(&ws.g[i*d], &ws.w[i*d], &ws.inv[i], d, &idx, 64*d)
		}
		return
	}
	for i := i0; i < i1; i++ {
		gr, wr := ws.g[i*d:i*d+d], ws.w[i*d:i*d+d]
		wr = wr[:len(gr)]
		inv := ws.inv[i:]
		_ = inv[(d-1)*d]
		for j := range gr {
			gr[j] += 2 * wr[j] * inv[j*d]
		}
	}
}

// signOf is sign(w) ∈ {−1, 0, 1} (0 for NaN) without a branch on w.
func signOf(w float64) float64 {
	var p, n int
	if w > 0 {
		p = 1
	}
	if w < 0 {
		n = 1
	}
	return float64(p - n)
}

// adam takes one bias-corrected Adam step of length lr along g (step t ≥ 1):
// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², W ← W − lr·m̂/(√v̂ + 1e−8),
// with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). The bias corrections are applied as
// multiplications by 1/(1−βᵗ), computed once per step (the reference code
// divides; m̂ and v̂ may differ from its by one rounding): the divider, not
// the arithmetic, bounds this loop, and it still does one division and one
// square root per entry. On amd64 the entries go eight (AVX-512) or four
// (AVX) at a time with the roundings of the Go loop.
func (ws *pathWork) adam(iter int, b1, b2, lr float64) {
	ws.adamRange(0, len(ws.g), iter, b1, b2, lr)
}

// adamRange is adam on the entries lo ≤ i < hi.
func (ws *pathWork) adamRange(lo, hi, iter int, b1, b2, lr float64) {
	r1 := 1 / (1 - math.Pow(b1, float64(iter)))
	r2 := 1 / (1 - math.Pow(b2, float64(iter)))
	gs := ws.g[lo:hi]
	n := len(gs)
	am, av, w, step := ws.am[lo:hi], ws.av[lo:hi], ws.w[lo:hi], ws.step[lo:hi]
	am, av, w, step = am[:n], av[:n], w[:n], step[:n]
	start := 0
	if haveAVX512 && n >= 1 {
		c := [8]float64{b1, 1 - b1, b2, 1 - b2, r1, r2, lr, 1e-8}
		adamZ(&gs[0], &am[0], &av[0], &w[0], &step[0], n, &c)
		return
	}
	if haveAVX && n >= 4 {
		c := [8]float64{b1, 1 - b1, b2, 1 - b2, r1, r2, lr, 1e-8}
		adamAVX(&gs[0], &am[0], &av[0], &w[0], &step[0], n, &c)
		start = n &^ 3
	}
	for i := start; i < n; i++ {
		// float64(·) rounds each product: no fused multiply-add (GOAMD64=v3), as in adamAVX
		g := gs[i]
		mv := float64(am[i]*b1) + float64((1-b1)*g)
		vv := float64(av[i]*b2) + float64((1-b2)*(g*g))
		am[i], av[i] = mv, vv
		st := float64(mv*r1) / (math.Sqrt(float64(vv*r2)) + 1e-8)
		step[i] = st
		w[i] -= float64(lr * st)
	}
}

// minimize runs one stage from west (and sigEst): Adam on F_t with the
// domain guard. On return w and sig hold the stage's estimate.
func (ws *pathWork) minimize(ctx context.Context, stage int, mu float64, maxIter int, s, lr float64) (stageStatus, int) {
	copy(ws.w, ws.west)
	copy(ws.sig, ws.sigEst)
	for i := range ws.am {
		ws.am[i], ws.av[i] = 0, 0
	}
	ws.mulCW()
	set := &ws.set
	b1, b2 := set.Beta1, set.Beta2
	lam := set.Lambda
	objPrev := 1e16
	// overlap: a worker computes the inverse at the new W while this
	// goroutine computes C·W and σ. They touch disjoint buffers (inv, ipiv,
	// work vs cw, rd, sig) and both only read w.
	// two goroutines (d ≥ parallelMin): the helper computes the inverse at
	// the new W while this goroutine computes C·W and σ, and the gradient
	// and the Adam update of the first half of the rows while this one does
	// the second half. Every entry is computed as in the serial loop.
	var hw *helper
	invReady, invOK := false, false // the helper computed the next inverse, and its domain test
	var curIter int                 // the step of the posted Adam half (closures see lr and s directly)
	var invTask, lowTask func()
	half := ws.d / 2
	scoreReady := false // g holds gradScore at the current W (two goroutines)
	two := ws.d >= parallelMin && runtime.GOMAXPROCS(0) > 1
	switch ws.set.Workers {
	case 0:
	case 1:
		two = false
	default:
		two = ws.d >= 2
	}
	if two {
		hw = startHelper()
		defer hw.stop()
		invTask = func() { invOK = ws.inverse(s) }
		lowTask = func() {
			if !scoreReady {
				ws.gradScore(0, half, mu, lam)
			}
			ws.gradAcyc(0, half)
			ws.adamRange(0, half*ws.d, curIter, b1, b2, lr)
		}
	}
	for iter := 1; iter <= maxIter; iter++ {
		ok := invOK
		if !invReady {
			ok = ws.inverse(s)
		}
		invReady = false
		for ; !ok; ok = ws.inverse(s) {
			if iter == 1 || s <= 0.9 {
				return stageFailed, iter
			}
			for i := range ws.w {
				ws.w[i] += lr * ws.step[i]
			}
			lr *= 0.5
			ws.backtracks++
			if lr <= 1e-16 {
				return stageConverged, iter
			}
			for i := range ws.w {
				ws.w[i] -= lr * ws.step[i]
			}
			ws.mulCW()
			ws.updateSigma()
			scoreReady = false
		}
		if hw != nil {
			curIter = iter
			hw.post(lowTask)
			if !scoreReady {
				ws.gradScore(half, ws.d, mu, lam)
			}
			ws.gradAcyc(half, ws.d)
			ws.adamRange(half*ws.d, len(ws.g), iter, b1, b2, lr)
			hw.wait()
			scoreReady = false
		} else {
			ws.gradient(mu, lam)
			ws.adam(iter, b1, b2, lr)
		}
		if hw != nil && iter < maxIter {
			hw.post(invTask)
			ws.mulCW()
			ws.updateSigma()
			ws.gradScore(0, ws.d, mu, lam)
			scoreReady = true
			hw.wait()
			invReady = true
		} else {
			ws.mulCW()
			ws.updateSigma()
		}
		if iter%set.Checkpoint == 0 || iter == maxIter {
			obj := ws.objective(mu, s)
			if math.IsNaN(obj) || math.IsInf(obj, 0) {
				return stageNaN, iter
			}
			if set.Recorder != nil && !set.Recorder(Iteration{Stage: stage, Iter: iter, Objective: obj}) {
				return stageCanceled, iter
			}
			if ctx.Err() != nil {
				return stageCanceled, iter
			}
			if math.Abs((objPrev-obj)/objPrev) <= set.Tol {
				return stageConverged, iter
			}
			objPrev = obj
			if iter == maxIter {
				return stageMaxIter, iter
			}
		}
	}
	return stageMaxIter, maxIter
}

// helper runs one task at a time on its own goroutine for the two-goroutine
// Adam step. Hand-offs spin for up to spinFor before blocking on a channel:
// a channel wake-up of a parked goroutine costs tens of microseconds on a
// virtual machine, as much as the work handed over, while spinning without
// a limit would, on a busy machine, wait for the descheduled partner for
// whole scheduler time slices.
type helper struct {
	task, done event
	fn         func()
	quit       bool
}

// event is a one-producer one-consumer binary semaphore: wait spins, then
// parks; signal wakes a parked waiter.
type event struct {
	flag, parked atomic.Int32
	ch           chan struct{}
}

// spinFor bounds the spinning of event.wait.
const spinFor = 200 * time.Microsecond

func (e *event) signal() {
	e.flag.Store(1)
	if e.parked.CompareAndSwap(1, 0) {
		e.ch <- struct{}{}
	}
}

func (e *event) wait() {
	var t0 time.Time
	for spins := 0; ; spins++ {
		if e.flag.Load() == 1 {
			e.flag.Store(0)
			return
		}
		if spins&255 == 255 {
			if t0.IsZero() {
				t0 = time.Now()
			} else if time.Since(t0) > spinFor {
				break
			}
		}
	}
	for {
		e.parked.Store(1)
		if e.flag.Load() == 1 && e.parked.CompareAndSwap(1, 0) {
			e.flag.Store(0) // signalled meanwhile, and no wake-up is on its way
			return
		}
		<-e.ch
		// A wake-up can be stale: a signaller that stored the flag of an
		// earlier round (which this waiter then saw while spinning) may
		// reach its CompareAndSwap only after this waiter parked for the
		// next round. Only the flag says that this round was signalled;
		// otherwise park again.
		if e.flag.Load() == 1 {
			e.flag.Store(0)
			return
		}
	}
}

func startHelper() *helper {
	h := &helper{task: event{ch: make(chan struct{}, 1)}, done: event{ch: make(chan struct{}, 1)}}
	go func() {
		for {
			h.task.wait()
			if h.quit {
				return
			}
			h.fn()
			h.done.signal()
		}
	}()
	return h
}

// post hands f to the helper, which must be idle.
func (h *helper) post(f func()) {
	h.fn = f
	h.task.signal()
}

// wait returns when the posted task is done.
func (h *helper) wait() {
	h.done.wait()
}

// stop ends the helper goroutine; no task may be pending.
func (h *helper) stop() {
	h.quit = true
	h.task.signal()
}
