// Package auglagrepro holds the experiments "cutest", "pde" and "logreg" of
// `kkt reproduce`: the adaptive inexact Newton method with randomized
// sketching of package auglag (AdaSketch-GV and -RK) and its baselines
// against the iteration counts published in
//
//	I. Hong, S. Na, M. W. Mahoney, M. Kolar, "Constrained Optimization via
//	Exact Augmented Lagrangian and Randomized Iterative Sketching",
//	ICML 2023, arXiv 2305.18379 (reference code: IlgeeHong/AdaSketch-Newton).
//
// Every run solves min f(x) s.t. c(x) = 0 to ‖(∇ₓL, c)‖₂ ≤ 10⁻⁴ with
// L = f + λᵀc.
//
//   - cutest: the authors' 47 equality-constrained CUTEst problems
//     (PaperCUTEst: the medians over 10 runs of AdaSketch-GV and -RK and the
//     one run of GMRES-L1-Adap) with the methods of CUTEstMethods. A problem
//     counts as within the paper when its iteration count is within ±2 of
//     the authors'; the targets are ≥ 95% solved, median ≤ 6 iterations and
//     ≥ 80% within ±2. The experiment is sharded: one unit per problem
//     (RunCUTEstUnit) and SummarizeCUTEst over all units.
//   - pde: the PDE-constrained control problem on an N×N grid
//     (auglag.NewPDEControl; n = 2N², m = N²): iterations at N = 3 against
//     the authors' runs, and the time of the Newton–KKT solves up to N = 128
//     (the target: converged to 10⁻⁴ in under 30 s).
//   - logreg: logistic regression with 10 random linear constraints and
//     ‖x‖² = 1 (auglag.ReadLogReg) on LIBSVM sets whose features outnumber
//     the constraints enough to be feasible (‖A⁺b‖ < 1), against the paper's
//     iteration counts (PaperLogReg); AdaSketch must take 7 to 12
//     iterations.
//
// See docs/auglag.md for the tables these experiments regenerate.
package auglagrepro
