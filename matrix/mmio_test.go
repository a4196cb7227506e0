package matrix

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"
)

// csrDense converts a CSR matrix to dense through its raw arrays (an oracle
// independent of the sparse library's own conversions).
func csrDense(a *sparse.CSR) *mat.Dense {
	r, c := a.Dims()
	d := mat.NewDense(max(r, 1), max(c, 1), nil)
	raw := a.RawMatrix()
	for i := 0; i < r; i++ {
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			d.Set(i, raw.Ind[k], d.At(i, raw.Ind[k])+raw.Data[k])
		}
	}
	return d
}

// sameCSR reports whether a and b have identical dimensions and raw arrays
// (values compared bit for bit).
func sameCSR(a, b *sparse.CSR) bool {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ar != br || ac != bc {
		return false
	}
	x, y := a.RawMatrix(), b.RawMatrix()
	nnz := x.Indptr[ar]
	if y.Indptr[br] != nnz {
		return false
	}
	for i := 0; i <= ar; i++ {
		if x.Indptr[i] != y.Indptr[i] {
			return false
		}
	}
	for k := 0; k < nnz; k++ {
		if x.Ind[k] != y.Ind[k] || math.Float64bits(x.Data[k]) != math.Float64bits(y.Data[k]) {
			return false
		}
	}
	return true
}

func TestReadMatrixMarketValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want [][]float64
		nnz  int // stored entries expected in the CSR result
	}{
		{"coordinate real general", `%%MatrixMarket matrix coordinate real general
% a comment
3 4 5
1 1 1.5
3 4 -2e1
2 2 3
1 3 4
3 1 5
`, [][]float64{{1.5, 0, 4, 0}, {0, 3, 0, 0}, {5, 0, 0, -20}}, 5},
		{"duplicates summed, explicit zero kept, CRLF, blank lines, case", "%%matrixmarket MATRIX Coordinate REAL General\r\n\r\n2 2 4\r\n1 1 1\r\n2 1 0\r\n\r\n1 1 2.5\r\n2 2 1D-1\r\n",
			[][]float64{{3.5, 0}, {0, 0.1}}, 3},
		{"integer", "%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 2 -7\n2 1 +3\n", [][]float64{{0, -7}, {3, 0}}, 2},
		{"pattern symmetric", "%%MatrixMarket matrix coordinate pattern symmetric\n3 3 4\n1 1\n2 1\n3 1\n3 3\n",
			[][]float64{{1, 1, 1}, {1, 0, 0}, {1, 0, 1}}, 6},
		{"real symmetric", "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n2 2 4\n3 2 -1\n1 1 2\n",
			[][]float64{{2, 0, 0}, {0, 4, -1}, {0, -1, 0}}, 4},
		{"skew-symmetric", "%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 2\n2 1 3\n3 2 -1\n",
			[][]float64{{0, -3, 0}, {3, 0, 1}, {0, -1, 0}}, 4},
		{"array general (column-major, zeros dropped)", "%%MatrixMarket matrix array real general\n2 3\n1\n0\n0\n4\n5\n-6\n",
			[][]float64{{1, 0, 5}, {0, 4, -6}}, 4},
		{"array symmetric", "%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n",
			[][]float64{{1, 2, 3}, {2, 4, 5}, {3, 5, 6}}, 9},
		{"array skew-symmetric", "%%MatrixMarket matrix array integer skew-symmetric\n3 3\n1\n2\n3\n",
			[][]float64{{0, -1, -2}, {1, 0, -3}, {2, 3, 0}}, 6},
		{"empty coordinate", "%%MatrixMarket matrix coordinate real general\n2 3 0\n", [][]float64{{0, 0, 0}, {0, 0, 0}}, 0},
		{"no final newline", "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 7", [][]float64{{7}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ReadMatrixMarket(strings.NewReader(tt.in), "t.mtx")
			if err != nil {
				t.Fatal(err)
			}
			want := mat.NewDense(len(tt.want), len(tt.want[0]), nil)
			for i, row := range tt.want {
				want.SetRow(i, row)
			}
			if r, c := a.Dims(); r != len(tt.want) || c != len(tt.want[0]) {
				t.Fatalf("dims %d×%d, want %d×%d", r, c, len(tt.want), len(tt.want[0]))
			}
			if !mat.Equal(csrDense(a), want) {
				t.Errorf("got\n%v\nwant\n%v", mat.Formatted(csrDense(a)), mat.Formatted(want))
			}
			if got := a.RawMatrix().Indptr[len(tt.want)]; got != tt.nnz {
				t.Errorf("nnz %d, want %d", got, tt.nnz)
			}
			checkSorted(t, tt.name, a)
			d, err := ReadMatrixMarketDense(strings.NewReader(tt.in), "t.mtx")
			if err != nil {
				t.Fatal(err)
			}
			if !mat.Equal(d, want) {
				t.Errorf("dense got\n%v\nwant\n%v", mat.Formatted(d), mat.Formatted(want))
			}
		})
	}
}

