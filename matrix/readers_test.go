package matrix

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bz2Matrix is `printf '1,2\n3,4\n' | bzip2`.
var bz2Matrix = []byte{0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0x93, 0xb7, 0x0d, 0x0c, 0x00, 0x00, 0x02, 0x58, 0x00, 0x00, 0x10, 0x00, 0x04, 0x3c, 0x00, 0x20, 0x00, 0x30, 0xc0, 0x08, 0x69, 0xb2, 0x88, 0x23, 0x27, 0x8b, 0xb9, 0x22, 0x9c, 0x28, 0x48, 0x49, 0xdb, 0x86, 0x86, 0x00}

func gz(b []byte) []byte {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// TestOpenCompressed: plain, gzip and bzip2 files are read alike whatever
// their names; a corrupt gzip header is a ParseError naming the file.
func TestOpenCompressed(t *testing.T) {
	dir := t.TempDir()
	plain := []byte("1,2\n3,4\n")
	for name, content := range map[string][]byte{"plain.csv": plain, "packed.dat": gz(plain), "b.csv": bz2Matrix, "x.bz2": plain} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := ReadFile(p, func(r io.Reader, n string) ([][]float64, error) {
			d, _, err := ReadDenseCSV(r, n, CSVOptions{})
			if err != nil {
				return nil, err
			}
			return [][]float64{d.RawRowView(0), d.RawRowView(1)}, nil
		})
		if err != nil || m[1][1] != 4 || m[0][0] != 1 {
			t.Errorf("%s: %v %v", name, m, err)
		}
	}
	bad := filepath.Join(dir, "bad.gz")
	os.WriteFile(bad, []byte{0x1f, 0x8b, 0x08, 0xff, 0xff}, 0o644)
	_, err := Open(bad)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != bad {
		t.Errorf("corrupt gzip: %v", err)
	}
	// The stream readers decompress too.
	if _, err := ReadMatrixMarket(bytes.NewReader(gz([]byte("%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 2\n"))), "a.mtx.gz"); err != nil {
		t.Errorf("gzip Matrix Market stream: %v", err)
	}
}

// TestReadDenseCSV: the grammar and the errors, each naming file, line and
// field inside a *ParseError.
func TestReadDenseCSV(t *testing.T) {
	m, h, err := ReadDenseCSV(strings.NewReader("\ufeff# cost\n1, 2;3\n\n4 5\t6\r\n\"7\",8,9e0\n"), "c.csv", CSVOptions{})
	if err != nil || h != nil {
		t.Fatal(err, h)
	}
	if r, c := m.Dims(); r != 3 || c != 3 || m.At(1, 2) != 6 || m.At(2, 0) != 7 {
		t.Fatalf("got %v", m)
	}
	m, h, err = ReadDenseCSV(strings.NewReader("x1,\"x 2\"\n1,2\n"), "d.csv", CSVOptions{Header: true})
	if err != nil || strings.Join(h, "|") != "x1|x 2" || m.At(0, 1) != 2 {
		t.Fatalf("header: %v %v %v", m, h, err)
	}
	for _, tc := range []struct {
		in     string
		header bool
		line   int
		want   string
	}{
		{"1,2\n3\n", false, 2, "ragged row: 1 columns, previous rows have 2"},
		{"1,x\n", false, 1, `column 2: not a number: "x"`},
		{"1,NaN\n", false, 1, "column 2: non-finite value"},
		{"1,1e400\n", false, 1, "column 2: non-finite value"},
		{"0.5,,0.5\n", false, 1, "column 2 is empty"},
		{"1,2,\n", false, 1, "column 3 is empty"},
		{"a,b\n1,2\n", false, 1, "not a number"},
		{"0.5,O.7,1.2\n0.1,0.2,0.3\n", true, 1, "neither a header"},
		{"a,,c\n1,2,3\n", true, 1, "header column 2 is empty"},
		{"a,b\n1,\n", true, 2, "column 2 is empty"},
		{"1\x002\n", false, 1, "NUL byte"},
	} {
		_, _, err := ReadDenseCSV(strings.NewReader(tc.in), "c.csv", CSVOptions{Header: tc.header})
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File != "c.csv" || pe.Line != tc.line || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want line %d %q", tc.in, err, tc.line, tc.want)
		}
	}
	for _, in := range []string{"", "# only\n\n"} {
		if _, _, err := ReadDenseCSV(strings.NewReader(in), "e.csv", CSVOptions{}); !errors.Is(err, ErrNoData) {
			t.Errorf("%q: %v, want ErrNoData", in, err)
		}
	}
	if _, _, err := ReadDenseCSV(strings.NewReader("a,b\n"), "e.csv", CSVOptions{Header: true}); !errors.Is(err, ErrNoData) {
		t.Errorf("header only: %v, want ErrNoData", err)
	}
}

