package dag

import (
	"bytes"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestReadCSV(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		r, c     int
		header   bool
		err      string
	}{
		{"plain", "1,2\n3,4\n", 2, 2, false, ""},
		{"header", "a,b\n1,2\n3,4\n", 2, 2, true, ""},
		{"crlf-blank-quotes", "\"a\",\"b\"\r\n\r\n1, 2\r\n\"3\",4e0\r\n", 2, 2, true, ""},
		{"ragged", "1,2\n3\n", 0, 0, false, "x.csv:2: ragged row: 1 columns, previous rows have 2"},
		{"nonnumeric", "a,b\n1,2\n3,x\n", 0, 0, false, "x.csv:3: column 2: not a number: \"x\""},
		{"nan", "1,NaN\n", 0, 0, false, "x.csv:1: column 2: non-finite value"},
		{"empty", "", 0, 0, false, "no data rows"},
		{"header-only", "a,b\n", 0, 0, false, "no data rows"},
	} {
		m, h, err := ReadCSV(strings.NewReader(tc.in), "x.csv")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		r, c := m.Dims()
		if r != tc.r || c != tc.c || (h != nil) != tc.header {
			t.Errorf("%s: %d×%d header %v", tc.name, r, c, h)
		}
	}
}

func TestCSVRoundTrip(t *testing.T) {
	m := mat.NewDense(2, 3, []float64{1.0 / 3, -2e-300, 5, 0, 1e300, -7.25})
	var buf bytes.Buffer
	if err := WriteCSV(&buf, m, []string{"a", "b", "c"}); err != nil {
		t.Fatal(err)
	}
	got, h, err := ReadCSV(&buf, "rt")
	if err != nil || !mat.Equal(got, m) || strings.Join(h, ",") != "a,b,c" {
		t.Fatalf("round trip: %v %v %v", mat.Formatted(got), h, err)
	}
}

// FuzzReadCSV: the parser never panics, and what it accepts is rectangular,
// finite and survives a write/read round trip.
func FuzzReadCSV(f *testing.F) {
	fuzzBudget(f)
	for _, s := range []string{"0.5,O.7,1.2\n0.1,0.2,0.3\n", "1,2\n3,4\n", "a,b\n1,2\n", "1,\n", "\"1\",2\r\n", ",,\n", "x\n1\n2,3\n", "1e400\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		m, _, err := ReadCSV(strings.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, m, nil); err != nil {
			t.Fatal(err)
		}
		m2, _, err := ReadCSV(&buf, "fuzz2")
		if err != nil || !mat.Equal(m, m2) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}
