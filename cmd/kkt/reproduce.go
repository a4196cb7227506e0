package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kkt-go/kkt/internal/atomicfile"
	"github.com/kkt-go/kkt/internal/kktdata"
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
//
// Rows are deterministic unless Timing is set: the same code, flags, seed,
// data and GOMAXPROCS give the same Value, Paper, Status, Unit and Note on
// every run, sharded or not. Anything measured with a clock (wall times,
// ratios or slopes of times, statuses decided by a time) goes into a row with
// Timing set, and a deterministic row's Note never contains a time. With
// --out, timing rows are written to <experiment>-timing.csv and the "timing"
// array of <experiment>.json, never to <experiment>.csv.
type row struct {
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

// timing marks r as a timing row (see row).
func timing(r row) row {
	r.Timing = true
	return r
}

// splitTiming returns the deterministic rows and the timing rows of rows,
// each in their original order.
func splitTiming(rows []row) (det, tim []row) {
	for _, r := range rows {
		if r.Timing {
			tim = append(tim, r)
		} else {
			det = append(det, r)
		}
	}
	return det, tim
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
	run      *runInfo // identity of the run, written into every unit (see merge_validate.go)
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
	register(&command{name: "reproduce", summary: "run the papers' experiments and print a summary table", run: runReproduce, subs: []string{"merge"}})
}

// defaultDataDir is the data folder by kkt's one rule (internal/kktdata):
// KKT_DATA (relative: from the working directory, else the module root),
// else ../shared/data or shared/data.
func defaultDataDir() string { return kktdata.Default() }

func runReproduce(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("reproduce", "[--full] [--only a,b] [--out DIR] [--seed N] [--shard i/n] [--json] [--quiet] | merge DIR...", stderr)
	full := fs.Bool("full", false, "run the full sizes of every experiment")
	only := fs.String("only", "", "comma-separated experiment names to run (default all)")
	out := fs.String("out", "", "directory for <exp>.csv, <exp>-timing.csv and <exp>.json per experiment, figures, and units/ (the raw results merge reads)")
	seed := fs.Uint64("seed", 1, "base random seed")
	data := fs.String("data", defaultDataDir(), "data directory (KKT_DATA; generated data when absent)")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object on stdout")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	prog := fs.Bool("progress", false, "progress on stderr even when it is not a terminal")
	list := fs.Bool("list", false, "list the experiments and exit")
	strict := fs.Bool("strict", false, "exit 1 when any row differs from the paper's (or peer's) value")
	shardFlag := fs.String("shard", "", "i/n: run the i-th (0-based) of n deterministic slices of the experiment grid (default: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT or $JOB_COMPLETION_INDEX with --shard-count)")
	shardCount := fs.Int("shard-count", 0, "number of shards when the index comes from $JOB_COMPLETION_INDEX (Kubernetes indexed Job); also $KKT_SHARD_COUNT")
	flagsUsage := fs.Usage
	fs.Usage = func() {
		flagsUsage()
		fmt.Fprint(stderr, reproduceHelp)
	}
	if len(args) > 0 && args[0] == "merge" {
		return runMerge(args[1:], stdout, stderr)
	}
	if st, done := parseFlags(fs, args); done {
		return st
	}
	sortExperiments()
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
	sh, err := parseShard(*shardFlag, *shardCount)
	if err != nil {
		fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
		return exitBadInput
	}
	if sh.n > 1 && *out == "" {
		fmt.Fprintln(stderr, "kkt reproduce: a sharded run needs --out DIR (combine the shards with 'kkt reproduce merge DIR...')")
		return exitBadInput
	}
	env.run = newRunInfo(env, selected, sh.n)
	// SIGINT cancels the context: the running task stops, finished tasks are
	// kept (and written under --out), and the message says how to resume.
	ctx, stopSignals := signalContext()
	defer stopSignals()
	tasks := makeTasks(selected, env)
	var results []*unitResult
	failed := false
	// One line per task on stderr by default (a terminal also gets the
	// finer progress of env.Progress); --quiet silences both.
	taskLog := stderr
	if *quiet {
		taskLog = io.Discard
	}
	mine := 0
	for k := range tasks {
		if k%sh.n == sh.i {
			mine++
		}
	}
	done := 0
	var pending []string
	for k, t := range tasks {
		if k%sh.n != sh.i {
			continue
		}
		if ctx.Err() != nil {
			pending = append(pending, t.e.name)
			continue
		}
		t0 := time.Now()
		r, err := runTask(ctx, env, t)
		done++
		if ctx.Err() != nil {
			pending = append(pending, t.e.name)
			continue
		}
		fmt.Fprintf(taskLog, "kkt reproduce: [%d/%d] %s %.1fs\n", done, mine, t.label(), time.Since(t0).Seconds())
		if err != nil {
			fmt.Fprintf(stderr, "kkt reproduce: %s: %v\n", t.label(), err)
			failed = true
			continue
		}
		if *out != "" {
			if err := writeUnit(*out, r); err != nil {
				fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
				failed = true
			}
		}
		results = append(results, r)
	}
	if len(pending) > 0 {
		slices.Sort(pending)
		pending = slices.Compact(pending)
		fmt.Fprintf(stderr, "kkt reproduce: interrupted: %d of %d tasks finished", len(results), mine)
		if *out != "" {
			fmt.Fprintf(stderr, " (their units are in %s)", filepath.Join(*out, "units"))
		}
		fmt.Fprintf(stderr, "; resume with --only %s\n", strings.Join(pending, ","))
		return exitNotConverge
	}
	if sh.n > 1 {
		var names []string
		for _, r := range results {
			names = append(names, fmt.Sprintf("%s[%d/%d]", r.Experiment, r.Unit, r.Units))
		}
		fmt.Fprintf(stdout, "shard %d/%d: ran %d of %d tasks: %s\nresults in %s; combine all shards with: kkt reproduce merge DIR...\n",
			sh.i, sh.n, len(results), len(tasks), strings.Join(names, " "), filepath.Join(*out, "units"))
		if failed {
			return exitNotConverge
		}
		return exitOK
	}
	all, err := finalize(env, selected, results, stderr)
	if err != nil {
		failed = true
	}
	if printSummary(stdout, stderr, all, *asJSON, *full, *seed, *data) != nil {
		failed = true
	}
	if failed || (*strict && tallyRows(all).Differs > 0) {
		return exitNotConverge
	}
	return exitOK
}

// tally counts the rows of a summary by status; a row whose metric starts
// with "skipped" counts as skipped.
type tally struct {
	Reproduced int `json:"reproduced"`
	Differs    int `json:"differs"`
	Info       int `json:"info"`
	Skipped    int `json:"skipped"`
}

func tallyRows(rows []row) tally {
	var t tally
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

const reproduceHelp = `
Output (--out DIR):
  DIR/<exp>.csv         the deterministic rows: iteration counts, errors, SHDs,
                        statuses. The same flags, seed, data, binary and
                        GOMAXPROCS give the same bytes on every run, sharded and
                        merged or not (only sketch's LSQR sums depend on
                        GOMAXPROCS).
  DIR/<exp>-timing.csv  the rows measured with a clock (wall times, time ratios,
                        growth exponents of times); they vary from run to run.
  DIR/<exp>.json        both, as {"rows": [...], "timing": [...]}.
  DIR/<figure>.{png,svg,json}, DIR/units/<exp>-<unit>.json.
The printed table shows all rows; --json puts the timing rows under "timing".

Sharding: the experiments are split into tasks (experiments with a grid, such as
cutest, dag, sor and completion, into one task per problem, cell or seed), dealt
round-robin: --shard i/n runs tasks i, i+n, ... and writes DIR/units; then
  kkt reproduce merge --out RESULTS DIR_0 ... DIR_{n-1}
builds the same tables and figures as one unsharded run (see docs/scale-out.md).
`

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

// writeRows writes the rows of experiment name into dir: the deterministic
// rows to <name>.csv, the timing rows to <name>-timing.csv (same columns),
// and both to <name>.json as {"rows": [...], "timing": [...]}.
func writeRows(dir, name string, rows []row) error {
	det, tim := splitTiming(rows)
	if err := writeCSVRows(filepath.Join(dir, name+".csv"), det); err != nil {
		return err
	}
	if err := writeCSVRows(filepath.Join(dir, name+"-timing.csv"), tim); err != nil {
		return err
	}
	if det == nil {
		det = []row{}
	}
	if tim == nil {
		tim = []row{}
	}
	j, err := json.MarshalIndent(map[string][]row{"rows": det, "timing": tim}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, name+".json"), j)
}

// writeCSVRows writes rows as CSV with a header line.
func writeCSVRows(path string, rows []row) error {
	recs := [][]string{{"experiment", "metric", "value", "paper", "status", "ratio", "unit", "note"}}
	for _, r := range rows {
		recs = append(recs, []string{r.Experiment, r.Metric, fmtNum(r.Value), fmtNum(r.Paper), r.Status, fmtNum(r.Ratio), r.Unit, r.Note})
	}
	return writeCSVFile(path, recs)
}

// writeCSVFile writes records (the first one the header) to path.
func writeCSVFile(path string, recs [][]string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.WriteAll(recs)
		return cw.Error()
	})
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
		Timing     bool     `json:"timing,omitempty"`
	}{r.Experiment, r.Metric, num(r.Value), num(r.Paper), r.Status, ratio, r.Unit, r.Note, r.Timing})
}

