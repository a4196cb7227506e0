package completion

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/kkt-go/kkt/solver"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
	"github.com/kkt-go/kkt/sketch"
)

// Solver selects how each least-squares half-step is solved.
type Solver int

const (
	// SolverExact forms and factors the k×k normal matrix of every row
	// (Cholesky): O(|Ω|k² + (m+n)k³) per iteration.
	SolverExact Solver = iota
	// SolverCG solves every row's regression to relative accuracy SolveTol
	// (residual reduced by that factor from the warm start) by
	// conjugate gradients preconditioned with the shared Cholesky factor of
	// p·UᵀU + λI, warm-started at the previous row: O(|Ω|k) per CG sweep.
	SolverCG
	// SolverSketch is the per-row solver of Gu, Song, Yin and Zhang's
	// nearly-linear-time analysis: every regression's |Ω_j|×k design A_j is
	// compressed by a sketch S with SketchRows rows (Settings.Sketch: an
	// SRHT, the Walsh–Hadamard transform of the design's rows, or a
	// CountSketch from sketch.NewCountSketch), the R factor of the sketch
	// [S·A_j; √λ·I] is computed (Settings.SketchQR: CholeskyQR by default,
	// or Householder reflections), and conjugate gradients on the normal
	// equations preconditioned by RᵀR run from the warm start until the
	// residual has been reduced by SolveTol. Because (S·A_j)ᵀ(S·A_j) ≈
	// A_jᵀA_j for each row separately, the preconditioned system is well
	// conditioned whatever the row's coherence, and with the SRHT and
	// s = 5k the iteration count stays flat in k. A design with at most
	// SketchRows rows is factorized itself (one CG iteration). Cost per
	// regression: O(|Ω_j|k log|Ω_j|) for the SRHT (O(|Ω_j|k) for
	// CountSketch), s·k² + k³/3 = (16/3)k³ flops for CholeskyQR at s = 5k
	// (2s·k² − 2k³/3 by Householder), and O(|Ω_j|k + k²) per CG iteration;
	// the per-row k³ term is small against the O(|Ω_j|k) terms only when
	// |Ω_j| ≳ k², which the paper's sample complexity implies.
	SolverSketch
)

func (s Solver) String() string {
	switch s {
	case SolverExact:
		return "exact"
	case SolverCG:
		return "cg"
	case SolverSketch:
		return "sketch"
	}
	return fmt.Sprintf("Solver(%d)", int(s))
}

// SketchKind selects the sketch of SolverSketch.
type SketchKind int

const (
	// SRHT (the default) is the subsampled randomized Hadamard transform
	// (1/√s)·R·H·D: random signs, the fast Walsh–Hadamard transform of every
	// column of the design zero-padded to a power of two (butterflies on
	// whole rows, checked against sketch.FWHT), and s sampled rows:
	// O(|Ω_j|k·log|Ω_j|) per regression, an embedding with O(k log k)
	// rows. With s = c·k the preconditioned CG contracts the residual by
	// about √(k/s) = 1/√c per iteration once k is large (the edges
	// 1 ± √(k/s) of the Marchenko–Pastur law for the singular values of
	// S·Q, Q an orthonormal basis of the design); smaller k do better than
	// that limit, so the iterations per regression rise with k towards
	// 2·ln(1/SolveTol)/ln c. The default c = 5 keeps that rise within one
	// iteration between k = 10 and 40; c = 3 does not (see docs/completion.md).
	SRHT SketchKind = iota
	// CountSketch hashes every observed row of the design to one of s rows
	// with a random sign (Clarkson and Woodruff): O(|Ω_j|k) per regression,
	// but an embedding needs O(k²) rows, and with s = c·k the iterations per
	// regression grow with k.
	CountSketch
)

func (k SketchKind) String() string {
	switch k {
	case CountSketch:
		return "countsketch"
	case SRHT:
		return "srht"
	}
	return fmt.Sprintf("SketchKind(%d)", int(k))
}

