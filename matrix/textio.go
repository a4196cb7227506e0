package matrix

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ParseError reports malformed input in a file: kkt's one parse error, used
// by every reader (Matrix Market, LIBSVM, dense CSV and IDX here; ratings and
// factor files in matrix/completion; SIF in cutest, whose ParseError is this
// type; the readers of sinkhorn and dag). Line is the 1-based line number, or
// 0 when the problem is not tied to one line (a truncated file, a binary
// format: Err then names the byte offset). errors.As(err, &pe) with
// pe *matrix.ParseError finds it wherever a package wraps it, and errors.Is
// sees through it to the cause (ErrTooLarge, ErrNoData, ...).
type ParseError struct {
	File string
	Line int
	Err  error
}

// Error returns "file:line: cause", or "file: cause" when Line is 0.
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the underlying cause.
func (e *ParseError) Unwrap() error { return e.Err }

// MaxDim is the largest number of rows or columns (and the largest LIBSVM
// feature index) the readers accept. It bounds the memory a small malicious
// header can make a reader allocate: a CSR matrix needs 8·(rows+1) bytes for
// its row pointers whatever its number of entries.
const MaxDim = 1 << 28

// MaxDenseElems is the largest rows·cols that ReadMatrixMarketDense will
// allocate for a coordinate file (2 GiB of float64).
const MaxDenseElems = 1 << 28

// limits used by the readers; the fuzz tests lower them so that a fuzzed
// header cannot make every iteration allocate gigabytes.
var (
	maxDim        = MaxDim
	maxDenseElems = MaxDenseElems
)

// MaxLineBytes is the longest line the Matrix Market and LIBSVM readers
// accept (a LIBSVM example with 10⁶ non-zero features takes about 20 MB).
const MaxLineBytes = 256 << 20

// lineReader returns the lines of r one by one without their line
// terminator ("\n" or "\r\n"), counting them from 1. Lines of any length
// are accepted. A gzip- or bzip2-compressed r is decompressed (Decompress),
// so every text reader of the package takes compressed streams too.
type lineReader struct {
	r    *bufio.Reader
	file string
	line int
	buf  []byte
	eof  bool
	err  error // from Decompress, returned by the first next
}

func newLineReader(r io.Reader, file string) *lineReader {
	lr := &lineReader{file: file}
	d, err := Decompress(r, file)
	if err != nil {
		lr.err, lr.eof = err, true
		return lr
	}
	if br, ok := d.(*bufio.Reader); ok {
		lr.r = br
	} else {
		lr.r = bufio.NewReaderSize(d, 64<<10)
	}
	return lr
}

// next returns the next line, or ok == false at the end of the input. A read
// error other than io.EOF is returned as a *ParseError.
func (lr *lineReader) next() (line []byte, ok bool, err error) {
	if lr.eof {
		err, lr.err = lr.err, nil
		return nil, false, err
	}
	lr.buf = lr.buf[:0]
	for {
		frag, e := lr.r.ReadSlice('\n')
		if bytes.IndexByte(frag, 0) >= 0 {
			lr.eof = true
			return nil, false, &ParseError{File: lr.file, Line: lr.line + 1, Err: errors.New("NUL byte: binary data, not a text file")}
		}
		if e == bufio.ErrBufferFull {
			lr.buf = append(lr.buf, frag...)
			if len(lr.buf) > MaxLineBytes {
				lr.eof = true
				return nil, false, &ParseError{File: lr.file, Line: lr.line + 1, Err: fmt.Errorf("line longer than %d bytes", MaxLineBytes)}
			}
			continue
		}
		if len(lr.buf) > 0 {
			lr.buf = append(lr.buf, frag...)
			frag = lr.buf
		}
		if e != nil {
			lr.eof = true
			if e != io.EOF {
				return nil, false, &ParseError{File: lr.file, Line: lr.line + 1, Err: fmt.Errorf("read error: %w", e)}
			}
			if len(frag) == 0 {
				return nil, false, nil
			}
		}
		lr.line++
		n := len(frag)
		if n > 0 && frag[n-1] == '\n' {
			n--
		}
		if n > 0 && frag[n-1] == '\r' {
			n--
		}
		return frag[:n], true, nil
	}
}

func (lr *lineReader) errorf(format string, args ...any) error {
	return &ParseError{File: lr.file, Line: lr.line, Err: fmt.Errorf(format, args...)}
}

// fields splits b at runs of spaces and tabs into dst (reused) and returns it.
func fields(dst [][]byte, b []byte) [][]byte {
	dst = dst[:0]
	i := 0
	for i < len(b) {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i == len(b) {
			break
		}
		j := i
		for j < len(b) && !isSpace(b[j]) {
			j++
		}
		dst = append(dst, b[i:j])
		i = j
	}
	return dst
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' }

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// parseIndex parses a decimal non-negative integer (an optional leading '+'
// is allowed) that must not exceed limit.
func parseIndex(b []byte, limit int) (int, error) {
	s := b
	if len(s) > 0 && s[0] == '+' {
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, fmt.Errorf("bad integer %q", b)
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad integer %q", b)
		}
		n = n*10 + int(c-'0')
		if n > limit {
			return 0, fmt.Errorf("integer %q too large (limit %d)", b, limit)
		}
	}
	return n, nil
}

// parseFloat parses a finite real number. Fortran exponents (1.0D+00) are
// accepted; NaN, ±Inf and values that overflow float64 are errors.
func parseFloat(b []byte) (float64, error) {
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		if i := strings.IndexAny(string(b), "dD"); i > 0 && !strings.ContainsAny(string(b), "xX") {
			s := []byte(string(b))
			s[i] = 'e'
			if v2, err2 := strconv.ParseFloat(string(s), 64); err2 == nil {
				v, err = v2, nil
			}
		}
	}
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("number %q out of float64 range", b)
		}
		return 0, fmt.Errorf("bad number %q", b)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("non-finite value %q", b)
	}
	return v, nil
}

// parseInteger parses an integer-field value exactly and returns it as a
// float64. Integers beyond ±2⁵³ are rejected because float64 cannot hold
// them exactly.
func parseInteger(b []byte) (float64, error) {
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad integer %q", b)
	}
	if v > 1<<53 || v < -(1<<53) {
		return 0, fmt.Errorf("integer %q not exactly representable as float64", b)
	}
	return float64(v), nil
}

// appendFloat formats v with the shortest decimal representation that
// parses back to exactly v.
func appendFloat(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}
