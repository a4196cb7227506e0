package matrix_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kkt-go/kkt/matrix"
)

// Read a dense CSV matrix with a header; a malformed file gives a
// *matrix.ParseError naming the file, the line and the column.
func ExampleReadDenseCSV() {
	m, header, err := matrix.ReadDenseCSV(strings.NewReader("x,y\n1,2\n3,4.5\n"), "points.csv", matrix.CSVOptions{Header: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(header, m.At(1, 1))

	_, _, err = matrix.ReadDenseCSV(strings.NewReader("1,2\n3,x\n"), "bad.csv", matrix.CSVOptions{})
	var pe *matrix.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.File, pe.Line, err)
	}
	// Output:
	// [x y] 4.5
	// bad.csv 2 bad.csv:2: column 2: not a number: "x"
}

// ToDense turns a sparse matrix into a dense one (duplicates summed).
func ExampleToDense() {
	a, err := matrix.ReadMatrixMarket(strings.NewReader("%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 2\n1 1 0.5\n"), "a.mtx")
	if err != nil {
		fmt.Println(err)
		return
	}
	d := matrix.ToDense(nil, a)
	fmt.Println(d.RawMatrix().Data)
	// Output:
	// [1.5 0 0 2]
}
