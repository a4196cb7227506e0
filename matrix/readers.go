package matrix

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// The reader layer every kkt package uses for its input files: compression
// detected by magic bytes (Decompress, Open), dense CSV (ReadDenseCSV), IDX
// (ReadIDX), and one error type for malformed input (ParseError, naming file
// and line), with the memory budget (CheckAlloc) consulted before any
// allocation whose size a header declares.

// Decompress returns r decompressed when its first bytes are the gzip magic
// (1f 8b 08) or the bzip2 magic ("BZh" and a block size 1–9), and r
// (buffered) otherwise. The format is told by content, not by the file's
// name. A corrupt gzip header is a *ParseError naming name; later
// decompression errors surface from Read (the parsers report them as read
// errors with the line).
func Decompress(r io.Reader, name string) (io.Reader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	head, _ := br.Peek(4)
	switch {
	case len(head) >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8:
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, &ParseError{File: name, Err: fmt.Errorf("bad gzip header: %w", err)}
		}
		return z, nil
	case len(head) == 4 && bytes.HasPrefix(head, []byte("BZh")) && head[3] >= '1' && head[3] <= '9':
		return bzip2.NewReader(br), nil
	}
	return br, nil
}

// Open opens path for reading through Decompress: a gzip- or
// bzip2-compressed file is decompressed whatever its name. Close closes the
// file.
func Open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := Decompress(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	return readCloser{r, f}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// ReadFile opens path (see Open) and parses it with read, which receives
// path as the name to put in its errors. Every FILE variant of kkt's
// readers is this.
func ReadFile[T any](path string, read func(r io.Reader, name string) (T, error)) (T, error) {
	r, err := Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer r.Close()
	return read(r, path)
}

// ErrNoData is wrapped (inside a *ParseError) by the readers when a file
// holds no data rows.
var ErrNoData = errors.New("no data rows")

// CSVOptions configures ReadDenseCSV.
type CSVOptions struct {
	// Header accepts a first data line none of whose fields is a number as
	// the column names (returned by ReadDenseCSV). A first line mixing
	// numbers and names is an error either way (a typo, not a header).
	// Without Header a line of names is an error.
	Header bool
}

// ReadDenseCSV reads a dense matrix of finite numbers written one row per
// line. A line holding a comma or a semicolon is split at those (every
// field trimmed of blanks and of surrounding double quotes; an empty field
// is an error); any other line is split at runs of blanks and tabs. Blank
// lines and lines starting with '#' are skipped; "\r\n" endings and a UTF-8
// byte-order mark are accepted. Every row must have the same number of
// fields. Errors are *ParseError values naming name, the 1-based line and the
// column; a file without data rows wraps ErrNoData. The matrix grows with the
// data present, so no header can make the reader allocate beyond the input.
func ReadDenseCSV(r io.Reader, name string, opt CSVOptions) (*mat.Dense, []string, error) {
	lr := newLineReader(r, name)
	var header []string
	var data []float64
	var fs []string
	cols, rows := -1, 0
	for {
		b, ok, err := lr.next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		if lr.line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		text := strings.TrimSpace(string(b))
		if text == "" || text[0] == '#' {
			continue
		}
		fs = splitCSV(fs[:0], text)
		if cols < 0 && header == nil && opt.Header && !anyNumber(fs) {
			for k, f := range fs {
				if f == "" {
					return nil, nil, lr.errorf("header column %d is empty", k+1)
				}
			}
			header = append([]string(nil), fs...)
			cols = len(fs)
			continue
		}
		if cols >= 0 && len(fs) != cols {
			return nil, nil, lr.errorf("ragged row: %d columns, previous rows have %d", len(fs), cols)
		}
		if cols < 0 && !anyNumber(fs) {
			return nil, nil, lr.errorf("column 1: not a number: %q (a header line? none is expected here)", fs[0])
		}
		for k, f := range fs {
			if f == "" {
				return nil, nil, lr.errorf("column %d is empty", k+1)
			}
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				var ne *strconv.NumError
				if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
					return nil, nil, lr.errorf("column %d: non-finite value %q (out of float64 range)", k+1, f)
				}
				if opt.Header && rows == 0 && header == nil && !allNumbers(fs) {
					return nil, nil, lr.errorf("column %d: not a number: %q, while other columns of the line are numbers: neither a header (all names) nor a data row", k+1, f)
				}
				return nil, nil, lr.errorf("column %d: not a number: %q", k+1, f)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, lr.errorf("column %d: non-finite value %q", k+1, f)
			}
			data = append(data, v)
		}
		cols = len(fs)
		rows++
	}
	if rows == 0 {
		return nil, nil, &ParseError{File: name, Err: ErrNoData}
	}
	return mat.NewDense(rows, cols, data), header, nil
}