func idxBytes(dims []uint32, n int) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	binary.Write(&b, binary.BigEndian, dims)
	for i := 0; i < n; i++ {
		b.WriteByte(byte(i * 7))
	}
	return b.Bytes()
}

// TestReadIDX: plain and gzip arrays, the rank check before the data, the
// offsets in the errors, the memory budget.
func TestReadIDX(t *testing.T) {
	raw := idxBytes([]uint32{2, 3, 4}, 24)
	for _, in := range [][]byte{raw, gz(raw)} {
		a, err := ReadIDX(bytes.NewReader(in), "x.idx", 3)
		if err != nil || len(a.Dims) != 3 || a.Dims[2] != 4 || len(a.Data) != 24 || a.Data[23] != byte(23*7) {
			t.Fatalf("%+v %v", a, err)
		}
	}
	for _, tc := range []struct {
		in   []byte
		rank int
		want string
	}{
		{raw[:30], 3, "x.idx: offset 30: data truncated: 24 bytes expected, 14 present"},
		{raw, 1, "x.idx: offset 0: magic 0x803, want 0x801"},
		{[]byte{0, 0, 9, 1, 0, 0, 0, 1, 5}, 0, "x.idx: offset 0: magic 0x901"},
		{[]byte{0, 0, 8, 7}, 0, "x.idx: offset 3: 7 dimensions"},
		{[]byte{0, 0, 8}, 0, "x.idx: offset 0: short IDX header"},
		{idxBytes([]uint32{1 << 16, 1 << 16}, 0), 0, "too large"},
	} {
		_, err := ReadIDX(bytes.NewReader(tc.in), "x.idx", tc.rank)
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.in[:min(len(tc.in), 8)], err, tc.want)
		}
	}
	old := SetMemoryBudget(1 << 20)
	defer SetMemoryBudget(old)
	_, err := ReadIDX(bytes.NewReader(idxBytes([]uint32{32, 256, 256}, 0)), "big.idx", 3)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "big.idx: offset 4: an IDX array of 32×256×256 bytes") {
		t.Errorf("budget: %v", err)
	}
}

// FuzzReadDenseCSV: never panics; what it accepts is rectangular and
// finite; errors are ParseErrors naming the file.
func FuzzReadDenseCSV(f *testing.F) {
	lowerLimits(f)
	for _, s := range []string{"1,2\n3,4\n", "a,b\n1,2\n", "1 2\n3\n", "\ufeff1;2\r\n", "#\n", "1,,2\n"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, in string, header bool) {
		m, _, err := ReadDenseCSV(strings.NewReader(in), "fuzz.csv", CSVOptions{Header: header})
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "fuzz.csv" {
				t.Fatalf("error %v is not a ParseError naming the file", err)
			}
			return
		}
		for _, v := range m.RawMatrix().Data {
			if v != v || v-v != 0 {
				t.Fatalf("non-finite value %v accepted", v)
			}
		}
	})
}

// FuzzReadIDX: never panics and never allocates past the budget; what it
// accepts has as many bytes as its dimensions say.
func FuzzReadIDX(f *testing.F) {
	lowerLimits(f)
	f.Add(idxBytes([]uint32{2, 3}, 6))
	f.Add(idxBytes([]uint32{1 << 30}, 3))
	f.Add(gz(idxBytes([]uint32{4}, 4)))
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := ReadIDX(bytes.NewReader(in), "fuzz.idx", 0)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "fuzz.idx" {
				t.Fatalf("error %v is not a ParseError naming the file", err)
			}
			return
		}
		n := 1
		for _, d := range a.Dims {
			n *= d
		}
		if n != len(a.Data) {
			t.Fatalf("dims %v but %d bytes", a.Dims, len(a.Data))
		}
	})
}
