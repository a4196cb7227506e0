// Package cutest reads optimization problems written in SIF, the Standard
// Input Format of the CUTEst test collection, and evaluates them with exact
// first and second derivatives — in pure Go, without SIFDecode or a Fortran
// compiler.
//
// References:
//
//   - A. R. Conn, N. I. M. Gould, Ph. L. Toint, "LANCELOT: a Fortran package
//     for large-scale nonlinear optimization (Release A)", Springer Series in
//     Computational Mathematics 17, 1992, Chapter 7 ("The SIF reference
//     report") — the format.
//   - N. I. M. Gould, D. Orban, Ph. L. Toint, "CUTEst: a Constrained and
//     Unconstrained Testing Environment with safe threads for mathematical
//     optimization", Computational Optimization and Applications 60 (2015)
//     545–557 — the collection and its conventions.
//   - S. Gratton, Ph. L. Toint, "S2MPJ and CUTEst optimization problems for
//     Matlab, Python and Julia", arXiv:2407.07812 (2024) — the independent
//     translation whose values validate this package (see docs/cutest.md).
//   - SIFDecode 3.1.1 and CUTEst 2.7.1 (github.com/ralna/SIFDecode,
//     github.com/ralna/CUTEst) — the reference decoder and evaluator, run
//     beside kkt by the tests' harness (testdata/cutestdump) where S2MPJ
//     and kkt disagree.
//
// # The model
//
// A SIF problem is group partially separable. For each group i with linear
// part aᵢ, constant bᵢ, nonlinear elements fₑ with weights wᵢₑ, group
// function gᵢ (default g(α) = α) and scale sᵢ,
//
//	αᵢ(x) = Σₑ wᵢₑ fₑ(xₑ) + aᵢᵀx − bᵢ,   vᵢ(x) = gᵢ(αᵢ(x)) / sᵢ.
//
// The objective is f(x) = Σ_{i∈N} vᵢ(x) + ½xᵀHx (H from the QUADRATIC
// section); every E, L and G group is a constraint cⱼ(x) = vᵢ(x) with bounds
// 0 ≤ c ≤ 0 (E), −|r| ≤ c ≤ 0 (L), 0 ≤ c ≤ |r| (G), r the RANGES value
// (default ∞). The constant is subtracted inside the group argument and the
// scale divides the group value. Constraints keep the SIF declaration order
// (CUTEst's order). Elements may use an internal-variable transformation
// u = Wv; the gradients and Hessians are then Wᵀ∇ᵤf and Wᵀ∇²ᵤf W.
//
// Derivatives follow the chain rule on that structure:
//
//	∇vᵢ  = gᵢ′(αᵢ)∇αᵢ / sᵢ,
//	∇²vᵢ = (gᵢ″(αᵢ)∇αᵢ∇αᵢᵀ + gᵢ′(αᵢ)Σₑ wᵢₑ∇²fₑ) / sᵢ,
//
// with fₑ, ∇fₑ, ∇²fₑ, g, g′, g″ taken from the F, G and H cards of the SIF
// file (no automatic or numerical differentiation). The Lagrangian is
// L(x, y) = f(x) + yᵀc(x).
//
// # Evaluation
//
// Each element type and group type is compiled once into a register
// bytecode in SSA form (constants folded, common subexpressions shared, dead
// code removed separately for values, gradients and Hessians). The bytecode
// runs over batches of 64 elements of the same type at a time, one register
// per lane, so interpretation overhead is paid once per batch. Each element
// and group is evaluated once per point: f, ∇f, c, J and the Hessian
// products reuse the cached values until x changes.
//
// External functions (F temporaries of the function parts, §7.1 of the SIF
// report) are Fortran routines that CUTEst links; a file may append their
// source after its last ENDATA (HS67 does). Such source is interpreted — a
// Fortran 77 subset of typed FUNCTIONs with scalar and array variables,
// assignments, block and logical IF, GO TO, CONTINUE and RETURN — and the
// call becomes one bytecode instruction whose array arguments (array
// temporaries such as R Y(8)) are read back with constant subscripts. A
// call that runs more than 10⁵ statements or indexes out of bounds
// yields NaN; anything outside the subset is a parse error.
//
// A Problem is not safe for concurrent use; Clone gives an independent copy
// that shares the compiled model.
//
// # Input
//
// Parse, ParseFile and Load read fixed-format SIF (and free format, which is
// translated into fixed cards). Malformed input yields a *ParseError whose
// message reads "file:line: cause". The work of interpreting a file —
// cards executed, DO loops included, plus entities built — is bounded by a
// budget derived from Options.MemoryBudget (default DefaultMemoryBudget,
// 1 GiB: 2³⁰/WorkUnitBytes = 16,777,216 units), so no input can hang the
// parser or exhaust memory: a DO loop whose trip count exceeds what is left
// fails at its DO card before running. Real parameters must stay finite
// (1/0, 0/0, EXP(1000) are errors) and integer parameters within ±2⁵³.
// Options.Params overrides $-PARAMETER values. docs/cutest.md lists what is
// supported.
//
// # Validation
//
// ReadReference, CheckReference and CheckReferences compare a problem with
// the reference values distributed with the project's data (computed by
// S2MPJ's Python translations): 851 of the 871 rows match all 16
// quantities to 1e-10, and the others are explained in docs/cutest.md.
// Where the two disagree the tests compare with CUTEst itself: SIFDecode
// decodes the file, the CUTEst tools evaluate it, and kkt must agree in
// n, m, names, x0, bounds and constraint kinds and, to 1e-12, in f, c, ∇f,
// J and Hessian–vector products.
package cutest
