//go:build amd64 && !purego

#include "textflag.h"

// func dot4x2FMA(a *float64, lda int, b *float64, ldb int, k4 int, out *[32]float64)
//
// For the four rows a, a+lda, a+2·lda, a+3·lda and the two rows b, b+ldb
// (row-major, strides in elements) accumulates, over 4·k4 columns, the
// eight dot products in eight 4-lane registers and stores the lanes to out
// (out[8i+4j : 8i+4j+4] holds the partial sums of row i of a with row j of
// b); the caller adds the lanes.
TEXT ·dot4x2FMA(SB), NOSPLIT, $0-48
	MOVQ   a+0(FP), SI
	MOVQ   lda+8(FP), R8
	MOVQ   b+16(FP), DI
	MOVQ   ldb+24(FP), R9
	MOVQ   k4+32(FP), CX
	MOVQ   out+40(FP), DX
	SHLQ   $3, R8
	SHLQ   $3, R9
	LEAQ   (SI)(R8*1), R10
	LEAQ   (R10)(R8*1), R11
	LEAQ   (R11)(R8*1), R12
	LEAQ   (DI)(R9*1), R13
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ   AX, AX
	TESTQ  CX, CX
	JZ     done

loop:
	VMOVUPD     (DI)(AX*1), Y8
	VMOVUPD     (R13)(AX*1), Y9
	VMOVUPD     (SI)(AX*1), Y10
	VFMADD231PD Y8, Y10, Y0
	VFMADD231PD Y9, Y10, Y1
	VMOVUPD     (R10)(AX*1), Y11
	VFMADD231PD Y8, Y11, Y2
	VFMADD231PD Y9, Y11, Y3
	VMOVUPD     (R11)(AX*1), Y12
	VFMADD231PD Y8, Y12, Y4
	VFMADD231PD Y9, Y12, Y5
	VMOVUPD     (R12)(AX*1), Y13
	VFMADD231PD Y8, Y13, Y6
	VFMADD231PD Y9, Y13, Y7
	ADDQ        $32, AX
	DECQ        CX
	JNZ         loop

done:
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, 64(DX)
	VMOVUPD Y3, 96(DX)
	VMOVUPD Y4, 128(DX)
	VMOVUPD Y5, 160(DX)
	VMOVUPD Y6, 192(DX)
	VMOVUPD Y7, 224(DX)
	VZEROUPPER
	RET

// func cpuidLS(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuidLS(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbvLS() (eax, edx uint32)
TEXT ·xgetbvLS(SB), NOSPLIT, $0-8
	MOVL   $0, CX
	XGETBV
	MOVL   AX, eax+0(FP)
	MOVL   DX, edx+4(FP)
	RET

// func kern6x8AFMA(k int, a *float64, lda int, b *float64, c *float64, ldc int, store int)
//
// The micro-kernel of the packed GEMM, with A read in place:
// C[r][q] (+)= Σ_p a[r·lda+p]·b[8p+q] for the six rows of the row-major A
// (stride lda elements) and the packed 8×k panel b; with store ≠ 0 the
// tile is overwritten instead of added to.
TEXT ·kern6x8AFMA(SB), NOSPLIT, $0-56
	MOVQ   k+0(FP), CX
	MOVQ   a+8(FP), SI
	MOVQ   lda+16(FP), R9
	MOVQ   b+24(FP), DI
	MOVQ   c+32(FP), DX
	MOVQ   ldc+40(FP), R8
	SHLQ   $3, R8
	SHLQ   $3, R9
	LEAQ   (SI)(R9*1), R10
	LEAQ   (R10)(R9*1), R11
	LEAQ   (R11)(R9*1), R12
	LEAQ   (R12)(R9*1), R13
	LEAQ   (R13)(R9*1), R14
	XORQ   AX, AX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	TESTQ  CX, CX
	JZ     astore

aloop:
	VMOVUPD      (DI), Y12
	VMOVUPD      32(DI), Y13
	VBROADCASTSD (SI)(AX*1), Y14
	VFMADD231PD  Y12, Y14, Y0
	VFMADD231PD  Y13, Y14, Y1
	VBROADCASTSD (R10)(AX*1), Y15
	VFMADD231PD  Y12, Y15, Y2
	VFMADD231PD  Y13, Y15, Y3
	VBROADCASTSD (R11)(AX*1), Y14
	VFMADD231PD  Y12, Y14, Y4
	VFMADD231PD  Y13, Y14, Y5
	VBROADCASTSD (R12)(AX*1), Y15
	VFMADD231PD  Y12, Y15, Y6
	VFMADD231PD  Y13, Y15, Y7
	VBROADCASTSD (R13)(AX*1), Y14
	VFMADD231PD  Y12, Y14, Y8
	VFMADD231PD  Y13, Y14, Y9
	VBROADCASTSD (R14)(AX*1), Y15
	VFMADD231PD  Y12, Y15, Y10
	VFMADD231PD  Y13, Y15, Y11
	ADDQ         $8, AX
	ADDQ         $64, DI
	DECQ         CX
	JNZ          aloop

