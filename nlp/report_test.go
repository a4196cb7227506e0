package nlp_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/nlp"
)

// hs21 is HS21 of the Hock–Schittkowski collection: min 0.01x₁² + x₂² − 100
// s.t. 10x₁ − x₂ ≥ 10, 2 ≤ x₁ ≤ 50, −50 ≤ x₂ ≤ 50; solution (2, 0).
const hs21 = `NAME          HS21
VARIABLES
    X1
    X2
GROUPS
 N  OBJ
 G  CON1      X1        10.0           X2        -1.0
CONSTANTS
    HS21      OBJ       100.0
    HS21      CON1      10.0
BOUNDS
 LO HS21      X1        2.0
 UP HS21      X1        50.0
 LO HS21      X2        -50.0
 UP HS21      X2        50.0
START POINT
    HS21      X1        -1.0
    HS21      X2        -1.0
ELEMENT TYPE
 EV SQ        V
ELEMENT USES
 T  E1        SQ
 V  E1        V                        X1
 T  E2        SQ
 V  E2        V                        X2
GROUP USES
 E  OBJ       E1        0.01           E2
ENDATA

ELEMENTS      HS21
INDIVIDUALS
 T  SQ
 F                      V * V
 G  V                   V + V
 H  V         V         2.0
ENDATA
`

func TestIterationLogAndWriteSolution(t *testing.T) {
	p, err := cutest.Parse(strings.NewReader(hs21), "HS21.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	res, err := nlp.Solve(context.Background(), p, nlp.Settings{Recorder: nlp.IterationLog(&log)})
	if err != nil || res.Status.String() != "Converged" {
		t.Fatalf("%v %+v", err, res)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if want := res.Iterations + (res.Iterations+9)/10; len(lines) != want || !strings.HasPrefix(lines[0], "iter    objective") {
		t.Errorf("%d iterations, %d log lines (want %d):\n%s", res.Iterations, len(lines), want, log.String())
	}
	if f := strings.Fields(lines[1]); len(f) != 10 || f[0] != "1" {
		t.Errorf("first iteration line %q", lines[1])
	}

	var out bytes.Buffer
	if err := nlp.WriteSolution(&out, p, res); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+3*2+1 || strings.Join(recs[0], ",") != "kind,index,name,value" {
		t.Fatalf("%v", recs)
	}
	want := []struct {
		kind, name string
		v          float64
	}{{"x", "X1", res.X[0]}, {"x", "X2", res.X[1]}, {"zl", "X1", res.ZL[0]}, {"zl", "X2", res.ZL[1]},
		{"zu", "X1", res.ZU[0]}, {"zu", "X2", res.ZU[1]}, {"y", "CON1", res.Y[0]}}
	for i, w := range want {
		r := recs[i+1]
		v, err := strconv.ParseFloat(r[3], 64)
		if r[0] != w.kind || r[2] != w.name || err != nil || v != w.v {
			t.Errorf("row %d: %v, want %s %s %v (exactly)", i+1, r, w.kind, w.name, w.v)
		}
	}
}
