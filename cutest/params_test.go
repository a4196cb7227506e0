package cutest

import (
	"flag"
	"io"
	"testing"
)

func TestParamsFlag(t *testing.T) {
	p := Params{}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(p, "param", "")
	if err := fs.Parse([]string{"--param", "N=100", "--param", " M = 2.5 "}); err != nil {
		t.Fatal(err)
	}
	if len(p) != 2 || p["N"] != 100 || p["M"] != 2.5 || p.String() != "map[M:2.5 N:100]" {
		t.Errorf("%v", p)
	}
	for _, bad := range []string{"N", "=3", "N=x", "N="} {
		if err := p.Set(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
