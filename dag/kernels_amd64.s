//go:build amd64 && !purego

#include "textflag.h"

// func axpy4FMA(dst, x0, x1, x2, x3 *float64, n int, t0, t1, t2, t3 float64)
//
// dst[j] = fma(t3, x3[j], fma(t2, x2[j], fma(t1, x1[j], fma(t0, x0[j], dst[j]))))
// for j < n, four entries per instruction: the roundings of axpy4Go.
TEXT ·axpy4FMA(SB), NOSPLIT, $0-80
	MOVQ         dst+0(FP), DI
	MOVQ         x0+8(FP), R8
	MOVQ         x1+16(FP), R9
	MOVQ         x2+24(FP), R10
	MOVQ         x3+32(FP), R11
	MOVQ         n+40(FP), CX
	VBROADCASTSD t0+48(FP), Y0
	VBROADCASTSD t1+56(FP), Y1
	VBROADCASTSD t2+64(FP), Y2
	VBROADCASTSD t3+72(FP), Y3
	XORQ         AX, AX
	MOVQ         CX, DX
	ANDQ         $-8, DX

loop8:
	CMPQ        AX, DX
	JGE         loop4
	VMOVUPD     (DI)(AX*8), Y4
	VMOVUPD     32(DI)(AX*8), Y6
	VFMADD231PD (R8)(AX*8), Y0, Y4
	VFMADD231PD 32(R8)(AX*8), Y0, Y6
	VFMADD231PD (R9)(AX*8), Y1, Y4
	VFMADD231PD 32(R9)(AX*8), Y1, Y6
	VFMADD231PD (R10)(AX*8), Y2, Y4
	VFMADD231PD 32(R10)(AX*8), Y2, Y6
	VFMADD231PD (R11)(AX*8), Y3, Y4
	VFMADD231PD 32(R11)(AX*8), Y3, Y6
	VMOVUPD     Y4, (DI)(AX*8)
	VMOVUPD     Y6, 32(DI)(AX*8)
	ADDQ        $8, AX
	JMP         loop8

loop4:
	MOVQ        CX, DX
	ANDQ        $-4, DX
	CMPQ        AX, DX
	JGE         tail
	VMOVUPD     (DI)(AX*8), Y4
	VFMADD231PD (R8)(AX*8), Y0, Y4
	VFMADD231PD (R9)(AX*8), Y1, Y4
	VFMADD231PD (R10)(AX*8), Y2, Y4
	VFMADD231PD (R11)(AX*8), Y3, Y4
	VMOVUPD     Y4, (DI)(AX*8)
	ADDQ        $4, AX

tail:
	CMPQ        AX, CX
	JGE         done
	VMOVSD      (DI)(AX*8), X4
	VFMADD231SD (R8)(AX*8), X0, X4
	VFMADD231SD (R9)(AX*8), X1, X4
	VFMADD231SD (R10)(AX*8), X2, X4
	VFMADD231SD (R11)(AX*8), X3, X4
	VMOVSD      X4, (DI)(AX*8)
	INCQ        AX
	JMP         tail

done:
	VZEROUPPER
	RET

// func axpy4x2FMA(d0, d1, x0, x1, x2, x3 *float64, n int, c *[8]float64)
//
// d0[j] = fma(c3, x3[j], fma(c2, x2[j], fma(c1, x1[j], fma(c0, x0[j], d0[j]))))
// and the same for d1 with c4..c7, j < n: two rows share the loads of the x's.
TEXT ·axpy4x2FMA(SB), NOSPLIT, $0-64
	MOVQ         d0+0(FP), DI
	MOVQ         d1+8(FP), SI
	MOVQ         x0+16(FP), R8
	MOVQ         x1+24(FP), R9
	MOVQ         x2+32(FP), R10
	MOVQ         x3+40(FP), R11
	MOVQ         n+48(FP), CX
	MOVQ         c+56(FP), BX
	VBROADCASTSD 0(BX), Y0
	VBROADCASTSD 8(BX), Y1
	VBROADCASTSD 16(BX), Y2
	VBROADCASTSD 24(BX), Y3
	VBROADCASTSD 32(BX), Y8
	VBROADCASTSD 40(BX), Y9
	VBROADCASTSD 48(BX), Y10
	VBROADCASTSD 56(BX), Y11
	XORQ         AX, AX
	MOVQ         CX, DX
	ANDQ         $-4, DX

