#!/usr/bin/python3
"""SciPy reference for kkt's CG on the 2-D Poisson matrix (kkt: linsolve tests,
docs/benchmarks.md). Usage:

    /usr/bin/python3 linsolve/testdata/scipy_cg.py N [repeats]

Builds A = kron(I,T) + kron(T,I) with T = tridiag(-1, 2, -1) of order N (the
same matrix as matrix.Poisson2D(N, N): diagonal 4, off-diagonals -1), b = A·1,
and runs scipy.sparse.linalg.cg(A, b, tol=1e-8, atol=0) from x0 = 0, printing
the iteration count (number of callback calls), the true relative residual
and the wall time of each repeat.
"""
import sys, time
import numpy as np
import scipy, scipy.sparse as sp
from scipy.sparse.linalg import cg

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 1
T = sp.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1])
I = sp.identity(n)
A = (sp.kron(I, T) + sp.kron(T, I)).tocsr()
b = A @ np.ones(n * n)
for r in range(reps):
    it = [0]
    def cb(xk):
        it[0] += 1
    t0 = time.perf_counter()
    x, info = cg(A, b, tol=1e-8, atol=0, callback=cb)
    t = time.perf_counter() - t0
    rel = np.linalg.norm(b - A @ x) / np.linalg.norm(b)
    print(f"scipy {scipy.__version__} n={n*n} iterations={it[0]} info={info} rel_residual={rel:.3e} time_s={t:.4f}")
