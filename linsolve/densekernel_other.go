//go:build !amd64 || purego

package linsolve

const haveFMA = false

func dot4x2(a []float64, lda int, b []float64, ldb int, k int, out *[32]float64) bool {
	return false
}
