package dagrepro

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kkt-go/kkt/dag"
	"github.com/kkt-go/kkt/internal/atomicfile"
	"gonum.org/v1/gonum/mat"
)

// Methods are the methods of the experiment (and of its Sachs units), in
// the order they run.
func Methods() []string {
	return []string{"dagma", "colide-ev", "colide-nv", "topo", "colide-ev+topo"}
}

// Run is the outcome of one method on one data set.
type Run struct {
	Method  string
	Res     *dag.Result
	Time    time.Duration // wall time, including a cached starting fit
	LossB   float64       // least-squares loss of the output DAG refitted on its edges (NaN when the refit fails)
	StartLS float64       // TOPO post-processing: refit loss of the starting DAG (NaN otherwise)
}

// TopoInit is the random initial order TOPO alone starts from for seed.
func TopoInit(seed uint64, d int) []int { return rand.New(rand.NewPCG(seed, 1)).Perm(d) }

// RunMethod runs method on X: "dagma", "colide-ev", "colide-nv" (dag.Fit
// with set), "topo" (dag.TOPO from TopoInit(seed, d)) or "<m>+topo" for a
// path method m (dag.TOPOFromDAG from m's DAG; the iterations of both are
// summed). Only set.Threshold reaches TOPO. For "<m>+topo", cache may hold an
// earlier run of m on the same data, which is then post-processed instead of
// refitted (its time counts); every run is stored in cache when it is not
// nil.
func RunMethod(ctx context.Context, X *mat.Dense, method string, set dag.Settings, seed uint64, cache map[string]*Run) (*Run, error) {
	t0 := time.Now()
	base, post := strings.CutSuffix(method, "+topo")
	run := &Run{Method: method, StartLS: math.NaN()}
	_, d := X.Dims()
	tset := dag.TopoSettings{Threshold: set.Threshold}
	var err error
	var extra time.Duration
	switch base {
	case "topo":
		if post {
			return nil, fmt.Errorf("unknown method %q", method)
		}
		run.Res, err = dag.TOPO(ctx, X, TopoInit(seed, d), tset)
	case "dagma", "colide-ev", "colide-nv":
		m := map[string]dag.Method{"dagma": dag.DAGMA, "colide-ev": dag.CoLiDEEV, "colide-nv": dag.CoLiDENV}[base]
		var start *dag.Result
		if c, ok := cache[base]; ok && post {
			start, extra = c.Res, c.Time
		} else {
			start, err = dag.Fit(ctx, X, m, set)
		}
		run.Res = start
		if err == nil && post {
			if _, run.StartLS, err = dag.RefitDAG(X, start.B); err == nil {
				run.Res, err = dag.TOPOFromDAG(ctx, X, start.B, tset)
				if err == nil {
					run.Res.Iterations += start.Iterations
				}
			}
		}
	default:
		return nil, fmt.Errorf("unknown method %q (dagma, colide-ev, colide-nv, topo, or <method>+topo)", method)
	}
	if err != nil {
		return nil, err
	}
	run.Time = time.Since(t0) + extra
	if _, run.LossB, err = dag.RefitDAG(X, run.Res.B); err != nil {
		run.LossB = math.NaN()
	}
	if cache != nil {
		cache[method] = run
	}
	return run, nil
}

// CheckMethods returns an error naming the first entry of methods that
// RunMethod does not know.
func CheckMethods(methods []string) error {
	for _, m := range methods {
		b, _ := strings.CutSuffix(m, "+topo")
		if b != "dagma" && b != "colide-ev" && b != "colide-nv" && m != "topo" {
			return fmt.Errorf("unknown method %q", m)
		}
	}
	return nil
}

// ColumnNames returns the default column names x0, x1, …, x(d−1).
func ColumnNames(d int) []string {
	h := make([]string, d)
	for j := range h {
		h[j] = "x" + strconv.Itoa(j)
	}
	return h
}

// ReadCSVFile reads the numeric CSV file path with dag.ReadCSV.
func ReadCSVFile(path string) (*mat.Dense, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return dag.ReadCSV(f, path)
}

// WriteCSVFile writes m (with header when it is not nil) to path atomically
// with dag.WriteCSV.
func WriteCSVFile(path string, m mat.Matrix, header []string) error {
	return atomicfile.Write(path, func(w io.Writer) error { return dag.WriteCSV(w, m, header) })
}

// ReadTruthFile reads the ground-truth file path with dag.ReadTruth, an
// edge list's nodes named by names.
func ReadTruthFile(path string, names []string) (*mat.Dense, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return dag.ReadTruth(f, path, names)
}

// WriteSim creates dir and writes sim's data to dir/X.csv and its true
// weights to dir/B_true.csv, both with the header ColumnNames(d).
func WriteSim(dir string, sim *dag.Sim) (xPath, bPath string, err error) {
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	_, d := sim.X.Dims()
	names := ColumnNames(d)
	xPath, bPath = filepath.Join(dir, "X.csv"), filepath.Join(dir, "B_true.csv")
	if err = WriteCSVFile(xPath, sim.X, names); err == nil {
		err = WriteCSVFile(bPath, sim.W, names)
	}
	return xPath, bPath, err
}

// Rename renames columns of header in place by spec, a comma-separated
// list OLD=NEW; an error names a pair whose OLD is not a column.
func Rename(header []string, spec string) error {
	for _, pair := range strings.Split(spec, ",") {
		old, nw, ok := strings.Cut(pair, "=")
		found := false
		for j, v := range header {
			if ok && v == strings.TrimSpace(old) {
				header[j], found = strings.TrimSpace(nw), true
			}
		}
		if !found {
			return fmt.Errorf("--rename %q: no data column %q (columns: %s)", pair, old, strings.Join(header, ", "))
		}
	}
	return nil
}

// LoadTruth reads the ground-truth file path (ReadTruthFile, an edge list's
// nodes named by names), checks that it is d×d and aligns it with the data's
// columns names (dag.AlignTruth: by name when both have names, else by
// position with a note saying so).
func LoadTruth(path string, names []string, d int) (*mat.Dense, dag.NodeMatch, string, error) {
	B, tn, err := ReadTruthFile(path, names)
	if err != nil {
		return nil, "", "", err
	}
	if r, c := B.Dims(); r != d || c != d {
		return nil, "", "", fmt.Errorf("%s: truth is %d×%d, data has %d columns", path, r, c, d)
	}
	return dag.AlignTruth(B, tn, names, path)
}