// SketchQR selects how SolverSketch computes the R factor of the sketch
// [S·A_j; √λ·I] (s+k rows, k columns) that preconditions each regression.
type SketchQR int

const (
	// CholeskyQR (the default) forms G = (S·A_j)ᵀ(S·A_j) + λI by a
	// symmetric rank-s update (gonum's Dsyrk, s·k² flops) and factors
	// G = RᵀR by Cholesky (k³/3): in exact arithmetic the same R as a
	// Householder QR, at about half the flops (1.75–1.9× faster at k = 40,
	// BenchmarkSketchFactor). Forming G squares the sketch's condition number, so R is
	// accurate only to about κ(S·A_j)²·ε relatively; R is used only as a
	// preconditioner — the conjugate gradients still solve the row's own
	// normal equations, with the true design, to SolveTol — and the
	// subspace embedding keeps κ(S·A_j) within a constant factor of
	// κ(A_j). When the Cholesky factorization breaks down or the diagonal of
	// R spreads by more than 10⁶, the sketch is factored by Householder
	// reflections instead.
	CholeskyQR SketchQR = iota
	// HouseholderQR factors the sketch itself by Householder reflections
	// (gonum's Dgeqr2): 2s·k² − 2k³/3 flops, backward stable whatever the
	// conditioning.
	HouseholderQR
)

func (q SketchQR) String() string {
	switch q {
	case CholeskyQR:
		return "cholqr"
	case HouseholderQR:
		return "householder"
	}
	return fmt.Sprintf("SketchQR(%d)", int(q))
}

// Status says why AltMin stopped: the shared solver.Status. Its zero value
// is NotTerminated, so a Result whose Status was never set does not read as
// a success.
type Status = solver.Status

// The statuses AltMin returns (solver.Status values).
const (
	// NotTerminated: the zero value; AltMin never returns it.
	NotTerminated = solver.NotTerminated
	// Converged: the relative training residual fell to Tol.
	Converged = solver.Converged
	// MaxIterations: the iteration limit was reached first.
	MaxIterations = solver.MaxIterations
	// Stagnated: the training residual stopped decreasing (a relative
	// decrease below 1e-3 over 5 iterations while above Tol).
	Stagnated = solver.Stagnated
	// NumericalFailure: a NaN or Inf appeared.
	NumericalFailure = solver.NumericalFailure
	// Canceled: the context was canceled or the Recorder asked to stop.
	Canceled = solver.Canceled
)

// Settings configures AltMin. The zero value (with Rank set) means: 50
// iterations at most, Tol 1e-12, no ridge, exact solves, all samples reused,
// no incoherence clipping, 10 subspace iterations for the initialization,
// seed 1, GOMAXPROCS workers.
type Settings struct {
	Rank    int     // target rank k (required, 1 ≤ k ≤ min(m, n))
	MaxIter int     // iterations (one V and one U half-step each); default 50
	Tol     float64 // stop when ‖P_Ω(UVᵀ − M)‖_F ≤ Tol·‖P_Ω(M)‖_F; default 1e-12
	Lambda  float64 // ridge λ ≥ 0 on both factors

	Solver     Solver  // SolverExact (default), SolverCG or SolverSketch
	SolveTol   float64 // SolverCG, SolverSketch: relative residual reduction per regression; default 1e-4
	MaxCGIters int     // SolverCG, SolverSketch: iteration cap per regression; default 50
	// SketchRows is the number s of sketch rows per regression of
	// SolverSketch; default 5·Rank.
	SketchRows int
	// Sketch selects SolverSketch's sketch: SRHT (default) or CountSketch.
	Sketch SketchKind
	// SketchQR selects how SolverSketch computes the R factor of each
	// sketch: CholeskyQR (default) or HouseholderQR.
	SketchQR SketchQR

	// SplitSamples partitions Ω into 2·MaxIter+1 random disjoint parts, one for
	// the initialization and one per half-step, as the theory requires.
	SplitSamples bool
	// Mu > 0 clips the initial U for incoherence: entries with magnitude
	// above 2·Mu·√k/√m are zeroed and U re-orthonormalised.
	Mu float64
	// PowerIters is the number of subspace iterations of the spectral
	// initialization (default 10); Oversample its extra columns (default 10).
	PowerIters, Oversample int

	Seed    uint64 // random seed (default 1)
	Workers int    // parallel row updates (default GOMAXPROCS); results do not depend on it

	// Recorder, if set, is called after every iteration with the iteration
	// number, the relative training residual and the current factors
	// (shared; do not retain or modify). Returning false stops the run with
	// Canceled.
	Recorder solver.Recorder[Iteration]
}

