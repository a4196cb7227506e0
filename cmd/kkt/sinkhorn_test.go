package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/sinkhorn"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runOTArgs(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	st := run(append([]string{"ot"}, args...), &out, &errb)
	return st, out.String(), errb.String()
}

func TestOTCommandCSV(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", "0.5\n0.25\n0.25\n")
	b := writeFile(t, dir, "b.csv", "0.25,0.25,0.5\n")
	c := writeFile(t, dir, "c.csv", "0,1,2\n1,0,1\n2,1,0\n")
	plan := filepath.Join(dir, "p.csv")
	for _, method := range []string{"sinkhorn", "sinkhorn-log", "sns"} {
		st, out, errs := runOTArgs("--a", a, "--b", b, "--cost", c, "--eta", "20", "--tol", "1e-12", "--method", method, "--plan-out", plan, "--json")
		if st != exitOK {
			t.Fatalf("%s: exit %d: %s", method, st, errs)
		}
		var res map[string]any
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%s: stdout is not one JSON object: %v\n%s", method, err, out)
		}
		for _, k := range []string{"status", "iterations", "newton_iterations", "marginal_error", "cost", "time_s"} {
			if _, ok := res[k]; !ok {
				t.Errorf("%s: JSON lacks %q", method, k)
			}
		}
		if res["status"] != "Converged" || res["marginal_error"].(float64) > 1e-12 {
			t.Errorf("%s: %v", method, res)
		}
		p, err := os.Open(plan)
		if err != nil {
			t.Fatal(err)
		}
		pm, err := sinkhorn.ReadCSV(p, plan)
		p.Close()
		if err != nil {
			t.Fatal(err)
		}
		var cost float64
		cm := [][]float64{{0, 1, 2}, {1, 0, 1}, {2, 1, 0}}
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				cost += cm[i][j] * pm.At(i, j)
			}
		}
		if math.Abs(cost-res["cost"].(float64)) > 1e-15 {
			t.Errorf("%s: plan file cost %v, reported %v", method, cost, res["cost"])
		}
	}
	// top-k plan as triplets
	st, _, errs := runOTArgs("--a", a, "--b", b, "--cost", c, "--eps", "0.05", "--plan-out", plan, "--topk", "4")
	if st != exitOK {
		t.Fatal(errs)
	}
	text, _ := os.ReadFile(plan)
	if lines := strings.Count(string(text), "\n"); lines != 5 {
		t.Errorf("top-4 plan has %d lines:\n%s", lines, text)
	}
}

func TestOTCommandErrors(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", "0.5\n0\n0.5\n")
	b := writeFile(t, dir, "b.csv", "0.25,0.25,0.5\n")
	c := writeFile(t, dir, "c.csv", "0,1,2\n1,0,1\n2,1,0\n")
	bad := writeFile(t, dir, "bad.csv", "0,1,2\n1,x,1\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--a", a, "--b", b, "--cost", c, "--eta", "10"}, "a[1] = 0"}, // entropic: zero mass is an error
		{[]string{"--a", a, "--b", b, "--cost", c, "--method", "emd", "--eta", "10"}, "drop --eta"},
		{[]string{"--a", a, "--b", b, "--cost", bad}, "bad.csv:2"},
		{[]string{"--a", a, "--b", b}, "exactly one of"},
		{[]string{"--random", "5", "--method", "newton"}, "unknown --method"},
		{[]string{"--random", "5", "--eta", "3", "--eps", "0.1"}, "not both"},
	} {
		st, _, errs := runOTArgs(tc.args...)
		if st != exitBadInput || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want exit 2 mentioning %q", tc.args, st, errs, tc.want)
		}
	}
	// zero entries removed on request and reported
	st, out, errs := runOTArgs("--a", a, "--b", b, "--cost", c, "--eta", "10", "--drop-zeros", "--json")
	if st != exitOK || !strings.Contains(out, `"dropped_a":1`) {
		t.Errorf("--drop-zeros: exit %d %s %s", st, out, errs)
	}
	// not converged: exit 1
	st, _, _ = runOTArgs("--random", "30", "--eta", "1200", "--method", "sinkhorn-log", "--max-iter", "3")
	if st != exitNotConverge {
		t.Errorf("capped run: exit %d, want 1", st)
	}
}

