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
