package auglag

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/kktdata"
)

// CUTEst problems with nonlinear constraints: the merit gradient against
// finite differences, and a few solves against the authors' iteration
// counts (the whole list runs in `kkt reproduce cutest`).
func TestCUTEstMerit(t *testing.T) {
	dir := kktdata.Require(t, "cutest/sif")
	for _, name := range []string{"BT9", "HS47", "BT12", "HS100LNP", "ORTHREGB", "MWRIGHT"} {
		p, err := cutest.ParseFile(filepath.Join(dir, name+".SIF"), nil)
		if err != nil {
			t.Fatal(err)
		}
		x := p.X0()
		for i := range x {
			x[i] += 0.05 * float64(i%4)
		}
		lam := make([]float64, p.M())
		for j := range lam {
			lam[j] = 0.3 - 0.1*float64(j%5)
		}
		if e := meritFD(t, name, p, x, lam, LagrangianHessian); e > 1e-7 {
			t.Errorf("%s: merit gradient relative error %.2g > 1e-7", name, e)
		} else {
			t.Logf("%s (n=%d, m=%d): merit gradient max relative error %.2g", name, p.N(), p.M(), e)
		}
	}
	for _, c := range []struct {
		name string
		gv   int
	}{{"BT9", 12}, {"HS47", 14}, {"MANCINONE", 4}} {
		p, err := cutest.ParseFile(filepath.Join(dir, c.name+".SIF"), nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Solve(context.Background(), p, Settings{Method: AdaSketchRK})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != Converged || res.Iterations < c.gv-2 || res.Iterations > c.gv+2 {
			t.Errorf("%s: %v in %d iterations; the authors' RK runs took about %d", c.name, res.Status, res.Iterations, c.gv)
		}
	}
}
