package matrix

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"
)

// benchGrids are the side lengths of the 2-D Poisson grids benchmarked:
// n = 10⁴, 9·10⁴ and 10⁶ unknowns.
var benchGrids = []int{100, 300, 1000}

// spmvBytes is the minimal memory traffic of y = A·x for an r-row CSR
// matrix with nnz entries, 12·nnz + 8·(r+1) + 16·r bytes: an 8-byte value
// and a 4-byte column index per entry (the conventional SpMV roofline count
// with 32-bit indices), the row pointers, x read once and y written once.
// kkt stores 8-byte int indices, so its real traffic is 4·nnz larger; the
// conventional figure keeps the GB/s comparable with published numbers.
func spmvBytes(r, nnz int) int64 {
	return int64(12*nnz + 8*(r+1) + 16*r)
}

func benchVec(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 1 + float64(i%7)/8
	}
	return x
}

// BenchmarkSpMV times y = A·x on Poisson2D(g, g) with the serial kernel and
// with the persistent worker pool of NewCSR(a).Parallel(0). Compare the
// reported MB/s with BenchmarkStreamCopy of the same n in the same run.
func BenchmarkSpMV(b *testing.B) {
	for _, g := range benchGrids {
		a := Poisson2D(g, g)
		n := g * g
		nnz := a.NNZ()
		x, y := benchVec(n), make([]float64, n)
		for _, mode := range []string{"serial", "parallel"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, mode), func(b *testing.B) {
				op := NewCSR(a)
				if mode == "parallel" {
					op.Parallel(0)
					defer op.Close()
				}
				b.SetBytes(spmvBytes(n, nnz))
				b.ReportAllocs()
				for b.Loop() {
					op.Apply(y, x)
				}
			})
		}
	}
}

// BenchmarkSpMTV times y = Aᵀ·x on Poisson2D(g, g) by scattering the rows
// (NewCSR(a).ApplyTrans) and through a cached transpose
// (NewCSR(a).CacheTranspose()), reporting the same minimal traffic as SpMV.
func BenchmarkSpMTV(b *testing.B) {
	for _, g := range benchGrids {
		a := Poisson2D(g, g)
		n := g * g
		nnz := a.NNZ()
		x, y := benchVec(n), make([]float64, n)
		for _, mode := range []string{"scatter", "cached"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, mode), func(b *testing.B) {
				op := NewCSR(a)
				if mode == "cached" {
					op.CacheTranspose()
				}
				b.SetBytes(spmvBytes(n, nnz))
				b.ReportAllocs()
				for b.Loop() {
					op.ApplyTrans(y, x)
				}
			})
		}
	}
}

// BenchmarkStreamCopy is a STREAM-like copy dst = src of a float64 buffer
// whose read+write traffic equals the minimal SpMV traffic for the same n
// (so both stream the same number of bytes through memory); bytes per
// operation = read + write. The parallel variant splits the buffer over
// GOMAXPROCS goroutines.
func BenchmarkStreamCopy(b *testing.B) {
	for _, g := range benchGrids {
		n := g * g
		nnz := 5*n - 4*g // entries of Poisson2D(g, g)
		m := int(spmvBytes(n, nnz) / 16)
		src, dst := benchVec(m), make([]float64, m)
		for _, mode := range []string{"serial", "parallel"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, mode), func(b *testing.B) {
				b.SetBytes(int64(16 * m))
				if mode == "serial" {
					for b.Loop() {
						copy(dst, src)
					}
					return
				}
				p := runtime.GOMAXPROCS(0)
				var wg sync.WaitGroup
				for b.Loop() {
					for w := 0; w < p; w++ {
						lo, hi := w*m/p, (w+1)*m/p
						wg.Add(1)
						go func() {
							copy(dst[lo:hi], src[lo:hi])
							wg.Done()
						}()
					}
					wg.Wait()
				}
			})
		}
	}
}

// BenchmarkSpMVCopyRatio alternates one SpMV and one copy of the same byte
// count (as in BenchmarkStreamCopy) in every iteration, timing each, so that
// both see the same machine load — useful on a shared machine, where the
// separate benchmarks run minutes apart. It reports the best (minimum-time)
// bandwidth of each, in GB/s of minimal traffic, and their ratio.
func BenchmarkSpMVCopyRatio(b *testing.B) {
	for _, g := range benchGrids {
		a := Poisson2D(g, g)
		n := g * g
		bytes := spmvBytes(n, a.NNZ())
		m := int(bytes / 16)
		x, y := benchVec(n), make([]float64, n)
		src, dst := benchVec(m), make([]float64, m)
		b.Run(fmt.Sprintf("n=%d/serial", n), func(b *testing.B) {
			op := NewCSR(a)
			bestSpMV, bestCopy := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
			for b.Loop() {
				t0 := time.Now()
				op.Apply(y, x)
				t1 := time.Now()
				copy(dst, src)
				t2 := time.Now()
				bestSpMV = min(bestSpMV, t1.Sub(t0))
				bestCopy = min(bestCopy, t2.Sub(t1))
			}
			spmv := float64(bytes) / float64(bestSpMV.Nanoseconds())
			cp := float64(16*m) / float64(bestCopy.Nanoseconds())
			b.ReportMetric(spmv, "spmv-GB/s")
			b.ReportMetric(cp, "copy-GB/s")
			b.ReportMetric(spmv/cp, "ratio")
		})
	}
}
