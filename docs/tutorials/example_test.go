package tutorials_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/auglag"
	"github.com/kkt-go/kkt/sinkhorn"
	"github.com/kkt-go/kkt/sketch"
)

func Example_kaczmarzTwoLines() {
	// Two lines through x* = (1, 1) that meet at the angle θ.
	for _, deg := range []float64{60, 10} {
		th := deg * math.Pi / 180
		rows := [][]float64{{1, 0}, {math.Cos(th), math.Sin(th)}}
		xs := []float64{1, 1}
		x := []float64{0, 0}
		errPrev := 0.0
		for k := 0; k < 20; k++ {
			a := rows[k%2] // cyclic: row 1, row 2, row 1, …
			bi := a[0]*xs[0] + a[1]*xs[1]
			// Project x onto the line {z : a·z = bi}.
			t := (bi - (a[0]*x[0] + a[1]*x[1])) / (a[0]*a[0] + a[1]*a[1])
			x[0] += t * a[0]
			x[1] += t * a[1]
			e := math.Hypot(x[0]-xs[0], x[1]-xs[1])
			if k == 19 {
				fmt.Printf("θ = %2.0f°: error after 20 projections %.2e, last ratio %.4f, cos θ = %.4f\n",
					deg, e, e/errPrev, math.Cos(th))
			}
			errPrev = e
		}
	}
	// Output:
	// θ = 60°: error after 20 projections 1.91e-06, last ratio 0.5000, cos θ = 0.5000
	// θ = 10°: error after 20 projections 7.48e-01, last ratio 0.9848, cos θ = 0.9848
}

