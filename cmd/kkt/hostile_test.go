package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/dag"
	dagrepro "github.com/kkt-go/kkt/internal/repro/dag"
	"github.com/kkt-go/kkt/matrix"
	"github.com/kkt-go/kkt/matrix/completion"
	"github.com/kkt-go/kkt/sinkhorn"
)

// The hostile corpus (testdata/hostile) holds small files built to make a
// reader or a command allocate gigabytes, panic, lose its JSON output or
// accept bad input silently. hostileBudget is the memory budget the tests
// run with (KKT_MEM_BUDGET); the limits on peak memory and time are the
// acceptance criteria of docs/robustness.md.
const (
	hostileDir    = "testdata/hostile"
	hostileBudget = "512MiB"
	hostileMaxRSS = 1 << 30 // bytes
	hostileMaxDur = 5 * time.Second
)

type hostileCase struct {
	input string   // the file the case is about (for the table)
	args  []string // command line (paths relative to testdata/hostile)
	exit  int
	msg   string // substring of stderr (file and line), "" when exit 0
	json  string // with --json: substring of stdout, which must parse
}

func hostileCases(tmp string) []hostileCase {
	lin := func(m string, extra ...string) []string {
		return append([]string{"linsolve", "--matrix", m}, extra...)
	}
	cs := []hostileCase{
		{"huge-empty.mtx", lin("huge-empty.mtx"), 2, "huge-empty.mtx:2: a 268435456×268435456 sparse matrix with 0 entries needs 4 GiB, over the memory budget", ""},
		{"huge-dense.mtx", lin("huge-dense.mtx"), 2, "huge-dense.mtx:2: a 65536×65536 dense Matrix Market array needs 96 GiB", ""},
		{"empty.mtx", lin("empty.mtx", "--method", "direct"), 0, "", ""},
		{"huge-index.libsvm", []string{"logreg", "--data", "huge-index.libsvm"}, 2, "huge-index.libsvm:1: feature index 268435456", ""},
		{"data/libsvm/diabetes_scale", []string{"bilevel", "--problem", "svm", "--data", "data"}, 2, "diabetes_scale:1: feature index 268435456", ""},
		{"wide-image.csv", []string{"ot", "--image-a", "wide-image.csv", "--image-b", "wide-image.csv"}, 2, "wide-image.csv: an optimal-transport problem with 65536×65536", ""},
		{"data/mnist/t10k-images-idx3-ubyte.gz", []string{"ot", "--mnist", "0,1", "--data", "data"}, 2, "t10k-images-idx3-ubyte.gz: offset 4: an IDX array of 32×4096×4096 bytes needs 4.5 GiB", ""},
		{"huge-ratings.coo", []string{"complete", "--ratings", "huge-ratings.coo", "--format", "coo"}, 2, "huge-ratings.coo:1: entry (67108864, 1)", ""},
		{"null.json", []string{"dag", "plot", "--in", "null.json", "--out", filepath.Join(tmp, "x.svg")}, 2, "null.json: entry 0 is null", ""},
		{"dagstats-negative.json", []string{"dag", "plot", "--in", "dagstats-negative.json", "--out", filepath.Join(tmp, "x.svg")}, 2, "dagstats-negative.json: entry 0: mean SHD -5", ""},
		{"dag-constant.csv", []string{"dag", "--data", "dag-constant.csv", "--standardize", "--json"}, 1, "", `"nonfinite"`},
		{"single-rating.coo", []string{"complete", "--ratings", "single-rating.coo", "--format", "coo", "--test-fraction", "0", "--rank", "1", "--json"}, 1, "", `"rmse_test":null`},
		{"single-rating.coo", []string{"complete", "--ratings", "single-rating.coo", "--format", "coo"}, 2, "single-rating.coo: the training split is empty", ""},
		{"single-rating.coo", []string{"complete", "--ratings", "single-rating.coo", "--format", "coo", "--test-fraction", "-1"}, 2, "--test-fraction -1: want a number in [0, 1)", ""},
		{"singular.mtx", lin("singular.mtx", "--rhs", "ones2.mtx", "--json"), 1, "", `"status":"NumericalFailure"`},
		{"singular.mtx", lin("singular.mtx", "--method", "direct", "--json"), 1, "", `"status":"Singular"`},
		{"empty-field.csv", []string{"ot", "--cost", "cost3.csv", "--a", "empty-field.csv", "--b", "empty-field.csv"}, 2, "empty-field.csv:1: column 2 is empty", ""},
		{"dag-typo.csv", []string{"dag", "--data", "dag-typo.csv"}, 2, "dag-typo.csv:1: column 2: not a number: \"O.7\", while other columns of the line are numbers", ""},
		{"huge-index.libsvm", []string{"logreg", "--data", "huge-index.libsvm", "--tol", "-1"}, 2, "--tol -1: want a finite number > 0", ""},
		{"diag-1e300.mtx", lin("diag-1e300.mtx", "--json"), 0, "", `"rel_residual":0`},
		{"merge-bad/units/dag-0000.json", []string{"reproduce", "merge", "merge-bad"}, 2, "dag-0000.json (dag unit 0): data.fits[0].SHD = -5 outside [0, +Inf]", ""},
		{"merge-data, merge-nodata", []string{"reproduce", "merge", "merge-data", "merge-nodata"}, 2, "is from a different run than", ""},
	}
	for _, m := range []string{"cg", "minres", "gmres", "bicgstab", "lsqr"} {
		for _, f := range []string{"diag-1e160.mtx", "diag-1e-160.mtx"} {
			cs = append(cs, hostileCase{f, lin(f, "--method", m, "--json"), 0, "", `"status":"Converged","converged":true,"iterations":1`})
		}
	}
	return cs
}

