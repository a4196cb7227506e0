// Package tutorials holds no library code. It exists so that the Go code of
// the teaching tutorials in this directory is compiled and run by go test:
//
//   - kaczmarz.md, "From Kaczmarz to sketch-and-project";
//   - sinkhorn-newton.md, "Why Sinkhorn slows down as ε → 0, and how Newton
//     fixes it".
//
// Every ```go block of the two pages is a contiguous run of lines of an
// Example function in example_test.go (its body, dedented by one tab), and
// every ```text block is a run of that function's // Output: lines. go test
// runs the examples and checks their output; tutorials_test.go fails when a
// block is not found in an example, or when an example has a line that no
// page shows, so the pages and the code cannot drift apart. Edit both
// together: change the example, run go test -run Example -v to see its new
// output, and copy the changed lines into the page.
package tutorials
