package completion

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/kkt-go/kkt/matrix"
)

// Observations holds the observed entries M_ij, (i, j) ∈ Ω, of an m×n
// matrix, indexed both by row and by column without copying values per query:
// Row(i) and Col(j) return sub-slices of internal CSR and CSC arrays.
type Observations struct {
	m, n int
	// CSR by rows: entries of row i are rowPtr[i]..rowPtr[i+1]-1.
	rowPtr []int
	rowCol []int
	rowVal []float64
	// CSC by columns.
	colPtr []int
	colRow []int
	colVal []float64
}

// Dims returns the matrix dimensions m, n.
func (o *Observations) Dims() (int, int) { return o.m, o.n }

// Len returns |Ω|, the number of observed entries.
func (o *Observations) Len() int { return len(o.rowVal) }

// Row returns the column indices and values observed in row i (shared, do
// not modify).
func (o *Observations) Row(i int) (cols []int, vals []float64) {
	a, b := o.rowPtr[i], o.rowPtr[i+1]
	return o.rowCol[a:b], o.rowVal[a:b]
}

// Col returns the row indices and values observed in column j (shared, do
// not modify).
func (o *Observations) Col(j int) (rows []int, vals []float64) {
	a, b := o.colPtr[j], o.colPtr[j+1]
	return o.colRow[a:b], o.colVal[a:b]
}

// Triplets returns the entries in row-major order as new slices.
func (o *Observations) Triplets() (rows, cols []int, vals []float64) {
	rows = make([]int, 0, o.Len())
	for i := 0; i < o.m; i++ {
		for k := o.rowPtr[i]; k < o.rowPtr[i+1]; k++ {
			rows = append(rows, i)
		}
	}
	return rows, append([]int(nil), o.rowCol...), append([]float64(nil), o.rowVal...)
}

// ErrDuplicate is wrapped by the error NewObservations returns for a
// repeated (i, j) pair.
var ErrDuplicate = errors.New("completion: duplicate entry")

// NewObservations builds the row and column indexes of the triplets
// (rows[k], cols[k], vals[k]) of an m×n matrix. Indices are 0-based. An
// index out of range, a repeated (i, j) pair or a NaN/Inf value is an error
// naming the offending triplet; the slices are not retained.
func NewObservations(m, n int, rows, cols []int, vals []float64) (*Observations, error) {
	if m < 1 || n < 1 {
		return nil, fmt.Errorf("completion: matrix size %d×%d must be positive", m, n)
	}
	if len(rows) != len(cols) || len(rows) != len(vals) {
		panic("completion: NewObservations: triplet slices have different lengths")
	}
	nnz := len(vals)
	o := &Observations{m: m, n: n,
		rowPtr: make([]int, m+1), rowCol: make([]int, nnz), rowVal: make([]float64, nnz),
		colPtr: make([]int, n+1), colRow: make([]int, nnz), colVal: make([]float64, nnz)}
	for k := 0; k < nnz; k++ {
		i, j, v := rows[k], cols[k], vals[k]
		if i < 0 || i >= m || j < 0 || j >= n {
			return nil, fmt.Errorf("completion: entry %d: index (%d, %d) out of range for %d×%d", k, i, j, m, n)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("completion: entry %d: value %v at (%d, %d) is not finite", k, v, i, j)
		}
		o.rowPtr[i+1]++
		o.colPtr[j+1]++
	}
	for i := 0; i < m; i++ {
		o.rowPtr[i+1] += o.rowPtr[i]
	}
	for j := 0; j < n; j++ {
		o.colPtr[j+1] += o.colPtr[j]
	}
	// Counting sort by column into the CSC arrays first (stable in k), then
	// scatter from CSC into CSR so that columns within a row come out sorted.
	next := append([]int(nil), o.colPtr[:n]...)
	for k := 0; k < nnz; k++ {
		p := next[cols[k]]
		o.colRow[p] = rows[k]
		o.colVal[p] = vals[k]
		next[cols[k]]++
	}
	next = append(next[:0], o.rowPtr[:m]...)
	for j := 0; j < n; j++ {
		for p := o.colPtr[j]; p < o.colPtr[j+1]; p++ {
			i := o.colRow[p]
			q := next[i]
			o.rowCol[q] = j
			o.rowVal[q] = o.colVal[p]
			next[i]++
		}
	}
	for i := 0; i < m; i++ {
		for q := o.rowPtr[i] + 1; q < o.rowPtr[i+1]; q++ {
			if o.rowCol[q] == o.rowCol[q-1] {
				return nil, fmt.Errorf("%w: (%d, %d) appears more than once", ErrDuplicate, i, o.rowCol[q])
			}
		}
	}
	// Sort rows within each CSC column (they are in input order).
	for j := 0; j < n; j++ {
		a, b := o.colPtr[j], o.colPtr[j+1]
		sort.Sort(byIndex{o.colRow[a:b], o.colVal[a:b]})
	}
	return o, nil
}

type byIndex struct {
	idx []int
	val []float64
}

func (s byIndex) Len() int           { return len(s.idx) }
func (s byIndex) Less(a, b int) bool { return s.idx[a] < s.idx[b] }
func (s byIndex) Swap(a, b int) {
	s.idx[a], s.idx[b] = s.idx[b], s.idx[a]
	s.val[a], s.val[b] = s.val[b], s.val[a]
}

