package dag

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

func randSquare(rng *rand.Rand, n int) []float64 {
	a := make([]float64, n*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	return a
}

func general(a []float64, n int) blas64.General {
	return blas64.General{Rows: n, Cols: n, Stride: n, Data: a}
}

// mulSquare agrees with gonum's Dgemm to rounding: every entry within
// 4n·ε·Σ_k |a_ik·b_kj| (the fused and the unfused sums in the same order).
func TestMulSquareMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 0))
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 13, 20, 33, 64, 65, 101} {
		a, b := randSquare(rng, n), randSquare(rng, n)
		got, want := make([]float64, n*n), make([]float64, n*n)
		for i := range got {
			got[i] = math.NaN() // dst is overwritten, not accumulated into
		}
		mulSquare(got, a, b, n)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(a, n), general(b, n), 0, general(want, n))
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				bound := 0.0
				for k := 0; k < n; k++ {
					bound += math.Abs(a[i*n+k] * b[k*n+j])
				}
				bound *= 4 * float64(n) * 0x1p-52
				if e := math.Abs(got[i*n+j] - want[i*n+j]); e > bound || math.IsNaN(got[i*n+j]) {
					t.Fatalf("n=%d: entry (%d,%d) = %.17g, gonum %.17g", n, i, j, got[i*n+j], want[i*n+j])
				}
			}
		}
	}
}

// luFactor has dgetf2's pivots and factors to rounding; luInverse agrees with
// getrf + getri to 1e−12 relative on general matrices (pivoting on every
// column) and on M-matrices, where the domain test must pass; a matrix with
// a negative entry in its inverse must fail it, and an exactly singular one.
func TestLUInverseMatchesLAPACK(t *testing.T) {
	rng := rand.New(rand.NewPCG(32, 0))
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 31, 64, 65, 100} {
		for _, kind := range []string{"general", "m-matrix"} {
			a := randSquare(rng, n)
			if kind == "m-matrix" {
				for i := range a {
					a[i] = -math.Abs(a[i]) / float64(n)
				}
				for i := 0; i < n; i++ {
					a[i*n+i] = 1.5
				}
			}
			lu, ref := append([]float64(nil), a...), append([]float64(nil), a...)
			ipiv, ipivRef := make([]int, n), make([]int, n)
			if !luFactor(lu, n, ipiv) || !lapack64.Getrf(general(ref, n), ipivRef) {
				t.Fatalf("%s n=%d: singular", kind, n)
			}
			for k := range ipiv {
				if ipiv[k] != ipivRef[k] {
					t.Fatalf("%s n=%d: pivot %d = %d, dgetrf %d", kind, n, k, ipiv[k], ipivRef[k])
				}
			}
			if e := relMaxDiff(lu, ref); e > 1e-13 {
				t.Errorf("%s n=%d: LU factors differ by %.3g", kind, n, e)
			}
			inv := append([]float64(nil), a...)
			_, ok := luInverse(inv, n, ipiv, make([]float64, n*n), make([]float64, 4*n), 0)
			if kind == "m-matrix" && !ok {
				t.Errorf("n=%d: M-matrix rejected", n)
			}
			if !lapack64.Getri(general(ref, n), ipivRef, make([]float64, 64*n), 64*n) {
				t.Fatalf("%s n=%d: getri failed", kind, n)
			}
			if e := relMaxDiff(inv, ref); e > 1e-12 {
				t.Errorf("%s n=%d: inverse differs from getri by %.3g", kind, n, e)
			}
		}
	}
	// [[1, −2], [−2, 1]]^{−1} = −⅓[[1, 2], [2, 1]]: outside the domain.
	if _, ok := luInverse([]float64{1, -2, -2, 1}, 2, make([]int, 2), make([]float64, 4), make([]float64, 8), 1e-6); ok {
		t.Error("matrix with a negative inverse accepted")
	}
	if _, ok := luInverse([]float64{1, 1, 1, 1}, 2, make([]int, 2), make([]float64, 4), make([]float64, 8), 1e-6); ok {
		t.Error("singular matrix accepted")
	}
}

