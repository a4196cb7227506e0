package dagrepro

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/dag"
)

func TestParseCells(t *testing.T) {
	cells, err := ParseCells([]string{"er2", "SF4"}, []string{"10", "20"}, []string{"equal", "nv"})
	if err != nil || len(cells) != 8 {
		t.Fatalf("%d cells, %v", len(cells), err)
	}
	want := []string{"ER2 d=10 ev", "ER2 d=10 nv", "ER2 d=20 ev", "ER2 d=20 nv", "SF4 d=10 ev", "SF4 d=10 nv", "SF4 d=20 ev", "SF4 d=20 nv"}
	for i, c := range cells {
		if c.Name() != want[i] {
			t.Errorf("cell %d is %s, want %s", i, c.Name(), want[i])
		}
	}
	for _, tc := range []struct {
		g, d, v []string
		err     string
	}{
		{[]string{"er"}, []string{"10"}, []string{"ev"}, `graph "er": want er2`},
		{[]string{"ba2"}, []string{"10"}, []string{"ev"}, `unknown graph "ba"`},
		{[]string{"er0"}, []string{"10"}, []string{"ev"}, `graph "er0"`},
		{[]string{"er2"}, []string{"1"}, []string{"ev"}, `bad d "1"`},
		{[]string{"er2"}, []string{"10"}, []string{"hetero"}, `unknown variance "hetero"`},
	} {
		if _, err := ParseCells(tc.g, tc.d, tc.v); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%v %v %v: %v, want %q", tc.g, tc.d, tc.v, err, tc.err)
		}
	}
}

func TestCellSimSettings(t *testing.T) {
	ev := Cell{dag.ER, 4, 20, false}.SimSettings()
	nv := Cell{dag.SF, 2, 10, true}.SimSettings()
	if ev.N != 1000 || ev.Unequal || ev.WMin != 0 || ev.K != 4 || ev.D != 20 {
		t.Errorf("EV settings %+v", ev)
	}
	if nv.N != 1000 || !nv.Unequal || nv.WMin != 0.25 || nv.WMax != 1 || nv.Graph != dag.SF {
		t.Errorf("NV settings %+v", nv)
	}
}

func TestSigmaRelErr(t *testing.T) {
	if got := SigmaRelErr([]float64{1.1}, []float64{1}); math.Abs(got-0.1) > 1e-15 {
		t.Errorf("EV: %v", got)
	}
	// errors 0.5, 0.1, 0.3, 0.2 (σ = 2, 1, 1, 1): median (0.2 + 0.3)/2
	got := SigmaRelErr([]float64{3, 0.9, 1.3, 1.2}, []float64{4, 1, 1, 1})
	if math.Abs(got-0.25) > 1e-15 {
		t.Errorf("NV: %v, want 0.25", got)
	}
}

// Statistics accumulated from fits: mean and sample sd of the SHD, mean
// TPR/FDR/σ̂ error, NotWorse and ZeroSHD, checked against hand values.
func TestAddFits(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	cs := NewStats(Cell{dag.ER, 2, 6, false}, []string{"colide-ev+topo"}, 3)
	AddFits(cs, []Fit{{Method: "colide-ev+topo", SHD: 0, TPR: 1, FDR: 0, Seconds: 1, Score: f(1), StartLS: f(2), SigmaErr: f(0.03)}})
	AddFits(cs, []Fit{{Method: "colide-ev+topo", SHD: 2, TPR: 0.5, FDR: 0.3, Seconds: 2, Score: f(3), StartLS: f(2), SigmaErr: f(0.06)}})
	AddFits(cs, []Fit{{Method: "colide-ev+topo", SHD: 4, TPR: 0.9, FDR: 0.3, Seconds: 3, Score: nil, StartLS: f(2)}})
	FinishStats(cs)
	s := cs[0]
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-14 }
	if !near(s.MeanSHD, 2) || !near(s.SDSHD, 2) || !near(s.TPR, 0.8) || !near(s.FDR, 0.2) || !near(s.MeanTime, 2) || !near(s.SigmaRelErr, 0.03) {
		t.Errorf("stats %+v", s)
	}
	// NaN score (seed 3) is not "not worse"; seed 2's 3 > 2 is worse
	if s.NotWorse != 1 || s.ZeroSHD != 1 || len(s.StartLosses) != 3 || !math.IsNaN(s.Losses[2]) || s.Cell != "ER2 d=6 ev" || s.Graph != "er" {
		t.Errorf("stats %+v", s)
	}
}

