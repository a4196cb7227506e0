//go:build amd64 && !purego

#include "textflag.h"

// func axpy4AVX(dst, x0, x1, x2, x3 *float64, n int, t0, t1, t2, t3 float64)
//
// dst[j] = (((dst[j] + t0*x0[j]) + t1*x1[j]) + t2*x2[j]) + t3*x3[j] for
// j < n, with separate multiplies and adds (no FMA): the same roundings as
// the Go loop in axpy4Go, four entries per instruction.
TEXT ·axpy4AVX(SB), NOSPLIT, $0-80
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
	CMPQ    AX, DX
	JGE     loop4
	VMOVUPD (DI)(AX*8), Y4
	VMOVUPD 32(DI)(AX*8), Y6
	VMULPD  (R8)(AX*8), Y0, Y5
	VMULPD  32(R8)(AX*8), Y0, Y7
	VADDPD  Y5, Y4, Y4
	VADDPD  Y7, Y6, Y6
	VMULPD  (R9)(AX*8), Y1, Y5
	VMULPD  32(R9)(AX*8), Y1, Y7
	VADDPD  Y5, Y4, Y4
	VADDPD  Y7, Y6, Y6
	VMULPD  (R10)(AX*8), Y2, Y5
	VMULPD  32(R10)(AX*8), Y2, Y7
	VADDPD  Y5, Y4, Y4
	VADDPD  Y7, Y6, Y6
	VMULPD  (R11)(AX*8), Y3, Y5
	VMULPD  32(R11)(AX*8), Y3, Y7
	VADDPD  Y5, Y4, Y4
	VADDPD  Y7, Y6, Y6
	VMOVUPD Y4, (DI)(AX*8)
	VMOVUPD Y6, 32(DI)(AX*8)
	ADDQ    $8, AX
	JMP     loop8

loop4:
	MOVQ    CX, DX
	ANDQ    $-4, DX
	CMPQ    AX, DX
	JGE     tail
	VMOVUPD (DI)(AX*8), Y4
	VMULPD  (R8)(AX*8), Y0, Y5
	VADDPD  Y5, Y4, Y4
	VMULPD  (R9)(AX*8), Y1, Y5
	VADDPD  Y5, Y4, Y4
	VMULPD  (R10)(AX*8), Y2, Y5
	VADDPD  Y5, Y4, Y4
	VMULPD  (R11)(AX*8), Y3, Y5
	VADDPD  Y5, Y4, Y4
	VMOVUPD Y4, (DI)(AX*8)
	ADDQ    $4, AX

tail:
	CMPQ   AX, CX
	JGE    done
	VMOVSD (DI)(AX*8), X4
	VMULSD (R8)(AX*8), X0, X5
	VADDSD X5, X4, X4
	VMULSD (R9)(AX*8), X1, X5
	VADDSD X5, X4, X4
	VMULSD (R10)(AX*8), X2, X5
	VADDSD X5, X4, X4
	VMULSD (R11)(AX*8), X3, X5
	VADDSD X5, X4, X4
	VMOVSD X4, (DI)(AX*8)
	INCQ   AX
	JMP    tail

done:
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
// time; c = {β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, lr, 1e−8}. Divisions and
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
	VDIVPD  Y13, Y2, Y2
	VSQRTPD Y2, Y2
	VADDPD  Y7, Y2, Y2
	VDIVPD  Y12, Y1, Y1
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
