package dag

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/kkt-go/kkt/matrix"
	"gonum.org/v1/gonum/mat"
)

// ReadCSV reads a numeric matrix from comma-separated text with
// matrix.ReadDenseCSV (kkt's one dense CSV reader): one row per line, the
// same number of fields on every line, optionally preceded by a header row
// (a first line none of whose fields is a number; a line mixing numbers and
// non-numbers is an error, not a header). Empty fields are errors. Blank
// lines and lines starting with '#' are skipped; fields are trimmed of
// spaces and surrounding double quotes; a line without commas may separate
// its numbers by blanks; compressed input is decompressed. NaN and Inf
// entries are rejected. Errors are *matrix.ParseError values naming the
// source, the 1-based line, the field and the cause. The header (nil when
// absent) is returned with the matrix.
func ReadCSV(r io.Reader, name string) (*mat.Dense, []string, error) {
	return matrix.ReadDenseCSV(r, name, matrix.CSVOptions{Header: true})
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
