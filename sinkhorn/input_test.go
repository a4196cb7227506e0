package sinkhorn_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/sinkhorn"
)

func TestImageConventionAndSparsity(t *testing.T) {
	const h, w = 4, 3
	unit := sinkhorn.ImageConvention{Grid: "unit"}.Cost(h, w, sinkhorn.SqEuclidean, 0)
	pixel := sinkhorn.ImageConvention{Grid: "pixel"}.Cost(h, w, sinkhorn.SqEuclidean, 0)
	l1 := sinkhorn.ImageConvention{Grid: "pixel"}.Cost(h, w, sinkhorn.L1, 0)
	norm := sinkhorn.ImageConvention{Grid: "pixel", Normalize: true}.Cost(h, w, sinkhorn.L1, 0)
	for p := 0; p < h*w; p++ {
		for q := 0; q < h*w; q++ {
			di, dj := float64(p/w-q/w), float64(p%w-q%w)
			if got, want := pixel.At(p, q), di*di+dj*dj; got != want {
				t.Fatalf("pixel grid C(%d,%d) = %v, want %v", p, q, got, want)
			}
			if got, want := unit.At(p, q), di*di/9+dj*dj/4; math.Abs(got-want) > 1e-15 {
				t.Fatalf("unit grid C(%d,%d) = %v, want %v", p, q, got, want)
			}
			if got, want := norm.At(p, q), l1.At(p, q)/5; math.Abs(got-want) > 1e-15 {
				t.Fatalf("normalised C(%d,%d) = %v, want %v", p, q, got, want)
			}
		}
	}
	img := []float64{0, 1, 3, 0}
	for _, tc := range []struct {
		conv sinkhorn.ImageConvention
		want []float64
	}{
		{sinkhorn.ImageConvention{Grid: "unit"}, []float64{0, 0.25, 0.75, 0}},
		{sinkhorn.ImageConvention{Grid: "unit", Floor: 1}, []float64{1.0 / 8, 2.0 / 8, 4.0 / 8, 1.0 / 8}},
		{sinkhorn.ImageConvention{Grid: "unit", Mix: 0.32}, []float64{0.01, 0.96*0.25 + 0.01, 0.96*0.75 + 0.01, 0.01}},
	} {
		got, err := tc.conv.Measure(img)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-15 {
				t.Errorf("%v: a = %v, want %v", tc.conv, got, tc.want)
				break
			}
		}
	}
	for _, bad := range []sinkhorn.ImageConvention{{Grid: "hex"}, {Grid: "unit", Floor: -1}, {Grid: "unit", Mix: 9}} {
		if bad.Check() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	a, b := []float64{0.5, 0, 0.5, 0}, []float64{0.25, 0.25, 0.25, 0.25}
	for _, tc := range []struct {
		in   string
		want float64
	}{{"", 0}, {"0.25", 0.25}, {"15/n", 2 * 15.0 / 6}, {" 2/n", 2 * 2.0 / 6}} {
		if got, err := sinkhorn.ParseSparsity(tc.in, a, b); err != nil || math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("ParseSparsity(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"x", "0", "2", "-1/n", "k/n", "Inf/n"} {
		if _, err := sinkhorn.ParseSparsity(in, a, b); err == nil {
			t.Errorf("ParseSparsity(%q) accepted", in)
		}
	}
}

func writeTemp(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadSources(t *testing.T) {
	dir := t.TempDir()
	a := writeTemp(t, dir, "a.csv", "0.5\n0.5\n")
	b := writeTemp(t, dir, "b.csv", "0.25 0.75\n")
	c := writeTemp(t, dir, "c.csv", "0,2\n4,0\n")
	x := writeTemp(t, dir, "x.csv", "0,0\n1,0\n")
	y := writeTemp(t, dir, "y.csv", "0,1\n1,1\n")
	img := writeTemp(t, dir, "i.csv", "1 0\n0 1\n")
	w3 := writeTemp(t, dir, "w3.csv", "1,2,3\n")
	in, err := sinkhorn.Load(sinkhorn.Sources{A: a, B: b, Cost: c, Normalize: true})
	if err != nil || in.Source != c || in.Image || in.C.At(1, 0) != 1 || in.C.At(0, 1) != 0.5 || in.B[1] != 0.75 {
		t.Fatalf("cost file: %+v %v", in, err)
	}
	in, err = sinkhorn.Load(sinkhorn.Sources{A: a, B: b, X: x, Y: y, Metric: sinkhorn.L1})
	if err != nil || in.C.At(0, 1) != 2 || in.C.At(1, 0) != 2 || in.C.At(1, 1) != 1 {
		t.Fatalf("points: %+v %v", in, err)
	}
	conv := sinkhorn.ImageConvention{Grid: "pixel", Floor: 1}
	in, err = sinkhorn.Load(sinkhorn.Sources{ImageA: img, ImageB: img, Metric: sinkhorn.L1, Convention: conv, Normalize: true})
	if err != nil || !in.Image || in.A[0] != 2.0/6 || in.C.At(0, 3) != 2 { // Normalize applies to non-image costs only
		t.Fatalf("images: %+v %v", in, err)
	}
	in, err = sinkhorn.Load(sinkhorn.Sources{Random: 3, Seed: 7})
	c7, a7 := sinkhorn.RandomProblem(3, 7)
	if err != nil || in.C.At(2, 1) != c7.At(2, 1) || in.B[2] != a7[2] || in.Source != "random n=3 seed=7" {
		t.Fatalf("random: %+v %v", in, err)
	}
	for _, tc := range []struct {
		s    sinkhorn.Sources
		want string
	}{
		{sinkhorn.Sources{A: a, B: b}, "exactly one of"},
		{sinkhorn.Sources{Cost: c, Random: 2}, "exactly one of"},
		{sinkhorn.Sources{Cost: c}, "--a and --b are required"},
		{sinkhorn.Sources{A: a, Random: 2}, "cannot be combined"},
		{sinkhorn.Sources{X: x}, "--x and --y go together"},
		{sinkhorn.Sources{A: a, B: b, X: x, Y: w3}, "columns"},
		{sinkhorn.Sources{A: w3, B: b, Cost: c}, "a has 3 entries"},
		{sinkhorn.Sources{A: a, B: b, Cost: filepath.Join(dir, "none.csv")}, "none.csv"},
		{sinkhorn.Sources{MNIST: "1"}, "two indices"},
		{sinkhorn.Sources{MNIST: "1,-2"}, "bad index"},
		{sinkhorn.Sources{MNIST: "1,2"}, "data directory"},
		{sinkhorn.Sources{MNIST: "1,2", DataDir: dir}, "t10k-images"},
		{sinkhorn.Sources{ImageA: img, ImageB: w3, Convention: conv}, "images are"},
	} {
		if _, err := sinkhorn.Load(tc.s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", tc.s, err, tc.want)
		}
	}
}

func TestWritersAndSolve(t *testing.T) {
	c, a := sinkhorn.RandomProblem(6, 1)
	ctx := context.Background()
	s := sinkhorn.SNSSettings{Settings: sinkhorn.Settings{Eta: 20, Tol: 1e-10, History: true}}
	for _, m := range []string{"sinkhorn", "sinkhorn-log", "log", "sns"} {
		res, err := sinkhorn.Solve(ctx, m, a, a, c, s)
		if err != nil || res.Status != sinkhorn.Converged || (m == "sns") != (res.NewtonIterations > 0) ||
			(m != "sinkhorn") != (res.Domain == sinkhorn.Log) {
			t.Fatalf("%s: %v %v, %d Newton, %v domain", m, err, res.Status, res.NewtonIterations, res.Domain)
		}
		var buf bytes.Buffer
		if err := sinkhorn.WritePlan(&buf, res, 0); err != nil {
			t.Fatal(err)
		}
		p, err := sinkhorn.ReadCSV(&buf, "plan")
		if err != nil || !mat.Equal(p, res.Plan) { // exact round trip
			t.Fatalf("%s: plan does not read back: %v", m, err)
		}
		buf.Reset()
		if err := sinkhorn.WritePlan(&buf, res, 4); err != nil || strings.Count(buf.String(), "\n") != 5 {
			t.Errorf("%s: top-4 plan %q %v", m, buf.String(), err)
		}
		buf.Reset()
		if err := sinkhorn.WriteHistory(&buf, res.History); err != nil || strings.Count(buf.String(), "\n") != len(res.History)+1 {
			t.Errorf("%s: history %v", m, err)
		}
	}
	if _, err := sinkhorn.Solve(ctx, "emd", a, a, c, s); !errors.Is(err, sinkhorn.ErrUnknownMethod) {
		t.Errorf("unknown method: %v", err)
	}
	e, err := sinkhorn.EMD(ctx, a, a, c, sinkhorn.EMDSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if d := e.DualValue(a, a); math.Abs(d-e.Cost) > 1e-12 {
		t.Errorf("dual %v, cost %v", d, e.Cost)
	}
	var buf bytes.Buffer
	if err := e.WritePlan(&buf); err != nil || strings.Count(buf.String(), "\n") != e.Plan.NNZ()+1 {
		t.Errorf("EMD plan %q %v", buf.String(), err)
	}
}