// Iteration is what AltMin's Recorder sees after an iteration.
type Iteration struct {
	Iter        int        // iteration number (1-based)
	RelResidual float64    // ‖P_Ω(UVᵀ − M)‖/‖P_Ω(M)‖
	U, V        *mat.Dense // the current factors (shared: do not retain or modify)
}

// Result of AltMin. M ≈ U·Vᵀ.
type Result struct {
	U, V   *mat.Dense // m×k and n×k factors
	Status Status
	// Stats: Iterations is the number of AltMin iterations, Time the wall
	// time of the call.
	solver.Stats
	// Residual is the final relative training residual ‖P_Ω(UVᵀ − M)‖/‖P_Ω(M)‖.
	Residual float64
	// History holds Residual after each iteration (index 0: after init).
	History []float64
	// CGIterations counts the total PCG iterations over all rows (SolverCG,
	// SolverSketch), and Regressions the row regressions they solved:
	// CGIterations/Regressions is the mean number of iterations per
	// regression.
	CGIterations, Regressions int
	// Underdetermined counts row regressions whose normal matrix was
	// singular (fewer than k observations and λ = 0); they were solved with a
	// tiny ridge (1e-12·trace/k) and may be inaccurate.
	Underdetermined int
	// EmptyRows and EmptyCols list rows/columns without any observation;
	// their factor rows are zero.
	EmptyRows, EmptyCols []int
}

