#!/bin/sh
# Regenerate the CUTEst dumps that TestCUTEstDumps compares kkt with.
#
#   SIFDECODE_SRC=/path/to/SIFDecode CUTEST_SRC=/path/to/CUTEst \
#   SIFDIR=$KKT_DATA/cutest/sif sh run.sh PDE1 PDE2 HS67 n3PK SCHMVETT TAX1C
#
# Needs gfortran only (no meson): SIFDecode's sifdecoder and CUTEst's double
# precision tools are compiled straight from the sources into $WORK
# (default /tmp/kkt-cutestdump). Each NAME.SIF is decoded by sifdecoder,
# linked with cdump.f90 and the CUTEst tools, and run; its output goes to
# NAME.txt.gz here.
#
# CUTEst as shipped rounds some of the numbers written in a SIF file:
#   - OUTSDIF.d, the file through which SIFDecode hands the linear
#     coefficients, constants, bounds, start point and parameters to CUTEst,
#     holds reals in the format 1P,4D18.10: 11 significant digits;
#   - the coefficients of R cards (range transformations) are written into
#     the generated Fortran with the format F12.5 — 5 decimals, and as
#     default-REAL (single precision) literals;
#   - every literal without a D exponent in the SIF expressions and in the
#     external Fortran (HS67's 1.6, 1.22, 0.01, ...) is a default-REAL
#     constant to gfortran, i.e. rounded to single precision.
# With WIDE=1 (the default, what the committed dumps use) the copies of the
# sources built here write 17 significant digits in all three places
# (D26.17 in OUTSDIF.d and in CUTEst's reader of it, 1P,D25.17 for R-card
# coefficients) and the generated Fortran is compiled with -freal-4-real-8,
# so CUTEst evaluates the file's numbers as written, in double precision.
# WIDE=0 builds CUTEst as shipped (in $WORK/plain); its dumps must go
# elsewhere (OUT=dir; default: this folder, for WIDE=1 only) and can be
# compared with kkt by KKT_CUTEST_DUMPS=dir go test -run TestCUTEstDumps. TAX1C is not valid SIF as shipped (SIFDecode stops with
# "undefined parameter in GLOBALS section" at " A EPSLON  0.1D0", whose name
# starts in column 4); it is decoded from a copy with that one card aligned
# (" A  EPSLON  0.1D0") and written to TAX1C-aligned.txt.gz; TestCUTEstDumps
# compares it with kkt on the file as shipped, whose name kkt reads from
# column 4. SIFDecode rejects CHANDHEULS twice: for its comment
# line "%   (Least-squares version)." ("indicator card not recognised") and,
# that fixed, for its card "GROUPS       CHANDHEULS", whose name starts in
# column 14 ("Name on card not that specified on input"); kkt takes % lines
# for comments and does not check the name on that card. It is decoded from
# a copy with "*" for "%" and the name moved to column 15
# (CHANDHEULS-repaired.txt.gz).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${SIFDECODE_SRC:?set SIFDECODE_SRC to a SIFDecode source tree}"
: "${CUTEST_SRC:?set CUTEST_SRC to a CUTEst source tree}"
: "${SIFDIR:=${KKT_DATA:-../shared/data}/cutest/sif}"
WIDE=${WIDE:-1}
WORK=${WORK:-/tmp/kkt-cutestdump}
OUT=${OUT:-$here}
ffl=""
if [ "$WIDE" = 1 ]; then
	WORK=$WORK/wide
	ffl=-freal-4-real-8
else
	WORK=$WORK/plain
	[ "$OUT" != "$here" ] || { echo "run.sh: WIDE=0 needs OUT=another folder" >&2; exit 1; }
fi
mkdir -p "$WORK/sifdecode" "$WORK/cutest"

if [ ! -x "$WORK/sifdecode/sifdecoder" ]; then
	(
		cd "$WORK/sifdecode"
		cp "$SIFDECODE_SRC/src/decode/sifdecode.f90" \
			"$SIFDECODE_SRC/src/decode/sifdecoder_standalone.f90" \
			"$SIFDECODE_SRC/src/decode/sifdecoder_standalone_main.f90" .
		if [ "$WIDE" = 1 ]; then
			sed -i -e 's/^ 3120 FORMAT( ( 1P, 4D18.10 ) )/ 3120 FORMAT( ( 1P, 4D26.17 ) )/' \
				-e 's/^ 3160 FORMAT( 1P, 2D18.10 )/ 3160 FORMAT( 1P, 2D26.17 )/' \
				-e 's/F12\.5 )$/1P, D25.17 )/' sifdecode.f90
			[ "$(grep -c 'D26.17\|D25.17' sifdecode.f90)" = 20 ] || { echo "run.sh: SIFDecode formats not found" >&2; exit 1; }
		fi
		gfortran -O1 -o sifdecoder sifdecode.f90 sifdecoder_standalone.f90 sifdecoder_standalone_main.f90
	)
