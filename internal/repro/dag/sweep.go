package dagrepro

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/kkt-go/kkt/dag"
	"github.com/kkt-go/kkt/internal/repro"
)

// Cell is one setting of the synthetic sweep.
type Cell struct {
	Graph   dag.GraphType
	K, D    int
	Unequal bool // heteroscedastic noise (CoLiDE's "NV" setting)
}

// Name is the cell's label, e.g. "ER4 d=20 ev".
func (c Cell) Name() string {
	v := "ev"
	if c.Unequal {
		v = "nv"
	}
	return fmt.Sprintf("%s%d d=%d %s", strings.ToUpper(c.Graph.String()), c.K, c.D, v)
}

// SimSettings are the data of cell c: n = 1000, Gaussian noise; equal
// variance 1 with weights ±[0.5, 2], or (CoLiDE's heteroscedastic setting,
// as in the reference runs of docs/dag.md) variances U(0.5, 10) with
// weights ±[0.25, 1].
func (c Cell) SimSettings() dag.SimSettings {
	s := dag.SimSettings{Graph: c.Graph, K: c.K, D: c.D, N: 1000, Unequal: c.Unequal}
	if c.Unequal {
		s.WMin, s.WMax = 0.25, 1
	}
	return s
}

// Stat aggregates one method over the seeds of a cell. It is the JSON
// entry of `kkt dag sweep --json` and of dag-sweep.json (field names as
// they are).
type Stat struct {
	Cell                       string
	Graph                      string
	K, D                       int
	Unequal                    bool
	Method                     string
	Seeds                      int
	SHD                        []int
	MeanSHD, SDSHD, TPR, FDR   float64
	MeanTime                   float64 // seconds
	SigmaRelErr                float64 // CoLiDE: mean over seeds of SigmaRelErr
	NotWorse                   int     // +topo: seeds whose TOPO loss ≤ the starting DAG's refit loss
	ZeroSHD                    int
	Losses, StartLosses, Times []float64
}

