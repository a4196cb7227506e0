package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/internal/repro"
)

// Two test experiments: a plain one and a sharded one whose summary is the
// sum and maximum over its units.
func shardTestExperiments() []*repro.Experiment {
	return []*repro.Experiment{{Name: "zz-plain", Paper: "test", Order: 1 << 29,
		Run: func(ctx context.Context, env *repro.Env) ([]repro.Row, error) {
			return []repro.Row{{Experiment: "zz-plain", Metric: "m", Value: 7, Paper: math.NaN(), Status: "info"}}, nil
		}},
		{Name: "zz-sharded", Paper: "test", Order: 1<<29 + 1,
			Run:   func(ctx context.Context, env *repro.Env) ([]repro.Row, error) { return nil, fmt.Errorf("not used") },
			Units: func(env *repro.Env) int { return 5 },
			RunUnit: func(ctx context.Context, env *repro.Env, u int) (json.RawMessage, error) {
				env.AddFigure(repro.Figure{Name: fmt.Sprintf("zz-fig-%d", u), Series: []repro.Series{{Name: "s", X: []float64{0, 1}, Y: []float64{1, 2}}}})
				return json.Marshal(map[string]float64{"v": float64(u*u + 1)})
			},
			Summarize: func(env *repro.Env, data []json.RawMessage) ([]repro.Row, error) {
				var sum, mx float64
				for _, d := range data {
					var v map[string]float64
					if err := json.Unmarshal(d, &v); err != nil {
						return nil, err
					}
					sum += v["v"]
					mx = math.Max(mx, v["v"])
				}
				return []repro.Row{{Experiment: "zz-sharded", Metric: "sum", Value: sum, Paper: math.NaN(), Status: "info"},
					{Experiment: "zz-sharded", Metric: "max", Value: mx, Paper: 17, Status: "info"}}, nil
			}}}
}

