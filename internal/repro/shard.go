package repro

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kkt-go/kkt/internal/atomicfile"
	"github.com/kkt-go/kkt/internal/jsonout"
)

// Shard is the slice I (0-based) of N of the experiment grid.
type Shard struct{ I, N int }

// ParseShard reads --shard i/n, else the Slurm array variables, else the
// Kubernetes indexed-Job index with a count from --shard-count or
// $KKT_SHARD_COUNT. No sharding is {0, 1}.
func ParseShard(flag string, count int) (Shard, error) {
	parse := func(i, n string, src string) (Shard, error) {
		ii, e1 := strconv.Atoi(strings.TrimSpace(i))
		nn, e2 := strconv.Atoi(strings.TrimSpace(n))
		if e1 != nil || e2 != nil || nn < 1 || ii < 0 || ii >= nn {
			return Shard{}, fmt.Errorf("bad shard %s/%s from %s: want 0 ≤ i < n", i, n, src)
		}
		return Shard{ii, nn}, nil
	}
	if flag != "" {
		i, n, ok := strings.Cut(flag, "/")
		if !ok {
			return Shard{}, fmt.Errorf("bad --shard %q: want i/n", flag)
		}
		return parse(i, n, "--shard")
	}
	if id := os.Getenv("SLURM_ARRAY_TASK_ID"); id != "" {
		cnt := os.Getenv("SLURM_ARRAY_TASK_COUNT")
		if cnt == "" {
			return Shard{}, fmt.Errorf("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
		}
		// Arrays may start at 1 (--array=1-8): index relative to the minimum.
		idn, err := strconv.Atoi(id)
		if err != nil {
			return Shard{}, fmt.Errorf("bad SLURM_ARRAY_TASK_ID %q", id)
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
			return Shard{}, fmt.Errorf("JOB_COMPLETION_INDEX is set: give the number of shards with --shard-count or KKT_SHARD_COUNT")
		}
		return parse(id, strconv.Itoa(count), "JOB_COMPLETION_INDEX")
	}
	return Shard{0, 1}, nil
}

// Task is one cell of the experiment grid: unit Unit of Units of an experiment.
type Task struct {
	Exp   *Experiment
	Unit  int // 0 ≤ Unit < Units
	Units int
}

func (t Task) Label() string {
	if t.Units == 1 {
		return t.Exp.Name
	}
	return fmt.Sprintf("%s[%d/%d]", t.Exp.Name, t.Unit, t.Units)
}

// MakeTasks lists the grid in a deterministic order: experiments in
// summary order, units in increasing order.
func MakeTasks(selected []*Experiment, env *Env) []Task {
	var ts []Task
	for _, e := range selected {
		U := 1
		if e.Sharded() {
			U = max(e.Units(env), 1)
		}
		for u := 0; u < U; u++ {
			ts = append(ts, Task{e, u, U})
		}
	}
	return ts
}

// UnitResult is what one task produces; shards write them to DIR/units and
// `kkt reproduce merge` reads them back.
type UnitResult struct {
	Experiment string          `json:"experiment"`
	Unit       int             `json:"unit"`
	Units      int             `json:"units"`
	Full       bool            `json:"full"`
	Seed       uint64          `json:"seed"`
	Rows       []Row           `json:"rows,omitempty"`
	Figures    []Figure        `json:"figures,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Seconds    float64         `json:"seconds"`
	Run        *RunInfo        `json:"run,omitempty"`
}

func RunTask(ctx context.Context, env *Env, t Task) (*UnitResult, error) {
	t0 := time.Now()
	fmt.Fprintf(env.Progress, "[%s] running…\n", t.Label())
	env.figures = nil
	r := &UnitResult{Experiment: t.Exp.Name, Unit: t.Unit, Units: t.Units, Full: env.Full, Seed: env.Seed, Run: env.Run}
	if t.Exp.Sharded() {
		data, err := t.Exp.RunUnit(ctx, env, t.Unit)
		if err != nil {
			return nil, err
		}
		r.Data = data
	} else {
		rows, err := t.Exp.Run(ctx, env)
		if err != nil {
			return nil, err
		}
		r.Rows = rows
	}
	r.Figures = env.figures
	env.figures = nil
	r.Seconds = time.Since(t0).Seconds()
	fmt.Fprintf(env.Progress, "[%s] done in %.1fs\n", t.Label(), r.Seconds)
	return r, nil
}

func WriteUnit(dir string, r *UnitResult) error {
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

// Finalize turns the unit results into summary rows and figures, experiment
// by experiment, exactly as a single run does, and writes the CSV/JSON
// files and figures when env.OutDir is set. Experiments with missing units
// are reported and left out.
func Finalize(env *Env, selected []*Experiment, results []*UnitResult, stderr io.Writer) ([]Row, error) {
	byExp := map[string][]*UnitResult{}
	for _, r := range results {
		byExp[r.Experiment] = append(byExp[r.Experiment], r)
	}
	var all []Row
	var firstErr error
	for _, e := range selected {
		rs := byExp[e.Name]
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
			err := fmt.Errorf("%s: units %v of %d missing", e.Name, missing, U)
			fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		var rows []Row
		env.figures = nil
		for _, r := range rs {
			env.figures = append(env.figures, r.Figures...)
		}
		if e.Summarize != nil && rs[0].Data != nil {
			datas := make([]json.RawMessage, len(rs))
			for i, r := range rs {
				datas[i] = r.Data
			}
			var err error
			if rows, err = e.Summarize(env, datas); err != nil {
				fmt.Fprintf(stderr, "kkt reproduce: %s: %v\n", e.Name, err)
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
			if err := WriteRows(env.OutDir, e.Name, rows); err != nil {
				fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
				if firstErr == nil {
					firstErr = OutputError{err}
				}
			}
			for _, f := range env.figures {
				if err := SaveFigure(env.OutDir, f); err != nil {
					fmt.Fprintf(stderr, "kkt reproduce: %v\n", err)
					if firstErr == nil {
						firstErr = err
					}
				}
				if err := atomicfile.Write(filepath.Join(env.OutDir, f.Name+".json"), func(w io.Writer) error { return jsonout.Write(w, f, true) }); err != nil {
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

// sharded reports whether the experiment declares units (and so runs
// through runUnit and summarize rather than run).
func (e *Experiment) Sharded() bool {
	return e.Units != nil && e.RunUnit != nil && e.Summarize != nil
}
