package bilevel

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/bilevel/proj"
)

// SVMTask is the linear-SVM hyperparameter problem of Yao et al. (LV-HBA,
// section 4; the scripts under "Hyperparameter optimization/Linear SVM" and
// "Data Clean" of SUSTech-Optimization/LV-HBA). The upper variable is one log
// weight c_i per training sample; the lower variable is y = (w, b, ξ):
//
//	lower:  min_{w,b,ξ} ½‖w‖² + ½ Σ_i e^{c_i} ξ_i²   s.t. 1 − ξ_i − t_i(wᵀa_i + b) ≤ 0
//	upper:  F = Σ_{j ∈ val} LeakyReLU(2·sigmoid(−5·t_j(wᵀa_j + b)/‖w‖) − 1)
//
// (a_i features, t_i ∈ {−1, +1} labels, LeakyReLU slope 0.01 as in PyTorch).
// The constraints do not involve c, so the joint set C is R^{n} × P with the
// polyhedron P = {(w, b, ξ) : ξ_i ≥ 1 − t_i(wᵀa_i + b)}, projected exactly by
// proj.Polyhedron (the reference uses CVXPY/ECOS with tolerance 2e-3). For
// data hyper-cleaning the same problem is used with corrupted training
// labels; the learned weights e^{c_i} then flag the corrupted samples.
type SVMTask struct {
	Train, Val, Test *mat.Dense // samples as rows
	TTrain, TVal     []float64  // labels ±1
	TTest            []float64
	d, ntr           int
}

// NewSVMTask checks the shapes and labels (±1) of a split data set.
func NewSVMTask(train *mat.Dense, ttrain []float64, val *mat.Dense, tval []float64, test *mat.Dense, ttest []float64) (*SVMTask, error) {
	ntr, d := train.Dims()
	for _, c := range []struct {
		m *mat.Dense
		t []float64
		n string
	}{{train, ttrain, "train"}, {val, tval, "validation"}, {test, ttest, "test"}} {
		r, cc := c.m.Dims()
		if r != len(c.t) || cc != d {
			return nil, fmt.Errorf("bilevel: NewSVMTask: %s set is %d×%d with %d labels, want %d columns", c.n, r, cc, len(c.t), d)
		}
		for i, v := range c.t {
			if v != 1 && v != -1 {
				return nil, fmt.Errorf("bilevel: NewSVMTask: %s label %d is %v, want ±1", c.n, i, v)
			}
		}
		for _, v := range c.m.RawMatrix().Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("bilevel: NewSVMTask: %w in the %s features", ErrNaN, c.n)
			}
		}
	}
	return &SVMTask{Train: train, Val: val, Test: test, TTrain: ttrain, TVal: tval, TTest: ttest, d: d, ntr: ntr}, nil
}

// Dims returns the feature dimension d and the number of training samples.
func (t *SVMTask) Dims() (d, ntr int) { return t.d, t.ntr }

func sigmoid(u float64) float64 { return 1 / (1 + math.Exp(-u)) }

