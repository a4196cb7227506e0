//go:build amd64 && !purego

#include "textflag.h"

// AVX-512 forms of the row kernels of kernels_amd64.s: eight entries per
// instruction and a masked last block instead of a scalar tail. Every entry
// receives exactly the operations of the Go loops, in the same order, so
// the results are bit for bit those of the AVX2 and pure-Go paths.

// TAILMASK sets K1 to the low (n − BX) bits (0 < n − BX < 8), clobbering CX and R13.
#define TAILMASK(n) MOVQ n, CX; SUBQ BX, CX; MOVL $1, R13; SHLQ CX, R13; DECQ R13; KMOVW R13, K1

// func axpy4Z(dst, x0, x1, x2, x3 *float64, n int, t0, t1, t2, t3 float64)
TEXT ·axpy4Z(SB), NOSPLIT, $0-80
	MOVQ         dst+0(FP), DI
	MOVQ         x0+8(FP), R8
	MOVQ         x1+16(FP), R9
	MOVQ         x2+24(FP), R10
	MOVQ         x3+32(FP), R11
	MOVQ         n+40(FP), R12
	VBROADCASTSD t0+48(FP), Z0
	VBROADCASTSD t1+56(FP), Z1
	VBROADCASTSD t2+64(FP), Z2
	VBROADCASTSD t3+72(FP), Z3
	XORQ         BX, BX
	MOVQ         R12, DX
	ANDQ         $-8, DX

a4loop:
	CMPQ        BX, DX
	JGE         a4tail
	VMOVUPD     (DI)(BX*8), Z4
	VFMADD231PD (R8)(BX*8), Z0, Z4
	VFMADD231PD (R9)(BX*8), Z1, Z4
	VFMADD231PD (R10)(BX*8), Z2, Z4
	VFMADD231PD (R11)(BX*8), Z3, Z4
	VMOVUPD     Z4, (DI)(BX*8)
	ADDQ        $8, BX
	JMP         a4loop

a4tail:
	CMPQ        BX, R12
	JGE         a4done
	TAILMASK(R12)
	VMOVUPD.Z   (DI)(BX*8), K1, Z4
	VMOVUPD.Z   (R8)(BX*8), K1, Z5
	VFMADD231PD Z5, Z0, Z4
	VMOVUPD.Z   (R9)(BX*8), K1, Z5
	VFMADD231PD Z5, Z1, Z4
	VMOVUPD.Z   (R10)(BX*8), K1, Z5
	VFMADD231PD Z5, Z2, Z4
	VMOVUPD.Z   (R11)(BX*8), K1, Z5
	VFMADD231PD Z5, Z3, Z4
	VMOVUPD     Z4, K1, (DI)(BX*8)

a4done:
	VZEROUPPER
	RET

// func axpy4x2Z(d0, d1, x0, x1, x2, x3 *float64, n int, c *[8]float64)
TEXT ·axpy4x2Z(SB), NOSPLIT, $0-64
	MOVQ         d0+0(FP), DI
	MOVQ         d1+8(FP), SI
	MOVQ         x0+16(FP), R8
	MOVQ         x1+24(FP), R9
	MOVQ         x2+32(FP), R10
	MOVQ         x3+40(FP), R11
	MOVQ         n+48(FP), R12
	MOVQ         c+56(FP), AX
	VBROADCASTSD 0(AX), Z0
	VBROADCASTSD 8(AX), Z1
	VBROADCASTSD 16(AX), Z2
	VBROADCASTSD 24(AX), Z3
	VBROADCASTSD 32(AX), Z4
	VBROADCASTSD 40(AX), Z5
	VBROADCASTSD 48(AX), Z6
	VBROADCASTSD 56(AX), Z7
	XORQ         BX, BX
	MOVQ         R12, DX
	ANDQ         $-8, DX

