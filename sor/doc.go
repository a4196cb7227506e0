// Package sor tunes the relaxation parameter ω of successive over-relaxation
// (SOR, as a solver) and of symmetric SOR (SSOR, as the preconditioner of
// conjugate gradients) across a sequence of linear systems, using only the
// iteration count of each solve as feedback.
//
// It implements
//
//	M. Khodak, E. Chow, M.-F. Balcan, A. Talwalkar,
//	"Learning to Relax: Setting Solver Parameters Across a Sequence of Linear
//	System Instances", ICLR 2024 (spotlight), arXiv:2310.02246,
//
// following the authors' MATLAB code (github.com/mkhodak/learning-to-relax)
// wherever the paper leaves a detail open.
//
// # Solvers
//
// Split A = D + L + U (diagonal, strictly lower, strictly upper). SOR with
// relaxation ω is the residual-correction iteration of solvers/sor.m,
//
//	x_{k+1} = x_k + (D/ω + L)⁻¹ r_k,   r_k = b − A x_k,
//
// run from x₀ (zero by default) until ‖r_k‖₂/‖r₀‖₂ < ε (ε = 1e-8), counting
// from k = 1, with a cap of 10,000 iterations. Each iteration is one in-place
// forward sweep x_i ← x_i + ω(b_i − Σ_j a_ij x_j)/a_ii on the CSR arrays; the
// new residual is obtained from the sweep's own row residuals ρ and updates
// δ as r_i = (1 − ω)ρ_i − Σ_{j>i} a_ij δ_j, half a product with A instead of
// a whole one (identical to b − A x up to rounding; the counts equal those of
// a dense transcription of sor.m in the tests). Young's theory for
// consistently ordered matrices gives the asymptotically optimal
//
//	ω* = 2/(1 + √(1 − β²)) = 1 + (β/(1 + √(1 − β²)))²,  β = ρ(I − D⁻¹A),
//
// which YoungOmega evaluates and JacobiRadius estimates by Lanczos.
//
// SSOR-PCG is MATLAB's pcg(A, b, ε, 10000, M1, M2, x0) with
// M1 = (D+ωL)ᵀD⁻¹ and M2 = (D+ωL)/(ω(2−ω)) (solvers/ssor_pcg.m), i.e. the
// preconditioner
//
//	M = (D + ωU) D⁻¹ (D + ωL) / (ω(2 − ω))
//
// applied as a backward then a forward triangular sweep, with pcg's
// stopping rule ‖b − A x‖₂ ≤ ε‖b‖₂ (checked on the recurrence residual and
// confirmed on the true one) and the iteration index as the count. Note the
// order: (D+ωL)D⁻¹(D+ωU)/(ω(2−ω)), the textbook form, is a different matrix
// for the same ω; this package follows the reference code. SSOR also works
// as a linsolve.Preconditioner.
//
// # Sequences and tuners
//
// A Sequence yields Instances (A, b, an optional warm start X0 and context
// features). ShiftedLaplacian is the paper's model problem A + cI on the
// 10×10 grid with c = −0.15 + 0.6·Beta(α, β) and radially truncated Gaussian
// b; Heat is its 2-D heat equation with Crank–Nicolson steps, time-varying
// diffusion κ(t) = max(0.1 sin 2πt, −10 sin 2πt) and warm starts; FileSequence
// and MatrixMarketDir read systems from files; SequenceFunc wraps a callback.
//
// A Tuner picks ω per instance and observes the iteration count: Fixed,
// Young, Exp3, TsallisINF (the paper's Thm 2.1 learner with η_t = 2/√t and
// losses scaled by their running mean), TsallisINFCB (one Tsallis-INF per
// context bin, Thm 2.2), ChebCB (Chebyshev-regression SquareCB, Thm 3.2) and
// the evaluation-only Oracle (golden-section search per instance). Run plays a
// tuner over a sequence and records ω, iterations, time and the regret against
// the best fixed ω in hindsight and against the oracle; Table replays grid
// tuners against precomputed counts, which is exact for sequences whose
// systems do not depend on earlier solutions.
package sor
