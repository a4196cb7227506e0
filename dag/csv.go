package dag

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// ReadCSV reads a numeric matrix from comma-separated text: one row per line,
// the same number of fields on every line, optionally preceded by a header
// row (detected when no field of the first non-empty line is a number; a
// line mixing numbers and non-numbers is an error, not a header). Empty
// fields are errors. Blank lines are skipped; fields are trimmed of spaces and
// surrounding double quotes. NaN and Inf entries are rejected. Errors name
// the source, the 1-based line and column and the cause. The header (nil
// when absent) is returned with the matrix.
func ReadCSV(r io.Reader, name string) (*mat.Dense, []string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 64<<20)
	var header []string
	var data []float64
	cols, rows, line := -1, 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields := strings.Split(text, ",")
		for k := range fields {
			fields[k] = strings.Trim(strings.TrimSpace(fields[k]), `"`)
		}
		if cols < 0 {
			cols = len(fields)
			if header == nil && rows == 0 && !allNumeric(fields) {
				// A header names every column: a first line mixing numbers
				// and non-numbers is a data row with a typo, not a header.
				for k, f := range fields {
					if _, err := strconv.ParseFloat(f, 64); err == nil {
						return nil, nil, fmt.Errorf("%s:%d: column %d is the number %q but other fields of the line are not numbers: neither a header (all names) nor a data row", name, line, k+1, f)
					}
					if f == "" {
						return nil, nil, fmt.Errorf("%s:%d: header column %d is empty", name, line, k+1)
					}
				}
				header = fields
				continue
			}
		}
		if len(fields) != cols {
			return nil, nil, fmt.Errorf("%s:%d: ragged row: %d fields, expected %d", name, line, len(fields), cols)
		}
		for k, f := range fields {
			if f == "" {
				return nil, nil, fmt.Errorf("%s:%d: column %d is empty", name, line, k+1)
			}
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s:%d: column %d: not a number: %q", name, line, k+1, f)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("%s:%d: column %d: non-finite value %q", name, line, k+1, f)
			}
			data = append(data, v)
		}
		rows++
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if rows == 0 {
		return nil, nil, fmt.Errorf("%s: %w", name, errNoRows)
	}
	return mat.NewDense(rows, cols, data), header, nil
}

var errNoRows = errors.New("no numeric rows")

func allNumeric(fields []string) bool {
	for _, f := range fields {
		if _, err := strconv.ParseFloat(f, 64); err != nil {
			return false
		}
	}
	return true
}

// WriteCSV writes m as comma-separated text with full float64 precision,
// preceded by header when it is not nil.
func WriteCSV(w io.Writer, m mat.Matrix, header []string) error {
	bw := bufio.NewWriter(w)
	r, c := m.Dims()
	if header != nil {
		if len(header) != c {
			panic("dag: WriteCSV header length mismatch")
		}
		bw.WriteString(strings.Join(header, ","))
		bw.WriteByte('\n')
	}
	buf := make([]byte, 0, 32)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if j > 0 {
				bw.WriteByte(',')
			}
			buf = strconv.AppendFloat(buf[:0], m.At(i, j), 'g', -1, 64)
			bw.Write(buf)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