// TestHostileCorpus runs every command of the corpus in a child process
// (this test binary re-executed as kkt, see TestMain) with the memory
// budget in force and checks: no Go stack trace, the documented exit
// status, the message naming file and line, JSON that parses, peak memory
// (rusage) under 1 GiB and wall time under 5 s. With KKT_HOSTILE_TABLE set
// it writes the Markdown table of docs/robustness.md to that file.
func TestHostileCorpus(t *testing.T) {
	tmp := t.TempDir()
	var table strings.Builder
	table.WriteString("| input | command | exit | message (stderr) or JSON (stdout) | peak RSS | time |\n|---|---|---|---|---|---|\n")
	for _, c := range hostileCases(tmp) {
		name := strings.Join(c.args, " ")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, os.Args[0], c.args...)
		cmd.Dir = hostileDir
		cmd.Env = append(os.Environ(), "KKT_TEST_MAIN=1", "KKT_MEM_BUDGET="+hostileBudget)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		t0 := time.Now()
		err := cmd.Run()
		dur := time.Since(t0)
		cancel()
		exit := cmd.ProcessState.ExitCode()
		var rss int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss << 10 // KiB on Linux
		}
		stderr := errb.String()
		if err != nil && exit < 0 {
			t.Errorf("kkt %s: %v", name, err)
			continue
		}
		if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") || strings.Contains(stderr, "fatal error") {
			t.Errorf("kkt %s: stack trace:\n%s", name, stderr)
		}
		if exit != c.exit {
			t.Errorf("kkt %s: exit %d, want %d; stderr %q", name, exit, c.exit, stderr)
		}
		if c.msg != "" && !strings.Contains(stderr, c.msg) {
			t.Errorf("kkt %s: stderr %q does not contain %q", name, stderr, c.msg)
		}
		shown := firstLine(stderr)
		if c.json != "" {
			var v any
			if err := json.Unmarshal(out.Bytes(), &v); err != nil {
				t.Errorf("kkt %s: stdout is not one JSON value (%v): %q", name, err, out.String())
			}
			compact := new(bytes.Buffer)
			json.Compact(compact, out.Bytes())
			if !strings.Contains(compact.String(), c.json) {
				t.Errorf("kkt %s: JSON %s does not contain %s", name, compact.String(), c.json)
			}
			shown = "JSON with " + c.json
		}
		if rss > hostileMaxRSS {
			t.Errorf("kkt %s: peak RSS %d MiB > 1 GiB", name, rss>>20)
		}
		if dur > hostileMaxDur {
			t.Errorf("kkt %s: %v > %v", name, dur, hostileMaxDur)
		}
		shown = strings.ReplaceAll(strings.ReplaceAll(shown, "|", `\|`), tmp, "TMP")
		fmt.Fprintf(&table, "| `%s` | `kkt %s` | %d | %s | %.1f MiB | %.2f s |\n", c.input, strings.ReplaceAll(name, tmp, "TMP"), exit, shown, float64(rss)/(1<<20), dur.Seconds())
	}
	if p := os.Getenv("KKT_HOSTILE_TABLE"); p != "" {
		if err := os.WriteFile(p, []byte(table.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// TestHostileReaders feeds every file of the corpus to every exported reader
// with the memory budget in force: each returns a value or an error, never
// panics, and a refusal by the budget names the file.
func TestHostileReaders(t *testing.T) {
	old := matrix.SetMemoryBudget(512 << 20)
	defer matrix.SetMemoryBudget(old)
	var files []string
	filepath.WalkDir(hostileDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 20 {
		t.Fatalf("only %d corpus files", len(files))
	}
	readers := map[string]func(path string) error{
		"ReadMatrixMarketFile":      func(p string) error { _, err := matrix.ReadMatrixMarketFile(p); return err },
		"ReadMatrixMarketDenseFile": func(p string) error { _, err := matrix.ReadMatrixMarketDenseFile(p); return err },
		"ReadLIBSVMFile":            func(p string) error { _, err := matrix.ReadLIBSVMFile(p, matrix.LIBSVMOptions{}); return err },
		"sinkhorn.ReadCSV":          withFile(func(f *os.File, p string) error { _, err := sinkhorn.ReadCSV(f, p); return err }),
		"sinkhorn.ReadVector":       withFile(func(f *os.File, p string) error { _, err := sinkhorn.ReadVector(f, p); return err }),
		"sinkhorn.ReadIDXImages":    withFile(func(f *os.File, p string) error { _, _, _, err := sinkhorn.ReadIDXImages(f, p); return err }),
		"sinkhorn.ReadIDXLabels":    withFile(func(f *os.File, p string) error { _, err := sinkhorn.ReadIDXLabels(f, p); return err }),
		"dag.ReadCSV":               withFile(func(f *os.File, p string) error { _, _, err := dag.ReadCSV(f, p); return err }),
		"completion.Read(coo)":      withFile(func(f *os.File, p string) error { _, err := completion.Read(f, p, completion.FormatCOO); return err }),
		"completion.Read(movielens)": withFile(func(f *os.File, p string) error {
			_, err := completion.Read(f, p, completion.FormatMovieLens)
			return err
		}),
		"completion.ReadFactors": withFile(func(f *os.File, p string) error { _, err := completion.ReadFactors(f, p); return err }),
		"cutest.ReadReference":   func(p string) error { _, err := cutest.ReadReference(p); return err },
		"dagrepro.ReadStats":     func(p string) error { _, err := dagrepro.ReadStats([]string{p}); return err },
	}
	for _, f := range files {
		for name, read := range readers {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s(%s) panicked: %v", name, f, r)
					}
				}()
				t0 := time.Now()
				err := read(f)
				if d := time.Since(t0); d > hostileMaxDur {
					t.Errorf("%s(%s) took %v", name, f, d)
				}
				if err != nil && strings.Contains(err.Error(), "memory budget") && !strings.Contains(err.Error(), filepath.Base(f)) {
					t.Errorf("%s(%s): budget error does not name the file: %v", name, f, err)
				}
			}()
		}
	}
}

func withFile(read func(*os.File, string) error) func(string) error {
	return func(p string) error {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return read(f, p)
	}
}
