// Package linsolve solves sparse linear systems A·x = b given as
// matrix.Operator values: Krylov methods (CG, preconditioned CG, MINRES,
// GMRES(m), BiCGSTAB, LSQR), stationary iterations (Jacobi, Gauss–Seidel,
// SOR, SSOR) on *sparse.CSR matrices, preconditioners (Jacobi, SSOR, IC(0),
// ILU(0)), a dense direct path (Direct) for small systems, and sparse direct
// factorizations of symmetric matrices: fill-reducing orderings (AMD, RCM),
// symbolic analysis, supernodal Cholesky and LDLᵀ with inertia.
//
// # Using the package
//
// Every iterative solver takes a context.Context, the operator, the
// right-hand side and a Settings value whose zero value means documented
// defaults (RTol 1e-8, ATol 0, MaxIter max(10·n, 100), x₀ = 0, no
// preconditioner), and returns a *Result with the iterate, a Status
// (Converged, MaxIterations, Breakdown, Stagnated, NumericalFailure,
// Canceled), the iteration count, the final residual norm and, when
// Settings.History is set, the residual history. Unless a method's
// documentation says otherwise the stopping rule is SciPy's
//
//	‖b − A·x_k‖₂ ≤ max(RTol·‖b‖₂, ATol),
//
// evaluated on the residual the method carries (the recurrence residual of
// CG and BiCGSTAB, the Givens estimate of GMRES, the Paige–Saunders estimate
// of MINRES). LSQR has the Paige–Saunders rules instead (see LSQR). The error
// return is reserved for bad data (NaN or Inf in b or x₀; zero pivots in the
// stationary methods and preconditioners; a singular matrix in Direct);
// everything else is a Status. Dimension mismatches are programming errors
// and panic.
//
// # Choosing a method
//
//   - A symmetric positive definite: CG, with IC0 or SSORPrecond for
//     elliptic problems (Poisson: IC(0) about halves the iterations).
//   - A symmetric indefinite or singular: MINRES (an SPD preconditioner only).
//   - A nonsymmetric: GMRES(m) (robust, memory m+1 vectors; raise
//     Settings.Restart if it stagnates) or BiCGSTAB (short recurrences, can
//     break down); ILU0 as right preconditioner.
//   - A rectangular, least squares or regularised (damped) problems: LSQR.
//   - Smoothers, teaching, strongly diagonally dominant A: Jacobi,
//     GaussSeidel, SOR, SSOR.
//   - n up to a few thousand, or an oracle: Direct.
//
// # Algorithms
//
// CG (Hestenes–Stiefel; Saad, Alg. 6.18, 9.1): α_k = ρ_k/(p_kᵀA p_k),
// x_{k+1} = x_k + α_k p_k, r_{k+1} = r_k − α_k A p_k,
// ρ_{k+1} = r_{k+1}ᵀM⁻¹r_{k+1}, p_{k+1} = M⁻¹r_{k+1} + (ρ_{k+1}/ρ_k)·p_k.
// MINRES (Paige–Saunders 1975): Lanczos tridiagonalisation
// A V_k = V_{k+1} T̄_k, QR of T̄_k by Givens rotations, x_k = x₀ + V_k y_k with
// y_k = argmin ‖β₁e₁ − T̄_k y‖, updated through the short recurrence for
// W_k = V_k R_k⁻¹. GMRES(m) (Saad–Schultz 1986; Saad, Alg. 6.9, 9.5): Arnoldi
// with modified Gram–Schmidt on A·M⁻¹, x = x₀ + M⁻¹V_m y_m,
// y_m = argmin ‖β e₁ − H̄_m y‖. BiCGSTAB (van der Vorst 1992; Saad,
// Alg. 7.7), right preconditioned. LSQR (Paige–Saunders 1982): Golub–Kahan
// bidiagonalisation β₁u₁ = b, α₁v₁ = Aᵀu₁, β_{k+1}u_{k+1} = A v_k − α_k u_k,
// α_{k+1}v_{k+1} = Aᵀu_{k+1} − β_{k+1}v_k, and the QR factorisation of the
// (damped) bidiagonal matrix. Stationary methods (Saad, §4.1): with
// A = D − E − F, Jacobi x_{k+1} = D⁻¹(E + F)x_k + D⁻¹b, SOR
// (D − ωE)x_{k+1} = (ωF + (1 − ω)D)x_k + ωb, SSOR a forward then a backward
// SOR sweep. IC(0) and ILU(0) (Saad, §10.3, Alg. 10.4): incomplete
// factorisations with the sparsity pattern of A, whose product equals A on
// that pattern.
//
// # Sparse direct methods (symmetric)
//
// AnalyzeSymmetric computes, once per sparsity pattern, a fill-reducing
// permutation P (AMD by default: Amestoy, Davis, Duff 1996; or RCM, or
// natural, or a user Perm), the elimination tree of C = P·A·Pᵀ,
// parent(j) = min{i > j : L(i,j) ≠ 0}, by Liu's algorithm with path
// compression, its postorder (composed into P), the column counts
// cⱼ = |L(:,j)| from the row subtrees (row k of L is the union of the tree
// paths from the nonzeros of C(0:k,k) up to k), and the supernodes:
// columns j, j+1 merge when parent(j) = j+1, j is its only child and
// cⱼ = cⱼ₊₁ + 1; adjacent supernodes then merge by CHOLMOD's relaxed rule
// (no new zeros, or ≤ 4 columns, or ≤ 16 with < 80 % zeros, or ≤ 48 with
// < 10 %, or < 5 % zeros). Symbolic.Cholesky factors an SPD matrix
// supernode by supernode (left-looking, Ng–Peyton; Chen, Davis, Hager,
// Rajamanickam 2008): for supernode s with columns J and rows R,
//
//	S = A(R, J) − Σ_d L(R, d)·L(J, d)ᵀ      (descendants d, one GEMM each)
//	L(J, J) = chol(S(J, J)),   L(R∖J, J) = S(R∖J, J)·L(J, J)⁻ᵀ,
//
// with row-major dense blocks and one kernel, C ±= A·Bᵀ (gemmNT), for the
// updates and the blocked panel factorization (64-column blocks, each
// factored with 8-column blocks whose triangles are solved in Go). On amd64
// with FMA, gemmNT is a packed GEMM in the loop order of Goto and van de
// Geijn (2008) / BLIS: B packed in kc×nc slices into 8-row micro-panels,
// rows of A read in place (they are contiguous in k), and a 6×8
// register-blocked AVX2/FMA micro-kernel (twelve 4-lane accumulators, two
// loads and six broadcasts per step of k), or its 6×16 AVX-512 form
// (8-lane accumulators) where CPUID and XCR0 report AVX-512F; elsewhere,
// with -tags purego or for small blocks, a 4×2 dot-product kernel. A pivot ≤ 0
// gives an error wrapping ErrNotPositiveDefinite naming the column.
//
// Symbolic.LDL computes P·(A + S)·Pᵀ = L·D·Lᵀ with 1×1 pivots in the
// fill-reducing order (up-looking, as QDLDL and Davis's LDL): for each k,
//
//	y = C(0:k, k);  for i in the etree reach of k in topological order:
//	    L(k,i) = yᵢ/dᵢ,  y_r −= L(r,i)·yᵢ  (r > i in column i),
//	dₖ = c_kk − Σᵢ L(k,i)·yᵢ.
//
// Without Signs no pivot is modified and |dₖ| ≤ ZeroTol·max|aᵢⱼ| is a zero
// pivot (error wrapping ErrSingular naming the column); with expected pivot
// signs sₖ (+1 on the H block, −1 on the constraint block, permuted with P)
// the static regularization adds sₖ·δₛ and the dynamic one replaces
// sₖ·dₖ < ε by sₖ·δ (Regularized counts them), which always succeeds for
// quasi-definite matrices [[H, Jᵀ],[J, −G]], H, G ≻ 0 (Vanderbei 1995).
// Inertia returns the counts of positive, negative and zero pivots: by
// Sylvester's law of inertia, A + S = P⁻¹L·D·Lᵀ P⁻ᵀ is congruent to D, so
// these are the eigenvalue sign counts of the factored matrix. SetShift
// adds a diagonal shift (IPOPT's δw, −δc) without a new analysis.
//
// Refactor recomputes either factor for new values on the analysed pattern
// without allocating (the pattern is checked by a hash); Solve applies the
// factor and refines iteratively against the unregularized matrix,
// r = b − A·x, x += (LDLᵀ)⁻¹r, while ‖r‖∞ at least halves, then falls back
// to GMRES(20) preconditioned by the factor if the normwise backward error
// is still above 2ε. See docs/linsolve.md for when to use which and the
// measurements against SuiteSparse (AMD, CHOLMOD).
//
// # Sparse LU
//
// FactorLU computes P·R·A·Q = L·U for a general square sparse A: R is a
// diagonal row scaling (default: each row divided by its largest entry, as
// KLU), Q a fill-reducing column order (default AMD on the pattern of A+Aᵀ;
// LUOrderColAMD is AMD on the pattern of AᵀA, the graph COLAMD orders, for
// strongly unsymmetric patterns), P the row order chosen by threshold
// partial pivoting, L unit lower and U upper triangular. The factorisation
// is left-looking (Gilbert and Peierls 1988): column k solves the sparse
// triangular system L_k·x = (R·A·Q)(:,k) with the columns of L computed so
// far. The nonzero pattern of x is the set of rows reachable from the rows
// of A(:,q_k) in the directed graph of L (an edge i → r for each entry
// L(r, j) of a pivotal row i = p_j); a depth-first search finds it, and
// reverse post-order is a topological order for the numeric updates
// x_r −= L(r,j)·x_i, so the work is proportional to the flops. The pivot is
// the diagonal entry x_{q_k} if |x_{q_k}| ≥ u·max_i |x_i| over the rows not
// yet pivotal (u = PivotTol, default 0.1; u = 1 is strict partial pivoting),
// otherwise the largest. Eisenstat and Liu's symmetric pruning shortens
// the searches: once L(p_k, j) and U(j, k) are both nonzero, the rows of
// L(:, j) that are not yet pivotal are reachable through k and are skipped
// by later searches. Refactor reuses Q, P and the patterns of L and U for
// new values (KLU's refactorisation), checking every reused pivot against
// the same threshold and factoring afresh if one fails. Solve and
// SolveTrans refine iteratively (r = b − A·x, x += (LU)⁻¹r) until
// ‖r‖∞ ≤ ε·(‖A‖∞‖x‖∞ + ‖b‖∞). Condest estimates κ₁(A) = ‖A‖₁‖A⁻¹‖₁ by
// Hager's method with Higham's refinements (the algorithm of LAPACK's
// xLACN2), using solves with A and Aᵀ.
//
// DirectSparse (and Direct, for square *matrix.CSR operators) chooses among
// the sparse factorisations by the matrix: symmetric with positive diagonal
// → Cholesky (LDLᵀ if not positive definite), other symmetric → LDLᵀ with
// its inertia (LU if a 1×1 pivot vanishes), nonsymmetric → LU; systems with
// n ≤ 64 or at least 10% nonzeros use the dense path.
//
// # References
//
//   - Y. Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., SIAM,
//     Philadelphia, 2003.
//   - M. R. Hestenes and E. Stiefel, Methods of conjugate gradients for
//     solving linear systems, J. Res. Nat. Bur. Standards 49(6), 409–436
//     (1952).
//   - C. C. Paige and M. A. Saunders, Solution of sparse indefinite systems
//     of linear equations, SIAM J. Numer. Anal. 12(4), 617–629 (1975).
//   - C. C. Paige and M. A. Saunders, LSQR: An algorithm for sparse linear
//     equations and sparse least squares, ACM Trans. Math. Softw. 8(1),
//     43–71 (1982).
//   - Y. Saad and M. H. Schultz, GMRES: A generalized minimal residual
//     algorithm for solving nonsymmetric linear systems, SIAM J. Sci. Stat.
//     Comput. 7(3), 856–869 (1986).
//   - H. A. van der Vorst, Bi-CGSTAB: A fast and smoothly converging variant
//     of Bi-CG for the solution of nonsymmetric linear systems, SIAM J. Sci.
//     Stat. Comput. 13(2), 631–644 (1992).
//   - P. R. Amestoy, T. A. Davis and I. S. Duff, An approximate minimum
//     degree ordering algorithm, SIAM J. Matrix Anal. Appl. 17(4), 886–905
//     (1996).
//   - E. Cuthill and J. McKee, Reducing the bandwidth of sparse symmetric
//     matrices, Proc. 24th ACM National Conference, 157–172 (1969).
//   - J. W. H. Liu, The role of elimination trees in sparse factorization,
//     SIAM J. Matrix Anal. Appl. 11(1), 134–172 (1990).
//   - E. G. Ng and B. W. Peyton, Block sparse Cholesky algorithms on
//     advanced uniprocessor computers, SIAM J. Sci. Comput. 14(5),
//     1034–1056 (1993).
//   - Y. Chen, T. A. Davis, W. W. Hager and S. Rajamanickam, Algorithm 887:
//     CHOLMOD, supernodal sparse Cholesky factorization and
//     update/downdate, ACM Trans. Math. Softw. 35(3), 22 (2008).
//   - R. J. Vanderbei, Symmetric quasidefinite matrices, SIAM J. Optim.
//     5(1), 100–113 (1995).
//   - A. Wächter and L. T. Biegler, On the implementation of an
//     interior-point filter line-search algorithm for large-scale nonlinear
//     programming, Math. Program. 106, 25–57 (2006).
//   - J. R. Gilbert and T. Peierls, Sparse partial pivoting in time
//     proportional to arithmetic operations, SIAM J. Sci. Stat. Comput.
//     9(5), 862–874 (1988).
//   - S. C. Eisenstat and J. W. H. Liu, Exploiting structural symmetry in a
//     sparse partial pivoting code, SIAM J. Sci. Comput. 14(1), 253–257
//     (1993).
//   - T. A. Davis and E. Palamadai Natarajan, Algorithm 907: KLU, a direct
//     sparse solver for circuit simulation problems, ACM Trans. Math.
//     Softw. 37(3), 36 (2010).
//   - T. A. Davis, Direct Methods for Sparse Linear Systems, SIAM,
//     Philadelphia, 2006 (chapters 3 and 6).
//   - W. W. Hager, Condition estimates, SIAM J. Sci. Stat. Comput. 5(2),
//     311–316 (1984).
//   - N. J. Higham, FORTRAN codes for estimating the one-norm of a real or
//     complex matrix, with applications to condition estimation, ACM Trans.
//     Math. Softw. 14(4), 381–396 (1988).
//
// # Agreement with SciPy
//
// CG on matrix.Poisson2D(100, 100) with b = A·1, x₀ = 0 and RTol 1e-8 takes
// 183 iterations, exactly as scipy.sparse.linalg.cg(A, b, tol=1e-8, atol=0)
// in SciPy 1.10.1 (187 for both with b = 1). See docs/linsolve.md.
package linsolve
