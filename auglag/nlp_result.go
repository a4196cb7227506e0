package auglag

import sol "github.com/kkt-go/kkt/solver"

// nlpResult mirrors nlp.Result of the interior-point method (same fields),
// until that type is on this branch.
type nlpResult struct {
	X, Y, ZL, ZU []float64
	Status       sol.Status
	Message      string
	F            float64
	InfPr        float64
	InfDu        float64
	Compl        float64
	sol.Stats
	Method string
}
