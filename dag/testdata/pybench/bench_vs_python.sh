#!/bin/sh
# Side-by-side timing of CoLiDE-EV: kkt against the authors' Python code
# (docs/benchmarks.md, "DAG learning against the authors' Python code").
#
# usage: sh dag/testdata/pybench/bench_vs_python.sh D STEPS REPS [full]
#   D      number of nodes (ER4 data, n = 1000, seed 1, simulated by kkt)
#   STEPS  one stage of STEPS Adam steps (s = 1, λ = 0.05); with "full", the
#          paper's schedule (T = 4, s = 1, .9, .8, .7, 2e4 / 7e4) and STEPS is ignored
#   REPS   repetitions; each runs kkt, Python + the default BLAS and Python +
#          reference BLAS one after the other (set NOREF=1 to skip the last)
#
# The Python side needs the authors' model.py (github.com/SAMiatto/colide,
# commit f369759, unmodified) in $COLIDE (default: this directory) and a stub
# tqdm module; it is not part of kkt. PYTHON selects the interpreter
# (default /usr/bin/python3). Debian: apt-get install python3-numpy
# python3-scipy. Run from the repository root.
set -e
PY=${PYTHON:-/usr/bin/python3}
d=$1; N=$2; reps=$3; full=$4
here=$(cd "$(dirname "$0")" && pwd)
COLIDE=${COLIDE:-$here}
work=$(mktemp -d)
go build -o "$work/kkt" ./cmd/kkt
"$work/kkt" dag simulate --graph er --k 4 --d "$d" --n 1000 --seed 1 --out "$work/data" >/dev/null
args="--T 1 --max-iter $N"; pyN=$N
if [ -n "$full" ]; then args=""; pyN=""; fi
py() { (cd "$COLIDE" && env PYTHONPATH="$COLIDE" "$@" "$PY" "$here/run_colide.py" "$work/data/X.csv" ev /dev/null $pyN) |
	"$PY" -c "import json,sys;j=json.load(sys.stdin);print(j['time_s'], j['cpu_s'])"; }
for r in $(seq "$reps"); do
	load=$(cut -d' ' -f1 /proc/loadavg)
	k=$("$work/kkt" dag --data "$work/data/X.csv" --method colide-ev $args --json |
		"$PY" -c "import json,sys;print(json.load(sys.stdin)['time_s'])")
	p=$(py X=1)
	q=skipped
	if [ -z "$NOREF" ]; then
		q=$(py LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack)
	fi
	echo "d=$d steps=$N full=$full rep=$r load=$load kkt=$k py_default_blas=$p py_reference_blas=$q"
done
rm -rf "$work"
