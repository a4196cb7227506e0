// Package auglag solves equality-constrained nonlinear programs
//
//	minimize f(x)  subject to  c(x) = 0,   x ∈ Rⁿ, c: Rⁿ → Rᵐ,
//
// (Solve) and general nonlinear programs with bounds and inequalities
// (SolveNLP, section "General NLPs" below). Solve runs the adaptive inexact Newton method with randomized iterative sketching
// on the exact augmented Lagrangian of
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
//     Δx = B⁻¹(b₁ − GᵀΔλ), with S factored by envelope (skyline) Cholesky in
//     the given ordering plus one step of iterative refinement. Exact; cost
//     O(m·w²) for envelope width w (w = 2N for the PDE grid: O(n²)).
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
package auglag
