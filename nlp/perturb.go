package nlp

import "math"

// degen is the structural-degeneracy verdict of IPOPT's perturbation
// handler for the Hessian or the Jacobian.
type degen int8

const (
	degenUnknown degen = iota // NOT_YET_DETERMINED
	degenNo                   // NOT_DEGENERATE
	degenYes                  // DEGENERATE
)

// degenTest is the state of the degeneracy test on the current matrix.
type degenTest int8

const (
	testNone   degenTest = iota // NO_TEST
	testC0X0                    // δc = 0, δw = 0 tried
	testCgtX0                   // δc > 0, δw = 0
	testC0Xgt                   // δc = 0, δw > 0
	testCgtXgt                  // δc > 0, δw > 0
)

// perturbation is the inertia correction of Wächter & Biegler's
// Algorithm IC as IPOPT implements it (PDPerturbationHandler): the
// regularization δw of the Hessian block (δ_x = δ_s) and δc of the
// constraint block (δ_c = δ_d), their values at the last perturbed matrix,
// and the structural-degeneracy test. In the first iterations a singular
// matrix is tried with δc > 0 alone and then with δw > 0 alone; after
// degenItersMax matrices where the same cure was needed, the Jacobian (or
// the Hessian) is declared degenerate and its perturbation is applied from
// the first factorization of every later matrix. δc is used only for a
// singular matrix (or one with too few negative eigenvalues), never for a
// merely wrong inertia.
type perturbation struct {
	dw, dc         float64
	dwLast, dcLast float64
	hess, jac      degen
	test           degenTest
	degenIters     int
	mu             *float64
}

const degenItersMax = 3

// deltaC is δ̄c μ^κc (jacobian_regularization_value/_exponent).
func (p *perturbation) deltaC() float64 { return dcBar * math.Pow(*p.mu, dcExp) }

// newSystem starts the correction of a new matrix (ConsiderNewSystem); it
// reports false when the Hessian is degenerate and no δw ≤ δ̄w^max is left.
func (p *perturbation) newSystem() bool {
	p.finalizeTest()
	if p.dw > 0 {
		p.dwLast = p.dw
	}
	if p.dc > 0 {
		p.dcLast = p.dc
	}
	p.test = testNone
	if p.hess == degenUnknown || p.jac == degenUnknown {
		p.test = testC0X0
	}
	p.dc = 0
	if p.jac == degenYes {
		p.dc = p.deltaC()
	}
	p.dw = 0
	if p.hess == degenYes {
		return p.wrongInertia()
	}
	return true
}

// wrongInertia raises δw (get_deltas_for_wrong_inertia): δ̄w⁰ or
// max(δ̄w^min, κw⁻ δw^last) first, then ×κ̄w⁺ (while δw^last = 0 or far
// below) or ×κw⁺; false (and δw^last reset) beyond δ̄w^max.
func (p *perturbation) wrongInertia() bool {
	switch {
	case p.dw == 0 && p.dwLast == 0:
		p.dw = dwFirst
	case p.dw == 0:
		p.dw = max(dwMin, dwDec*p.dwLast)
	case p.dwLast == 0 || 1e5*p.dwLast < p.dw:
		p.dw *= dwIncFirst
	default:
		p.dw *= dwInc
	}
	if p.dw > dwMax {
		p.dwLast = 0
		return false
	}
	return true
}

// forSingularity answers a singular matrix (PerturbForSingularity).
func (p *perturbation) forSingularity() bool {
	if p.hess == degenUnknown || p.jac == degenUnknown {
		switch p.test {
		case testC0X0:
			if p.jac == degenUnknown {
				p.dc = p.deltaC()
				p.test = testCgtX0
			} else {
				if !p.wrongInertia() {
					return false
				}
				p.test = testC0Xgt
			}
		case testCgtX0:
			p.dc = 0
			if !p.wrongInertia() {
				return false
			}
			p.test = testC0Xgt
		case testC0Xgt:
			p.dc = p.deltaC()
			if !p.wrongInertia() {
				return false
			}
			p.test = testCgtXgt
		case testCgtXgt:
			if !p.wrongInertia() {
				return false
			}
		}
		return true
	}
	if p.dc > 0 {
		return p.wrongInertia()
	}
	p.dc = p.deltaC()
	return true
}

// forWrongInertia answers a nonsingular matrix with the wrong inertia
// (PerturbForWrongInertia); when δw runs out with δc = 0 it starts over
// with δc > 0.
func (p *perturbation) forWrongInertia() bool {
	p.finalizeTest()
	if p.wrongInertia() {
		return true
	}
	if p.dc != 0 {
		return false
	}
	p.dc = p.deltaC()
	p.dw = 0
	p.test = testNone
	if p.hess == degenYes {
		p.hess = degenUnknown
	}
	return p.wrongInertia()
}

// finalizeTest draws the degeneracy conclusions from the perturbation that
// made the last matrix nonsingular.
func (p *perturbation) finalizeTest() {
	switch p.test {
	case testC0X0:
		if p.hess == degenUnknown {
			p.hess = degenNo
		}
		if p.jac == degenUnknown {
			p.jac = degenNo
		}
	case testCgtX0:
		if p.hess == degenUnknown {
			p.hess = degenNo
		}
		if p.jac == degenUnknown {
			p.degenIters++
			if p.degenIters >= degenItersMax {
				p.jac = degenYes
			}
		}
	case testC0Xgt:
		if p.jac == degenUnknown {
			p.jac = degenNo
		}
		if p.hess == degenUnknown {
			p.degenIters++
			if p.degenIters >= degenItersMax {
				p.hess = degenYes
			}
		}
	case testCgtXgt:
		p.degenIters++
		if p.degenIters >= degenItersMax {
			p.hess, p.jac = degenYes, degenYes
		}
	}
}
