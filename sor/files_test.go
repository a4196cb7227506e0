package sor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

func writeMM(t *testing.T, path string, a *sparse.CSR) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := matrix.WriteMatrixMarket(f, a); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestDirSequence(t *testing.T) {
	dir := t.TempDir()
	for k, c := range []float64{0.3, 0.1, 0.2} {
		writeMM(t, filepath.Join(dir, fmt.Sprintf("sys%d.mtx", k)), matrix.AddDiag(matrix.Poisson2D(4, 4), c))
	}
	// A right-hand side for sys1 only.
	var sb strings.Builder
	sb.WriteString("%%MatrixMarket matrix coordinate real general\n16 1 16\n")
	for i := 0; i < 16; i++ {
		fmt.Fprintf(&sb, "%d 1 %d\n", i+1, i+1)
	}
	os.WriteFile(filepath.Join(dir, "sys1_b.mtx"), []byte(sb.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644)
	seq, err := MatrixMarketDir(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), seq, Fixed{1.2}, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 3 {
		t.Fatalf("%d instances, want 3", len(res.Records))
	}
	// sys0 has b = A·1: SOR from zero converges to ones; compare with a
	// direct count.
	var s Solver
	a0 := matrix.AddDiag(matrix.Poisson2D(4, 4), 0.3)
	b0 := matrix.MulVec(nil, a0, onesVec(16))
	sol, _ := s.Solve(context.Background(), a0, b0, nil, 1.2)
	if res.Records[0].Iterations != sol.Iterations {
		t.Errorf("sys0: %d iterations, direct %d", res.Records[0].Iterations, sol.Iterations)
	}
	// Contextual tuners refuse context-free instances.
	seq, _ = MatrixMarketDir(dir, 2)
	if _, err := Run(context.Background(), seq, NewChebCB(nil, 6, 0, 1, nil), Settings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("ChebCB without context: err = %v", err)
	}
	// A malformed file is reported with its name.
	os.WriteFile(filepath.Join(dir, "sys9.mtx"), []byte("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n"), 0o644)
	seq, _ = MatrixMarketDir(dir, 0)
	_, err = Run(context.Background(), seq, Fixed{1.2}, Settings{})
	if err == nil || !strings.Contains(err.Error(), "sys9.mtx") {
		t.Errorf("malformed file: err = %v", err)
	}
	if _, err := MatrixMarketDir(t.TempDir(), 0); !errors.Is(err, ErrBadInput) {
		t.Errorf("empty dir: err = %v", err)
	}
}

func onesVec(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}
