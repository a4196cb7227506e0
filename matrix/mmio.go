package matrix

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"
)

// Matrix Market field and symmetry qualifiers understood by the reader.
const (
	mmReal = iota
	mmInteger
	mmPattern
)

const (
	mmGeneral = iota
	mmSymmetric
	mmSkew
)

var (
	mmFieldNames = []string{"real", "integer", "pattern"}
	mmSymNames   = []string{"general", "symmetric", "skew-symmetric"}
)

// mmHeader is the parsed banner and size line.
type mmHeader struct {
	array      bool
	field, sym int
	rows, cols int
	nnz        int // coordinate: entries in the file; array: values in the file
}

// mmData is a parsed file. Coordinate data are expanded to full storage as
// 0-based triplets in file order (the mirror of an off-diagonal entry of a
// symmetric file follows it); array data are a full column-major rows×cols
// array.
type mmData struct {
	h        mmHeader
	ri, ci   []int
	v        []float64
	colMajor []float64
}

// ReadMatrixMarket reads a matrix in Matrix Market exchange format
// (https://math.nist.gov/MatrixMarket/formats.html) and returns it as a CSR
// matrix with sorted column indices. name is used in error messages only.
//
// Supported: format coordinate or array; field real (also written "double"),
// integer or pattern (pattern entries are 1); symmetry general, symmetric or
// skew-symmetric. Symmetric and skew-symmetric files must hold the lower
// triangle only (skew-symmetric: strictly lower), as the format prescribes;
// they are expanded to full storage. Complex and Hermitian matrices are
// rejected. In coordinate files duplicate entries are summed (in file order)
// and explicit zeros are kept as stored entries; in array files zeros are
// dropped. Comment lines (starting with '%') and blank lines are skipped
// anywhere after the banner. Real values may use a Fortran 'D' exponent.
//
// Every problem in the input — a bad banner, an unsupported qualifier, a bad
// size line, an index out of range, a value that is not a finite number, an
// entry above the diagonal of a symmetric file, too many or too few entries —
// is reported as a *ParseError naming the file, the line and the cause.
// The memory the size line implies (row pointers and entries; see
// CheckAlloc) is checked against the memory budget before anything is
// allocated, and refused with a *ParseError at the size line wrapping a
// *BudgetError. Within the budget, memory is still allocated as entries
// arrive, so a short file that claims many entries fails with "truncated"
// after allocating little; nothing is sized by the number of columns.
// Dimensions above MaxDim are rejected.
func ReadMatrixMarket(r io.Reader, name string) (*sparse.CSR, error) {
	d, err := readMM(r, name)
	if err != nil {
		return nil, err
	}
	if d.h.array {
		return colMajorToCSR(d.h.rows, d.h.cols, d.colMajor), nil
	}
	a, err := tripletsToCSR(d.h.rows, d.h.cols, d.ri, d.ci, d.v)
	if err != nil {
		return nil, &ParseError{File: name, Err: err}
	}
	return a, nil
}

// ReadMatrixMarketDense reads a Matrix Market file of either format (see
// ReadMatrixMarket) into a dense matrix; it is meant for right-hand sides and
// small matrices. Coordinate entries are summed into a zero matrix. Both
// dimensions must be positive, and a coordinate file may not describe more
// than MaxDenseElems elements.
func ReadMatrixMarketDense(r io.Reader, name string) (*mat.Dense, error) {
	d, err := readMM(r, name)
	if err != nil {
		return nil, err
	}
	rows, cols := d.h.rows, d.h.cols
	if rows == 0 || cols == 0 {
		return nil, &ParseError{File: name, Err: fmt.Errorf("a %d×%d matrix cannot be stored densely", rows, cols)}
	}
	if d.h.array {
		out := mat.NewDense(rows, cols, nil)
		for j := 0; j < cols; j++ {
			for i := 0; i < rows; i++ {
				out.Set(i, j, d.colMajor[i+j*rows])
			}
		}
		return out, nil
	}
	if rows > maxDenseElems/cols {
		return nil, &ParseError{File: name, Err: fmt.Errorf("%d×%d matrix too large for dense storage (limit %d elements)", rows, cols, maxDenseElems)}
	}
	if err := CheckFloats(name, 0, fmt.Sprintf("a dense %d×%d matrix", rows, cols), rows, cols); err != nil {
		return nil, err
	}
	data := make([]float64, rows*cols)
	for k, i := range d.ri {
		data[i*cols+d.ci[k]] += d.v[k]
	}
	for k, i := range d.ri {
		if v := data[i*cols+d.ci[k]]; math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, &ParseError{File: name, Err: fmt.Errorf("entry (%d,%d) overflows when duplicates are summed", i+1, d.ci[k]+1)}
		}
	}
	return mat.NewDense(rows, cols, data), nil
}

