package sor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kkt-go/kkt/matrix"
)

// BenchmarkSolve10x10 is one SOR solve (ω = 1) of the paper's model problem.
func BenchmarkSolve10x10(b *testing.B) {
	a := matrix.AddDiag(matrix.Poisson2D(10, 10), 0)
	rhs := TruncatedNormal(nil, 100, rand.New(rand.NewPCG(1, 1)))
	var s Solver
	its := 0
	for b.Loop() {
		sol, _ := s.Solve(context.Background(), a, rhs, nil, 1.0)
		its += sol.Iterations
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(its), "ns/iter")
}

// BenchmarkSweepOverSpMV times one forward SOR sweep (Sweeper.Forward) and
// one CSR product (matrix.MulVec) on the 2-D Poisson matrix, alternating the
// two in every round so that both see the same machine load, and reports
// the ratio of the fastest sweep to the fastest product (sweep/spmv) with
// both times in ms.
func BenchmarkSweepOverSpMV(b *testing.B) {
	for _, m := range []int{100, 1000} {
		b.Run(fmt.Sprintf("n=%d", m*m), func(b *testing.B) {
			a := matrix.Poisson2D(m, m)
			n := m * m
			x, y, rhs := make([]float64, n), make([]float64, n), make([]float64, n)
			for i := range rhs {
				rhs[i] = 1
			}
			w, err := NewSweeper(a)
			if err != nil {
				b.Fatal(err)
			}
			// Bytes a sweep streams: column indices and values (16 per
			// entry), row pointers, and x (read and written) and b.
			nnz := len(a.RawMatrix().Data)
			bytes := float64(16*nnz + 8*(n+1) + 3*8*n)
			// STREAM-like copy moving the same number of bytes (read + write).
			src := make([]float64, int(bytes)/16)
			dst := make([]float64, len(src))
			sweep, spmv, cp := time.Duration(1<<62), time.Duration(1<<62), time.Duration(1<<62)
			for b.Loop() {
				t0 := time.Now()
				w.Forward(x, rhs, 1.5)
				t1 := time.Now()
				matrix.MulVec(y, a, x)
				t2 := time.Now()
				copy(dst, src)
				t3 := time.Now()
				sweep, spmv, cp = min(sweep, t1.Sub(t0)), min(spmv, t2.Sub(t1)), min(cp, t3.Sub(t2))
			}
			b.ReportMetric(float64(sweep)/float64(spmv), "sweep/spmv")
			b.ReportMetric(float64(sweep)/1e6, "sweep-ms")
			b.ReportMetric(float64(spmv)/1e6, "spmv-ms")
			b.ReportMetric(bytes/sweep.Seconds()/1e9, "sweep-GB/s")
			b.ReportMetric(bytes/cp.Seconds()/1e9, "copy-GB/s")
		})
	}
}

// BenchmarkSSORPCGHeat is one warm-started SSOR-PCG solve of the heat
// sequence's first system.
func BenchmarkSSORPCGHeat(b *testing.B) {
	for _, nx := range []int{50, 100} {
		b.Run(fmt.Sprintf("nx=%d", nx), func(b *testing.B) {
			h := NewHeat(nx, 10, 0.01)
			in, _ := h.Next(nil)
			s := Solver{Method: SSORPCG}
			for b.Loop() {
				s.Solve(context.Background(), in.A, in.B, in.X0, 1.5)
			}
		})
	}
}