x2loop:
	CMPQ        BX, DX
	JGE         x2tail
	VMOVUPD     (DI)(BX*8), Z8
	VMOVUPD     (SI)(BX*8), Z9
	VMOVUPD     (R8)(BX*8), Z10
	VFMADD231PD Z10, Z0, Z8
	VFMADD231PD Z10, Z4, Z9
	VMOVUPD     (R9)(BX*8), Z11
	VFMADD231PD Z11, Z1, Z8
	VFMADD231PD Z11, Z5, Z9
	VMOVUPD     (R10)(BX*8), Z10
	VFMADD231PD Z10, Z2, Z8
	VFMADD231PD Z10, Z6, Z9
	VMOVUPD     (R11)(BX*8), Z11
	VFMADD231PD Z11, Z3, Z8
	VFMADD231PD Z11, Z7, Z9
	VMOVUPD     Z8, (DI)(BX*8)
	VMOVUPD     Z9, (SI)(BX*8)
	ADDQ        $8, BX
	JMP         x2loop

x2tail:
	CMPQ        BX, R12
	JGE         x2done
	TAILMASK(R12)
	VMOVUPD.Z   (DI)(BX*8), K1, Z8
	VMOVUPD.Z   (SI)(BX*8), K1, Z9
	VMOVUPD.Z   (R8)(BX*8), K1, Z10
	VFMADD231PD Z10, Z0, Z8
	VFMADD231PD Z10, Z4, Z9
	VMOVUPD.Z   (R9)(BX*8), K1, Z11
	VFMADD231PD Z11, Z1, Z8
	VFMADD231PD Z11, Z5, Z9
	VMOVUPD.Z   (R10)(BX*8), K1, Z10
	VFMADD231PD Z10, Z2, Z8
	VFMADD231PD Z10, Z6, Z9
	VMOVUPD.Z   (R11)(BX*8), K1, Z11
	VFMADD231PD Z11, Z3, Z8
	VFMADD231PD Z11, Z7, Z9
	VMOVUPD     Z8, K1, (DI)(BX*8)
	VMOVUPD     Z9, K1, (SI)(BX*8)

x2done:
	VZEROUPPER
	RET

// func axpy1Z(dst, x *float64, n int, t float64)
//
// dst[j] = fma(t, x[j], dst[j]) for j < n.
TEXT ·axpy1Z(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), R8
	MOVQ         n+16(FP), R12
	VBROADCASTSD t+24(FP), Z0
	XORQ         BX, BX
	MOVQ         R12, DX
	ANDQ         $-8, DX

a1loop:
	CMPQ        BX, DX
	JGE         a1tail
	VMOVUPD     (DI)(BX*8), Z4
	VFMADD231PD (R8)(BX*8), Z0, Z4
	VMOVUPD     Z4, (DI)(BX*8)
	ADDQ        $8, BX
	JMP         a1loop

a1tail:
	CMPQ        BX, R12
	JGE         a1done
	TAILMASK(R12)
	VMOVUPD.Z   (DI)(BX*8), K1, Z4
	VMOVUPD.Z   (R8)(BX*8), K1, Z5
	VFMADD231PD Z5, Z0, Z4
	VMOVUPD     Z4, K1, (DI)(BX*8)

a1done:
	VZEROUPPER
	RET

// func gemm4x16Z(dst, a, b *float64, n, kn int, m0, m1 uint64)
//
// A 4×16 block of dst = a·b for row-major matrices with row stride n:
// dst[r][j] = Σ_k a[r][k]·b[k][j] for r < 4 and the columns j < 16 enabled
// by the masks (m0 the first eight, m1 the next eight), summed from 0 in
// order of k < kn with fused multiply-adds — the order of mulSquare's Go
// path. dst and b point at the block's first column, a at the first row.
TEXT ·gemm4x16Z(SB), NOSPLIT, $0-56
	MOVQ   dst+0(FP), DI
	MOVQ   a+8(FP), SI
	MOVQ   b+16(FP), DX
	MOVQ   n+24(FP), R9
	SHLQ   $3, R9
	MOVQ   kn+32(FP), CX
	MOVQ   m0+40(FP), AX
	KMOVW  AX, K1
	MOVQ   m1+48(FP), AX
	KMOVW  AX, K2
	LEAQ   (SI)(R9*1), R10
	LEAQ   (R10)(R9*1), R11
	LEAQ   (R11)(R9*1), R12
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15
	XORQ   AX, AX

