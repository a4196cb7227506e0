// Package sinkhorn solves optimal transport: exactly by the network simplex
// (EMD), and with entropic regularisation by Sinkhorn's algorithm (scaling
// and log domain, with ε-scaling) and by the Sinkhorn–Newton–Sparse (SNS)
// method.
//
// # Exact OT
//
// EMD (dense cost) and EMDSparse (CSR cost: only the stored entries are
// arcs) solve min ⟨C, P⟩ s.t. P1 = a, Pᵀ1 = b, P ≥ 0, the linear program
// whose dual is max aᵀα + bᵀβ s.t. α_i + β_j ≤ C_ij, by the primal network
// simplex on the bipartite network in the strategy of Bonneel, van de Panne,
// Paris and Heidrich ("Displacement interpolation using Lagrangian mass
// transport", ACM TOG 30(6), 2011) used by POT's ot.emd and LEMON: Big-M
// artificial root arcs for the first basis, Block Search pricing (blocks of
// √(nm) arcs) with a relative reduced-cost tolerance, Cunningham's strongly
// feasible trees against cycling, and a spanning tree stored as parent,
// predecessor arc, depth and preorder thread. A pivot moves the subtree cut
// off by the leaving arc below the entering arc's other end, reversing the
// stem between them; its new preorder is spliced from pieces of the old one
// in time proportional to the subtree. The result is a basic plan (at most
// n + m − 1 nonzeros, CSR), its cost, optimal duals α, β (centred so that
// aᵀα = bᵀβ) and a solver.Status. Masses that differ in floating point are
// balanced before the solve (b′ = b·Σa/Σb, then the compensated residual
// added to the largest b′_j; see EMD).
//
// # Problem
//
// Given marginals a ∈ Rⁿ, b ∈ Rᵐ (non-negative, Σa = Σb) and a cost C ∈ Rⁿˣᵐ,
//
//	min_P ⟨C, P⟩ + (1/η) Σ_ij P_ij log P_ij   subject to  P1 = a,  Pᵀ1 = b,
//
// with η = 1/ε > 0 (POT's reg and OTT's epsilon are ε; larger η is less
// regularisation). Its dual is the maximisation of the concave Lyapunov
// potential of Tang et al.
//
//	f(x, y) = −(1/η) Σ_ij exp(η(x_i + y_j − C_ij) − 1) + Σ_i a_i x_i + Σ_j b_j y_j,
//
// whose maximiser gives the plan P_ij = exp(η(x_i + y_j − C_ij) − 1). Its
// derivatives are
//
//	∇_x f = a − P1,   ∇_y f = b − Pᵀ1,   ∇²f = −η [[diag(P1), P], [Pᵀ, diag(Pᵀ1)]],
//
// so the marginal error ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ is ‖∇f‖₁, the Hessian is
// negative semidefinite (the unofficial ports of SNS drop the minus sign), and
// v = (1, −1) spans its null space: f(x + t, y − t) = f(x, y) when Σa = Σb.
// Dual, DualGrad, DualHessian and PlanAt evaluate these densely (tests check
// them by finite differences).
//
// # Sinkhorn
//
// Sinkhorn's iteration is exact block-coordinate ascent on f:
//
//	x_i ← x_i + (log a_i − log (P1)_i)/η,   then   y_j ← y_j + (log b_j − log (Pᵀ1)_j)/η.
//
// In the log domain (Domain Log) each update is a log-sum-exp over a row of
// η(y − C) (stored as ηC and (ηC)ᵀ, row-major, so both half-steps are
// row-parallel tight loops); the sum is taken in one pass with the current
// potential as shift, and a row whose sum leaves [1e-250, 1e250] is redone
// with the max-shifted formula, so nothing overflows or underflows harmfully
// at any η. The scaling domain (Domain Scaling) iterates u = a/(Kv),
// v = b/(Kᵀu) on K = exp(−ηC) with two matrix–vector products and no
// exponentials; Auto uses it when η·(max C − min C) ≤ 50. ε-scaling
// (Settings.EtaStart) solves a sequence η_k = EtaStart·4^k to a loose
// tolerance first. The exponentials use a table-driven exp within two ulps of
// math.Exp (fexp.go).
//
// # Sinkhorn–Newton–Sparse
//
// SNS (Tang, Shavlovsky, Rahmanian, Tardini, Thekumparampil, Xiao, Ying,
// "Accelerating Sinkhorn algorithm with sparse Newton iterations", ICLR 2024,
// arXiv:2401.12253) runs N₁ Sinkhorn iterations (default 20), then Newton
// steps on f. At each step the Hessian is sparsified to density λ (default
// 2/n; Algorithm 1, M ← Sparsify(∇²f, ρ) with τ(M) ≤ λ): the diagonal blocks
// are kept exactly and the K = (⌈λ(n+m)²⌉ − (n+m))/2 largest entries of P
// (found by quickselect in O(nm)) form the off-diagonal block, stored as CSR.
// The Newton system in scaled potentials (X, Y) = η(x, y),
//
//	(M + σI + δ vvᵀ/‖v‖²) ΔZ = (a − P1, b − Pᵀ1),   M = [[diag(P1), P̃], [P̃ᵀ, diag(Pᵀ1)]],
//
// is the NEGATED (positive definite) Hessian system, solved by
// Jacobi-preconditioned CG (linsolve.CG) to relative residual min(0.1, ‖∇f‖₁);
// δ = mean diag(M) lifts the null direction v, the step is projected onto v⊥,
// and σ = mean diag(M)·min(‖∇f‖₁, 1e-4) is a vanishing shift. A halving
// Armijo line search on f (constant 1e-4) rejects non-finite trial points;
// the accepted trial plan is reused by the next step, so a step costs one
// plan evaluation per trial plus a selection and a sparse CG. The iteration
// count reported is N₁ plus the number of Newton steps, as in the paper.
//
// That fixed rule (SNSSettings.FixedSparsity) converges only linearly when
// the plan is spread over more than λ(n+m)²/2 entries: the dropped mass
// E = P − P̃ makes the contraction ‖I − M̃⁻¹M‖ close to 1 on the Hessian's
// small eigen-directions. By default the Newton stage therefore adapts
// (see SNS): K doubles (up to the dense step) whenever a full step contracts
// the error by less than 1/4, the kept set also holds every row's and
// column's largest entry, the Newton systems switch from CG to a dense
// Cholesky factorisation of the Schur complement D₂ − P̃ᵀD₁⁻¹P̃ (gauge
// Δy_m = 0) once CG hits its iteration cap (m ≤ 2501), and 20 log-domain
// Sinkhorn iterations are taken whenever two Newton steps in a row gain
// less ln(error) per unit of work than Sinkhorn did. Settings.EtaStart turns
// on ε-scaling for SNS as for Sinkhorn.
//
// # Costs, data and exact OT
//
// CostMatrix builds squared-Euclidean, Euclidean, L1 and Minkowski costs
// between point clouds; Grid gives the pixel centres of an image scaled to
// [0, 1]² (so image costs lie in [0, 2]); Normalize divides by the largest
// cost. η is meaningful only together with the cost scale. ReadCSV,
// ReadVector and ReadIDXImages read inputs; ImageMeasure turns an image into
// a probability vector, and MixUniform mixes one with the uniform vector
// ((1 − ε/8)a + ε/(8n)) so that no entry is zero. The SNS paper does not
// state how its MNIST instances were built; the repository's
// docs/sinkhorn.md compares candidate conventions. Zero-mass entries of a or
// b are an error unless
// Settings.DropZeros removes them (and reports them); EMD removes them
// itself. Assignment is an O(n³) Hungarian solver for square costs with
// uniform marginals (a permutation); EMD with uniform a = b covers that case
// too and is 2.5–7× faster (BenchmarkPermutation, n = 200 and 500); the
// Hungarian solver stays as an independent oracle for the tests.
package sinkhorn