func sortExperiments() {
	sort.SliceStable(experiments, func(i, j int) bool {
		if experiments[i].order != experiments[j].order {
			return experiments[i].order < experiments[j].order
		}
		return experiments[i].name < experiments[j].name
	})
}

// printSummary prints the table, timing rows included (or one JSON object
// with --json: the deterministic rows under "experiments", the timing rows
// under "timing").
func printSummary(stdout, stderr io.Writer, all []row, asJSON, full bool, seed uint64, data string) error {
	if !asJSON {
		printTable(stdout, all)
		t := tallyRows(all)
		fmt.Fprintf(stdout, "\ntally: %d reproduced, %d differ, %d info, %d skipped (%d rows)\n", t.Reproduced, t.Differs, t.Info, t.Skipped, len(all))
		return nil
	}
	det, tim := splitTiming(all)
	if det == nil {
		det = []row{}
	}
	if tim == nil {
		tim = []row{}
	}
	if err := writeJSON(stdout, map[string]any{"experiments": det, "timing": tim, "full": full, "seed": seed, "data": data, "tally": tallyRows(all)}, false); err != nil {
		fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
		return err
	}
	return nil
}

// UnmarshalJSON reads rows written by MarshalJSON (null numbers are NaN).
func (r *row) UnmarshalJSON(b []byte) error {
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
	*r = row{Experiment: v.Experiment, Metric: v.Metric, Status: v.Status, Unit: v.Unit, Note: v.Note,
		Value: nan(v.Value), Paper: nan(v.Paper), Ratio: nan(v.Ratio), Timing: v.Timing}
	if v.Ratio == nil {
		r.Ratio = 0
	}
	return nil
}
