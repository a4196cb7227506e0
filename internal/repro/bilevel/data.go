package bilevelrepro

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/kkt-go/kkt/bilevel"
	"github.com/kkt-go/kkt/matrix"
	"gonum.org/v1/gonum/mat"
)

// Dataset is a dense data set with ±1 labels.
type Dataset struct {
	A      *mat.Dense // samples as rows
	Labels []float64  // ±1
	Name   string
}

// LoadLIBSVM reads a LIBSVM file as a dense data set with ±1 labels.
func LoadLIBSVM(path string) (*Dataset, error) {
	ds, err := matrix.ReadLIBSVMFile(path, matrix.LIBSVMOptions{Labels: matrix.LabelsPlusMinusOne})
	if err != nil {
		return nil, err
	}
	return &Dataset{A: matrix.ToDense(nil, ds.X), Labels: ds.Y, Name: ds.Name}, nil
}

// ReadIDX reads an IDX array of unsigned bytes with matrix.ReadIDX (any
// rank 1…4, gzip- or bzip2-compressed or not, the memory budget checked
// before the data) and returns its dimensions and bytes; a dimension of
// size 0 is an error. Errors name the file.
func ReadIDX(r io.Reader, name string) ([]int, []byte, error) {
	a, err := matrix.ReadIDX(r, name, 0)
	if err != nil {
		return nil, nil, err
	}
	for i, d := range a.Dims {
		if d == 0 {
			return nil, nil, fmt.Errorf("%s: dimension %d has size 0", name, i)
		}
	}
	return a.Dims, a.Data, nil
}