// BenchmarkKernels compares the hand-written kernels with the gonum calls
// they replace, side by side: C·W (Dgemm) and the inverse (getrf + getri).
func BenchmarkKernels(b *testing.B) {
	for _, n := range []int{20, 50, 100} {
		rng := rand.New(rand.NewPCG(33, 0))
		a, c := randSquare(rng, n), randSquare(rng, n)
		for i := range a {
			a[i] = -math.Abs(a[i]) / float64(n)
		}
		for i := 0; i < n; i++ {
			a[i*n+i] = 1.5
		}
		dst, work, ipiv, y := make([]float64, n*n), make([]float64, 64*n), make([]int, n), make([]float64, n*n)
		b.Run(fmt.Sprintf("mul/gonum/d=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(c, n), general(a, n), 0, general(dst, n))
			}
		})
		b.Run(fmt.Sprintf("mul/kkt/d=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				mulSquare(dst, c, a, n)
			}
		})
		b.Run(fmt.Sprintf("inv/gonum/d=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				copy(dst, a)
				lapack64.Getrf(general(dst, n), ipiv)
				lapack64.Getri(general(dst, n), ipiv, work, len(work))
			}
		})
		b.Run(fmt.Sprintf("inv/kkt/d=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				copy(dst, a)
				luInverse(dst, n, ipiv, y, work, 0)
			}
		})
	}
}

// The Adam update gives bit-for-bit the results of its Go loop on every
// path (the row kernels: TestVectorKernelPathsMatchGo).
func TestAVXKernelsMatchGo(t *testing.T) {
	if !haveFMA {
		t.Skip("no AVX+FMA on this machine (or purego build): the Go loops are the only path")
	}
	rng := rand.New(rand.NewPCG(34, 0))
	// adam: the dispatched path (AVX-512 on all entries, or AVX on the
	// first n&^3), and the AVX kernel called directly, against a pure-Go
	// copy of the loop.
	for _, n := range []int{1, 4, 9, 400} {
		for _, direct := range []bool{false, true} {
			ws := &pathWork{g: make([]float64, n), am: make([]float64, n), av: make([]float64, n), w: make([]float64, n), step: make([]float64, n)}
			for i := 0; i < n; i++ {
				ws.g[i], ws.am[i], ws.av[i], ws.w[i] = rng.NormFloat64(), rng.NormFloat64(), math.Abs(rng.NormFloat64()), rng.NormFloat64()
			}
			am, av, w := append([]float64(nil), ws.am...), append([]float64(nil), ws.av...), append([]float64(nil), ws.w...)
			// variables, not constants: 1−β must round as it does at run time
			b1, b2, lr, iter := 0.99, 0.999, 3e-4, 7
			r1, r2 := 1/(1-math.Pow(b1, float64(iter))), 1/(1-math.Pow(b2, float64(iter)))
			m := n
			if direct {
				m = n &^ 3
				if m == 0 {
					continue
				}
				c := [8]float64{b1, 1 - b1, b2, 1 - b2, r1, r2, lr, 1e-8}
				adamAVX(&ws.g[0], &ws.am[0], &ws.av[0], &ws.w[0], &ws.step[0], n, &c)
			} else {
				ws.adam(iter, b1, b2, lr)
			}
			for i, g := range ws.g[:m] {
				mv := float64(am[i]*b1) + float64((1-b1)*g)
				vv := float64(av[i]*b2) + float64((1-b2)*(g*g))
				st := float64(mv*r1) / (math.Sqrt(float64(vv*r2)) + 1e-8)
				w[i] -= float64(lr * st)
				if ws.am[i] != mv || ws.av[i] != vv || ws.step[i] != st || ws.w[i] != w[i] {
					t.Fatalf("adam n=%d direct=%v: entry %d differs from the Go loop", n, direct, i)
				}
			}
		}
	}
}

// mulSquare is, bit for bit, the fused sum in order of k from zero on every
// path (AVX-512 4×16 blocks with masked edges, the row-pair kernels, Go).
func TestMulSquareFusedOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 0))
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 33, 50, 63, 100} {
		a, b := randSquare(rng, n), randSquare(rng, n)
		got := make([]float64, n*n)
		for i := range got {
			got[i] = math.NaN()
		}
		mulSquare(got, a, b, n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				s := 0.0
				for k := 0; k < n; k++ {
					s = math.FMA(a[i*n+k], b[k*n+j], s)
				}
				if got[i*n+j] != s {
					t.Fatalf("n=%d (avx512=%v): entry (%d,%d) = %.17g, fused sum %.17g", n, haveAVX512, i, j, got[i*n+j], s)
				}
			}
		}
	}
}

