// Package auglag solves equality-constrained nonlinear programs
//
//	minimize f(x)  subject to  c(x) = 0,   x ∈ Rⁿ, c: Rⁿ → Rᵐ,
//
// (Solve) and general nonlinear programs with bounds and inequalities
// (SolveNLP, section "General NLPs" below). Solve runs the adaptive
// inexact Newton method with randomized iterative sketching on the exact
// augmented Lagrangian of
//
//	I. Hong, S. Na, M. W. Mahoney, M. Kolar, "Constrained Optimization via
//	Exact Augmented Lagrangian and Randomized Iterative Sketching",
//	ICML 2023, arXiv 2305.18379 (reference code: IlgeeHong/AdaSketch-Newton).
//
// # What Solve accepts
//
// Solve's methods handle only min f(x) s.t. c(x) = 0. When the problem
// states its bounds (XL, XU, CL, CU, as nlp.Problem and *cutest.Problem
// do), any finite variable bound, any inequality or range row and any row
// without a finite side makes Solve return an error wrapping
// nlp.ErrUnsupported that names the method and the problem; nothing is
// dropped. Equalities cl = c(x) = cu with cl ≠ 0 are solved as
// c(x) − cl = 0. A problem without those methods is taken to be of the
// form c(x) = 0.
//
// # Merit function
//
// With the Lagrangian L(x, λ) = f(x) + λᵀc(x) and G = ∇cᵀ (m×n), the merit is
//
//	L_η(x, λ) = L(x, λ) + (η₁/2)‖c(x)‖² + (η₂/2)‖∇ₓL(x, λ)‖²,
//
// with gradient
//
//	∇ₓL_η = ∇ₓL + η₂·∇²ₓL·∇ₓL + η₁·Gᵀc,    ∇_λL_η = c + η₂·G·∇ₓL.
//
// The reference code uses ∇²f in place of ∇²ₓL in the first formula, which
// is exact only when the constraints are linear; Settings.Hessian =
// ObjectiveHessian reproduces it, the default uses the true ∇²ₓL (one
// Lagrangian Hessian–vector product per iteration). Both give identical
// iterates on problems with linear constraints (tested on HS28 and the PDE
// problem).
//
// # Iteration k (as the reference code runs it)
//
//  1. b = −(∇ₓL; c); stop when ‖b‖₂ ≤ Tol (1e-4).
//  2. ξ_G = λ_min(G Gᵀ); abort with Singular below SingularTol.
//  3. B = ∇²ₓL, replaced by ∇²ₓL + (ξ_B + ‖∇²ₓL‖_F)·I when
//     λ_min(Zᵀ∇²ₓL Z) < 1e-6, Z a basis of null(G).
//  4. Ψ = 20·max(‖B‖²_F, 1)/(min(ξ_G, 1)·min(ξ_B, 1)), Υ = max(‖G‖_F, ‖∇²ₓL‖_F, 1),
//     δ_trial = (½ − β)η₂/((1 + η₁ + η₂)Υ²Ψ²), δ ← max(min(δ, δ_trial), 1e-6).
//  5. Solve K z = b, K = [[B, Gᵀ], [G, 0]], by a randomized solver of package
//     sketch (Gaussian sketch-and-project "GV", uniform Kaczmarz "RK",
//     row-norm Kaczmarz) from z = 0 until the adaptive accuracy condition
//     ‖K‖_F·Ψ·‖Kz − b‖ ≤ θ_k·δ·‖b‖ holds (or MaxInner steps).
//  6. Δq = ∇L_ηᵀz. While Δq > −(η₂/2)‖b‖² (and η₁ ≤ 1e8, η₂ ≥ 1e-8):
//     η₁ ← ν²η₁, η₂ ← η₂/ν, δ ← max(min(δ/ν⁴, δ_trial), 1e-6), and the SAME
//     sketch solver continues from its current z to the new accuracy.
//  7. Armijo backtracking α ← α/2 from α = 1 until
//     L_η(x + αΔx, λ + αΔλ) ≤ L_η(x, λ) + αβΔq; x ← x + αΔx, λ ← λ + αΔλ.
//
// All norms of matrices are Frobenius norms, as in the reference (Julia's
// norm of a matrix). θ_k = 1 reproduces the reference; Superlinear gives a
// schedule θ_k → 0, the sharpened condition under which the paper proves
// superlinear convergence.
//
// # What differs from the reference code
//
//   - Sparse throughout: K is assembled as a CSR matrix and the sketch
//     solvers update the residual incrementally (re-anchored exactly every
//     max(n+m, 32) steps) instead of recomputing K·z densely after every step.
//   - λ_min(G Gᵀ) and the reduced-Hessian test use dense eigenvalue
//     computations only up to Settings.DenseLimit; above it λ_min(GGᵀ) is the
//     smallest Ritz value of 80 Lanczos steps and the reduced-Hessian test is
//     replaced by the sufficient test λ_min(∇²ₓL) < 1e-6 (Lanczos).
//   - The line search stops after MaxBacktracks halvings with
//     LineSearchFailed (the reference loops forever); non-finite trial values
//     are rejected like failed Armijo tests.
//   - The singularity threshold defaults to 1e-6 (the reference's newest runs
//     use 1e-2, which makes GOTTFR and PRICE4NE fail).
//
// # Other inner solvers in the same framework (not in the paper)
//
// Newton runs the same merit/penalty/line-search framework with an exact KKT
// solve (linsolve.DirectSparse: sparse Cholesky, LDLᵀ or LU chosen by the
// KKT matrix, dense only for small or dense ones; unpreconditioned MINRES to
// 1e-10 relative residual if the matrix is singular): the exact-Newton
// baseline.
//
// NewtonSchur and NewtonPMINRES apply when B — the Lagrangian Hessian after
// any modification — is diagonal with positive entries (separable convex
// objective, constraints with vanishing or diagonal second derivatives; the
// PDE-control problem is the example). With S = G B⁻¹ Gᵀ (sparse SPD when G
// has full row rank):
//
//   - NewtonSchur is the range-space method: S Δλ = G B⁻¹ b₁ − b₂,
//     Δx = B⁻¹(b₁ − GᵀΔλ), with S factored by linsolve's sparse Cholesky
//     (AMD ordering, supernodal, iterative refinement; analysed once and
//     refactored in place each iteration). Exact; for the 2-D PDE grid the
//     fill of AMD gives O(m log m) storage and about O(m^1.5) work.
//   - NewtonPMINRES is MINRES on K with the fixed block-diagonal SPD
//     preconditioner diag(B, L Lᵀ), L Lᵀ the IC(0) factor of S (diagonally
//     shifted if IC(0) breaks down), to ‖Kz − b‖ ≤ 1e-10‖b‖.
//
// Both stop with NotApplicable when B is not diagonal and positive. The
// paper's accuracy condition is not used with them: on the PDE problem at
// N = 128 it demands ‖Kz − b‖ ≤ 1e-19‖b‖, below double precision.
//
// Settings.InnerRTol > 0 replaces the accuracy condition by the
// inexact-Newton forcing condition ‖Kz − b‖ ≤ θ_k·InnerRTol·‖b‖, under which
// the effect of the superlinear schedule θ_k → 0 becomes visible.
//
// # Baselines of the paper's comparison
//
// L1SQP is the ℓ1-merit adaptive inexact SQP with GMRES inner solves
// (GmresL1AdapSQP of the reference repository) and ALM the classical
// augmented Lagrangian method of multipliers (AL); the comments on runL1SQP
// and runALM in baselines.go, and docs/auglag.md, say which details follow
// the authors' code and which are our reconstruction.
//
// # General NLPs: a bound-constrained augmented Lagrangian (SolveNLP)
//
// SolveNLP solves the form of package nlp,
//
//	minimize f(x)  subject to  cl ≤ c(x) ≤ cu,  xl ≤ x ≤ xu,
//
// by the safeguarded augmented Lagrangian method of ALGENCAN (Andreani,
// Birgin, Martínez, Schuverdt, SIAM J. Optim. 18, 2007; Birgin & Martínez,
// "Practical Augmented Lagrangian Methods for Constrained Optimization",
// SIAM 2014) on the slack formulation of LANCELOT (Conn, Gould, Toint,
// SIAM J. Numer. Anal. 28, 1991, and LANCELOT, Springer 1992), with a
// TRON-style trust-region projected Newton–CG method for the
// bound-constrained subproblems (Lin & Moré, SIAM J. Optim. 9, 1999). It is
// matrix-free: it uses f, ∇f, c, the sparse Jacobian J (products Jv and Jᵀw
// only) and Hessian–vector products HessLagVec; nothing is factored, and
// the iteration allocates nothing. It returns the *nlp.Result of the
// interior-point method (Method "auglag").
//
// Scaling. As IPOPT's gradient-based scaling, f and every cⱼ are
// multiplied by s_f = min(1, 100/‖∇f(x₀)‖∞) and sⱼ = min(1, 100/‖∇cⱼ(x₀)‖∞)
// (at least 10⁻⁸), x₀ the start point projected onto the bounds; cl and cu
// are scaled with c. Below f, c, cl, cu are the scaled quantities; the
// Result is unscaled.
//
// The augmented Lagrangian with slacks. Every row, equality, one-sided,
// range or free, gets a slack sⱼ ∈ [clⱼ, cuⱼ] (fixed at clⱼ for an
// equality), and the subproblem variables are z = (x, s) in the box
// [xl, xu] × [cl, cu], as in LANCELOT:
//
//	Φ(x, s) = f(x) + Σⱼ ȳⱼ rⱼ + (ρ/2) Σⱼ rⱼ²,   rⱼ = cⱼ(x) − sⱼ.
//
// Minimizing Φ over s gives sⱼ = P_[clⱼ,cuⱼ](cⱼ + ȳⱼ/ρ) and the
// Powell–Hestenes–Rockafellar function
// f + (ρ/2) Σⱼ dist(cⱼ + ȳⱼ/ρ, [clⱼ, cuⱼ])² − Σⱼ ȳⱼ²/2ρ that ALGENCAN
// minimizes, so the outer iteration is ALGENCAN's. Keeping s as variables
// makes Φ twice continuously differentiable (the PHR function is not, at
// cⱼ + ȳⱼ/ρ = clⱼ or cuⱼ), so the Newton model of a quadratic program is
// exact. The gradient is ∇Φ = (∇f + Jᵀŷ, −ŷ) with
//
//	ŷ = ȳ + ρ(c(x) − s),
//
// the first-order multiplier update (sign convention of L = f + yᵀc: ŷⱼ ≥ 0
// at an active upper side, ≤ 0 at an active lower side once s is optimal).
// With t = J·vx − vs the Hessian–vector product is
//
//	∇²Φ·(vx, vs) = (∇²ₓL(x, ŷ)·vx + ρJᵀt, −ρt),
//
// one HessLagVec and two sparse Jacobian products per CG step. After every
// outer iteration the slacks are reset to P(c + ȳ/ρ).
//
// Outer iteration k:
//
//  1. Minimize Φ over the box to ‖P(z − ∇Φ) − z‖∞ ≤ ε_k·s_d (below).
//  2. Measures at x with ŷ: primal infeasibility ‖c − P_[cl,cu](c)‖∞;
//     dual infeasibility ‖P(z − ∇Φ) − z‖∞/s_d, whose x part is the
//     projected gradient of the Lagrangian ‖P(x − ∇ₓL(x, ŷ)) − x‖∞, with
//     s_d = max(100, (‖ŷ‖₁ + ‖z_b‖₁)/(m + n))/100 IPOPT's multiplier scale
//     (z_b the bound multipliers implied by ∇ₓL; the projected gradient
//     holds the bounds' complementarity in min form, as ALGENCAN);
//     complementarity of the inequality rows in IPOPT's product form, the
//     largest slack·|ŷⱼ| divided by IPOPT's s_c (a multiplier of a side
//     that is absent counts as |ŷⱼ|).
//     Converged when all three are ≤ Tol (10⁻⁸).
//  3. Safeguarded update ȳ ← P_[−YMax, YMax](ŷ) (YMax = 10²⁰ as
//     ALGENCAN 3.1.1).
//  4. V = ‖c − P(c + ŷ)‖∞ (ALGENCAN's feasibility–complementarity measure
//     written with one multiplier per row); ρ ← γρ (γ = 10) when
//     V > τ·V_prev (τ = 0.5) and the point is not feasible to Tol (as
//     ALGENCAN 3.1.1, ρ is not raised at a feasible point).
//  5. ε_{k+1} = max(Tol/10, ε_k/10), from ε₁ = √Tol.
//
// ρ₁ is ALGENCAN's rule
// max(10⁻⁸, min(10⁸, 10·max(1, |f(x₀)|)/max(1, ½‖c − P(c)‖²))).
//
// Statuses. Infeasible: the infeasibility exceeds √Tol, ρ ≥ 10¹⁰, it has
// not improved by 1 % in 5 outer iterations and x is stationary for
// θ = ½‖c − P(c)‖² over the box (‖P(x − ∇θ) − x‖∞ ≤ √Tol·infeasibility),
// or ρ would exceed RhoMax (10²⁰) at such an infeasibility. Stagnated: ρ
// would exceed RhoMax at an infeasibility ≤ √Tol (the subproblems could not
// be solved accurately enough). Unbounded: Φ below −10²⁰ in a subproblem,
// or f < −10²⁰ at a feasible point. MaxIterations (MaxIter outer
// iterations, default 100), NumericalFailure (NaN or Inf from the
// problem) and Canceled (context or Recorder).
//
// The subproblem solver. At z with gradient g = ∇Φ(z) and trust radius Δ
// (2-norm, at least 1 at the start of a subproblem):
//
//  1. Generalized Cauchy point: s(t) = P(z − t·g) − z, t from the previous
//     iteration, halved or doubled until the model
//     q(s) = gᵀs + ½sᵀ∇²Φs satisfies q(s) ≤ 0.01·gᵀs and ‖s‖ ≤ Δ
//     (Moré–Toraldo, TRON).
//  2. Subspace step: the variables strictly inside their bounds at the
//     Cauchy point are free; preconditioned CG on the free block of ∇²Φ
//     from the model gradient there, to the relative residual
//     min(10⁻³, √‖r₀‖), stopped at negative curvature or the trust-region
//     boundary (Steihaug–Toint) or when the iterate leaves the box; then a
//     projected search P(z + s + βw), β = 1, ½, …, must lower the model;
//     up to 10 such rounds while CG is stopped by a bound. The
//     preconditioner is diagonal: 1 + ρΣⱼ sⱼ²J²ⱼᵢ on x, ρ on the slacks
//     (the diagonal of the penalty term; ∇²L's diagonal is not formed).
//  3. Ratio test of the actual and predicted decrease of Φ: the step is
//     accepted when the ratio exceeds 10⁻⁴; Δ is quartered below 0.25 and
//     doubled above 0.75 when the step reached it.
//  4. Stop when ‖P(z − ∇Φ) − z‖∞ ≤ ε_k·s_d, after moving the variables that
//     a projected-gradient step would put on a bound exactly onto it when
//     that does not increase Φ.
//
// Bounds hold exactly at every iterate: every trial point is a projection.
//
// Deviations from ALGENCAN and LANCELOT, plainly:
//
//   - Slacks as in LANCELOT rather than ALGENCAN's slack-free PHR terms (the
//     same function once minimized over s); one multiplier per row (a range
//     row is not split in two); one ρ for all rows, as ALGENCAN updates
//     them together. The multiplier update and the penalty test are
//     ALGENCAN's, not LANCELOT's (ω, η) schedule.
//   - The inner solver is TRON-like, not GENCAN's active-set method with
//     spectral projected gradient steps and extrapolation; its
//     preconditioner is only diagonal (LANCELOT offers band and
//     incomplete-Cholesky preconditioners).
//   - No Newton–KKT acceleration (Birgin & Martínez 2008): it needs a
//     factorization, which this method avoids; the endgame is the AL's
//     linear convergence.
//   - ALGENCAN's special cases are not reproduced: the 10-iteration cap of
//     the first subproblem, the ρ restart after inner failures, keeping the
//     best point seen.
//   - The infeasibility test above is ours (ALGENCAN's efstain/eostain
//     test is similar in spirit).
//   - The stopping test is on the scaled problem with IPOPT's s_d, so that a
//     Converged from SolveNLP and from the interior-point method of package
//     nlp mean similar things; the Result reports the unscaled measures of
//     nlp.Result (violation, ‖∇f + Jᵀy − zl + zu‖∞, complementarity
//     products).
package auglag