// splitCSV splits a line (see ReadDenseCSV) into dst.
func splitCSV(dst []string, text string) []string {
	if !strings.ContainsAny(text, ",;") {
		return append(dst, strings.Fields(text)...)
	}
	for {
		i := strings.IndexAny(text, ",;")
		f := text
		if i >= 0 {
			f = text[:i]
		}
		dst = append(dst, strings.Trim(strings.TrimSpace(f), `"`))
		if i < 0 {
			return dst
		}
		text = text[i+1:]
	}
}

func isNumber(f string) bool {
	_, err := strconv.ParseFloat(f, 64)
	return err == nil
}

func anyNumber(fs []string) bool {
	for _, f := range fs {
		if isNumber(f) {
			return true
		}
	}
	return false
}

func allNumbers(fs []string) bool {
	for _, f := range fs {
		if !isNumber(f) {
			return false
		}
	}
	return true
}

// IDX is an array of unsigned bytes read from an IDX file (the format of
// the MNIST files): Dims are its dimensions, outermost first, and Data its
// elements in row-major order.
type IDX struct {
	Dims []int
	Data []byte
}

// MaxIDXElems bounds the number of elements ReadIDX accepts (2 GiB of
// bytes), whatever the memory budget.
const MaxIDXElems = 1 << 31

// ReadIDX reads an IDX array of unsigned bytes (magic 00 00 08 nd, nd
// big-endian uint32 sizes, then the bytes), gzip- or bzip2-compressed or
// not (Decompress). rank > 0 requires nd = rank, checked on the header
// before any data is read; rank = 0 accepts 1 ≤ nd ≤ 4. The memory budget
// is checked for 9 bytes an element (the bytes, and the float64 or int
// value a caller makes of each) before the data are read, and memory then
// grows with the data present, not with what the header claims. Errors are
// *ParseError values naming name and the byte offset in the
// (decompressed) stream.
func ReadIDX(r io.Reader, name string, rank int) (*IDX, error) {
	fail := func(off int, format string, args ...any) error {
		return &ParseError{File: name, Err: fmt.Errorf("offset %d: %s", off, fmt.Sprintf(format, args...))}
	}
	br, err := Decompress(r, name)
	if err != nil {
		return nil, err
	}
	var hdr [4]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, fail(0, "short IDX header: %v", err)
	}
	nd := int(hdr[3])
	if hdr[0] != 0 || hdr[1] != 0 || hdr[2] != 0x08 {
		return nil, fail(0, "magic %#x, want 0x8%02x (IDX unsigned bytes)", binary.BigEndian.Uint32(hdr[:]), max(rank, 1))
	}
	if rank > 0 && nd != rank {
		return nil, fail(0, "magic %#x, want %#x (IDX unsigned bytes, %d dimensions)", binary.BigEndian.Uint32(hdr[:]), 0x800+rank, rank)
	}
	if nd < 1 || nd > 4 {
		return nil, fail(3, "%d dimensions, want 1…4", nd)
	}
	dims := make([]int, nd)
	total := int64(1)
	for i := range dims {
		var d [4]byte
		if _, err := io.ReadFull(br, d[:]); err != nil {
			return nil, fail(4+4*i, "size of dimension %d: %v", i, err)
		}
		dims[i] = int(binary.BigEndian.Uint32(d[:]))
		total = MulBytes(total, int64(max(dims[i], 1)))
		if dims[i] == 0 {
			total = 0
		}
		if total > MaxIDXElems {
			return nil, fail(4+4*i, "%v elements is too large (limit %d)", dims[:i+1], MaxIDXElems)
		}
	}
	shape := strings.Trim(strings.ReplaceAll(fmt.Sprint(dims), " ", "×"), "[]")
	if err := CheckAlloc(name, 0, fmt.Sprintf("offset 4: an IDX array of %s bytes", shape), MulBytes(total, 9)); err != nil {
		return nil, err
	}
	off := 4 + 4*nd
	data, err := io.ReadAll(io.LimitReader(br, total))
	if err == nil && int64(len(data)) < total {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, fail(off+len(data), "data truncated: %d bytes expected, %d present: %v", total, len(data), err)
	}
	return &IDX{Dims: dims, Data: data}, nil
}