fi
if [ ! -f "$WORK/cutest/libcutest_double.a" ]; then
	(
		cd "$WORK/cutest"
		srcs=$(sed -n "/libcutest_src += files(/,/)/p" "$CUTEST_SRC/src/tools/meson.build" | grep -o "'[a-z_0-9]*\.F90'" | tr -d "'")
		for f in $srcs; do
			gfortran -cpp -E -P -I "$CUTEST_SRC/include" "$CUTEST_SRC/src/tools/$f" -o "double_${f%.F90}.f90"
		done
		if [ "$WIDE" = 1 ]; then
			sed -i -e 's/^ *1020 FORMAT( ( 1P, 4D18.10 ) )/ 1020 FORMAT( ( 1P, 4D26.17 ) )/' \
				-e 's/^ *1080 FORMAT( 1P, 2D18.10 )/ 1080 FORMAT( 1P, 2D26.17 )/' double_csetup.f90 double_usetup.f90
			[ "$(cat double_csetup.f90 double_usetup.f90 | grep -c 'D26.17')" = 4 ] || { echo "run.sh: CUTEst formats not found" >&2; exit 1; }
		fi
		# Compile in passes until every module a file uses exists.
		todo=$(ls double_*.f90)
		for pass in 1 2 3 4 5 6 7 8; do
			left=""
			for f in $todo; do
				gfortran -O1 -c "$f" -o "${f%.f90}.o" 2>/dev/null || left="$left $f"
			done
			todo=$left
			[ -z "$todo" ] && break
		done
		[ -z "$todo" ] || { echo "CUTEst tools that do not compile:$todo" >&2; exit 1; }
		ar rcs libcutest_double.a double_*.o
	)
fi

# A file that SIFDecode rejects, or whose generated code does not compile or
# run, is reported on stderr and in $OUT/failures.txt; the others go on.
mkdir -p "$OUT"
for name in "$@"; do
	d="$WORK/run/$name"
	rm -rf "$d" && mkdir -p "$d"
	out=$name
	if [ "$name" = TAX1C ]; then
		sed 's/^ A EPSLON               0\.1D0/ A  EPSLON              0.1D0/' "$SIFDIR/TAX1C.SIF" >"$d/TAX1C.SIF"
		out=TAX1C-aligned
	elif [ "$name" = CHANDHEULS ]; then
		sed -e 's/^%/*/' -e 's/^GROUPS       CHANDHEULS$/GROUPS        CHANDHEULS/' "$SIFDIR/CHANDHEULS.SIF" >"$d/CHANDHEULS.SIF"
		out=CHANDHEULS-repaired
	else
		cp "$SIFDIR/$name.SIF" "$d/"
	fi
	if (
		cd "$d"
		"$WORK/sifdecode/sifdecoder" "$name.SIF" >decode.log 2>&1 || { echo "$name: sifdecoder: $(grep -m1 'Exit from' decode.log)"; exit 1; }
		ext=""
		[ -f EXTER.f ] && ext=EXTER.f
		gfortran -O1 $ffl -c ELFUN.f GROUP.f RANGE.f $ext >compile.log 2>&1 || { echo "$name: gfortran failed"; exit 1; }
		gfortran -O1 -o cdump "$here/cdump.f90" *.o -L"$WORK/cutest" -lcutest_double >>compile.log 2>&1 || { echo "$name: link failed"; exit 1; }
		./cdump >run.log 2>&1 || { echo "$name: cdump failed: $(tail -1 run.log)"; exit 1; }
	) >"$d/status" 2>&1; then
		gzip -9n <"$d/cdump.txt" >"$OUT/$out.txt.gz"
		echo "$out: $(head -1 "$d/cdump.txt")"
	else
		cat "$d/status" | tee -a "$OUT/failures.txt" >&2
	fi
	[ "${KEEP:-0}" = 1 ] || rm -rf "$d"
done
