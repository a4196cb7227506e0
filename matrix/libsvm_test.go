package matrix

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
)

func TestReadLIBSVMValid(t *testing.T) {
	in := "+1 1:0.5 3:-2 # trailing comment\n" +
		"\n" +
		"# a comment line\n" +
		"-1 qid:3 2:1e-3\t4:7\r\n" +
		"-1\n" +
		"1.0 1:0 10:1.5\n" +
		"   \n"
	ds, err := ReadLIBSVM(strings.NewReader(in), "toy", LIBSVMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Name != "toy" {
		t.Errorf("Name %q", ds.Name)
	}
	if want := []float64{1, -1, -1, 1}; !slices.Equal(ds.Y, want) {
		t.Errorf("Y = %v, want %v", ds.Y, want)
	}
	if r, c := ds.X.Dims(); r != 4 || c != 10 {
		t.Fatalf("X is %d×%d, want 4×10", r, c)
	}
	raw := ds.X.RawMatrix()
	if want := []int{0, 2, 4, 4, 6}; !slices.Equal(raw.Indptr, want) {
		t.Errorf("Indptr = %v, want %v", raw.Indptr, want)
	}
	if want := []int{0, 2, 1, 3, 0, 9}; !slices.Equal(raw.Ind, want) {
		t.Errorf("Ind = %v, want %v", raw.Ind, want)
	}
	if want := []float64{0.5, -2, 1e-3, 7, 0, 1.5}; !slices.Equal(raw.Data, want) {
		t.Errorf("Data = %v, want %v", raw.Data, want)
	}

	ds, err = ReadLIBSVM(strings.NewReader(in), "toy", LIBSVMOptions{NumFeatures: 12})
	if err != nil {
		t.Fatal(err)
	}
	if _, c := ds.X.Dims(); c != 12 {
		t.Errorf("NumFeatures 12 gave %d columns", c)
	}

	ds, err = ReadLIBSVM(strings.NewReader(""), "empty", LIBSVMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, c := ds.X.Dims(); r != 0 || c != 0 || len(ds.Y) != 0 {
		t.Errorf("empty file gave %d×%d, %d labels", r, c, len(ds.Y))
	}
}

func TestLIBSVMLabelModes(t *testing.T) {
	tests := []struct {
		in       string
		mode     LabelMode
		want     []float64
		errLine  int
		errMatch string
	}{
		{"-1\n1\n-1\n", LabelsPlusMinusOne, []float64{-1, 1, -1}, 0, ""},
		{"0\n1\n1\n", LabelsPlusMinusOne, []float64{-1, 1, 1}, 0, ""},
		{"2\n1\n", LabelsPlusMinusOne, []float64{1, -1}, 0, ""},
		{"2\n4\n4\n", LabelsPlusMinusOne, []float64{-1, 1, 1}, 0, ""},
		{"2\n4\n4\n", LabelsZeroOne, []float64{0, 1, 1}, 0, ""},
		{"-1\n1\n", LabelsZeroOne, []float64{0, 1}, 0, ""},
		{"2\n4\n", LabelsAsGiven, []float64{2, 4}, 0, ""},
		{"1\n1\n", LabelsPlusMinusOne, []float64{1, 1}, 0, ""},
		{"-1\n", LabelsPlusMinusOne, []float64{-1}, 0, ""},
		{"0\n0\n", LabelsZeroOne, []float64{0, 0}, 0, ""},
		{"1\n2\n1\n3\n", LabelsPlusMinusOne, nil, 4, "label 3 is a third class (labels seen: 1, 2, 3)"},
		{"4\n4\n", LabelsPlusMinusOne, nil, 0, "only one label value (4)"},
		{"0\n", LabelsPlusMinusOne, nil, 0, "only one label value (0)"},
	}
	for _, tt := range tests {
		ds, err := ReadLIBSVM(strings.NewReader(tt.in), "labels", LIBSVMOptions{Labels: tt.mode})
		if tt.errMatch != "" {
			checkParseError(t, err, "labels", tt.errLine, tt.errMatch)
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if !slices.Equal(ds.Y, tt.want) {
			t.Errorf("%q mode %d: Y = %v, want %v", tt.in, tt.mode, ds.Y, tt.want)
		}
	}
}

func TestReadLIBSVMErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		nf   int
		line int
		msg  string
	}{
		{"bad label", "+1 1:2\nfoo 1:2\n", 0, 2, "label: bad number \"foo\""},
		{"missing label", "1:2 3:4\n", 0, 1, "label: bad number \"1:2\""},
		{"NaN label", "nan 1:1\n", 0, 1, "label: non-finite"},
		{"no colon", "1 1:2 3\n", 0, 1, "feature \"3\" is not index:value"},
		{"empty value", "1 1:\n", 0, 1, "feature 1: bad number \"\""},
		{"bad value", "1 1:2x\n", 0, 1, "feature 1: bad number \"2x\""},
		{"two colons", "1 1:2:3\n", 0, 1, "bad number \"2:3\""},
		{"NaN value", "1 1:1\n-1 2:NaN\n", 0, 2, "feature 2: non-finite value \"NaN\""},
		{"Inf value", "1 1:Inf\n", 0, 1, "non-finite"},
		{"zero index", "1 0:1\n", 0, 1, "feature index 0 < 1"},
		{"negative index", "1 -1:1\n", 0, 1, "bad integer \"-1\""},
		{"index not a number", "1 a:1\n", 0, 1, "bad integer \"a\""},
		{"absurd index", "1 99999999999999999999:1\n", 0, 1, "too large"},
		{"decreasing", "1 1:1\n1 3:1 2:1\n", 0, 2, "not strictly increasing: 2 after 3"},
		{"duplicate", "1 3:1 3:1\n", 0, 1, "not strictly increasing: 3 after 3"},
		{"above NumFeatures", "1 1:1\n1 5:1\n", 4, 2, "(NumFeatures = 4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadLIBSVM(strings.NewReader(tt.in), "bad.svm", LIBSVMOptions{NumFeatures: tt.nf})
			checkParseError(t, err, "bad.svm", tt.line, tt.msg)
		})
	}
}

