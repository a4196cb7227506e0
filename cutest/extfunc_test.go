package cutest

import (
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// TestExternalFunction reads testdata/extfunc.SIF, whose element functions
// call an external Fortran function appended after the last ENDATA (as HS67
// does), and checks f = √x1 + 2·x1·x2, its gradient and Hessian in closed
// form, and the derivatives against finite differences.
func TestExternalFunction(t *testing.T) {
	p, err := ParseFile("testdata/extfunc.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.N() != 2 || p.M() != 0 {
		t.Fatalf("n, m = %d, %d", p.N(), p.M())
	}
	for _, x := range [][]float64{{4, 3}, {2, -1}, {0.25, 5}} {
		f := p.Objective(x)
		want := math.Sqrt(x[0]) + 2*x[0]*x[1]
		if math.Abs(f-want) > 1e-14*math.Max(1, math.Abs(want)) {
			t.Errorf("f(%v) = %.17g, want %.17g", x, f, want)
		}
		g := gradOf(p, x)
		wg := []float64{0.5/math.Sqrt(x[0]) + 2*x[1], 2 * x[0]}
		for i := range g {
			if math.Abs(g[i]-wg[i]) > 1e-13*math.Max(1, math.Abs(wg[i])) {
				t.Errorf("g(%v)[%d] = %g, want %g", x, i, g[i], wg[i])
			}
		}
		hv := hessLagVecOf(p, x, nil, []float64{1, 0})
		wh := []float64{-0.25 / (x[0] * math.Sqrt(x[0])), 2}
		for i := range hv {
			if math.Abs(hv[i]-wh[i]) > 1e-13*math.Max(1, math.Abs(wh[i])) {
				t.Errorf("H(%v)e1[%d] = %g, want %g", x, i, hv[i], wh[i])
			}
		}
	}
	if worst, what := fdCheck(p, []float64{1.7, 0.3}, rand.New(rand.NewPCG(3, 4))); worst > 1e-6 {
		t.Errorf("finite differences: %.2g in %s", worst, what)
	}
	// A clone evaluates independently (the interpreter keeps no state).
	q := p.Clone()
	if a, b := p.Objective([]float64{9, 1}), q.Objective([]float64{9, 1}); a != b || math.Abs(a-21) > 1e-13 {
		t.Errorf("clone: %g, %g, want 21", a, b)
	}
}

// TestExternalFunctionErrors: unsupported or broken Fortran is an error
// naming the file and line.
func TestExternalFunctionErrors(t *testing.T) {
	src, err := readTestFile("testdata/extfunc.SIF")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ old, new, want string }{
		{"      IT = 0\n", "      DO 20 IT = 1, 3\n   20 CONTINUE\n", "unsupported Fortran statement"},
		{"      RETURN\n      END\n", "      RETURN\n", "has no END"},
		{"GO TO 10", "GO TO 11", "GO TO 11: no such label"},
		{"      DOUBLE PRECISION FUNCTION SQRTIT", "      SUBROUTINE SQRTIT", "only functions are supported"},
		{" F  SQRTIT", " F  OTHER", "array Y used without subscripts"},
		{"      G( 1, 2 ) = 0.0D0\n", "      X2 = 0.0D0\n", "assigns its scalar argument X2"},
		{"H( 2, 3 ) = 0.0D0", "H( 2, 4 ) = 0.0D0", ""}, // out of bounds at run time: NaN, not a parse error
	}
	for _, c := range cases {
		if !strings.Contains(src, c.old) {
			t.Fatalf("fixture lacks %q", c.old)
		}
		s := strings.Replace(src, c.old, c.new, 1)
		p, err := Parse(strings.NewReader(s), "ext.SIF", nil)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v", c.new, err)
				continue
			}
			if f := p.Objective([]float64{4, 3}); !math.IsNaN(f) {
				t.Errorf("%q: f = %g, want NaN (index out of bounds)", c.new, f)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "ext.SIF:") {
			t.Errorf("%q: got %v, want an ext.SIF:line error containing %q", c.new, err, c.want)
		}
	}
	// An endless GO TO loop is stopped after fortranMaxSteps statements.
	s := strings.Replace(src, "     *     .AND. IT .LT. 100 ) GO TO 10", "     *     .OR. IT .GE. 0 ) GO TO 10", 1)
	p, err := Parse(strings.NewReader(s), "ext.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := p.Objective([]float64{4, 3}); !math.IsNaN(f) {
		t.Errorf("endless loop: f = %g, want NaN", f)
	}
}

func readTestFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