gloop:
	CMPQ         AX, CX
	JGE          gstore
	VMOVUPD.Z    (DX), K1, Z0
	VMOVUPD.Z    64(DX), K2, Z1
	VBROADCASTSD (SI)(AX*8), Z2
	VBROADCASTSD (R10)(AX*8), Z3
	VBROADCASTSD (R11)(AX*8), Z4
	VBROADCASTSD (R12)(AX*8), Z5
	VFMADD231PD  Z0, Z2, Z8
	VFMADD231PD  Z1, Z2, Z9
	VFMADD231PD  Z0, Z3, Z10
	VFMADD231PD  Z1, Z3, Z11
	VFMADD231PD  Z0, Z4, Z12
	VFMADD231PD  Z1, Z4, Z13
	VFMADD231PD  Z0, Z5, Z14
	VFMADD231PD  Z1, Z5, Z15
	ADDQ         R9, DX
	INCQ         AX
	JMP          gloop

gstore:
	VMOVUPD Z8, K1, (DI)
	VMOVUPD Z9, K2, 64(DI)
	ADDQ    R9, DI
	VMOVUPD Z10, K1, (DI)
	VMOVUPD Z11, K2, 64(DI)
	ADDQ    R9, DI
	VMOVUPD Z12, K1, (DI)
	VMOVUPD Z13, K2, 64(DI)
	ADDQ    R9, DI
	VMOVUPD Z14, K1, (DI)
	VMOVUPD Z15, K2, 64(DI)
	VZEROUPPER
	RET

// func adamZ(grad, am, av, w, step *float64, n int, c *[8]float64)
//
// adamAVX on all n entries, eight at a time with a masked last block.
TEXT ·adamZ(SB), NOSPLIT, $0-56
	MOVQ         grad+0(FP), SI
	MOVQ         am+8(FP), R8
	MOVQ         av+16(FP), R9
	MOVQ         w+24(FP), R10
	MOVQ         step+32(FP), R11
	MOVQ         n+40(FP), R12
	MOVQ         c+48(FP), AX
	VBROADCASTSD 0(AX), Z8
	VBROADCASTSD 8(AX), Z9
	VBROADCASTSD 16(AX), Z10
	VBROADCASTSD 24(AX), Z11
	VBROADCASTSD 32(AX), Z12
	VBROADCASTSD 40(AX), Z13
	VBROADCASTSD 48(AX), Z14
	VBROADCASTSD 56(AX), Z7
	XORQ         BX, BX
	MOVQ         R12, DX
	ANDQ         $-8, DX

zloop:
	CMPQ    BX, DX
	JGE     ztail
	VMOVUPD (SI)(BX*8), Z0
	VMULPD  (R8)(BX*8), Z8, Z1
	VMULPD  Z0, Z9, Z3
	VADDPD  Z3, Z1, Z1
	VMOVUPD Z1, (R8)(BX*8)
	VMULPD  Z0, Z0, Z3
	VMULPD  Z3, Z11, Z3
	VMULPD  (R9)(BX*8), Z10, Z2
	VADDPD  Z3, Z2, Z2
	VMOVUPD Z2, (R9)(BX*8)
	VMULPD  Z13, Z2, Z2
	VSQRTPD Z2, Z2
	VADDPD  Z7, Z2, Z2
	VMULPD  Z12, Z1, Z1
	VDIVPD  Z2, Z1, Z1
	VMOVUPD Z1, (R11)(BX*8)
	VMULPD  Z1, Z14, Z1
	VMOVUPD (R10)(BX*8), Z3
	VSUBPD  Z1, Z3, Z3
	VMOVUPD Z3, (R10)(BX*8)
	ADDQ    $8, BX
	JMP     zloop

