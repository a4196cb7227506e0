// Package sketch implements randomized sketching operators and the
// randomized iterative solvers built on them: randomized Kaczmarz, block
// Kaczmarz, sketch-and-project, randomized coordinate descent,
// sketch-and-precondition least squares and the randomized SVD.
//
// # Sketches
//
// A sketch is a random s×m matrix S with E[SᵀS] = I, applied to vectors
// (Apply, ApplyTrans), dense matrices (MulDense) and CSR matrices (MulCSR,
// which reads the raw CSR arrays and never densifies the input):
//
//   - NewGaussian, NewRademacher: i.i.d. N(0, 1/s) or ±1/√s entries, stored
//     explicitly; S·A costs 2·s·nnz(A) flops.
//   - NewSparseSign: ζ nonzeros ±1/√ζ per column in distinct random rows
//     (Kane & Nelson's SJLT, Nelson & Nguyen's OSNAP); NewCountSketch is
//     ζ = 1 (Clarkson & Woodruff). S·A costs ζ·nnz(A).
//   - NewSRHT: S = (1/√s)·R·H·D with D random signs, H the Walsh–Hadamard
//     matrix of the zero-padded size m' = 2^⌈log₂m⌉ applied by the fast
//     transform FWHT in m'·log₂m' operations, R a uniform choice of s rows.
//   - NewUniformSampling, NewRowNormSampling: s rows drawn with replacement
//     with probabilities p_i, scaled by 1/√(s·p_i); with p_i ∝ ‖A_i‖² this is
//     the Strohmer–Vershynin (and, for orthonormal A, leverage-score) law.
//
// S is a (1 ± ε) subspace embedding for an m×d orthonormal U when every
// singular value of S·U lies in [1 − ε, 1 + ε]; EmbeddingDistortion gives ε
// as the theory predicts for each kind (Davidson–Szarek for Gaussian
// sketches, a second-moment bound for CountSketch, matrix Chernoff for
// leverage sampling).
//
// # Randomized iterative solvers
//
// For a consistent system A·x = b, sketch-and-project (Gower & Richtárik
// 2015) draws a fresh sketch S at every step and projects the iterate onto
// the solution set of the sketched system in the W-norm:
//
//	x_{k+1} = x_k − W⁻¹AᵀSᵀ(S A W⁻¹ Aᵀ Sᵀ)⁺ S (A x_k − b).
//
// With W = I and S = e_iᵀ this is Kaczmarz's method, x ← x + (b_i − A_i·x)/‖A_i‖²·A_iᵀ
// (NewKaczmarz; Strohmer & Vershynin 2009 sample i ∝ ‖A_i‖² and prove
// E‖x_k − x*‖² ≤ (1 − σ_min²(A)/‖A‖_F²)^k‖x₀ − x*‖²); with a block of rows
// it is block Kaczmarz (NewBlockKaczmarz; Needell & Tropp 2014); with a
// single Gaussian row s it is x ← x + (sᵀr/‖Aᵀs‖²)·Aᵀs (NewGaussianKaczmarz,
// the "GV" solver of Hong et al. 2023); with any Sketch it is
// NewSketchProject. With W = A for SPD A and S = e_iᵀ it is randomized
// coordinate descent, x_i ← x_i + r_i/A_ii (NewCoordinateDescent;
// NewSketchProjectSPD for any sketch); NewCoordinateDescentLS is coordinate
// descent on the least-squares objective (Leventhal & Lewis 2010). The
// general rate is E‖x_k − x*‖²_W ≤ (1 − λ_min⁺(W^{-1/2} E[Z] W^{-1/2}))^k‖x₀ − x*‖²_W
// with Z = AᵀSᵀ(S A W⁻¹AᵀSᵀ)⁺S A.
//
// Every solver is a *Solver: a resumable state with Step, Run(ctx, tol,
// maxSteps) and Solve. Run can be called again with a tighter tolerance and
// continues exactly where it stopped — the iterates do not depend on how the
// steps are split between calls. The residual r = b − A·x is updated
// incrementally through the columns the step touches and anchored (recomputed
// exactly) every Settings.AnchorEvery steps; ResidualNorm is O(1) and
// ResidualErrorBound bounds the drift. Work counts steps, rows touched and
// flops. These are the needs of an inexact Newton method that asks the same
// linear solver for more accuracy (Hong, Na, Mahoney & Kolar 2023).
//
// # Sketch-and-precondition and the randomized SVD
//
// LeastSquares solves min ‖A·x − b‖ by factoring a sketch S·A = Q·R and
// running LSQR (Paige & Saunders 1982) on A·R⁻¹ (Rokhlin & Tygert 2008;
// Blendenpik; LSRN): the preconditioned matrix has condition number at most
// (1+ε)/(1−ε), so the iteration count does not depend on κ(A). RangeFinder
// and SVD implement the randomized range finder with power iterations and the
// randomized SVD of Halko, Martinsson & Tropp.
//
// # References
//
//   - T. Strohmer, R. Vershynin. A randomized Kaczmarz algorithm with
//     exponential convergence. J. Fourier Anal. Appl. 15:262–278, 2009.
//   - R. M. Gower, P. Richtárik. Randomized iterative methods for linear
//     systems. SIAM J. Matrix Anal. Appl. 36(4):1660–1690, 2015. arXiv:1506.03296.
//   - D. Needell, J. A. Tropp. Paved with good intentions: analysis of a
//     randomized block Kaczmarz method. Linear Algebra Appl. 441:199–221,
//     2014. arXiv:1208.3805.
//   - D. Leventhal, A. S. Lewis. Randomized methods for linear constraints:
//     convergence rates and conditioning. Math. Oper. Res. 35(3):641–654, 2010.
//   - H. Avron, P. Maymounkov, S. Toledo. Blendenpik: supercharging LAPACK's
//     least-squares solver. SIAM J. Sci. Comput. 32(3):1217–1236, 2010.
//   - X. Meng, M. A. Saunders, M. W. Mahoney. LSRN: a parallel iterative
//     solver for strongly over- or underdetermined systems. SIAM J. Sci.
//     Comput. 36(2):C95–C118, 2014. arXiv:1109.5981.
//   - V. Rokhlin, M. Tygert. A fast randomized algorithm for overdetermined
//     linear least-squares regression. PNAS 105(36):13212–13217, 2008.
//   - C. C. Paige, M. A. Saunders. LSQR: an algorithm for sparse linear
//     equations and sparse least squares. ACM TOMS 8(1):43–71, 1982.
//   - N. Halko, P. G. Martinsson, J. A. Tropp. Finding structure with
//     randomness: probabilistic algorithms for constructing approximate
//     matrix decompositions. SIAM Review 53(2):217–288, 2011. arXiv:0909.4061.
//   - K. L. Clarkson, D. P. Woodruff. Low rank approximation and regression
//     in input sparsity time. STOC 2013; J. ACM 63(6), 2017. arXiv:1207.6365.
//   - J. Nelson, H. L. Nguyễn. OSNAP: faster numerical linear algebra
//     algorithms via sparser subspace embeddings. FOCS 2013. arXiv:1211.1002.
//   - D. M. Kane, J. Nelson. Sparser Johnson–Lindenstrauss transforms.
//     J. ACM 61(1), 2014. arXiv:1012.1577.
//   - J. A. Tropp. Improved analysis of the subsampled randomized Hadamard
//     transform. Adv. Adapt. Data Anal. 3:115–126, 2011. arXiv:1011.1595.
//   - J. A. Tropp. User-friendly tail bounds for sums of random matrices.
//     Found. Comput. Math. 12:389–434, 2012. arXiv:1004.4389.
//   - K. R. Davidson, S. J. Szarek. Local operator theory, random matrices
//     and Banach spaces. Handbook of the Geometry of Banach Spaces, vol. 1, 2001.
//   - I. Hong, S. Na, M. W. Mahoney, M. Kolar. Constrained optimization via
//     exact augmented Lagrangian and randomized iterative sketching. ICML
//     2023. arXiv:2305.18379. (The consumer of the resumable solvers.)
package sketch
