package auglag

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/kktdata"
	sol "github.com/kkt-go/kkt/solver"
)

// Hock–Schittkowski problems with bounds and inequalities from the shared
// SIF folder, against their published optimal values.
func TestSolveNLPHockSchittkowski(t *testing.T) {
	dir := kktdata.Require(t, "cutest/sif")
	for _, c := range []struct {
		name string
		f    float64
	}{{"HS21", -99.96}, {"HS35", 1.0 / 9}, {"HS71", 17.0140173}, {"HS76", -4.6818182}} {
		p, err := cutest.ParseFile(filepath.Join(dir, c.name+".SIF"), nil)
		if err != nil {
			t.Fatal(err)
		}
		var its []NLPIteration
		res, err := SolveNLP(context.Background(), p, NLPSettings{Recorder: func(it NLPIteration) bool { its = append(its, it); return true }})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range its {
			t.Logf("%s it %d: inner %d cg %d f %.10g infpr %.2g infdu %.2g compl %.2g V %.2g rho %.2g eps %.2g %v", c.name, it.Iter, it.Inner, it.CG, it.F, it.InfPr, it.InfDu, it.Compl, it.V, it.Rho, it.Eps, it.InnerStatus)
		}
		if res.Status != sol.Converged {
			t.Errorf("%s: %v (%s)", c.name, res.Status, res.Message)
		}
		if rel := math.Abs(res.F-c.f) / math.Max(1, math.Abs(c.f)); rel > 1e-6 {
			t.Errorf("%s: f = %.10g, want %.10g (relative error %.2g)", c.name, res.F, c.f, rel)
		}
		xl, xu := p.XL(), p.XU()
		for i, v := range res.X {
			if v < xl[i] || v > xu[i] {
				t.Errorf("%s: x[%d] = %v outside [%v, %v]", c.name, i, v, xl[i], xu[i])
			}
		}
		t.Logf("%s: %v in %d outer iterations, f = %.10g, infpr %.2g infdu %.2g compl %.2g, %d evaluations", c.name, res.Status, res.Iterations, res.F, res.InfPr, res.InfDu, res.Compl, res.Evaluations)
	}
}
