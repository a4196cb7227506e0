package dagrepro

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/dag"
)

func TestRunMethod(t *testing.T) {
	sim := dag.Simulate(rand.New(rand.NewPCG(3, 0)), dag.SimSettings{Graph: dag.ER, K: 1, D: 5, N: 400})
	ctx := context.Background()
	for _, m := range []string{"nope", "topo+topo", "dagma+topo+topo", "colide"} {
		if _, err := RunMethod(ctx, sim.X, m, dag.Settings{}, 1, nil); err == nil || !strings.Contains(err.Error(), "unknown method") {
			t.Errorf("%s: %v", m, err)
		}
	}
	if err := CheckMethods(Methods()); err != nil {
		t.Error(err)
	}
	if err := CheckMethods([]string{"topo", "dagma+topo", "topo+topo"}); err == nil || !strings.Contains(err.Error(), `"topo+topo"`) {
		t.Errorf("CheckMethods: %v", err)
	}
	// TOPO alone starts from TopoInit(seed, d) and equals dag.TOPO from it
	run, err := RunMethod(ctx, sim.X, "topo", dag.Settings{}, 9, nil)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := dag.TOPO(ctx, sim.X, TopoInit(9, 5), dag.TopoSettings{})
	if err != nil || !slices.Equal(run.Res.B.RawMatrix().Data, direct.B.RawMatrix().Data) || !math.IsNaN(run.StartLS) {
		t.Errorf("topo: %v, StartLS %v", err, run.StartLS)
	}
	if _, ls, _ := dag.RefitDAG(sim.X, run.Res.B); ls != run.LossB {
		t.Errorf("LossB %v, refit %v", run.LossB, ls)
	}
	// <m>+topo reuses the cached start: same iterations plus TOPO's, and
	// TOPO's loss is not above the refit loss of the starting DAG
	set := dag.Settings{WarmIter: 500, MaxIter: 1500}
	cache := map[string]*Run{}
	start, err := RunMethod(ctx, sim.X, "dagma", set, 1, cache)
	if err != nil {
		t.Fatal(err)
	}
	post, err := RunMethod(ctx, sim.X, "dagma+topo", set, 1, cache)
	if err != nil {
		t.Fatal(err)
	}
	if cache["dagma"] != start || cache["dagma+topo"] != post || post.Time < start.Time {
		t.Error("cache not used")
	}
	if _, ls, _ := dag.RefitDAG(sim.X, start.Res.B); post.StartLS != ls || !(post.Res.Score <= post.StartLS) {
		t.Errorf("StartLS %v (refit %v), TOPO score %v", post.StartLS, ls, post.Res.Score)
	}
	if post.Res.Iterations <= start.Res.Iterations || !dag.IsDAG(post.Res.B) {
		t.Errorf("iterations %d after %d", post.Res.Iterations, start.Res.Iterations)
	}
}

func TestFilesAndNames(t *testing.T) {
	dir := t.TempDir()
	sim := dag.Simulate(rand.New(rand.NewPCG(2, 0)), dag.SimSettings{Graph: dag.ER, K: 1, D: 4, N: 50})
	xp, bp, err := WriteSim(filepath.Join(dir, "sim"), sim)
	if err != nil {
		t.Fatal(err)
	}
	X, hx, err := ReadCSVFile(xp)
	if err != nil || !slices.Equal(hx, []string{"x0", "x1", "x2", "x3"}) || !slices.Equal(X.RawMatrix().Data, sim.X.RawMatrix().Data) {
		t.Fatalf("X round trip: %v %v", hx, err)
	}
	// LoadTruth: by name, after reordering the truth's header and rows
	B, match, note, err := LoadTruth(bp, hx, 4)
	if err != nil || match != dag.ByName || note != "" || !slices.Equal(B.RawMatrix().Data, sim.W.RawMatrix().Data) {
		t.Fatalf("LoadTruth: %v %q %q", err, match, note)
	}
	if _, _, _, err := LoadTruth(bp, hx, 5); err == nil || !strings.Contains(err.Error(), "truth is 4×4, data has 5 columns") {
		t.Errorf("wrong size: %v", err)
	}
	if _, _, _, err := LoadTruth(filepath.Join(dir, "none.csv"), hx, 4); err == nil || !strings.Contains(err.Error(), "none.csv") {
		t.Errorf("missing file: %v", err)
	}
	h := []string{"a", "b", "c"}
	if err := Rename(h, "a=A, c = C"); err != nil || !slices.Equal(h, []string{"A", "b", "C"}) {
		t.Errorf("Rename: %v %v", h, err)
	}
	if err := Rename(h, "z=Z"); err == nil || !strings.Contains(err.Error(), `no data column "z" (columns: A, b, C)`) {
		t.Errorf("Rename unknown: %v", err)
	}
	if err := Rename(h, "A"); err == nil {
		t.Error("Rename without = accepted")
	}
	if _, err := os.Stat(filepath.Join(dir, "sim", "B_true.csv")); err != nil {
		t.Error(err)
	}
}
