package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteCommits(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	if err := WriteFile(p, []byte("a,b\n1,2\n")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "a,b\n1,2\n" {
		t.Fatalf("got %q, %v", b, err)
	}
	checkNoTemp(t, dir)
}

// TestWriteFailureLeavesNothing simulates a full disk after 10 bytes and a
// producer error: the destination keeps its previous complete content (or
// stays absent) and no temporary file remains.
func TestWriteFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "plan.csv")
	big := strings.Repeat("0.125,", 1<<17)
	err := Write(p, func(w io.Writer) error {
		_, err := io.WriteString(FailAfter(w, 10), big)
		return err
	})
	if !errors.Is(err, ErrInjected) || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("partial file left: %v", err)
	}
	if err := WriteFile(p, []byte("old\n")); err != nil {
		t.Fatal(err)
	}
	bad := errors.New("producer failed")
	if err := Write(p, func(w io.Writer) error { io.WriteString(w, "partial"); return bad }); !errors.Is(err, bad) {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old\n" {
		t.Fatalf("destination changed to %q", b)
	}
	checkNoTemp(t, dir)
}

func TestWriteBlockedDestination(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub")
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	// A directory in the way: the rename fails and the error names it.
	if err := WriteFile(p, []byte("x")); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v", err)
	}
	checkNoTemp(t, dir)
	if err := WriteFile(filepath.Join(dir, "missing", "x"), []byte("x")); err == nil {
		t.Fatal("no error for a missing directory")
	}
}

func checkNoTemp(t *testing.T, dir string) {
	t.Helper()
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if strings.HasPrefix(e.Name(), TempPrefix) {
			t.Errorf("temporary file %s left", e.Name())
		}
	}
}
