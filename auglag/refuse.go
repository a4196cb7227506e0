package auglag

import (
	"fmt"

	"github.com/james-bowman/sparse"
	"github.com/kkt-go/kkt/nlp"
)

// boundedProblem is a Problem that also states variable and constraint
// bounds, as nlp.Problem and *cutest.Problem do.
type boundedProblem interface {
	Problem
	XL() []float64
	XU() []float64
	CL() []float64
	CU() []float64
}

// classifyView presents a boundedProblem as an nlp.Problem for
// nlp.Classify and nlp.RefuseUnlessEqualityOnly, which read only the
// dimensions, the bounds and the name; HessLag is never called.
type classifyView struct{ boundedProblem }

func (classifyView) HessLag(x, y []float64) *sparse.CSR { return nil }

type namedClassifyView struct {
	classifyView
	nlp.Namer
}

// checkForm returns the refusal of method for a problem whose bounds show a
// finite variable bound or an inequality (an error wrapping
// nlp.ErrUnsupported), or an error for inconsistent bounds. When the
// problem is equality-only it returns the constraint right-hand sides cl
// (nil when all are zero): the methods of Solve solve c(x) − cl = 0.
// Problems without bound methods are taken as min f s.t. c(x) = 0.
func checkForm(method string, p Problem) (rhs []float64, err error) {
	bp, ok := p.(boundedProblem)
	if !ok {
		return nil, nil
	}
	var view nlp.Problem = classifyView{bp}
	if nm, ok := p.(nlp.Namer); ok {
		view = namedClassifyView{classifyView{bp}, nm}
	}
	if err := nlp.RefuseUnlessEqualityOnly(method, view); err != nil {
		return nil, err
	}
	cl, cu := bp.CL(), bp.CU()
	for j, v := range cl {
		if v != cu[j] {
			return nil, fmt.Errorf("%w: %s: constraint %d has bounds [%g, %g]", nlp.ErrUnsupported, method, j, v, cu[j])
		}
		if v != 0 {
			rhs = cl
		}
	}
	return rhs, nil
}

// shifted is a Problem whose constraints are c(x) − rhs: the equality
// cl = c(x) = cu of the user's problem moved to the form c(x) = 0 that
// Solve's methods take. Derivatives are those of c.
type shifted struct {
	Problem
	rhs []float64
}

func (s *shifted) Constraints(dst, x []float64) {
	s.Problem.Constraints(dst, x)
	for j, v := range s.rhs {
		dst[j] -= v
	}
}

type shiftedHess struct {
	*shifted
	h HessianProblem
}

func (s shiftedHess) HessLag(x, y []float64) *sparse.CSR { return s.h.HessLag(x, y) }

// shift returns p with its constraints shifted by rhs (p itself when rhs is
// nil), keeping the HessianProblem interface when p has it.
func shift(p Problem, rhs []float64) Problem {
	if rhs == nil {
		return p
	}
	s := &shifted{Problem: p, rhs: rhs}
	if h, ok := p.(HessianProblem); ok {
		return shiftedHess{s, h}
	}
	return s
}
