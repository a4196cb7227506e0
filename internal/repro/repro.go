// Package repro is the framework of `kkt reproduce`: an experiment is a
// named function (or a grid of units with a summary) that returns rows of a
// table comparing kkt's numbers with a paper's or a peer's. The command, the
// tests and sharded runs (`kkt reproduce --shard i/n`, `merge`) share it; each
// paper's experiments live in their own package under internal/repro.
package repro

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/kkt-go/kkt/internal/atomicfile"
)

// Experiment is one reproducible experiment of `kkt reproduce`. Each paper's
// package under internal/repro returns its experiments from a function; the
// command lists them (there is no global registry).
type Experiment struct {
	Name  string // short name used by --only
	Paper string // citation shown in the summary
	// Order sorts the summary table (smaller first); ties by name.
	Order int
	Run   func(ctx context.Context, env *Env) ([]Row, error)

	// Sharded experiments (optional). Units returns how many independent
	// slices the experiment's grid has (problems, seeds, sizes); RunUnit runs
	// slice u and returns its raw results; Summarize turns the results of all
	// slices into summary rows and figures. Single runs and
	// `kkt reproduce merge` both go through Summarize, so a sharded sweep and a
	// single run print the same tables.
	Units     func(env *Env) int
	RunUnit   func(ctx context.Context, env *Env, u int) (json.RawMessage, error)
	Summarize func(env *Env, data []json.RawMessage) ([]Row, error)
}

// Row is one line of the summary table.
//
// Rows are deterministic unless Timing is set: the same code, flags, seed,
// data and GOMAXPROCS give the same Value, Paper, Status, Unit and Note on
// every run, sharded or not. Anything measured with a clock (wall times,
// ratios or slopes of times, statuses decided by a time) goes into a Row with
// Timing set, and a deterministic Row's Note never contains a time. With
// --out, timing rows are written to <experiment>-timing.csv and the "timing"
// array of <experiment>.json, never to <experiment>.csv.
type Row struct {
	Experiment string  `json:"experiment"`
	Metric     string  `json:"metric"`
	Value      float64 `json:"value"`
	Paper      float64 `json:"paper"`            // the paper's (or peer's) value; NaN when none
	Status     string  `json:"status"`           // reproduced, differs, info
	Note       string  `json:"note,omitempty"`   // data source, caveats
	Unit       string  `json:"unit,omitempty"`   // iterations, s, ...
	Ratio      float64 `json:"ratio,omitempty"`  // Value/Paper when both are set
	Timing     bool    `json:"timing,omitempty"` // measured with a clock: varies from run to run
}

// Timing marks r as a timing row (see Row).
func Timing(r Row) Row {
	r.Timing = true
	return r
}

// SplitTiming returns the deterministic rows and the timing rows of rows,
// each in their original order.
func SplitTiming(rows []Row) (det, tim []Row) {
	for _, r := range rows {
		if r.Timing {
			tim = append(tim, r)
		} else {
			det = append(det, r)
		}
	}
	return det, tim
}

// Env is what an experiment gets from the runner.
type Env struct {
	Full     bool      // run the full sizes
	Seed     uint64    // base seed
	DataDir  string    // ../shared-style data directory ("" when absent)
	OutDir   string    // where to write files ("" for none)
	Progress io.Writer // progress messages (io.Discard when quiet or not a terminal)
	Stderr   io.Writer
	figures  []Figure
	Run      *RunInfo // identity of the run, written into every unit (see merge.go)
}

// DataPath returns the path of a data file under DataDir and whether it exists.
func (e *Env) DataPath(rel string) (string, bool) {
	if e.DataDir == "" {
		return "", false
	}
	p := filepath.Join(e.DataDir, rel)
	_, err := os.Stat(p)
	return p, err == nil
}

// compare fills Status and Ratio of r: reproduced when |value/paper − 1| ≤ relTol.
func Compare(r Row, relTol float64) Row {
	if r.Paper != 0 && !isNaN(r.Paper) {
		r.Ratio = r.Value / r.Paper
		if abs(r.Ratio-1) <= relTol {
			r.Status = "reproduced"
		} else {
			r.Status = "differs"
		}
	} else if r.Status == "" {
		r.Status = "info"
	}
	return r
}

