// Package linsolve solves sparse linear systems A·x = b given as
// matrix.Operator values: Krylov methods (CG, preconditioned CG, MINRES,
// GMRES(m), BiCGSTAB, LSQR), stationary iterations (Jacobi, Gauss–Seidel,
// SOR, SSOR), preconditioners (Jacobi, SSOR, IC(0), ILU(0)) and a dense
// direct path for small systems.
//
// Every solver takes a context.Context, the operator, the right-hand side
// and a Settings value whose zero value means documented defaults, and
// returns a *Result with the iterate, a Status and the residual history.
// Unless a method's documentation says otherwise the stopping rule is
//
//	‖b − A·x_k‖₂ ≤ max(RTol·‖b‖₂, ATol).
//
// References:
//   - Y. Saad, Iterative Methods for Sparse Linear Systems, 2nd ed., SIAM, 2003.
//   - M. R. Hestenes and E. Stiefel, Methods of conjugate gradients for
//     solving linear systems, J. Res. Nat. Bur. Standards 49 (1952).
//   - C. C. Paige and M. A. Saunders, Solution of sparse indefinite systems of
//     linear equations (MINRES), SIAM J. Numer. Anal. 12 (1975).
//   - C. C. Paige and M. A. Saunders, LSQR: An algorithm for sparse linear
//     equations and sparse least squares, ACM TOMS 8 (1982).
//   - Y. Saad and M. H. Schultz, GMRES, SIAM J. Sci. Stat. Comput. 7 (1986).
//   - H. A. van der Vorst, Bi-CGSTAB, SIAM J. Sci. Stat. Comput. 13 (1992).
package linsolve
