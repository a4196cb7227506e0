package repro

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Series is one named curve of a Figure.
type Series struct {
	Name string    `json:"name"`
	X    []float64 `json:"x"`
	Y    []float64 `json:"y"`
}

// Figure is a line plot an experiment asks the runner to save (PNG and SVG
// under --out). Its data are also written to <name>.json beside the images.
type Figure struct {
	Name   string   `json:"name"` // file stem, e.g. "linsolve-residuals"
	Title  string   `json:"title"`
	XLabel string   `json:"xlabel"`
	YLabel string   `json:"ylabel"`
	LogX   bool     `json:"logx"`
	LogY   bool     `json:"logy"`
	Series []Series `json:"series"`
	// Timing marks a Figure of measured times: its data vary from run to
	// run (every other Figure's data are deterministic, as rows are).
	Timing bool `json:"timing,omitempty"`
}

// AddFigure records f; the runner saves it when --out is given.
func (e *Env) AddFigure(f Figure) { e.figures = append(e.figures, f) }

// SaveFigure writes f as PNG and SVG into dir.
func SaveFigure(dir string, f Figure) error {
	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	if f.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: 3}
	}
	if f.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: 3}
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	for i, s := range f.Series {
		pts := make(plotter.XYs, 0, len(s.X))
		for k := range s.X {
			x, y := s.X[k], s.Y[k]
			// Log axes cannot show non-positive values; drop them (and NaN/Inf).
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) ||
				(f.LogX && x <= 0) || (f.LogY && y <= 0) {
				continue
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
		}
		if len(pts) == 0 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("figure %s, series %s: %w", f.Name, s.Name, err)
		}
		l.Color = plotutil.Color(i)
		l.Dashes = plotutil.Dashes(i / len(plotutil.DefaultColors))
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(s.Name, l)
	}
	for _, ext := range []string{".png", ".svg"} {
		if err := SavePlot(p, 16*vg.Centimeter, 10*vg.Centimeter, filepath.Join(dir, f.Name+ext)); err != nil {
			return fmt.Errorf("figure %s: %w", f.Name, err)
		}
	}
	return nil
}

// Meter prints throttled progress lines for long experiments: at most
// one line every interval, with the fraction done and an estimate of the time
// left. It writes nothing when w is nil.
type Meter struct {
	w        interface{ Write([]byte) (int, error) }
	name     string
	start    time.Time
	last     time.Time
	interval time.Duration
}

// NewProgress starts a progress meter for an experiment.
func (e *Env) NewProgress(name string) *Meter {
	return &Meter{w: e.Progress, name: name, start: time.Now(), interval: 2 * time.Second}
}

// Update reports that done of total units are finished; what names the unit
// of work (a problem, a seed, a size).
func (p *Meter) Update(done, total int, what string) {
	if p == nil || p.w == nil {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < p.interval && done < total {
		return
	}
	p.last = now
	el := now.Sub(p.start)
	eta := ""
	if done > 0 && done < total {
		left := time.Duration(float64(el) * float64(total-done) / float64(done))
		eta = fmt.Sprintf(", ~%s left", left.Round(time.Second))
	}
	fmt.Fprintf(p.w, "[%s] %d/%d %s (%s elapsed%s)\n", p.name, done, total, what, el.Round(time.Second), eta)
}

// IsTerminal reports whether f is a character device (a terminal).
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Figures returns the figures recorded so far by the running experiment.
func (e *Env) Figures() []Figure { return e.figures }
