// Package dag learns linear structural equation models X = XW + N, whose
// weighted adjacency matrix W (W[i,j] ≠ 0 means i → j) is a directed acyclic
// graph, from an n×d data matrix X. It implements
//
//   - S. S. Saboksayr, G. Mateos, M. Tepper, "CoLiDE: Concomitant Linear DAG
//     Estimation", ICLR 2024, arXiv:2310.02895 (Fit with CoLiDEEV, CoLiDENV);
//   - C. Deng, K. Bello, B. Aragam, P. Ravikumar, "Optimizing NOTEARS
//     Objectives via Topological Swaps", ICML 2023, arXiv:2305.17277 (TOPO,
//     TOPOFromDAG);
//   - as the baseline and shared engine, K. Bello, B. Aragam, P. Ravikumar,
//     "DAGMA: Learning DAGs via M-matrices and a Log-Determinant Acyclicity
//     Characterization", NeurIPS 2022, arXiv:2209.08037 (Fit with DAGMA);
//   - the acyclicity functions of X. Zheng, B. Aragam, P. Ravikumar,
//     E. P. Xing, "DAGs with NO TEARS", NeurIPS 2018, arXiv:1803.01422 (HExp)
//     and Y. Yu, J. Chen, T. Gao, M. Yu, "DAG-GNN", ICML 2019,
//     arXiv:1904.10098 (HPoly).
//
// # Conventions
//
// Every method centres the columns of X (it does not standardise) and works
// with the covariance C = XcᵀXc/n. The least-squares score is
//
//	Q(W) = 1/(2n)·‖Xc − XcW‖²_F = ½·tr((I−W)ᵀC(I−W)),   ∇Q = −C(I−W).
//
// Estimated graphs are thresholded at |w| ≤ 0.3 and pruned to a DAG by
// removing the smallest remaining |w| until gonum's graph/topo finds a
// topological order (ToDAG), so Result.B is always acyclic.
//
// # Data files and ground truth
//
// ReadCSV and WriteCSV read and write n×d data and d×d weight matrices as
// CSV with an optional header of node names. ReadTruth also reads a true
// graph given as an edge list of names ("Cause","Effect"), and AlignTruth
// reorders a true graph to the data's columns by name (ByName) or, when
// either side has no names, pairs them by position (ByPosition, with a note
// saying so), so that CountAccuracy compares the same nodes.
//
// # Acyclicity functions
//
//	NOTEARS   h(W)   = tr(exp(W∘W)) − d,             ∇h = 2W∘exp(W∘W)ᵀ
//	poly      h(W)   = tr((I + W∘W/d)^d) − d,        ∇h = 2W∘((I + W∘W/d)^{d−1})ᵀ
//	DAGMA     h_s(W) = −log det(sI − W∘W) + d log s, ∇h = 2W∘(sI − W∘W)^{−T}
//
// h_s is defined where sI − W∘W is an M-matrix; as in the reference code the
// test is that every entry of (sI − W∘W)^{−1} is non-negative (up to 1e−16,
// and −1e−6 for CoLiDE).
//
// # DAGMA and CoLiDE (Fit)
//
// The scores are, with λ‖W‖₁ added,
//
//	DAGMA     S(W)    = ½·tr((I−W)ᵀC(I−W))
//	CoLiDE-EV S(W, σ) = tr((I−W)ᵀC(I−W))/(2σ) + dσ/2
//	CoLiDE-NV S(W, Σ) = ½·tr(Σ^{−1}(I−W)ᵀC(I−W)) + ½·tr(Σ),  Σ = diag(σ_j)
//
// and the closed-form noise scales for fixed W are σ̂ = sqrt(tr(R)/d) and
// σ̂_j = sqrt(R_jj) with R = (I−W)ᵀC(I−W). Fit follows DAGMA's central path:
// for t = 0..T−1 it minimises F_t = μ_t·(S + λ‖W‖₁) + h_{s_t}(W) with Adam
// (β = (0.99, 0.999), bias correction) from the previous stage's W, μ_{t+1} =
// μ_t/10; CoLiDE updates σ in closed form after every Adam step (inexact
// block coordinate descent). A stage stops when the objective, evaluated
// every 1000 steps, changes by at most 10⁻⁶ relatively. Leaving the log-det
// domain undoes the step and halves the learning rate; a stage that leaves
// it at its first step or with s_t ≤ 0.9 restarts with s_t + 0.1 and half
// the learning rate. One Adam step costs an LU inverse and one d×d product
// (4d³ flops) and allocates nothing. Both run on hand-written row-major
// kernels (kernels.go: an LU with LAPACK dgetf2's pivots in blocks of 16
// columns, an inverse U^{−1}L^{−1}P by blocked row sweeps, C·W), whose
// products are 4×16 register tiles summed in order of k with fused
// multiply-adds: AVX-512 on amd64 CPUs that have it (kernels512_amd64.s,
// masked edges), 256-bit AVX/FMA row kernels otherwise, and Go loops with
// math.FMA on other platforms and under the purego build tag — every path
// gives the same bits. The Adam update (its bias corrections applied as
// multiplications by 1/(1−βᵗ)), the gradient and the domain test go eight
// entries per AVX-512 instruction with the Go loop's roundings. For d ≥ 128
// a step runs on two goroutines (the inverse beside C·W and σ, then half of
// the gradient and Adam update each); the iterates are bit-for-bit those of
// the serial loop.
//
// # TOPO
//
// For a fixed topological order π the acyclicity constraint becomes linear
// (W_ij = 0 unless i precedes j) and least squares splits into d
// regressions of each node on its predecessors. TOPO evaluates them from
// the Cholesky factor of the permuted covariance (the residual variance of
// position k is L_kk²), so a swap of positions a < b refits only rows a..b.
// Candidate swaps are the forbidden pairs with the smallest
// [(I − |W|)^{−T}]_ij (Y_small, Y_large, sizes of SetSizesLinear); improving
// swaps with disjoint position intervals are applied greedily; the large set
// is searched at most NoLargeSearch times. The loss decreases strictly at
// every outer iteration.
package dag
