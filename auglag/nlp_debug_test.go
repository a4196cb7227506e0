package auglag

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/cutest"
)

func TestZZDebug(t *testing.T) {
	names := os.Getenv("KKT_ALM_DEBUG")
	if names == "" {
		t.Skip()
	}
	for _, name := range strings.Split(names, ",") {
		p, err := cutest.ParseFile(filepath.Join("/work/shared/data/cutest/sif", name+".SIF"), nil)
		if err != nil {
			t.Fatal(err)
		}
		res, _ := SolveNLP(context.Background(), p, NLPSettings{Recorder: func(it NLPIteration) bool {
			t.Logf("%s it %d: inner %d cg %d f %.12g infpr %.2g infdu %.2g compl %.2g V %.2g rho %.2g eps %.2g %v", name, it.Iter, it.Inner, it.CG, it.F, it.InfPr, it.InfDu, it.Compl, it.V, it.Rho, it.Eps, it.InnerStatus)
			return true
		}})
		t.Logf("%s: %v %s f=%.12g infpr %.2g infdu %.2g compl %.2g", name, res.Status, res.Message, res.F, res.InfPr, res.InfDu, res.Compl)
	}
}
