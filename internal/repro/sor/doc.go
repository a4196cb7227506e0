// Package sorrepro holds the experiment "sor" of `kkt reproduce`: the
// studies of Khodak, Chow, Balcan and Talwalkar, "Learning to Relax: Setting
// Solver Parameters Across a Sequence of Linear System Instances", ICLR 2024
// (arXiv 2310.02246), on the authors' scripts' setups.
//
// A tuner picks the relaxation ω_t ∈ {1, 1.05, …, 1.95} for each system
// A_t x = b_t of a sequence and observes the iterations ℓ_t(ω_t) of SOR
// (x_i ← x_i + ω(b_i − Σ_j a_ij x_j)/a_ii for i = 1…n in turn) or of
// SSOR-preconditioned CG to the scripts' tolerance; its regret against the
// best fixed ω in hindsight is Σ_t ℓ_t(ω_t) − min_ω Σ_t ℓ_t(ω).
//
//   - shifted Laplacian (scripts/learning.m, contextual.m): A_t = A + c_t I,
//     A the 5-point Laplacian on a 10×10 grid, c_t from the high- or
//     low-variance Beta shift; every policy (fixed ω, best fixed, Exp3,
//     Tsallis-INF, the contextual Tsallis-INF-CB and ChebCB, and Young's
//     instance-optimal ω) is replayed on one hindsight table per seed.
//     Quick: T = 500 and 2 seeds; --full: T = 5000 and 5 seeds. The mean
//     iterations are compared with the calibration of the research notes
//     (an independent port of the scripts; the paper's plotted values are
//     not available as text), the ratios with the paper's claims.
//   - long horizon (--full): Tsallis-INF against the best of three fixed ω
//     at T = 5000, 20000, 50000 (claim: the ratio falls with T).
//   - heat equation (scripts/h2d.m): SSOR-PCG on the implicit steps of a 2-D
//     heat equation with a time-varying coefficient, CG, fixed ω and the
//     bandits (nx = 25 quick; 50 and 100 --full).
//
// Each shifted seed, long-horizon seed and heat policy is one unit of a
// sharded run (repro.Experiment.Units); KKT_SOR_PARTS, KKT_SOR_SEED and
// KKT_SOR_ORACLE select parts (see sorPlan). Iteration counts and ratios are
// deterministic rows; wall times are timing rows. docs/sor.md quotes the
// output.
package sorrepro