func Example_randomizedKaczmarzRate() {
	// A consistent 200×20 Gaussian system A·x = b with a known solution x*.
	const m, n = 200, 20
	rng := rand.New(rand.NewPCG(1, 2))
	a := mat.NewDense(m, n, nil)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	xs := make([]float64, n)
	for j := range xs {
		xs[j] = rng.NormFloat64()
	}
	b := make([]float64, m)
	mat.NewVecDense(m, b).MulVec(a, mat.NewVecDense(n, xs))

	// The Strohmer–Vershynin rate 1 − σ_min²/‖A‖_F².
	var svd mat.SVD
	svd.Factorize(a, mat.SVDNone)
	sv := svd.Values(nil)
	smin2 := sv[n-1] * sv[n-1]
	fro2 := mat.Norm(a, 2) * mat.Norm(a, 2)
	rho := 1 - smin2/fro2
	fmt.Printf("‖A‖_F² = %.1f, σ_min² = %.2f, bound ρ = %.5f\n", fro2, smin2, rho)

	// Average ‖x_k − x*‖²/‖x₀ − x*‖² over 50 runs (seeds) of the solver.
	const runs = 50
	checkpoints := []int{100, 200, 400, 800}
	mean := make([]float64, len(checkpoints))
	e0 := 0.0
	for _, v := range xs {
		e0 += v * v // x₀ = 0
	}
	for seed := uint64(1); seed <= runs; seed++ {
		s, err := sketch.NewKaczmarz(a, b, sketch.RowNorm, sketch.Settings{Seed: seed})
		if err != nil {
			panic(err)
		}
		done := 0
		for c, k := range checkpoints {
			s.Run(context.Background(), 0, k-done) // tol 0: take exactly k−done steps
			done = k
			e := 0.0
			for j, v := range s.X() {
				e += (v - xs[j]) * (v - xs[j])
			}
			mean[c] += e / e0 / runs
		}
	}
	for c, k := range checkpoints {
		fmt.Printf("k = %3d: mean error² ratio %.2e ≤ bound ρ^k %.2e; observed rate %.5f\n",
			k, mean[c], math.Pow(rho, float64(k)), math.Pow(mean[c], 1/float64(k)))
	}

	// The whole family on the same system, each run to ‖b − A·x‖ ≤ 1e-8·‖b‖.
	family := []struct {
		name string
		make func(sketch.Settings) (*sketch.Solver, error)
	}{
		{"Kaczmarz, row-norm sampling", func(set sketch.Settings) (*sketch.Solver, error) {
			return sketch.NewKaczmarz(a, b, sketch.RowNorm, set)
		}},
		{"Kaczmarz, uniform sampling", func(set sketch.Settings) (*sketch.Solver, error) {
			return sketch.NewKaczmarz(a, b, sketch.UniformRow, set)
		}},
		{"block Kaczmarz, 10 rows", func(set sketch.Settings) (*sketch.Solver, error) {
			return sketch.NewBlockKaczmarz(a, b, 10, set)
		}},
		{"Gaussian sketch, q = 1", func(set sketch.Settings) (*sketch.Solver, error) {
			return sketch.NewGaussianKaczmarz(a, b, set)
		}},
		{"Gaussian sketch, q = 5", func(set sketch.Settings) (*sketch.Solver, error) {
			return sketch.NewSketchProject(a, b, sketch.NewGaussian(5, m, rng), set)
		}},
		{"count sketch, q = 5", func(set sketch.Settings) (*sketch.Solver, error) {
			return sketch.NewSketchProject(a, b, sketch.NewCountSketch(5, m, rng), set)
		}},
	}
	for _, f := range family {
		s, err := f.make(sketch.Settings{Seed: 1, RTol: 1e-8})
		if err != nil {
			panic(err)
		}
		res := s.Solve(context.Background())
		// The flops of one step alone, without the residual bookkeeping.
		probe, _ := f.make(sketch.Settings{Seed: 1, AnchorOnly: true, AnchorEvery: 1 << 30})
		before := probe.Work().Flops
		for k := 0; k < 10; k++ {
			probe.Step()
		}
		perStep := float64(probe.Work().Flops-before) / 10
		fmt.Printf("%-27s %v after %3d steps × %5.0f flops = %4.2f Mflop\n",
			f.name, res.Status, res.Iterations, perStep, float64(res.Iterations)*perStep/1e6)
	}
	// Output:
	// ‖A‖_F² = 3965.4, σ_min² = 107.02, bound ρ = 0.97301
	// k = 100: mean error² ratio 7.16e-03 ≤ bound ρ^k 6.48e-02; observed rate 0.95181
	// k = 200: mean error² ratio 7.56e-05 ≤ bound ρ^k 4.20e-03; observed rate 0.95366
	// k = 400: mean error² ratio 1.00e-08 ≤ bound ρ^k 1.77e-05; observed rate 0.95500
	// k = 800: mean error² ratio 6.54e-17 ≤ bound ρ^k 3.12e-10; observed rate 0.95449
	// Kaczmarz, row-norm sampling Converged after 799 steps ×    80 flops = 0.06 Mflop
	// Kaczmarz, uniform sampling  Converged after 693 steps ×    80 flops = 0.06 Mflop
	// block Kaczmarz, 10 rows     Converged after  57 steps ×  1020 flops = 0.06 Mflop
	// Gaussian sketch, q = 1      Converged after 778 steps ×  8560 flops = 6.66 Mflop
	// Gaussian sketch, q = 5      Converged after 124 steps × 43600 flops = 5.41 Mflop
	// count sketch, q = 5         Converged after 142 steps × 10000 flops = 1.42 Mflop
}