// Every path of the row kernels — the dispatching functions, AVX-512 with
// masked tails, AVX2 with scalar tails — gives the bits of the Go loops, on
// every length 0..41 with unaligned starts; axpy4 equals the first row of
// axpy4x2 with the same coefficients.
func TestVectorKernelPathsMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(36, 0))
	for n := 0; n <= 41; n++ {
		off := n % 3
		x := [4][]float64{}
		for q := range x {
			x[q] = randSquare(rng, 7)[off : off+n]
		}
		var c [8]float64
		for q := range c {
			c[q] = rng.NormFloat64()
		}
		d0, d1 := randSquare(rng, 7)[off:off+n], randSquare(rng, 7)[off:off+n]
		type impl struct {
			name string
			ok   bool
			x2   func(d0, d1 []float64)
			x1   func(d []float64)
			a1   func(d []float64)
		}
		impls := []impl{
			{"go", true,
				func(p, q []float64) { axpy4x2Go(p, q, x[0], x[1], x[2], x[3], &c) },
				func(p []float64) { axpy4Go(p, x[0], x[1], x[2], x[3], c[0], c[1], c[2], c[3]) },
				func(p []float64) { axpyGo(p, x[0], c[5]) }},
			{"dispatch", true,
				func(p, q []float64) { axpy4x2(p, q, x[0], x[1], x[2], x[3], &c) },
				func(p []float64) { axpy4(p, x[0], x[1], x[2], x[3], c[0], c[1], c[2], c[3]) },
				func(p []float64) { axpy(p, x[0], c[5]) }},
			{"avx2", haveFMA && n >= 4,
				func(p, q []float64) { axpy4x2FMA(&p[0], &q[0], &x[0][0], &x[1][0], &x[2][0], &x[3][0], n, &c) },
				func(p []float64) {
					axpy4FMA(&p[0], &x[0][0], &x[1][0], &x[2][0], &x[3][0], n, c[0], c[1], c[2], c[3])
				},
				nil},
			{"avx512", haveAVX512 && n >= 1,
				func(p, q []float64) { axpy4x2Z(&p[0], &q[0], &x[0][0], &x[1][0], &x[2][0], &x[3][0], n, &c) },
				func(p []float64) {
					axpy4Z(&p[0], &x[0][0], &x[1][0], &x[2][0], &x[3][0], n, c[0], c[1], c[2], c[3])
				},
				func(p []float64) { axpy1Z(&p[0], &x[0][0], n, c[5]) }},
		}
		var ref [4][]float64
		for k, im := range impls {
			if !im.ok {
				continue
			}
			p, q := append([]float64(nil), d0...), append([]float64(nil), d1...)
			s, u := append([]float64(nil), d0...), append([]float64(nil), d1...)
			im.x2(p, q)
			im.x1(s)
			if im.a1 != nil {
				im.a1(u)
			}
			if k == 0 {
				ref = [4][]float64{p, q, s, u}
				for j := range s {
					if s[j] != p[j] {
						t.Fatalf("n=%d: axpy4 entry %d differs from axpy4x2's first row", n, j)
					}
				}
				continue
			}
			for j := 0; j < n; j++ {
				if p[j] != ref[0][j] || q[j] != ref[1][j] || s[j] != ref[2][j] || (im.a1 != nil && u[j] != ref[3][j]) {
					t.Fatalf("%s n=%d: entry %d differs from the Go loop", im.name, n, j)
				}
			}
		}
	}
}

// negSquareZ and domainZ agree with their Go loops on every length 1..41:
// −v·v bit for bit (signed zeros included), and the domain test flags a
// NaN or an entry below the bound in any lane, tail lanes included.
func TestDomainKernelsMatchGo(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512 on this machine (or purego build)")
	}
	rng := rand.New(rand.NewPCG(37, 0))
	goDomain := func(a []float64, tol float64) bool {
		for _, v := range a {
			if v+1e-16 < -tol || math.IsNaN(v) {
				return false
			}
		}
		return true
	}
	for n := 1; n <= 41; n++ {
		w := make([]float64, n)
		for i := range w {
			w[i] = rng.NormFloat64()
		}
		w[0], w[n-1] = 0, math.Copysign(0, -1)
		got := make([]float64, n+1)
		got[n] = 7 // beyond n: untouched
		negSquareZ(&got[0], &w[0], n)
		for i, v := range w {
			if want := -v * v; math.Float64bits(got[i]) != math.Float64bits(want) {
				t.Fatalf("negSquare n=%d: entry %d = %v, want %v", n, i, got[i], want)
			}
		}
		if got[n] != 7 {
			t.Fatalf("negSquare n=%d wrote past the end", n)
		}
		acc, y := append([]float64(nil), w...), make([]float64, n)
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		want := append([]float64(nil), acc...)
		for i := range want {
			want[i] += w[i] * y[i]
		}
		mulAddZ(&acc[0], &w[0], &y[0], n)
		for i := range acc {
			if math.Float64bits(acc[i]) != math.Float64bits(want[i]) {
				t.Fatalf("mulAdd n=%d: entry %d = %v, want %v", n, i, acc[i], want[i])
			}
		}
		sc := append([]float64(nil), w...)
		scaleZ(&sc[0], n, 1/3.0)
		for i, v := range w {
			if want := v * (1 / 3.0); math.Float64bits(sc[i]) != math.Float64bits(want) {
				t.Fatalf("scale n=%d: entry %d = %v, want %v", n, i, sc[i], want)
			}
		}
		for pos := 0; pos < n; pos++ {
			for _, bad := range []float64{math.NaN(), -1e-6 - 1e-9, -2e-6, -1e-6 + 1e-12, -1e-16, math.Inf(-1)} {
				a := make([]float64, n)
				for i := range a {
					a[i] = math.Abs(rng.NormFloat64())
				}
				a[pos] = bad
				if g, w := domainZ(&a[0], n, -1e-6), goDomain(a, 1e-6); g != w {
					t.Fatalf("domain n=%d pos=%d value %v: asm %v, Go %v", n, pos, bad, g, w)
				}
			}
		}
	}
}