func (s *Settings) withDefaults() Settings {
	c := *s
	if c.MaxIter <= 0 {
		c.MaxIter = 50
	}
	if c.Tol <= 0 {
		c.Tol = 1e-12
	}
	if c.SolveTol <= 0 {
		c.SolveTol = 1e-4
	}
	if c.MaxCGIters <= 0 {
		c.MaxCGIters = 50
	}
	if c.SketchRows <= 0 {
		c.SketchRows = 5 * c.Rank
	}
	if c.PowerIters <= 0 {
		c.PowerIters = 10
	}
	if c.Oversample <= 0 {
		c.Oversample = 10
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	return c
}

// AltMin completes the matrix observed in obs by alternating minimization
// (see the package documentation). Errors are returned for an invalid rank,
// a negative λ, and for SolverSketch fewer sketch rows than the rank or an
// unknown sketch or factorization; numerical trouble ends with a Status.
func AltMin(ctx context.Context, obs *Observations, s Settings) (*Result, error) {
	set := s.withDefaults()
	m, n := obs.Dims()
	k := set.Rank
	if k < 1 || k > min(m, n) {
		return nil, fmt.Errorf("completion: rank %d out of range [1, %d] for a %d×%d matrix", k, min(m, n), m, n)
	}
	if set.Lambda < 0 || math.IsNaN(set.Lambda) {
		return nil, fmt.Errorf("completion: negative ridge λ = %v", set.Lambda)
	}
	if obs.Len() == 0 {
		return nil, fmt.Errorf("completion: no observations")
	}
	if set.Solver == SolverSketch {
		switch {
		case set.SketchRows < k:
			return nil, fmt.Errorf("completion: %d sketch rows for rank %d: a sketch needs at least k rows to embed the design", set.SketchRows, k)
		case set.Sketch != SRHT && set.Sketch != CountSketch:
			return nil, fmt.Errorf("completion: unknown sketch %v", set.Sketch)
		case set.SketchQR != CholeskyQR && set.SketchQR != HouseholderQR:
			return nil, fmt.Errorf("completion: unknown factorization %v", set.SketchQR)
		}
	}
	rng := rand.New(rand.NewPCG(set.Seed, 0x636f6d706c657465))
	parts := []*Observations{obs}
	if set.SplitSamples {
		parts = splitParts(obs, rng, 2*set.MaxIter+1)
	}
	part := func(h int) *Observations { return parts[h%len(parts)] }

	t0 := time.Now()
	res := &Result{}
	res.EmptyRows, res.EmptyCols = obs.EmptyRows()
	U := spectralInit(part(0), k, set, rng)
	V := make([]float64, n*k)
	w := newWorkers(set.Workers, k)
	if set.Solver == SolverSketch {
		w.initSketch(set.SketchRows, max(m, n), obs.maxLineLen(), set.Sketch == SRHT, rng)
		w.setSketchQR(set.SketchQR)
	}
	normM := obsNorm(obs)
	resid := func() float64 { return residual(obs, U, V, k) / normM }

	var lastImprove float64 = math.Inf(1)
	status := MaxIterations
	it := 0
	for it < set.MaxIter {
		// V half-step with U fixed, then U half-step with V fixed.
		res.Underdetermined += w.halfStep(part(2*it+1), true, U, V, &set, &res.CGIterations, &res.Regressions)
		res.Underdetermined += w.halfStep(part(2*it+2), false, V, U, &set, &res.CGIterations, &res.Regressions)
		it++
		r := resid()
		res.History = append(res.History, r)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			status = NumericalFailure
			break
		}
		if set.Recorder != nil && !set.Recorder(Iteration{Iter: it, RelResidual: r, U: mat.NewDense(m, k, U), V: mat.NewDense(n, k, V)}) {
			status = Canceled
			break
		}
		if ctx != nil && ctx.Err() != nil {
			status = Canceled
			break
		}
		if r <= set.Tol {
			status = Converged
			break
		}
		if it%5 == 0 {
			if r > lastImprove*(1-1e-3) {
				status = Stagnated
				break
			}
			lastImprove = r
		}
	}
	res.U, res.V = mat.NewDense(m, k, U), mat.NewDense(n, k, V)
	res.Status, res.Iterations = status, it
	res.Time = time.Since(t0)
	if len(res.History) > 0 {
		res.Residual = res.History[len(res.History)-1]
	}
	return res, nil
}

// splitParts partitions obs into p random disjoint parts of near-equal size.
func splitParts(obs *Observations, rng *rand.Rand, p int) []*Observations {
	m, n := obs.Dims()
	r, c, v := obs.Triplets()
	type trip struct {
		r, c []int
		v    []float64
	}
	ts := make([]trip, p)
	for k := range v {
		q := rng.IntN(p)
		ts[q].r, ts[q].c, ts[q].v = append(ts[q].r, r[k]), append(ts[q].c, c[k]), append(ts[q].v, v[k])
	}
	out := make([]*Observations, p)
	for q := range ts {
		o, err := NewObservations(m, n, ts[q].r, ts[q].c, ts[q].v)
		if err != nil {
			panic("completion: internal error splitting samples: " + err.Error())
		}
		out[q] = o
	}
	return out
}

func obsNorm(o *Observations) float64 {
	var s float64
	for _, v := range o.rowVal {
		s += v * v
	}
	return math.Sqrt(s)
}