func TestShardAndMerge(t *testing.T) {
	extra := shardTestExperiments()
	// The real linsolve experiment (deterministic rows) and two test
	// experiments, one of them split into 5 units: 7 tasks.
	only := []string{"reproduce", "--only", "linsolve,zz-plain,zz-sharded", "--quiet"}
	var single, errb bytes.Buffer
	dirS := t.TempDir()
	if st := runExtra(extra, append(only, "--out", dirS), &single, &errb); st != exitOK {
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
		if st := runExtra(extra, append(only, "--out", d, "--shard", fmt.Sprintf("%d/3", i)), &out, &errb); st != exitOK {
			t.Fatalf("shard %d: %d %s", i, st, errb.String())
		}
		want := map[int]string{0: "ran 3 of 7 tasks", 1: "ran 2 of 7 tasks", 2: "ran 2 of 7 tasks"}[i]
		if !strings.Contains(out.String(), fmt.Sprintf("shard %d/3: %s", i, want)) {
			t.Errorf("shard %d output: %s", i, out.String())
		}
	}
	var merged bytes.Buffer
	dirM := t.TempDir()
	if st := runExtra(extra, append([]string{"reproduce", "merge", "--out", dirM}, dirs...), &merged, &errb); st != exitOK {
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
	// A missing shard is reported and exits 2 (merge validation).
	errb.Reset()
	if st := runExtra(extra, []string{"reproduce", "merge", dirs[0], dirs[1]}, &merged, &errb); st != exitBadInput || !strings.Contains(errb.String(), "missing") {
		t.Errorf("merge with a missing shard: status %d, stderr %q", st, errb.String())
	}
	// Sharding needs --out.
	if st := runExtra(extra, append(only, "--shard", "0/2"), &merged, &errb); st != exitBadInput {
		t.Errorf("--shard without --out: status %d", st)
	}
}

// TestMain lets TestQuickSweepShards run the kkt command in child processes:
// the test binary re-executed with KKT_TEST_MAIN=1 is kkt. The shards then
// share no process state and run side by side, as Slurm array tasks do.
func TestMain(m *testing.M) {
	if os.Getenv("KKT_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// kktChild runs `kkt args...` in a child process and returns its stdout.
func kktChild(ctx context.Context, args []string) (string, error) {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	for _, kv := range os.Environ() {
		// the unsharded run must not pick up a shard from a batch system
		k, _, _ := strings.Cut(kv, "=")
		if k != "SLURM_ARRAY_TASK_ID" && k != "JOB_COMPLETION_INDEX" && k != "KKT_TEST_MAIN" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "KKT_TEST_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("kkt %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

// TestQuickSweepShards runs the whole quick sweep (every experiment; the data
// of KKT_DATA when set, generated data otherwise) once unsharded and as
// shards 0/3, 1/3, 2/3, merges the shards, and checks that every
// deterministic output is byte-identical: each <exp>.csv (and
// cutest-problems.csv), the "rows" of each <exp>.json (full precision), and
// the data of every figure that is not a timing figure. The timing files
// must exist in both and differ only in the measured values.
func TestQuickSweepShards(t *testing.T) {
	if testing.Short() {
		t.Skip("two quick sweeps (about 200 s of CPU); CI runs it")
	}
	data := kktdata.Dir()
	if data != "" {
		if st, err := os.Stat(data); err != nil || !st.IsDir() {
			t.Fatalf("KKT_DATA=%s is not a directory", data)
		}
	} else {
		t.Log("KKT_DATA unset: the sweep runs on generated data")
	}
	const n = 3
	base := []string{"reproduce", "--quiet", "--data", data}
	dirS := t.TempDir()
	jobs := [][]string{slices.Concat(base, []string{"--out", dirS})}
	var dirs []string
	for i := 0; i < n; i++ {
		d := t.TempDir()
		dirs = append(dirs, d)
		jobs = append(jobs, slices.Concat(base, []string{"--out", d, "--shard", fmt.Sprintf("%d/%d", i, n)}))
	}
	// Two workers: the unsharded run on one, the shards in turn on the other.
	ctx := context.Background()
	if dl, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-10*time.Second))
		defer cancel()
	}
	outs := make([]string, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int, len(jobs))
	for k := range jobs {
		next <- k
	}
	close(next)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				outs[k], errs[k] = kktChild(ctx, jobs[k])
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Every task runs in exactly one shard.
	ran, total := 0, -1
	for i := 0; i < n; i++ {
		var si, sn, k, T int
		if _, err := fmt.Sscanf(outs[i+1], "shard %d/%d: ran %d of %d tasks", &si, &sn, &k, &T); err != nil || si != i || sn != n || (total >= 0 && T != total) {
			t.Fatalf("shard %d output: %q (%v)", i, outs[i+1], err)
		}
		ran, total = ran+k, T
	}
	if ran != total || total < len(experimentList())+2*n {
		t.Errorf("the shards ran %d of %d tasks", ran, total)
	}
	dirM := t.TempDir()
	var merged, errb bytes.Buffer
	if st := run(slices.Concat([]string{"reproduce", "merge", "--data", data, "--out", dirM}, dirs), &merged, &errb); st != exitOK {
		t.Fatalf("merge: status %d: %s", st, errb.String())
	}
	compareSweeps(t, dirS, dirM)
}

// timeInNote matches a duration written into a note ("0.3s", "0.99s/fit",
// "0.000242 s").
var timeInNote = regexp.MustCompile(`\b[0-9][0-9.e+-]*\s?s(/|\b)`)

// compareSweeps checks the outputs of an unsharded run (dirS) against those
// of merged shards (dirM); see TestQuickSweepShards.
func compareSweeps(t *testing.T, dirS, dirM string) {
	t.Helper()
	read := func(dir, name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%v", err)
		}
		return b
	}
	names := func(dir, pattern string) []string {
		fs, _ := filepath.Glob(filepath.Join(dir, pattern))
		var out []string
		for _, f := range fs {
			out = append(out, filepath.Base(f))
		}
		return out
	}
	if a, b := names(dirS, "*.csv"), names(dirM, "*.csv"); !slices.Equal(a, b) {
		t.Errorf("CSV files differ:\nsingle %v\nmerged %v", a, b)
	}
	for _, e := range experimentList() {
		for _, f := range []string{e.Name + ".csv", e.Name + "-timing.csv", e.Name + ".json"} {
			if _, err := os.Stat(filepath.Join(dirS, f)); err != nil {
				t.Errorf("experiment %s: %v", e.Name, err)
			}
		}
	}
	compared := 0
	for _, f := range names(dirS, "*.csv") {
		a, b := read(dirS, f), read(dirM, f)
		if strings.HasSuffix(f, "-timing.csv") {
			checkTimingCSV(t, f, a, b)
			continue
		}
		compared++
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the single run (-) and the merged shards (+):\n%s", f, lineDiff(a, b))
		}
		if f == "cutest-problems.csv" {
			continue
		}
		recs, err := csv.NewReader(bytes.NewReader(a)).ReadAll()
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, r := range recs[1:] {
			// columns: experiment metric value paper status ratio unit note
			if r[6] == "s" || timeInNote.MatchString(r[7]) {
				t.Errorf("%s: row %q holds a time: it belongs in the timing file", f, r[1])
			}
		}
	}
	if compared < len(experimentList()) {
		t.Errorf("only %d deterministic CSV files compared", compared)
	}
	// The rows of <exp>.json at full precision, and the figures' data.
	for _, f := range names(dirS, "*.json") {
		a, b := read(dirS, f), read(dirM, f)
		var rows struct {
			Rows   json.RawMessage `json:"rows"`
			Timing json.RawMessage `json:"timing"`
		}
		var fig repro.Figure
		switch {
		case json.Unmarshal(a, &rows) == nil && rows.Rows != nil:
			var rowsM struct {
				Rows json.RawMessage `json:"rows"`
			}
			if err := json.Unmarshal(b, &rowsM); err != nil || !bytes.Equal(rows.Rows, rowsM.Rows) {
				t.Errorf("%s: the rows differ between the single run (-) and the merged shards (+) (%v):\n%s", f, err, lineDiff(rows.Rows, rowsM.Rows))
			}
		case json.Unmarshal(a, &fig) == nil && fig.Name != "" && !fig.Timing:
			if !bytes.Equal(a, b) {
				t.Errorf("figure data %s differ between the single run and the merged shards", f)
			}
		}
	}
}