// The AVX-512 gradient (gradRowZ, then the acyclicity term) gives the bits
// of the scalar loop for DAGMA, CoLiDE-EV and CoLiDE-NV, with zero, negative
// zero and NaN weights among the entries.
func TestGradientPathsMatch(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512 on this machine (or purego build)")
	}
	rng := rand.New(rand.NewPCG(38, 0))
	for _, d := range []int{1, 3, 8, 13, 20} {
		for _, m := range []Method{DAGMA, CoLiDEEV, CoLiDENV} {
			ws := &pathWork{d: d, m: m}
			ws.c, ws.cw, ws.w, ws.inv = randSquare(rng, d), randSquare(rng, d), randSquare(rng, d), randSquare(rng, d)
			ws.g = make([]float64, d*d)
			ws.sig = []float64{math.Abs(rng.NormFloat64()) + 0.1}
			if m == CoLiDENV {
				ws.sig = make([]float64, d)
				for j := range ws.sig {
					ws.sig[j] = math.Abs(rng.NormFloat64()) + 0.1
				}
			}
			ws.w[0] = 0
			if d > 1 {
				ws.w[1] = math.Copysign(0, -1)
			}
			if d > 2 {
				ws.w[d*d-1] = math.NaN()
			}
			mu, lam := 0.7, 0.05
			ws.gradient(mu, lam)
			got := append([]float64(nil), ws.g...)
			// the scalar loop, as in gradient's portable path
			ml := mu * lam
			for i := 0; i < d; i++ {
				for j := 0; j < d; j++ {
					w, c, cw, inv := ws.w[i*d+j], ws.c[i*d+j], ws.cw[i*d+j], ws.inv[j*d+i]
					var v float64
					switch m {
					case CoLiDEEV:
						v = mu*(-(c-cw)/ws.sig[0]) + ml*signOf(w) + 2*w*inv
					case CoLiDENV:
						v = mu*(-(c-cw)/ws.sig[j]) + ml*signOf(w) + 2*w*inv
					default:
						v = mu*(-(c - cw)) + ml*signOf(w) + 2*w*inv
					}
					if g := got[i*d+j]; math.Float64bits(g) != math.Float64bits(v) && !(math.IsNaN(g) && math.IsNaN(v)) {
						t.Fatalf("%v d=%d: entry (%d,%d) = %.17g, scalar %.17g", m, d, i, j, g, v)
					}
				}
			}
		}
	}
}

// subMul is, bit for bit, dst − Σ_q a·b taken one fused product at a time
// in order of q, for every width (16-, 8-column and masked tiles, the pair
// and single-row paths) and row count.
func TestSubMulFusedOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(39, 0))
	n := 45
	for _, rows := range [][2]int{{0, 4}, {3, 10}, {5, 6}, {7, 12}, {0, 45}} {
		for _, cols := range [][2]int{{0, 1}, {2, 9}, {0, 16}, {4, 21}, {1, 25}, {0, 45}, {40, 45}} {
			for _, kn := range []int{1, 3, 4, 17} {
				a, b := randSquare(rng, n), randSquare(rng, n)
				dst := randSquare(rng, n)
				want := append([]float64(nil), dst...)
				ka, kb, ai0 := 2, 20, 30
				if rows[1]-rows[0]+ai0 > n {
					ai0 = 0
				}
				for i := rows[0]; i < rows[1]; i++ {
					for j := cols[0]; j < cols[1]; j++ {
						v := want[i*n+j]
						for q := 0; q < kn; q++ {
							v = math.FMA(-a[(i-rows[0]+ai0)*n+ka+q], b[(kb+q)*n+j], v)
						}
						want[i*n+j] = v
					}
				}
				subMul(dst, a, b, n, rows[0], rows[1], cols[0], cols[1], ai0, ka, kb, kn)
				for i := range dst {
					if math.Float64bits(dst[i]) != math.Float64bits(want[i]) {
						t.Fatalf("rows %v cols %v kn %d: entry (%d,%d) = %.17g, want %.17g", rows, cols, kn, i/n, i%n, dst[i], want[i])
					}
				}
			}
		}
	}
}
