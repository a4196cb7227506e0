// Package completion recovers low-rank matrices from a subset of their
// entries by alternating minimization, with the least-squares half-steps
// solved exactly or only approximately, and carries two related recovery
// methods for matrix sensing.
//
// # Alternating minimization
//
// Given the observed entries M_ij, (i, j) ∈ Ω, of an m×n matrix of rank k,
// AltMin alternates the two least-squares problems
//
//	V ← argmin_V ‖P_Ω(U Vᵀ − M)‖_F² + λ‖V‖_F²,   U ← argmin_U ‖P_Ω(U Vᵀ − M)‖_F² + λ‖U‖_F²,
//
// each of which splits into independent k-variable regressions, one per row
// of the factor: for column j, with Ω_j = {i : (i, j) ∈ Ω},
//
//	(Σ_{i∈Ω_j} u_i u_iᵀ + λI) v_j = Σ_{i∈Ω_j} M_ij u_i.
//
// The initial U is the top-k left singular subspace of P_Ω(M)/p,
// p = |Ω|/(mn), computed by randomized subspace iteration; optionally its
// rows are clipped for incoherence (entries larger than 2μ√k/√m are zeroed)
// and it is re-orthonormalised, as in Jain, Netrapalli and Sanghavi (2013).
//
// The exact solver (SolverExact) forms and factors the k×k normal matrix per
// row: O(|Ω|k² + (m+n)k³) per iteration. The approximate solvers solve each
// regression only to relative accuracy ε₀ (residual reduced by ε₀ from the
// warm start at the previous factor row), as in the nearly-linear-time
// analysis of Gu, Song, Yin and Zhang:
//
//   - SolverSketch is the paper's solver: per row, a subspace embedding of
//     the |Ω_j|×k design by a sketch S with s = 5k rows (an SRHT,
//     (1/√s)·R·H·D with the fast Walsh–Hadamard transform H applied to the
//     design's rows, or a
//     CountSketch from sketch.NewCountSketch), the R factor of
//     [S·A_j; √λI] = QR (by CholeskyQR, RᵀR = (S·A_j)ᵀ(S·A_j) + λI, or by
//     Householder reflections), and conjugate gradients on the normal
//     equations preconditioned by RᵀR, whose condition number is bounded by
//     the embedding's distortion, ((1 + √(k/s))/(1 − √(k/s)))² for large k,
//     independently of the row's coherence. Cost per row
//     O(|Ω_j|k log|Ω_j| + s·k² + iterations·|Ω_j|k); the s·k² = 5k³ term
//     is small only when |Ω_j| ≳ k², as under the paper's sample complexity.
//   - SolverCG is ours: one preconditioner for all rows, from the subspace
//     embedding that uniform sampling of an incoherent U provides,
//     Σ_{i∈Ω_j} u_i u_iᵀ ≈ p·UᵀU; one Cholesky factorization of p·UᵀU + λI
//     per half-step. Work per half-step O(|Ω|k·iterations + (m+n)k²); its
//     iterations per regression grow with k at fixed |Ω_j|.
//
// Result.CGIterations/Result.Regressions is the mean number of iterations
// per regression.
//
// The faithful sample-splitting mode partitions Ω into 2T+1 disjoint random
// parts (one for the initialization, one per half-step), as the analysis
// requires; the practical mode reuses all of Ω at every half-step.
//
// ALS fits ratings data with biases: r_ij ≈ μ + b_i + c_j + u_iᵀv_j with
// ridge penalties, by the same alternating exact solves.
//
// # Sensing
//
// SensingGD runs gradient descent on the factored matrix sensing loss
// (1/2)Σ_l (⟨A_l, FGᵀ⟩ − y_l)² with symmetric (F = G) or asymmetric factors,
// including the one-step modification of Xiong, Ding and Du, and RobustSubGM
// runs the sub-gradient method on the ℓ1 loss Σ_l |⟨A_l, XXᵀ⟩ − y_l| from a
// small initialization with geometrically decaying steps (Ma and Fattahi).
//
// # References
//
//   - Y. Gu, Z. Song, J. Yin, L. Zhang, Low Rank Matrix Completion via Robust
//     Alternating Minimization in Nearly Linear Time, ICLR 2024, arXiv 2302.11068.
//   - P. Jain, P. Netrapalli, S. Sanghavi, Low-rank matrix completion using
//     alternating minimization, STOC 2013.
//   - H. Avron, P. Maymounkov, S. Toledo, Blendenpik: supercharging LAPACK's
//     least-squares solver, SIAM J. Sci. Comput. 32(3), 2010
//     (sketch-and-precondition with a randomized Hadamard-type transform).
//   - J. A. Tropp, Improved analysis of the subsampled randomized Hadamard
//     transform, Adv. Adapt. Data Anal. 3, 2011 (s = O(k log k) rows).
//   - Y. Yamamoto, Y. Nakatsukasa, Y. Yanagisawa, T. Fukaya, Roundoff error
//     analysis of the CholeskyQR2 algorithm, Electron. Trans. Numer. Anal. 44,
//     2015 (CholeskyQR's R and its κ² sensitivity).
//   - N. Xiong, L. Ding, S. S. Du, How Over-Parameterization Slows Down Gradient
//     Descent in Matrix Sensing, ICLR 2024, arXiv 2310.01769.
//   - J. Ma, S. Fattahi, Global Convergence of Sub-gradient Method for Robust
//     Matrix Recovery, JMLR 2023, arXiv 2202.08788.
//   - Y. Koren, R. Bell, C. Volinsky, Matrix factorization techniques for
//     recommender systems, IEEE Computer 42(8), 2009 (ALS with biases).
package completion
