package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/internal/repro"
	"github.com/kkt-go/kkt/solver"
)

// The command-line contract (docs/vocabulary.md, DESIGN.md): every command
// and subcommand with --json prints exactly one JSON object on one line of
// stdout; a command that runs a solver says how it ended in "status" (a
// solver.Status name) and "time_s", and "iterations" where it iterates; the
// exit status is 0 exactly when the status is Converged, 1 when it ran but
// did not converge, 2 for bad input; flags may follow positional arguments.

// contractSIF is a small SIF problem of the project's own (the HS6 problem
// of cutest's example test): minimize (1 − x1)² s.t. 10(x2 − x1²) = 0.
const contractSIF = `NAME          HS6
*   classification QQR2-AN-2-1
VARIABLES
    X1
    X2
GROUPS
 N  G1        X1        -1.0
 E  G2        X2        1.0
 E  G2        'SCALE'   0.1
CONSTANTS
    HS6       G1        -1.0
BOUNDS
 FR HS6       'DEFAULT'
START POINT
    HS6       X1        -1.2
    HS6       X2        1.0
ELEMENT TYPE
 EV SQ        V1
ELEMENT USES
 T  E1        SQ
 V  E1        V1                       X1
GROUP TYPE
 GV L2        GVAR
GROUP USES
 T  G1        L2
 E  G2        E1
ENDATA
ELEMENTS      HS6
INDIVIDUALS
 T  SQ
 F                      -V1 * V1
 G  V1                  -2.0 * V1
 H  V1        V1        -2.0
ENDATA
GROUPS        HS6
INDIVIDUALS
 T  L2
 F                      GVAR*GVAR
 G                      2.0*GVAR
 H                      2.0
ENDATA
`

// contractCase is one command line. solver: the command runs a solver, so
// status, time_s (and iterations when iterates) are required; want: the
// exit status expected (−1: whatever the status says).
type contractCase struct {
	args     []string
	solver   bool
	iterates bool
	want     int
	data     bool // needs KKT_DATA
	keys     []string
	save     string // write stdout to this file (input of a later case)
}

