package linsolve

import (
	"context"
	"testing"

	"github.com/kkt-go/kkt/matrix"
)

// fusedOp is a BidiagOperator over a dense matrix, counting its calls.
type fusedOp struct {
	matrix.Operator
	fused, plain int
}

func (f *fusedOp) Apply(dst, x []float64)      { f.plain++; f.Operator.Apply(dst, x) }
func (f *fusedOp) ApplyTrans(dst, x []float64) { f.plain++; f.Operator.ApplyTrans(dst, x) }
func (f *fusedOp) ApplyBidiag(u, w, v []float64, alpha float64) {
	f.fused++
	m, _ := f.Dims()
	t := make([]float64, m)
	f.Operator.Apply(t, v)
	for i := range u {
		u[i] = t[i] - alpha*u[i]
	}
	f.Operator.ApplyTrans(w, u)
}

// TestLSQRBidiagOperator: an operator offering the fused step gets it on
// every iteration (and Apply/ApplyTrans only for the start), reaches the
// same least-squares solution as the plain path, and the Estimates hook
// sees every iteration and can stop the solve.
func TestLSQRBidiagOperator(t *testing.T) {
	d, b := randomSystem(overdet, 20, 4) // 40×20
	ref, err := LSQR(context.Background(), matrix.NewDense(d), b, LSQRSettings{Settings: Settings{RTol: 1e-12}})
	if err != nil || ref.Status != Converged {
		t.Fatalf("plain: %+v %v", ref, err)
	}
	op := &fusedOp{Operator: matrix.NewDense(d)}
	var seen []LSQREstimates
	res, err := LSQR(context.Background(), op, b, LSQRSettings{Settings: Settings{RTol: 1e-12},
		Estimates: func(e LSQREstimates) bool { seen = append(seen, e); return true }})
	if err != nil || res.Status != Converged {
		t.Fatalf("fused: %+v %v", res, err)
	}
	if e := relDiff(res.X, ref.X); e > 1e-10 {
		t.Errorf("fused and plain LSQR differ by %g", e)
	}
	if op.fused != res.Iterations || op.plain != 1 {
		t.Errorf("%d iterations: %d fused steps, %d plain products (want %d and 1)", res.Iterations, op.fused, op.plain, res.Iterations)
	}
	if len(seen) != res.Iterations || seen[len(seen)-1].Iteration != res.Iterations {
		t.Fatalf("Estimates called %d times for %d iterations", len(seen), res.Iterations)
	}
	if last := seen[len(seen)-1]; !(last.NormalResidual <= 1e-12 || last.RelResidual <= 1e-11) {
		t.Errorf("converged but last estimates %+v meet neither rule", last)
	}
	stop, err := LSQR(context.Background(), op, b, LSQRSettings{Settings: Settings{RTol: 1e-12},
		Estimates: func(e LSQREstimates) bool { return e.Iteration < 3 }})
	if err != nil || stop.Status != Canceled || stop.Iterations != 3 {
		t.Errorf("Estimates returning false at 3: %v after %d iterations (%v)", stop.Status, stop.Iterations, err)
	}
}