// ReadMatrixMarketFile reads the Matrix Market file at path with
// ReadMatrixMarket (through Open: gzip and bzip2 files are decompressed,
// told by their content).
func ReadMatrixMarketFile(path string) (*sparse.CSR, error) {
	return ReadFile(path, ReadMatrixMarket)
}

// ReadMatrixMarketDenseFile reads the Matrix Market file at path with
// ReadMatrixMarketDense (through Open: gzip and bzip2 files are
// decompressed).
func ReadMatrixMarketDenseFile(path string) (*mat.Dense, error) {
	return ReadFile(path, ReadMatrixMarketDense)
}

// WriteMatrixMarket writes a in Matrix Market coordinate real general
// format, one stored entry per line in storage order, with 1-based indices.
// Values are written with the shortest decimal form that parses back to the
// same float64 (strconv 'g', -1), so a round trip through ReadMatrixMarket
// is exact.
func WriteMatrixMarket(w io.Writer, a *sparse.CSR) error {
	r, c := a.Dims()
	raw := a.RawMatrix()
	nnz := raw.Indptr[r]
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%%%%MatrixMarket matrix coordinate real general\n%d %d %d\n", r, c, nnz)
	var buf []byte
	for i := 0; i < r; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			buf = strconv.AppendInt(buf[:0], int64(i+1), 10)
			buf = append(buf, ' ')
			buf = strconv.AppendInt(buf, int64(raw.Ind[k]+1), 10)
			buf = append(buf, ' ')
			buf = appendFloat(buf, raw.Data[k])
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// WriteMatrixMarketDense writes m in Matrix Market array real general
// format (values in column-major order, one per line, shortest exact
// decimal form).
func WriteMatrixMarketDense(w io.Writer, m mat.Matrix) error {
	r, c := m.Dims()
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%%%%MatrixMarket matrix array real general\n%d %d\n", r, c)
	var buf []byte
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			buf = appendFloat(buf[:0], m.At(i, j))
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// readMM parses a whole Matrix Market stream.
func readMM(r io.Reader, name string) (*mmData, error) {
	lr := newLineReader(r, name)
	h, err := readMMHeader(lr)
	if err != nil {
		return nil, err
	}
	d := &mmData{h: h}
	var flds [][]byte
	count := 0
	for {
		line, ok, err := lr.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if isBlank(line) || line[0] == '%' {
			continue
		}
		if count == h.nnz {
			return nil, lr.errorf("too many entries: the size line announces %d", h.nnz)
		}
		flds = fields(flds, line)
		if h.array {
			err = d.addArrayValue(flds)
		} else {
			err = d.addCoordinate(flds)
		}
		if err != nil {
			return nil, &ParseError{File: name, Line: lr.line, Err: err}
		}
		count++
	}
	if count < h.nnz {
		return nil, &ParseError{File: name, Err: fmt.Errorf("truncated: expected %d entries, got %d", h.nnz, count)}
	}
	if h.array {
		d.expandArray()
	}
	return d, nil
}

func readMMHeader(lr *lineReader) (mmHeader, error) {
	var h mmHeader
	line, ok, err := lr.next()
	if err != nil {
		return h, err
	}
	if !ok {
		return h, &ParseError{File: lr.file, Err: errors.New("empty file: missing %%MatrixMarket banner")}
	}
	f := fields(nil, line)
	if len(f) == 0 || !bytes.EqualFold(f[0], []byte("%%MatrixMarket")) {
		return h, lr.errorf("missing %%%%MatrixMarket banner")
	}
	if len(f) != 5 {
		return h, lr.errorf("banner must be %%%%MatrixMarket object format field symmetry, got %d words", len(f))
	}
	lower := func(b []byte) string { return string(bytes.ToLower(b)) }
	if o := lower(f[1]); o != "matrix" {
		return h, lr.errorf("unsupported object %q (only matrix)", f[1])
	}
	switch lower(f[2]) {
	case "coordinate":
	case "array":
		h.array = true
	default:
		return h, lr.errorf("unsupported format %q (coordinate or array)", f[2])
	}
	switch lower(f[3]) {
	case "real", "double":
		h.field = mmReal
	case "integer":
		h.field = mmInteger
	case "pattern":
		if h.array {
			return h, lr.errorf("field pattern is not allowed with array format")
		}
		h.field = mmPattern
	case "complex":
		return h, lr.errorf("unsupported field complex: kkt reads real matrices only")
	default:
		return h, lr.errorf("unsupported field %q (real, integer or pattern)", f[3])
	}
	switch lower(f[4]) {
	case "general":
		h.sym = mmGeneral
	case "symmetric":
		h.sym = mmSymmetric
	case "skew-symmetric":
		h.sym = mmSkew
	case "hermitian":
		return h, lr.errorf("unsupported symmetry hermitian: kkt reads real matrices only")
	default:
		return h, lr.errorf("unsupported symmetry %q (general, symmetric or skew-symmetric)", f[4])
	}
	// Comments, then the size line.
	for {
		line, ok, err = lr.next()
		if err != nil {
			return h, err
		}
		if !ok {
			return h, &ParseError{File: lr.file, Err: errors.New("truncated: missing size line")}
		}
		if !isBlank(line) && line[0] != '%' {
			break
		}
	}
	f = fields(f, line)
	want := 3
	if h.array {
		want = 2
	}
	if len(f) != want {
		return h, lr.errorf("bad size line %q: want %d integers for %s format", line, want, map[bool]string{false: "coordinate", true: "array"}[h.array])
	}
	if h.rows, err = parseIndex(f[0], maxDim); err != nil {
		return h, lr.errorf("bad size line: rows: %v", err)
	}
	if h.cols, err = parseIndex(f[1], maxDim); err != nil {
		return h, lr.errorf("bad size line: columns: %v", err)
	}
	if h.sym != mmGeneral && h.rows != h.cols {
		return h, lr.errorf("%s matrix must be square, got %d×%d", mmSymNames[h.sym], h.rows, h.cols)
	}
	// Largest number of entries the file can hold.
	n := h.rows
	capacity := h.rows * h.cols // ≤ 2⁵⁶, no overflow
	switch h.sym {
	case mmSymmetric:
		capacity = n * (n + 1) / 2
	case mmSkew:
		capacity = n * (n - 1) / 2
	}
	if h.array {
		h.nnz = capacity
		// The values, their full (expanded) array and the CSR copy.
		if err := CheckAlloc(lr.file, lr.line, fmt.Sprintf("a %d×%d dense Matrix Market array", h.rows, h.cols), MulBytes(3, int64(h.rows), int64(h.cols), 8)); err != nil {
			return h, err
		}
		return h, nil
	}
	if h.nnz, err = parseIndex(f[2], math.MaxInt64/2); err != nil {
		return h, lr.errorf("bad size line: entries: %v", err)
	}
	if h.nnz > capacity {
		return h, lr.errorf("bad size line: %d entries cannot fit a %d×%d %s matrix (at most %d)", h.nnz, h.rows, h.cols, mmSymNames[h.sym], capacity)
	}
	// Row pointers and their cursor (16 bytes a row), and per stored entry
	// the triplet and its CSR copy (48 bytes, twice for a mirrored entry).
	stored := int64(h.nnz)
	if h.sym != mmGeneral {
		stored = MulBytes(stored, 2)
	}
	need := MulBytes(16, int64(h.rows)+1)
	if e := MulBytes(48, stored); need < math.MaxInt64-e {
		need += e
	} else {
		need = math.MaxInt64
	}
	if err := CheckAlloc(lr.file, lr.line, fmt.Sprintf("a %d×%d sparse matrix with %d entries", h.rows, h.cols, h.nnz), need); err != nil {
		return h, err
	}
	return h, nil
}

// addCoordinate parses one coordinate entry line and appends it (and its
// mirror for symmetric storage) to d.
func (d *mmData) addCoordinate(f [][]byte) error {
	h := &d.h
	want := 3
	if h.field == mmPattern {
		want = 2
	}
	if len(f) != want {
		return fmt.Errorf("want %d fields (row col%s) for a %s entry, got %d", want, map[bool]string{true: "", false: " value"}[want == 2], mmFieldNames[h.field], len(f))
	}
	i, err := parseIndex(f[0], maxDim)
	if err != nil {
		return fmt.Errorf("row index: %v", err)
	}
	j, err := parseIndex(f[1], maxDim)
	if err != nil {
		return fmt.Errorf("column index: %v", err)
	}
	if i < 1 || i > h.rows {
		return fmt.Errorf("row index %d out of range [1, %d]", i, h.rows)
	}
	if j < 1 || j > h.cols {
		return fmt.Errorf("column index %d out of range [1, %d]", j, h.cols)
	}
	v := 1.0
	if want == 3 {
		if v, err = parseValue(f[2], h.field); err != nil {
			return err
		}
	}
	i--
	j--
	switch h.sym {
	case mmSymmetric:
		if j > i {
			return fmt.Errorf("entry (%d,%d) above the diagonal in a symmetric file (only the lower triangle may be stored)", i+1, j+1)
		}
	case mmSkew:
		if j >= i {
			return fmt.Errorf("entry (%d,%d) on or above the diagonal in a skew-symmetric file (only the strictly lower triangle may be stored)", i+1, j+1)
		}
	}
	d.ri = append(d.ri, i)
	d.ci = append(d.ci, j)
	d.v = append(d.v, v)
	if h.sym != mmGeneral && i != j {
		if h.sym == mmSkew {
			v = -v
		}
		d.ri = append(d.ri, j)
		d.ci = append(d.ci, i)
		d.v = append(d.v, v)
	}
	return nil
}

func parseValue(b []byte, field int) (float64, error) {
	if field == mmInteger {
		return parseInteger(b)
	}
	return parseFloat(b)
}

// addArrayValue parses one value line of an array file.
func (d *mmData) addArrayValue(f [][]byte) error {
	if len(f) != 1 {
		return fmt.Errorf("want 1 value per line in array format, got %d fields", len(f))
	}
	v, err := parseValue(f[0], d.h.field)
	if err != nil {
		return err
	}
	d.v = append(d.v, v)
	return nil
}

// expandArray turns the values of an array file (column-major, lower
// triangle for symmetric storage) into a full column-major array.
func (d *mmData) expandArray() {
	h := &d.h
	if h.sym == mmGeneral {
		d.colMajor, d.v = d.v, nil
		return
	}
	n := h.rows
	full := make([]float64, n*n)
	k := 0
	for j := 0; j < n; j++ {
		lo := j
		if h.sym == mmSkew {
			lo = j + 1
		}
		for i := lo; i < n; i++ {
			v := d.v[k]
			k++
			full[i+j*n] = v
			if h.sym == mmSkew {
				v = -v
			}
			if i != j {
				full[j+i*n] = v
			}
		}
	}
	d.colMajor, d.v = full, nil
}

// colMajorToCSR converts a full column-major array to CSR, dropping zeros.
func colMajorToCSR(rows, cols int, a []float64) *sparse.CSR {
	b := newBuilder(rows, cols, 0)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if v := a[i+j*rows]; v != 0 {
				b.add(j, v)
			}
		}
		b.endRow()
	}
	return b.csr()
}