// Problem returns the bilevel problem: x = c ∈ R^{ntr},
// y = (w, b, ξ) ∈ R^{d+1+ntr}. Y is the polyhedron P (for the penalty
// method), C = R^{ntr} × P (for LV-HBA), Cons the margin constraints.
func (t *SVMTask) Problem() (*Problem, error) {
	d, n := t.d, t.ntr
	m := d + 1 + n
	nv, _ := t.Val.Dims()
	// upper objective and gradient
	upVal := func(y []float64) float64 {
		w, b := y[:d], y[d]
		wn := floats.Norm(w, 2)
		var s float64
		for j := 0; j < nv; j++ {
			u := -5 * t.TVal[j] * (floats.Dot(w, t.Val.RawRowView(j)) + b) / wn
			v := 2*sigmoid(u) - 1
			if v < 0 {
				v *= 0.01
			}
			s += v
		}
		return s
	}
	up := Func{
		F:  func(x, y []float64) float64 { return upVal(y) },
		GX: func(dst, x, y []float64) { clear(dst) },
		GY: func(dst, x, y []float64) {
			clear(dst)
			w, b := y[:d], y[d]
			wn := floats.Norm(w, 2)
			var sw float64 // Σ coef·(wᵀa+b) for the ‖w‖ term
			for j := 0; j < nv; j++ {
				a := t.Val.RawRowView(j)
				raw := floats.Dot(w, a) + b
				u := -5 * t.TVal[j] * raw / wn
				sg := sigmoid(u)
				slope := 1.0
				if 2*sg-1 < 0 {
					slope = 0.01
				}
				// dF/dm with m = t·raw/‖w‖ and u = −5m
				coef := slope * 2 * sg * (1 - sg) * (-5) * t.TVal[j] / wn
				for i := range a {
					dst[i] += coef * a[i]
				}
				dst[d] += coef
				sw += coef * raw
			}
			// ∂(1/‖w‖)/∂w = −w/‖w‖³, times ‖w‖ already divided: −w/‖w‖²
			for i := 0; i < d; i++ {
				dst[i] -= sw * w[i] / (wn * wn)
			}
		},
	}
	low := Func{
		F: func(x, y []float64) float64 {
			w, xi := y[:d], y[d+1:]
			s := 0.5 * floats.Dot(w, w)
			for i, c := range x {
				s += 0.5 * math.Exp(c) * xi[i] * xi[i]
			}
			return s
		},
		GX: func(dst, x, y []float64) {
			xi := y[d+1:]
			for i, c := range x {
				dst[i] = 0.5 * math.Exp(c) * xi[i] * xi[i]
			}
		},
		GY: func(dst, x, y []float64) {
			copy(dst[:d], y[:d])
			dst[d] = 0
			xi := y[d+1:]
			for i, c := range x {
				dst[d+1+i] = math.Exp(c) * xi[i]
			}
		},
	}
	cons := ConsFunc{L: n,
		G: func(dst, x, y []float64) {
			w, b, xi := y[:d], y[d], y[d+1:]
			for i := 0; i < n; i++ {
				dst[i] = 1 - xi[i] - t.TTrain[i]*(floats.Dot(w, t.Train.RawRowView(i))+b)
			}
		},
		JX: func(dst, x, y, lam []float64) { clear(dst) },
		JY: func(dst, x, y, lam []float64) {
			clear(dst)
			for i := 0; i < n; i++ {
				c := -lam[i] * t.TTrain[i]
				a := t.Train.RawRowView(i)
				for j := range a {
					dst[j] += c * a[j]
				}
				dst[d] += c
				dst[d+1+i] = -lam[i]
			}
		},
	}
	cm := mat.NewDense(n, m, nil)
	rhs := make([]float64, n)
	for i := 0; i < n; i++ {
		row := cm.RawRowView(i)
		a := t.Train.RawRowView(i)
		for j := range a {
			row[j] = -t.TTrain[i] * a[j]
		}
		row[d] = -t.TTrain[i]
		row[d+1+i] = -1
		rhs[i] = -1
	}
	poly, err := proj.NewPolyhedron(cm, rhs)
	if err != nil {
		return nil, err
	}
	return &Problem{N: n, M: m, Upper: up, Lower: low, Cons: cons, Y: poly,
		C: proj.NewProduct(proj.Free(n), poly.Clone())}, nil
}

// Accuracy returns the fraction of rows a of z with sign(wᵀa + b) = label
// (a score of 0 counts as wrong), for y = (w, b, …).
func (t *SVMTask) Accuracy(z *mat.Dense, labels, y []float64) float64 {
	r, _ := z.Dims()
	w, b := y[:t.d], y[t.d]
	right := 0
	for i := 0; i < r; i++ {
		if labels[i]*(floats.Dot(w, z.RawRowView(i))+b) > 0 {
			right++
		}
	}
	return float64(right) / float64(r)
}