func TestCommandContract(t *testing.T) {
	dir := t.TempDir()
	w := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A 3×3 SPD tridiagonal system.
	mtx := w("a.mtx", "%%MatrixMarket matrix coordinate real symmetric\n3 3 5\n1 1 4\n2 1 -1\n2 2 4\n3 2 -1\n3 3 4\n")
	sif := w("HS6.SIF", contractSIF)
	// A small LIBSVM file: 60 samples, 16 features, labels by a fixed rule.
	var sb strings.Builder
	for i := 0; i < 60; i++ {
		lab := 1
		if (i*7)%5 < 2 {
			lab = -1
		}
		fmt.Fprintf(&sb, "%d", lab)
		for j := 1; j <= 16; j++ {
			fmt.Fprintf(&sb, " %d:%.4g", j, math.Sin(float64(i*j+j)))
		}
		sb.WriteString("\n")
	}
	libsvm := w("tiny.libsvm", sb.String())
	sb.Reset()
	for i := 1; i <= 12; i++ {
		for j := 1; j <= 10; j++ {
			if (i*7+j*3)%4 != 0 {
				fmt.Fprintf(&sb, "%d\t%d\t%d\t0\n", i, j, 1+(i+j)%5)
			}
		}
	}
	ratings := w("r.txt", sb.String())
	a := w("a.csv", "0.5\n0.25\n0.25\n")
	b := w("b.csv", "0.25,0.25,0.5\n")
	c := w("c.csv", "0,1,2\n1,0,1\n2,1,0\n")
	simDir := filepath.Join(dir, "sim")
	x, truth := filepath.Join(simDir, "X.csv"), filepath.Join(simDir, "B_true.csv")
	wout := filepath.Join(dir, "W.csv")
	reproDir := filepath.Join(dir, "repro")
	sweep := filepath.Join(dir, "sweep.json")

	extra := []*repro.Experiment{{Name: "zz-contract", Paper: "test", Order: 1 << 29,
		Run: func(ctx context.Context, env *repro.Env) ([]repro.Row, error) {
			return []repro.Row{{Experiment: "zz-contract", Metric: "iterations", Value: 3, Paper: math.NaN(), Status: "info"}}, nil
		}}}

	cases := []contractCase{
		{args: []string{"linsolve", "--matrix", mtx, "--json"}, solver: true, iterates: true, want: exitOK},
		{args: []string{"linsolve", "--matrix", mtx, "--method", "cg", "--max-iter", "1", "--json"}, solver: true, iterates: true, want: exitNotConverge},
		{args: []string{"linsolve", "--matrix", mtx, "--method", "cg", "--json", "--maxiter", "1"}, solver: true, iterates: true, want: exitNotConverge}, // deprecated alias
		{args: []string{"linsolve", "--matrix", mtx, "--method", "lu", "--json"}, solver: true, want: exitOK},
		{args: []string{"sketch", "--m", "200", "--n", "5", "--json"}, solver: true, iterates: true, want: exitOK},
		{args: []string{"sketch", "--m", "200", "--n", "5", "--kappa", "1e8", "--plain", "--max-iter", "2", "--json"}, solver: true, iterates: true, want: exitNotConverge},
		{args: []string{"nlp", "pde", "--grid", "3", "--max-iter", "3", "--json"}, solver: true, iterates: true, want: exitNotConverge},
		{args: []string{"nlp", "solve", sif, "--json"}, solver: true, iterates: true, want: exitOK, keys: []string{"f", "x", "message"}},
		{args: []string{"nlp", "solve", "--json", sif, "--max-iter", "2"}, solver: true, iterates: true, want: exitNotConverge},
		{args: []string{"nlp", "solve", "HS6", "--json"}, solver: true, iterates: true, want: exitOK, data: true},
		{args: []string{"logreg", "--libsvm", libsvm, "--method", "newton", "--max-iter", "50", "--json"}, solver: true, iterates: true, want: -1},
		{args: []string{"logreg", "--json", "--libsvm", filepath.Join("libsvm", "heart_scale"), "--method", "newton", "--max-iter", "2"}, solver: true, iterates: true, want: exitNotConverge, data: true},
		{args: []string{"cutest", "eval", sif, "--json"}, want: exitOK, keys: []string{"n", "m", "f0", "parse_time_s"}},
		{args: []string{"cutest", "list", "--sifdir", dir, "--json"}, want: exitOK, keys: []string{"problems", "count"}},
		{args: []string{"cutest", "eval", "HS6", "--json"}, want: exitOK, data: true},
		{args: []string{"bilevel", "--problem", "t3", "--method", "aid", "--json"}, solver: true, iterates: true, want: exitOK},
		{args: []string{"bilevel", "--problem", "t2", "--method", "lvhba", "--n", "20", "--max-iter", "30000", "--json"}, solver: true, iterates: true, want: exitNotConverge},
		{args: []string{"bilevel", "--problem", "svm", "--method", "penalty", "--seeds", "1", "--max-iter", "5", "--json"}, solver: true, iterates: true, want: -1, data: true},
		{args: []string{"ot", "--a", a, "--b", b, "--cost", c, "--eta", "10", "--json"}, solver: true, iterates: true, want: exitOK},
		{args: []string{"ot", "--a", a, "--b", b, "--cost", c, "--method", "emd", "--json"}, solver: true, iterates: true, want: exitOK},
		{args: []string{"ot", "--random", "30", "--eta", "1200", "--method", "sinkhorn-log", "--max-iter", "3", "--json"}, solver: true, iterates: true, want: exitNotConverge},
		{args: []string{"sor", "--instances", "4", "--grid", "4", "--json"}, solver: true, want: -1, keys: []string{"total_iterations"}},
		{args: []string{"complete", "--synthetic", "30,20,2,0.5", "--json"}, solver: true, iterates: true, want: exitOK},
		{args: []string{"complete", "--synthetic", "30,20,2,0.5", "--max-iter", "2", "--json"}, solver: true, iterates: true, want: exitNotConverge},
		{args: []string{"complete", "--ratings", ratings, "--rank", "2", "--json"}, solver: true, iterates: true, want: exitNotConverge}, // ALS: no convergence test
		{args: []string{"complete", "--ratings", ratings, "--rank", "2", "--method", "altmin", "--max-iter", "3", "--json"}, solver: true, iterates: true, want: -1},
		{args: []string{"dag", "simulate", "--graph", "er", "--k", "1", "--d", "5", "--n", "200", "--out", simDir, "--json"}, want: exitOK},
		{args: []string{"dag", "fit", "--csv", x, "--method", "topo", "--truth", truth, "--w-out", wout, "--json"}, solver: true, iterates: true, want: -1},
		{args: []string{"dag", "--data", x, "--method", "dagma", "--max-iter", "5", "--T", "1", "--json"}, solver: true, iterates: true, want: exitNotConverge}, // deprecated --data
		{args: []string{"dag", "evaluate", "--truth", truth, "--est", wout, "--json"}, want: exitOK},
		{args: []string{"dag", "sweep", "--graphs", "er1", "--d", "5", "--variance", "equal", "--seeds", "1", "--methods", "topo", "--json"}, want: exitOK, save: sweep, keys: []string{"cells", "time_s"}},
		{args: []string{"dag", "plot", "--in", sweep, "--figure-out", filepath.Join(dir, "shd.svg"), "--json"}, want: exitOK, keys: []string{"files"}},
		{args: []string{"reproduce", "--only", "zz-contract", "--quiet", "--out", reproDir, "--json"}, want: exitOK},
		{args: []string{"reproduce", "merge", reproDir, "--json"}, want: exitOK},
	}
	for _, tc := range cases {
		name := strings.Join(tc.args, " ")
		t.Run(name, func(t *testing.T) {
			if tc.data {
				d := kktdata.Dir()
				if d == "" {
					t.Skip("KKT_DATA not set")
				}
				// The command resolves a relative KKT_DATA from its working
				// directory (cmd/kkt here); kktdata.Dir is absolute.
				t.Setenv("KKT_DATA", d)
				for i, a := range tc.args {
					if strings.HasPrefix(a, "libsvm") {
						tc.args[i] = kktdata.Require(t, a)
					}
				}
			}
			var out, errb bytes.Buffer
			st := runExtra(extra, tc.args, &out, &errb)
			s := out.String()
			if st == exitBadInput {
				t.Fatalf("exit 2: %s", errb.String())
			}
			if strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") {
				t.Fatalf("stdout is not one line: %q", s)
			}
			dec := json.NewDecoder(strings.NewReader(s))
			var got map[string]any
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("stdout is not one JSON object: %v\n%s", err, s)
			}
			if _, err := dec.Token(); err != io.EOF {
				t.Fatalf("more than one JSON value on stdout: %s", s)
			}
			if tc.save != "" {
				if err := os.WriteFile(tc.save, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			need := append([]string{}, tc.keys...)
			if tc.solver {
				need = append(need, "status", "time_s")
				if tc.iterates {
					need = append(need, "iterations")
				}
			}
			for _, k := range need {
				if _, ok := got[k]; !ok {
					t.Errorf("key %q missing: %s", k, s)
				}
			}
			if v, ok := got["status"]; ok {
				name, _ := v.(string)
				stat, err := solver.ParseStatus(name)
				if err != nil {
					t.Errorf("status %v is not a solver.Status name", v)
				}
				want := exitNotConverge
				if stat == solver.Converged {
					want = exitOK
				}
				if st != want {
					t.Errorf("status %s but exit %d", name, st)
				}
			} else if st != exitOK {
				t.Errorf("no status, exit %d (stderr %s)", st, errb.String())
			}
			if tc.want >= 0 && st != tc.want {
				t.Errorf("exit %d, want %d (status %v)", st, tc.want, got["status"])
			}
			if strings.Contains(name, "--maxiter") || strings.Contains(name, "--data") {
				if !strings.Contains(errb.String(), "deprecated") {
					t.Errorf("deprecated flag used without a note on stderr: %q", errb.String())
				}
			}
		})
	}
}

