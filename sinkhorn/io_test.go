package sinkhorn

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/matrix"
)

func TestReadCSV(t *testing.T) {
	m, err := ReadCSV(strings.NewReader("# cost\n1, 2,3\n\n4 5\t6\n"), "c.csv")
	if err != nil {
		t.Fatal(err)
	}
	if r, c := m.Dims(); r != 2 || c != 3 || m.At(1, 2) != 6 {
		t.Fatalf("got %v", m)
	}
	for _, tc := range []struct{ in, want string }{
		{"1,2\n3\n", "c.csv:2: ragged row: 1 columns, previous rows have 2"},
		{"1,x\n", `c.csv:1: column 2: not a number: "x"`},
		{"1,NaN\n", `c.csv:1: column 2: non-finite value "NaN"`},
		{"# nothing\n", "c.csv: no data"},
	} {
		_, err := ReadCSV(strings.NewReader(tc.in), "c.csv")
		var pe *matrix.ParseError
		if !errors.Is(err, ErrBadInput) || !errors.As(err, &pe) || pe.File != "c.csv" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q in a ParseError", tc.in, err, tc.want)
		}
	}
	v, err := ReadVector(strings.NewReader("1 2 3\n"), "a.csv")
	if err != nil || len(v) != 3 {
		t.Fatal(v, err)
	}
	if _, err := ReadVector(strings.NewReader("1 2\n3 4\n"), "a.csv"); err == nil {
		t.Error("2×2 accepted as a vector")
	}
}

func idxImages(count, h, w int, gz bool) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, [4]uint32{0x803, uint32(count), uint32(h), uint32(w)})
	for i := 0; i < count*h*w; i++ {
		b.WriteByte(byte(i * 37))
	}
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	zw.Close()
	return z.Bytes()
}

func TestReadIDX(t *testing.T) {
	for _, gz := range []bool{false, true} {
		imgs, h, w, err := ReadIDXImages(bytes.NewReader(idxImages(2, 3, 4, gz)), "x.idx")
		if err != nil || len(imgs) != 2 || h != 3 || w != 4 || imgs[1][0] != float64(byte(12*37%256))/255 {
			t.Fatalf("gz=%v: %v %d %d %v", gz, len(imgs), h, w, err)
		}
	}
	bad := idxImages(2, 3, 4, false)
	_, _, _, err := ReadIDXImages(bytes.NewReader(bad[:30]), "x.idx")
	if err == nil || !strings.Contains(err.Error(), "x.idx: offset 30: data truncated: 24 bytes expected, 14 present") {
		t.Errorf("truncated: %v", err)
	}
	if _, err := ReadIDXLabels(bytes.NewReader(bad), "y.idx"); err == nil || !strings.Contains(err.Error(), "magic") {
		t.Errorf("labels magic: %v", err)
	}
}

// The MNIST test set of the shared data: 10 000 images of 28×28, labels
// with the documented counts.
func TestReadMNIST(t *testing.T) {
	dir := kktdata.Require(t, "mnist")
	f, err := os.Open(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imgs, h, w, err := ReadIDXImages(f, "t10k-images-idx3-ubyte.gz")
	if err != nil || len(imgs) != 10000 || h != 28 || w != 28 {
		t.Fatalf("%d images %d×%d: %v", len(imgs), h, w, err)
	}
	g, err := os.Open(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	labels, err := ReadIDXLabels(g, "t10k-labels-idx1-ubyte.gz")
	if err != nil || len(labels) != 10000 {
		t.Fatal(err)
	}
	count := make([]int, 10)
	for _, l := range labels {
		count[l]++
	}
	if count[0] != 980 || count[9] != 1009 {
		t.Errorf("label counts %v", count)
	}
}

func FuzzReadCSV(f *testing.F) {
	fuzzBudget(f)
	for _, s := range []string{"1,2\n3,4\n", "# c\n1 2 3\n", "1e308,-1e-308\n", "1,\n", ",,\n", "nan\n", "0.5,,0.5\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ReadCSV(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "fuzz.csv") {
				t.Fatalf("error %v does not wrap ErrBadInput or name the file", err)
			}
			return
		}
		r, c := m.Dims()
		if r == 0 || c == 0 {
			t.Fatal("empty matrix without error")
		}
	})
}

func FuzzReadIDXImages(f *testing.F) {
	fuzzBudget(f)
	f.Add(idxImages(1, 2, 2, false))
	f.Add(idxImages(2, 3, 1, true))
	f.Add([]byte{0, 0, 8, 3, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		imgs, h, w, err := ReadIDXImages(bytes.NewReader(b), "fuzz.idx")
		if err != nil {
			if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "fuzz.idx") {
				t.Fatalf("error %v does not wrap ErrBadInput or name the file", err)
			}
			return
		}
		for _, img := range imgs {
			if len(img) != h*w {
				t.Fatal("image size mismatch")
			}
		}
	})
}

func TestMixUniform(t *testing.T) {
	a := []float64{0.5, 0.5, 0, 0}
	got := MixUniform(nil, a, 0.08) // (1 − 0.01)a + 0.01/4
	want := []float64{0.495 + 0.0025, 0.495 + 0.0025, 0.0025, 0.0025}
	var s float64
	for i := range got {
		if d := got[i] - want[i]; d > 1e-16 || d < -1e-16 {
			t.Errorf("entry %d: %v, want %v", i, got[i], want[i])
		}
		s += got[i]
	}
	if d := s - 1; d > 1e-15 || d < -1e-15 {
		t.Errorf("mass %v, want 1", s)
	}
	if MixUniform(a, a, 0)[0] != 0.5 {
		t.Error("ε = 0 must leave a unchanged")
	}
	for _, f := range []func(){
		func() { MixUniform(nil, a, -1) },
		func() { MixUniform(make([]float64, 3), a, 0.01) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "sinkhorn: ") {
					t.Errorf("misuse: recovered %v, want a sinkhorn: panic", r)
				}
			}()
			f()
		}()
	}
}
