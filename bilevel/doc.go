// Package bilevel solves bilevel optimization problems
//
//	min_{x ∈ X, y}  F(x, y)   s.t.  y ∈ argmin_{y' ∈ Y} { G(x, y') : g(x, y') ≤ 0 }
//
// with first-order methods: the penalty methods of Kwon, Kwon, Wright and
// Nowak, the Hessian-free LV-HBA of Yao, Yu, Zeng and Zhang, and the
// classical implicit-differentiation (AID) hypergradient as a baseline.
//
// Names are neutral: Upper is F, Lower is G, Cons is the lower-level
// constraint map g (coupled: it may depend on x). The papers clash: Kwon et
// al. write f (upper) and g (lower); Yao et al. write F (upper), f (lower)
// and g (constraints).
//
// # Papers
//
//   - J. Kwon, D. Kwon, S. Wright, R. Nowak. On Penalty Methods for Nonconvex
//     Bilevel Optimization and First-Order Stochastic Approximation. ICLR 2024.
//     arXiv:2309.01753.
//   - W. Yao, C. Yu, S. Zeng, J. Zhang. Constrained Bi-Level Optimization:
//     Proximal Lagrangian Value Function Approach and Hessian-free Algorithm.
//     ICLR 2024. arXiv:2401.16164.
//
// # Penalty methods (Penalty)
//
// From the paper: the penalized hyper-objective (no coupled constraints, Y
// independent of x)
//
//	ψ_σ(x) = min_{y ∈ Y} { F(x, y) + (G(x, y) − G*(x))/σ },  G*(x) = min_{z ∈ Y} G(x, z),
//
// its closeness to ψ(x) = min_{y ∈ Y*(x)} F(x, y), |ψ_σ − ψ| = O(σ), and the
// first-order gradient
//
//	∇ψ_σ(x) = ∇_x F(x, y_σ) + (∇_x G(x, y_σ) − ∇_x G(x, y*))/σ
//
// for y_σ ∈ argmin_Y σF + G and y* ∈ argmin_Y G. Our reconstruction (the
// algorithm boxes of the paper were not available): warm-started projected
// gradient inner loops for y and z, the geometric σ schedule, the step sizes,
// the stochastic double loop with mini-batch oracles (Sampler) and the
// single-loop variant with STORM momentum estimators
// d_k = ∇(w_k; ξ_k) + (1 − η)(d_{k−1} − ∇(w_{k−1}; ξ_k)).
// PenaltyInnerStep estimates the inner-step bounds the analysis needs,
// β < 1/(L_G + σL_F) for y (h_σ = σF + G is (L_G + σL_F)-smooth) and
// β < 1/L_G for z, by power iterations on Hessian–vector products; the
// stopping test (gradient mapping ≤ Tol) certifies stationarity of ψ_σ only
// as far as the inner loops solved their problems.
//
// # LV-HBA (LVHBA)
//
// The proximal Lagrangian value function
//
//	v_γ(x, y, z) = min_{θ ∈ Y} max_{λ ≥ 0} G(x, θ) + λᵀg(x, θ) + ‖θ − y‖²/(2γ₁) − ‖λ − z‖²/(2γ₂)
//
// turns the problem into min F(x, y) s.t. G(x, y) − v_γ(x, y, z) ≤ 0 over
// (x, y) ∈ C = {x ∈ X, y ∈ Y, g(x, y) ≤ 0} and z in the multiplier box Z of
// radius r. LV-HBA takes one projected gradient step on (θ, λ) (the saddle
// point of v_γ) and one on the penalized function
// φ_k = F/c_k + G − v_γ, c_k = c₀(k+1)^p, per iteration, with Danskin's
// gradients ∇_x v_γ = ∇_x G(x, θ) + (∂g/∂x)ᵀλ, ∇_y v_γ = (y − θ)/γ₁,
// ∇_z v_γ = (λ − z)/γ₂. The update rules are those of the authors' code
// (SUSTech-Optimization/LV-HBA, PerryChuh/BiC-GAFFA), written out at LVHBA.
// Equality constraints (Problem.Equality) keep signed multipliers in [−r, r].
//
// The inner step η defaults to StepRule, which follows the problem's
// constants rather than a script's: with a = L_G + 1/γ₁, b = 1/γ₂ and
// s = ‖∂g/∂y‖ at the start, η = (a + b)/(2(ab + s²)), the fastest step of
// gradient descent–ascent on the model saddle aθ²/2 + sθλ − bλ²/2 (our rule;
// the paper's step conditions were not available). The outer step α
// defaults to η/2.
//
// The reference scripts contain defects, which this package does NOT
// reproduce by default (ReferenceBugs switches them on): in the SVM and
// hyper-cleaning scripts the hyperparameter update is out of place
// (model.C.data.add(…) discards its result, so x never moves), z is never
// updated, and λ is never projected onto λ ≥ 0.
//
// # AID (AID)
//
// For an unconstrained, strongly convex lower level, the classical
// hypergradient ∇ψ = ∇_x F − ∇²_xy G·[∇²_yy G]⁻¹∇_y F, with the linear system
// solved by conjugate gradients (linsolve.CG) on a matrix.Func of
// Hessian–vector products (Hessian interface, or central differences).
//
// # Test problems
//
// T1–T5 (TestProblem) have closed-form solutions or closed-form lower-level
// solutions; SVMTask is the linear-SVM hyperparameter / data hyper-cleaning
// problem of Yao et al. Projections onto the feasible sets come from package
// bilevel/proj. CheckGradients verifies a user's analytic derivatives by
// central differences; Problem.Validate checks that the sets are convex.
//
// Convention: all vectors are []float64; Settings structs have documented
// zero-value defaults; AID, LVHBA and Penalty return (*Result, error): the
// Result always (with its Status, solver.Stats and optional History), and an
// error exactly when the run failed for a reason an error describes — a
// method that does not apply (NotApplicable, wrapping ErrUnsupported), a
// failed projection or linear solve (Breakdown), a NaN or Inf
// (NumericalFailure), or the context's error (Canceled). MaxIterations and
// Converged return a nil error, as does a Recorder that stops the run.
package bilevel
