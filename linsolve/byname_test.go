package linsolve

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
	sol "github.com/kkt-go/kkt/solver"
)

func TestNewPreconditioner(t *testing.T) {
	a := matrix.Poisson2D(6, 6)
	for _, name := range []string{"none", "jacobi", "ssor", "ic0", "ilu0"} {
		p, err := NewPreconditioner(name, a, 1.2)
		if err != nil || (p == nil) != (name == "none") {
			t.Errorf("%s: %T %v", name, p, err)
		}
	}
	for name, want := range map[string]string{"jacobi": "*linsolve.JacobiPrecond", "ssor": "*linsolve.SSORPrecond", "ic0": "*linsolve.IC0", "ilu0": "*linsolve.ILU0"} {
		if p, _ := NewPreconditioner(name, a, 1); fmt.Sprintf("%T", p) != want {
			t.Errorf("%s: %T, want %s", name, p, want)
		}
	}
	if _, err := NewPreconditioner("amg", a, 1); err == nil || !strings.Contains(err.Error(), `"amg"`) {
		t.Errorf("unknown name: %v", err)
	}
}

func TestDirectStatus(t *testing.T) {
	for _, c := range []struct {
		err error
		st  sol.Status
		ok  bool
	}{
		{fmt.Errorf("lu: %w", ErrSingular), sol.Singular, true},
		{ErrStructurallySingular, sol.Singular, true},
		{fmt.Errorf("x: %w", ErrNotPositiveDefinite), sol.NotApplicable, true},
		{ErrInaccurate, sol.NumericalFailure, true},
		{ErrBadInput, sol.NotTerminated, false},
		{errors.New("other"), sol.NotTerminated, false},
	} {
		if st, ok := DirectStatus(c.err); st != c.st || ok != c.ok {
			t.Errorf("%v: %v %v, want %v %v", c.err, st, ok, c.st, c.ok)
		}
	}
	// A singular system through DirectSparse: column 2 is empty.
	_, err := DirectSparse(sparse.NewCSR(3, 3, []int{0, 1, 2, 3}, []int{0, 1, 0}, []float64{1, 1, 1}), []float64{1, 1, 1}, DirectSettings{})
	if st, ok := DirectStatus(err); st != sol.Singular || !ok {
		t.Errorf("singular system: %v → %v %v", err, st, ok)
	}
}

func TestTrueResidual(t *testing.T) {
	a := matrix.NewCSR(matrix.Poisson2D(3, 3)) // diagonal 4, row sums 0..2
	x := make([]float64, 9)
	b := []float64{3, 0, 4, 0, 0, 0, 0, 0, 0}
	if rn, rel := TrueResidual(a, x, b); rn != 5 || rel != 1 {
		t.Errorf("x = 0: %v %v, want 5 1", rn, rel)
	}
	for i := range x {
		x[i] = 1
	}
	a.Apply(b, x)
	if rn, rel := TrueResidual(a, x, b); rn != 0 || rel != 0 {
		t.Errorf("exact solution: %v %v", rn, rel)
	}
	// b = 0: rel is the absolute residual; huge entries do not overflow.
	x[0] = 1e300
	if rn, rel := TrueResidual(a, x, make([]float64, 9)); math.IsInf(rn, 0) || rn < 4e300 || rel != rn {
		t.Errorf("b = 0, x₀ = 1e300: %v %v", rn, rel)
	}
}
