// Package nlp defines the general nonlinear program that kkt's NLP solvers
// share,
//
//	minimize f(x)  subject to  cl ≤ c(x) ≤ cu,  xl ≤ x ≤ xu,
//
// (Problem, Funcs), and holds its interior-point method, Solve.
//
// # The method
//
// Solve is the primal-dual interior-point filter line-search method of
//
//	A. Wächter and L. T. Biegler, "On the implementation of an
//	interior-point filter line-search algorithm for large-scale nonlinear
//	programming", Math. Program. 106 (2006) 25–57,
//
// with the defaults of IPOPT (3.14 options, checked against 3.11 behaviour
// where the two differ). Equation numbers below are the paper's.
//
// Internal form (IPOPT's). A row with cl = cu becomes dc_j(c_j(x) − cl_j) = 0;
// every other row with a finite side gets a slack, dc_j c_j(x) − s_k = 0 with
// dc_j cl_j ≤ s_k ≤ dc_j cu_j; rows with no finite side are dropped (their
// multiplier is 0). Variables with xl = xu are held fixed (IPOPT's
// make_parameter; their bound multipliers are reported from ∇L, IPOPT
// reports 0). Every other finite bound is relaxed by
// min(ConstrViolTol, BoundRelaxFactor·max(1, |b|)) (unscaled). The stacked
// variables v = (x, s) and the equality residual h(v) = 0 are the x and
// c(x) = 0 of the paper.
//
// Scaling (§3.8): df = min(1, 100/‖∇f(x₀)‖∞) and dc_j = min(1,
// 100/‖∇c_j(x₀)‖∞), floored at 1e-8, at the user's start point before it
// is pushed into the bounds (IPOPT determines the scaling when it sets up
// the problem, before the initializer moves x₀), over the free variables.
//
// Start (§3.6): x₀ is projected into [xl + p_L, xu − p_U] with p =
// min(κ₁ max(1, |b|), κ₂ (xu − xl)), κ₁ = κ₂ = 1e-2; s₀ = dc·c(x₀) likewise;
// z₀ = 1; y₀ is the least-squares estimate of (36) — the system
// [I Jᵀ; J 0][w; y] = −[∇f − z; 0], solved without regularization — and is
// set to 0 when the system is singular or ‖y₀‖∞ > 1e3.
//
// Barrier problem (3)–(4): φ_μ(v) = f(v) − μ Σ ln(slack_i) + κ_d μ Σ slack_i
// over the one-sided bounds (κ_d = 1e-5). Optimality error (5):
//
//	E_μ = max{ ‖∇f + Jᵀy − zl + zu‖∞ / s_d, θ∞, ‖S z − μe‖∞ / s_c },
//	s_d = max(100, (‖y‖₁+‖z‖₁)/(m+n_z))/100, s_c = max(100, ‖z‖₁/n_z)/100,
//
// where for E₀ the primal term is the constraint violation of x (equality
// residuals and dc·c(x) outside the relaxed slack bounds), as IPOPT's
// curr_nlp_error, and for E_μ it is ‖h(v)‖∞. Convergence: E₀ ≤ Tol and the
// unscaled constraint violation ≤ ConstrViolTol, dual infeasibility ≤
// DualInfTol, complementarity ≤ ComplInfTol. A square system (as many
// equality rows as free variables) is solved for feasibility only, as
// IPOPT 3.11 does (see the deviations).
//
// Barrier update (7): when E_μ ≤ κ_ε μ (κ_ε = 10), μ ← max(μ_floor,
// min(κ_μ μ, μ^θ_μ)) with κ_μ = 0.2, θ_μ = 1.5, repeatedly within one
// iteration; τ = max(0.99, 1 − μ) (8); the filter is reset.
//
// Newton step (13) with the bound multipliers eliminated (Σ = Zl/Sl + Zu/Su):
//
//	[ W + Σ + δ_w I    Jᵀ     ] [Δv]     [ ∇φ_μ + Jᵀy ]
//	[ J              −δ_c I   ] [Δy] = − [ h(v)       ]
//
// W = ∇²_vv(df·f + yᵀh). The slack block (diagonal) is eliminated as well,
// so the matrix factored has order n + m; when n + m > 250 the inequality
// rows are eliminated too (their multipliers recovered from Δx), leaving
// order n + m_eq. Δz from (12). Up to order 300 the matrix is dense and
// factored by linsolve.DenseLDL (Bunch–Kaufman, 1×1 and 2×2 pivots) with
// three steps of iterative refinement. Above that (the sparse path) it is
// assembled as a sparse lower triangle from the problem's sparse Jacobian
// and Hessian, its pattern is analyzed once (linsolve.AnalyzeSymmetric,
// AMD ordering) and it is refactored every time by linsolve's sparse LDLᵀ,
// whose pivots give the inertia; Solve refines iteratively.
//
// Inertia correction (Algorithm IC, §3.1, as IPOPT's PDPerturbationHandler;
// perturb.go): want inertia (n, m_kept, 0). A wrong inertia raises δ_w from
// δ_w⁰ = 1e-4 (δ_w^last = 0) or max(1e-20, δ_w^last/3), by ×100 (while
// δ_w^last = 0 or δ_w > 1e5 δ_w^last) or ×8, up to 1e20; beyond that with
// δ_c = 0 the sequence restarts with δ_c > 0, else the step fails and the
// restoration phase starts. A singular matrix — a zero pivot, or too few
// negative eigenvalues (IPOPT treats both as singular) — gets δ_c =
// 1e-8 μ^¼ first (δ_w unchanged), and δ_w increases after that; δ_c is never
// used for a merely wrong inertia. Structural degeneracy as IPOPT: while
// undecided, a singular matrix is tried with δ_c alone, then δ_w alone,
// then both; after 3 matrices that needed the same cure the Jacobian (or
// the Hessian) is declared degenerate and its perturbation is applied from
// the first factorization of every later matrix. A pivot counts as zero
// only when it is exactly zero (MUMPS's singular return); a nearly
// singular matrix shows up in the iterative refinement: solveKKT refines
// as IPOPT (at least 1 and at most 10 steps, until the residual ratio
// ‖r‖∞/(min(‖sol‖∞, 1e6‖rhs‖∞) + ‖rhs‖∞) ≤ 1e-10, stopping when a step
// does not improve it), and when the ratio is still ≥ 1e-5 the matrix is
// treated as singular once and refactored (IPOPT's pretend_singular).

