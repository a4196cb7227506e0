package sinkhorn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// These dense reference functions evaluate the Lyapunov potential of the
// paper and its derivatives with math.Exp, independently of the solvers'
// kernels. They are O(nm) (the Hessian O((n+m)²)) and meant for small
// problems, teaching and tests.

func checkDual(fn string, a, b []float64, c mat.Matrix, x, y []float64) (int, int) {
	n, m := c.Dims()
	if (a != nil && len(a) != n) || (b != nil && len(b) != m) || len(x) != n || len(y) != m {
		panic(fmt.Sprintf("sinkhorn: %s: dimension mismatch with the %d×%d cost", fn, n, m))
	}
	return n, m
}

// PlanAt returns the plan P_ij = exp(η(x_i + y_j − C_ij) − 1) at the
// potentials (x, y), into dst when it is non-nil (n×m).
func PlanAt(dst *mat.Dense, c mat.Matrix, eta float64, x, y []float64) *mat.Dense {
	n, m := checkDual("PlanAt", nil, nil, c, x, y)
	if dst == nil {
		dst = mat.NewDense(n, m, nil)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			dst.Set(i, j, math.Exp(eta*(x[i]+y[j]-c.At(i, j))-1))
		}
	}
	return dst
}

// Dual returns the Lyapunov potential (the entropic dual objective)
//
//	f(x, y) = −(1/η) Σ_ij exp(η(x_i + y_j − C_ij) − 1) + Σ_i a_i x_i + Σ_j b_j y_j,
//
// which is concave; its maximum equals the regularised primal optimum.
func Dual(a, b []float64, c mat.Matrix, eta float64, x, y []float64) float64 {
	checkDual("Dual", a, b, c, x, y)
	p := PlanAt(nil, c, eta, x, y)
	f := -mat.Sum(p) / eta
	for i, v := range x {
		f += a[i] * v
	}
	for j, v := range y {
		f += b[j] * v
	}
	return f
}

// DualGrad sets gx = ∂f/∂x = a − P1 and gy = ∂f/∂y = b − Pᵀ1 (allocating
// them when nil) and returns them. ‖(gx, gy)‖₁ is the marginal error.
func DualGrad(gx, gy, a, b []float64, c mat.Matrix, eta float64, x, y []float64) ([]float64, []float64) {
	n, m := checkDual("DualGrad", a, b, c, x, y)
	if gx == nil {
		gx = make([]float64, n)
	}
	if gy == nil {
		gy = make([]float64, m)
	}
	p := PlanAt(nil, c, eta, x, y)
	copy(gx, a)
	copy(gy, b)
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			gx[i] -= p.At(i, j)
			gy[j] -= p.At(i, j)
		}
	}
	return gx, gy
}

// DualHessian returns the (n+m)×(n+m) Hessian of f,
//
//	∇²f = −η [[diag(P1), P], [Pᵀ, diag(Pᵀ1)]],
//
// which is negative semidefinite with (1, −1) in its null space. (The sign
// matters: Newton's ascent step is Δ = −(∇²f)⁻¹∇f.) dst is used when
// non-nil.
func DualHessian(dst *mat.SymDense, c mat.Matrix, eta float64, x, y []float64) *mat.SymDense {
	n, m := checkDual("DualHessian", nil, nil, c, x, y)
	if dst == nil {
		dst = mat.NewSymDense(n+m, nil)
	}
	p := PlanAt(nil, c, eta, x, y)
	for i := 0; i < n+m; i++ {
		for j := i; j < n+m; j++ {
			dst.SetSym(i, j, 0)
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			v := p.At(i, j)
			dst.SetSym(i, i, dst.At(i, i)-eta*v)
			dst.SetSym(n+j, n+j, dst.At(n+j, n+j)-eta*v)
			dst.SetSym(i, n+j, -eta*v)
		}
	}
	return dst
}