// residual returns ‖P_Ω(UVᵀ − M)‖_F for row-major factors with k columns.
func residual(o *Observations, U, V []float64, k int) float64 {
	var s float64
	for i := 0; i < o.m; i++ {
		ui := U[i*k : i*k+k]
		cols, vals := o.Row(i)
		for q, j := range cols {
			d := dotk(ui, V[j*k:j*k+k]) - vals[q]
			s += d * d
		}
	}
	return math.Sqrt(s)
}

// RMSE returns the root-mean-square error of U·Vᵀ on the entries of o.
func RMSE(o *Observations, U, V *mat.Dense) float64 {
	_, k := U.Dims()
	return residual(o, U.RawMatrix().Data, V.RawMatrix().Data, k) / math.Sqrt(float64(o.Len()))
}

// RelError returns ‖UVᵀ − XYᵀ‖_F / ‖XYᵀ‖_F without forming either product:
// UVᵀ − XYᵀ = [U, −X]·[V, Y]ᵀ, and with thin QR factorizations
// [U, −X] = Q₁R₁, [V, Y] = Q₂R₂ its norm is ‖R₁R₂ᵀ‖_F (2k×2k). This costs
// O((m+n)k²) and, unlike the trace expansion, keeps full relative accuracy
// when the two products agree to many digits.
func RelError(U, V, X, Y *mat.Dense) float64 {
	return prodNorm(U, V, X, Y, true) / prodNorm(X, Y, nil, nil, false)
}

// prodNorm returns ‖[A, −C][B, D]ᵀ‖_F (or ‖ABᵀ‖_F when !diff).
func prodNorm(A, B, C, D *mat.Dense, diff bool) float64 {
	left, right := A, B
	if diff {
		var l, r mat.Dense
		var negC mat.Dense
		negC.Scale(-1, C)
		l.Augment(A, &negC)
		r.Augment(B, D)
		left, right = &l, &r
	}
	rf := func(a *mat.Dense) *mat.Dense {
		if r, c := a.Dims(); r < c {
			return a // a = I·a is already a QR factorization for our purpose
		}
		var qr mat.QR
		qr.Factorize(a)
		var rr mat.Dense
		qr.RTo(&rr)
		_, c := a.Dims()
		return mat.DenseCopyOf(rr.Slice(0, c, 0, c))
	}
	var p mat.Dense
	p.Mul(rf(left), rf(right).T())
	return mat.Norm(&p, 2)
}

// spectralInit returns the top-k left singular vectors of P_Ω(M)/p (m×k,
// row-major), computed by the randomized SVD of package sketch
// (Halko–Martinsson–Tropp, oversampling and power iterations from set) on
// the sparse operator P_Ω(M), then clipped for incoherence when set.Mu > 0.
func spectralInit(o *Observations, k int, set Settings, rng *rand.Rand) []float64 {
	m, n := o.Dims()
	op := matrix.Func{R: m, C: n,
		Mul: func(dst, x []float64) {
			for i := 0; i < m; i++ {
				cols, vals := o.Row(i)
				var s float64
				for q, j := range cols {
					s += vals[q] * x[j]
				}
				dst[i] = s
			}
		},
		MulTrans: func(dst, x []float64) {
			for j := 0; j < n; j++ {
				rows, vals := o.Col(j)
				var s float64
				for q, i := range rows {
					s += vals[q] * x[i]
				}
				dst[j] = s
			}
		}}
	res, err := sketch.SVD(op, k, sketch.SVDSettings{Oversample: set.Oversample, PowerIters: set.PowerIters, Seed: rng.Uint64()})
	if err != nil {
		panic("completion: randomized SVD of the observations failed: " + err.Error())
	}
	u := res.U
	if set.Mu > 0 {
		thr := 2 * set.Mu * math.Sqrt(float64(k)) / math.Sqrt(float64(m))
		raw := u.RawMatrix().Data
		for i, v := range raw {
			if math.Abs(v) > thr {
				raw[i] = 0
			}
		}
		u = orth(u)
	}
	out := make([]float64, m*k)
	for i := 0; i < m; i++ {
		copy(out[i*k:(i+1)*k], u.RawMatrix().Data[i*u.RawMatrix().Stride:i*u.RawMatrix().Stride+k])
	}
	return out
}

