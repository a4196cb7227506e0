#!/usr/bin/python3
"""Iteration counts of SciPy's Krylov solvers on matrix.Poisson2D(N, N) with
b = A·1, x0 = 0, tol 1e-8, atol 0 (docs/linsolve.md). Usage:

    /usr/bin/python3 linsolve/testdata/scipy_krylov.py 100
"""
import sys
import numpy as np
import scipy, scipy.sparse as sp
from scipy.sparse.linalg import cg, bicgstab, minres, gmres

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
T = sp.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1])
I = sp.identity(n)
A = (sp.kron(I, T) + sp.kron(T, I)).tocsr()
b = A @ np.ones(n * n)
nb = np.linalg.norm(b)
for name, f, kw in [("cg", cg, dict(tol=1e-8, atol=0)),
                    ("bicgstab", bicgstab, dict(tol=1e-8, atol=0)),
                    ("minres", minres, dict(tol=1e-8)),
                    ("gmres(20)", gmres, dict(tol=1e-8, atol=0, restart=20, callback_type="pr_norm"))]:
    it = [0]
    def cb(*a):
        it[0] += 1
    x, info = f(A, b, callback=cb, **kw)
    print(f"scipy {scipy.__version__} {name}: iterations={it[0]} info={info} "
          f"rel_residual={np.linalg.norm(b - A @ x) / nb:.3e}")
