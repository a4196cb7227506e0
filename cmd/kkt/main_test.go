package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/repro"
)

func TestUsageAndUnknown(t *testing.T) {
	var out, errb bytes.Buffer
	if st := run(nil, &out, &errb); st != exitBadInput {
		t.Errorf("no args: status %d, want %d", st, exitBadInput)
	}
	out.Reset()
	if st := run([]string{"help"}, &out, &errb); st != exitOK || !strings.Contains(out.String(), "reproduce") {
		t.Errorf("help: status %d, output %q", st, out.String())
	}
	errb.Reset()
	if st := run([]string{"nosuch"}, &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), "nosuch") {
		t.Errorf("unknown command: status %d, stderr %q", st, errb.String())
	}
	if st := run([]string{"reproduce", "--only", "nosuch"}, &out, &errb); st != exitBadInput {
		t.Errorf("unknown experiment: status %d", st)
	}
	if st := run([]string{"reproduce", "--bogus-flag"}, &out, &errb); st != exitBadInput {
		t.Errorf("bad flag: status %d", st)
	}
}

func TestReproduceWritesTablesAndFigures(t *testing.T) {
	e := &repro.Experiment{Name: "zz-test", Paper: "test", Order: 1 << 30,
		Run: func(ctx context.Context, env *repro.Env) ([]repro.Row, error) {
			env.AddFigure(repro.Figure{Name: "zz-test-fig", Title: "t", XLabel: "iteration", YLabel: "residual", LogY: true,
				Series: []repro.Series{{Name: "a", X: []float64{0, 1, 2}, Y: []float64{1, 0.1, 0}}}})
			return []repro.Row{
				repro.Compare(repro.Row{Experiment: "zz-test", Metric: "m1", Value: 10, Paper: 10}, 0.01),
				repro.Compare(repro.Row{Experiment: "zz-test", Metric: "m2", Value: 12, Paper: 10}, 0.01),
				repro.Compare(repro.Row{Experiment: "zz-test", Metric: "m3", Value: 3, Paper: math.NaN()}, 0.01),
			}, nil
		}}
	dir := t.TempDir()
	var out, errb bytes.Buffer
	st := runExtra([]*repro.Experiment{e}, []string{"reproduce", "--only", "zz-test", "--out", dir, "--quiet", "--json"}, &out, &errb)
	if st != exitOK {
		t.Fatalf("status %d, stderr %s", st, errb.String())
	}
	var got struct {
		Experiments []map[string]any `json:"experiments"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
	}
	if len(got.Experiments) != 3 || got.Experiments[0]["status"] != "reproduced" || got.Experiments[1]["status"] != "differs" ||
		got.Experiments[2]["status"] != "info" || got.Experiments[2]["paper"] != nil {
		t.Errorf("unexpected rows: %v", got.Experiments)
	}
	for _, f := range []string{"zz-test.csv", "zz-test.json", "zz-test-fig.png", "zz-test-fig.svg", "zz-test-fig.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("missing output %s: %v", f, err)
		}
	}
}

// TestEveryCommandHelp: `kkt help <command>` and `<command> -h` exit 0 for
// every command and subcommand and print a description under every flag;
// an unknown flag exits 2 with a one-line hint naming the help command.
func TestEveryCommandHelp(t *testing.T) {
	paths := [][]string{{"nlp", "pde"}, {"nlp", "solve"}, {"dag", "simulate"}, {"dag", "sweep"}, {"dag", "evaluate"},
		{"dag", "plot"}, {"cutest", "list"}, {"cutest", "eval"}, {"reproduce", "merge"}}
	for name := range commands {
		paths = append(paths, []string{name})
	}
	for _, p := range paths {
		name := strings.Join(p, " ")
		var out, errb bytes.Buffer
		if st := run(append(slices.Clone(p), "-h"), &out, &errb); st != exitOK {
			t.Errorf("%s -h: status %d", name, st)
			continue
		}
		text := out.String() + errb.String()
		if !strings.Contains(text, "kkt "+name) {
			t.Errorf("%s -h: no usage line in %q", name, text)
		}
		lines := strings.Split(text, "\n")
		for i, l := range lines {
			if !strings.HasPrefix(l, "  -") {
				continue
			}
			// flag.PrintDefaults puts the description on the next line
			// ("    \t...") unless the flag name is short enough to share it.
			f := strings.Fields(l)
			if len(f) > 2 && !strings.HasPrefix(f[1], "string") && !strings.HasPrefix(f[1], "int") &&
				!strings.HasPrefix(f[1], "float") && !strings.HasPrefix(f[1], "value") && !strings.HasPrefix(f[1], "uint") && !strings.HasPrefix(f[1], "duration") {
				continue // "-x	description" on one line
			}
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "    \t") || strings.TrimSpace(lines[i+1]) == "" {
				t.Errorf("%s: flag %q has no description", name, strings.TrimSpace(l))
			}
		}
		if len(p) == 1 {
			out.Reset()
			if st := run([]string{"help", p[0]}, &out, &errb); st != exitOK || out.Len()+errb.Len() == 0 {
				t.Errorf("help %s: status %d", name, st)
			}
		}
		out.Reset()
		errb.Reset()
		st := run(append(slices.Clone(p), "--no-such-flag"), &out, &errb)
		hint := strings.TrimSpace(out.String() + errb.String())
		if st != exitBadInput || strings.Count(hint, "\n") != 0 || !strings.Contains(hint, "help") {
			t.Errorf("%s --no-such-flag: status %d, output %q (want 2 and a one-line hint)", name, st, hint)
		}
	}
	for _, p := range [][]string{{"nlp", "nosuch"}, {"nlp"}, {"cutest", "nosuch"}, {"dag", "nosuch"}, {"nlp", "solve"}} {
		var out, errb bytes.Buffer
		st := run(p, &out, &errb)
		hint := strings.TrimSpace(out.String() + errb.String())
		if st != exitBadInput || strings.Count(hint, "\n") != 0 || !strings.Contains(hint, "help") {
			t.Errorf("%v: status %d, output %q (want 2 and a one-line hint)", p, st, hint)
		}
	}
}
