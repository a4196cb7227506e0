// Package sinkhornrepro holds the experiment "sinkhorn" of `kkt reproduce`:
// Table 1 of Tang, Shavlovsky, Rahmanian, Tardini, Thekumparampil, Xiao and
// Ying, "Accelerating Sinkhorn algorithm with sparse Newton iterations",
// ICLR 2024 (arXiv 2401.12253), with the reviewers' questions.
//
// All cases solve the entropic problem
//
//	min_P ⟨C, P⟩ + (1/η) Σ_ij P_ij log P_ij  s.t.  P1 = a, Pᵀ1 = b
//
// at η = 1200 to a marginal error ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ ≤ 1e-12, by SNS
// (Algorithm 1: N₁ Sinkhorn steps, then Newton steps on the dual with the
// Hessian sparsified to a density λ; sinkhorn.SNS with FixedSparsity) and by
// log-domain Sinkhorn (sinkhorn.Sinkhorn):
//
//   - Table 1: the random case (n = 500, C_ij ~ U[0,1], uniform marginals;
//     sinkhorn.RandomProblem) and MNIST test images 0 → 1 under
//     sinkhorn.MNISTConvention with the squared-Euclidean (λ = 10/n) and the
//     L1 cost (N₁ = 700, λ = 15/n); iterations and times against the
//     paper's, with must-show bounds. Without MNIST data two generated
//     stroke images stand in (and the note says so). A Sinkhorn run that
//     hits its cap (300 quick, 10⁵ --full) is extrapolated from the linear
//     rate of the last third of its history, a lower bound.
//   - the warm-up length N₁ ∈ {0, 5, 20, 50} on the random case;
//   - η ∈ {10, 100, 1000, 1200, 5000} on a random problem (no NaN/Inf);
//   - the time per Newton step against n (O(n²) predicts ×4 per doubling),
//     timing rows;
//   - Theorem 1's (λ, ε)-sparsity: the mass outside the 2n largest entries
//     of the Sinkhorn plan after t iterations.
//
// Iteration counts, errors and mass are deterministic rows; wall times and
// their ratios are timing rows (repro.Row.Timing). docs/sinkhorn.md §6
// quotes the output.
package sinkhornrepro