astore:
	MOVQ    store+48(FP), BX
	TESTQ   BX, BX
	JNZ     overwrite
	VADDPD  (DX), Y0, Y0
	VADDPD  32(DX), Y1, Y1
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Y2, Y2
	VADDPD  32(DX), Y3, Y3
	VMOVUPD Y2, (DX)
	VMOVUPD Y3, 32(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Y4, Y4
	VADDPD  32(DX), Y5, Y5
	VMOVUPD Y4, (DX)
	VMOVUPD Y5, 32(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Y6, Y6
	VADDPD  32(DX), Y7, Y7
	VMOVUPD Y6, (DX)
	VMOVUPD Y7, 32(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Y8, Y8
	VADDPD  32(DX), Y9, Y9
	VMOVUPD Y8, (DX)
	VMOVUPD Y9, 32(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Y10, Y10
	VADDPD  32(DX), Y11, Y11
	VMOVUPD Y10, (DX)
	VMOVUPD Y11, 32(DX)
	VZEROUPPER
	RET

overwrite:
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	ADDQ    R8, DX
	VMOVUPD Y2, (DX)
	VMOVUPD Y3, 32(DX)
	ADDQ    R8, DX
	VMOVUPD Y4, (DX)
	VMOVUPD Y5, 32(DX)
	ADDQ    R8, DX
	VMOVUPD Y6, (DX)
	VMOVUPD Y7, 32(DX)
	ADDQ    R8, DX
	VMOVUPD Y8, (DX)
	VMOVUPD Y9, 32(DX)
	ADDQ    R8, DX
	VMOVUPD Y10, (DX)
	VMOVUPD Y11, 32(DX)
	VZEROUPPER
	RET

// func kern6x16AVX512(k int, a *float64, lda int, b *float64, c *float64, ldc int, store int)
//
// The AVX-512 form of kern6x8AFMA: a 6×16 tile of C in twelve 8-lane
// accumulators, b packed in 16-row micro-panels (two 8-lane loads and six
// broadcasts per step of k).
TEXT ·kern6x16AVX512(SB), NOSPLIT, $0-56
	MOVQ   k+0(FP), CX
	MOVQ   a+8(FP), SI
	MOVQ   lda+16(FP), R9
	MOVQ   b+24(FP), DI
	MOVQ   c+32(FP), DX
	MOVQ   ldc+40(FP), R8
	SHLQ   $3, R8
	SHLQ   $3, R9
	LEAQ   (SI)(R9*1), R10
	LEAQ   (R10)(R9*1), R11
	LEAQ   (R11)(R9*1), R12
	LEAQ   (R12)(R9*1), R13
	LEAQ   (R13)(R9*1), R14
	XORQ   AX, AX
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	TESTQ  CX, CX
	JZ     zstore

zloop:
	VMOVUPD      (DI), Z12
	VMOVUPD      64(DI), Z13
	VBROADCASTSD (SI)(AX*1), Z14
	VFMADD231PD  Z12, Z14, Z0
	VFMADD231PD  Z13, Z14, Z1
	VBROADCASTSD (R10)(AX*1), Z15
	VFMADD231PD  Z12, Z15, Z2
	VFMADD231PD  Z13, Z15, Z3
	VBROADCASTSD (R11)(AX*1), Z14
	VFMADD231PD  Z12, Z14, Z4
	VFMADD231PD  Z13, Z14, Z5
	VBROADCASTSD (R12)(AX*1), Z15
	VFMADD231PD  Z12, Z15, Z6
	VFMADD231PD  Z13, Z15, Z7
	VBROADCASTSD (R13)(AX*1), Z14
	VFMADD231PD  Z12, Z14, Z8
	VFMADD231PD  Z13, Z14, Z9
	VBROADCASTSD (R14)(AX*1), Z15
	VFMADD231PD  Z12, Z15, Z10
	VFMADD231PD  Z13, Z15, Z11
	ADDQ         $8, AX
	ADDQ         $128, DI
	DECQ         CX
	JNZ          zloop

zstore:
	MOVQ    store+48(FP), BX
	TESTQ   BX, BX
	JNZ     zoverwrite
	VADDPD  (DX), Z0, Z0
	VADDPD  64(DX), Z1, Z1
	VMOVUPD Z0, (DX)
	VMOVUPD Z1, 64(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Z2, Z2
	VADDPD  64(DX), Z3, Z3
	VMOVUPD Z2, (DX)
	VMOVUPD Z3, 64(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Z4, Z4
	VADDPD  64(DX), Z5, Z5
	VMOVUPD Z4, (DX)
	VMOVUPD Z5, 64(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Z6, Z6
	VADDPD  64(DX), Z7, Z7
	VMOVUPD Z6, (DX)
	VMOVUPD Z7, 64(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Z8, Z8
	VADDPD  64(DX), Z9, Z9
	VMOVUPD Z8, (DX)
	VMOVUPD Z9, 64(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Z10, Z10
	VADDPD  64(DX), Z11, Z11
	VMOVUPD Z10, (DX)
	VMOVUPD Z11, 64(DX)
	VZEROUPPER
	RET

zoverwrite:
	VMOVUPD Z0, (DX)
	VMOVUPD Z1, 64(DX)
	ADDQ    R8, DX
	VMOVUPD Z2, (DX)
	VMOVUPD Z3, 64(DX)
	ADDQ    R8, DX
	VMOVUPD Z4, (DX)
	VMOVUPD Z5, 64(DX)
	ADDQ    R8, DX
	VMOVUPD Z6, (DX)
	VMOVUPD Z7, 64(DX)
	ADDQ    R8, DX
	VMOVUPD Z8, (DX)
	VMOVUPD Z9, 64(DX)
	ADDQ    R8, DX
	VMOVUPD Z10, (DX)
	VMOVUPD Z11, 64(DX)
	VZEROUPPER
	RET