func TestSweepMatchesUnits(t *testing.T) {
	c := Cell{dag.ER, 2, 6, false}
	methods := []string{"topo"}
	stats, err := Sweep(context.Background(), []Cell{c}, methods, 3, 7, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// the same seeds fitted one by one and accumulated
	cs := NewStats(c, methods, 3)
	for s := uint64(7); s < 10; s++ {
		fits, err := FitSeed(context.Background(), c, methods, s, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		AddFits(cs, fits)
	}
	FinishStats(cs)
	a, b := *stats[0], *cs[0]
	a.Times, b.Times, a.MeanTime, b.MeanTime = nil, nil, 0, 0
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("sweep %s\nunits %s", ja, jb)
	}
	if len(stats[0].SHD) != 3 {
		t.Errorf("SHD %v", stats[0].SHD)
	}
}

func TestParseStats(t *testing.T) {
	good := `[{"Cell":"ER1 d=10 ev","Graph":"er","K":1,"D":10,"Method":"dagma","MeanSHD":3,"SHD":[1,5]}]`
	for _, in := range []string{good, `{"cells":` + good + `,"time_s":1}`} {
		st, err := ParseStats("s.json", []byte(in))
		if err != nil || len(st) != 1 || st[0].D != 10 || st[0].MeanSHD != 3 {
			t.Errorf("%s: %v %v", in, st, err)
		}
	}
	for in, want := range map[string]string{
		`[]`:                                 "s.json: no entries",
		`{"cells":[]}`:                       "s.json: no entries",
		`[null]`:                             "s.json: entry 0 is null",
		`[{"Graph":"er","D":3,"MeanSHD":1}]`: "s.json: entry 0 has no method",
		`[{"Graph":"er","Method":"m","D":0,"MeanSHD":1}]`:              "s.json: entry 0: d = 0 out of range",
		`[{"Graph":"er","Method":"m","D":3,"MeanSHD":-1}]`:             "s.json: entry 0: mean SHD -1",
		`[{"Graph":"er","Method":"m","D":3,"MeanSHD":1,"SHD":[1,-2]}]`: "s.json: entry 0: SHD -2 < 0",
		`[{"Graph":"er","Method":"m","D":3,"MeanSHD":1e400}]`:          "s.json:",
		`{`: "s.json:",
	} {
		if _, err := ParseStats("s.json", []byte(in)); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	if err := os.WriteFile(p, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err := ReadStats([]string{p, p}); err != nil || len(st) != 2 {
		t.Errorf("ReadStats: %d entries, %v", len(st), err)
	}
	if _, err := ReadStats([]string{p, filepath.Join(dir, "missing.json")}); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
}

// FuzzParseStats: no input panics; an accepted entry passed every check;
// an error names the file.
func FuzzParseStats(f *testing.F) {
	f.Add([]byte(`[null]`))
	f.Add([]byte(`[{"Cell":"er1","Graph":"ER","K":1,"D":10,"Method":"dagma","MeanSHD":3,"SHD":[1,2]}]`))
	f.Add([]byte(`{"cells":[{"Graph":"ER","D":-1,"Method":"m","MeanSHD":1e400}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ParseStats("fuzz.json", b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, s := range st {
			if s == nil || s.D < 1 || !(s.MeanSHD >= 0) || s.Method == "" || s.Graph == "" {
				t.Fatalf("accepted %+v", s)
			}
		}
	})
}

func TestPlot(t *testing.T) {
	stats := []*Stat{
		{Graph: "er", K: 2, D: 10, Method: "topo", MeanSHD: 1},
		{Graph: "er", K: 2, D: 5, Method: "topo", MeanSHD: 0},
		{Graph: "er", K: 2, D: 5, Unequal: true, Method: "dagma", MeanSHD: 3},
		{Graph: "sf", K: 4, D: 5, Method: "colide-ev", MeanSHD: 2},
	}
	dir := filepath.Join(t.TempDir(), "figs")
	files, err := Plot(stats, filepath.Join(dir, "shd.svg"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"shd-er2-ev.svg", "shd-er2-nv.svg", "shd-sf4-ev.svg"}
	if len(files) != len(want) {
		t.Fatalf("files %v", files)
	}
	for i, f := range files {
		if f != filepath.Join(dir, want[i]) {
			t.Errorf("file %d is %s, want %s", i, f, want[i])
		}
		b, err := os.ReadFile(f)
		if err != nil || !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "Mean SHD vs d") {
			t.Errorf("%s: not an SVG figure (%v)", f, err)
		}
	}
}
