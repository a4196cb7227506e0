package completion

import (
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestWriteFactorFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "model")
	U := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})
	V := mat.NewDense(2, 2, []float64{-1, 0.5, 7, 8})
	if err := WriteFactorFiles(dir, U, V); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]*mat.Dense{"U.json": U, "V.json": V} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadFactors(f, name)
		f.Close()
		if err != nil || !mat.Equal(got, want) {
			t.Errorf("%s: %v, err %v", name, got, err)
		}
	}
	// A file where the directory should be: an error, not a panic.
	block := filepath.Join(t.TempDir(), "file")
	os.WriteFile(block, nil, 0o644)
	if err := WriteFactorFiles(block, U, V); err == nil {
		t.Error("no error writing under a regular file")
	}
}
