#!/usr/bin/env bash
# Candidate conventions for the MNIST instances of Tang et al. (ICLR 2024,
# arXiv:2401.12253), Table 1: log-domain Sinkhorn iterations to a marginal
# error of 1e-12 (η = 1200, zero initial potentials) for the squared-Euclidean
# (L2) and L1 ground costs, and SNS at the paper's settings (L2: N₁ = 20,
# λ = 2/n; L1: N₁ = 700, λ = 15/n). Prints CSV on stdout; docs/sinkhorn.md §6
# quotes it. Usage (from the repository root, KKT_DATA set):
#
#   go build -o /tmp/kkt ./cmd/kkt
#   KKT=/tmp/kkt sinkhorn/testdata/mnist_conventions.sh sinkhorn  "0,1 3,2 4,7" > sk.csv
#   KKT=/tmp/kkt sinkhorn/testdata/mnist_conventions.sh sns       "0,1 3,2 4,7" > sns.csv
#   KKT=/tmp/kkt sinkhorn/testdata/mnist_conventions.sh pixel     "0,1"         > px.csv
#   KKT=/tmp/kkt sinkhorn/testdata/mnist_conventions.sh pixel-sns "0,1"         > pxsns.csv
#   KKT=/tmp/kkt METRICS=euclidean sinkhorn/testdata/mnist_conventions.sh sinkhorn "0,1 3,2" > euc.csv
#
# METRICS (default "sqeuclidean l1") lists the ground costs; euclidean (the
# "L2 cost" read as the distance ‖x − y‖₂ rather than its square) is run like
# sqeuclidean (cap 6000; SNS with N₁ = 20, λ = 2/n).
#
# "sinkhorn" and "sns" sweep the unit-square grid with the raw and the
# max-normalised cost; "pixel" (and "pixel-sns") runs the integer pixel grid
# (coordinates 0..27), whose costs are 27× (L1) and 729× (L2) larger, with a
# cap of 3000 Sinkhorn iterations. Each run is one 'kkt ot' process (about 8 ms per
# Sinkhorn iteration at n = 784 on the shared 2-core machine).
set -euo pipefail
KKT=${KKT:-kkt}
what=${1:?sinkhorn, sns, pixel or pixel-sns}
pairs=${2:-"0,1"}
zeros=("floor1e-3:--floor 1e-3" "floor1e-6:--floor 1e-6" "drop:--floor 0 --drop-zeros" "mix0.01:--floor 0 --mix 0.01")
case $what in
sinkhorn | sns) scales=("unit:--grid unit" "cost/max:--grid unit --normalize") ;;
pixel | pixel-sns) scales=("pixel:--grid pixel") ;;
*) echo "unknown sweep $what" >&2; exit 2 ;;
esac
field() { sed -n "s/^ *\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" <<<"$2"; }
echo "pair,scale,zeros,metric,method,iterations,newton,status,marginal_error,n,m,dropped_a,dropped_b,time_s"
for pair in $pairs; do
	for sc in "${scales[@]}"; do
		for z in "${zeros[@]}"; do
			for metric in ${METRICS:-sqeuclidean l1}; do
				common=(--mnist "$pair" --metric "$metric" --eta 1200 --tol 1e-12 ${sc#*:} ${z#*:} --json)
				if [[ $what == sns || $what == pixel-sns ]]; then
					if [[ $metric == l1 ]]; then
						args=(--method sns --fixed-sparsity --warmup 700 --sparsity 15/n --max-iter 1500)
					else
						args=(--method sns --fixed-sparsity --warmup 20 --sparsity 2/n --max-iter 300)
					fi
				elif [[ $what == pixel ]]; then
					args=(--method sinkhorn-log --max-iter 3000)
				elif [[ $metric == l1 ]]; then
					args=(--method sinkhorn-log --max-iter 12000)
				else
					args=(--method sinkhorn-log --max-iter 6000)
				fi
				out=$("$KKT" ot "${common[@]}" "${args[@]}") || true
				echo "${pair/,/→},${sc%%:*},${z%%:*},$metric,$(field method "$out"),$(field iterations "$out"),$(field newton_iterations "$out"),$(field status "$out"),$(field marginal_error "$out"),$(field n "$out"),$(field m "$out"),$(field dropped_a "$out"),$(field dropped_b "$out"),$(field time_s "$out")"
			done
		done
	done
done