func Example_sketchAndProjectStep() {
	// A consistent system of 6 equations in 3 unknowns with solution x* = (1, 2, 3).
	a := mat.NewDense(6, 3, []float64{
		1, 2, 0,
		0, 1, 1,
		2, 0, 1,
		1, 1, 1,
		3, -1, 0,
		0, 2, -1,
	})
	xs := mat.NewVecDense(3, []float64{1, 2, 3})
	var b mat.VecDense
	b.MulVec(a, xs)

	// One sketch-and-project step x⁺ = x − AᵀS (SᵀAAᵀS)⁺ Sᵀ(Ax − b)
	// for an m×q sketch S (Gower & Richtárik's convention).
	project := func(x *mat.VecDense, s *mat.Dense) *mat.VecDense {
		var r, str mat.VecDense
		r.MulVec(a, x)
		r.SubVec(&r, &b)      // r = Ax − b
		str.MulVec(s.T(), &r) // Sᵀr
		var ats, g mat.Dense
		ats.Mul(a.T(), s)    // AᵀS, n×q
		g.Mul(ats.T(), &ats) // SᵀAAᵀS, q×q
		var svd mat.SVD
		svd.Factorize(&g, mat.SVDThin)
		var y mat.Dense
		svd.SolveTo(&y, &str, svd.Rank(1e-12)) // y = (SᵀAAᵀS)⁺ Sᵀr
		var step, xn mat.VecDense
		step.MulVec(&ats, y.ColView(0))
		xn.SubVec(x, &step)
		return &xn
	}
	dist := func(u, v *mat.VecDense) float64 {
		var w mat.VecDense
		w.SubVec(u, v)
		return mat.Norm(&w, 2)
	}
	x := mat.NewVecDense(3, nil) // x₀ = 0

	// S = e₃ picks row 3 (counting from 0): Kaczmarz's step on that row.
	x1 := project(x, mat.NewDense(6, 1, []float64{0, 0, 0, 1, 0, 0}))
	fmt.Printf("S = e₃:     x⁺ = (%.4f, %.4f, %.4f)\n", x1.AtVec(0), x1.AtVec(1), x1.AtVec(2))

	// A Gaussian sketch with q = 2 columns.
	rng := rand.New(rand.NewPCG(7, 7))
	gauss := func() *mat.Dense {
		s := mat.NewDense(6, 2, nil)
		s.Apply(func(_, _ int, _ float64) float64 { return rng.NormFloat64() }, s)
		return s
	}
	s := gauss()
	x2 := project(x, s)
	var r, str mat.VecDense
	r.MulVec(a, x2)
	r.SubVec(&r, &b)
	str.MulVec(s.T(), &r)
	fmt.Printf("S Gaussian: x⁺ solves the sketched system: %v\n", mat.Norm(&str, 2) < 1e-12)
	fmt.Printf("Pythagoras: ‖x − x*‖² = %.6f = ‖x⁺ − x*‖² + ‖x⁺ − x‖² = %.6f + %.6f\n",
		math.Pow(dist(x, xs), 2), math.Pow(dist(x2, xs), 2), math.Pow(dist(x2, x), 2))

	// Repeat with a fresh sketch at every step.
	for k := 1; k <= 20; k++ {
		x = project(x, gauss())
		if k%5 == 0 {
			fmt.Printf("after %d steps: ‖x − x*‖ = %.1e\n", k, dist(x, xs))
		}
	}
	// Output:
	// S = e₃:     x⁺ = (2.0000, 2.0000, 2.0000)
	// S Gaussian: x⁺ solves the sketched system: true
	// Pythagoras: ‖x − x*‖² = 14.000000 = ‖x⁺ − x*‖² + ‖x⁺ − x‖² = 10.913064 + 3.086936
	// after 5 steps: ‖x − x*‖ = 1.8e-01
	// after 10 steps: ‖x − x*‖ = 2.5e-03
	// after 15 steps: ‖x − x*‖ = 1.0e-04
	// after 20 steps: ‖x − x*‖ = 1.8e-08
}

