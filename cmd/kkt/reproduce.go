package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"
)

// experiment is one reproducible experiment of `kkt reproduce`. Each package
// registers its own from an init function in cmd/kkt/<name>.go.
type experiment struct {
	name  string // short name used by --only
	paper string // citation shown in the summary
	// order sorts the summary table (smaller first); ties by name.
	order int
	run   func(ctx context.Context, env *reproEnv) ([]row, error)

	// Sharded experiments (optional). units returns how many independent
	// slices the experiment's grid has (problems, seeds, sizes); runUnit runs
	// slice u and returns its raw results; summarize turns the results of all
	// slices into summary rows and figures. Single runs and
	// `kkt reproduce merge` both go through summarize, so a sharded sweep and a
	// single run print the same tables.
	units     func(env *reproEnv) int
	runUnit   func(ctx context.Context, env *reproEnv, u int) (json.RawMessage, error)
	summarize func(env *reproEnv, data []json.RawMessage) ([]row, error)
}

// row is one line of the summary table.
type row struct {
	Experiment string  `json:"experiment"`
	Metric     string  `json:"metric"`
	Value      float64 `json:"value"`
	Paper      float64 `json:"paper"`           // the paper's (or peer's) value; NaN when none
	Status     string  `json:"status"`          // reproduced, differs, info
	Note       string  `json:"note,omitempty"`  // data source, caveats
	Unit       string  `json:"unit,omitempty"`  // iterations, s, ...
	Ratio      float64 `json:"ratio,omitempty"` // Value/Paper when both are set
}

// reproEnv is what an experiment gets from the runner.
type reproEnv struct {
	Full     bool      // run the full sizes
	Seed     uint64    // base seed
	DataDir  string    // ../shared-style data directory ("" when absent)
	OutDir   string    // where to write files ("" for none)
	Progress io.Writer // progress messages (io.Discard when quiet or not a terminal)
	Stderr   io.Writer
	figures  []figure
}

// dataPath returns the path of a data file under DataDir and whether it exists.
func (e *reproEnv) dataPath(rel string) (string, bool) {
	if e.DataDir == "" {
		return "", false
	}
	p := filepath.Join(e.DataDir, rel)
	_, err := os.Stat(p)
	return p, err == nil
}

var experiments []*experiment

func registerExperiment(e *experiment) { experiments = append(experiments, e) }

// compare fills Status and Ratio of r: reproduced when |value/paper − 1| ≤ relTol.
func compare(r row, relTol float64) row {
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

func init() {
	register(&command{name: "reproduce", summary: "run the papers' experiments and print a summary table", run: runReproduce})
}

func defaultDataDir() string {
	if d := os.Getenv("KKT_DATA"); d != "" {
		return d
	}
	for _, d := range []string{"../shared/data", "shared/data"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	return ""
}

func runReproduce(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("reproduce", "[--full] [--only a,b] [--out DIR] [--seed N] [--json] [--quiet]", stderr)
	full := fs.Bool("full", false, "run the full sizes of every experiment")
	only := fs.String("only", "", "comma-separated experiment names to run (default all)")
	out := fs.String("out", "", "directory for one CSV and one JSON per experiment")
	seed := fs.Uint64("seed", 1, "base random seed")
	data := fs.String("data", defaultDataDir(), "data directory (KKT_DATA; generated data when absent)")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object on stdout")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	prog := fs.Bool("progress", false, "progress on stderr even when it is not a terminal")
	list := fs.Bool("list", false, "list the experiments and exit")
	if st, done := parseFlags(fs, args); done {
		return st
	}
	sort.SliceStable(experiments, func(i, j int) bool {
		if experiments[i].order != experiments[j].order {
			return experiments[i].order < experiments[j].order
		}
		return experiments[i].name < experiments[j].name
	})
	if *list {
		for _, e := range experiments {
			fmt.Fprintf(stdout, "%-14s %s\n", e.name, e.paper)
		}
		return exitOK
	}
	selected := experiments
	if *only != "" {
		selected = nil
		for _, n := range splitList(*only) {
			found := false
			for _, e := range experiments {
				if e.name == n {
					selected = append(selected, e)
					found = true
				}
			}
			if !found {
				fmt.Fprintf(stderr, "kkt reproduce: unknown experiment %q (see --list)\n", n)
				return exitBadInput
			}
		}
	}
	if *data != "" {
		if st, err := os.Stat(*data); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "kkt reproduce: data directory %s not found; using generated data\n", *data)
			*data = ""
		}
	} else {
		fmt.Fprintln(stderr, "kkt reproduce: no data directory (set KKT_DATA); using generated data")
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
			return exitBadInput
		}
	}
	env := &reproEnv{Full: *full, Seed: *seed, DataDir: *data, OutDir: *out, Progress: stderr, Stderr: stderr}
	if *quiet || (!*prog && !(stderr == io.Writer(os.Stderr) && isTerminal(os.Stderr))) {
		env.Progress = io.Discard
	}
	ctx := context.Background()
	var all []row
	failed := false
	for _, e := range selected {
		t0 := time.Now()
		fmt.Fprintf(env.Progress, "[%s] running…\n", e.name)
		rows, err := e.run(ctx, env)
		if err != nil {
			fmt.Fprintf(stderr, "kkt reproduce: %s: %v\n", e.name, err)
			failed = true
			continue
		}
		fmt.Fprintf(env.Progress, "[%s] done in %.1fs\n", e.name, time.Since(t0).Seconds())
		if *out != "" {
			if err := writeRows(*out, e.name, rows); err != nil {
				fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
				failed = true
			}
			for _, f := range env.figures {
				if err := saveFigure(*out, f); err != nil {
					fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
					failed = true
				}
				if j, err := json.MarshalIndent(f, "", " "); err == nil {
					os.WriteFile(filepath.Join(*out, f.Name+".json"), j, 0o644)
				}
			}
		}
		env.figures = nil
		all = append(all, rows...)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if all == nil {
			all = []row{}
		}
		if err := enc.Encode(map[string]any{"experiments": all, "full": *full, "seed": *seed, "data": *data}); err != nil {
			fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
			return exitNotConverge
		}
	} else {
		printTable(stdout, all)
	}
	if failed {
		return exitNotConverge
	}
	return exitOK
}

func fmtNum(x float64) string {
	if isNaN(x) {
		return "—"
	}
	return strconv.FormatFloat(x, 'g', 6, 64)
}

func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "experiment\tmetric\tkkt\tpaper\tstatus\tnote")
	for _, r := range rows {
		st := r.Status
		if r.Ratio != 0 && r.Status == "differs" {
			st = fmt.Sprintf("differs (×%.3g)", r.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Experiment, r.Metric, fmtNum(r.Value), fmtNum(r.Paper), st, r.Note)
	}
	tw.Flush()
}

func writeRows(dir, name string, rows []row) error {
	f, err := os.Create(filepath.Join(dir, name+".csv"))
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	cw.Write([]string{"experiment", "metric", "value", "paper", "status", "ratio", "unit", "note"})
	for _, r := range rows {
		cw.Write([]string{r.Experiment, r.Metric, fmtNum(r.Value), fmtNum(r.Paper), r.Status, fmtNum(r.Ratio), r.Unit, r.Note})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	j, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".json"), j, 0o644)
}

// MarshalJSON writes NaN and ±Inf numbers as null (JSON has no NaN).
func (r row) MarshalJSON() ([]byte, error) {
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
	}{r.Experiment, r.Metric, num(r.Value), num(r.Paper), r.Status, ratio, r.Unit, r.Note})
}
