package sor

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

// MatrixMarketDir is DirSequence with the matrix package's Matrix Market
// readers (a right-hand side file must hold an n×1 matrix).
func MatrixMarketDir(dir string, limit int) (*FileSequence, error) {
	return DirSequence(dir, limit, matrix.ReadMatrixMarketFile, func(path string) ([]float64, error) {
		d, err := matrix.ReadMatrixMarketDenseFile(path)
		if err != nil {
			return nil, err
		}
		r, c := d.Dims()
		if c != 1 {
			return nil, fmt.Errorf("%w: %s: right-hand side is %d×%d, want n×1", ErrBadInput, path, r, c)
		}
		return mat.Col(nil, 0, d), nil
	})
}

// FileSequence serves the systems stored in a list of files, in order.
// Load reads one file into an instance; the reader of a directory of Matrix
// Market files (DirSequence) is the common case. Errors of Load are returned
// with the file name.
type FileSequence struct {
	Paths []string
	Load  func(path string) (*Instance, error)

	next int
}

// Next loads the next file (prev is ignored).
func (f *FileSequence) Next(prev []float64) (*Instance, error) {
	if f.next >= len(f.Paths) {
		return nil, io.EOF
	}
	p := f.Paths[f.next]
	f.next++
	in, err := f.Load(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return in, nil
}

// DirSequence lists the matrices of a directory as a sequence: every file
// whose name ends in .mtx, except right-hand sides named <stem>_b.mtx, in
// lexicographic order (at most limit files when limit > 0). For the matrix
// <stem>.mtx the right-hand side is read from <stem>_b.mtx when that file
// exists (an n×1 vector) and is A·1 otherwise, so that the solution is the
// vector of ones. The instances carry no context (contextual tuners refuse
// them); wrap Load to attach one.
// readMatrix and readVector are the Matrix Market readers (the matrix
// package's); they are parameters so that this package does not depend on a
// particular reader.
func DirSequence(dir string, limit int, readMatrix func(path string) (*sparse.CSR, error), readVector func(path string) ([]float64, error)) (*FileSequence, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".mtx") || strings.HasSuffix(n, "_b.mtx") {
			continue
		}
		paths = append(paths, filepath.Join(dir, n))
	}
	sort.Strings(paths)
	if limit > 0 && len(paths) > limit {
		paths = paths[:limit]
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w: %s: no .mtx matrices", ErrBadInput, dir)
	}
	load := func(path string) (*Instance, error) {
		a, err := readMatrix(path)
		if err != nil {
			return nil, err
		}
		r, c := a.Dims()
		if r != c {
			return nil, fmt.Errorf("%w: matrix is %d×%d, not square", ErrBadInput, r, c)
		}
		var b []float64
		bp := strings.TrimSuffix(path, ".mtx") + "_b.mtx"
		if _, err := os.Stat(bp); err == nil {
			if b, err = readVector(bp); err != nil {
				return nil, err
			}
			if len(b) != r {
				return nil, fmt.Errorf("%w: %s has %d entries, matrix has %d rows", ErrBadInput, bp, len(b), r)
			}
		} else {
			// b = A·1: the row sums, in storage order.
			b = make([]float64, r)
			raw := a.RawMatrix()
			for i := range b {
				var sum float64
				for _, v := range raw.Data[raw.Indptr[i]:raw.Indptr[i+1]] {
					sum += v * 1
				}
				b[i] = sum
			}
		}
		return &Instance{A: a, B: b}, nil
	}
	return &FileSequence{Paths: paths, Load: load}, nil
}
