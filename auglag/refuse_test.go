package auglag

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/nlp"
)

// HS21 has the bound x₁ ≥ 2 and an inequality: every method of Solve
// refuses it by name instead of solving the problem without them.
func TestSolveRefusesBoundsAndInequalities(t *testing.T) {
	dir := kktdata.Require(t, "cutest/sif")
	p, err := cutest.ParseFile(filepath.Join(dir, "HS21.SIF"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for m := AdaSketchGV; m <= ALM; m++ {
		res, err := Solve(context.Background(), p, Settings{Method: m, MaxIter: 5})
		if !errors.Is(err, nlp.ErrUnsupported) {
			t.Errorf("%v: err = %v, res = %+v; want nlp.ErrUnsupported", m, err, res)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, m.String()) || !strings.Contains(msg, "HS21") || !strings.Contains(msg, "bounds") {
			t.Errorf("%v: message %q does not name the method, the problem and what is unsupported", m, msg)
		}
	}
}

// shiftedHS28 is HS28 with its constraint x₁ + 2x₂ + 3x₃ = 1 written as
// cl = cu = 1 on c(x) = x₁ + 2x₂ + 3x₃: Solve must solve c(x) = 1, not c(x) = 0.
type shiftedHS28 struct{ *DenseProblem }

func (shiftedHS28) XL() []float64 { return []float64{math.Inf(-1), math.Inf(-1), math.Inf(-1)} }
func (shiftedHS28) XU() []float64 { return []float64{math.Inf(1), math.Inf(1), math.Inf(1)} }
func (shiftedHS28) CL() []float64 { return []float64{1} }
func (shiftedHS28) CU() []float64 { return []float64{1} }
func (s shiftedHS28) Constraints(dst, x []float64) {
	s.DenseProblem.Constraints(dst, x)
	dst[0]++
}

func TestSolveShiftsEqualityRightHandSide(t *testing.T) {
	p := shiftedHS28{hs28()}
	for _, m := range []Method{Newton, AdaSketchGV, L1SQP, ALM} {
		res, err := Solve(context.Background(), p, Settings{Method: m})
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		x := res.X
		if c := x[0] + 2*x[1] + 3*x[2]; res.Status != Converged || math.Abs(c-1) > 1e-4 {
			t.Errorf("%v: %v with x₁ + 2x₂ + 3x₃ = %.6g, want 1", m, res.Status, c)
		}
	}
	// A range is refused.
	if _, err := Solve(context.Background(), rangeHS28{shiftedHS28{hs28()}}, Settings{Method: Newton}); !errors.Is(err, nlp.ErrUnsupported) {
		t.Errorf("range constraint: err = %v, want nlp.ErrUnsupported", err)
	}
}

type rangeHS28 struct{ shiftedHS28 }

func (rangeHS28) CU() []float64 { return []float64{2} }
