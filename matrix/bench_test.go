package matrix

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
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
	benchPoisson(b, []string{"serial", "parallel"}, func(op *CSR, mode string) {
		if mode == "parallel" {
			op.Parallel(0)
		}
	}, (*CSR).Apply)
}

// BenchmarkSpMTV times y = Aᵀ·x on Poisson2D(g, g) by scattering the rows
// (NewCSR(a).ApplyTrans) and through a cached transpose
// (NewCSR(a).CacheTranspose()), reporting the same minimal traffic as SpMV.
func BenchmarkSpMTV(b *testing.B) {
	benchPoisson(b, []string{"scatter", "cached"}, func(op *CSR, mode string) {
		if mode == "cached" {
			op.CacheTranspose()
		}
	}, (*CSR).ApplyTrans)
}

// benchPoisson runs apply on NewCSR(Poisson2D(g, g)) for every grid and
// mode, after prepare(op, mode), as sub-benchmarks "n=.../mode" reporting
// the minimal SpMV traffic.
func benchPoisson(b *testing.B, modes []string, prepare func(op *CSR, mode string), apply func(op *CSR, dst, x []float64)) {
	for _, g := range benchGrids {
		a := Poisson2D(g, g)
		n := g * g
		nnz := a.NNZ()
		x, y := benchVec(n), make([]float64, n)
		for _, mode := range modes {
			b.Run(fmt.Sprintf("n=%d/%s", n, mode), func(b *testing.B) {
				op := NewCSR(a)
				prepare(op, mode)
				defer op.Close()
				b.SetBytes(spmvBytes(n, nnz))
				b.ReportAllocs()
				for b.Loop() {
					apply(op, y, x)
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
				cp := copier(mode)
				for b.Loop() {
					cp(dst, src)
				}
			})
		}
	}
}

// copier returns copy itself (serial) or a copy split over GOMAXPROCS
// goroutines (parallel).
func copier(mode string) func(dst, src []float64) {
	if mode == "serial" {
		return func(dst, src []float64) { copy(dst, src) }
	}
	p := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	return func(dst, src []float64) {
		m := len(src)
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
}

// BenchmarkSpMVCopyRatio alternates one SpMV and one copy of the same byte
// count (as in BenchmarkStreamCopy) in every iteration and times each, so
// that both see the same machine load — on a shared machine the separate
// benchmarks run minutes apart. It reports the best (minimum-time) bandwidth
// of each in GB/s of minimal traffic, and their ratio; "parallel" uses
// NewCSR(a).Parallel(0) and a copy split over GOMAXPROCS goroutines.
func BenchmarkSpMVCopyRatio(b *testing.B) {
	for _, g := range benchGrids {
		a := Poisson2D(g, g)
		n := g * g
		bytes := spmvBytes(n, a.NNZ())
		m := int(bytes / 16)
		x, y := benchVec(n), make([]float64, n)
		src, dst := benchVec(m), make([]float64, m)
		for _, mode := range []string{"serial", "parallel"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, mode), func(b *testing.B) {
				op := NewCSR(a)
				if mode == "parallel" {
					op.Parallel(0)
					defer op.Close()
				}
				cp := copier(mode)
				bestSpMV, bestCopy := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
				for b.Loop() {
					t0 := time.Now()
					op.Apply(y, x)
					t1 := time.Now()
					cp(dst, src)
					t2 := time.Now()
					bestSpMV = min(bestSpMV, t1.Sub(t0))
					bestCopy = min(bestCopy, t2.Sub(t1))
				}
				spmv := float64(bytes) / float64(bestSpMV.Nanoseconds())
				cpGBs := float64(16*m) / float64(bestCopy.Nanoseconds())
				b.ReportMetric(spmv, "spmv-GB/s")
				b.ReportMetric(cpGBs, "copy-GB/s")
				b.ReportMetric(spmv/cpGBs, "ratio")
			})
		}
	}
}

// BenchmarkReadMatrixMarket parses a Poisson2D(g, g) matrix written by
// WriteMatrixMarket; bytes are the file size.
func BenchmarkReadMatrixMarket(b *testing.B) {
	for _, g := range []int{100, 300} {
		var buf bytes.Buffer
		if err := WriteMatrixMarket(&buf, Poisson2D(g, g)); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d", g*g), func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadMatrixMarket(bytes.NewReader(buf.Bytes()), "bench"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadLIBSVM parses a random 10⁴ × 100 data set with about 20
// features per row written by WriteLIBSVM; bytes are the file size.
func BenchmarkReadLIBSVM(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, _ := randCSR(rng, 10000, 100, 0.2)
	y := make([]float64, 10000)
	for i := range y {
		y[i] = float64(2*rng.IntN(2) - 1)
	}
	var buf bytes.Buffer
	if err := WriteLIBSVM(&buf, &Dataset{X: x, Y: y}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadLIBSVM(bytes.NewReader(buf.Bytes()), "bench", LIBSVMOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
