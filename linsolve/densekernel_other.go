//go:build !amd64 || purego

package linsolve

const (
	haveFMA    = false
	haveAVX512 = false
)

func dot4x2(a []float64, lda int, b []float64, ldb int, k int, out *[32]float64) bool {
	return false
}

func kern6x8A(k int, a []float64, lda int, b, c []float64, ldc int, store bool) {
	kern6xNAGo(8, k, a, lda, b, c, ldc, store)
}

func kern6x16A(k int, a []float64, lda int, b, c []float64, ldc int, store bool) {
	kern6xNAGo(16, k, a, lda, b, c, ldc, store)
}
