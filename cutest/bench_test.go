package cutest

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/james-bowman/sparse"
	"github.com/kkt-go/kkt/internal/kktdata"
)

// BenchmarkParseAll parses every SIF file of $KKT_DATA/cutest/sif (default
// parameters); one iteration is the whole collection.
func BenchmarkParseAll(b *testing.B) {
	dir := kktdata.Require(b, "cutest/sif")
	ents, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var files [][]byte
	var names []string
	total := 0
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".SIF") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
		names = append(names, e.Name())
		total += len(data)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i, data := range files {
			Parse(strings.NewReader(string(data)), names[i], nil)
		}
	}
	b.ReportMetric(float64(len(files)), "files")
}

// dtoc1l is a hand-written Go version of the CUTEst problem DTOC1L
// (discrete-time optimal control, linear dynamics, quartic objective) with
// the same variable and constraint order as the SIF file:
// x = (X(1,1..NX), …, X(N−1,·), Y(1,1..NY), …, Y(N,·)),
//
//	f = Σ (X(t,i)+½)⁴ + Σ (Y(t,j)+¼)⁴,
//	c(t,j) = −Y(t+1,j) + ½Y(t,j) − ¼Y(t,j−1) + ¼Y(t,j+1) + Σᵢ B(j,i) X(t,i),
//
// B(j,i) = (j−i)/(NX+NY), with the Y(t,0) and Y(t,NY+1) terms absent.
type dtoc1l struct {
	n, nx, ny int
	b         []float64 // NY×NX
	jac       *sparse.CSR
	jdata     []float64
}

func newDTOC1L(n, nx, ny int) *dtoc1l {
	d := &dtoc1l{n: n, nx: nx, ny: ny, b: make([]float64, ny*nx)}
	for j := 1; j <= ny; j++ {
		for i := 1; i <= nx; i++ {
			d.b[(j-1)*nx+i-1] = float64(j-i) / float64(nx+ny)
		}
	}
	// Jacobian pattern with sorted columns (X columns precede Y columns).
	var ptr, col []int
	ptr = append(ptr, 0)
	for t := 1; t < n; t++ {
		for j := 1; j <= ny; j++ {
			for i := 1; i <= nx; i++ {
				if d.b[(j-1)*nx+i-1] != 0 { // SIF drops zero coefficients
					col = append(col, d.xi(t, i))
				}
			}
			if j > 1 {
				col = append(col, d.yi(t, j-1))
			}
			col = append(col, d.yi(t, j))
			if j < ny {
				col = append(col, d.yi(t, j+1))
			}
			col = append(col, d.yi(t+1, j))
			ptr = append(ptr, len(col))
		}
	}
	d.jdata = make([]float64, len(col))
	d.jac = sparse.NewCSR((n-1)*ny, d.nvar(), ptr, col, d.jdata)
	return d
}

func (d *dtoc1l) nvar() int        { return (d.n-1)*d.nx + d.n*d.ny }
func (d *dtoc1l) xi(t, i int) int  { return (t-1)*d.nx + i - 1 }
func (d *dtoc1l) yi(t, j int) int  { return (d.n-1)*d.nx + (t-1)*d.ny + j - 1 }
func (d *dtoc1l) nxv() int         { return (d.n - 1) * d.nx }
func quartic(v, s float64) float64 { a := v + s; a2 := a * a; return a2 * a2 }

func (d *dtoc1l) objective(x []float64) float64 {
	f := 0.0
	nx := d.nxv()
	for k, v := range x {
		s := 0.25
		if k < nx {
			s = 0.5
		}
		f += quartic(v, s)
	}
	return f
}

func (d *dtoc1l) gradient(g, x []float64) {
	nx := d.nxv()
	for k, v := range x {
		s := 0.25
		if k < nx {
			s = 0.5
		}
		a := v + s
		g[k] = 4 * a * a * a
	}
}

func (d *dtoc1l) constraints(c, x []float64) {
	r := 0
	for t := 1; t < d.n; t++ {
		xt := x[d.xi(t, 1) : d.xi(t, 1)+d.nx]
		for j := 1; j <= d.ny; j++ {
			s := -x[d.yi(t+1, j)] + 0.5*x[d.yi(t, j)]
			if j > 1 {
				s -= 0.25 * x[d.yi(t, j-1)]
			}
			if j < d.ny {
				s += 0.25 * x[d.yi(t, j+1)]
			}
			bj := d.b[(j-1)*d.nx:]
			for i, xv := range xt {
				s += bj[i] * xv
			}
			c[r] = s
			r++
		}
	}
}

func (d *dtoc1l) jacobian(x []float64) *sparse.CSR {
	k := 0
	for t := 1; t < d.n; t++ {
		for j := 1; j <= d.ny; j++ {
			for _, bv := range d.b[(j-1)*d.nx : j*d.nx] {
				if bv != 0 {
					d.jdata[k] = bv
					k++
				}
			}
			if j > 1 {
				d.jdata[k] = -0.25
				k++
			}
			d.jdata[k] = 0.5
			k++
			if j < d.ny {
				d.jdata[k] = 0.25
				k++
			}
			d.jdata[k] = -1
			k++
		}
	}
	return d.jac
}