// EmptyRows returns the rows and columns with no observation. Alternating
// minimization leaves their factors at zero (after regularisation) — no
// information exists to set them — and reports them in Result.
func (o *Observations) EmptyRows() (rows, cols []int) {
	for i := 0; i < o.m; i++ {
		if o.rowPtr[i] == o.rowPtr[i+1] {
			rows = append(rows, i)
		}
	}
	for j := 0; j < o.n; j++ {
		if o.colPtr[j] == o.colPtr[j+1] {
			cols = append(cols, j)
		}
	}
	return rows, cols
}

// Split partitions the observations at random into a training set holding
// about (1 − testFraction)·|Ω| entries and a test set with the rest.
func (o *Observations) Split(rng *rand.Rand, testFraction float64) (train, test *Observations) {
	r, c, v := o.Triplets()
	var trR, trC, teR, teC []int
	var trV, teV []float64
	for k := range v {
		if rng.Float64() < testFraction {
			teR, teC, teV = append(teR, r[k]), append(teC, c[k]), append(teV, v[k])
		} else {
			trR, trC, trV = append(trR, r[k]), append(trC, c[k]), append(trV, v[k])
		}
	}
	train, _ = NewObservations(o.m, o.n, trR, trC, trV)
	test, _ = NewObservations(o.m, o.n, teR, teC, teV)
	return train, test
}

// ParseError reports a malformed line of a ratings, triplet or factor file:
// it is matrix.ParseError, kkt's one parse error (File, Line, Err; Line 0
// when the problem concerns the whole file).
type ParseError = matrix.ParseError

// Format names a text format of observed entries.
type Format int

const (
	// FormatCOO is whitespace-separated "i j value" per line, 1-based
	// indices; lines starting with '%' or '#' are comments.
	FormatCOO Format = iota
	// FormatMovieLens is the MovieLens u.data layout "user item rating
	// timestamp" (tab-separated, 1-based ids); the timestamp is ignored.
	FormatMovieLens
)

// Read parses observed entries in the given format. The matrix size is the
// largest row and column index seen. name is used in error messages. A
// repeated (i, j) pair is an error naming both lines.
func Read(r io.Reader, name string, f Format) (*Observations, error) {
	r, err := matrix.Decompress(r, name)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var rows, cols []int
	var vals []float64
	var lines []int
	m, n := 0, 0
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || s[0] == '%' || s[0] == '#' {
			continue
		}
		fs := strings.Fields(s)
		want := 3
		if f == FormatMovieLens {
			want = 4
		}
		if len(fs) != want && !(f == FormatCOO && len(fs) == 3) {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("want %d fields, got %d", want, len(fs))}
		}
		i, err := strconv.Atoi(fs[0])
		if err != nil || i < 1 {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("bad row index %q (1-based positive integer expected)", fs[0])}
		}
		j, err := strconv.Atoi(fs[1])
		if err != nil || j < 1 {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("bad column index %q (1-based positive integer expected)", fs[1])}
		}
		if i > 1<<26 || j > 1<<26 {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("index (%d, %d) too large", i, j)}
		}
		v, err := strconv.ParseFloat(fs[2], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("bad value %q", fs[2])}
		}
		if f == FormatMovieLens {
			if _, err := strconv.ParseInt(fs[3], 10, 64); err != nil {
				return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("bad timestamp %q", fs[3])}
			}
		}
		rows, cols, vals, lines = append(rows, i-1), append(cols, j-1), append(vals, v), append(lines, line)
		if i > m || j > n {
			m, n = max(m, i), max(n, j)
			// The index sets the matrix size: row and column pointers
			// (16 bytes each) and a rank-1 factor pair at the least.
			if err := matrix.CheckAlloc(name, line, fmt.Sprintf("entry (%d, %d) (a %d×%d matrix)", i, j, m, n), matrix.MulBytes(24, int64(m)+int64(n)+2)); err != nil {
				return nil, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: name, Line: line + 1, Err: err}
	}
	if len(vals) == 0 {
		return nil, &ParseError{File: name, Line: 0, Err: errors.New("no entries")}
	}
	if int64(m)*int64(n) > 1<<40 {
		return nil, &ParseError{File: name, Line: 0, Err: fmt.Errorf("matrix %d×%d too large", m, n)}
	}
	o, err := NewObservations(m, n, rows, cols, vals)
	if errors.Is(err, ErrDuplicate) {
		// Name the two lines.
		seen := make(map[[2]int]int, len(vals))
		for k := range vals {
			key := [2]int{rows[k], cols[k]}
			if l, ok := seen[key]; ok {
				return nil, &ParseError{File: name, Line: lines[k], Err: fmt.Errorf("entry (%d, %d) repeats line %d", rows[k]+1, cols[k]+1, l)}
			}
			seen[key] = lines[k]
		}
	}
	if err != nil {
		return nil, &ParseError{File: name, Line: 0, Err: err}
	}
	return o, nil
}

// ReadFile opens and parses path (see Read) through matrix.Open, so gzip
// and bzip2 files are decompressed.
func ReadFile(path string, f Format) (*Observations, error) {
	return matrix.ReadFile(path, func(r io.Reader, name string) (*Observations, error) { return Read(r, name, f) })
}
