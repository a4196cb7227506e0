package repro

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
)

// Merge validation.
//
// Every unit file a shard writes carries the identity of its run (RunInfo):
// --full, --seed, whether a data directory was used, the selected
// experiments, the number of shards and a hash of the kkt binary.
// 'kkt reproduce merge' accepts the units only when
//
//   - every unit has a run identity and all identities are equal (one run:
//     same flags, seed, data presence and binary);
//   - every selected experiment is present with all of its units 0..U−1,
//     each unit's count U agreeing, and no unit of an unselected experiment;
//   - every value is in its schema's range: rows have an experiment and a
//     metric and finite numbers (null stands for "not available"); in the
//     raw unit data no list of records (objects) holds null and no array is
//     [null] (a null beside arrays or numbers is an empty slice or a number
//     that is not available), and fields named after a metric
//     obey its range — SHD, counts, iterations, seconds and times ≥ 0,
//     TPR, FDR, FPR and accuracies in [0, 1] — and no number exceeds 1e300
//     in magnitude.
//
// Anything else is exit 2 with a message naming the unit file and the
// experiment/unit.

// RunInfo identifies the run that produced a unit.
type RunInfo struct {
	Full        bool     `json:"full"`
	Seed        uint64   `json:"seed"`
	Data        bool     `json:"data"`
	Experiments []string `json:"experiments"`
	Shards      int      `json:"shards"`
	Binary      string   `json:"binary"`
}

func (a *RunInfo) diff(b *RunInfo) string {
	switch {
	case a.Full != b.Full:
		return fmt.Sprintf("--full=%v vs --full=%v", a.Full, b.Full)
	case a.Seed != b.Seed:
		return fmt.Sprintf("--seed=%d vs --seed=%d", a.Seed, b.Seed)
	case a.Data != b.Data:
		return fmt.Sprintf("data directory present=%v vs %v", a.Data, b.Data)
	case !slices.Equal(a.Experiments, b.Experiments):
		return fmt.Sprintf("experiments %v vs %v", a.Experiments, b.Experiments)
	case a.Shards != b.Shards:
		return fmt.Sprintf("%d shards vs %d", a.Shards, b.Shards)
	case a.Binary != b.Binary:
		return fmt.Sprintf("kkt binary %s vs %s", a.Binary, b.Binary)
	}
	return ""
}

var (
	binaryHashOnce sync.Once
	binaryHash     string
)