func Example_adaSketchNewton() {
	// HS28: minimize (x₁ + x₂)² + (x₂ + x₃)² subject to x₁ + 2x₂ + 3x₃ = 1.
	hs28 := &auglag.DenseProblem{Dim: 3, NCons: 1, Start: []float64{-4, 1, 1},
		F: func(x []float64) float64 { a, b := x[0]+x[1], x[1]+x[2]; return a*a + b*b },
		Grad: func(d, x []float64) {
			a, b := x[0]+x[1], x[1]+x[2]
			d[0], d[1], d[2] = 2*a, 2*a+2*b, 2*b
		},
		C:    func(d, x []float64) { d[0] = x[0] + 2*x[1] + 3*x[2] - 1 },
		Jac:  func(d, x []float64) { d[0], d[1], d[2] = 1, 2, 3 },
		Hess: func(d, x, y []float64) { copy(d, []float64{2, 2, 0, 2, 4, 2, 0, 2, 2}) },
	}
	for _, run := range []struct {
		name string
		set  auglag.Settings // the zero Method is AdaSketchGV
	}{
		{"paper's accuracy condition", auglag.Settings{}},
		{"‖Kz − b‖ ≤ 0.1·‖b‖", auglag.Settings{InnerRTol: 0.1}},
		{"‖Kz − b‖ ≤ 0.1·(k+1)⁻²·‖b‖", auglag.Settings{InnerRTol: 0.1, Theta: auglag.Superlinear(2)}},
	} {
		fmt.Println(run.name)
		run.set.Recorder = func(it auglag.Iteration) bool {
			fmt.Printf("  k = %d: ‖(∇L, c)‖ = %.1e, %4d sketch steps\n", it.K, it.KKT, it.SketchSteps)
			return true
		}
		res, err := auglag.Solve(context.Background(), hs28, run.set)
		if err != nil {
			panic(err)
		}
		fmt.Printf("  %v: ‖(∇L, c)‖ = %.0e, x = (%.3f, %.3f, %.3f)\n",
			res.Status, res.KKT, res.X[0], res.X[1], res.X[2])
	}
	// Output:
	// paper's accuracy condition
	//   k = 1: ‖(∇L, c)‖ = 7.5e+00, 2313 sketch steps
	//   Converged: ‖(∇L, c)‖ = 9e-11, x = (0.500, -0.500, 0.500)
	// ‖Kz − b‖ ≤ 0.1·‖b‖
	//   k = 1: ‖(∇L, c)‖ = 7.5e+00,   31 sketch steps
	//   k = 2: ‖(∇L, c)‖ = 6.2e-01,  144 sketch steps
	//   k = 3: ‖(∇L, c)‖ = 4.9e-02,  214 sketch steps
	//   k = 4: ‖(∇L, c)‖ = 3.7e-03,  219 sketch steps
	//   k = 5: ‖(∇L, c)‖ = 3.7e-04,  134 sketch steps
	//   Converged: ‖(∇L, c)‖ = 4e-05, x = (0.500, -0.500, 0.500)
	// ‖Kz − b‖ ≤ 0.1·(k+1)⁻²·‖b‖
	//   k = 1: ‖(∇L, c)‖ = 7.5e+00,  138 sketch steps
	//   k = 2: ‖(∇L, c)‖ = 1.5e-01,  494 sketch steps
	//   k = 3: ‖(∇L, c)‖ = 1.7e-03,  474 sketch steps
	//   Converged: ‖(∇L, c)‖ = 9e-06, x = (0.500, -0.500, 0.500)
}

