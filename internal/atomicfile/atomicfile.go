// Package atomicfile writes output files so that a reader never sees a
// partial one: the content goes to a temporary file in the same directory
// (so the rename stays on one file system), which is flushed, synced and
// closed, and only then renamed over the destination. When anything fails
// — the producer returns an error, the disk is full, the process is killed
// before the rename — the destination is left as it was (absent, or its
// previous complete version) and the temporary file is removed (or, after
// a kill, left under a name starting with ".kkt-tmp-" that no reader
// mistakes for an output).
//
// Every file that the kkt command writes (plans, matrices, CSV and JSON
// results, figures, shard units) goes through Write or WriteFile.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// TempPrefix starts the name of every temporary file.
const TempPrefix = ".kkt-tmp-"

// Write creates path atomically with the bytes fill writes to w (a
// buffered writer over the temporary file). The file gets mode 0644 (less
// the umask). On any error path is untouched and the error names it.
func Write(path string, fill func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, TempPrefix+base+"-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err = fill(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(0o644 &^ umask()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteFile is Write for content already in memory.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// ErrInjected is returned by a writer wrapped with FailAfter.
var ErrInjected = errors.New("injected write failure")

// FailAfter returns a writer that passes the first n bytes to w and then
// fails with ErrInjected, simulating a full disk (for tests).
func FailAfter(w io.Writer, n int) io.Writer { return &failWriter{w: w, left: n} }

type failWriter struct {
	w    io.Writer
	left int
}

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) <= f.left {
		f.left -= len(p)
		return f.w.Write(p)
	}
	k, _ := f.w.Write(p[:f.left])
	f.left = 0
	return k, ErrInjected
}