func isNaN(x float64) bool { return x != x }
func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Tally counts the rows of a summary by status; a Row whose metric starts
// with "skipped" counts as skipped.
type Tally struct {
	Reproduced int `json:"reproduced"`
	Differs    int `json:"differs"`
	Info       int `json:"info"`
	Skipped    int `json:"skipped"`
}

func TallyRows(rows []Row) Tally {
	var t Tally
	for _, r := range rows {
		switch {
		case strings.HasPrefix(r.Metric, "skipped"):
			t.Skipped++
		case r.Status == "reproduced":
			t.Reproduced++
		case r.Status == "differs":
			t.Differs++
		default:
			t.Info++
		}
	}
	return t
}

func FmtNum(x float64) string {
	if isNaN(x) {
		return "—"
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

// WriteRows writes the rows of experiment name into dir: the deterministic
// rows to <name>.csv, the timing rows to <name>-timing.csv (same columns),
// and both to <name>.json as {"rows": [...], "timing": [...]}.
func WriteRows(dir, name string, rows []Row) error {
	det, tim := SplitTiming(rows)
	if err := WriteCSVRows(filepath.Join(dir, name+".csv"), det); err != nil {
		return err
	}
	if err := WriteCSVRows(filepath.Join(dir, name+"-timing.csv"), tim); err != nil {
		return err
	}
	if det == nil {
		det = []Row{}
	}
	if tim == nil {
		tim = []Row{}
	}
	j, err := json.MarshalIndent(map[string][]Row{"rows": det, "timing": tim}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, name+".json"), j)
}

// WriteCSVRows writes rows as CSV with a header line.
func WriteCSVRows(path string, rows []Row) error {
	recs := [][]string{{"experiment", "metric", "value", "paper", "status", "ratio", "unit", "note"}}
	for _, r := range rows {
		recs = append(recs, []string{r.Experiment, r.Metric, FmtNum(r.Value), FmtNum(r.Paper), r.Status, FmtNum(r.Ratio), r.Unit, r.Note})
	}
	return WriteCSVFile(path, recs)
}

// WriteCSVFile writes records (the first one the header) to path.
func WriteCSVFile(path string, recs [][]string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.WriteAll(recs)
		return cw.Error()
	})
}

// MarshalJSON writes NaN and ±Inf numbers as null (JSON has no NaN).
func (r Row) MarshalJSON() ([]byte, error) {
	num := func(x float64) *float64 {
		if isNaN(x) || x > 1e308 || x < -1e308 {
			return nil
		}
		return &x
	}
	ratio := num(r.Ratio)
	if r.Ratio == 0 {
		ratio = nil
	}
	return json.Marshal(struct {
		Experiment string   `json:"experiment"`
		Metric     string   `json:"metric"`
		Value      *float64 `json:"value"`
		Paper      *float64 `json:"paper"`
		Status     string   `json:"status"`
		Ratio      *float64 `json:"ratio,omitempty"`
		Unit       string   `json:"unit,omitempty"`
		Note       string   `json:"note,omitempty"`
		Timing     bool     `json:"timing,omitempty"`
	}{r.Experiment, r.Metric, num(r.Value), num(r.Paper), r.Status, ratio, r.Unit, r.Note, r.Timing})
}

// Sort sorts exps in summary order: by Order, then by Name.
func Sort(exps []*Experiment) {
	sort.SliceStable(exps, func(i, j int) bool {
		if exps[i].Order != exps[j].Order {
			return exps[i].Order < exps[j].Order
		}
		return exps[i].Name < exps[j].Name
	})
}

// UnmarshalJSON reads rows written by MarshalJSON (null numbers are NaN).
func (r *Row) UnmarshalJSON(b []byte) error {
	var v struct {
		Experiment, Metric, Status, Unit, Note string
		Value, Paper, Ratio                    *float64
		Timing                                 bool
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	nan := func(p *float64) float64 {
		if p == nil {
			return math.NaN()
		}
		return *p
	}
	*r = Row{Experiment: v.Experiment, Metric: v.Metric, Status: v.Status, Unit: v.Unit, Note: v.Note,
		Value: nan(v.Value), Paper: nan(v.Paper), Ratio: nan(v.Ratio), Timing: v.Timing}
	if v.Ratio == nil {
		r.Ratio = 0
	}
	return nil
}
