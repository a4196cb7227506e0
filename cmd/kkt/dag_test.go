package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
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
		{[]string{"dag"}, "--data is required"},
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
	for _, e := range experiments {
		if e.name == "dag" && e.order == 60 {
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
	var stats []*dagStat
	if err := json.Unmarshal(out.Bytes(), &stats); err != nil || len(stats) != 1 || len(stats[0].SHD) != 2 {
		t.Fatalf("sweep JSON: %v %s", err, out.String())
	}
	rows := dagStatRows(stats)
	if len(rows) == 0 || rows[0].Experiment != "dag" {
		t.Fatal("no rows")
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