// kkt help CMD lists the flags of every subcommand; kkt help CMD SUB those
// of one.
func TestHelpListsSubcommandFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"help", "nlp"}, []string{"-grid", "-max-iter", "-x-out", "-sifdir", "-param"}},
		{[]string{"help", "cutest"}, []string{"-class", "-max-n", "-param", "-sifdir"}},
		{[]string{"help", "dag"}, []string{"-graph", "-csv", "-est", "-graphs", "-figure-out"}},
		{[]string{"help", "reproduce"}, []string{"-shard", "-strict", "kkt reproduce merge"}},
		{[]string{"help", "nlp", "solve"}, []string{"-x-out", "-max-iter"}},
		{[]string{"help", "linsolve"}, []string{"-max-iter", "-x-out"}},
	} {
		var out, errb bytes.Buffer
		if st := run(tc.args, &out, &errb); st != exitOK {
			t.Errorf("%v: exit %d (%s)", tc.args, st, errb.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%v: %q not in the help on stdout", tc.args, w)
			}
		}
	}
	// every command, and every subcommand it names, has help on stdout
	for name, c := range commands {
		for _, sub := range append([]string{""}, c.subs...) {
			args := []string{"help", name}
			if sub != "" {
				args = append(args, sub)
			}
			var out, errb bytes.Buffer
			if st := run(args, &out, &errb); st != exitOK || !strings.Contains(out.String(), "Usage") || errb.Len() > 0 {
				t.Errorf("%v: exit %d, stdout %q, stderr %q", args, st, out.String(), errb.String())
			}
		}
	}
}
