package matrix

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/james-bowman/sparse"
)

// Dataset is a labelled data set: row i of X is example i, Y[i] its label.
type Dataset struct {
	X    *sparse.CSR
	Y    []float64
	Name string
}

// LabelMode selects how ReadLIBSVM treats the labels.
type LabelMode int

const (
	// LabelsAsGiven keeps the labels exactly as written (the default).
	LabelsAsGiven LabelMode = iota
	// LabelsPlusMinusOne maps a two-class label set to −1/+1, the smaller
	// label to −1: {−1,1}, {0,1}, {1,2} and {2,4} (breast-cancer) all become
	// {−1,+1}. More than two distinct labels is an error; a file with a
	// single label value is accepted only when that value is −1 or +1.
	LabelsPlusMinusOne
	// LabelsZeroOne maps a two-class label set to 0/1, the smaller label to
	// 0. A single label value is accepted only when it is 0 or 1.
	LabelsZeroOne
)

// LIBSVMOptions controls ReadLIBSVM. The zero value reads labels as given
// and sizes the feature space by the largest index seen.
type LIBSVMOptions struct {
	// NumFeatures is the number of columns of X. Zero means the largest
	// feature index in the file; when positive, a larger index is an error
	// (use it to read a test file in the feature space of its training file).
	NumFeatures int
	// Labels selects the label convention.
	Labels LabelMode
}

// ReadLIBSVM reads a data set in the LIBSVM/SVMlight sparse text format,
//
//	label [qid:n] index:value index:value ... [# comment]
//
// with 1-based, strictly increasing feature indices (as LIBSVM's own
// svm-train requires; an index that repeats or goes down is an error rather
// than being sorted silently). qid tokens and everything after '#' are
// ignored; blank lines are skipped; a line holding only a label is an
// example with no non-zero features. Explicit zero values are kept as stored
// entries. Labels and values must be finite numbers. Every malformed line is
// reported as a *ParseError naming name and the line number. name also
// becomes the Dataset's Name. A feature index (or NumFeatures) whose dense
// vector of 8·index bytes is over the memory budget is refused at its line
// (see CheckAlloc): every consumer allocates such vectors.
func ReadLIBSVM(r io.Reader, name string, opt LIBSVMOptions) (*Dataset, error) {
	if opt.NumFeatures < 0 {
		panic("matrix: ReadLIBSVM: negative NumFeatures")
	}
	if err := CheckFloats(name, 0, fmt.Sprintf("NumFeatures = %d (a dense vector of %d features)", opt.NumFeatures, opt.NumFeatures), opt.NumFeatures); err != nil {
		return nil, err
	}
	if opt.Labels < LabelsAsGiven || opt.Labels > LabelsZeroOne {
		panic("matrix: ReadLIBSVM: unknown LabelMode")
	}
	limit := maxDim
	if opt.NumFeatures > 0 {
		limit = opt.NumFeatures
	}
	lr := newLineReader(r, name)
	var (
		flds   [][]byte
		y      []float64
		indptr = []int{0}
		ind    []int
		data   []float64
		maxIdx int
		// distinct labels (at most 3 kept) for the label mappings
		classes []float64
	)
	for {
		line, ok, err := lr.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if c := bytes.IndexByte(line, '#'); c >= 0 {
			line = line[:c]
		}
		flds = fields(flds, line)
		if len(flds) == 0 {
			continue
		}
		label, err := parseFloat(flds[0])
		if err != nil {
			return nil, lr.errorf("label: %v", err)
		}
		if opt.Labels != LabelsAsGiven && !slices.Contains(classes, label) {
			classes = append(classes, label)
			if len(classes) > 2 {
				slices.Sort(classes)
				return nil, lr.errorf("label %s is a third class (labels seen: %s); two-class label mapping needs exactly two distinct labels", fmtFloat(label), fmtFloats(classes))
			}
		}
		prev := 0
		for _, tok := range flds[1:] {
			if bytes.HasPrefix(tok, []byte("qid:")) {
				continue
			}
			colon := bytes.IndexByte(tok, ':')
			if colon < 0 {
				return nil, lr.errorf("feature %q is not index:value", tok)
			}
			idx, err := parseIndex(tok[:colon], limit)
			if err != nil {
				if opt.NumFeatures > 0 {
					return nil, lr.errorf("feature index: %v (NumFeatures = %d)", err, opt.NumFeatures)
				}
				return nil, lr.errorf("feature index: %v", err)
			}
			if idx < 1 {
				return nil, lr.errorf("feature index %d < 1 (indices are 1-based)", idx)
			}
			if idx <= prev {
				return nil, lr.errorf("feature indices not strictly increasing: %d after %d", idx, prev)
			}
			prev = idx
			if idx > maxIdx && opt.NumFeatures == 0 {
				// Every consumer holds dense vectors over the features
				// (weights, gradients); refuse a feature space whose
				// single vector is over the memory budget.
				if err := CheckFloats(name, lr.line, fmt.Sprintf("feature index %d (a dense vector of %d features)", idx, idx), idx); err != nil {
					return nil, err
				}
				maxIdx = idx
			}
			v, err := parseFloat(tok[colon+1:])
			if err != nil {
				return nil, lr.errorf("feature %d: %v", idx, err)
			}
			ind = append(ind, idx-1)
			data = append(data, v)
		}
		maxIdx = max(maxIdx, prev)
		y = append(y, label)
		indptr = append(indptr, len(ind))
	}
	if err := mapLabels(y, classes, opt.Labels); err != nil {
		return nil, &ParseError{File: name, Err: err}
	}
	cols := maxIdx
	if opt.NumFeatures > 0 {
		cols = opt.NumFeatures
	}
	x := sparse.NewCSR(len(y), cols, indptr, ind, data)
	return &Dataset{X: x, Y: y, Name: name}, nil
}

