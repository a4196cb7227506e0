package nlp_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/kkt-go/kkt/nlp"
)

func TestDebugOne(t *testing.T) {
	name := os.Getenv("P")
	if name == "" {
		t.Skip()
	}
	p := loadSIF(t, name)
	r, _ := nlp.Solve(context.Background(), p, nlp.Settings{Recorder: func(it nlp.Iteration) bool {
		fmt.Printf("%4d %s f=%14.8e pr=%8.2e du=%8.2e mu=%8.2e d=%8.2e dw=%8.2e a=%8.2e az=%8.2e ls=%d\n", it.Iter, map[bool]string{true: "r", false: " "}[it.Restoration], it.F, it.InfPr, it.InfDu, it.Mu, it.DNorm, it.RegW, it.Alpha, it.AlphaDual, it.LS)
		return true
	}})
	fmt.Println(r.Status, r.Message, r.F, r.Iterations)
}

func TestDebugGates(t *testing.T) {
	name := os.Getenv("P")
	if name == "" {
		t.Skip()
	}
	p := loadSIF(t, name)
	nlp.SetDebugGates(true)
	defer nlp.SetDebugGates(false)
	nlp.Solve(context.Background(), p, nlp.Settings{MaxIter: 200})
}
