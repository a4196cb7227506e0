package dagrepro

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/kkt-go/kkt/internal/repro"
)

// Plot draws mean SHD against d for every method, one figure per (graph,
// variance) family such as er4-ev, into files named after path with
// "-<family>" inserted before the extension (which selects the format: .svg,
// .png, .pdf, …). It returns the files in the order the families first
// appear in stats.
func Plot(stats []*Stat, path string) ([]string, error) {
	ext := filepath.Ext(path)
	stem := strings.TrimSuffix(path, ext)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	type fam struct {
		series map[string]plotter.XYs
		keys   []string
	}
	fams := map[string]*fam{}
	var famKeys []string
	for _, s := range stats {
		v := "ev"
		if s.Unequal {
			v = "nv"
		}
		fk := fmt.Sprintf("%s%d-%s", s.Graph, s.K, v)
		f := fams[fk]
		if f == nil {
			f = &fam{series: map[string]plotter.XYs{}}
			fams[fk] = f
			famKeys = append(famKeys, fk)
		}
		if _, ok := f.series[s.Method]; !ok {
			f.keys = append(f.keys, s.Method)
		}
		f.series[s.Method] = append(f.series[s.Method], plotter.XY{X: float64(s.D), Y: s.MeanSHD})
	}
	var files []string
	for _, fk := range famKeys {
		f := fams[fk]
		p := plot.New()
		p.Title.Text = "Mean SHD vs d, " + strings.ToUpper(fk) + " (n = 1000, 5 seeds)"
		p.X.Label.Text = "d"
		p.Y.Label.Text = "mean SHD"
		var args []any
		for _, k := range f.keys {
			xy := f.series[k]
			sort.Slice(xy, func(a, b int) bool { return xy[a].X < xy[b].X })
			args = append(args, k, xy)
		}
		if err := plotutil.AddLinePoints(p, args...); err != nil {
			return nil, err
		}
		p.Legend.Top = true
		p.Legend.Left = true
		out := stem + "-" + fk + ext
		if err := repro.SavePlot(p, 6*vg.Inch, 4*vg.Inch, out); err != nil {
			return nil, err
		}
		files = append(files, out)
	}
	return files, nil
}
