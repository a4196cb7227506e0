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

const haveAVX512 = false

func axpy4Z(dst, x0, x1, x2, x3 *float64, n int, t0, t1, t2, t3 float64) {
	panic("dag: axpy4Z without AVX-512")
}

func axpy4x2Z(d0, d1, x0, x1, x2, x3 *float64, n int, c *[8]float64) {
	panic("dag: axpy4x2Z without AVX-512")
}

func axpy1Z(dst, x *float64, n int, t float64) { panic("dag: axpy1Z without AVX-512") }

func gemm4x16Z(dst, a, b *float64, n, kn int, m0, m1 uint64) {
	panic("dag: gemm4x16Z without AVX-512")
}

func adamZ(grad, am, av, w, step *float64, n int, c *[8]float64) {
	panic("dag: adamZ without AVX-512")
}

func gemmSub4x16Z(dst, a, b *float64, n, kn int, m0, m1 uint64) {
	panic("dag: gemmSub4x16Z without AVX-512")
}

func negSquareZ(dst, w *float64, n int) { panic("dag: negSquareZ without AVX-512") }

func domainZ(a *float64, n int, lo float64) bool { panic("dag: domainZ without AVX-512") }

func scaleZ(x *float64, n int, r float64) { panic("dag: scaleZ without AVX-512") }

func gradRowZ(gr, c, cw, w, sig *float64, n, mode int, mu, ml float64) {
	panic("dag: gradRowZ without AVX-512")
}

func mulAddZ(dst, x, y *float64, n int) { panic("dag: mulAddZ without AVX-512") }

func acycRowZ(gr, w, inv *float64, n int, idx *[8]int64, step int) {
	panic("dag: acycRowZ without AVX-512")
}

func gemm4x8Z(dst, a, b *float64, n, kn int, m0 uint64) { panic("dag: gemm4x8Z without AVX-512") }

func gemmSub4x8Z(dst, a, b *float64, n, kn int, m0 uint64) {
	panic("dag: gemmSub4x8Z without AVX-512")
}