// tripletsToCSR builds a CSR matrix with sorted column indices from 0-based
// triplets, summing duplicates in their input order. It fails if a sum
// overflows to ±Inf. It allocates O(rows + nnz) memory and nothing sized by
// cols: entries are bucketed by row (a counting sort), then each row is
// sorted by column with a stable sort (rows already in order cost one pass).
func tripletsToCSR(rows, cols int, ri, ci []int, v []float64) (*sparse.CSR, error) {
	nnz := len(v)
	indptr := make([]int, rows+1)
	for _, i := range ri {
		indptr[i+1]++
	}
	for i := 0; i < rows; i++ {
		indptr[i+1] += indptr[i]
	}
	next := make([]int, rows)
	copy(next, indptr[:rows])
	ind := make([]int, nnz)
	data := make([]float64, nnz)
	for k, i := range ri {
		p := next[i]
		ind[p] = ci[k]
		data[p] = v[k]
		next[i]++
	}
	next = nil
	var tmp []colVal
	for i := 0; i < rows; i++ {
		lo, hi := indptr[i], indptr[i+1]
		sorted := true
		for k := lo + 1; k < hi; k++ {
			if ind[k] < ind[k-1] {
				sorted = false
				break
			}
		}
		if sorted {
			continue
		}
		tmp = tmp[:0]
		for k := lo; k < hi; k++ {
			tmp = append(tmp, colVal{ind[k], data[k]})
		}
		slices.SortStableFunc(tmp, func(a, b colVal) int { return cmp.Compare(a.j, b.j) })
		for k, e := range tmp {
			ind[lo+k], data[lo+k] = e.j, e.v
		}
	}
	// Sum duplicates, compacting in place.
	out := 0
	start := 0
	for i := 0; i < rows; i++ {
		end := indptr[i+1]
		rowStart := out
		for k := start; k < end; k++ {
			if out > rowStart && ind[out-1] == ind[k] {
				data[out-1] += data[k]
				if math.IsInf(data[out-1], 0) {
					return nil, fmt.Errorf("entry (%d,%d) overflows when duplicates are summed", i+1, ind[k]+1)
				}
				continue
			}
			ind[out] = ind[k]
			data[out] = data[k]
			out++
		}
		start = end
		indptr[i+1] = out
	}
	return sparse.NewCSR(rows, cols, indptr, ind[:out:out], data[:out:out]), nil
}

type colVal struct {
	j int
	v float64
}
