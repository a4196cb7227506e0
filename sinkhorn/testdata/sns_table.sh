#!/bin/bash
# SNS with defaults against log-domain Sinkhorn, to a marginal error of 1e-9,
# the two methods one after the other on each instance (docs/sinkhorn.md §0.2).
#
#   go build -o /tmp/kkt-ot ./cmd/kkt
#   KKT=/tmp/kkt-ot DATA=/work/shared/data sinkhorn/testdata/sns_table.sh [points|uniform|mnist]...
#
# points:  n uniform points per side in the unit square (numpy default_rng(1000003 + n),
#          the generator of emd_pot.py), squared-Euclidean cost scaled to max 1,
#          random weights U[0.05, 1] normalised; n = 100, 200, 500, 1000; η = 100, 1200, 5000.
# uniform: kkt ot --random n (C_ij ~ U[0, 1], uniform weights), same n and η.
# mnist:   MNIST test pairs 0→1, 3→2, 4→7 (unit grid, pixel floor 1e-3), η = 1200.
# Sinkhorn is capped (see the cap variables); a capped run bounds its time from below.
set -u
KKT=${KKT:-kkt}
DATA=${DATA:-${KKT_DATA:-}}
what=${*:-points uniform mnist}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { timeout 900 "$KKT" ot "$@" --tol 1e-9 --json 2>/dev/null | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print("%-14s %-14s it=%5d (%d Newton) err=%.2e t=%.3fs" % (r["method"], r["status"], r["iterations"], r["newton_iterations"], r["marginal_error"], r["time_s"]))'; }
for w in $what; do
	case $w in
	points)
		/usr/bin/python3 - "$tmp" <<'PY'
import sys
import numpy as np
d = sys.argv[1]
for n in (100, 200, 500, 1000):
    rng = np.random.default_rng(1000003 + n)
    x, y = rng.random((n, 2)), rng.random((n, 2))
    a = rng.uniform(0.05, 1, n)
    b = rng.uniform(0.05, 1, n)
    a, b = a / a.sum(), b / b.sum()
    for name, v in (("x", x), ("y", y)):
        open("%s/%s%d.csv" % (d, name, n), "w").write("\n".join(",".join(repr(float(t)) for t in r) for r in v) + "\n")
    for name, v in (("a", a), ("b", b)):
        open("%s/%s%d.csv" % (d, name, n), "w").write("\n".join(repr(float(t)) for t in v) + "\n")
PY
		for n in 100 200 500 1000; do for eta in 100 1200 5000; do
			cap=20000; [ "$n" -ge 500 ] && cap=5000; [ "$n" -ge 1000 ] && cap=2000
			echo "points n=$n eta=$eta"
			P=(--x "$tmp/x$n.csv" --y "$tmp/y$n.csv" --a "$tmp/a$n.csv" --b "$tmp/b$n.csv" --normalize --eta "$eta")
			run "${P[@]}" --method sns
			run "${P[@]}" --method sinkhorn-log --max-iter "$cap"
		done; done ;;
	uniform)
		for n in 100 200 500 1000; do for eta in 100 1200 5000; do
			cap=3000; [ "$n" -ge 500 ] && cap=1000
			echo "uniform-cost random n=$n eta=$eta"
			run --random "$n" --eta "$eta" --method sns
			run --random "$n" --eta "$eta" --method sinkhorn-log --max-iter "$cap"
		done; done ;;
	mnist)
		for pair in 0,1 3,2 4,7; do
			echo "mnist $pair eps=1/1200 floor 1e-3 unit grid"
			run --mnist "$pair" --data "$DATA" --eta 1200 --method sns
			run --mnist "$pair" --data "$DATA" --eta 1200 --method sinkhorn-log --max-iter 20000
		done ;;
	*) echo "unknown family $w (points, uniform, mnist)" >&2; exit 2 ;;
	esac
done
