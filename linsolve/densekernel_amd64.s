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
