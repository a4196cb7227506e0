package matrix

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"
)

// fuzzBudget is the memory budget the fuzz targets run with. The readers'
// own limits (MaxDim, MaxDenseElems, the loop bounds) stay at their
// production values: only the budget, which a user sets the same way with
// --mem-budget, is made small enough that an iteration cannot allocate
// more than a few tens of megabytes.
const fuzzBudget = 64 << 20

// lowerLimits sets the memory budget to fuzzBudget for the test.
func lowerLimits(tb testing.TB) {
	old := SetMemoryBudget(fuzzBudget)
	tb.Cleanup(func() { SetMemoryBudget(old) })
}

// checkCSRInvariants fails unless a is a well-formed CSR matrix with strictly
// increasing column indices in every row and finite values.
func checkCSRInvariants(t *testing.T, a *sparse.CSR) {
	t.Helper()
	r, c := a.Dims()
	raw := a.RawMatrix()
	if len(raw.Indptr) != r+1 || raw.Indptr[0] != 0 {
		t.Fatalf("bad Indptr length %d or start for %d rows", len(raw.Indptr), r)
	}
	for i := 0; i < r; i++ {
		lo, hi := raw.Indptr[i], raw.Indptr[i+1]
		if hi < lo || hi > len(raw.Ind) || hi > len(raw.Data) {
			t.Fatalf("row %d: bad Indptr %d..%d", i, lo, hi)
		}
		for k := lo; k < hi; k++ {
			j := raw.Ind[k]
			if j < 0 || j >= c || (k > lo && raw.Ind[k-1] >= j) {
				t.Fatalf("row %d: column %d out of range or order", i, j)
			}
			if v := raw.Data[k]; math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("row %d: non-finite value %v", i, v)
			}
		}
	}
}

func checkIsParseError(t *testing.T, err error) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ParseError", err, err)
	}
	if pe.File != "fuzz" || pe.Line < 0 {
		t.Fatalf("ParseError names %s:%d", pe.File, pe.Line)
	}
}

// FuzzReadMatrixMarket checks that no input makes the Matrix Market readers
// panic, that every failure is a *ParseError, and that every success
// round-trips exactly through the writers. The seed corpus is in
// testdata/fuzz/FuzzReadMatrixMarket.
func FuzzReadMatrixMarket(f *testing.F) {
	lowerLimits(f)
	f.Add([]byte("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 2 -1.5\n"))
	// The hostile corpus (cmd/kkt/testdata/hostile): declared sizes over
	// the budget, a 0×0 matrix.
	f.Add([]byte("%%MatrixMarket matrix coordinate real general\n268435456 268435456 0\n"))
	f.Add([]byte("%%MatrixMarket matrix array real general\n65536 65536\n1\n"))
	f.Add([]byte("%%MatrixMarket matrix coordinate real general\n0 0 0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadMatrixMarket(bytes.NewReader(data), "fuzz")
		if err != nil {
			checkIsParseError(t, err)
		} else {
			checkCSRInvariants(t, a)
			var buf bytes.Buffer
			if err := WriteMatrixMarket(&buf, a); err != nil {
				t.Fatal(err)
			}
			b, err := ReadMatrixMarket(&buf, "fuzz")
			if err != nil {
				t.Fatalf("written matrix does not read back: %v", err)
			}
			if !sameCSR(a, b) {
				t.Fatal("sparse round trip differs")
			}
		}
		d, err := ReadMatrixMarketDense(bytes.NewReader(data), "fuzz")
		if err != nil {
			checkIsParseError(t, err)
			return
		}
		if a == nil {
			t.Fatalf("dense read succeeded where the sparse read failed")
		}
		if !mat.Equal(d, csrDense(a)) {
			t.Fatal("dense and sparse reads differ")
		}
		var buf bytes.Buffer
		if err := WriteMatrixMarketDense(&buf, d); err != nil {
			t.Fatal(err)
		}
		e, err := ReadMatrixMarketDense(&buf, "fuzz")
		if err != nil {
			t.Fatalf("written dense matrix does not read back: %v", err)
		}
		if !mat.Equal(d, e) {
			t.Fatal("dense round trip differs")
		}
	})
}

// FuzzReadLIBSVM checks that no input makes ReadLIBSVM panic, that every
// failure is a *ParseError, and that every success round-trips exactly
// through WriteLIBSVM. The seed corpus is in testdata/fuzz/FuzzReadLIBSVM.
func FuzzReadLIBSVM(f *testing.F) {
	lowerLimits(f)
	f.Add([]byte("+1 1:0.5 3:2\n-1 qid:2 2:1 # c\n\n"), uint16(0), uint8(0))
	f.Add([]byte("1 268435456:1\n-1 1:0.5\n"), uint16(0), uint8(1)) // hostile corpus
	f.Fuzz(func(t *testing.T, data []byte, numFeatures uint16, mode uint8) {
		opt := LIBSVMOptions{NumFeatures: int(numFeatures), Labels: LabelMode(mode % 3)}
		ds, err := ReadLIBSVM(bytes.NewReader(data), "fuzz", opt)
		if err != nil {
			checkIsParseError(t, err)
			return
		}
		checkCSRInvariants(t, ds.X)
		r, c := ds.X.Dims()
		if len(ds.Y) != r || (opt.NumFeatures > 0 && c != opt.NumFeatures) {
			t.Fatalf("%d labels for %d rows, %d columns for NumFeatures %d", len(ds.Y), r, c, opt.NumFeatures)
		}
		for _, y := range ds.Y {
			if math.IsNaN(y) || math.IsInf(y, 0) {
				t.Fatalf("non-finite label %v", y)
			}
			if opt.Labels == LabelsPlusMinusOne && y != -1 && y != 1 || opt.Labels == LabelsZeroOne && y != 0 && y != 1 {
				t.Fatalf("label %v in mode %d", y, opt.Labels)
			}
		}
		var buf bytes.Buffer
		if err := WriteLIBSVM(&buf, ds); err != nil {
			t.Fatal(err)
		}
		back, err := ReadLIBSVM(&buf, "fuzz", LIBSVMOptions{NumFeatures: c})
		if err != nil {
			t.Fatalf("written data set does not read back: %v", err)
		}
		if !sameCSR(ds.X, back.X) || len(back.Y) != r {
			t.Fatal("round trip differs")
		}
		for i, y := range ds.Y {
			if math.Float64bits(y) != math.Float64bits(back.Y[i]) {
				t.Fatalf("label %d: %v became %v", i, y, back.Y[i])
			}
		}
	})
}
