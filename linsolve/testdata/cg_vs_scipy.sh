#!/bin/sh
# Side-by-side timing of kkt CG and SciPy cg on the 2-D Poisson matrix
# (docs/benchmarks.md, "CG on 2-D Poisson vs SciPy"). Usage, from the
# repository root:
#
#   sh linsolve/testdata/cg_vs_scipy.sh NX ROUNDS
#
# Each round runs SciPy once, then the three kkt variants once (operator,
# fused, fused-parallel), alternating so both see the same machine load.
set -e
nx=${1:-1000}
rounds=${2:-3}
go test -c -o /tmp/kkt-linsolve.test ./linsolve/
n=$((nx * nx))
i=0
while [ $i -lt "$rounds" ]; do
	/usr/bin/python3 linsolve/testdata/scipy_cg.py "$nx" 1
	/tmp/kkt-linsolve.test -test.run XXX -test.bench "CGPoisson2D/n=$n\$/" -test.benchtime 1x | grep ns/op
	i=$((i + 1))
done
