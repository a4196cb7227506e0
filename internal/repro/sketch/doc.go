// Package sketchrepro holds the `kkt reproduce` experiment "sketch": the
// randomized solvers and sketches of package sketch against their theory.
//
//   - Convergence rates, mean E‖x_k − x*‖² over seeds on a consistent Gaussian
//     system, against ρ = 1 − σ_min²/‖A‖_F² (randomized Kaczmarz, Strohmer and
//     Vershynin, J. Fourier Anal. Appl. 2009), 1 − λ_min(E[Z]) with
//     Z = (SA)ᵀ((SA)(SA)ᵀ)⁺(SA) (sketch-and-project, Gower and Richtárik, SIAM
//     J. Matrix Anal. Appl. 2015; E[Z] by Monte Carlo) and
//     1 − λ_min(AᵀA)/tr(AᵀA) (randomized coordinate descent, Leventhal and
//     Lewis, Math. Oper. Res. 2010).
//   - Subspace embeddings: the distortion max(1 − σ_min(SU), σ_max(SU) − 1) of
//     an orthonormal U against the theoretical ε of sketch.EmbeddingDistortion.
//   - Sketch-and-precondition LSQR (Blendenpik, Avron, Maymounkov and Toledo,
//     SIAM J. Sci. Comput. 2010; LSRN, Meng, Saunders and Mahoney, 2014):
//     iterations independent of κ(A) = 10²…10⁸, and the 20000×200, κ = 10⁸
//     headline timed against dense Householder QR.
//   - Randomized SVD (Halko, Martinsson and Tropp, SIAM Rev. 2011): top-10
//     singular values of a matrix with σ_j = 0.8^j, and the range error
//     ‖A − QQᵀA‖₂ against the HMT bound, for q = 0, 1, 2 power iterations.
//
// Experiments returns the experiment for the reproduce framework of
// internal/repro.
package sketchrepro
