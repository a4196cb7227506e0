// Package completionrepro holds the `kkt reproduce` experiment "completion":
// alternating minimization for low-rank matrix completion (Y. Gu, Z. Song,
// J. Yin, L. Zhang, "Low Rank Matrix Completion via Robust Alternating
// Minimization in Nearly Linear Time", ICLR 2024, arXiv 2302.11068), with
// the matrix-sensing and robust-recovery extras of package
// matrix/completion. The paper has no experiments; the targets are those of
// docs/completion.md.
//
// The experiment is sharded into units:
//
//   - recovery seeds: AltMin on a 1000×1000 rank-10 matrix observed with
//     p = 0.1; the relative error ‖UVᵀ − M‖_F/‖M‖_F after 20 iterations must
//     fall below 1e-8, with exact and PCG half-steps;
//   - the timing study: CPU time per AltMin iteration T against |Ω| (k = 10,
//     the log–log slope d log T / d log |Ω| must be 1 ± 0.1 for the sketch
//     half-step with --full) and against k = 10, 20, 40 where every row has
//     |Ω_j| ≥ k², the regime of the paper's sample complexity (2000×2000,
//     p = 0.8 with --full: the sketch half-step's ratio T(2k)/T(k) is checked
//     against 2.2 — with --full only — and its iterations per regression must
//     stay within ±1 across k; the quick run uses 1000×1000, p = 0.8), with
//     the shared-PCG solver beside it and, with --full, the sketch half-step
//     with Householder QR and with s = 3k; the earlier sweep at |Ω_j| ≈ 200
//     (exact, PCG and sketch) is reported for information;
//   - matrix sensing (Xiong, Ding, Du, ICLR 2024) and robust ℓ1 recovery (Ma,
//     Fattahi, JMLR 2023);
//   - MovieLens-100k splits: ALS with biases, rank 50, against Surprise's
//     published RMSE 0.934 (target: mean ≤ 0.92).
//
// Experiments returns the experiment for the reproduce framework of
// internal/repro.
package completionrepro