func TestReadMatrixMarketErrors(t *testing.T) {
	const gen = "%%MatrixMarket matrix coordinate real general\n"
	tests := []struct {
		name string
		in   string
		line int
		msg  string
	}{
		{"empty", "", 0, "missing %%MatrixMarket banner"},
		{"no banner", "3 3 1\n1 1 1\n", 1, "missing %%MatrixMarket banner"},
		{"short banner", "%%MatrixMarket matrix coordinate real\n", 1, "got 4 words"},
		{"vector object", "%%MatrixMarket vector coordinate real general\n", 1, "unsupported object"},
		{"bad format", "%%MatrixMarket matrix sparse real general\n", 1, "unsupported format"},
		{"complex", "%%MatrixMarket matrix coordinate complex general\n", 1, "unsupported field complex"},
		{"hermitian", "%%MatrixMarket matrix coordinate real hermitian\n", 1, "unsupported symmetry hermitian"},
		{"array pattern", "%%MatrixMarket matrix array pattern general\n", 1, "pattern is not allowed"},
		{"missing size", gen + "% only a comment\n", 0, "missing size line"},
		{"size fields", gen + "3 3\n", 2, "bad size line"},
		{"negative size", gen + "-3 3 1\n", 2, "bad integer \"-3\""},
		{"size not a number", gen + "3 x 1\n", 2, "bad integer \"x\""},
		{"absurd size", gen + "1000000000000 1000000000000 1000000000000\n", 2, "too large"},
		{"nnz exceeds rows*cols", gen + "2 2 5\n", 2, "cannot fit"},
		{"symmetric not square", "%%MatrixMarket matrix coordinate real symmetric\n2 3 1\n", 2, "must be square"},
		{"symmetric nnz exceeds triangle", "%%MatrixMarket matrix coordinate real symmetric\n2 2 4\n", 2, "cannot fit"},
		{"truncated", gen + "3 4 12\n1 1 1\n1 2 1\n1 3 1\n1 4 1\n2 1 1\n2 2 1\n2 3 1\n2 4 1\n3 1 1\n", 0, "truncated: expected 12 entries, got 9"},
		{"huge claimed nnz, tiny file", gen + "1000000 1000000 1000000000000\n1 1 1\n", 2, "over the memory budget"},
		{"claimed nnz, tiny file", gen + "1000 1000 100000\n1 1 1\n", 0, "truncated: expected 100000 entries, got 1"},
		{"too many entries", gen + "2 2 1\n1 1 1\n2 2 1\n", 4, "too many entries"},
		{"too few fields", gen + "2 2 1\n1 1\n", 3, "want 3 fields"},
		{"too many fields", gen + "2 2 1\n1 1 1 1\n", 3, "want 3 fields"},
		{"pattern with value", "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1 1\n", 3, "want 2 fields"},
		{"bad number", gen + "2 2 1\n1 1 1.2.3\n", 3, "bad number \"1.2.3\""},
		{"overflowing number", gen + "2 2 1\n1 1 1e400\n", 3, "out of float64 range"},
		{"NaN", gen + "2 2 2\n1 1 1\n2 2 NaN\n", 4, "non-finite value \"NaN\""},
		{"Inf", gen + "2 2 1\n2 2 -inf\n", 3, "non-finite value"},
		{"integer with fraction", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n", 3, "bad integer"},
		{"row 0", gen + "2 2 1\n0 1 1\n", 3, "row index 0 out of range [1, 2]"},
		{"row too large", gen + "2 2 1\n3 1 1\n", 3, "row index 3 out of range [1, 2]"},
		{"col too large", gen + "2 2 2\n1 1 1\n1 3 1\n", 4, "column index 3 out of range [1, 2]"},
		{"negative index", gen + "2 2 1\n-1 1 1\n", 3, "bad integer"},
		{"symmetric upper entry", "%%MatrixMarket matrix coordinate real symmetric\n3 3 2\n1 1 1\n1 2 5\n", 4, "above the diagonal"},
		{"skew diagonal entry", "%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 1\n2 2 1\n", 3, "on or above the diagonal"},
		{"array truncated", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n", 0, "truncated: expected 4 entries, got 3"},
		{"array two per line", "%%MatrixMarket matrix array real general\n2 1\n1 2\n", 3, "want 1 value per line"},
		{"array too many", "%%MatrixMarket matrix array real general\n1 1\n1\n2\n", 4, "too many entries"},
		{"duplicate sum overflows", gen + "2 2 2\n1 1 1e308\n1 1 1e308\n", 0, "overflows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadMatrixMarket(strings.NewReader(tt.in), "bad.mtx")
			checkParseError(t, err, "bad.mtx", tt.line, tt.msg)
			_, err = ReadMatrixMarketDense(strings.NewReader(tt.in), "bad.mtx")
			checkParseError(t, err, "bad.mtx", tt.line, tt.msg)
		})
	}
}

// checkParseError asserts that err is a *ParseError for file and line whose
// message contains msg, and that Error() has the documented layout.
func checkParseError(t *testing.T, err error, file string, line int, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", msg)
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ParseError", err, err)
	}
	if pe.File != file || pe.Line != line {
		t.Errorf("error %q at %s:%d, want %s:%d", err, pe.File, pe.Line, file, line)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("error %q does not contain %q", err, msg)
	}
	prefix := file + ": "
	if line > 0 {
		prefix = file + ":" + strconv.Itoa(line) + ": "
	}
	if !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("error %q does not start with %q", err, prefix)
	}
	if errors.Unwrap(err) == nil {
		t.Errorf("Unwrap returned nil")
	}
}

