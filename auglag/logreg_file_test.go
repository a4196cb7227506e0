package auglag

import (
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadLogReg(t *testing.T) {
	dir := t.TempDir()
	var sb strings.Builder
	for i := range 30 {
		// Labels 0/1 (mapped to ±1), 2 features per row out of 16.
		fmt.Fprintf(&sb, "%d %d:%g 16:-1.5\n", i%2, i%15+1, 0.5+float64(i)/10)
	}
	plain := filepath.Join(dir, "toy")
	if err := os.WriteFile(plain, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(dir, "toy.gz")
	f, err := os.Create(gz)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write([]byte(sb.String()))
	zw.Close()
	f.Close()

	p, err := ReadLogReg(plain, 7)
	if err != nil {
		t.Fatal(err)
	}
	if p.N() != 16 || p.M() != LogRegConstraints+1 || len(p.Y) != 30 || len(p.A) != LogRegConstraints*16 {
		t.Fatalf("n %d, m %d, %d labels, %d entries of A", p.N(), p.M(), len(p.Y), len(p.A))
	}
	for i, y := range p.Y {
		if want := float64(2*(i%2) - 1); y != want {
			t.Fatalf("label %d: %v, want %v", i, y, want)
		}
	}
	q, err := ReadLogReg(gz, 7)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.A, q.A) || !slices.Equal(p.B, q.B) || !slices.Equal(p.Y, q.Y) {
		t.Error("the compressed file or the same seed gave another problem")
	}
	if r, _ := ReadLogReg(plain, 8); slices.Equal(p.A, r.A) {
		t.Error("seeds 7 and 8 drew the same constraints")
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("1 1:0.5\n-1 2:x\n"), 0o644)
	if _, err := ReadLogReg(bad, 1); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "2") {
		t.Errorf("malformed file: %v", err)
	}
}
