package auglag_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/kkt-go/kkt/auglag"
	"github.com/kkt-go/kkt/nlp"
	"github.com/kkt-go/kkt/solver"
)

var _ nlp.Problem = (*auglag.BoundedPDEControl)(nil)

// TestBoundedPDEControl: the interior-point method and SolveNLP honour
// −2 ≤ z ≤ 2 (some active, some not: the unbounded z spans [−3.4, −0.8]) and
// agree on the optimum; the equality-only Solve refuses.
func TestBoundedPDEControl(t *testing.T) {
	p := auglag.NewBoundedPDEControl(8, -2, 2)
	sh, err := nlp.Classify(p)
	if err != nil || sh.LowerBounds != 64 || sh.UpperBounds != 64 || sh.Equalities != 64 {
		t.Fatalf("shape %+v, %v", sh, err)
	}
	if _, err := auglag.Solve(context.Background(), p, auglag.Settings{Method: auglag.Newton}); !errors.Is(err, nlp.ErrUnsupported) {
		t.Fatalf("Solve on the bounded problem: %v, want the refusal", err)
	}
	ipm, err := nlp.Solve(context.Background(), p, nlp.Settings{})
	if err != nil || ipm.Status != solver.Converged {
		t.Fatalf("ipm: %v %v", ipm.Status, err)
	}
	al, err := auglag.SolveNLP(context.Background(), p, auglag.NLPSettings{})
	if err != nil || al.Status != solver.Converged {
		t.Fatalf("auglag: %v %v", al.Status, err)
	}
	nn := 64
	active := 0
	for i := nn; i < 2*nn; i++ {
		for _, x := range [][]float64{ipm.X, al.X} {
			if x[i] < -2-1e-7 || x[i] > 2+1e-7 {
				t.Fatalf("z[%d] = %g outside [−2, 2]", i-nn, x[i])
			}
		}
		if ipm.X[i] < -2+1e-6 {
			active++
		}
	}
	if active == 0 {
		t.Fatal("no bound is active: the test does not exercise the bounds")
	}
	if active == nn {
		t.Fatal("every bound is active: the test does not exercise free controls")
	}
	// The unbounded problem's optimum is lower (the bounds cut it off).
	free, err := nlp.Solve(context.Background(), auglag.NewBoundedPDEControl(8, math.Inf(-1), math.Inf(1)), nlp.Settings{})
	if err != nil || free.Status != solver.Converged {
		t.Fatalf("unbounded: %v %v", free.Status, err)
	}
	if !(free.F < ipm.F) || math.Abs(ipm.F-al.F) > 1e-6*math.Max(1, math.Abs(ipm.F)) {
		t.Fatalf("f: bounded ipm %.10g, auglag %.10g, unbounded %.10g", ipm.F, al.F, free.F)
	}
	t.Logf("N = 8: %d of 64 controls at a bound; f = %.10g (ipm, %d it), %.10g (auglag), unbounded %.10g", active, ipm.F, ipm.Iterations, al.F, free.F)
}
