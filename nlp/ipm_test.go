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
		{"HS21", -99.96}, {"HS35", 1.0 / 9}, {"HS71", 17.0140173}, {"HS76", -4.6818182},
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
