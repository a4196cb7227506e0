// Package nlprepro is the "nlp" experiment of `kkt reproduce`: kkt's solvers
// of general nonlinear programs
//
//	minimize f(x)  subject to  cl ≤ c(x) ≤ cu,  xl ≤ x ≤ xu,
//
// the interior-point method of package nlp ("ipm") and the bound-constrained
// augmented Lagrangian auglag.SolveNLP ("auglag"), on CUTEst problems beside
// the results of IPOPT 3.11.9 (A. Wächter, L. T. Biegler, "On the
// implementation of an interior-point filter line-search algorithm for
// large-scale nonlinear programming", Math. Program. 106, 2006) recorded in
// the shared data folder's cutest/ipopt.csv (tol 10⁻⁸).
//
// The quick run solves the Hock–Schittkowski problems with the
// interior-point method; --full solves every shared problem with
// 2 ≤ n ≤ 100 that has bounds or inequalities with both methods (see
// internal/nlpbench for the sets and the comparison). The targets: ipm
// solves at least as many problems as IPOPT, reaches IPOPT's objective
// (relative 10⁻⁶) on ≥ 95% of IPOPT's solved problems, and its median
// iteration count where both converge is at most 1.25× IPOPT's; auglag
// reaches ≥ 85%. A performance profile (Dolan–Moré) of the iteration counts
// is the figure nlp-profile.
//
// The experiment also solves the PDE-control problem of auglag with
// 0 ≤ z ≤ 2 on the control by the interior-point method on N×N grids and
// fits the growth of the CPU time per iteration in n = 2N² (target ≤ n^1.3).
// See docs/nlp.md.
package nlprepro