// ReadIDXFile reads the IDX file at path (see ReadIDX).
func ReadIDXFile(path string) ([]int, []byte, error) {
	a, err := matrix.ReadFile(path, func(r io.Reader, name string) (*matrix.IDX, error) {
		dims, data, err := ReadIDX(r, name)
		if err != nil {
			return nil, err
		}
		return &matrix.IDX{Dims: dims, Data: data}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return a.Dims, a.Data, nil
}

// LoadMNIST reads the MNIST test images of dir as a binary task: digits
// 0–4 → −1, 5–9 → +1, pixels scaled to [0, 1].
func LoadMNIST(dir string) (*Dataset, error) {
	dims, img, err := ReadIDXFile(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		return nil, err
	}
	ldims, lab, err := ReadIDXFile(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		return nil, err
	}
	if len(dims) != 3 || len(ldims) != 1 || dims[0] != ldims[0] {
		return nil, fmt.Errorf("mnist: image dims %v and label dims %v do not match", dims, ldims)
	}
	n, d := dims[0], dims[1]*dims[2]
	a := mat.NewDense(n, d, nil)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		row := a.RawRowView(i)
		for j := range row {
			row[j] = float64(img[i*d+j]) / 255
		}
		y[i] = -1
		if lab[i] >= 5 {
			y[i] = 1
		}
	}
	return &Dataset{A: a, Labels: y, Name: "mnist-t10k (0–4 vs 5–9)"}, nil
}

// DataRun is the result of one seed of a data task.
type DataRun struct {
	Test, Val, Base float64 // test and validation accuracy, the baseline's test accuracy
	F1, AUC, Frac   float64 // cleaning: F1 and AUC of the flags, fraction flagged (NaN otherwise)
	Time, BaseTime  float64 // seconds: the method, the baseline solve
	// Penalty method only (NaN otherwise): BetaRatio is the inner step β
	// over the bound 1/(L_G + σL_F) of bilevel.PenaltyInnerStep at the
	// baseline's lower solution y*(c⁰); Resid1 and ResidK are the method's
	// gradient-mapping estimate ‖x⁺ − x‖/α after the first and the last
	// outer iteration.
	BetaRatio, Resid1, ResidK float64
}

// SVMOptions are the method settings of a data task.
type SVMOptions struct {
	Iters  int     // outer iterations (default 80, the reference's epochs)
	Alpha  float64 // step of (x, y) for LV-HBA and of x for the penalty method
	CShift float64 // added to the reference start c_i ~ U(−6, −5)
	Inner  int     // penalty inner steps
	Sigma  float64 // penalty σ
	Beta   float64 // penalty inner step (default 0.5)
	Tol    float64 // penalty: stopping tolerance on the gradient-mapping estimate (0: none)
}

// Split is the sample selection of one seed of a data task.
type Split struct {
	NTrain, NVal int
	NTest        int     // test samples drawn first (0: all the rest)
	Flip         float64 // share of training labels flipped (cleaning)
}

// Instance is one seed's data-task instance: the split task with its
// (possibly flipped) training labels, the bilevel problem, the reference
// start (c⁰, y⁰) and the baseline.
type Instance struct {
	Task    *bilevel.SVMTask
	P       *bilevel.Problem
	C0, Y0  []float64
	Flipped []bool // cleaning: which training labels were flipped (nil otherwise)
	// Base is the baseline's test accuracy (fixed c⁰, exact lower level),
	// BaseTime its solve time in seconds, YBase its lower-level solution
	// y*(c⁰).
	Base, BaseTime float64
	YBase          []float64
}

// NewInstance draws one seed's instance of a data task: subsample and
// split, flip labels, draw the start c⁰ ~ U(−6, −5) (+ cShift) and solve the
// baseline (fixed c⁰, exact lower level).
func NewInstance(ds *Dataset, sp Split, cShift float64, seed uint64) (*Instance, error) {
	rng := rand.New(rand.NewPCG(seed, 2401))
	a, labels := ds.A, ds.Labels
	ntr, nval := sp.NTrain, sp.NVal
	if sp.NTest > 0 {
		r, _ := a.Dims()
		if ntr+nval+sp.NTest < r {
			perm := rng.Perm(r)[:ntr+nval+sp.NTest]
			_, c := a.Dims()
			sub := mat.NewDense(len(perm), c, nil)
			sl := make([]float64, len(perm))
			for i, j := range perm {
				sub.SetRow(i, a.RawRowView(j))
				sl[i] = labels[j]
			}
			a, labels = sub, sl
		}
	}
	task, err := bilevel.SplitSVM(a, labels, ntr, nval, rng)
	if err != nil {
		return nil, err
	}
	in := &Instance{Task: task}
	if sp.Flip > 0 {
		in.Flipped = make([]bool, ntr)
		for _, i := range rng.Perm(ntr)[:int(math.Round(sp.Flip*float64(ntr)))] {
			in.Flipped[i] = true
			task.TTrain[i] = -task.TTrain[i]
		}
	}
	in.C0 = task.InitialWeights(rng)
	for i := range in.C0 {
		in.C0[i] += cShift
	}
	t0 := time.Now()
	yb, err := task.SolveLower(in.C0)
	if err != nil {
		return nil, err
	}
	in.BaseTime = time.Since(t0).Seconds()
	in.Base = task.Accuracy(task.Test, task.TTest, yb)
	in.YBase = yb
	if in.P, err = task.Problem(); err != nil {
		return nil, err
	}
	d, _ := task.Dims()
	in.Y0 = fill(in.P.M, 1) // the reference start w = 1, b = 0, ξ = 1
	in.Y0[d] = 0
	return in, nil
}

// SVMRun runs one seed of a data task: subsample and split, flip labels,
// solve the baseline (fixed reference weights, exact lower level), run the
// method. For cleaning it scores the flags (FlagScores).
func SVMRun(ctx context.Context, ds *Dataset, method string, sp Split, opt SVMOptions, seed uint64) (DataRun, *bilevel.Result, error) {
	in, err := NewInstance(ds, sp, opt.CShift, seed)
	if err != nil {
		return DataRun{}, nil, err
	}
	task, p, c0, y0, flipped := in.Task, in.P, in.C0, in.Y0, in.Flipped
	out := DataRun{Base: in.Base, BaseTime: in.BaseTime, BetaRatio: math.NaN(), Resid1: math.NaN(), ResidK: math.NaN()}
	iters := opt.Iters
	if iters == 0 {
		iters = 80
	}
	t0 := time.Now()
	var r *bilevel.Result
	var rerr error
	switch method {
	case "lvhba":
		// the reference scripts' parameters (γ's there multiply: 1/0.1 = 10),
		// except the multipliers: the scripts start at λ = z = 1, about 270×
		// the lower level's multiplier e^{c}ξ ≈ 0.0037 at the start c ≈ −5.5,
		// which raises every weight in the first iterations (nothing is
		// flagged, F1 = 0); we start at the package default λ = z = 0
		r, rerr = bilevel.LVHBA(ctx, p, bilevel.LVHBASettings{Alpha: opt.Alpha, Beta: 0.1, Eta: 0.01, Gamma1: 10, Gamma2: 10, C0: 1, P: 0.5, R: math.Inf(1),
			Common: bilevel.Common{MaxIter: iters, X0: c0, Y0: y0}})
	case "penalty":
		q := *p
		q.Cons = nil // the margin constraints do not involve c: they are Y
		by, _ := bilevel.PenaltyInnerStep(&q, c0, in.YBase, opt.Sigma)
		out.BetaRatio = opt.Beta / by
		rec := func(r bilevel.Record) bool {
			if r.Iter == 1 {
				out.Resid1 = r.Residual
			}
			return true
		}
		// with a tolerance, the test starts at iteration 80 (the scripts'
		// budget): y and z start at one point, so the first estimates are
		// near zero (0.012 after the first iteration on MNIST, seed 1,
		// against ≈ 1 for the gradient computed with accurate lower-level
		// solutions)
		r, rerr = bilevel.Penalty(ctx, &q, bilevel.PenaltySettings{Sigma: opt.Sigma, AlphaConst: opt.Alpha, Beta: opt.Beta, Inner: opt.Inner, MinIter: 80,
			Common: bilevel.Common{MaxIter: iters, Tol: opt.Tol, X0: c0, Y0: y0, Recorder: rec}})
		out.ResidK = r.Residual
	default:
		return out, nil, fmt.Errorf("%w: method %q does not apply to the SVM tasks (lvhba, penalty)", ErrUsage, method)
	}
	out.Time = time.Since(t0).Seconds()
	if r.Status == bilevel.Breakdown || r.Status == bilevel.NotApplicable || r.Status == bilevel.NumericalFailure || r.Status == bilevel.Canceled {
		return out, r, fmt.Errorf("%w: %s: %v: %v", ErrFailed, method, r.Status, rerr)
	}
	out.Test = task.Accuracy(task.Test, task.TTest, r.Y)
	out.Val = task.Accuracy(task.Val, task.TVal, r.Y)
	out.F1, out.AUC, out.Frac = math.NaN(), math.NaN(), math.NaN()
	if flipped != nil {
		out.F1, out.AUC, out.Frac = FlagScores(flipped, c0, r.X)
	}
	return out, r, nil
}

// FlagScores scores the cleaning flags: sample i is flagged as corrupted
// when its log weight decreased, c[i] < c0[i]. It returns the F1 score of
// the flags against corrupted, the AUC of the ranking by the decrease
// c0[i] − c[i] (Mann–Whitney, ties counted ½) and the fraction flagged.
func FlagScores(corrupted []bool, c0, c []float64) (f1, auc, frac float64) {
	var tp, fp, fn float64
	for i, f := range corrupted {
		flag := c[i] < c0[i]
		switch {
		case flag && f:
			tp++
		case flag && !f:
			fp++
		case !flag && f:
			fn++
		}
	}
	f1 = 2 * tp / math.Max(2*tp+fp+fn, 1)
	frac = (tp + fp) / float64(len(corrupted))
	var pairs, wins float64
	for i, fi := range corrupted {
		if !fi {
			continue
		}
		for j, fj := range corrupted {
			if fj {
				continue
			}
			di, dj := c0[i]-c[i], c0[j]-c[j]
			pairs++
			switch {
			case di > dj:
				wins++
			case di == dj:
				wins += 0.5
			}
		}
	}
	return f1, wins / math.Max(pairs, 1), frac
}

// RandomF1 is the expected F1 of flagging a share q of the samples at
// random when a share rho is corrupted: precision rho, recall q.
func RandomF1(rho, q float64) float64 { return 2 * rho * q / math.Max(rho+q, 1e-300) }

// LoadData returns the data set of a data task: diabetes_scale (svm) or the
// MNIST test images (cleaning) under dataDir, or generated data when
// dataDir is empty or lacks the files.
func LoadData(problem, dataDir string, seed uint64) (*Dataset, error) {
	switch problem {
	case "svm":
		if p := filepath.Join(dataDir, "libsvm", "diabetes_scale"); dataDir != "" && exists(p) {
			return LoadLIBSVM(p)
		}
		rng := rand.New(rand.NewPCG(seed, 5))
		a, l := bilevel.SyntheticSVM(768, 8, rng)
		return &Dataset{A: a, Labels: l, Name: "synthetic (no KKT_DATA)"}, nil
	case "cleaning":
		if p := filepath.Join(dataDir, "mnist"); dataDir != "" && exists(filepath.Join(p, "t10k-labels-idx1-ubyte.gz")) {
			return LoadMNIST(p)
		}
		rng := rand.New(rand.NewPCG(seed, 6))
		a, l := bilevel.SyntheticSVM(2650, 50, rng)
		return &Dataset{A: a, Labels: l, Name: "synthetic (no KKT_DATA)"}, nil
	}
	return nil, fmt.Errorf("%w: %q is not a data task (svm, cleaning)", ErrUsage, problem)
}

// DataSplit returns the split of a data task: svm 500/150/rest (the
// reference's); cleaning 300 training samples with 40 % flipped labels, 150
// validation and 2 000 test samples (all the rest when full).
func DataSplit(problem string, full bool) Split {
	if problem == "cleaning" {
		sp := Split{NTrain: 300, NVal: 150, NTest: 2000, Flip: 0.4}
		if full {
			sp.NTest = 0
		}
		return sp
	}
	return Split{NTrain: 500, NVal: 150}
}

// DataOptions returns the method settings of a data task for c: LV-HBA at
// the reference α = 0.01; the penalty method with σ = 1e-2, x-step 0.1,
// β = 0.5 and 1 (svm) or 2 (cleaning) inner steps; c.Alpha and c.Sigma
// override. With c.Tol > 0 the penalty method stops at its gradient-mapping
// tolerance, capped at c.Iters (default 5000) outer iterations.
func DataOptions(c Config) SVMOptions {
	opt := SVMOptions{Iters: c.Iters, Alpha: 0.01}
	if c.Method == "penalty" {
		opt = SVMOptions{Iters: c.Iters, Alpha: 0.1, Inner: 2, Sigma: 1e-2, Beta: 0.5}
		if c.Problem == "svm" {
			opt.Inner = 1
		}
	}
	if c.Alpha > 0 {
		opt.Alpha = c.Alpha
	}
	if c.Sigma > 0 {
		opt.Sigma = c.Sigma
	}
	if c.Method == "penalty" && c.Tol > 0 {
		opt.Tol = c.Tol
		if opt.Iters == 0 {
			opt.Iters = 5000
		}
	}
	return opt
}

// RunData runs a data task over c.Seeds seeds (seed, seed+1, …) and
// reports the means.
func RunData(ctx context.Context, c Config, full bool, progress io.Writer) (*Outcome, error) {
	o := &Outcome{Problem: c.Problem, Method: c.Method}
	ds, err := LoadData(c.Problem, c.DataDir, c.Seed)
	if err != nil {
		return nil, err
	}
	sp := DataSplit(c.Problem, full)
	o.Data = ds.Name
	seeds := c.Seeds
	if seeds <= 0 {
		seeds = 5
	}
	opt := DataOptions(c)
	var acc DataRun
	var last *bilevel.Result
	for s := 0; s < seeds; s++ {
		run, r, err := SVMRun(ctx, ds, c.Method, sp, opt, c.Seed+uint64(s))
		if err != nil {
			return nil, err
		}
		last = r
		acc.Test += run.Test / float64(seeds)
		acc.Val += run.Val / float64(seeds)
		acc.Base += run.Base / float64(seeds)
		acc.F1 += run.F1 / float64(seeds)
		acc.AUC += run.AUC / float64(seeds)
		acc.Frac += run.Frac / float64(seeds)
		acc.Time += run.Time / float64(seeds)
		acc.BaseTime += run.BaseTime / float64(seeds)
		acc.BetaRatio += run.BetaRatio / float64(seeds)
		acc.Resid1 += run.Resid1 / float64(seeds)
		acc.ResidK += run.ResidK / float64(seeds)
		o.PerSeedF1 = append(o.PerSeedF1, run.F1)
		o.PerSeedIter = append(o.PerSeedIter, r.Iterations)
		if progress != nil {
			fmt.Fprintf(progress, "bilevel: %s %s seed %d: test %.4f (baseline %.4f) %.2fs\n", c.Problem, c.Method, s, run.Test, run.Base, run.Time)
		}
	}
	setStatus(last, nil, o) // a failed run returned above
	o.Seeds = seeds
	o.TestAcc, o.ValAcc, o.BaselineTest, o.F1 = Ptr(acc.Test), Ptr(acc.Val), Ptr(acc.Base), Ptr(acc.F1)
	o.AUC, o.Flagged = Ptr(acc.AUC), Ptr(acc.Frac)
	if o.F1 != nil {
		o.RandomF1 = Ptr(RandomF1(sp.Flip, acc.Frac))
	}
	o.TimeS = acc.Time
	o.BaselineTimeS = acc.BaseTime
	o.BetaRatio, o.Resid1, o.ResidK = Ptr(acc.BetaRatio), Ptr(acc.Resid1), Ptr(acc.ResidK)
	o.OK = acc.Test > acc.Base
	return o, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
