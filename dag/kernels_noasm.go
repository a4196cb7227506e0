//go:build !amd64 || purego

package dag

const haveAVX = false

func axpy4AVX(dst, x0, x1, x2, x3 *float64, n int, t0, t1, t2, t3 float64) {
	panic("dag: axpy4AVX without AVX")
}

func adamAVX(grad, am, av, w, step *float64, n int, c *[8]float64) {
	panic("dag: adamAVX without AVX")
}
