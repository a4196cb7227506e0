package linsolve

import (
	"fmt"

	"github.com/james-bowman/sparse"
)

// LUOrdering selects the column pre-ordering Q of FactorLU.
type LUOrdering int

const (
	// LUOrderAMD orders the columns by approximate minimum degree on the
	// pattern of A+Aᵀ (KLU's default): the right choice when the pattern is
	// (nearly) symmetric and the diagonal is a good pivot, as in
	// discretised PDEs.
	LUOrderAMD LUOrdering = iota
	// LUOrderColAMD orders the columns by approximate minimum degree on the
	// pattern of AᵀA, whose Cholesky factor bounds the fill of L and U for
	// every row pivot sequence — the graph COLAMD orders implicitly (rows
	// with more than max(16, 10·√n) entries are left out, as COLAMD does).
	// Use it for strongly unsymmetric patterns.
	LUOrderColAMD
	// LUOrderRCM is reverse Cuthill–McKee on A+Aᵀ (bandwidth reduction).
	LUOrderRCM
	// LUOrderNatural keeps the columns in their given order.
	LUOrderNatural
)

var luOrderingNames = [...]string{"amd", "colamd", "rcm", "natural"}

func (o LUOrdering) String() string {
	if o >= 0 && int(o) < len(luOrderingNames) {
		return luOrderingNames[o]
	}
	return fmt.Sprintf("LUOrdering(%d)", int(o))
}

// ParseLUOrdering converts "amd", "colamd", "rcm" or "natural".
func ParseLUOrdering(s string) (LUOrdering, error) {
	for i, name := range luOrderingNames {
		if s == name {
			return LUOrdering(i), nil
		}
	}
	return 0, fmt.Errorf("linsolve: unknown LU ordering %q (want amd, colamd, rcm or natural)", s)
}

// luOrder computes the column order of a for FactorLU, and the pattern of
// A+Aᵀ when it was formed.
func luOrder(a *sparse.CSR, o LUOrdering) ([]int, *Pattern, error) {
	n, _ := a.Dims()
	switch o {
	case LUOrderNatural:
		q := make([]int, n)
		for i := range q {
			q[i] = i
		}
		return q, nil, nil
	case LUOrderAMD, LUOrderRCM:
		p, err := SymmetricPattern(a)
		if err != nil {
			return nil, nil, err
		}
		if o == LUOrderAMD {
			return AMD(p), p, nil
		}
		return RCM(p), p, nil
	case LUOrderColAMD:
		p, _ := GramPattern(a, 0)
		return AMD(p), nil, nil
	}
	return nil, nil, fmt.Errorf("linsolve: FactorLU: unknown ordering %v", o)
}
