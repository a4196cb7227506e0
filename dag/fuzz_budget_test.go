package dag

import (
	"strings"
	"testing"

	"github.com/kkt-go/kkt/matrix"
)

// fuzzBudget runs a fuzz target with the production limits and a 64 MiB
// memory budget (as a user would set with --mem-budget).
func fuzzBudget(tb testing.TB) {
	old := matrix.SetMemoryBudget(64 << 20)
	tb.Cleanup(func() { matrix.SetMemoryBudget(old) })
}

// TestReadCSVHeaderOrTypo: a first line mixing numbers and names is an
// error naming line 1, not a header; empty fields are errors.
func TestReadCSVHeaderOrTypo(t *testing.T) {
	for in, want := range map[string]string{
		"0.5,O.7,1.2\n0.1,0.2,0.3\n": `d.csv:1: column 2: not a number: "O.7", while other columns of the line are numbers`,
		"a,,c\n1,2,3\n":              "d.csv:1: header column 2 is empty",
		"a,b\n1,\n":                  "d.csv:2: column 2 is empty",
	} {
		_, _, err := ReadCSV(strings.NewReader(in), "d.csv")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", in, err, want)
		}
	}
	m, h, err := ReadCSV(strings.NewReader("x1,x2\n1,2\n"), "d.csv")
	if err != nil || len(h) != 2 || m.At(0, 1) != 2 {
		t.Errorf("header file: %v %v %v", m, h, err)
	}
}