func loadDTOC1L(tb testing.TB, n, nx, ny int) *Problem {
	dir := kktdata.Require(tb, "cutest/sif")
	p, err := ParseFile(filepath.Join(dir, "DTOC1L.SIF"), &Options{Params: map[string]float64{"N": float64(n), "NX": float64(nx), "NY": float64(ny)}})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestDTOC1LHandWritten checks the interpreter against the hand-written
// DTOC1L used as the benchmark baseline.
func TestDTOC1LHandWritten(t *testing.T) {
	p := loadDTOC1L(t, 50, 5, 10)
	h := newDTOC1L(50, 5, 10)
	if p.N() != h.nvar() || p.M() != (50-1)*10 {
		t.Fatalf("sizes: interpreter %d×%d, hand-written %d×%d", p.M(), p.N(), (50-1)*10, h.nvar())
	}
	x := p.X0()
	for i := range x {
		x[i] += 0.1 * math.Sin(float64(i+1))
	}
	if a, b := p.Objective(x), h.objective(x); math.Abs(a-b) > 1e-12*math.Abs(b) {
		t.Errorf("objective %v, hand-written %v", a, b)
	}
	g1, g2 := p.Gradient(nil, x), make([]float64, p.N())
	h.gradient(g2, x)
	c1, c2 := p.Constraints(nil, x), make([]float64, p.M())
	h.constraints(c2, x)
	for i := range g1 {
		if math.Abs(g1[i]-g2[i]) > 1e-12*math.Max(1, math.Abs(g2[i])) {
			t.Fatalf("gradient[%d] = %v, hand-written %v", i, g1[i], g2[i])
		}
	}
	for i := range c1 {
		if math.Abs(c1[i]-c2[i]) > 1e-12 {
			t.Fatalf("c[%d] = %v, hand-written %v", i, c1[i], c2[i])
		}
	}
	j1, j2 := p.Jacobian(x).RawMatrix(), h.jacobian(x).RawMatrix()
	if len(j1.Ind) != len(j2.Ind) {
		t.Fatalf("Jacobian nnz %d, hand-written %d", len(j1.Ind), len(j2.Ind))
	}
	for k := range j1.Ind {
		if j1.Ind[k] != j2.Ind[k] || math.Abs(j1.Data[k]-j2.Data[k]) > 1e-15 {
			t.Fatalf("Jacobian entry %d: (%d, %v), hand-written (%d, %v)", k, j1.Ind[k], j1.Data[k], j2.Ind[k], j2.Data[k])
		}
	}
}

// BenchmarkDTOC1L times objective + gradient + constraints + Jacobian at
// n = 14995, m = 9990 (N=1000, NX=5, NY=10): the interpreter against the
// hand-written Go version. The point alternates between two values so the
// interpreter cannot reuse cached element values.
func BenchmarkDTOC1L(b *testing.B) {
	const n, nx, ny = 1000, 5, 10
	p := loadDTOC1L(b, n, nx, ny)
	h := newDTOC1L(n, nx, ny)
	xs := [2][]float64{p.X0(), p.X0()}
	for i := range xs[1] {
		xs[1][i] += 0.01 * math.Sin(float64(i+1))
	}
	g := make([]float64, p.N())
	c := make([]float64, p.M())
	var sink float64
	b.Run("interpreter", func(b *testing.B) {
		b.ReportAllocs()
		k := 0
		for b.Loop() {
			x := xs[k&1]
			k++
			sink += p.Objective(x)
			p.Gradient(g, x)
			p.Constraints(c, x)
			p.Jacobian(x)
		}
	})
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		k := 0
		for b.Loop() {
			x := xs[k&1]
			k++
			sink += h.objective(x)
			h.gradient(g, x)
			h.constraints(c, x)
			h.jacobian(x)
		}
	})
	_ = sink
}

// BenchmarkDTOC1LSideBySide alternates interpreter and hand-written
// evaluations in one loop (the machine is shared, so separate benchmarks
// see different loads) and reports the minimum and median time of each and
// the ratio of the minima ("ratio").
func BenchmarkDTOC1LSideBySide(b *testing.B) {
	const n, nx, ny = 1000, 5, 10
	p := loadDTOC1L(b, n, nx, ny)
	h := newDTOC1L(n, nx, ny)
	xs := [2][]float64{p.X0(), p.X0()}
	for i := range xs[1] {
		xs[1][i] += 0.01 * math.Sin(float64(i+1))
	}
	g := make([]float64, p.N())
	c := make([]float64, p.M())
	var ti, th []float64
	var sink float64
	k := 0
	for b.Loop() {
		x := xs[k&1]
		k++
		t0 := time.Now()
		sink += p.Objective(x)
		p.Gradient(g, x)
		p.Constraints(c, x)
		p.Jacobian(x)
		t1 := time.Now()
		sink += h.objective(x)
		h.gradient(g, x)
		h.constraints(c, x)
		h.jacobian(x)
		t2 := time.Now()
		ti = append(ti, t1.Sub(t0).Seconds())
		th = append(th, t2.Sub(t1).Seconds())
	}
	sort.Float64s(ti)
	sort.Float64s(th)
	b.ReportMetric(ti[0]*1e6, "interp-min-µs")
	b.ReportMetric(ti[len(ti)/2]*1e6, "interp-med-µs")
	b.ReportMetric(th[0]*1e6, "hand-min-µs")
	b.ReportMetric(th[len(th)/2]*1e6, "hand-med-µs")
	b.ReportMetric(ti[0]/th[0], "ratio")
	_ = sink
}