// Fit is one method fitted to one seed's data of a sweep cell: what the
// statistics of Stat are accumulated from (the raw result of a shard).
// Numbers that are not finite are nil (JSON has no NaN).
type Fit struct {
	Method   string
	SHD      int
	TPR, FDR float64
	Seconds  float64
	Score    *float64
	StartLS  *float64 // +topo: refit loss of the starting DAG
	SigmaErr *float64 // CoLiDE: SigmaRelErr of its σ̂
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// SigmaRelErr is the relative error of CoLiDE's noise scales against the
// true noise variances: |σ̂/σ − 1| for one scale (CoLiDE-EV), the median
// (repro.Median) over nodes of |σ̂_j/σ_j − 1| for one scale per node.
func SigmaRelErr(sigma, noiseVar []float64) float64 {
	if len(sigma) == 1 {
		return math.Abs(sigma[0]/math.Sqrt(noiseVar[0]) - 1)
	}
	errs := make([]float64, len(sigma))
	for j := range sigma {
		errs[j] = math.Abs(sigma[j]/math.Sqrt(noiseVar[j]) - 1)
	}
	return repro.Median(errs)
}

// FitSeed simulates the data of cell c with seed and fits every method
// (RunMethod with default settings, the +topo methods reusing their
// starting fit), printing one line per fit to progress.
func FitSeed(ctx context.Context, c Cell, methods []string, seed uint64, progress io.Writer) ([]Fit, error) {
	sim := dag.Simulate(rand.New(rand.NewPCG(seed, 0)), c.SimSettings())
	cache := map[string]*Run{}
	fits := make([]Fit, 0, len(methods))
	for _, m := range methods {
		run, err := RunMethod(ctx, sim.X, m, dag.Settings{}, seed, cache)
		if err != nil {
			return nil, fmt.Errorf("%s seed %d %s: %w", c.Name(), seed, m, err)
		}
		acc := dag.CountAccuracy(sim.W, run.Res.B)
		f := Fit{Method: m, SHD: acc.SHD, TPR: acc.TPR, FDR: acc.FDR, Seconds: run.Time.Seconds(),
			Score: finite(run.Res.Score), StartLS: finite(run.StartLS)}
		if sg := run.Res.Sigma; sg != nil && run.Res.Method != dag.TopoSwap {
			e := SigmaRelErr(sg, sim.NoiseVar)
			f.SigmaErr = &e
		}
		fits = append(fits, f)
		fmt.Fprintf(progress, "[dag] %s seed %d %-15s SHD %3d TPR %.3f %6.2fs\n", c.Name(), seed, m, acc.SHD, acc.TPR, run.Time.Seconds())
	}
	return fits, nil
}

// NewStats returns empty statistics of methods on cell c over seeds.
func NewStats(c Cell, methods []string, seeds int) []*Stat {
	cs := make([]*Stat, len(methods))
	for i, m := range methods {
		cs[i] = &Stat{Cell: c.Name(), Graph: c.Graph.String(), K: c.K, D: c.D, Unequal: c.Unequal, Method: m, Seeds: seeds}
	}
	return cs
}

// AddFits adds one seed's fits (in the order of cs) to the statistics.
// Seeds must be added in increasing order: the means are accumulated.
func AddFits(cs []*Stat, fits []Fit) {
	for i, f := range fits {
		st := cs[i]
		seeds := st.Seeds
		st.SHD = append(st.SHD, f.SHD)
		if f.SHD == 0 {
			st.ZeroSHD++
		}
		st.TPR += f.TPR / float64(seeds)
		st.FDR += f.FDR / float64(seeds)
		st.Times = append(st.Times, f.Seconds)
		st.Losses = append(st.Losses, orNaN(f.Score))
		if f.StartLS != nil {
			st.StartLosses = append(st.StartLosses, *f.StartLS)
			if orNaN(f.Score) <= *f.StartLS {
				st.NotWorse++
			}
		}
		if f.SigmaErr != nil {
			st.SigmaRelErr += *f.SigmaErr / float64(seeds)
		}
	}
}

// meanSD returns the mean and the sample standard deviation (divisor
// n − 1; 0 for one value) of v, NaN for an empty v.
func meanSD(v []float64) (float64, float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	if len(v) > 1 {
		s /= float64(len(v) - 1)
	}
	return m, math.Sqrt(s)
}

// FinishStats computes the means and standard deviations.
func FinishStats(cs []*Stat) {
	for _, st := range cs {
		v := make([]float64, len(st.SHD))
		for i, x := range st.SHD {
			v[i] = float64(x)
		}
		st.MeanSHD, st.SDSHD = meanSD(v)
		st.MeanTime, _ = meanSD(st.Times)
	}
}

// Sweep runs methods on seeds 1..seeds of every cell (data seed
// base+s−1), printing progress lines to progress.
func Sweep(ctx context.Context, cells []Cell, methods []string, seeds int, base uint64, progress io.Writer) ([]*Stat, error) {
	var stats []*Stat
	for _, c := range cells {
		cs := NewStats(c, methods, seeds)
		for s := 1; s <= seeds; s++ {
			fits, err := FitSeed(ctx, c, methods, base+uint64(s)-1, progress)
			if err != nil {
				return nil, err
			}
			AddFits(cs, fits)
		}
		FinishStats(cs)
		stats = append(stats, cs...)
	}
	return stats, nil
}

// ParseVariance parses equal (ev) or unequal (nv), in any case; unequal is
// true for the latter.
func ParseVariance(s string) (unequal bool, err error) {
	switch strings.ToLower(s) {
	case "equal", "ev":
		return false, nil
	case "unequal", "nv":
		return true, nil
	}
	return false, fmt.Errorf("unknown variance %q (equal or unequal)", s)
}

// ParseCells returns the cells of the grid graphs × ds × variances, each a
// list of comma-separated items: graphs like er2, er4, sf4 (model and k),
// numbers of nodes d ≥ 2, and variances (see ParseVariance).
func ParseCells(graphs, ds, variances []string) ([]Cell, error) {
	var cells []Cell
	for _, g := range graphs {
		if len(g) < 3 {
			return nil, fmt.Errorf("graph %q: want er2, er4, sf4, …", g)
		}
		gt, err := dag.ParseGraphType(g[:2])
		if err != nil {
			return nil, err
		}
		k, err := strconv.Atoi(g[2:])
		if err != nil || k < 1 {
			return nil, fmt.Errorf("graph %q: want er2, er4, sf4, …", g)
		}
		for _, ds := range ds {
			d, err := strconv.Atoi(ds)
			if err != nil || d < 2 {
				return nil, fmt.Errorf("bad d %q", ds)
			}
			for _, v := range variances {
				u, err := ParseVariance(v)
				if err != nil {
					return nil, err
				}
				cells = append(cells, Cell{gt, k, d, u})
			}
		}
	}
	return cells, nil
}

// ParseStats decodes a file written by 'kkt dag sweep --json' (a JSON
// object {"cells": [...]}, or the bare array of older files) and checks
// every entry before it is plotted: no null entries, a method and a graph
// name, d ≥ 1, and SHD statistics that are finite and ≥ 0. Errors name the
// file and the entry.
func ParseStats(name string, b []byte) ([]*Stat, error) {
	var st []*Stat
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var obj struct{ Cells []*Stat }
		if err := json.Unmarshal(b, &obj); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		st = obj.Cells
	} else if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(st) == 0 {
		return nil, fmt.Errorf("%s: no entries (want the JSON written by kkt dag sweep --json)", name)
	}
	for k, s := range st {
		switch {
		case s == nil:
			return nil, fmt.Errorf("%s: entry %d is null", name, k)
		case s.Method == "" || s.Graph == "":
			return nil, fmt.Errorf("%s: entry %d has no method or graph name", name, k)
		case s.D < 1 || s.D > 1<<20:
			return nil, fmt.Errorf("%s: entry %d: d = %d out of range [1, 2²⁰]", name, k, s.D)
		case math.IsNaN(s.MeanSHD) || math.IsInf(s.MeanSHD, 0) || s.MeanSHD < 0:
			return nil, fmt.Errorf("%s: entry %d: mean SHD %v is not a finite number ≥ 0", name, k, s.MeanSHD)
		}
		for _, v := range s.SHD {
			if v < 0 {
				return nil, fmt.Errorf("%s: entry %d: SHD %d < 0", name, k, v)
			}
		}
	}
	return st, nil
}

// ReadStats reads and checks (ParseStats) every sweep JSON file of paths,
// in order.
func ReadStats(paths []string) ([]*Stat, error) {
	var all []*Stat
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		st, err := ParseStats(p, b)
		if err != nil {
			return nil, err
		}
		all = append(all, st...)
	}
	return all, nil
}
