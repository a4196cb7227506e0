//go:build amd64 && !purego

package linsolve

//go:noescape
func dot4x2FMA(a *float64, lda int, b *float64, ldb int, k4 int, out *[32]float64)

func cpuidLS(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbvLS() (eax, edx uint32)

// haveFMA reports AVX and FMA3 with the OS saving the YMM state
// (CPUID.1:ECX bits 12, 27, 28; XCR0 bits 1 and 2).
var haveFMA = func() bool {
	if max, _, _, _ := cpuidLS(0, 0); max < 1 {
		return false
	}
	_, _, ecx, _ := cpuidLS(1, 0)
	if ecx&(1<<27) == 0 || ecx&(1<<28) == 0 || ecx&(1<<12) == 0 {
		return false
	}
	xcr0, _ := xgetbvLS()
	return xcr0&6 == 6
}()

// haveAVX512 reports AVX-512F with the OS saving the opmask and ZMM state
// (CPUID.(7,0):EBX bit 16; XCR0 bits 1, 2, 5, 6, 7).
var haveAVX512 = func() bool {
	if !haveFMA {
		return false
	}
	if max, _, _, _ := cpuidLS(0, 0); max < 7 {
		return false
	}
	_, ebx, _, _ := cpuidLS(7, 0)
	if ebx&(1<<16) == 0 {
		return false
	}
	xcr0, _ := xgetbvLS()
	return xcr0&0xe6 == 0xe6
}()

func dot4x2(a []float64, lda int, b []float64, ldb int, k int, out *[32]float64) bool {
	if !haveFMA || k < 8 {
		return false
	}
	// bounds: the kernel reads rows 0..3 of a and 0..1 of b, columns 0..k4·4-1
	k4 := k / 4
	_ = a[3*lda+4*k4-1]
	_ = b[ldb+4*k4-1]
	dot4x2FMA(&a[0], lda, &b[0], ldb, k4, out)
	return true
}

//go:noescape
func kern6x8AFMA(k int, a *float64, lda int, b *float64, c *float64, ldc int, store int)

// kern6x8A adds A·bᵀ to the 6×8 tile c (stride ldc), or stores it there
// when store is set, for six rows of A read in place (stride lda) and the
// packed panel b (8×k).
func kern6x8A(k int, a []float64, lda int, b, c []float64, ldc int, store bool) {
	if !haveFMA || k == 0 {
		kern6xNAGo(8, k, a, lda, b, c, ldc, store)
		return
	}
	_ = a[5*lda+k-1]
	_ = b[8*k-1]
	_ = c[5*ldc+7]
	st := 0
	if store {
		st = 1
	}
	kern6x8AFMA(k, &a[0], lda, &b[0], &c[0], ldc, st)
}

//go:noescape
func kern6x16AVX512(k int, a *float64, lda int, b *float64, c *float64, ldc int, store int)

// kern6x16A is kern6x8A for a 6×16 tile and a 16-row packed panel b
// (AVX-512).
func kern6x16A(k int, a []float64, lda int, b, c []float64, ldc int, store bool) {
	if !haveAVX512 || k == 0 {
		kern6xNAGo(16, k, a, lda, b, c, ldc, store)
		return
	}
	_ = a[5*lda+k-1]
	_ = b[16*k-1]
	_ = c[5*ldc+15]
	st := 0
	if store {
		st = 1
	}
	kern6x16AVX512(k, &a[0], lda, &b[0], &c[0], ldc, st)
}