func TestOTCommandPointsImagesMNIST(t *testing.T) {
	dir := t.TempDir()
	x := writeFile(t, dir, "x.csv", "0,0\n1,0\n0,1\n")
	y := writeFile(t, dir, "y.csv", "0.5,0.5\n1,1\n")
	a := writeFile(t, dir, "a.csv", "0.4 0.3 0.3\n")
	b := writeFile(t, dir, "b.csv", "0.5 0.5\n")
	if st, _, errs := runOTArgs("--a", a, "--b", b, "--x", x, "--y", y, "--metric", "l1", "--eta", "50"); st != exitOK {
		t.Errorf("points: %s", errs)
	}
	ia := writeFile(t, dir, "ia.csv", "0 1 0\n1 2 1\n0 1 0\n")
	ib := writeFile(t, dir, "ib.csv", "1 0 0\n0 0 0\n0 0 3\n")
	if st, _, errs := runOTArgs("--image-a", ia, "--image-b", ib, "--eta", "50", "--floor", "0.01"); st != exitOK {
		t.Errorf("images: %s", errs)
	}
	if st, _, errs := runOTArgs("--image-a", ia, "--image-b", ib, "--eta", "50"); st != exitBadInput || !strings.Contains(errs, "= 0") {
		t.Errorf("images with zero pixels: exit %d %s", st, errs)
	}
	data := kktdata.Require(t, "mnist")
	st, out, errs := runOTArgs("--mnist", "0,1", "--data", filepath.Dir(data), "--floor", "1e-3", "--eta", "10", "--method", "sinkhorn", "--tol", "1e-8", "--json")
	if st != exitOK || !strings.Contains(out, `"n":784`) {
		t.Errorf("mnist: exit %d %s %s", st, out, errs)
	}
	// without convention flags --mnist uses the reproduce instance; with
	// --floor 0 the zero pixels must be dropped explicitly
	st, out, errs = runOTArgs("--mnist", "0,1", "--data", filepath.Dir(data), "--eta", "10", "--method", "sinkhorn", "--tol", "1e-8", "--json")
	if st != exitOK || !strings.Contains(out, sinkhorn.MNISTConvention().String()) {
		t.Errorf("mnist default convention: exit %d %s %s", st, out, errs)
	}
	if st, _, errs = runOTArgs("--mnist", "0,1", "--data", filepath.Dir(data), "--floor", "0", "--eta", "10"); st != exitBadInput || !strings.Contains(errs, "= 0") {
		t.Errorf("mnist --floor 0: exit %d %s", st, errs)
	}
	st, out, errs = runOTArgs("--mnist", "0,1", "--data", filepath.Dir(data), "--floor", "0", "--drop-zeros", "--grid", "pixel", "--normalize",
		"--eta", "10", "--method", "sns", "--sparsity", "4/n", "--tol", "1e-8", "--json")
	if st != exitOK || !strings.Contains(out, `"dropped_a":668`) || !strings.Contains(out, "pixel grid, cost/max, no floor") {
		t.Errorf("mnist dropped zeros: exit %d %s %s", st, out, errs)
	}
}

func TestOTCommandEMD(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", "0.5\n0\n0.5\n")
	b := writeFile(t, dir, "b.csv", "0.25,0.25,0.5\n")
	c := writeFile(t, dir, "c.csv", "0,1,2\n1,0,1\n2,1,0\n")
	plan := filepath.Join(dir, "p.csv")
	// no --eta/--eps: the exact solver; zero masses are allowed
	st, out, errs := runOTArgs("--a", a, "--b", b, "--cost", c, "--plan-out", plan, "--json")
	if st != exitOK {
		t.Fatalf("exit %d: %s", st, errs)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	// optimal: row 0 sends 0.25 to columns 0 and 1, row 2 sends 0.5 to column 2
	if res["method"] != "emd" || res["status"] != "Converged" || math.Abs(res["cost"].(float64)-0.25) > 1e-15 ||
		math.Abs(res["dual"].(float64)-0.25) > 1e-15 || res["dropped_a"].(float64) != 1 {
		t.Errorf("%v", res)
	}
	text, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(text), "\n"); lines != 4 { // comment + 3 nonzeros
		t.Errorf("plan file:\n%s", text)
	}
}
