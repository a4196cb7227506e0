package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
	dagrepro "github.com/kkt-go/kkt/internal/repro/dag"
)

func TestDagSimulateFitEvaluate(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if st := run([]string{"dag", "simulate", "--graph", "sf", "--k", "2", "--d", "6", "--n", "500", "--noise", "gumbel",
		"--variance", "equal", "--seed", "3", "--out", dir}, &out, &errb); st != exitOK {
		t.Fatalf("simulate: status %d, %s", st, errb.String())
	}
	x, b := filepath.Join(dir, "X.csv"), filepath.Join(dir, "B_true.csv")
	for _, m := range []string{"topo", "colide-ev", "colide-ev+topo"} {
		out.Reset()
		errb.Reset()
		w := filepath.Join(dir, "W_"+m+".csv")
		st := run([]string{"dag", "--data", x, "--method", m, "--truth", b, "--w-out", w, "--json"}, &out, &errb)
		if st != exitOK && st != exitNotConverge {
			t.Fatalf("%s: status %d: %s", m, st, errb.String())
		}
		var js map[string]any
		if err := json.Unmarshal(out.Bytes(), &js); err != nil {
			t.Fatalf("%s: stdout is not one JSON object: %v\n%s", m, err, out.String())
		}
		for _, k := range []string{"status", "edges", "score", "time_s", "shd", "tpr", "fdr"} {
			if _, ok := js[k]; !ok {
				t.Errorf("%s: JSON lacks %q", m, k)
			}
		}
		if js["acyclic"] != true {
			t.Errorf("%s: output not acyclic", m)
		}
		// evaluate agrees with the fit's SHD
		out.Reset()
		if st := run([]string{"dag", "evaluate", "--truth", b, "--est", w, "--json"}, &out, &errb); st != exitOK {
			t.Fatalf("evaluate: %d %s", st, errb.String())
		}
		var ev map[string]any
		if err := json.Unmarshal(out.Bytes(), &ev); err != nil || ev["shd"] != js["shd"] {
			t.Errorf("%s: evaluate SHD %v vs fit %v (%v)", m, ev["shd"], js["shd"], err)
		}
	}
}

func TestDagBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a,b,c\n1,2,3\n4,5\n"), 0o644)
	nonnum := filepath.Join(dir, "nonnum.csv")
	os.WriteFile(nonnum, []byte("1,2,3\n4,oops,6\n"), 0o644)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"dag", "--data", bad}, "bad.csv:3: ragged row"},
		{[]string{"dag", "--data", nonnum}, "nonnum.csv:2: column 2: not a number"},
		{[]string{"dag", "--data", nonnum, "--method", "nope"}, "nonnum.csv:2"},
		{[]string{"dag"}, "--csv is required"},
		{[]string{"dag", "simulate", "--graph", "xx", "--out", dir}, "unknown graph"},
		{[]string{"dag", "frobnicate"}, "unknown subcommand"},
	} {
		var out, errb bytes.Buffer
		if st := run(tc.args, &out, &errb); st != exitBadInput || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: status %d, stderr %q, want %q", tc.args, st, errb.String(), tc.msg)
		}
	}
}

func TestDagExperimentRegistered(t *testing.T) {
	for _, e := range experimentList() {
		if e.Name == "dag" && e.Order == 60 {
			return
		}
	}
	t.Fatal("experiment dag not registered")
}

func TestDagSweepSmall(t *testing.T) {
	var out, errb bytes.Buffer
	if st := run([]string{"dag", "sweep", "--graphs", "er2", "--d", "6", "--variance", "equal", "--seeds", "2",
		"--methods", "topo", "--json", "--quiet"}, &out, &errb); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	var sweep struct {
		Cells []*dagrepro.Stat `json:"cells"`
	}
	err := json.Unmarshal(out.Bytes(), &sweep)
	stats := sweep.Cells
	if err != nil || len(stats) != 1 || len(stats[0].SHD) != 2 {
		t.Fatalf("sweep JSON: %v %s", err, out.String())
	}
	dir := t.TempDir()
	js := filepath.Join(dir, "s.json")
	os.WriteFile(js, out.Bytes(), 0o644)
	out.Reset()
	if st := run([]string{"dag", "plot", "--in", js, "--out", filepath.Join(dir, "f.svg")}, &out, &errb); st != exitOK {
		t.Fatalf("plot: %d %s", st, errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "f-er2-ev.svg")); err != nil {
		t.Fatal(err)
	}
	// the bare array of older sweep files is still read
	arr, _ := json.Marshal(stats)
	os.WriteFile(js, arr, 0o644)
	if st := run([]string{"dag", "plot", "--in", js, "--figure-out", filepath.Join(dir, "g.svg")}, &out, &errb); st != exitOK {
		t.Fatalf("plot of an array file: %d %s", st, errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "g-er2-ev.svg")); err != nil {
		t.Fatal(err)
	}
}