func Example_sinkhornAscent() {
	// Three points at 0, 1, 2 carry masses a; three points at 0.5, 1.5, 2.5
	// receive masses b; moving mass from u to v costs (u − v)².
	src, dst := []float64{0, 1, 2}, []float64{0.5, 1.5, 2.5}
	a := []float64{0.5, 0.25, 0.25}
	b := []float64{0.25, 0.25, 0.5}
	c := mat.NewDense(3, 3, nil)
	c.Apply(func(i, j int, _ float64) float64 { return (src[i] - dst[j]) * (src[i] - dst[j]) }, c)
	const eta = 5.0 // η = 1/ε

	// Sinkhorn by hand, in the log domain: x_i ← x_i + (log a_i − log Σ_j P_ij)/η
	// with P_ij = exp(η(x_i + y_j − C_ij) − 1), then the same for y.
	logSumExp := func(t []float64) float64 {
		mx := math.Inf(-1)
		for _, v := range t {
			mx = math.Max(mx, v)
		}
		s := 0.0
		for _, v := range t {
			s += math.Exp(v - mx)
		}
		return mx + math.Log(s)
	}
	x, y := make([]float64, 3), make([]float64, 3)
	t := make([]float64, 3)
	for it := 1; it <= 1500; it++ {
		for i := range x { // x-update: afterwards every row of P sums to a_i
			for j := range y {
				t[j] = eta*(x[i]+y[j]-c.At(i, j)) - 1
			}
			x[i] += (math.Log(a[i]) - logSumExp(t)) / eta
		}
		for j := range y { // y-update: afterwards every column of P sums to b_j
			for i := range x {
				t[i] = eta*(x[i]+y[j]-c.At(i, j)) - 1
			}
			y[j] += (math.Log(b[j]) - logSumExp(t)) / eta
		}
		if it <= 3 || it%500 == 0 {
			gx, gy := sinkhorn.DualGrad(nil, nil, a, b, c, eta, x, y) // (a − P1, b − Pᵀ1)
			fmt.Printf("iteration %4d: f = %.10f, ‖a − P1‖₁ = %.1e, ‖b − Pᵀ1‖₁ < 1e-14: %v\n",
				it, sinkhorn.Dual(a, b, c, eta, x, y), floats.Norm(gx, 1), floats.Norm(gy, 1) < 1e-14)
		}
	}

	// The Hessian of f and its null direction v = (1, 1, 1, −1, −1, −1).
	h := sinkhorn.DualHessian(nil, c, eta, x, y)
	v := mat.NewVecDense(6, []float64{1, 1, 1, -1, -1, -1})
	var hv mat.VecDense
	hv.MulVec(h, v)
	var eig mat.EigenSym
	eig.Factorize(h, false)
	ev := eig.Values(nil)
	for k := range ev {
		ev[k] = math.Round(ev[k]/eta*1e4) / 1e4
		if ev[k] == 0 {
			ev[k] = 0 // print −0 as 0
		}
	}
	fmt.Printf("‖∇²f·v‖ < 1e-12: %v; eigenvalues of ∇²f/η: %.4f\n", mat.Norm(&hv, 2) < 1e-12, ev)

	// Scaled by its diagonal, −∇²f/η = [[D₁, P], [Pᵀ, D₂]] becomes [[I, Q], [Qᵀ, I]]
	// with Q = D₁^{-1/2} P D₂^{-1/2}, whose eigenvalues are 1 ± σ_i(Q).
	p := sinkhorn.PlanAt(nil, c, eta, x, y)
	q := mat.NewDense(3, 3, nil)
	q.Apply(func(i, j int, pij float64) float64 { return pij / math.Sqrt(a[i]*b[j]) }, p)
	var svd mat.SVD
	svd.Factorize(q, mat.SVDNone)
	sq := svd.Values(nil)
	fmt.Printf("σ(Q) = %.4f, Sinkhorn's rate σ₂² = %.4f\n", sq, sq[1]*sq[1])
	var cp mat.Dense
	cp.MulElem(c, p)
	fmt.Printf("cost ⟨C, P⟩ = %.6f\n", mat.Sum(&cp))
	// Output:
	// iteration    1: f = 0.0655451318, ‖a − P1‖₁ = 7.5e-01, ‖b − Pᵀ1‖₁ < 1e-14: true
	// iteration    2: f = 0.1839410529, ‖a − P1‖₁ = 6.1e-01, ‖b − Pᵀ1‖₁ < 1e-14: true
	// iteration    3: f = 0.2753294870, ‖a − P1‖₁ = 5.5e-01, ‖b − Pᵀ1‖₁ < 1e-14: true
	// iteration  500: f = 0.9720695590, ‖a − P1‖₁ = 2.1e-05, ‖b − Pᵀ1‖₁ < 1e-14: true
	// iteration 1000: f = 0.9720695623, ‖a − P1‖₁ = 2.6e-08, ‖b − Pᵀ1‖₁ < 1e-14: true
	// iteration 1500: f = 0.9720695623, ‖a − P1‖₁ = 3.2e-11, ‖b − Pᵀ1‖₁ < 1e-14: true
	// ‖∇²f·v‖ < 1e-12: true; eigenvalues of ∇²f/η: [-0.7503 -0.7475 -0.2508 -0.2492 -0.0022 0.0000]
	// σ(Q) = [1.0000 0.9933 0.0034], Sinkhorn's rate σ₂² = 0.9867
	// cost ⟨C, P⟩ = 1.253347
}

