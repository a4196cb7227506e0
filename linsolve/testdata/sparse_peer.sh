#!/bin/sh
# Side-by-side comparison of kkt's sparse direct solvers with SuiteSparse
# (AMD, CHOLMOD). Not part of go test. Needs libsuitesparse-dev and gcc.
#
#   KKT_DATA=../shared/data sh linsolve/testdata/sparse_peer.sh [OUTDIR] [fill|speed|scaling|all]
#
# fill:    writes the Matrix Market files (2-D Poisson 1000², 3-D Poisson 60³,
#          KKT matrices of the ten largest CUTEst problems) and prints kkt's
#          AMD nnz(L) beside SuiteSparse AMD's.
# speed:   alternates kkt (go test -bench, GOMAXPROCS=1) and CHOLMOD
#          (supernodal, AMD only, OPENBLAS_NUM_THREADS=1) on 1000² and 60³,
#          two rounds; both report wall and process CPU time.
# scaling: kkt analyse+factor on 2-D 64²…1024² and 3-D 16³…64³.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/kkt-sparse-peer}
what=${2:-all}
mkdir -p "$out"
cd "$here/.."
gcc -O2 -I/usr/include/suitesparse testdata/amd_cholmod.c -o "$out/amd_cholmod" \
	-lcholmod -lamd -lsuitesparseconfig -lm
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
if [ "$what" = fill ] || [ "$what" = all ]; then
	KKT_SPARSE_PEER="$out" go test -count=1 -run TestPeerFill -v . | grep kkt_amd_lnz | tee "$out/kkt_fill.txt"
	for f in "$out"/*.mtx; do
		printf '%s ' "$(basename "$f" .mtx)"
		"$out/amd_cholmod" "$f" amd | grep -E "^(n|amd_lnz|amd_cpu|cholmod_lnz) " | tr '\n' ' '
		echo
	done | tee "$out/suitesparse_fill.txt"
fi
if [ "$what" = speed ] || [ "$what" = all ]; then
	for round in 1 2; do
		KKT_BENCH_2D=1000 go test -count=1 -run XXX -bench 'CholeskyPoisson2D/.*/(^factor\+solve|^refactor|^analyze\+factor)$' \
			-benchtime 1x -cpu 1 -timeout 2h . | grep Benchmark
		"$out/amd_cholmod" "$out/poisson2d_1000.mtx" super 1 | sed 's/^/poisson2d_1000 /'
		KKT_BENCH_3D=60 go test -count=1 -run XXX -bench 'CholeskyPoisson3D/.*/(^factor\+solve|^refactor|^analyze\+factor)$' \
			-benchtime 1x -cpu 1 -timeout 2h . | grep Benchmark
		"$out/amd_cholmod" "$out/poisson3d_60.mtx" super 1 | sed 's/^/poisson3d_60 /'
	done 2>&1 | tee "$out/speed.txt"
fi
if [ "$what" = scaling ] || [ "$what" = all ]; then
	KKT_BENCH_2D=64,128,256,512,1024 KKT_BENCH_3D=16,24,32,48,64 go test -count=1 -run XXX \
		-bench 'CholeskyPoisson.D/.*/analyze\+factor$' -benchtime 1x -cpu 1 -timeout 2h . | grep Benchmark | tee "$out/scaling.txt"
fi
