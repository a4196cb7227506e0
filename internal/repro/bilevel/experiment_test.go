package bilevelrepro

import (
	"math"
	"testing"

	"github.com/kkt-go/kkt/bilevel"
)

func TestExperimentsFresh(t *testing.T) {
	a, b := Experiments(), Experiments()
	if len(a) != 1 || a[0].Name != "bilevel" || a[0].Run == nil || a[0] == b[0] {
		t.Fatalf("Experiments: %v %v", a, b)
	}
}

func TestHistoryFigure(t *testing.T) {
	h := []bilevel.Record{{Iter: 1, XError: 0.5}, {Iter: 2, XError: 0}, {Iter: 3, XError: math.NaN()}, {Iter: 4, XError: 0.1}}
	f := HistoryFigure("n", "t", "y", "s", h, func(r bilevel.Record) float64 { return r.XError })
	if s := f.Series[0]; len(s.X) != 2 || s.X[1] != 4 || s.Y[1] != 0.1 || !f.LogY {
		t.Errorf("%+v", f)
	}
}