func Example_randomTransport() {
	// A random problem: n = 60 points on each side, costs C_ij ~ U[0, 1], uniform masses.
	n, rng := 60, rand.New(rand.NewPCG(1, 2))
	c := mat.NewDense(n, n, nil)
	c.Apply(func(_, _ int, _ float64) float64 { return rng.Float64() }, c)
	a := make([]float64, n)
	for i := range a {
		a[i] = 1 / float64(n)
	}
	for _, eta := range []float64{10, 30, 100, 300} {
		set := sinkhorn.Settings{Eta: eta, Tol: 1e-10, MaxIter: 5000, History: true, Domain: sinkhorn.Log}
		sk, err := sinkhorn.Sinkhorn(context.Background(), a, a, c, set)
		if err != nil {
			panic(err)
		}
		// The observed rate: the error's decrease per iteration over the last 10.
		h := sk.History
		last := len(h) - 1
		observed := math.Pow(h[last].MarginalError/h[last-10].MarginalError, 0.1)
		// The predicted rate σ₂² from the solution's plan (SNS finds it quickly).
		set.History = false
		sns, err := sinkhorn.SNS(context.Background(), a, a, c, sinkhorn.SNSSettings{Settings: set, FixedSparsity: true})
		if err != nil {
			panic(err)
		}
		q := mat.NewDense(n, n, nil)
		q.Apply(func(i, j int, pij float64) float64 { return pij / math.Sqrt(a[i]*a[j]) }, sns.Plan)
		var svd mat.SVD
		svd.Factorize(q, mat.SVDNone)
		s2 := svd.Values(nil)[1]
		fmt.Printf("η = %3.0f: Sinkhorn %4d iterations, error %.0e, rate %.6f; σ₂² = %.6f, 1 − σ₂ = %.1e; SNS %d + %d\n",
			eta, sk.Iterations, sk.MarginalError, observed, s2*s2, 1-s2, sns.Iterations, sns.NewtonIterations)
	}

	// Now add 1 to every cost. This changes no plan (⟨C + 1, P⟩ = ⟨C, P⟩ + 1 on the
	// feasible set), but the kernel K = exp(−η(C + 1)) underflows to zero at η = 1200.
	fmt.Printf("exp(−700) = %.1e, exp(−746) = %v, exp(−1200) = %v\n", math.Exp(-700), math.Exp(-746), math.Exp(-1200))
	c1 := mat.NewDense(n, n, nil)
	c1.Apply(func(_, _ int, cij float64) float64 { return cij + 1 }, c)
	for _, dom := range []sinkhorn.Domain{sinkhorn.Scaling, sinkhorn.Log} {
		res, err := sinkhorn.Sinkhorn(context.Background(), a, a, c1, sinkhorn.Settings{Eta: 1200, MaxIter: 100, Domain: dom})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-7v domain, η = 1200: %v, marginal error %.2f after %d iterations\n", dom, res.Status, res.MarginalError, res.Iterations)
	}

	// λ = 0: the default density 2/n, i.e. 3n = 180 of the 3600 entries of P;
	// λ = 1: the whole Hessian (Newton's method, solved by CG).
	for _, lambda := range []float64{0, 1} {
		res, err := sinkhorn.SNS(context.Background(), a, a, c, sinkhorn.SNSSettings{
			Settings: sinkhorn.Settings{Eta: 100, Tol: 1e-12, History: true},
			Sparsity: lambda, FixedSparsity: true, // the paper's fixed λ (Algorithm 1)
		})
		if err != nil {
			panic(err)
		}
		fmt.Printf("λ = %v: %d Newton steps, %d CG iterations; errors:", lambda, res.NewtonIterations, res.CGIterations)
		for _, it := range res.History {
			if it.Newton && it.MarginalError >= 1e-12 {
				fmt.Printf(" %.0e", it.MarginalError)
			}
		}
		fmt.Println(", then < 1e-12")
	}
	// Output:
	// η =  10: Sinkhorn   15 iterations, error 3e-11, rate 0.230089; σ₂² = 0.234635, 1 − σ₂ = 5.2e-01; SNS 15 + 0
	// η =  30: Sinkhorn   39 iterations, error 8e-11, rate 0.600947; σ₂² = 0.603957, 1 − σ₂ = 2.2e-01; SNS 20 + 9
	// η = 100: Sinkhorn  599 iterations, error 1e-10, rate 0.972157; σ₂² = 0.972157, 1 − σ₂ = 1.4e-02; SNS 20 + 13
	// η = 300: Sinkhorn 5000 iterations, error 1e-05, rate 0.999758; σ₂² = 0.999992, 1 − σ₂ = 3.8e-06; SNS 20 + 20
	// exp(−700) = 9.9e-305, exp(−746) = 0, exp(−1200) = 0
	// scaling domain, η = 1200: NumericalFailure, marginal error 2.00 after 0 iterations
	// log     domain, η = 1200: MaxIterations, marginal error 0.06 after 100 iterations
	// λ = 0: 16 Newton steps, 943 CG iterations; errors: 4e-03 7e-04 1e-04 3e-05 5e-06 1e-06 2e-07 6e-08 1e-08 3e-09 8e-10 2e-10 5e-11 1e-11 4e-12, then < 1e-12
	// λ = 1: 5 Newton steps, 204 CG iterations; errors: 2e-03 1e-04 1e-06 2e-10, then < 1e-12
}