x2loop:
	CMPQ        AX, DX
	JGE         x2tail
	VMOVUPD     (R8)(AX*8), Y4
	VMOVUPD     (R9)(AX*8), Y5
	VMOVUPD     (R10)(AX*8), Y6
	VMOVUPD     (R11)(AX*8), Y7
	VMOVUPD     (DI)(AX*8), Y12
	VMOVUPD     (SI)(AX*8), Y13
	VFMADD231PD Y4, Y0, Y12
	VFMADD231PD Y4, Y8, Y13
	VFMADD231PD Y5, Y1, Y12
	VFMADD231PD Y5, Y9, Y13
	VFMADD231PD Y6, Y2, Y12
	VFMADD231PD Y6, Y10, Y13
	VFMADD231PD Y7, Y3, Y12
	VFMADD231PD Y7, Y11, Y13
	VMOVUPD     Y12, (DI)(AX*8)
	VMOVUPD     Y13, (SI)(AX*8)
	ADDQ        $4, AX
	JMP         x2loop

x2tail:
	CMPQ        AX, CX
	JGE         x2done
	VMOVSD      (R8)(AX*8), X4
	VMOVSD      (R9)(AX*8), X5
	VMOVSD      (R10)(AX*8), X6
	VMOVSD      (R11)(AX*8), X7
	VMOVSD      (DI)(AX*8), X12
	VMOVSD      (SI)(AX*8), X13
	VFMADD231SD X4, X0, X12
	VFMADD231SD X4, X8, X13
	VFMADD231SD X5, X1, X12
	VFMADD231SD X5, X9, X13
	VFMADD231SD X6, X2, X12
	VFMADD231SD X6, X10, X13
	VFMADD231SD X7, X3, X12
	VFMADD231SD X7, X11, X13
	VMOVSD      X12, (DI)(AX*8)
	VMOVSD      X13, (SI)(AX*8)
	INCQ        AX
	JMP         x2tail

x2done:
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL   $0, CX
	XGETBV
	MOVL   AX, eax+0(FP)
	MOVL   DX, edx+4(FP)
	RET

// func adamAVX(grad, am, av, w, step *float64, n int, c *[8]float64)
//
// The Adam update of pathWork.adam on the first n&^3 entries, four at a
// time; c = {β₁, 1−β₁, β₂, 1−β₂, 1/(1−β₁ᵗ), 1/(1−β₂ᵗ), lr, 1e−8}. Divisions and
// square roots are correctly rounded in every lane, so the results are those
// of the Go loop.
TEXT ·adamAVX(SB), NOSPLIT, $0-56
	MOVQ         grad+0(FP), SI
	MOVQ         am+8(FP), R8
	MOVQ         av+16(FP), R9
	MOVQ         w+24(FP), R10
	MOVQ         step+32(FP), R11
	MOVQ         n+40(FP), CX
	MOVQ         c+48(FP), BX
	VBROADCASTSD 0(BX), Y8
	VBROADCASTSD 8(BX), Y9
	VBROADCASTSD 16(BX), Y10
	VBROADCASTSD 24(BX), Y11
	VBROADCASTSD 32(BX), Y12
	VBROADCASTSD 40(BX), Y13
	VBROADCASTSD 48(BX), Y14
	VBROADCASTSD 56(BX), Y7
	XORQ         AX, AX
	ANDQ         $-4, CX

adamloop:
	CMPQ    AX, CX
	JGE     adamdone
	VMOVUPD (SI)(AX*8), Y0
	VMULPD  (R8)(AX*8), Y8, Y1
	VMULPD  Y0, Y9, Y3
	VADDPD  Y3, Y1, Y1
	VMOVUPD Y1, (R8)(AX*8)
	VMULPD  Y0, Y0, Y3
	VMULPD  Y3, Y11, Y3
	VMULPD  (R9)(AX*8), Y10, Y2
	VADDPD  Y3, Y2, Y2
	VMOVUPD Y2, (R9)(AX*8)
	VMULPD  Y13, Y2, Y2
	VSQRTPD Y2, Y2
	VADDPD  Y7, Y2, Y2
	VMULPD  Y12, Y1, Y1
	VDIVPD  Y2, Y1, Y1
	VMOVUPD Y1, (R11)(AX*8)
	VMULPD  Y1, Y14, Y1
	VMOVUPD (R10)(AX*8), Y3
	VSUBPD  Y1, Y3, Y3
	VMOVUPD Y3, (R10)(AX*8)
	ADDQ    $4, AX
	JMP     adamloop

adamdone:
	VZEROUPPER
	RET
