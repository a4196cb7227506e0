package sor_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/sor"
)

// A sequence and a tuner chosen by name, as `kkt sor --sequence heat
// --tuner tsallis-cb` does.
func ExampleSpec() {
	sp := sor.Spec{Kind: "heat", NX: 10, Instances: 20}
	seq, _ := sp.New()
	lo, hi, bins := sp.Context()
	m := sp.DefaultMethod()
	tuner, _ := sor.ParseTuner("tsallis-cb", lo, hi, bins, m, rand.New(rand.NewPCG(1, 2)))
	res, _ := sor.Run(context.Background(), seq, tuner, sor.Settings{Solver: sor.Solver{Method: m}})
	fmt.Println(m, bins, len(res.Records), res.Status)
	// Output: ssor-pcg 6 20 Converged
}

func TestSpecAndNames(t *testing.T) {
	for _, tc := range []struct {
		kind   string
		lo, hi float64
		bins   int
		m      sor.Method
	}{
		{"shifted-laplacian", -0.15, 0.65, 5, sor.SOR},
		{"dir", 0, 1, 6, sor.SOR},
	} {
		sp := sor.Spec{Kind: tc.kind}
		lo, hi, bins := sp.Context()
		if lo != tc.lo || hi != tc.hi || bins != tc.bins || sp.DefaultMethod() != tc.m {
			t.Errorf("%s: context [%v, %v], %d bins, %v", tc.kind, lo, hi, bins, sp.DefaultMethod())
		}
	}
	heat := sor.Spec{Kind: "heat", NX: 8, Instances: 300}
	lo, hi, _ := heat.Context()
	if wlo, whi := sor.HeatContextRange(300, 0.3); lo != wlo || hi != whi || !(lo < hi) {
		t.Errorf("heat context [%v, %v], want [%v, %v]", lo, hi, wlo, whi)
	}
	// the same seed gives the same shifted sequence
	sp := sor.Spec{Kind: "shifted-laplacian", Grid: 4, Dist: sor.LowVariance, Instances: 3, Seed: 9}
	s1, _ := sp.New()
	s2, _ := sp.New()
	for k := 0; k < 3; k++ {
		i1, err1 := s1.Next(nil)
		c1 := i1.Context[0]
		i2, err2 := s2.Next(nil)
		if err1 != nil || err2 != nil || c1 != i2.Context[0] || math.IsNaN(c1) {
			t.Fatalf("instance %d: %v %v %v %v", k, c1, i2.Context[0], err1, err2)
		}
	}
	if _, err := (sor.Spec{Kind: "other"}).New(); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := (sor.Spec{Kind: "dir", Dir: t.TempDir()}).New(); !errors.Is(err, sor.ErrBadInput) {
		t.Errorf("empty directory: %v", err)
	}
	if d, err := sor.ParseShiftDist("low"); err != nil || d != sor.LowVariance {
		t.Errorf("low: %v %v", d, err)
	}
	if _, err := sor.ParseShiftDist("mid"); err == nil || !strings.HasPrefix(err.Error(), "dist") {
		t.Errorf("mid: %v", err)
	}
	for _, m := range []sor.Method{sor.SOR, sor.SSORPCG, sor.CG} {
		if got, err := sor.ParseMethod(m.String()); err != nil || got != m {
			t.Errorf("ParseMethod(%q) = %v, %v", m, got, err)
		}
	}
	if _, err := sor.ParseMethod("gmres"); err == nil {
		t.Error("gmres accepted")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for name, want := range map[string]string{"fixed:1.5": "sor.Fixed", "young": "sor.Young", "exp3": "*sor.Exp3", "tsallis": "*sor.TsallisINF",
		"tsallis-cb": "*sor.TsallisINFCB", "chebcb": "*sor.ChebCB", "oracle": "*sor.Oracle"} {
		tu, err := sor.ParseTuner(name, -0.15, 0.65, 5, sor.SOR, rng)
		if err != nil || fmt.Sprintf("%T", tu) != want {
			t.Errorf("ParseTuner(%q) = %T, %v; want %s", name, tu, err, want)
		}
	}
	if tu, _ := sor.ParseTuner("tsallis-cb", -0.15, 0.65, 5, sor.SOR, rng); len(tu.(*sor.TsallisINFCB).Bins) != 5 {
		t.Error("tsallis-cb: bins not passed on")
	}
	for _, bad := range []string{"fixed:2.5", "fixed:x", "nosuch"} {
		if _, err := sor.ParseTuner(bad, 0, 1, 6, sor.SOR, rng); err == nil {
			t.Errorf("ParseTuner(%q) accepted", bad)
		}
	}
}
