package repro

import (
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/kkt-go/kkt/internal/atomicfile"
)

// SavePlot renders p to path atomically (the format from path's extension).
func SavePlot(p *plot.Plot, w, h vg.Length, path string) error {
	format := "png"
	if i := lastDot(path); i >= 0 {
		format = path[i+1:]
	}
	wt, err := p.WriterTo(w, h, format)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(out io.Writer) error {
		_, err := wt.WriteTo(out)
		return err
	})
}

func lastDot(s string) int {
	for i := len(s) - 1; i >= 0 && s[i] != '/'; i-- {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}
