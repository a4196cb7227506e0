package cutest_test

import (
	"fmt"
	"strings"

	"github.com/kkt-go/kkt/cutest"
)

// The Rosenbrock-like problem of HS6 (Hock & Schittkowski no. 6) written in
// SIF: minimize (1 − x1)² subject to 10(x2 − x1²) = 0.
const hs6 = `NAME          HS6
*   classification QQR2-AN-2-1
VARIABLES
    X1
    X2
GROUPS
 N  G1        X1        -1.0
 E  G2        X2        1.0
 E  G2        'SCALE'   0.1
CONSTANTS
    HS6       G1        -1.0
BOUNDS
 FR HS6       'DEFAULT'
START POINT
    HS6       X1        -1.2
    HS6       X2        1.0
ELEMENT TYPE
 EV SQ        V1
ELEMENT USES
 T  E1        SQ
 V  E1        V1                       X1
GROUP TYPE
 GV L2        GVAR
GROUP USES
 T  G1        L2
 E  G2        E1
ENDATA
ELEMENTS      HS6
INDIVIDUALS
 T  SQ
 F                      -V1 * V1
 G  V1                  -2.0 * V1
 H  V1        V1        -2.0
ENDATA
GROUPS        HS6
INDIVIDUALS
 T  L2
 F                      GVAR*GVAR
 G                      2.0*GVAR
 H                      2.0
ENDATA
`

func Example() {
	p, err := cutest.Parse(strings.NewReader(hs6), "HS6.SIF", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := p.X0()
	fmt.Println(p.Name(), p.Classification(), "n =", p.N(), "m =", p.M())
	fmt.Printf("f(x0) = %.4f\n", p.Objective(x))
	fmt.Printf("∇f(x0) = %.4f\n", p.Gradient(nil, x))
	fmt.Printf("c(x0) = %.4f\n", p.Constraints(nil, x))
	J := p.Jacobian(x)
	fmt.Printf("J(x0) = [%.4f %.4f]\n", J.At(0, 0), J.At(0, 1))
	// Hessian of the Lagrangian L = f + y·c with y = 1, applied to e1.
	fmt.Printf("∇²L(x0, 1)·e1 = %.4f\n", p.HessLagVec(nil, x, []float64{1}, []float64{1, 0}))
	// Output:
	// HS6 QQR2-AN-2-1 n = 2 m = 1
	// f(x0) = 4.8400
	// ∇f(x0) = [-4.4000 0.0000]
	// c(x0) = [-4.4000]
	// J(x0) = [24.0000 10.0000]
	// ∇²L(x0, 1)·e1 = [-18.0000 0.0000]
}

func ExampleParse_error() {
	_, err := cutest.Parse(strings.NewReader("NAME          BAD\nVARIABLES\n    X\nGROUPS\n N  OBJ       Y         1.0\nENDATA\n"), "BAD.SIF", nil)
	fmt.Println(err)
	// Output:
	// BAD.SIF:5: unknown variable "Y"
}

func ExampleOptions() {
	// $-PARAMETER values can be overridden, as with SIFDecode's -param.
	src := strings.Replace(hs6, "VARIABLES\n", " IE N                   2              $-PARAMETER\n IE 1                   1\nVARIABLES\n DO I         1                        N\n X  Y(I)\n ND\n", 1)
	p, _ := cutest.Parse(strings.NewReader(src), "HS6.SIF", &cutest.Options{Params: map[string]float64{"N": 5}})
	fmt.Println(p.N(), p.VarNames())
	// Output:
	// 7 [Y1 Y2 Y3 Y4 Y5 X1 X2]
}
