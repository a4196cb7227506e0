#!/usr/bin/env python3
"""Time SciPy's sparse direct solvers (SuperLU) on a Matrix Market file.

Usage: scipy_splu.py A.mtx [repeats]

Prints one JSON object per repeat: the time of spsolve(A, b) (factor + solve,
SciPy's defaults: permc_spec COLAMD, SuperLU), of splu(A) alone, of one
lu.solve(b), the fill nnz(L)+nnz(U) and the relative residual, with b = A·1.
Used by lu_vs_scipy.sh, which alternates it with kkt on the same file.
"""
import json
import sys
import time

import numpy as np
import scipy
import scipy.io
import scipy.sparse.linalg as sla


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    a = scipy.io.mmread(path).tocsc()
    n = a.shape[0]
    b = a @ np.ones(n)
    for _ in range(reps):
        t0 = time.perf_counter()
        x = sla.spsolve(a, b)
        t_spsolve = time.perf_counter() - t0
        t0 = time.perf_counter()
        lu = sla.splu(a)
        t_factor = time.perf_counter() - t0
        t0 = time.perf_counter()
        y = lu.solve(b)
        t_solve = time.perf_counter() - t0
        rel = float(np.linalg.norm(b - a @ x) / np.linalg.norm(b))
        rel2 = float(np.linalg.norm(b - a @ y) / np.linalg.norm(b))
        print(json.dumps({"peer": "scipy", "scipy": scipy.__version__, "n": n, "nnz": int(a.nnz),
                          "spsolve_s": t_spsolve, "splu_factor_s": t_factor, "splu_solve_s": t_solve,
                          "fill": int(lu.L.nnz + lu.U.nnz - n), "rel_residual_spsolve": rel,
                          "rel_residual_splu": rel2}), flush=True)


if __name__ == "__main__":
    main()
