package nlp

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/kkt-go/kkt/solver"
)

// IterationLog returns a Recorder that prints one line per iteration on w
// in the layout of IPOPT's iteration table: iteration ("r" marks the
// restoration phase), objective, inf_pr, inf_du, log₁₀ μ, ‖d‖, log₁₀ of the
// Hessian regularization δ_w ("-" when none), the dual and primal step
// lengths and the number of line-search trials; a header every 10 lines.
// It never stops the solver.
func IterationLog(w io.Writer) solver.Recorder[Iteration] {
	lines := 0
	return func(it Iteration) bool {
		if lines%10 == 0 {
			fmt.Fprintln(w, "iter    objective    inf_pr   inf_du lg(mu)  ||d||  lg(rg) alpha_du alpha_pr  ls")
		}
		r := " "
		if it.Restoration {
			r = "r"
		}
		lg := func(v float64) string {
			if v <= 0 {
				return "   - "
			}
			return fmt.Sprintf("%5.1f", math.Log10(v))
		}
		fmt.Fprintf(w, "%4d%s %13.7e %8.2e %8.2e %s %8.2e %s %8.2e %8.2e %3d\n",
			it.Iter, r, it.F, it.InfPr, it.InfDu, lg(it.Mu), it.DNorm, lg(it.RegW), it.AlphaDual, it.Alpha, it.LS)
		lines++
		return true
	}
}

// WriteSolution writes the point and multipliers of res as CSV with the
// header kind,index,name,value: the rows of x, then zl and zu (kind "x",
// "zl", "zu", named after the variables), then y (named after the
// constraints). Names come from p's VarNames and ConNames methods when it
// has them (as *cutest.Problem does), else they are empty; values are
// written with 17 significant digits, so they read back exactly.
func WriteSolution(w io.Writer, p Problem, res *Result) error {
	var vn, cn []string
	if named, ok := p.(interface{ VarNames() []string }); ok {
		vn = named.VarNames()
	}
	if named, ok := p.(interface{ ConNames() []string }); ok {
		cn = named.ConNames()
	}
	b := []byte("kind,index,name,value\n")
	put := func(kind string, names []string, v []float64) {
		for i, x := range v {
			name := ""
			if i < len(names) {
				name = names[i]
			}
			b = append(b, kind+","+strconv.Itoa(i)+","+name+","...)
			b = strconv.AppendFloat(b, x, 'g', 17, 64)
			b = append(b, '\n')
		}
	}
	put("x", vn, res.X)
	put("zl", vn, res.ZL)
	put("zu", vn, res.ZU)
	put("y", cn, res.Y)
	_, err := w.Write(b)
	return err
}
