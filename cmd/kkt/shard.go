package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kkt-go/kkt/internal/atomicfile"
)

// shard is the slice i (0-based) of n of the experiment grid.
type shard struct{ i, n int }

// parseShard reads --shard i/n, else the Slurm array variables, else the
// Kubernetes indexed-Job index with a count from --shard-count or
// $KKT_SHARD_COUNT. No sharding is {0, 1}.
func parseShard(flag string, count int) (shard, error) {
	parse := func(i, n string, src string) (shard, error) {
		ii, e1 := strconv.Atoi(strings.TrimSpace(i))
		nn, e2 := strconv.Atoi(strings.TrimSpace(n))
		if e1 != nil || e2 != nil || nn < 1 || ii < 0 || ii >= nn {
			return shard{}, fmt.Errorf("bad shard %s/%s from %s: want 0 ≤ i < n", i, n, src)
		}
		return shard{ii, nn}, nil
	}
	if flag != "" {
		i, n, ok := strings.Cut(flag, "/")
		if !ok {
			return shard{}, fmt.Errorf("bad --shard %q: want i/n", flag)
		}
		return parse(i, n, "--shard")
	}
	if id := os.Getenv("SLURM_ARRAY_TASK_ID"); id != "" {
		cnt := os.Getenv("SLURM_ARRAY_TASK_COUNT")
		if cnt == "" {
			return shard{}, fmt.Errorf("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
		}
		// Arrays may start at 1 (--array=1-8): index relative to the minimum.
		idn, err := strconv.Atoi(id)
		if err != nil {
			return shard{}, fmt.Errorf("bad SLURM_ARRAY_TASK_ID %q", id)
		}
		if m := os.Getenv("SLURM_ARRAY_TASK_MIN"); m != "" {
			if mn, err := strconv.Atoi(m); err == nil {
				idn -= mn
			}
		}
		return parse(strconv.Itoa(idn), cnt, "Slurm")
	}
	if id := os.Getenv("JOB_COMPLETION_INDEX"); id != "" {
		if count == 0 {
			if c := os.Getenv("KKT_SHARD_COUNT"); c != "" {
				count, _ = strconv.Atoi(c)
			}
		}
		if count == 0 {
			return shard{}, fmt.Errorf("JOB_COMPLETION_INDEX is set: give the number of shards with --shard-count or KKT_SHARD_COUNT")
		}
		return parse(id, strconv.Itoa(count), "JOB_COMPLETION_INDEX")
	}
	return shard{0, 1}, nil
}

// task is one cell of the experiment grid: unit u of U of an experiment.
type task struct {
	e    *experiment
	u, U int
}

func (t task) label() string {
	if t.U == 1 {
		return t.e.name
	}
	return fmt.Sprintf("%s[%d/%d]", t.e.name, t.u, t.U)
}

// makeTasks lists the grid in a deterministic order: experiments in
// summary order, units in increasing order.
func makeTasks(selected []*experiment, env *reproEnv) []task {
	var ts []task
	for _, e := range selected {
		U := 1
		if e.sharded() {
			U = max(e.units(env), 1)
		}
		for u := 0; u < U; u++ {
			ts = append(ts, task{e, u, U})
		}
	}
	return ts
}

// unitResult is what one task produces; shards write them to DIR/units and
// `kkt reproduce merge` reads them back.
type unitResult struct {
	Experiment string          `json:"experiment"`
	Unit       int             `json:"unit"`
	Units      int             `json:"units"`
	Full       bool            `json:"full"`
	Seed       uint64          `json:"seed"`
	Rows       []row           `json:"rows,omitempty"`
	Figures    []figure        `json:"figures,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Seconds    float64         `json:"seconds"`
	Run        *runInfo        `json:"run,omitempty"`
}

func runTask(ctx context.Context, env *reproEnv, t task) (*unitResult, error) {
	t0 := time.Now()
	fmt.Fprintf(env.Progress, "[%s] running…\n", t.label())
	env.figures = nil
	r := &unitResult{Experiment: t.e.name, Unit: t.u, Units: t.U, Full: env.Full, Seed: env.Seed, Run: env.run}
	if t.e.sharded() {
		data, err := t.e.runUnit(ctx, env, t.u)
		if err != nil {
			return nil, err
		}
		r.Data = data
	} else {
		rows, err := t.e.run(ctx, env)
		if err != nil {
			return nil, err
		}
		r.Rows = rows
	}
	r.Figures = env.figures
	env.figures = nil
	r.Seconds = time.Since(t0).Seconds()
	fmt.Fprintf(env.Progress, "[%s] done in %.1fs\n", t.label(), r.Seconds)
	return r, nil
}

func writeUnit(dir string, r *unitResult) error {
	d := filepath.Join(dir, "units")
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	j, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(d, fmt.Sprintf("%s-%04d.json", r.Experiment, r.Unit)), j)
}

// finalize turns the unit results into summary rows and figures, experiment
// by experiment, exactly as a single run does, and writes the CSV/JSON
// files and figures when env.OutDir is set. Experiments with missing units
// are reported and left out.
func finalize(env *reproEnv, selected []*experiment, results []*unitResult, stderr io.Writer) ([]row, error) {
	byExp := map[string][]*unitResult{}
	for _, r := range results {
		byExp[r.Experiment] = append(byExp[r.Experiment], r)
	}
	var all []row
	var firstErr error
	for _, e := range selected {
		rs := byExp[e.name]
		if len(rs) == 0 {
			continue
		}
		sort.Slice(rs, func(a, b int) bool { return rs[a].Unit < rs[b].Unit })
		U := rs[0].Units
		var missing []int
		seen := map[int]bool{}
		for _, r := range rs {
			seen[r.Unit] = true
		}
		for u := 0; u < U; u++ {
			if !seen[u] {
				missing = append(missing, u)
			}
		}
		if len(missing) > 0 {
			err := fmt.Errorf("%s: units %v of %d missing", e.name, missing, U)
			fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		var rows []row
		env.figures = nil
		for _, r := range rs {
			env.figures = append(env.figures, r.Figures...)
		}
		if e.summarize != nil && rs[0].Data != nil {
			datas := make([]json.RawMessage, len(rs))
			for i, r := range rs {
				datas[i] = r.Data
			}
			var err error
			if rows, err = e.summarize(env, datas); err != nil {
				fmt.Fprintf(stderr, "kkt reproduce: %s: %v\n", e.name, err)
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
		} else {
			for _, r := range rs {
				rows = append(rows, r.Rows...)
			}
		}
		if env.OutDir != "" {
			if err := writeRows(env.OutDir, e.name, rows); err != nil {
				fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
				if firstErr == nil {
					firstErr = outputError{err}
				}
			}
			for _, f := range env.figures {
				if err := saveFigure(env.OutDir, f); err != nil {
					fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
					if firstErr == nil {
						firstErr = err
					}
				}
				if err := atomicfile.Write(filepath.Join(env.OutDir, f.Name+".json"), func(w io.Writer) error { return writeJSON(w, f, true) }); err != nil {
					fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
					if firstErr == nil {
						firstErr = err
					}
				}
			}
		}
		env.figures = nil
		all = append(all, rows...)
	}
	return all, firstErr
}

// runMerge implements `kkt reproduce merge DIR...`.
func runMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("reproduce merge", "[--out DIR] [--json] SHARD_DIR...", stderr)
	out := fs.String("out", "", "directory for the merged CSV, JSON and figures")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	data := fs.String("data", defaultDataDir(), "data directory (for experiments that re-read data when summarizing)")
	if st, done := parsePositional(fs, args); done {
		return st
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "kkt reproduce merge: give the output directories of the shards")
		return exitBadInput
	}
	var results []*unitResult
	var units []mergeUnit
	seen := map[string]bool{}
	var full *bool
	var seed *uint64
	for _, dir := range fs.Args() {
		files, err := filepath.Glob(filepath.Join(dir, "units", "*.json"))
		if err != nil || len(files) == 0 {
			fmt.Fprintf(stderr, "kkt reproduce merge: no shard results in %s/units\n", dir)
			return exitBadInput
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				fmt.Fprintf(stderr, "kkt reproduce merge: %v\n", err)
				return exitBadInput
			}
			var r unitResult
			if err := json.Unmarshal(b, &r); err == nil {
				units = append(units, mergeUnit{f, &r})
			}
			if err := json.Unmarshal(b, &r); err != nil {
				fmt.Fprintf(stderr, "kkt reproduce merge: %s: %v\n", f, err)
				return exitBadInput
			}
			if full == nil {
				full, seed = &r.Full, &r.Seed
			} else if r.Full != *full || r.Seed != *seed {
				fmt.Fprintf(stderr, "kkt reproduce merge: %s was run with --full=%v --seed=%d, others with --full=%v --seed=%d\n", f, r.Full, r.Seed, *full, *seed)
				return exitBadInput
			}
			key := fmt.Sprintf("%s/%d", r.Experiment, r.Unit)
			if seen[key] {
				continue // the same unit from two directories (a re-run): keep the first
			}
			seen[key] = true
			results = append(results, &r)
		}
	}
	if err := validateMerge(units); err != nil {
		fmt.Fprintf(stderr, "kkt reproduce merge: %v\n", err)
		return exitBadInput
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			fmt.Fprintf(stderr, "kkt reproduce merge: %v\n", err)
			return exitBadInput
		}
	}
	sortExperiments()
	env := &reproEnv{Full: *full, Seed: *seed, DataDir: *data, OutDir: *out, Progress: io.Discard, Stderr: stderr}
	all, err := finalize(env, experiments, results, stderr)
	if perr := printSummary(stdout, stderr, all, *asJSON, *full, *seed, *data); perr != nil {
		return exitBadInput
	}
	var oe outputError
	if errors.As(err, &oe) {
		return exitBadInput // an output file could not be written (reported above)
	}
	if err != nil {
		return exitNotConverge
	}
	return exitOK
}

// sharded reports whether the experiment declares units (and so runs
// through runUnit and summarize rather than run).
func (e *experiment) sharded() bool {
	return e.units != nil && e.runUnit != nil && e.summarize != nil
}