ztail:
	CMPQ      BX, R12
	JGE       zdone
	TAILMASK(R12)
	VMOVUPD.Z (SI)(BX*8), K1, Z0
	VMOVUPD.Z (R8)(BX*8), K1, Z4
	VMULPD    Z4, Z8, Z1
	VMULPD    Z0, Z9, Z3
	VADDPD    Z3, Z1, Z1
	VMOVUPD   Z1, K1, (R8)(BX*8)
	VMULPD    Z0, Z0, Z3
	VMULPD    Z3, Z11, Z3
	VMOVUPD.Z (R9)(BX*8), K1, Z4
	VMULPD    Z4, Z10, Z2
	VADDPD    Z3, Z2, Z2
	VMOVUPD   Z2, K1, (R9)(BX*8)
	VMULPD    Z13, Z2, Z2
	VSQRTPD   Z2, Z2
	VADDPD    Z7, Z2, Z2
	VMULPD    Z12, Z1, Z1
	VDIVPD    Z2, Z1, Z1
	VMOVUPD   Z1, K1, (R11)(BX*8)
	VMULPD    Z1, Z14, Z1
	VMOVUPD.Z (R10)(BX*8), K1, Z3
	VSUBPD    Z1, Z3, Z3
	VMOVUPD   Z3, K1, (R10)(BX*8)

zdone:
	VZEROUPPER
	RET

// func gemmSub4x16Z(dst, a, b *float64, n, kn int, m0, m1 uint64)
//
// dst[r][j] −= Σ_k a[r][k]·b[k][j] for r < 4 and the columns enabled by the
// masks, all strides n: each entry starts from its value in dst and takes
// the products one at a time in order of k < kn, fused (fnmadd: the bits of
// fma(−a, b, d)).
TEXT ·gemmSub4x16Z(SB), NOSPLIT, $0-56
	MOVQ      dst+0(FP), DI
	MOVQ      a+8(FP), SI
	MOVQ      b+16(FP), DX
	MOVQ      n+24(FP), R9
	SHLQ      $3, R9
	MOVQ      kn+32(FP), CX
	MOVQ      m0+40(FP), AX
	KMOVW     AX, K1
	MOVQ      m1+48(FP), AX
	KMOVW     AX, K2
	LEAQ      (SI)(R9*1), R10
	LEAQ      (R10)(R9*1), R11
	LEAQ      (R11)(R9*1), R12
	MOVQ      DI, R13
	VMOVUPD.Z (R13), K1, Z8
	VMOVUPD.Z 64(R13), K2, Z9
	ADDQ      R9, R13
	VMOVUPD.Z (R13), K1, Z10
	VMOVUPD.Z 64(R13), K2, Z11
	ADDQ      R9, R13
	VMOVUPD.Z (R13), K1, Z12
	VMOVUPD.Z 64(R13), K2, Z13
	ADDQ      R9, R13
	VMOVUPD.Z (R13), K1, Z14
	VMOVUPD.Z 64(R13), K2, Z15
	XORQ      AX, AX

sloop:
	CMPQ         AX, CX
	JGE          sstore
	VMOVUPD.Z    (DX), K1, Z0
	VMOVUPD.Z    64(DX), K2, Z1
	VBROADCASTSD (SI)(AX*8), Z2
	VBROADCASTSD (R10)(AX*8), Z3
	VBROADCASTSD (R11)(AX*8), Z4
	VBROADCASTSD (R12)(AX*8), Z5
	VFNMADD231PD Z0, Z2, Z8
	VFNMADD231PD Z1, Z2, Z9
	VFNMADD231PD Z0, Z3, Z10
	VFNMADD231PD Z1, Z3, Z11
	VFNMADD231PD Z0, Z4, Z12
	VFNMADD231PD Z1, Z4, Z13
	VFNMADD231PD Z0, Z5, Z14
	VFNMADD231PD Z1, Z5, Z15
	ADDQ         R9, DX
	INCQ         AX
	JMP          sloop