// Sachs (853 observational samples, 17-edge consensus graph): TOPO from a
// random order on the raw data reaches the published SHD range (≤ 16).
func TestDagSachsTOPO(t *testing.T) {
	x := kktdata.Require(t, "sachs/conditions/1_cd3cd28_n854.csv")
	b := kktdata.Require(t, "sachs/sachs_bnlearn_adjmat_17edges.csv")
	var out, errb bytes.Buffer
	if st := run([]string{"dag", "--data", x, "--truth", b, "--method", "topo", "--json"}, &out, &errb); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	var js map[string]any
	if err := json.Unmarshal(out.Bytes(), &js); err != nil {
		t.Fatal(err)
	}
	if js["n"].(float64) != 853 || js["d"].(float64) != 11 {
		t.Fatalf("Sachs is %v×%v", js["n"], js["d"])
	}
	if shd := js["shd"].(float64); shd > 16 {
		t.Errorf("Sachs TOPO SHD %v > 16", shd)
	}
}

// --truth with a header is matched to the data's columns by name (a
// permuted truth gives the same SHD; different names are an error); a
// headerless truth is matched by position with a note; a two-column edge
// list of names is read as the graph.
func TestDagTruthMatching(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// estimate: a → b, b → c
	est := write("W.csv", "a,b,c\n0,1,0\n0,0,0.7\n0,0,0\n")
	cases := []struct {
		name, truth string
		status      int
		shd         float64
		match       string
	}{
		{"same order", "a,b,c\n0,1,0\n0,0,1\n0,0,0\n", exitOK, 0, "name"},
		// the same graph with the nodes listed as c, a, b
		{"permuted", "c,a,b\n0,0,0\n0,0,1\n1,0,0\n", exitOK, 0, "name"},
		// by position the permuted matrix would be a different graph
		{"headerless permuted", "0,0,0\n0,0,1\n1,0,0\n", exitOK, 2, "position"},
		{"edge list", "\"Cause\",\"Effect\"\n\"b\",\"c\"\n\"a\",\"b\"\n", exitOK, 0, "name"},
		{"names differ", "a,b,x\n0,1,0\n0,0,1\n0,0,0\n", exitBadInput, 0, ""},
		{"edge list unknown node", "Cause,Effect\na,z\n", exitBadInput, 0, ""},
	}
	for i, c := range cases {
		tp := write(fmt.Sprintf("B%d.csv", i), c.truth)
		var out, errb bytes.Buffer
		st := run([]string{"dag", "evaluate", "--truth", tp, "--est", est, "--json"}, &out, &errb)
		if st != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, st, c.status, errb.String())
			continue
		}
		if st != exitOK {
			if !strings.Contains(errb.String(), tp) {
				t.Errorf("%s: error does not name the file: %s", c.name, errb.String())
			}
			continue
		}
		var js map[string]any
		if err := json.Unmarshal(out.Bytes(), &js); err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, out.String())
		}
		if js["shd"] != c.shd || js["truth_match"] != c.match {
			t.Errorf("%s: shd %v, matched by %v; want %v by %v", c.name, js["shd"], js["truth_match"], c.shd, c.match)
		}
		if c.match == "position" && (js["truth_note"] == nil || !strings.Contains(errb.String(), "position")) {
			t.Errorf("%s: no note about the positional match (stderr %q)", c.name, errb.String())
		}
	}
}

// The fitting command matches --truth by name too, after --rename.
func TestDagFitTruthByName(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if st := run([]string{"dag", "simulate", "--graph", "er", "--k", "1", "--d", "5", "--n", "400", "--seed", "2", "--out", dir}, &out, &errb); st != exitOK {
		t.Fatalf("simulate: %d %s", st, errb.String())
	}
	x, b := filepath.Join(dir, "X.csv"), filepath.Join(dir, "B_true.csv")
	fit := func(args ...string) map[string]any {
		out.Reset()
		errb.Reset()
		st := run(append([]string{"dag", "--data", x, "--method", "topo", "--json"}, args...), &out, &errb)
		if st != exitOK && st != exitNotConverge {
			t.Fatalf("%v: status %d: %s", args, st, errb.String())
		}
		var js map[string]any
		if err := json.Unmarshal(out.Bytes(), &js); err != nil {
			t.Fatal(err)
		}
		return js
	}
	ref := fit("--truth", b)
	// reverse the truth's node order (rows, columns and header)
	raw, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	rev := func(s string) string {
		f := strings.Split(s, ",")
		slices.Reverse(f)
		return strings.Join(f, ",")
	}
	rl := []string{rev(lines[0])}
	for i := len(lines) - 1; i >= 1; i-- {
		rl = append(rl, rev(lines[i]))
	}
	pb := filepath.Join(dir, "B_rev.csv")
	os.WriteFile(pb, []byte(strings.Join(rl, "\n")+"\n"), 0o644)
	got := fit("--truth", pb)
	if got["shd"] != ref["shd"] || got["truth_match"] != "name" {
		t.Errorf("reversed truth: shd %v by %v, want %v by name", got["shd"], got["truth_match"], ref["shd"])
	}
	// renaming a data column breaks the match unless the truth is renamed too
	out.Reset()
	errb.Reset()
	if st := run([]string{"dag", "--data", x, "--method", "topo", "--truth", pb, "--rename", "x1=foo"}, &out, &errb); st != exitBadInput ||
		!strings.Contains(errb.String(), "names differ") {
		t.Errorf("renamed column: status %d, stderr %q", st, errb.String())
	}
}