// checkTimingCSV checks that the timing files of the two runs list the same
// rows (experiment and metric, in order) and that every one is a time.
func checkTimingCSV(t *testing.T, name string, a, b []byte) {
	t.Helper()
	ra, err1 := csv.NewReader(bytes.NewReader(a)).ReadAll()
	rb, err2 := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err1 != nil || err2 != nil || len(ra) == 0 || len(ra) != len(rb) {
		t.Errorf("%s: %d and %d records (%v, %v)", name, len(ra), len(rb), err1, err2)
		return
	}
	rowFile := ra[0][0] == "experiment" // <exp>-timing.csv; else a table with a seconds column
	if !rowFile && !slices.Contains(ra[0], "seconds") {
		t.Errorf("%s: header %q has no seconds column", name, ra[0])
	}
	for i := range ra {
		if ra[i][0] != rb[i][0] || ra[i][1] != rb[i][1] {
			t.Errorf("%s line %d: %q vs %q", name, i+1, ra[i][:2], rb[i][:2])
		}
		m := strings.ToLower(ra[i][1])
		if rowFile && i > 0 && !strings.Contains(m, "time") && !strings.Contains(m, "speedup") {
			t.Errorf("%s line %d: metric %q is not a time", name, i+1, ra[i][1])
		}
	}
}

// lineDiff lists the lines that differ between a and b (at most 20).
func lineDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	var sb strings.Builder
	shown := 0
	for i := 0; i < max(len(la), len(lb)) && shown < 20; i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			fmt.Fprintf(&sb, "line %d:\n- %s\n+ %s\n", i+1, x, y)
			shown++
		}
	}
	return sb.String()
}

