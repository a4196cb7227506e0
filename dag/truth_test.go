package dag

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func TestReadTruth(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		names    []string
		edges    [][2]int // expected i → j in the returned order
		outNames []string
		err      string
	}{
		{"matrix with header", "a,b\n0,0.5\n0,0\n", nil, [][2]int{{0, 1}}, []string{"a", "b"}, ""},
		{"matrix without header", "0,0\n1,0\n", nil, [][2]int{{1, 0}}, nil, ""},
		{"edge list, first appearance", "\"Cause\",\"Effect\"\r\n\"b\",\"c\"\r\n\"a\",\"b\"\r\n", nil, [][2]int{{0, 1}, {2, 0}}, []string{"b", "c", "a"}, ""},
		{"edge list, given names", "cause,effect\nb,c\na,b\n", []string{"a", "b", "c", "d"}, [][2]int{{1, 2}, {0, 1}}, []string{"a", "b", "c", "d"}, ""},
		{"edge list without header line", "x,y\n", nil, [][2]int{{0, 1}}, []string{"x", "y"}, ""},
		{"unknown node", "Cause,Effect\na,z\n", []string{"a", "b"}, nil, nil, "g.csv: edge a → z names a node that is not a data column (a, b)"},
		{"empty name", "Cause,Effect\na,\n", nil, nil, nil, "g.csv:2: empty node name"},
		{"neither", "a,b,c\nx,y\n", nil, nil, nil, "g.csv:2: ragged row"},
		{"empty", "", nil, nil, nil, "g.csv: no data rows"},
	} {
		B, names, err := ReadTruth(strings.NewReader(tc.in), "g.csv", tc.names)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if strings.Join(names, ",") != strings.Join(tc.outNames, ",") {
			t.Errorf("%s: names %v, want %v", tc.name, names, tc.outNames)
		}
		want := map[[2]int]bool{}
		for _, e := range tc.edges {
			want[e] = true
		}
		r, c := B.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				if (B.At(i, j) != 0) != want[[2]int{i, j}] {
					t.Errorf("%s: B[%d,%d] = %v", tc.name, i, j, B.At(i, j))
				}
			}
		}
	}
}

func TestAlignTruth(t *testing.T) {
	// truth over nodes c, a, b with edges a → b (weight 2) and c → a (3)
	B := mat.NewDense(3, 3, []float64{
		0, 3, 0,
		0, 0, 2,
		0, 0, 0,
	})
	tn := []string{"c", "a", "b"}
	got, match, note, err := AlignTruth(B, tn, []string{"a", "b", "c"}, "t.csv")
	if err != nil || match != ByName || note != "" {
		t.Fatalf("by name: %v %q %q", err, match, note)
	}
	// independently: entry [data i, data j] is the weight of name i → name j
	w := map[[2]string]float64{{"a", "b"}: 2, {"c", "a"}: 3}
	for i, u := range []string{"a", "b", "c"} {
		for j, v := range []string{"a", "b", "c"} {
			if got.At(i, j) != w[[2]string{u, v}] {
				t.Errorf("aligned[%s,%s] = %v, want %v", u, v, got.At(i, j), w[[2]string{u, v}])
			}
		}
	}
	for _, tc := range []struct {
		tn, dn []string
		note   string
	}{{nil, []string{"a", "b", "c"}, "the truth file has no header"}, {tn, nil, "the data file has no header"}} {
		got, match, note, err := AlignTruth(B, tc.tn, tc.dn, "t.csv")
		if err != nil || match != ByPosition || !strings.HasPrefix(note, tc.note) || got != B {
			t.Errorf("by position: %v %q %q", err, match, note)
		}
	}
	for _, tc := range []struct {
		B      *mat.Dense
		tn, dn []string
		err    string
	}{
		{B, tn, []string{"a", "b", "x"}, "t.csv: node names differ from the data's: data only [x], truth only [c]"},
		{B, []string{"a", "a", "b"}, []string{"a", "b", "c"}, `t.csv: node name "a" appears twice`},
		{B, tn, []string{"a", "a", "b"}, `data column name "a" appears twice`},
		{mat.NewDense(2, 3, nil), nil, nil, "t.csv: truth is 2×3, not square"},
		{B, []string{"a", "b"}, []string{"a", "b"}, "t.csv: truth is 3×3 with 2 names"},
	} {
		if _, _, _, err := AlignTruth(tc.B, tc.tn, tc.dn, "t.csv"); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("err %v, want %q", err, tc.err)
		}
	}
}

func TestStandardize(t *testing.T) {
	X := mat.NewDense(4, 3, []float64{
		1, 5, 2,
		2, 5, -1,
		4, 5, 7,
		9, 5, 0,
	})
	orig := mat.DenseCopyOf(X)
	Standardize(X)
	for j := 0; j < 3; j++ {
		col := mat.Col(nil, j, X)
		if j == 1 { // constant: unchanged
			if !mat.Equal(X.ColView(1), orig.ColView(1)) {
				t.Errorf("constant column changed: %v", col)
			}
			continue
		}
		m, v := stat.PopMeanVariance(col, nil)
		if math.Abs(m) > 1e-15 || math.Abs(v-1) > 1e-14 {
			t.Errorf("column %d: mean %g, variance %g", j, m, v)
		}
		// an affine map of the original column
		o := mat.Col(nil, j, orig)
		om, ov := stat.PopMeanVariance(o, nil)
		for i := range col {
			if want := (o[i] - om) / math.Sqrt(ov); math.Abs(col[i]-want) > 1e-14 {
				t.Errorf("X[%d,%d] = %v, want %v", i, j, col[i], want)
			}
		}
	}
}

func TestParseTypes(t *testing.T) {
	for _, g := range []GraphType{ER, SF} {
		if p, err := ParseGraphType(strings.ToUpper(g.String())); err != nil || p != g {
			t.Errorf("ParseGraphType(%v) = %v, %v", g, p, err)
		}
	}
	for _, n := range []NoiseType{Gaussian, Exponential, Gumbel, Laplace} {
		if p, err := ParseNoiseType(n.String()); err != nil || p != n {
			t.Errorf("ParseNoiseType(%v) = %v, %v", n, p, err)
		}
	}
	if p, err := ParseNoiseType("Normal"); err != nil || p != Gaussian {
		t.Errorf("normal: %v %v", p, err)
	}
	if _, err := ParseGraphType("ba"); err == nil || err.Error() != `unknown graph "ba" (er or sf)` {
		t.Errorf("ba: %v", err)
	}
	if _, err := ParseNoiseType("t"); err == nil || !strings.Contains(err.Error(), `unknown noise "t"`) {
		t.Errorf("t: %v", err)
	}
}
