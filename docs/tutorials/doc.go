// Package tutorials holds no library code. It exists so that the Go code of
// the teaching tutorials in this directory is compiled and run by go test:
//
//   - kaczmarz.md, "From Kaczmarz to sketch-and-project";
//   - sinkhorn-newton.md, "Why Sinkhorn slows down as ε → 0, and how Newton
//     fixes it".
//
// Every ```go block of the two pages is the body (or a part of the body) of
// an Example function in example_test.go, with its // Output: lines, and
// tutorials_test.go fails when a block and its example drift apart.
package tutorials
