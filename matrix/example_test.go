package matrix_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/kkt-go/kkt/matrix"
)

// Read a small symmetric matrix stored as its lower triangle; the reader
// expands it to full storage.
func ExampleReadMatrixMarket() {
	const src = `%%MatrixMarket matrix coordinate real symmetric
% 3x3 tridiagonal
3 3 5
1 1 2
2 1 -1
2 2 2
3 2 -1
3 3 2
`
	a, err := matrix.ReadMatrixMarket(strings.NewReader(src), "tri.mtx")
	if err != nil {
		log.Fatal(err)
	}
	r, c := a.Dims()
	fmt.Printf("%d×%d, %d stored entries\n", r, c, a.NNZ())
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			fmt.Printf("%3g", a.At(i, j))
		}
		fmt.Println()
	}
	if err := matrix.WriteMatrixMarket(os.Stdout, a); err != nil {
		log.Fatal(err)
	}

	// Malformed input is reported with the file, the line and the cause.
	_, err = matrix.ReadMatrixMarket(strings.NewReader(strings.Replace(src, "3 2 -1", "3 4 -1", 1)), "tri.mtx")
	fmt.Println(err)
	// Output:
	// 3×3, 7 stored entries
	//   2 -1  0
	//  -1  2 -1
	//   0 -1  2
	// %%MatrixMarket matrix coordinate real general
	// 3 3 7
	// 1 1 2
	// 1 2 -1
	// 2 1 -1
	// 2 2 2
	// 2 3 -1
	// 3 2 -1
	// 3 3 2
	// tri.mtx:7: column index 4 out of range [1, 3]
}

// Build the 2-D Poisson matrix and apply it as an Operator.
func ExampleNewCSR() {
	a := matrix.Poisson2D(3, 3) // 9×9, 5-point stencil
	op := matrix.NewCSR(a)
	x := make([]float64, 9)
	for i := range x {
		x[i] = 1
	}
	y := make([]float64, 9)
	op.Apply(y, x) // y = A·1: 4 minus the number of interior neighbours
	fmt.Println(op.NNZ(), y)
	// Output:
	// 33 [2 1 2 1 0 1 2 1 2]
}

// Read a LIBSVM data set whose classes are labelled 2 and 4 (as in the
// original breast-cancer file) and map them to −1/+1.
func ExampleReadLIBSVM() {
	const src = `2 1:0.5 3:1
4 2:-1 # a comment
2
4 qid:7 1:1 4:0.25
`
	ds, err := matrix.ReadLIBSVM(strings.NewReader(src), "toy", matrix.LIBSVMOptions{Labels: matrix.LabelsPlusMinusOne})
	if err != nil {
		log.Fatal(err)
	}
	r, c := ds.X.Dims()
	fmt.Printf("%d examples, %d features, %d non-zeros\n", r, c, ds.X.NNZ())
	fmt.Println("labels:", ds.Y)
	if err := matrix.WriteLIBSVM(os.Stdout, ds); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 4 examples, 4 features, 5 non-zeros
	// labels: [-1 1 -1 1]
	// -1 1:0.5 3:1
	// 1 2:-1
	// -1
	// 1 1:1 4:0.25
}
