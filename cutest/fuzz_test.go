package cutest

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to the SIF parser with the production
// limits (default Options: the default work budget). No input may panic or
// hang: the work budget bounds loops and sizes, and every accepted problem
// must evaluate at its start point without panicking.
func FuzzParse(f *testing.F) {
	f.Add(toySIF)
	if ext, err := os.ReadFile("testdata/extfunc.SIF"); err == nil {
		f.Add(string(ext)) // external Fortran function after the last ENDATA
	}
	// Hand-broken variants of the toy problem.
	f.Add(strings.Replace(toySIF, "ENDATA", "", 1))
	f.Add(strings.Replace(toySIF, "GVAR * GVAR", "GVAR * (GVAR", 1))
	f.Add(strings.Replace(toySIF, " ND", " OD", 1))
	f.Add(strings.Replace(toySIF, "VARIABLES", "GROUPS", 1))
	f.Add(strings.Replace(toySIF, "3.0", "3.0D+400", 1))
	f.Add(toySIF[:len(toySIF)/2])
	f.Add(lines(
		"NAME          LOOP",
		fc("IE", "1", "", "1", "", ""),
		fc("IE", "BIG", "", "2000000000", "", ""),
		"VARIABLES",
		fc("DO", "I", "1", "", "BIG", ""),
		fc("X", "X(I)", "", "", "", ""),
		fc("ND", "", "", "", "", ""),
		"ENDATA",
	))
	f.Add(lines(
		"NAME          COLS",
		"ROWS",
		fc("N", "OBJ", "", "", "", ""),
		fc("L", "R1", "", "", "", ""),
		"COLUMNS",
		fc("", "X", "OBJ", "1.0", "R1", "2.0"),
		"RHS",
		fc("", "RHS", "R1", "4.0", "", ""),
		"BOUNDS",
		fc("UP", "BND", "X", "0", "", ""),
		fc("MI", "BND", "X", "", "", ""),
		"ENDATA",
	))
	f.Add("NAME X\nFREE FORMAT\nVARIABLES\nDO I 1 _ N;X X(I);ND\nGROUPS\nXN OBJ X1 1.0\nENDATA\n")
	f.Add("NAME\nENDATA\nELEMENTS\nINDIVIDUALS\n T  A\n F                      1\nENDATA\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Parse(strings.NewReader(src), "fuzz.SIF", nil)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if p.N() > 2000 {
			return
		}
		x := p.X0()
		p.Objective(x)
		gradOf(p, x)
		consOf(p, x)
		p.Jacobian(x)
		v := make([]float64, p.N())
		for i := range v {
			v[i] = 1
		}
		var y []float64
		if p.M() > 0 {
			y = p.Y0()
		}
		hessLagVecOf(p, x, y, v)
		if p.N() <= 200 {
			p.HessLag(x, y)
		}
	})
}