sstore:
	VMOVUPD Z8, K1, (DI)
	VMOVUPD Z9, K2, 64(DI)
	ADDQ    R9, DI
	VMOVUPD Z10, K1, (DI)
	VMOVUPD Z11, K2, 64(DI)
	ADDQ    R9, DI
	VMOVUPD Z12, K1, (DI)
	VMOVUPD Z13, K2, 64(DI)
	ADDQ    R9, DI
	VMOVUPD Z14, K1, (DI)
	VMOVUPD Z15, K2, 64(DI)
	VZEROUPPER
	RET

// func negSquareZ(dst, w *float64, n int)
//
// dst[i] = −(w[i]·w[i]) for i < n (the bits of Go's -v * v).
TEXT ·negSquareZ(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         w+8(FP), R8
	MOVQ         n+16(FP), R12
	MOVQ         $0x8000000000000000, AX
	VPBROADCASTQ AX, Z7
	XORQ         BX, BX
	MOVQ         R12, DX
	ANDQ         $-8, DX

nsloop:
	CMPQ    BX, DX
	JGE     nstail
	VMOVUPD (R8)(BX*8), Z0
	VMULPD  Z0, Z0, Z0
	VXORPD  Z7, Z0, Z0
	VMOVUPD Z0, (DI)(BX*8)
	ADDQ    $8, BX
	JMP     nsloop

nstail:
	CMPQ      BX, R12
	JGE       nsdone
	TAILMASK(R12)
	VMOVUPD.Z (R8)(BX*8), K1, Z0
	VMULPD    Z0, Z0, Z0
	VXORPD    Z7, Z0, Z0
	VMOVUPD   Z0, K1, (DI)(BX*8)

nsdone:
	VZEROUPPER
	RET

// func domainZ(a *float64, n int, lo float64) bool
//
// Reports whether a[i] + 1e−16 ≥ lo and a[i] is not NaN for every i < n
// (pathWork's entrywise test of the inverse, lo = −tol).
TEXT ·domainZ(SB), NOSPLIT, $0-25
	MOVQ         a+0(FP), SI
	MOVQ         n+8(FP), R12
	VBROADCASTSD lo+16(FP), Z6
	MOVQ         $0x3C9CD2B297D889BC, AX // 1e-16
	VPBROADCASTQ AX, Z7
	XORQ         BX, BX
	MOVQ         R12, DX
	ANDQ         $-8, DX

dmloop:
	CMPQ     BX, DX
	JGE      dmtail
	VMOVUPD  (SI)(BX*8), Z0
	VADDPD   Z7, Z0, Z1
	VCMPPD   $0x11, Z6, Z1, K2 // a + 1e-16 < lo (ordered)
	VCMPPD   $3, Z0, Z0, K3    // NaN
	KORW     K2, K3, K2
	KORTESTW K2, K2
	JNZ      dmbad
	ADDQ     $8, BX
	JMP      dmloop

dmtail:
	CMPQ      BX, R12
	JGE       dmgood
	TAILMASK(R12)
	VMOVUPD.Z (SI)(BX*8), K1, Z0
	VADDPD    Z7, Z0, Z1
	VCMPPD    $0x11, Z6, Z1, K1, K2
	VCMPPD    $3, Z0, Z0, K1, K3
	KORW      K2, K3, K2
	KORTESTW  K2, K2
	JNZ       dmbad

dmgood:
	MOVB $1, ret+24(FP)
	VZEROUPPER
	RET

dmbad:
	MOVB $0, ret+24(FP)
	VZEROUPPER
	RET

// func scaleZ(x *float64, n int, r float64)
//
// x[i] *= r for i < n.
TEXT ·scaleZ(SB), NOSPLIT, $0-24
	MOVQ         x+0(FP), DI
	MOVQ         n+8(FP), R12
	VBROADCASTSD r+16(FP), Z1
	XORQ         BX, BX
	MOVQ         R12, DX
	ANDQ         $-8, DX

scloop:
	CMPQ    BX, DX
	JGE     sctail
	VMULPD  (DI)(BX*8), Z1, Z0
	VMOVUPD Z0, (DI)(BX*8)
	ADDQ    $8, BX
	JMP     scloop

sctail:
	CMPQ      BX, R12
	JGE       scdone
	TAILMASK(R12)
	VMOVUPD.Z (DI)(BX*8), K1, Z0
	VMULPD    Z0, Z1, Z0
	VMOVUPD   Z0, K1, (DI)(BX*8)

scdone:
	VZEROUPPER
	RET

// func gradRowZ(gr, c, cw, w, sig *float64, n, mode int, mu, ml float64)
//
// The first two terms of pathWork.gradient on one row of n entries:
// g[j] = mu·(−(c[j] − cw[j])/σ_j) + ml·sign(w[j]) with σ_j = sig[0] (mode 1,
// CoLiDE-EV), sig[j] (mode 2, CoLiDE-NV), or no division (mode 0, DAGMA);
// sign(w) ∈ {−1, 0, 1} (0 for NaN). Unfused, in the Go expression's order.
TEXT ·gradRowZ(SB), NOSPLIT, $0-72
	MOVQ         gr+0(FP), DI
	MOVQ         c+8(FP), R8
	MOVQ         cw+16(FP), R9
	MOVQ         w+24(FP), R10
	MOVQ         sig+32(FP), R11
	MOVQ         n+40(FP), R12
	MOVQ         mode+48(FP), SI
	VBROADCASTSD mu+56(FP), Z10
	VBROADCASTSD ml+64(FP), Z11
	MOVQ         $0x8000000000000000, AX
	VPBROADCASTQ AX, Z12                    // sign bit
	MOVQ         $0x3FF0000000000000, AX
	VPBROADCASTQ AX, Z13                    // 1.0
	VXORPD       Z14, Z14, Z14              // 0.0
	VXORPD       Z13, Z12, Z15              // −1.0
	CMPQ         SI, $1
	JNE          grnoev
	VBROADCASTSD (R11), Z9                  // EV: σ in every lane

grnoev:
	XORQ BX, BX
	MOVQ R12, DX
	ANDQ $-8, DX
	KXNORW K1, K1, K1                       // all lanes

grloop:
	CMPQ BX, DX
	JGE  grtail
	CALL grblock<>(SB)
	ADDQ $8, BX
	JMP  grloop

grtail:
	CMPQ BX, R12
	JGE  grdone
	TAILMASK(R12)
	CALL grblock<>(SB)

grdone:
	VZEROUPPER
	RET

// grblock computes the lanes of K1 at index BX for gradRowZ.
TEXT grblock<>(SB), NOSPLIT|NOFRAME, $0-0
	VMOVUPD.Z (R8)(BX*8), K1, Z0
	VMOVUPD.Z (R9)(BX*8), K1, Z1
	VSUBPD    Z1, Z0, Z0                    // c − cw
	VXORPD    Z12, Z0, Z0                   // −(c − cw)
	CMPQ      SI, $1
	JEQ       grev
	CMPQ      SI, $2
	JEQ       grnv
	JMP       grmu

grev:
	VDIVPD Z9, Z0, Z0
	JMP    grmu

grnv:
	VMOVUPD.Z (R11)(BX*8), K1, Z1
	VDIVPD    Z1, Z0, Z0

grmu:
	VMULPD    Z0, Z10, Z0                   // mu·(…)
	VMOVUPD.Z (R10)(BX*8), K1, Z2           // w
	VCMPPD    $0x1E, Z14, Z2, K2            // w > 0 (ordered)
	VCMPPD    $0x11, Z14, Z2, K3            // w < 0 (ordered)
	VMOVAPD   Z14, Z3
	VMOVAPD   Z13, K2, Z3
	VMOVAPD   Z15, K3, Z3                   // sign(w)
	VMULPD    Z3, Z11, Z3                   // ml·sign(w)
	VADDPD    Z3, Z0, Z0
	VMOVUPD   Z0, K1, (DI)(BX*8)
	RET

// func mulAddZ(dst, x, y *float64, n int)
//
// dst[i] += x[i]·y[i] for i < n (a product, then a sum: Go's dst[i] += x*y).
TEXT ·mulAddZ(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), R8
	MOVQ y+16(FP), R9
	MOVQ n+24(FP), R12
	XORQ BX, BX
	MOVQ R12, DX
	ANDQ $-8, DX

maloop:
	CMPQ    BX, DX
	JGE     matail
	VMOVUPD (R8)(BX*8), Z0
	VMULPD  (R9)(BX*8), Z0, Z0
	VADDPD  (DI)(BX*8), Z0, Z0
	VMOVUPD Z0, (DI)(BX*8)
	ADDQ    $8, BX
	JMP     maloop

matail:
	CMPQ      BX, R12
	JGE       madone
	TAILMASK(R12)
	VMOVUPD.Z (R8)(BX*8), K1, Z0
	VMOVUPD.Z (R9)(BX*8), K1, Z1
	VMULPD    Z1, Z0, Z0
	VMOVUPD.Z (DI)(BX*8), K1, Z1
	VADDPD    Z1, Z0, Z0
	VMOVUPD   Z0, K1, (DI)(BX*8)

madone:
	VZEROUPPER
	RET

// func acycRowZ(gr, w, inv *float64, n int, idx *[8]int64, step int)
//
// gr[j] += (2·w[j])·inv[j·s] for j < n, where idx holds the byte offsets
// 0, 8s, …, 56s of eight consecutive entries of a column of inv and step =
// 64s: the gradient's acyclicity term with inv read transposed by gathers.
TEXT ·acycRowZ(SB), NOSPLIT, $0-48
	MOVQ    gr+0(FP), DI
	MOVQ    w+8(FP), R8
	MOVQ    inv+16(FP), R10
	MOVQ    n+24(FP), R12
	MOVQ    idx+32(FP), AX
	VMOVDQU64 (AX), Z7
	MOVQ    step+40(FP), R11
	XORQ    BX, BX
	MOVQ    R12, DX
	ANDQ    $-8, DX

acloop:
	CMPQ       BX, DX
	JGE        actail
	KXNORW     K2, K2, K2
	VXORPD     Z3, Z3, Z3
	VGATHERQPD (R10)(Z7*1), K2, Z3
	VMOVUPD    (R8)(BX*8), Z0
	VADDPD     Z0, Z0, Z0
	VMULPD     Z3, Z0, Z0
	VADDPD     (DI)(BX*8), Z0, Z0
	VMOVUPD    Z0, (DI)(BX*8)
	ADDQ       R11, R10
	ADDQ       $8, BX
	JMP        acloop

actail:
	CMPQ       BX, R12
	JGE        acdone
	TAILMASK(R12)
	KMOVW      K1, K2
	VXORPD     Z3, Z3, Z3
	VGATHERQPD (R10)(Z7*1), K2, Z3
	VMOVUPD.Z  (R8)(BX*8), K1, Z0
	VADDPD     Z0, Z0, Z0
	VMULPD     Z3, Z0, Z0
	VMOVUPD.Z  (DI)(BX*8), K1, Z1
	VADDPD     Z1, Z0, Z0
	VMOVUPD    Z0, K1, (DI)(BX*8)

acdone:
	VZEROUPPER
	RET

// gemm4x8Z is gemm4x16Z on one block of eight columns (mask m0).
TEXT ·gemm4x8Z(SB), NOSPLIT, $0-48
	MOVQ   dst+0(FP), DI
	MOVQ   a+8(FP), SI
	MOVQ   b+16(FP), DX
	MOVQ   n+24(FP), R9
	SHLQ   $3, R9
	MOVQ   kn+32(FP), CX
	MOVQ   m0+40(FP), AX
	KMOVW  AX, K1
	LEAQ   (SI)(R9*1), R10
	LEAQ   (R10)(R9*1), R11
	LEAQ   (R11)(R9*1), R12
	VPXORQ Z8, Z8, Z8
	VPXORQ Z10, Z10, Z10
	VPXORQ Z12, Z12, Z12
	VPXORQ Z14, Z14, Z14
	XORQ   AX, AX

gloop8:
	CMPQ         AX, CX
	JGE          gstore8
	VMOVUPD.Z    (DX), K1, Z0
	VBROADCASTSD (SI)(AX*8), Z2
	VBROADCASTSD (R10)(AX*8), Z3
	VBROADCASTSD (R11)(AX*8), Z4
	VBROADCASTSD (R12)(AX*8), Z5
	VFMADD231PD  Z0, Z2, Z8
	VFMADD231PD  Z0, Z3, Z10
	VFMADD231PD  Z0, Z4, Z12
	VFMADD231PD  Z0, Z5, Z14
	ADDQ         R9, DX
	INCQ         AX
	JMP          gloop8

gstore8:
	VMOVUPD Z8, K1, (DI)
	ADDQ    R9, DI
	VMOVUPD Z10, K1, (DI)
	ADDQ    R9, DI
	VMOVUPD Z12, K1, (DI)
	ADDQ    R9, DI
	VMOVUPD Z14, K1, (DI)
	VZEROUPPER
	RET

// gemmSub4x8Z is gemmSub4x16Z on one block of eight columns (mask m0).
TEXT ·gemmSub4x8Z(SB), NOSPLIT, $0-48
	MOVQ      dst+0(FP), DI
	MOVQ      a+8(FP), SI
	MOVQ      b+16(FP), DX
	MOVQ      n+24(FP), R9
	SHLQ      $3, R9
	MOVQ      kn+32(FP), CX
	MOVQ      m0+40(FP), AX
	KMOVW     AX, K1
	LEAQ      (SI)(R9*1), R10
	LEAQ      (R10)(R9*1), R11
	LEAQ      (R11)(R9*1), R12
	MOVQ      DI, R13
	VMOVUPD.Z (R13), K1, Z8
	ADDQ      R9, R13
	VMOVUPD.Z (R13), K1, Z10
	ADDQ      R9, R13
	VMOVUPD.Z (R13), K1, Z12
	ADDQ      R9, R13
	VMOVUPD.Z (R13), K1, Z14
	XORQ      AX, AX

sloop8:
	CMPQ         AX, CX
	JGE          sstore8
	VMOVUPD.Z    (DX), K1, Z0
	VBROADCASTSD (SI)(AX*8), Z2
	VBROADCASTSD (R10)(AX*8), Z3
	VBROADCASTSD (R11)(AX*8), Z4
	VBROADCASTSD (R12)(AX*8), Z5
	VFNMADD231PD Z0, Z2, Z8
	VFNMADD231PD Z0, Z3, Z10
	VFNMADD231PD Z0, Z4, Z12
	VFNMADD231PD Z0, Z5, Z14
	ADDQ         R9, DX
	INCQ         AX
	JMP          sloop8

sstore8:
	VMOVUPD Z8, K1, (DI)
	ADDQ    R9, DI
	VMOVUPD Z10, K1, (DI)
	ADDQ    R9, DI
	VMOVUPD Z12, K1, (DI)
	ADDQ    R9, DI
	VMOVUPD Z14, K1, (DI)
	VZEROUPPER
	RET
