package sor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// writeCoord writes a in Matrix Market coordinate format.
func writeCoord(t *testing.T, path string, a *sparse.CSR) {
	r, c := a.Dims()
	raw := a.RawMatrix()
	var sb strings.Builder
	fmt.Fprintf(&sb, "%%%%MatrixMarket matrix coordinate real general\n%d %d %d\n", r, c, len(raw.Data))
	for i := 0; i < r; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			fmt.Fprintf(&sb, "%d %d %.17g\n", i+1, raw.Ind[k]+1, raw.Data[k])
		}
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readCoord is a minimal coordinate reader for this test (the matrix
// package's reader is the one used in production).
func readCoord(path string) (*sparse.CSR, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var coo *sparse.COO
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "%") {
			continue
		}
		fs := strings.Fields(line)
		if coo == nil {
			r, _ := strconv.Atoi(fs[0])
			c, _ := strconv.Atoi(fs[1])
			coo = sparse.NewCOO(r, c, nil, nil, nil)
			continue
		}
		i, _ := strconv.Atoi(fs[0])
		j, _ := strconv.Atoi(fs[1])
		v, err := strconv.ParseFloat(fs[2], 64)
		if err != nil {
			return nil, fmt.Errorf("line %q: %v", line, err)
		}
		coo.Set(i-1, j-1, v)
	}
	if coo == nil {
		return nil, errors.New("empty file")
	}
	return coo.ToCSR(), nil
}

func readVec(path string) ([]float64, error) {
	a, err := readCoord(path)
	if err != nil {
		return nil, err
	}
	r, _ := a.Dims()
	v := make([]float64, r)
	for i := range v {
		v[i] = a.At(i, 0)
	}
	return v, nil
}

func TestDirSequence(t *testing.T) {
	dir := t.TempDir()
	for k, c := range []float64{0.3, 0.1, 0.2} {
		writeCoord(t, filepath.Join(dir, fmt.Sprintf("sys%d.mtx", k)), matrix.AddDiag(matrix.Poisson2D(4, 4), c))
	}
	// A right-hand side for sys1 only.
	var sb strings.Builder
	sb.WriteString("%%MatrixMarket matrix coordinate real general\n16 1 16\n")
	for i := 0; i < 16; i++ {
		fmt.Fprintf(&sb, "%d 1 %d\n", i+1, i+1)
	}
	os.WriteFile(filepath.Join(dir, "sys1_b.mtx"), []byte(sb.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644)
	seq, err := DirSequence(dir, 0, readCoord, readVec)
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
	seq, _ = DirSequence(dir, 2, readCoord, readVec)
	if _, err := Run(context.Background(), seq, NewChebCB(nil, 6, 0, 1, nil), Settings{}); !errors.Is(err, ErrBadInput) {
		t.Errorf("ChebCB without context: err = %v", err)
	}
	// A malformed file is reported with its name.
	os.WriteFile(filepath.Join(dir, "sys9.mtx"), []byte("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n"), 0o644)
	seq, _ = DirSequence(dir, 0, readCoord, readVec)
	_, err = Run(context.Background(), seq, Fixed{1.2}, Settings{})
	if err == nil || !strings.Contains(err.Error(), "sys9.mtx") {
		t.Errorf("malformed file: err = %v", err)
	}
	if _, err := DirSequence(t.TempDir(), 0, readCoord, readVec); !errors.Is(err, ErrBadInput) {
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
