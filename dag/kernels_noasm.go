//go:build !amd64 || purego

package dag

const haveAVX, haveFMA = false, false

func axpy4FMA(dst, x0, x1, x2, x3 *float64, n int, t0, t1, t2, t3 float64) {
	panic("dag: axpy4FMA without FMA")
}

func axpy4x2FMA(d0, d1, x0, x1, x2, x3 *float64, n int, c *[8]float64) {
	panic("dag: axpy4x2FMA without FMA")
}

func adamAVX(grad, am, av, w, step *float64, n int, c *[8]float64) {
	panic("dag: adamAVX without AVX")
}