// selfHash returns the first 16 hex digits of the SHA-256 of the running
// executable ("unknown" when it cannot be read).
func selfHash() string {
	binaryHashOnce.Do(func() {
		binaryHash = "unknown"
		p, err := os.Executable()
		if err != nil {
			return
		}
		f, err := os.Open(p)
		if err != nil {
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err == nil {
			binaryHash = hex.EncodeToString(h.Sum(nil))[:16]
		}
	})
	return binaryHash
}

func NewRunInfo(env *Env, selected []*Experiment, shards int) *RunInfo {
	ri := &RunInfo{Full: env.Full, Seed: env.Seed, Data: env.DataDir != "", Shards: shards, Binary: selfHash()}
	for _, e := range selected {
		ri.Experiments = append(ri.Experiments, e.Name)
	}
	return ri
}

// MergeUnit is a unit read back with the file it came from.
type MergeUnit struct {
	File string
	R    *UnitResult
}

// ValidateMerge checks the units of one merge (see above) and returns the
// first problem found.
func ValidateMerge(units []MergeUnit) error {
	if len(units) == 0 {
		return fmt.Errorf("no units")
	}
	var ref *RunInfo
	var refFile string
	type expUnits struct {
		U    int
		seen map[int]string
	}
	exps := map[string]*expUnits{}
	for _, mu := range units {
		r, f := mu.R, mu.File
		label := fmt.Sprintf("%s (%s unit %d)", f, r.Experiment, r.Unit)
		if r.Run == nil {
			return fmt.Errorf("%s: no run identity (written by an older kkt or not by kkt reproduce --shard); re-run the shard", label)
		}
		if ref == nil {
			ref, refFile = r.Run, f
		} else if d := ref.diff(r.Run); d != "" {
			return fmt.Errorf("%s is from a different run than %s: %s", label, refFile, d)
		}
		if r.Full != r.Run.Full || r.Seed != r.Run.Seed {
			return fmt.Errorf("%s: --full/--seed disagree with its run identity", label)
		}
		if !slices.Contains(r.Run.Experiments, r.Experiment) {
			return fmt.Errorf("%s: experiment %q was not selected in its run %v", label, r.Experiment, r.Run.Experiments)
		}
		if r.Units < 1 || r.Unit < 0 || r.Unit >= r.Units {
			return fmt.Errorf("%s: unit %d of %d out of range", label, r.Unit, r.Units)
		}
		eu := exps[r.Experiment]
		if eu == nil {
			eu = &expUnits{U: r.Units, seen: map[int]string{}}
			exps[r.Experiment] = eu
		}
		if r.Units != eu.U {
			return fmt.Errorf("%s: the experiment has %d units here and %d in other files", label, r.Units, eu.U)
		}
		eu.seen[r.Unit] = f
		if !(r.Seconds >= 0 && r.Seconds < 1e300) {
			return fmt.Errorf("%s: seconds = %v out of range", label, r.Seconds)
		}
		for k, Row := range r.Rows {
			if err := checkRow(Row); err != nil {
				return fmt.Errorf("%s: row %d: %v", label, k, err)
			}
		}
		if len(r.Data) > 0 {
			var v any
			dec := json.NewDecoder(bytes.NewReader(r.Data))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				return fmt.Errorf("%s: data: %v", label, err)
			}
			if err := checkValue(v, "data", ""); err != nil {
				return fmt.Errorf("%s: %v", label, err)
			}
		}
	}
	for _, name := range ref.Experiments {
		eu := exps[name]
		if eu == nil {
			return fmt.Errorf("experiment %s is missing: no unit file of it among the shards (run %v)", name, ref.Experiments)
		}
		var missing []int
		for u := 0; u < eu.U; u++ {
			if _, ok := eu.seen[u]; !ok {
				missing = append(missing, u)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("experiment %s: units %v of %d are missing", name, missing, eu.U)
		}
	}
	return nil
}

func checkRow(r Row) error {
	if r.Experiment == "" || r.Metric == "" {
		return fmt.Errorf("no experiment or metric")
	}
	for _, x := range []float64{r.Value, r.Paper, r.Ratio} {
		if math.IsInf(x, 0) || math.Abs(x) > 1e300 {
			return fmt.Errorf("%s: value %v out of range", r.Metric, x)
		}
	}
	return nil
}

// metricRange returns the allowed range of a field by its name.
func metricRange(key string) (lo, hi float64, ok bool) {
	k := strings.ToLower(key)
	switch {
	case k == "tpr" || k == "fdr" || k == "fpr" || strings.Contains(k, "accuracy"):
		return 0, 1, true
	case strings.Contains(k, "shd") || k == "nnz" || k == "edges" || strings.Contains(k, "iter") ||
		strings.Contains(k, "seconds") || strings.HasPrefix(k, "time") || strings.HasPrefix(k, "sec") ||
		strings.HasSuffix(k, "count") || k == "n" || k == "d" || k == "m":
		return 0, math.Inf(1), true
	}
	return 0, 0, false
}

func checkValue(v any, path, key string) error {
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if err := checkValue(x[k], path+"."+k, k); err != nil {
				return err
			}
		}
	case []any:
		// A list of records (objects) holds no null, and [null] is no
		// list; a null beside arrays or numbers is an empty slice or a
		// number that is not available (e.g. [2][]float64 with one nil).
		records := len(x) == 1
		for _, e := range x {
			if _, ok := e.(map[string]any); ok {
				records = true
			}
		}
		for i, e := range x {
			if e == nil && records {
				return fmt.Errorf("%s[%d] is null", path, i)
			}
			if err := checkValue(e, fmt.Sprintf("%s[%d]", path, i), key); err != nil {
				return err
			}
		}
	case json.Number:
		f, err := x.Float64()
		if err != nil || math.IsInf(f, 0) || math.Abs(f) > 1e300 {
			return fmt.Errorf("%s = %s out of range", path, x)
		}
		if lo, hi, ok := metricRange(key); ok && !(f >= lo && f <= hi) {
			return fmt.Errorf("%s = %s outside [%g, %g]", path, x, lo, hi)
		}
	}
	return nil
}

// OutputError marks a failure to write an output file (exit 2, reported
// on stderr where it happens).
// OutputError is an error writing an output file (exit 2, not 1).
type OutputError struct{ Err error }

func (e OutputError) Error() string { return e.Err.Error() }
func (e OutputError) Unwrap() error { return e.Err }
