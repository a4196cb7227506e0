package nlp_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/nlp"
	"github.com/kkt-go/kkt/solver"
)

func loadSIF(t *testing.T, name string) *cutest.Problem {
	t.Helper()
	p, err := cutest.ParseFile(kktdata.Require(t, filepath.Join("cutest", "sif", name+".SIF")), nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func loadSIFb(b *testing.B, name string) *cutest.Problem {
	b.Helper()
	p, err := cutest.ParseFile(kktdata.Require(b, filepath.Join("cutest", "sif", name+".SIF")), nil)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func TestHockSchittkowski(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    float64
	}{
		{"HS16", 0.25}, {"HS21", -99.96}, {"HS35", 1.0 / 9}, {"HS71", 17.0140173}, {"HS76", -4.6818182},
		{"HS100", 680.6300573}, {"HS106", 7049.2480}, {"HS116", 97.5875},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := loadSIF(t, tc.name)
			r, err := nlp.Solve(context.Background(), p, nlp.Settings{})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %v %s f=%.10g iters=%d infpr=%.2g infdu=%.2g compl=%.2g", tc.name, r.Status, r.Message, r.F, r.Iterations, r.InfPr, r.InfDu, r.Compl)
			if r.Status != solver.Converged {
				t.Fatalf("status %v: %s", r.Status, r.Message)
			}
			// The reference values are given to 8 significant digits.
			if d := math.Abs(r.F-tc.f) / math.Abs(tc.f); d > 1e-6 {
				t.Errorf("f = %.10g, want %.10g (rel. diff %.2g)", r.F, tc.f, d)
			}
		})
	}
}

// TestSlackMove runs the DIAGIQ problems, whose active bounds at ±1e5 and
// 1e6 leave slacks below the rounding granularity of x: without IPOPT's
// slack move the complementarity stalls near 5e-8 and the run ends at the
// acceptable level only. With it they converge to tol 1e-8 in IPOPT's
// iteration counts (78, 84, 61) at IPOPT's objectives (ipopt.csv).
func TestSlackMove(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    float64
	}{
		{"DIAGIQB", -10149994303000.53}, {"DIAGIQE", -4999996200002.924}, {"DIAGIQT", -4599997092003.474},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := loadSIF(t, tc.name)
			r, err := nlp.Solve(context.Background(), p, nlp.Settings{})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %v acceptable=%v f=%.13g iters=%d", tc.name, r.Status, r.Acceptable, r.F, r.Iterations)
			if r.Status != solver.Converged || r.Acceptable {
				t.Fatalf("status %v (acceptable %v): %s", r.Status, r.Acceptable, r.Message)
			}
			if d := math.Abs(r.F-tc.f) / math.Abs(tc.f); d > 1e-6 {
				t.Errorf("f = %.13g, want IPOPT's %.13g (rel. diff %.2g)", r.F, tc.f, d)
			}
		})
	}
}

// TestSquareSystem: HS55 has as many equality constraints as variables.
// As IPOPT 3.11 (the version of ipopt.csv), only feasibility counts: the
// run stops at the first point whose constraint violation is within tol,
// and the multipliers are recomputed with z = 0 (IPOPT ends at
// f = 6.7052997 after 2 iterations, not at the objective's minimum 6⅔ over
// the feasible set, which the square system does not ask for).
func TestSquareSystem(t *testing.T) {
	p := loadSIF(t, "HS55")
	r, err := nlp.Solve(context.Background(), p, nlp.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("HS55: %v f=%.10g iters=%d infpr=%.2g", r.Status, r.F, r.Iterations, r.InfPr)
	if r.Status != solver.Converged || r.Acceptable {
		t.Fatalf("status %v: %s", r.Status, r.Message)
	}
	if r.InfPr > 1e-8 {
		t.Errorf("constraint violation %g", r.InfPr)
	}
	for i := range r.ZL {
		if r.ZL[i] != 0 || r.ZU[i] != 0 {
			t.Fatalf("bound multipliers not zero: %v %v", r.ZL, r.ZU)
		}
	}
	if d := math.Abs(r.F-6.7052997) / 6.7052997; d > 1e-6 {
		t.Errorf("f = %.10g, want IPOPT's 6.7052997", r.F)
	}
}

// TestSoftRestoration follows LUKVLI15 into IPOPT's soft restoration phase
// and the restoration phase after it. IPOPT 3.11.9's log (tol 1e-8): at
// iterations 7 and 8 the backtracking line search fails and the soft
// restoration step is taken, with the same step length for the primal and
// the dual variables (3.27e-4 and 8.71e-5); then the restoration phase
// starts with μ_R = max(μ, ‖c‖∞) ≈ 10², which its first iteration keeps.
func TestSoftRestoration(t *testing.T) {
	p := loadSIF(t, "LUKVLI15")
	var its []nlp.Iteration
	r, err := nlp.Solve(context.Background(), p, nlp.Settings{MaxIter: 12,
		Recorder: func(it nlp.Iteration) bool { its = append(its, it); return true }})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != solver.MaxIterations || len(its) < 10 {
		t.Fatalf("status %v after %d recorded iterations", r.Status, len(its))
	}
	for k, want := range map[int]float64{7: 3.27e-4, 8: 8.71e-5} {
		it := its[k-1]
		if it.Iter != k || it.Restoration || it.Alpha != it.AlphaDual || math.Abs(it.Alpha-want) > 0.005*want {
			t.Errorf("iteration %d: %+v; want a soft-restoration step with α = α_z ≈ %g", k, it, want)
		}
	}
	var first *nlp.Iteration
	for i := range its {
		if its[i].Restoration {
			first = &its[i]
			break
		}
	}
	if first == nil {
		t.Fatal("no restoration iteration")
	}
	if lg := math.Log10(first.Mu); math.Abs(lg-2.0) > 0.05 {
		t.Errorf("first restoration iteration has μ = %g (lg %.2f), want IPOPT's lg μ = 2.0", first.Mu, lg)
	}
}