// orth returns an orthonormal basis of the columns of a (thin QR).
func orth(a *mat.Dense) *mat.Dense {
	r, c := a.Dims()
	var qr mat.QR
	qr.Factorize(a)
	var q mat.Dense
	qr.QTo(&q)
	return mat.DenseCopyOf(q.Slice(0, r, 0, c))
}

// workers holds per-goroutine workspaces for the row regressions.
type workers struct {
	n  int
	k  int
	ws []workspace
	// SolverSketch: the CountSketch, redrawn every half-step, and its
	// columns decoded: code[i] = ±(row of column i + 1).
	cs    *sketch.SparseSign
	code  []float64
	ramp  []float64 // 1, 2, …, s
	srows int
	rng   *rand.Rand
	// SRHT: for every padded length 2^e ≥ s, the s sampled rows (redrawn
	// every half-step), and a scratch permutation.
	srhtRows [][]int
	perm     []int
}

type workspace struct {
	g, rhs, r, z, p, q []float64
	sk                 sketchBufs // SolverSketch
	under, cg, regs    int
}

// initSketch prepares SolverSketch: an s×mMax CountSketch whose first nIn
// columns sketch the designs of a half-step (each regression uses the
// columns of its observed rows, which form a CountSketch of that design;
// its signs are also the SRHT's), the SRHT's row samples when srht is set,
// and per-worker buffers for designs of at most maxRows rows.
func (w *workers) initSketch(s, mMax, maxRows int, srht bool, rng *rand.Rand) {
	w.srows, w.rng = s, rng
	w.cs = sketch.NewCountSketch(s, mMax, rng)
	w.code = make([]float64, mMax)
	w.ramp = make([]float64, s)
	for i := range w.ramp {
		w.ramp[i] = float64(i + 1)
	}
	for t := range w.ws {
		w.ws[t].sk = newSketchBufs(maxRows, s, w.k, srht)
	}
	if srht {
		w.initSRHT(maxRows)
	}
}

// setSketchQR selects the factorization of the sketches (after initSketch).
func (w *workers) setSketchQR(q SketchQR) {
	for t := range w.ws {
		w.ws[t].sk.householder = q == HouseholderQR
	}
}

func newWorkers(n, k int) *workers {
	w := &workers{n: n, k: k, ws: make([]workspace, n)}
	for i := range w.ws {
		w.ws[i] = workspace{g: make([]float64, k*k), rhs: make([]float64, k), r: make([]float64, k),
			z: make([]float64, k), p: make([]float64, k), q: make([]float64, k)}
	}
	return w
}

