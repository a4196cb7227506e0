package matrix_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kkt-go/kkt/matrix"
)

// A two-line file declaring a 2²⁸×2²⁸ matrix is refused at its size line
// instead of allocating gigabytes of row pointers.
func ExampleSetMemoryBudget() {
	old := matrix.SetMemoryBudget(256 << 20)
	defer matrix.SetMemoryBudget(old)
	in := "%%MatrixMarket matrix coordinate real general\n268435456 268435456 0\n"
	_, err := matrix.ReadMatrixMarket(strings.NewReader(in), "huge.mtx")
	fmt.Println(err)
	fmt.Println(errors.Is(err, matrix.ErrTooLarge))
	// Output:
	// huge.mtx:2: a 268435456×268435456 sparse matrix with 0 entries needs 4 GiB, over the memory budget of 256 MiB (raise it with --mem-budget or KKT_MEM_BUDGET)
	// true
}