// Step sizes (15): α_max by fraction to the boundary for v, α_z for z
// separately; y moves with the primal α. After each step z is projected
// into [μ/(κ_Σ s), κ_Σ μ/s] (16), κ_Σ = 1e10.
//
// Slack move (§3.5, IPOPT's CalculateSafeSlack and slack_move): a slack
// s = v − vl (or vu − v) of a trial or accepted point that is below
// s_min = ε·min(1, μ) is replaced by
//
//	s ← min( max(μ/z, s_min), max(s, 0) + ε^¾·max(1, |b|) )
//
// with z the multiplier of the current iterate; the barrier of a trial
// point uses the corrected slack, and when the point is accepted the bound
// is moved to v − s (v + s) and the corrected value is kept as the
// iterate's slack (core.safeSlack, core.setSlacks). Without it, an active
// bound of large magnitude (DIAGIQB's −1e5) leaves a slack below the
// spacing of doubles and the complementarity cannot reach tol.
//
// Filter line search (§2.3): θ = ‖h‖₁; θ_max = 1e4 max(1, θ₀), θ_min =
// 1e-4 max(1, θ₀); switching condition (19) with δ = 1, s_θ = 1.1, s_φ = 2.3;
// Armijo (20) with η_φ = 1e-8 (and IPOPT's 10ε|φ| rounding allowance);
// sufficient decrease (18) with γ_θ = 1e-5, γ_φ = 1e-8; α_min (23) with
// α_min_frac = 0.05; backtracking by halves. A trial point at which f or c
// is NaN or ±Inf is rejected and the step halved (IPOPT cuts the step the
// same way). Second-order corrections (§2.4): up to 4, while θ falls by
// κ_soc = 0.99. Tiny steps (|Δv_i| ≤ 10ε(1+|v_i|)) are taken whole; two in a
// row with a small Δy force a μ decrease, and at μ_min the run stops with
// Stagnated. The watchdog of IPOPT is included (10 consecutive shortened
// steps trigger up to 3 full-step trial iterations, kept if one becomes
// acceptable with respect to the watchdog iterate, otherwise undone). The
// filter is augmented after an accepted step unless both the switching
// condition (19) and the Armijo condition (20) hold for it (A-8; this does
// not depend on θ ≤ θ_min, which only selects the acceptance test), and
// it is reset by IPOPT's heuristic: when 5 line searches in a row were
// accepted right after a trial rejected by the filter alone (a trial that
// fails the sufficient-decrease test clears that mark), the filter is
// cleared (IPOPT caps the resets at max_filter_resets = 5 but never counts
// them, so neither does this).
//
// Soft restoration (IPOPT's soft_resto_pderror_reduction_factor = 0.9999,
// max_soft_resto_iters = 10): when α falls below α_min the current (θ, φ)
// joins the filter and the step along the current direction with
// α = min(α_max, α_z) for all variables is tried; it is taken if it is
// acceptable to the filter and the current iterate (then the run goes on
// as usual) or if it reduces the primal-dual error ‖∇L‖₁/(n_x+n_s) +
// ‖c − s‖₁/m + ‖Sz − μ‖₁/n_b by that factor (then later iterations take
// such steps without backtracking, at most 10, until one is acceptable to
// the filter; a μ decrease ends the phase). Second-order corrections are
// solved without iterative refinement (IPOPT's allow_inexact).
//
// Feasibility restoration (§3.3): when the soft restoration step is not
// taken (or the inertia correction fails), the current (θ, φ) joins the
// filter (once) and the same interior-point iteration solves
//
//	min ρ Σ(p + n) + (ζ/2) ‖D_R (v − v_R)‖²  s.t.  h(v) − p + n = 0,
//	                                        bounds on v, p, n ≥ 0,
//
// with ρ = 1000, ζ = √μ_R (μ_R the restoration's barrier parameter),
// D_R = diag(1/max(1, |v_R,i|)), μ_R starting at max(μ, ‖h‖∞) and kept
// through the first restoration iteration (IPOPT's MonotoneMuUpdate skips
// its first update under the "resto." prefix), p and n
// starting at the closed-form minimizer of the barrier terms. It returns
// to the main iteration as soon as the max-norm of the original residual is
// at most 0.9 times its value where the restoration began and the point is
// acceptable to the main filter and to that iterate; then, as IPOPT, the bound multipliers of the iterate
// where restoration began take one Newton step for complementarity over
// the whole restoration, Δz = (μ + z (s_old − s_new))/s_old − z, with the
// fraction-to-the-boundary step (all reset to 1 when the largest exceeds
// 1e3), and y = 0 (constr_mult_reset_threshold = 0). When the
// restoration problem itself converges with the unscaled constraint
// violation above ConstrViolTol, the problem is locally infeasible
// (Status Infeasible).
//
// Unbounded: ‖x‖∞ > 1e20, or the unscaled objective below −1e20 at a point
// that satisfies the constraints to ConstrViolTol.
//
// # Deviations from IPOPT (said plainly)
//
//   - Small reduced systems (order ≤ 300) are factored dense
//     (linsolve.DenseLDL); IPOPT always uses a sparse factorization
//     (MA27/MUMPS). The sparse path uses linsolve's LDLᵀ with 1×1 pivots in
//     a fixed fill-reducing order (no numerical pivoting, unlike MA27/MA57
//     or MUMPS), counting only exactly zero pivots as zero: a zero pivot
//     that the order produces in the constraint block is answered with
//     δ_c > 0. Forced on every problem of the sweep (NLP_SPARSE=0) it
//     solves 397 problems against 402 for the default (dense up to order
//     300): somewhat less robust than the dense Bunch–Kaufman path.
//     Whether a nearly singular matrix has an exactly zero pivot depends
//     on the factorization: the dense Bunch–Kaufman LDLᵀ and MUMPS can
//     disagree (HALDMADS at its start point: MUMPS reports singular, the
//     dense LDLᵀ one negative eigenvalue too many), and the trajectories
//     part there.
//   - The condensed system (n + m > 250) eliminates the inequality rows;
//     IPOPT always factors the augmented system.
//   - Iterative refinement is on the reduced system, not on the full
//     primal-dual system (same steps and residual-ratio tests); the dense
//     Bunch–Kaufman factorization has no "increase quality" retry (MUMPS
//     raises its pivot tolerance first).
//   - The μ floor is min(Tol, ComplInfTol·df)/(κ_ε+1), not
//     min(Tol, ComplInfTol)/(κ_ε+1): with a down-scaled objective the
//     unscaled complementarity gate could otherwise never be met.
//   - The restoration phase is a second run of the same iteration on the
//     restoration problem above (as IPOPT's), but ζ and μ_R follow the
//     restoration's own barrier parameter (the multipliers of the
//     restoration problem's own bounds start from the main iterate's,
//     capped at ρ, as IPOPT's). As in IPOPT 3.11.9 (the version of
//     ipopt.csv), the gradient and Hessian of the proximity term are
//     ζ D_R (x − x_R) and ζ D_R although the objective has D_R² (IPOPT 3.14
//     squares D_R in all three), and θ_max is 10⁸·max(1, θ₀) there
//     (resto.theta_max_fact). The exit test is IPOPT's
//     (RestoConvergenceCheck): the max-norm of the original residual falls
//     to 0.9 times its value where the restoration began, and the point is
//     acceptable to the original filter and to that iterate. The proximity
//     term ‖D_R(v − v_R)‖² covers the inequality slacks as well as x;
//     IPOPT's covers x only. After μ changes in the restoration phase, f
//     and ∇f keep the values of the old μ; IPOPT re-evaluates them for the
//     line search but keeps the old gradient of the Lagrangian in the
//     Newton right-hand side and the old ζ in the Hessian (its caches).
//     These IPOPT rules are implemented too (params.resto3119, a test-only
//     switch): with them the restoration phase follows IPOPT's trajectory
//     much longer (docs/nlp.md), but the sweep loses COSHFUN and POLAK6,
//     which IPOPT 3.11.9 itself fails when run here, so they are off.
//     When the restoration converges to a point that is
//     feasible but not acceptable to the filter, the point is taken and the
//     filter is reset (up to 3 times); IPOPT stops there with
//     Restoration_Failed.
//   - The adaptive (Mehrotra/quality-function) barrier strategy is not
//     implemented; the barrier update is IPOPT's default monotone one.
//   - Square systems (as many equality rows as free variables) follow
//     IPOPT 3.11.9, the version of the reference table (ipopt.csv): y₀ = 0,
//     the NLP error is the scaled constraint violation alone, the dual
//     and complementarity gates are off, and at the end z = 0 and y is the
//     least-squares estimate. IPOPT 3.14 instead tries z = 0 and
//     least-squares y at every feasible iterate and applies the full test.
//   - Acceptable termination is as IPOPT (15 consecutive iterates with
//     E₀ ≤ 1e-6, constraint violation and complementarity ≤ 1e-2) and is
//     reported as Converged with Result.Acceptable set.
//
// # Results
//
// On the CUTEst problems of the shared data with 2 ≤ n ≤ 100 that have
// bounds or inequalities, Solve's counts against IPOPT 3.11.9 (tol 1e-8)
// are in docs/nlp.md, with the command that reproduces them
// (TestSweepIPOPT, NLP_SWEEP=all).
package nlp
