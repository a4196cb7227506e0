// Package cutestrepro is the "cutest-sif" experiment of `kkt reproduce`: the
// pure-Go SIF interpreter of package cutest checked against independently
// computed values.
//
// Reference: S. Gratton, Ph. L. Toint, "S2MPJ and CUTEst optimization
// problems for Matlab, Python and Julia", arXiv:2407.07812 (2024). The
// shared data folder's cutest/reference.csv (see REFERENCE.md beside it)
// holds, for every SIF problem, 16 quantities computed by S2MPJ's Python
// translations at the start point x₀ and at a perturbed point x₁: f, ‖∇f‖,
// ∇fᵀu, uᵀ∇²f u, ‖c‖, wᵀc, wᵀJu and uᵀ(Σⱼwⱼ∇²cⱼ)u for fixed vectors u and w.
// A problem matches when all its quantities agree to a relative error of
// 10⁻¹⁰ (cutest.ReferenceError); the experiment reports the fraction of
// problems that match (the reference value is 1: all of them), over every
// ninth problem in the quick run and over all of them with --full. See
// docs/cutest.md.
package cutestrepro
