// Package proj computes Euclidean projections onto closed convex sets,
//
//	Π_S(v) = argmin_{y ∈ S} ½‖y − v‖²,
//
// as the bilevel methods of package bilevel need them for their feasible
// sets X, Y and C = {(x, y) : x ∈ X, y ∈ Y, g(x, y) ≤ 0}.
//
// Sets and their formulas:
//
//   - Box{lo ≤ y ≤ hi}: componentwise clipping (bounds may be ±Inf).
//   - Ball{‖y − c‖ ≤ r}: c + (v − c)·min(1, r/‖v − c‖).
//   - Simplex{y ≥ 0, Σy = s}: sort-based algorithm (Held, Wolfe, Crowder 1974;
//     Duchi et al., ICML 2008), O(n log n): y = max(v − τ, 0) with τ chosen so
//     that the entries sum to s.
//   - Affine{Ay = b}: y = v − V_r V_rᵀ (v − y₀) with V_r the right singular
//     vectors of A for the nonzero singular values and y₀ = A⁺b (rank
//     deficient A is allowed when b ∈ range(A)).
//   - HalfSpace{aᵀy ≤ β}: v − max(0, aᵀv − β)/‖a‖² · a.
//   - Product of sets over consecutive blocks.
//   - Polyhedron{Cy ≤ d}: exact projection through the dual
//     min_{λ ≥ 0} ½λᵀ(CCᵀ)λ − λᵀ(Cv − d), y = v − Cᵀλ, solved by the active
//     set method of Lawson and Hanson (Solving Least Squares Problems, 1974,
//     ch. 23) on the dual, warm-started from the previous active set. The KKT
//     conditions (λ ≥ 0, Cy ≤ d, λᵢ(Cy − d)ᵢ = 0) hold to rounding at return.
//
// Check verifies on random points that a Set behaves like the projection onto
// a closed convex set (idempotence, non-expansiveness and the obtuse-angle
// inequality (v − Πv)ᵀ(w − Πv) ≤ 0); it reports a projection onto a
// non-convex set, such as a sphere, as an error.
//
// Sets with scratch space (Simplex, Polyhedron) are not safe for concurrent
// use; the others are.
package proj