// mapLabels rewrites y in place for the two-class label modes.
func mapLabels(y, classes []float64, mode LabelMode) error {
	if mode == LabelsAsGiven || len(classes) == 0 {
		return nil
	}
	lo, hi := -1.0, 1.0
	if mode == LabelsZeroOne {
		lo = 0
	}
	if len(classes) == 1 {
		if c := classes[0]; c != lo && c != hi {
			return fmt.Errorf("only one label value (%s) in the file: cannot tell which of %s/%s it is", fmtFloat(c), fmtFloat(lo), fmtFloat(hi))
		}
		return nil
	}
	small := min(classes[0], classes[1])
	for i, v := range y {
		if v == small {
			y[i] = lo
		} else {
			y[i] = hi
		}
	}
	return nil
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func fmtFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmtFloat(x)
	}
	return strings.Join(s, ", ")
}

// ReadLIBSVMFile reads the LIBSVM file at path with ReadLIBSVM (through
// Open: gzip and bzip2 files are decompressed, told by their content). Errors name path; the Dataset's
// Name is the base name without the compression suffix.
func ReadLIBSVMFile(path string, opt LIBSVMOptions) (*Dataset, error) {
	ds, err := ReadFile(path, func(r io.Reader, name string) (*Dataset, error) {
		return ReadLIBSVM(r, name, opt)
	})
	if err != nil {
		return nil, err
	}
	base := filepath.Base(path)
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".bz2"), ".gz")
	ds.Name = base
	return ds, nil
}

// WriteLIBSVM writes d in LIBSVM format: one line per row of X, the label
// then the stored entries as 1-based index:value pairs in storage order.
// Numbers use the shortest decimal form that parses back exactly, so
// ReadLIBSVM (with NumFeatures set to the column count of X) reproduces d.
// The columns of each row of X must be strictly increasing for the output to
// be readable.
func WriteLIBSVM(w io.Writer, d *Dataset) error {
	r, _ := d.X.Dims()
	if len(d.Y) != r {
		panic("matrix: WriteLIBSVM: len(Y) != rows of X")
	}
	raw := d.X.RawMatrix()
	bw := bufio.NewWriter(w)
	var buf []byte
	for i := 0; i < r; i++ {
		buf = appendFloat(buf[:0], d.Y[i])
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			buf = append(buf, ' ')
			buf = strconv.AppendInt(buf, int64(raw.Ind[k]+1), 10)
			buf = append(buf, ':')
			buf = appendFloat(buf, raw.Data[k])
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}
