// Package nlp defines the general nonlinear program that kkt's NLP solvers
// share,
//
//	minimize f(x)  subject to  cl ≤ c(x) ≤ cu,  xl ≤ x ≤ xu,
//
// (Problem), and holds its interior-point method.
package nlp
