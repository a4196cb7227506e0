// Package linsolverepro is the "linsolve" experiment of `kkt reproduce`:
// the Krylov solvers of package linsolve on generated model problems.
//
//   - M. R. Hestenes, E. Stiefel, "Methods of Conjugate Gradients for
//     Solving Linear Systems", J. Res. NBS 49, 1952: conjugate gradients on
//     the 5-point Poisson matrix of a 100×100 grid with b = A·1, stopping at
//     ‖b − Ax‖ ≤ 10⁻⁸‖b‖. The reference is SciPy 1.10's
//     scipy.sparse.linalg.cg on the same system (183 iterations, measured
//     with linsolve/testdata/scipy_cg.py); kkt's count is "reproduced" within
//     ±2 iterations.
//   - Y. Saad, "Iterative Methods for Sparse Linear Systems", 2nd ed., SIAM
//     2003: CG preconditioned with IC(0) (§10.3) on the same system, and
//     GMRES(20) without and with ILU(0) on the 2-D convection–diffusion
//     matrix with cell Péclet number 0.5 (64×64 grid; 200×200 with --full),
//     reported as information rows.
//
// The figure linsolve-residuals shows the relative residual histories
// ‖b − Ax_k‖/‖b‖ of CG, PCG with IC(0), MINRES, GMRES(20) and BiCGSTAB on
// the Poisson system.
package linsolverepro