// SolveLower solves the lower level exactly for the weights e^{c}: it is the
// squared-hinge SVM min ½‖w‖² + ½Σ e^{c_i} max(0, 1 − t_i(wᵀa_i + b))²,
// solved by semismooth Newton with backtracking on (w, b) (ξ is then the
// hinge). It returns y = (w, b, ξ) and an error when Newton fails.
func (t *SVMTask) SolveLower(c []float64) ([]float64, error) {
	d, n := t.d, t.ntr
	p := d + 1
	v := make([]float64, p) // (w, b)
	obj := func(v []float64) float64 {
		s := 0.5 * floats.Dot(v[:d], v[:d])
		for i := 0; i < n; i++ {
			h := 1 - t.TTrain[i]*(floats.Dot(v[:d], t.Train.RawRowView(i))+v[d])
			if h > 0 {
				s += 0.5 * math.Exp(c[i]) * h * h
			}
		}
		return s
	}
	g := make([]float64, p)
	hess := mat.NewSymDense(p, nil)
	trial := make([]float64, p)
	for it := 0; it < 100; it++ {
		clear(g)
		copy(g[:d], v[:d])
		raw := hess.RawSymmetric()
		if raw.Stride != p {
			panic("bilevel: unexpected stride")
		}
		hd := raw.Data
		clear(hd)
		for i := 0; i < d; i++ {
			hess.SetSym(i, i, 1)
		}
		hess.SetSym(d, d, 1e-12)
		for i := 0; i < n; i++ {
			a := t.Train.RawRowView(i)
			h := 1 - t.TTrain[i]*(floats.Dot(v[:d], a)+v[d])
			if h <= 0 {
				continue
			}
			e := math.Exp(c[i])
			// g −= e·h·t_i·(a, 1); upper triangle of H += e·(a, 1)(a, 1)ᵀ
			for j := 0; j < p; j++ {
				aj := 1.0
				if j < d {
					aj = a[j]
				}
				g[j] -= e * h * t.TTrain[i] * aj
				if aj == 0 {
					continue
				}
				row := hd[j*p : (j+1)*p]
				ea := e * aj
				for k := j; k < d; k++ {
					row[k] += ea * a[k]
				}
				row[d] += ea
			}
		}
		if floats.Norm(g, 2) <= 1e-12*(1+floats.Norm(v, 2)) {
			break
		}
		var ch mat.Cholesky
		if !ch.Factorize(hess) {
			return nil, fmt.Errorf("bilevel: SVMTask.SolveLower: singular Newton system")
		}
		var step mat.VecDense
		if err := ch.SolveVecTo(&step, mat.NewVecDense(p, g)); err != nil {
			return nil, err
		}
		f0, s := obj(v), 1.0
		for ls := 0; ls < 60; ls++ {
			for j := range v {
				trial[j] = v[j] - s*step.AtVec(j)
			}
			if obj(trial) <= f0-1e-4*s*floats.Dot(g, step.RawVector().Data) {
				break
			}
			s /= 2
		}
		copy(v, trial)
	}
	y := make([]float64, d+1+n)
	copy(y, v)
	for i := 0; i < n; i++ {
		y[d+1+i] = max(0, 1-t.TTrain[i]*(floats.Dot(v[:d], t.Train.RawRowView(i))+v[d]))
	}
	return y, finite("SVM lower solution", y)
}

// InitialWeights draws the reference script's start c_i ~ U(−6, −5).
func (t *SVMTask) InitialWeights(rng *rand.Rand) []float64 {
	c := make([]float64, t.ntr)
	for i := range c {
		c[i] = -6 + rng.Float64()
	}
	return c
}

// SplitSVM shuffles the rows of (a, labels) with rng and splits them into
// ntr training, nval validation and the remaining test samples, as the
// reference scripts do (500/150/rest).
func SplitSVM(a *mat.Dense, labels []float64, ntr, nval int, rng *rand.Rand) (*SVMTask, error) {
	r, d := a.Dims()
	if ntr+nval >= r {
		return nil, fmt.Errorf("bilevel: SplitSVM: %d samples, need more than %d+%d", r, ntr, nval)
	}
	perm := rng.Perm(r)
	take := func(idx []int) (*mat.Dense, []float64) {
		m := mat.NewDense(len(idx), d, nil)
		t := make([]float64, len(idx))
		for i, j := range idx {
			m.SetRow(i, a.RawRowView(j))
			t[i] = labels[j]
		}
		return m, t
	}
	tr, ttr := take(perm[:ntr])
	va, tva := take(perm[ntr : ntr+nval])
	te, tte := take(perm[ntr+nval:])
	return NewSVMTask(tr, ttr, va, tva, te, tte)
}

// SyntheticSVM draws a linearly separable-ish two-class data set (Gaussian
// features, labels sign(uᵀa + 0.3·noise) for a random direction u) of
// r samples in d dimensions, for runs without the LIBSVM files.
func SyntheticSVM(r, d int, rng *rand.Rand) (*mat.Dense, []float64) {
	u := make([]float64, d)
	for i := range u {
		u[i] = rng.NormFloat64()
	}
	a := mat.NewDense(r, d, nil)
	t := make([]float64, r)
	for i := 0; i < r; i++ {
		row := a.RawRowView(i)
		for j := range row {
			row[j] = rng.NormFloat64() / math.Sqrt(float64(d))
		}
		if floats.Dot(u, row)/math.Sqrt(float64(d))+0.3*rng.NormFloat64()/math.Sqrt(float64(d)) > 0 {
			t[i] = 1
		} else {
			t[i] = -1
		}
	}
	return a, t
}
