package linsolve

import (
	"errors"
	"fmt"
	"time"

	"github.com/james-bowman/sparse"
)

// symOrdering converts DirectSettings.Ordering for the symmetric
// factorisations.
func symOrdering(name string) (Ordering, error) {
	if name == "" {
		return OrderAMD, nil
	}
	if name == "colamd" {
		return 0, errors.New("linsolve: DirectSparse: ordering colamd (AMD on AᵀA) applies to LU only; Cholesky and LDLᵀ take amd, rcm or natural")
	}
	return ParseOrdering(name)
}

// directSymmetric is DirectAuto's path for a symmetric A (posDiag: every
// diagonal entry positive): Cholesky, else LDLᵀ, else LU (after a zero
// pivot or an inaccurate LDLᵀ solve).
func directSymmetric(a *sparse.CSR, b []float64, s DirectSettings, posDiag bool) (*Result, error) {
	if s.Ordering == "colamd" {
		return directLU(a, b, s, "ordering colamd asks for a column ordering: LU")
	}
	first := DirectLDL
	if posDiag {
		first = DirectCholesky
	}
	res, err := directSymmetricOnly(a, b, s, first)
	if err == nil {
		return res, nil
	}
	if first == DirectCholesky && errors.Is(err, ErrNotPositiveDefinite) {
		note := fmt.Sprintf("Cholesky failed (%v); LDLᵀ", err)
		res, err = directSymmetricOnly(a, b, s, DirectLDL)
		if err == nil {
			res.DirectStats.Note = note
			return res, nil
		}
	}
	if errors.Is(err, ErrSingular) || errors.Is(err, ErrInaccurate) {
		// A zero 1×1 pivot, or 1×1 pivots so unstable that refinement could
		// not recover a backward-stable solution: the matrix may still be
		// nonsingular (e.g. [[0, 1], [1, 0]]) and LU's row pivoting handles it.
		return directLU(a, b, s, fmt.Sprintf("LDLᵀ with 1×1 pivots failed (%v); LU", err))
	}
	return nil, err
}

// directSymmetricOnly runs exactly the requested symmetric factorisation.
func directSymmetricOnly(a *sparse.CSR, b []float64, s DirectSettings, m DirectMethod) (*Result, error) {
	ord, err := symOrdering(s.Ordering)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	sym, err := AnalyzeSymmetric(a, SymbolicSettings{Ordering: ord})
	if err != nil {
		return nil, err
	}
	n := sym.N()
	ds := &DirectStats{Method: m.String(), Ordering: ord.String(), N: n, NNZA: a.RawMatrix().Indptr[n],
		NNZFactor: int(sym.NNZL()), OrderTime: time.Since(t0)}
	t1 := time.Now()
	var solve func(dst, b []float64) ([]float64, error)
	switch m {
	case DirectCholesky:
		f, err := sym.Cholesky(a)
		if err != nil {
			return nil, err
		}
		ds.Inertia = &Inertia{Pos: n}
		solve = f.Solve
	case DirectLDL:
		f, err := sym.LDL(a, LDLSettings{})
		if err != nil {
			return nil, err
		}
		p, q, z := f.Inertia()
		ds.Inertia = &Inertia{Pos: p, Neg: q, Zero: z}
		solve = f.Solve
	default:
		return nil, fmt.Errorf("linsolve: DirectSparse: %v is not a symmetric factorisation", m)
	}
	ds.FactorTime = time.Since(t1)
	t2 := time.Now()
	x, err := solve(nil, b)
	if err != nil {
		return nil, err
	}
	if err := finiteOrSingular(x); err != nil {
		return nil, err
	}
	ds.SolveTime = time.Since(t2)
	return &Result{X: x, Status: Converged, DirectStats: ds}, nil
}