func TestLIBSVMRoundTrip(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		r, c := 1+rng.IntN(40), 1+rng.IntN(40)
		x, _ := randCSR(rng, r, c, 0.2)
		y := make([]float64, r)
		for i := range y {
			y[i] = float64(rng.IntN(3)) - 0.5*float64(rng.IntN(2))
		}
		raw := x.RawMatrix()
		if len(raw.Data) > 0 {
			raw.Data[0] = math.SmallestNonzeroFloat64
		}
		ds := &Dataset{X: x, Y: y}
		var buf bytes.Buffer
		if err := WriteLIBSVM(&buf, ds); err != nil {
			t.Fatal(err)
		}
		back, err := ReadLIBSVM(&buf, "rt", LIBSVMOptions{NumFeatures: c})
		if err != nil {
			t.Fatal(err)
		}
		if !sameCSR(x, back.X) || !slices.Equal(y, back.Y) {
			t.Errorf("seed %d: round trip differs", seed)
		}
	}
}

// TestLIBSVMData reads every file of the shared LIBSVM collection and checks
// the counts against /work/shared/data/README.md's table. Where the table
// gives no class balance (a9a.t, breast-cancer_scale, australian,
// ijcnn1.tst) or the nnz, the expected numbers were counted independently with
//
//	awk 'NF>0{n++; lab[$1+0]++; for(i=2;i<=NF;i++){split($i,a,":"); if(a[1]+0>m)m=a[1]+0; nnz++}}' FILE
//
// (bzcat first for the .bz2 files).
func TestLIBSVMData(t *testing.T) {
	dir := kktdata.Require(t, "libsvm")
	tests := []struct {
		file           string
		rows, features int // features: largest index in the file
		nnz            int
		neg, pos       int
		numFeatures    int // the data set's documented width when larger
	}{
		{"a9a", 32561, 123, 451592, 24720, 7841, 123},
		{"a9a.t", 16281, 122, 225731, 12435, 3846, 123},
		{"a8a", 22696, 123, 314815, 17190, 5506, 123},
		{"w8a", 49749, 300, 579586, 48270, 1479, 300},
		{"breast-cancer_scale", 683, 10, 6830, 444, 239, 10},
		{"diabetes_scale", 768, 8, 6135, 268, 500, 8},
		{"heart_scale", 270, 13, 3378, 150, 120, 13},
		{"australian", 690, 14, 9660, 383, 307, 14},
		{"ijcnn1.trn.bz2", 49990, 22, 649870, 45137, 4853, 22},
		{"ijcnn1.tst.bz2", 91701, 22, 1192113, 82989, 8712, 22},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			ds, err := ReadLIBSVMFile(path, LIBSVMOptions{Labels: LabelsPlusMinusOne})
			if err != nil {
				t.Fatal(err)
			}
			r, c := ds.X.Dims()
			if r != tt.rows || c != tt.features || ds.X.NNZ() != tt.nnz {
				t.Errorf("%d×%d with %d entries, want %d×%d with %d", r, c, ds.X.NNZ(), tt.rows, tt.features, tt.nnz)
			}
			var neg, pos int
			for _, y := range ds.Y {
				switch y {
				case -1:
					neg++
				case 1:
					pos++
				default:
					t.Fatalf("label %v after LabelsPlusMinusOne", y)
				}
			}
			if neg != tt.neg || pos != tt.pos {
				t.Errorf("labels −1: %d / +1: %d, want %d / %d", neg, pos, tt.neg, tt.pos)
			}
			if want := strings.TrimSuffix(tt.file, ".bz2"); ds.Name != want {
				t.Errorf("Name %q, want %q", ds.Name, want)
			}
			checkSorted(t, tt.file, ds.X)
			if tt.numFeatures != tt.features {
				ds2, err := ReadLIBSVMFile(path, LIBSVMOptions{NumFeatures: tt.numFeatures})
				if err != nil {
					t.Fatal(err)
				}
				if _, c := ds2.X.Dims(); c != tt.numFeatures {
					t.Errorf("NumFeatures %d gave %d columns", tt.numFeatures, c)
				}
			}
		})
	}
}

func TestReadLIBSVMFileErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad")
	if err := os.WriteFile(p, []byte("1 1:1\n1 2:1 1:3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadLIBSVMFile(p, LIBSVMOptions{})
	checkParseError(t, err, p, 2, "not strictly increasing")
	if _, err := ReadLIBSVMFile(filepath.Join(dir, "missing"), LIBSVMOptions{}); err == nil {
		t.Error("no error for a missing file")
	}
	gz := filepath.Join(dir, "x.gz")
	if err := os.WriteFile(gz, []byte("not gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadLIBSVMFile(gz, LIBSVMOptions{}); err == nil {
		t.Error("no error for a corrupt .gz file")
	}
}