// Timing rows go to <exp>-timing.csv and the "timing" arrays, never to
// <exp>.csv; the printed table still shows them.
func TestTimingRowsSeparated(t *testing.T) {
	extra := []*repro.Experiment{{Name: "zz-timed", Paper: "test", Order: 1 << 29,
		Run: func(ctx context.Context, env *repro.Env) ([]repro.Row, error) {
			return []repro.Row{
				{Experiment: "zz-timed", Metric: "iterations", Value: 12, Paper: math.NaN(), Status: "info", Unit: "iterations"},
				repro.Timing(repro.Row{Experiment: "zz-timed", Metric: "wall time", Value: 0.25, Paper: math.NaN(), Status: "info", Unit: "s"}),
				{Experiment: "zz-timed", Metric: "error", Value: 1e-9, Paper: math.NaN(), Status: "info"},
			}, nil
		}}}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if st := runExtra(extra, []string{"reproduce", "--only", "zz-timed", "--out", dir, "--quiet"}, &out, &errb); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	if !strings.Contains(out.String(), "wall time") || !strings.Contains(out.String(), "iterations") {
		t.Errorf("the table lacks rows:\n%s", out.String())
	}
	det, _ := os.ReadFile(filepath.Join(dir, "zz-timed.csv"))
	tim, _ := os.ReadFile(filepath.Join(dir, "zz-timed-timing.csv"))
	if !strings.Contains(string(det), "iterations") || !strings.Contains(string(det), "error") || strings.Contains(string(det), "wall time") {
		t.Errorf("zz-timed.csv:\n%s", det)
	}
	if want := "experiment,metric,value,paper,status,ratio,unit,note\nzz-timed,wall time,0.25,—,info,0,s,\n"; string(tim) != want {
		t.Errorf("zz-timed-timing.csv:\n%s\nwant\n%s", tim, want)
	}
	var js struct{ Rows, Timing []repro.Row }
	b, _ := os.ReadFile(filepath.Join(dir, "zz-timed.json"))
	if err := json.Unmarshal(b, &js); err != nil || len(js.Rows) != 2 || len(js.Timing) != 1 || !js.Timing[0].Timing || js.Rows[1].Value != 1e-9 {
		t.Errorf("zz-timed.json: %v %+v", err, js)
	}
	out.Reset()
	if st := runExtra(extra, []string{"reproduce", "--only", "zz-timed", "--quiet", "--json"}, &out, &errb); st != exitOK {
		t.Fatalf("--json: status %d", st)
	}
	var sum struct{ Experiments, Timing []repro.Row }
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil || len(sum.Experiments) != 2 || len(sum.Timing) != 1 || sum.Timing[0].Metric != "wall time" {
		t.Errorf("--json: %v %+v", err, sum)
	}
}

// TestMergeRefusesEndToEnd runs two real shards of the test experiments,
// then merges them after corrupting one unit file (exit 2 naming the file),
// and merges into a blocked output (exit 2 with a message).
func TestMergeRefusesEndToEnd(t *testing.T) {
	extra := shardTestExperiments()
	only := []string{"reproduce", "--only", "zz-plain,zz-sharded", "--quiet"}
	var dirs []string
	for i := 0; i < 2; i++ {
		d := t.TempDir()
		dirs = append(dirs, d)
		var out, errb bytes.Buffer
		if st := runExtra(extra, append(only, "--out", d, "--shard", fmt.Sprintf("%d/2", i)), &out, &errb); st != exitOK {
			t.Fatalf("shard %d: %d %s", i, st, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if st := runExtra(extra, append([]string{"reproduce", "merge"}, dirs...), &out, &errb); st != exitOK {
		t.Fatalf("clean merge: %d %s", st, errb.String())
	}
	// A blocked output: a file where the CSV must go.
	blocked := t.TempDir()
	if err := os.Mkdir(filepath.Join(blocked, "zz-plain.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if st := runExtra(extra, append([]string{"reproduce", "merge", "--out", blocked}, dirs...), &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), "zz-plain.csv") {
		t.Errorf("blocked output: status %d, stderr %q", st, errb.String())
	}
	// A unit from a run without data merged with units from a run with it.
	files, _ := filepath.Glob(filepath.Join(dirs[1], "units", "*.json"))
	if len(files) == 0 {
		t.Fatal("no unit files")
	}
	b, _ := os.ReadFile(files[0])
	var r repro.UnitResult
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	r.Run.Data = !r.Run.Data
	b, _ = json.Marshal(r)
	if err := os.WriteFile(files[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if st := runExtra(extra, append([]string{"reproduce", "merge"}, dirs...), &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), files[0]) || !strings.Contains(errb.String(), "data directory present") {
		t.Errorf("mixed data presence: status %d, stderr %q", st, errb.String())
	}
}
