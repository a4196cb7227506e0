package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/internal/repro"
)

func init() {
	register(&command{name: "reproduce", summary: "run the papers' experiments and print a summary table", run: runReproduce, subs: []string{"merge"}})
}

// defaultDataDir is the data folder by kkt's one rule (internal/kktdata):
// KKT_DATA (relative: from the working directory, else the module root),
// else ../shared/data or shared/data.
func defaultDataDir() string { return kktdata.Default() }

func runReproduce(args []string, stdout, stderr io.Writer) int {
	return reproduceWith(experimentList(), args, stdout, stderr)
}

// reproduceWith runs `kkt reproduce` over the given experiments (sorted);
// tests pass their own list instead of changing a global one.
func reproduceWith(experiments []*repro.Experiment, args []string, stdout, stderr io.Writer) int {
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
		return runMerge(experiments, args[1:], stdout, stderr)
	}
	if st, done := parseFlags(fs, args); done {
		return st
	}
	if *list {
		for _, e := range experiments {
			fmt.Fprintf(stdout, "%-14s %s\n", e.Name, e.Paper)
		}
		return exitOK
	}
	selected := experiments
	if *only != "" {
		selected = nil
		for _, n := range splitList(*only) {
			found := false
			for _, e := range experiments {
				if e.Name == n {
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
	env := &repro.Env{Full: *full, Seed: *seed, DataDir: *data, OutDir: *out, Progress: stderr, Stderr: stderr}
	if *quiet || (!*prog && !(stderr == io.Writer(os.Stderr) && repro.IsTerminal(os.Stderr))) {
		env.Progress = io.Discard
	}
	sh, err := repro.ParseShard(*shardFlag, *shardCount)
	if err != nil {
		fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
		return exitBadInput
	}
	if sh.N > 1 && *out == "" {
		fmt.Fprintln(stderr, "kkt reproduce: a sharded run needs --out DIR (combine the shards with 'kkt reproduce merge DIR...')")
		return exitBadInput
	}
	env.Run = repro.NewRunInfo(env, selected, sh.N)
	// SIGINT cancels the context: the running task stops, finished tasks are
	// kept (and written under --out), and the message says how to resume.
	ctx, stopSignals := signalContext()
	defer stopSignals()
	tasks := repro.MakeTasks(selected, env)
	var results []*repro.UnitResult
	failed := false
	// One line per task on stderr by default (a terminal also gets the
	// finer progress of env.Progress); --quiet silences both.
	taskLog := stderr
	if *quiet {
		taskLog = io.Discard
	}
	mine := 0
	for k := range tasks {
		if k%sh.N == sh.I {
			mine++
		}
	}
	done := 0
	var pending []string
	for k, t := range tasks {
		if k%sh.N != sh.I {
			continue
		}
		if ctx.Err() != nil {
			pending = append(pending, t.Exp.Name)
			continue
		}
		t0 := time.Now()
		r, err := repro.RunTask(ctx, env, t)
		done++
		if ctx.Err() != nil {
			pending = append(pending, t.Exp.Name)
			continue
		}
		fmt.Fprintf(taskLog, "kkt reproduce: [%d/%d] %s %.1fs\n", done, mine, t.Label(), time.Since(t0).Seconds())
		if err != nil {
			fmt.Fprintf(stderr, "kkt reproduce: %s: %v\n", t.Label(), err)
			failed = true
			continue
		}
		if *out != "" {
			if err := repro.WriteUnit(*out, r); err != nil {
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
	if sh.N > 1 {
		var names []string
		for _, r := range results {
			names = append(names, fmt.Sprintf("%s[%d/%d]", r.Experiment, r.Unit, r.Units))
		}
		fmt.Fprintf(stdout, "shard %d/%d: ran %d of %d tasks: %s\nresults in %s; combine all shards with: kkt reproduce merge DIR...\n",
			sh.I, sh.N, len(results), len(tasks), strings.Join(names, " "), filepath.Join(*out, "units"))
		if failed {
			return exitNotConverge
		}
		return exitOK
	}
	all, err := repro.Finalize(env, selected, results, stderr)
	if err != nil {
		failed = true
	}
	if printSummary(stdout, stderr, all, *asJSON, *full, *seed, *data) != nil {
		failed = true
	}
	if failed || (*strict && repro.TallyRows(all).Differs > 0) {
		return exitNotConverge
	}
	return exitOK
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

func printTable(w io.Writer, rows []repro.Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "experiment\tmetric\tkkt\tpaper\tstatus\tnote")
	for _, r := range rows {
		st := r.Status
		if r.Ratio != 0 && r.Status == "differs" {
			st = fmt.Sprintf("differs (×%.3g)", r.Ratio)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Experiment, r.Metric, repro.FmtNum(r.Value), repro.FmtNum(r.Paper), st, r.Note)
	}
	tw.Flush()
}

// printSummary prints the table, timing rows included (or one JSON object
// with --json: the deterministic rows under "experiments", the timing rows
// under "timing").
func printSummary(stdout, stderr io.Writer, all []repro.Row, asJSON, full bool, seed uint64, data string) error {
	if !asJSON {
		printTable(stdout, all)
		t := repro.TallyRows(all)
		fmt.Fprintf(stdout, "\ntally: %d reproduced, %d differ, %d info, %d skipped (%d rows)\n", t.Reproduced, t.Differs, t.Info, t.Skipped, len(all))
		return nil
	}
	det, tim := repro.SplitTiming(all)
	if det == nil {
		det = []repro.Row{}
	}
	if tim == nil {
		tim = []repro.Row{}
	}
	if err := writeJSON(stdout, map[string]any{"experiments": det, "timing": tim, "full": full, "seed": seed, "data": data, "tally": repro.TallyRows(all)}, false); err != nil {
		fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
		return err
	}
	return nil
}
