package linsolve

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// TestKrylovExtremeScale solves c·I·x = c·1 for c = 1e±160 and 1e300
// (condition number 1) with every Krylov method: each must converge in one
// iteration to x = 1, with the residual reported unscaled.
func TestKrylovExtremeScale(t *testing.T) {
	const n = 50
	for _, c := range []float64{1e160, 1e-160, 1e300} {
		ind := make([]int, n)
		ptr := make([]int, n+1)
		val := make([]float64, n)
		for i := range ind {
			ind[i], ptr[i+1], val[i] = i, i+1, c
		}
		a := matrix.NewCSR(sparse.NewCSR(n, n, ptr, ind, val))
		b := make([]float64, n)
		for i := range b {
			b[i] = c
		}
		methods := map[string]func() (*Result, error){
			"CG":       func() (*Result, error) { return CG(context.Background(), a, b, Settings{}) },
			"MINRES":   func() (*Result, error) { return MINRES(context.Background(), a, b, Settings{}) },
			"GMRES":    func() (*Result, error) { return GMRES(context.Background(), a, b, Settings{}) },
			"BiCGSTAB": func() (*Result, error) { return BiCGSTAB(context.Background(), a, b, Settings{}) },
			"LSQR":     func() (*Result, error) { return LSQR(context.Background(), a, b, LSQRSettings{}) },
		}
		for name, solve := range methods {
			t.Run(fmt.Sprintf("%s/%g", name, c), func(t *testing.T) {
				res, err := solve()
				if err != nil {
					t.Fatal(err)
				}
				if res.Status != Converged || res.Iterations != 1 {
					t.Fatalf("status %v after %d iterations, want Converged after 1", res.Status, res.Iterations)
				}
				for i, v := range res.X {
					if math.Abs(v-1) > 1e-12 {
						t.Fatalf("x[%d] = %v, want 1", i, v)
					}
				}
				if want := c * math.Sqrt(n); math.Abs(res.BNorm-want) > 1e-12*want {
					t.Errorf("BNorm = %v, want %v", res.BNorm, want)
				}
				if !(res.ResidualNorm <= 1e-8*res.BNorm) {
					t.Errorf("ResidualNorm = %v, BNorm %v", res.ResidualNorm, res.BNorm)
				}
			})
		}
	}
}

// TestScaledRecorder checks that the Recorder and History see unscaled
// residuals when the right-hand side is rescaled.
func TestScaledRecorder(t *testing.T) {
	a := matrix.NewCSR(matrix.Poisson1D(20))
	b := make([]float64, 20)
	for i := range b {
		b[i] = 1e200
	}
	var first float64
	res, err := CG(context.Background(), a, b, Settings{History: true, Recorder: func(it Iteration) bool {
		if it.Iter == 0 {
			first = it.ResidualNorm
		}
		return true
	}})
	if err != nil || res.Status != Converged {
		t.Fatalf("%v %v", res.Status, err)
	}
	want := 1e200 * math.Sqrt(20)
	if math.Abs(first-want) > 1e-12*want || math.Abs(res.History[0]-want) > 1e-12*want {
		t.Errorf("initial residual reported %v / %v, want %v", first, res.History[0], want)
	}
}

func TestDotScaled(t *testing.T) {
	x := []float64{1e200, 1e200, 3}
	y := []float64{1e200, -1e200, 0}
	if d := dot(x, x); d != math.Inf(1) {
		t.Errorf("dot = %v, want +Inf (2e400 is not representable)", d)
	}
	if d := dot(x, y); d != 0 {
		t.Errorf("dot = %v, want 0", d)
	}
	u := []float64{1e-170, 2e-170}
	v := []float64{1e-150, 1e-150}
	if d, want := dot(u, v), 3e-320; math.Abs(d-want) > 1e-323 {
		t.Errorf("dot = %v, want %v", d, want)
	}
	w := []float64{1e160, 1e160}
	z := []float64{1e-160, 3e-160}
	if d := dot(w, z); math.Abs(d-4) > 1e-15 {
		t.Errorf("dot = %v, want 4", d)
	}
}
