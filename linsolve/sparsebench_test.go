package linsolve

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchSizes reads a comma-separated list from the environment variable
// name, or returns def.
func benchSizes(name string, def []int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		k, err := strconv.Atoi(f)
		if err == nil {
			out = append(out, k)
		}
	}
	return out
}

// benchCholesky times analysis+factor, refactor and solve for a, with
// nnz(L), flops and process CPU seconds per op as extra metrics.
func benchCholesky(b *testing.B, a *sparse.CSR) {
	n, _ := a.Dims()
	rhs := make([]float64, n)
	for i := range rhs {
		rhs[i] = 1
	}
	x := make([]float64, n)
	s0, err := AnalyzeSymmetric(a, SymbolicSettings{})
	if err != nil {
		b.Fatal(err)
	}
	f, err := s0.Cholesky(a)
	if err != nil {
		b.Fatal(err)
	}
	report := func(b *testing.B, c0 time.Duration) {
		b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(f.NNZL()), "nnzL")
		b.ReportMetric(f.Symbolic().Flops(), "flops")
	}
	b.Run("analyze+factor+solve", func(b *testing.B) {
		c0 := cpuTime()
		for i := 0; i < b.N; i++ {
			s, err := AnalyzeSymmetric(a, SymbolicSettings{})
			if err != nil {
				b.Fatal(err)
			}
			f, err = s.Cholesky(a)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := f.Solve(x, rhs); err != nil {
				b.Fatal(err)
			}
		}
		report(b, c0)
		b.ReportMetric(relResidual(a, x, rhs)*1e15, "relres×1e15")
	})
	b.Run("factor+solve", func(b *testing.B) {
		c0 := cpuTime()
		for i := 0; i < b.N; i++ {
			if err := f.Refactor(a); err != nil {
				b.Fatal(err)
			}
			if _, err := f.Solve(x, rhs); err != nil {
				b.Fatal(err)
			}
		}
		report(b, c0)
		b.ReportMetric(relResidual(a, x, rhs)*1e15, "relres×1e15")
	})
	b.Run("refactor", func(b *testing.B) {
		c0 := cpuTime()
		for i := 0; i < b.N; i++ {
			if err := f.Refactor(a); err != nil {
				b.Fatal(err)
			}
		}
		report(b, c0)
	})
	b.Run("solve", func(b *testing.B) {
		c0 := cpuTime()
		for i := 0; i < b.N; i++ {
			if _, err := f.Solve(x, rhs); err != nil {
				b.Fatal(err)
			}
		}
		report(b, c0)
		refine, _, _ := f.SolveStats()
		b.ReportMetric(float64(refine), "refine-steps")
	})
	b.Run("analyze+factor", func(b *testing.B) {
		c0 := cpuTime()
		for i := 0; i < b.N; i++ {
			s, err := AnalyzeSymmetric(a, SymbolicSettings{})
			if err != nil {
				b.Fatal(err)
			}
			if f, err = s.Cholesky(a); err != nil {
				b.Fatal(err)
			}
		}
		report(b, c0)
	})
}

// BenchmarkCholeskyPoisson2D: sizes from KKT_BENCH_2D (grid side; default
// 64,128,256).
func BenchmarkCholeskyPoisson2D(b *testing.B) {
	for _, k := range benchSizes("KKT_BENCH_2D", []int{64, 128, 256}) {
		a := matrix.Poisson2D(k, k)
		b.Run(fmt.Sprintf("n=%d^2", k), func(b *testing.B) { benchCholesky(b, a) })
	}
}

// BenchmarkCholeskyPoisson3D: sizes from KKT_BENCH_3D (default 16,24,32).
func BenchmarkCholeskyPoisson3D(b *testing.B) {
	for _, k := range benchSizes("KKT_BENCH_3D", []int{16, 24, 32}) {
		a := matrix.Poisson3D(k, k, k)
		b.Run(fmt.Sprintf("n=%d^3", k), func(b *testing.B) { benchCholesky(b, a) })
	}
}

// BenchmarkLDLKKT times LDLᵀ analysis+factor, refactor and solve on the
// KKT matrix of a CUTEst problem (KKT_DATA must be set; KKT_BENCH_KKT
// names the problems, default TWIRIBG1,DMN15333,SPECANNE).
func BenchmarkLDLKKT(b *testing.B) {
	if os.Getenv("KKT_DATA") == "" {
		b.Skip("KKT_DATA not set")
	}
	names := strings.Split(os.Getenv("KKT_BENCH_KKT"), ",")
	if names[0] == "" {
		names = []string{"TWIRIBG1", "DMN15333", "SPECANNE"}
	}
	for _, name := range names {
		a, err := cutestKKT(name, 1, 1e-8)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := a.Dims()
		rhs := make([]float64, n)
		for i := range rhs {
			rhs[i] = 1
		}
		x := make([]float64, n)
		s, err := AnalyzeSymmetric(a, SymbolicSettings{})
		if err != nil {
			b.Fatal(err)
		}
		f, err := s.LDL(a, LDLSettings{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/analyze+factor", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				s, _ := AnalyzeSymmetric(a, SymbolicSettings{})
				if _, err := s.LDL(a, LDLSettings{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(s.NNZL()), "nnzL")
		})
		b.Run(name+"/refactor", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := f.Refactor(a); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/solve", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := f.Solve(x, rhs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLDLPoisson3D times the LDLᵀ refactorization (the supernodal
// kernel: flops/nnz(L) is large) of 3-D Poisson, sizes from
// KKT_BENCH_LDL3D (default 24,32), with process CPU seconds per op.
func BenchmarkLDLPoisson3D(b *testing.B) {
	for _, k := range benchSizes("KKT_BENCH_LDL3D", []int{24, 32}) {
		a := matrix.Poisson3D(k, k, k)
		s, err := AnalyzeSymmetric(a, SymbolicSettings{})
		if err != nil {
			b.Fatal(err)
		}
		f, err := s.LDL(a, LDLSettings{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d^3/refactor", k), func(b *testing.B) {
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				if err := f.Refactor(a); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(s.Flops(), "flops")
		})
	}
}