func TestReadMatrixMarketDenseLimits(t *testing.T) {
	in := "%%MatrixMarket matrix coordinate real general\n100000 100000 1\n1 1 1\n"
	_, err := ReadMatrixMarketDense(strings.NewReader(in), "big.mtx")
	checkParseError(t, err, "big.mtx", 0, "too large for dense storage")
	a, err := ReadMatrixMarket(strings.NewReader(in), "big.mtx")
	if err != nil {
		t.Fatal(err)
	}
	if r, c := a.Dims(); r != 100000 || c != 100000 || a.NNZ() != 1 {
		t.Errorf("got %d×%d with %d entries", r, c, a.NNZ())
	}
	_, err = ReadMatrixMarketDense(strings.NewReader("%%MatrixMarket matrix coordinate real general\n0 3 0\n"), "e.mtx")
	checkParseError(t, err, "e.mtx", 0, "cannot be stored densely")
}

// TestMatrixMarketRoundTrip writes random matrices (with awkward values) and
// reads them back bit for bit, sparse and dense.
func TestMatrixMarketRoundTrip(t *testing.T) {
	special := []float64{0.1, -1.0 / 3, math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64, 1e-310, math.Pi * 1e100, math.Copysign(0, -1)}
	for seed := uint64(1); seed <= 5; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		r, c := 1+rng.IntN(30), 1+rng.IntN(30)
		a, d := randCSR(rng, r, c, 0.3)
		raw := a.RawMatrix()
		for k := range raw.Data {
			if rng.IntN(4) == 0 {
				raw.Data[k] = special[rng.IntN(len(special))]
			}
		}
		var buf bytes.Buffer
		if err := WriteMatrixMarket(&buf, a); err != nil {
			t.Fatal(err)
		}
		b, err := ReadMatrixMarket(bytes.NewReader(buf.Bytes()), "rt.mtx")
		if err != nil {
			t.Fatal(err)
		}
		if !sameCSR(a, b) {
			t.Errorf("seed %d: sparse round trip differs", seed)
		}
		for i := 0; i < r; i++ {
			for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
				d.Set(i, raw.Ind[k], raw.Data[k])
			}
		}
		buf.Reset()
		if err := WriteMatrixMarketDense(&buf, d); err != nil {
			t.Fatal(err)
		}
		e, err := ReadMatrixMarketDense(bytes.NewReader(buf.Bytes()), "rt.mtx")
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(d, e) {
			t.Errorf("seed %d: dense round trip differs", seed)
		}
	}
}

func TestMatrixMarketFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.mtx")
	a := Poisson2D(7, 5)
	var buf bytes.Buffer
	if err := WriteMatrixMarket(&buf, a); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := ReadMatrixMarketFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !sameCSR(a, b) {
		t.Error("file round trip differs")
	}
	rhs := mat.NewDense(3, 1, []float64{1, -2, 0.5})
	buf.Reset()
	if err := WriteMatrixMarketDense(&buf, rhs); err != nil {
		t.Fatal(err)
	}
	q := filepath.Join(dir, "b.mtx")
	if err := os.WriteFile(q, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadMatrixMarketDenseFile(q)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got, rhs) {
		t.Errorf("dense file round trip: got %v", mat.Formatted(got))
	}
	if _, err := ReadMatrixMarketFile(filepath.Join(dir, "missing.mtx")); err == nil {
		t.Error("no error for a missing file")
	}
	if err := os.WriteFile(p, []byte("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 nan\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadMatrixMarketFile(p)
	checkParseError(t, err, p, 3, "non-finite")
}

// TestReadMatrixMarketSciPy reads files written by SciPy 1.10's
// scipy.io.mmwrite (Debian python3-scipy), produced with
//
//	A = sp.csr_matrix([[4,-1,0,.5],[-1,4,-1,0],[0,-1,4,-1e-300],[.5,0,-1e-300,3.25]])
//	mmwrite(b, A, symmetry='symmetric', comment='scipy symmetric')
//	S = sp.csr_matrix([[0,2.5,0],[-2.5,0,1/3],[0,-1/3,0]]); mmwrite(b, S, symmetry='skew-symmetric')
//	mmwrite(b, np.array([[1.,2],[3,4],[5,6]]))
//
// The expected matrices are the ones given to mmwrite. (The reverse
// direction was checked once by hand: scipy.io.mmread reads WriteMatrixMarket
// and WriteMatrixMarketDense output, including 0.1, −1/3, 5e−324 and
// MaxFloat64, to the same float64 values.)
func TestReadMatrixMarketSciPy(t *testing.T) {
	tests := []struct {
		name, in string
		want     [][]float64
	}{
		{"symmetric", "%%MatrixMarket matrix coordinate real symmetric\n%scipy symmetric\n4 4 8\n1 1 4.000000000000000e+00\n2 1 -1.000000000000000e+00\n2 2 4.000000000000000e+00\n3 2 -1.000000000000000e+00\n3 3 4.000000000000000e+00\n4 1 5.000000000000000e-01\n4 3 -1.000000000000000e-300\n4 4 3.250000000000000e+00\n",
			[][]float64{{4, -1, 0, 0.5}, {-1, 4, -1, 0}, {0, -1, 4, -1e-300}, {0.5, 0, -1e-300, 3.25}}},
		{"skew-symmetric", "%%MatrixMarket matrix coordinate real skew-symmetric\n%\n3 3 2\n2 1 -2.500000000000000e+00\n3 2 -3.333333333333333e-01\n",
			[][]float64{{0, 2.5, 0}, {-2.5, 0, 0.3333333333333333}, {0, -0.3333333333333333, 0}}},
		{"array", "%%MatrixMarket matrix array real general\n%\n3 2\n1.0000000000000000e+00\n3.0000000000000000e+00\n5.0000000000000000e+00\n2.0000000000000000e+00\n4.0000000000000000e+00\n6.0000000000000000e+00\n",
			[][]float64{{1, 2}, {3, 4}, {5, 6}}},
	}
	for _, tt := range tests {
		a, err := ReadMatrixMarket(strings.NewReader(tt.in), tt.name)
		if err != nil {
			t.Fatal(err)
		}
		want := mat.NewDense(len(tt.want), len(tt.want[0]), nil)
		for i, row := range tt.want {
			want.SetRow(i, row)
		}
		if !mat.Equal(csrDense(a), want) {
			t.Errorf("%s: got\n%v\nwant\n%v", tt.name, mat.Formatted(csrDense(a)), mat.Formatted(want))
		}
	}
}

// TestReadMatrixMarketMemoryGuard checks that the counts in a header do not
// drive allocation: a 60-byte file claiming 10¹² entries (or a 10⁸×10⁸ array)
// is refused at its size line by the memory budget after allocating almost
// nothing.
func TestReadMatrixMarketMemoryGuard(t *testing.T) {
	for _, in := range []string{
		"%%MatrixMarket matrix coordinate real general\n1000000 1000000 1000000000000\n1 1 1\n",
		"%%MatrixMarket matrix array real general\n100000000 100000000\n1\n",
		"%%MatrixMarket matrix coordinate real symmetric\n100000000 100000000 100000000\n1 1 1\n",
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ReadMatrixMarket(strings.NewReader(in), "huge.mtx")
		_, errDense := ReadMatrixMarketDense(strings.NewReader(in), "huge.mtx")
		runtime.ReadMemStats(&after)
		checkParseError(t, err, "huge.mtx", 2, "over the memory budget")
		checkParseError(t, errDense, "huge.mtx", 2, "over the memory budget")
		if !errors.Is(err, ErrTooLarge) || !errors.Is(errDense, ErrTooLarge) {
			t.Errorf("%v, %v: not ErrTooLarge", err, errDense)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("%q: allocated %d bytes", in[:60], got)
		}
	}
}

// TestReadMatrixMarketHugeEmpty is the hostile-input case of a two-line file
// declaring a 2²⁸×2²⁸ matrix with no entries: under a 256 MiB budget it is
// refused at its size line, and under a budget large enough for its row
// pointers it is read without allocating anything sized by the columns.
func TestReadMatrixMarketHugeEmpty(t *testing.T) {
	in := "%%MatrixMarket matrix coordinate real general\n268435456 268435456 0\n"
	old := SetMemoryBudget(256 << 20)
	defer SetMemoryBudget(old)
	_, err := ReadMatrixMarket(strings.NewReader(in), "huge.mtx")
	checkParseError(t, err, "huge.mtx", 2, "needs 4 GiB, over the memory budget of 256 MiB")
	// 2²⁰ rows and 2²⁸ columns: only the row pointers (8 MiB) are allocated.
	in = "%%MatrixMarket matrix coordinate real general\n1048576 268435456 1\n7 268435456 2.5\n"
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	a, err := ReadMatrixMarket(strings.NewReader(in), "wide.mtx")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 32<<20 {
		t.Errorf("a 2²⁰×2²⁸ matrix with one entry allocated %d bytes", got)
	}
	if v := a.At(6, 268435455); v != 2.5 {
		t.Errorf("entry = %v, want 2.5", v)
	}
}

func TestTripletsToCSRUnsortedRows(t *testing.T) {
	// Entries in reverse column order with a duplicate: sorted and summed
	// in file order.
	in := "%%MatrixMarket matrix coordinate real general\n2 4 5\n1 4 1\n1 2 2\n1 4 3\n2 3 4\n2 1 5\n"
	a, err := ReadMatrixMarket(strings.NewReader(in), "u.mtx")
	if err != nil {
		t.Fatal(err)
	}
	raw := a.RawMatrix()
	if !slices.Equal(raw.Indptr, []int{0, 2, 4}) || !slices.Equal(raw.Ind, []int{1, 3, 0, 2}) || !slices.Equal(raw.Data, []float64{2, 4, 5, 4}) {
		t.Errorf("got %v %v %v", raw.Indptr, raw.Ind, raw.Data)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "2G": 2 << 30, "1.5GB": 3 << 29, "1024": 1024, "64k": 64 << 10} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1G", "abc", "0", "1e30T"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q): no error", in)
		}
	}
	if MulBytes(1<<40, 1<<40) != math.MaxInt64 || MulBytes(3, 4, 8) != 96 || MulBytes(5, -1) != 0 {
		t.Error("MulBytes")
	}
}
