//go:build amd64 && !purego

package dag

// axpy4FMA is axpy4Go on n entries with 256-bit fused multiply-adds
// (kernels_amd64.s); the roundings are those of the Go loop.
//
//go:noescape
func axpy4FMA(dst, x0, x1, x2, x3 *float64, n int, t0, t1, t2, t3 float64)

// axpy4x2FMA is axpy4x2Go on n entries with 256-bit fused multiply-adds.
//
//go:noescape
func axpy4x2FMA(d0, d1, x0, x1, x2, x3 *float64, n int, c *[8]float64)

// adamAVX is the Adam update of pathWork.adam on the first n&^3 entries
// (kernels_amd64.s), with the roundings of the Go loop.
//
//go:noescape
func adamAVX(grad, am, av, w, step *float64, n int, c *[8]float64)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax, edx uint32)

// haveAVX reports that the CPU has AVX and the OS saves the YMM registers
// (CPUID.1:ECX bits 27 and 28, XCR0 bits 1 and 2); haveFMA that it also has
// FMA3 (CPUID.1:ECX bit 12).
var haveAVX, haveFMA = func() (avx, fma bool) {
	if max, _, _, _ := cpuid(0, 0); max < 1 {
		return false, false
	}
	_, _, ecx, _ := cpuid(1, 0)
	if ecx&(1<<27) == 0 || ecx&(1<<28) == 0 {
		return false, false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false, false
	}
	return true, ecx&(1<<12) != 0
}()

// The AVX-512 kernels (kernels512_amd64.s): the same operations in the same
// order as the AVX2 kernels and the Go loops, on any n ≥ 1.

//go:noescape
func axpy4Z(dst, x0, x1, x2, x3 *float64, n int, t0, t1, t2, t3 float64)

//go:noescape
func axpy4x2Z(d0, d1, x0, x1, x2, x3 *float64, n int, c *[8]float64)

//go:noescape
func axpy1Z(dst, x *float64, n int, t float64)

//go:noescape
func gemm4x16Z(dst, a, b *float64, n, kn int, m0, m1 uint64)

//go:noescape
func adamZ(grad, am, av, w, step *float64, n int, c *[8]float64)

// haveAVX512 reports AVX-512F with the OS saving the opmask and ZMM state
// (CPUID.7.0:EBX bit 16; XCR0 bits 1, 2, 5, 6, 7).
var haveAVX512 = func() bool {
	if !haveFMA {
		return false
	}
	if max, _, _, _ := cpuid(0, 0); max < 7 {
		return false
	}
	_, ebx, _, _ := cpuid(7, 0)
	if ebx&(1<<16) == 0 {
		return false
	}
	xcr0, _ := xgetbv()
	return xcr0&0xe6 == 0xe6
}()

//go:noescape
func gemmSub4x16Z(dst, a, b *float64, n, kn int, m0, m1 uint64)

//go:noescape
func negSquareZ(dst, w *float64, n int)

//go:noescape
func domainZ(a *float64, n int, lo float64) bool

//go:noescape
func scaleZ(x *float64, n int, r float64)

//go:noescape
func gradRowZ(gr, c, cw, w, sig *float64, n, mode int, mu, ml float64)

//go:noescape
func mulAddZ(dst, x, y *float64, n int)

//go:noescape
func acycRowZ(gr, w, inv *float64, n int, idx *[8]int64, step int)

//go:noescape
func gemm4x8Z(dst, a, b *float64, n, kn int, m0 uint64)

//go:noescape
func gemmSub4x8Z(dst, a, b *float64, n, kn int, m0 uint64)
