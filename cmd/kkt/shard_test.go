package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two test experiments: a plain one and a sharded one whose summary is the
// sum and maximum over its units.
func registerShardTestExperiments(t *testing.T) {
	n := len(experiments)
	registerExperiment(&experiment{name: "zz-plain", paper: "test", order: 1 << 29,
		run: func(ctx context.Context, env *reproEnv) ([]row, error) {
			return []row{{Experiment: "zz-plain", Metric: "m", Value: 7, Paper: math.NaN(), Status: "info"}}, nil
		}})
	registerExperiment(&experiment{name: "zz-sharded", paper: "test", order: 1<<29 + 1,
		run:   func(ctx context.Context, env *reproEnv) ([]row, error) { return nil, fmt.Errorf("not used") },
		units: func(env *reproEnv) int { return 5 },
		runUnit: func(ctx context.Context, env *reproEnv, u int) (json.RawMessage, error) {
			env.addFigure(figure{Name: fmt.Sprintf("zz-fig-%d", u), Series: []series{{Name: "s", X: []float64{0, 1}, Y: []float64{1, 2}}}})
			return json.Marshal(map[string]float64{"v": float64(u*u + 1)})
		},
		summarize: func(env *reproEnv, data []json.RawMessage) ([]row, error) {
			var sum, mx float64
			for _, d := range data {
				var v map[string]float64
				if err := json.Unmarshal(d, &v); err != nil {
					return nil, err
				}
				sum += v["v"]
				mx = math.Max(mx, v["v"])
			}
			return []row{{Experiment: "zz-sharded", Metric: "sum", Value: sum, Paper: math.NaN(), Status: "info"},
				{Experiment: "zz-sharded", Metric: "max", Value: mx, Paper: 17, Status: "info"}}, nil
		}})
	t.Cleanup(func() { experiments = experiments[:n] })
}

func TestShardAndMerge(t *testing.T) {
	registerShardTestExperiments(t)
	// The real linsolve experiment (deterministic rows) and two test
	// experiments, one of them split into 5 units: 7 tasks.
	only := []string{"reproduce", "--only", "linsolve,zz-plain,zz-sharded", "--quiet"}
	var single, errb bytes.Buffer
	dirS := t.TempDir()
	if st := run(append(only, "--out", dirS), &single, &errb); st != exitOK {
		t.Fatalf("single run: %d %s", st, errb.String())
	}
	if !strings.Contains(single.String(), "sum") || !strings.Contains(single.String(), "35") {
		t.Fatalf("single run summary: %s", single.String())
	}
	// Three shards: 7 tasks dealt round-robin (3, 2 and 2 tasks).
	var dirs []string
	for i := 0; i < 3; i++ {
		d := t.TempDir()
		dirs = append(dirs, d)
		var out bytes.Buffer
		if st := run(append(only, "--out", d, "--shard", fmt.Sprintf("%d/3", i)), &out, &errb); st != exitOK {
			t.Fatalf("shard %d: %d %s", i, st, errb.String())
		}
		want := map[int]string{0: "ran 3 of 7 tasks", 1: "ran 2 of 7 tasks", 2: "ran 2 of 7 tasks"}[i]
		if !strings.Contains(out.String(), fmt.Sprintf("shard %d/3: %s", i, want)) {
			t.Errorf("shard %d output: %s", i, out.String())
		}
	}
	var merged bytes.Buffer
	dirM := t.TempDir()
	if st := run(append([]string{"reproduce", "merge", "--out", dirM}, dirs...), &merged, &errb); st != exitOK {
		t.Fatalf("merge: %d %s", st, errb.String())
	}
	if merged.String() != single.String() {
		t.Errorf("merged summary differs from the single run:\n%s\nvs\n%s", merged.String(), single.String())
	}
	for _, f := range []string{"linsolve.csv", "zz-sharded.csv", "zz-plain.csv", "zz-fig-3.png", "linsolve-residuals.png"} {
		a, err1 := os.ReadFile(filepath.Join(dirS, f))
		b, err2 := os.ReadFile(filepath.Join(dirM, f))
		if err1 != nil || err2 != nil {
			t.Errorf("%s: %v %v", f, err1, err2)
		} else if strings.HasSuffix(f, ".csv") && !bytes.Equal(a, b) {
			t.Errorf("%s differs between single and merged runs", f)
		}
	}
	// A missing shard is reported and exits 1.
	errb.Reset()
	if st := run([]string{"reproduce", "merge", dirs[0], dirs[1]}, &merged, &errb); st != exitNotConverge || !strings.Contains(errb.String(), "missing") {
		t.Errorf("merge with a missing shard: status %d, stderr %q", st, errb.String())
	}
	// Sharding needs --out.
	if st := run(append(only, "--shard", "0/2"), &merged, &errb); st != exitBadInput {
		t.Errorf("--shard without --out: status %d", st)
	}
}

func TestParseShard(t *testing.T) {
	for _, k := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "JOB_COMPLETION_INDEX", "KKT_SHARD_COUNT"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	if s, err := parseShard("", 0); err != nil || s != (shard{0, 1}) {
		t.Errorf("no shard: %v %v", s, err)
	}
	if s, err := parseShard("2/4", 0); err != nil || s != (shard{2, 4}) {
		t.Errorf("2/4: %v %v", s, err)
	}
	for _, bad := range []string{"4/4", "-1/3", "x/2", "3"} {
		if _, err := parseShard(bad, 0); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "3")
	t.Setenv("SLURM_ARRAY_TASK_COUNT", "8")
	t.Setenv("SLURM_ARRAY_TASK_MIN", "1")
	if s, err := parseShard("", 0); err != nil || s != (shard{2, 8}) {
		t.Errorf("Slurm 1-based: %v %v", s, err)
	}
	os.Unsetenv("SLURM_ARRAY_TASK_ID")
	t.Setenv("JOB_COMPLETION_INDEX", "5")
	if _, err := parseShard("", 0); err == nil {
		t.Error("JOB_COMPLETION_INDEX without a count accepted")
	}
	t.Setenv("KKT_SHARD_COUNT", "6")
	if s, err := parseShard("", 0); err != nil || s != (shard{5, 6}) {
		t.Errorf("Kubernetes: %v %v", s, err)
	}
}