// halfStep updates the factor out (rows indexed by the columns of o when
// byCol, else by its rows) given the fixed factor in. It returns the number
// of underdetermined regressions.
func (w *workers) halfStep(o *Observations, byCol bool, in, out []float64, set *Settings, cgIters, regs *int) int {
	k := w.k
	nOut := len(out) / k
	nIn := len(in) / k
	if set.Solver == SolverSketch {
		// A fresh CountSketch per half-step; column i of S has its one ±1
		// in row r_i, read off as (Sᵀ·(1, 2, …, s))_i = ±(r_i + 1).
		w.cs.Redraw(w.rng)
		w.cs.ApplyTrans(w.code, w.ramp)
		if set.Sketch == SRHT {
			w.drawSRHTRows()
		}
	}
	var prec []float64
	if set.Solver == SolverCG {
		// P = p·inᵀin + λI with p the sampling rate seen by each regression.
		p := float64(o.Len()) / (float64(nIn) * float64(nOut))
		prec = make([]float64, k*k)
		for r := 0; r < nIn; r++ {
			row := in[r*k : r*k+k]
			for a := 0; a < k; a++ {
				for b := 0; b <= a; b++ {
					prec[a*k+b] += row[a] * row[b]
				}
			}
		}
		var tr float64
		for a := 0; a < k; a++ {
			for b := 0; b <= a; b++ {
				prec[a*k+b] *= p
			}
			prec[a*k+a] += set.Lambda
			tr += prec[a*k+a]
		}
		if !cholesky(prec, k) {
			// The fixed factor is rank deficient: fall back to exact solves.
			prec = nil
		}
	}
	for t := range w.ws {
		w.ws[t].under, w.ws[t].cg, w.ws[t].regs = 0, 0, 0
	}
	forChunks(nOut, w.n, func(t, lo, hi int) {
		ws := &w.ws[t]
		for j := lo; j < hi; j++ {
			var idx []int
			var vals []float64
			if byCol {
				idx, vals = o.Col(j)
			} else {
				idx, vals = o.Row(j)
			}
			x := out[j*k : j*k+k]
			if len(idx) == 0 {
				clear(x)
				continue
			}
			switch {
			case set.Solver == SolverSketch:
				if sketchPrec(ws, in, idx, w.code, w.srhtRows, w.srows, k, set.Lambda) {
					ws.cg += sketchPCG(ws, vals, x, k, *set)
					ws.regs++
				} else if !exactRow(ws, in, idx, vals, x, k, set.Lambda) {
					ws.under++
				}
			case prec != nil:
				ws.cg += pcgRow(ws, in, idx, vals, x, prec, k, *set)
				ws.regs++
			default:
				if !exactRow(ws, in, idx, vals, x, k, set.Lambda) {
					ws.under++
				}
			}
		}
	})
	under := 0
	for t := range w.ws {
		under += w.ws[t].under
		*cgIters += w.ws[t].cg
		*regs += w.ws[t].regs
	}
	return under
}

// maxLineLen returns the largest number of observations in a row or column.
func (o *Observations) maxLineLen() int {
	l := 0
	for i := 0; i < o.m; i++ {
		c, _ := o.Row(i)
		l = max(l, len(c))
	}
	for j := 0; j < o.n; j++ {
		r, _ := o.Col(j)
		l = max(l, len(r))
	}
	return l
}

// initSRHT sizes the SRHT buffers for designs of at most maxRows rows.
func (w *workers) initSRHT(maxRows int) {
	mp := 1
	for mp < maxRows {
		mp <<= 1
	}
	w.srhtRows = make([][]int, bits.Len(uint(mp))) // e = 0 … log₂ mp
	for e := range w.srhtRows {
		if 1<<e >= w.srows {
			w.srhtRows[e] = make([]int, w.srows)
		}
	}
	w.perm = make([]int, mp)
}

// drawSRHTRows draws, for every padded length 2^e ≥ s, s distinct rows of
// [0, 2^e) (partial Fisher–Yates on a scratch permutation).
func (w *workers) drawSRHTRows() {
	for e, rows := range w.srhtRows {
		if rows == nil {
			continue
		}
		n := 1 << e
		p := w.perm[:n]
		for i := range p {
			p[i] = i
		}
		for i := range rows {
			j := i + w.rng.IntN(n-i)
			p[i], p[j] = p[j], p[i]
			rows[i] = p[i]
		}
	}
}

