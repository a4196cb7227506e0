#!/bin/sh
# Side-by-side timing of kkt's sparse LU and SciPy's SuperLU (spsolve/splu)
# on the same Matrix Market file, alternating the two so that machine load
# affects both.
#
# Usage: linsolve/testdata/lu_vs_scipy.sh N [ROUNDS] [PECLET]
#   writes the N²×N² 2-D convection–diffusion matrix (central differences,
#   mesh Péclet number PECLET, default 0.5: the matrix of
#   matrix.ConvectionDiffusion2D) to a temporary Matrix Market file with
#   `kkt gen`-free Python (scipy.io.mmwrite), then runs ROUNDS (default 3)
#   rounds of: kkt linsolve --method lu --json; scipy_splu.py.
# Needs /usr/bin/python3 with SciPy (Debian python3-scipy) and a kkt binary
# (KKT=path, default: go build ./cmd/kkt into the temporary directory).
set -eu
N=${1:?usage: lu_vs_scipy.sh N [ROUNDS] [PECLET]}
ROUNDS=${2:-3}
PE=${3:-0.5}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
KKT=${KKT:-}
if [ -z "$KKT" ]; then
	(cd "$HERE/../.." && go build -o "$TMP/kkt" ./cmd/kkt)
	KKT="$TMP/kkt"
fi
/usr/bin/python3 - "$N" "$PE" "$TMP/A.mtx" <<'PY'
import sys
import scipy.io
import scipy.sparse as sp
n, pe, path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
# Row k = i + n*j: 4 on the diagonal, -(1+pe) west/south, -(1-pe) east/north.
t = sp.diags([-(1 + pe), 0.0, -(1 - pe)], [-1, 0, 1], shape=(n, n))
i = sp.identity(n)
a = sp.kron(i, t) + sp.kron(t, i) + 4 * sp.identity(n * n)
scipy.io.mmwrite(path, a.tocoo(), field="real", symmetry="general")
PY
r=1
while [ "$r" -le "$ROUNDS" ]; do
	"$KKT" linsolve --matrix "$TMP/A.mtx" --method lu --json
	/usr/bin/python3 "$HERE/scipy_splu.py" "$TMP/A.mtx" 1
	r=$((r + 1))
done
