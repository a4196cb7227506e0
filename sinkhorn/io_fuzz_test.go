package sinkhorn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/matrix"
)

// fuzzBudget runs a fuzz target with the readers' production limits and a
// 64 MiB memory budget (as a user would set with --mem-budget).
func fuzzBudget(tb testing.TB) {
	old := matrix.SetMemoryBudget(64 << 20)
	tb.Cleanup(func() { matrix.SetMemoryBudget(old) })
}

func FuzzReadIDXLabels(f *testing.F) {
	fuzzBudget(f)
	lab := func(n uint32, body []byte) []byte {
		b := make([]byte, 8)
		binary.BigEndian.PutUint32(b, 0x801)
		binary.BigEndian.PutUint32(b[4:], n)
		return append(b, body...)
	}
	f.Add(lab(3, []byte{1, 2, 3}))
	f.Add(lab(1<<28, nil))
	f.Add(lab(2, []byte{7}))
	f.Fuzz(func(t *testing.T, b []byte) {
		ls, err := ReadIDXLabels(bytes.NewReader(b), "fuzz.idx")
		if err != nil {
			if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "fuzz.idx") {
				t.Fatalf("error %v does not wrap ErrBadInput or name the file", err)
			}
			return
		}
		if len(b) >= 8 && len(ls) != int(binary.BigEndian.Uint32(b[4:])) {
			t.Fatalf("%d labels, header says %d", len(ls), binary.BigEndian.Uint32(b[4:]))
		}
	})
}

func TestReadCSVEmptyField(t *testing.T) {
	for _, in := range []string{"0.5,,0.5\n", "1,2,\n", ",1\n", "1;;2\n"} {
		_, err := ReadVector(strings.NewReader(in), "v.csv")
		if err == nil || !strings.Contains(err.Error(), "v.csv:1: column") {
			t.Errorf("%q: err = %v", in, err)
		}
	}
	v, err := ReadVector(strings.NewReader("0.5, 0.25 ,0.25\n"), "v.csv")
	if err != nil || len(v) != 3 {
		t.Errorf("spaces around commas: %v %v", v, err)
	}
}

func TestReadIDXBudget(t *testing.T) {
	old := matrix.SetMemoryBudget(1 << 20)
	defer matrix.SetMemoryBudget(old)
	_, _, _, err := ReadIDXImages(bytes.NewReader(idxImages(32, 256, 256, false)), "big.idx")
	if !errors.Is(err, matrix.ErrTooLarge) || !strings.Contains(err.Error(), "big.idx: offset 4: an IDX array of 32×256×256 bytes") {
		t.Errorf("err = %v", err)
	}
}