// exactRow solves (Σ u_i u_iᵀ + λI) x = Σ vals_i u_i by Cholesky. It returns
// false when a tiny ridge had to be added.
func exactRow(ws *workspace, in []float64, idx []int, vals []float64, x []float64, k int, lambda float64) bool {
	g, rhs := ws.g, ws.rhs
	clear(g)
	clear(rhs)
	for q, i := range idx {
		u := in[i*k : i*k+k]
		v := vals[q]
		for a := 0; a < k; a++ {
			ua := u[a]
			rhs[a] += v * ua
			row := g[a*k : a*k+a+1]
			for b := range row {
				row[b] += ua * u[b]
			}
		}
	}
	var tr float64
	for a := 0; a < k; a++ {
		g[a*k+a] += lambda
		tr += g[a*k+a]
	}
	ok := true
	if !cholesky(g, k) {
		ok = false
		// Rebuild and add a tiny ridge relative to the trace.
		clear(g)
		for _, i := range idx {
			u := in[i*k : i*k+k]
			for a := 0; a < k; a++ {
				for b := 0; b <= a; b++ {
					g[a*k+b] += u[a] * u[b]
				}
			}
		}
		ridge := 1e-12 * math.Max(tr, 1e-300) / float64(k)
		for a := 0; a < k; a++ {
			g[a*k+a] += lambda + ridge
		}
		if !cholesky(g, k) {
			clear(x)
			return false
		}
	}
	copy(x, rhs)
	cholSolve(g, k, x)
	return ok
}

// pcgRow runs preconditioned CG on (Σ u_i u_iᵀ + λI) x = Σ vals_i u_i from
// the current x (the previous iterate's row: a warm start) until the
// residual has been reduced by the factor SolveTol; it returns the
// iterations used. A tolerance relative to the right-hand side instead would
// stall the outer iteration: near convergence the warm start already meets
// it and no work would be done.
func pcgRow(ws *workspace, in []float64, idx []int, vals []float64, x []float64, prec []float64, k int, set Settings) int {
	rhs, r := ws.rhs, ws.r
	clear(rhs)
	for t, i := range idx {
		axpyk(vals[t], in[i*k:i*k+k], rhs)
	}
	apply := func(dst, v []float64) {
		for a := range dst {
			dst[a] = set.Lambda * v[a]
		}
		for _, i := range idx {
			u := in[i*k : i*k+k]
			axpyk(dotk(u, v), u, dst)
		}
	}
	apply(r, x)
	for a := range r {
		r[a] = rhs[a] - r[a]
	}
	return pcgLoop(ws, apply, prec, x, k, set)
}

// pcgLoop is the preconditioned CG iteration shared by pcgRow and
// sketchPCG: from x with the residual already in ws.r, it solves
// apply(x) = rhs with the preconditioner (L·Lᵀ)⁻¹ (L the k×k Cholesky factor
// in prec) until ‖r‖ has been reduced by SolveTol or MaxCGIters is reached,
// and returns the iterations used. A non-positive curvature pᵀq stops it.
func pcgLoop(ws *workspace, apply func(dst, v []float64), prec, x []float64, k int, set Settings) int {
	r, z, p, q := ws.r, ws.z, ws.p, ws.q
	rn := math.Sqrt(dotk(r, r))
	tol := set.SolveTol * rn
	it := 0
	var rho, rhoOld float64
	for rn > tol && it < set.MaxCGIters {
		copy(z, r)
		cholSolve(prec, k, z)
		rho = dotk(r, z)
		if it == 0 {
			copy(p, z)
		} else {
			beta := rho / rhoOld
			for a := range p {
				p[a] = z[a] + beta*p[a]
			}
		}
		apply(q, p)
		pq := dotk(p, q)
		if !(pq > 0) {
			break
		}
		alpha := rho / pq
		axpyk(alpha, p, x)
		axpyk(-alpha, q, r)
		rhoOld = rho
		rn = math.Sqrt(dotk(r, r))
		it++
	}
	return it
}

// forChunks splits [0, n) into up to workers contiguous blocks and runs
// f(t, lo, hi) for block t on its own goroutine, returning when all are
// done. Each index is handled by exactly one call, so results that depend
// only on the index do not depend on the number of workers.
func forChunks(n, workers int, f func(t, lo, hi int)) {
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for t := 0; t < workers; t++ {
		lo, hi := t*chunk, min((t+1)*chunk, n)
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(t, lo, hi)
		}()
	}
	wg.Wait()
}
