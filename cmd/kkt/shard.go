package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kkt-go/kkt/internal/repro"
)

// runMerge implements `kkt reproduce merge DIR...`.
func runMerge(experiments []*repro.Experiment, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("reproduce merge", "[--out DIR] [--json] SHARD_DIR...", stderr)
	out := fs.String("out", "", "directory for the merged CSV, JSON and figures")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	data := fs.String("data", defaultDataDir(), "data directory (for experiments that re-read data when summarizing)")
	if st, done := parsePositional(fs, args); done {
		return st
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "kkt reproduce merge: give the output directories of the shards")
		return exitBadInput
	}
	var results []*repro.UnitResult
	var units []repro.MergeUnit
	seen := map[string]bool{}
	var full *bool
	var seed *uint64
	for _, dir := range fs.Args() {
		files, err := filepath.Glob(filepath.Join(dir, "units", "*.json"))
		if err != nil || len(files) == 0 {
			fmt.Fprintf(stderr, "kkt reproduce merge: no shard results in %s/units\n", dir)
			return exitBadInput
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				fmt.Fprintf(stderr, "kkt reproduce merge: %v\n", err)
				return exitBadInput
			}
			var r repro.UnitResult
			if err := json.Unmarshal(b, &r); err == nil {
				units = append(units, repro.MergeUnit{File: f, R: &r})
			}
			if err := json.Unmarshal(b, &r); err != nil {
				fmt.Fprintf(stderr, "kkt reproduce merge: %s: %v\n", f, err)
				return exitBadInput
			}
			if full == nil {
				full, seed = &r.Full, &r.Seed
			} else if r.Full != *full || r.Seed != *seed {
				fmt.Fprintf(stderr, "kkt reproduce merge: %s was run with --full=%v --seed=%d, others with --full=%v --seed=%d\n", f, r.Full, r.Seed, *full, *seed)
				return exitBadInput
			}
			key := fmt.Sprintf("%s/%d", r.Experiment, r.Unit)
			if seen[key] {
				continue // the same unit from two directories (a re-run): keep the first
			}
			seen[key] = true
			results = append(results, &r)
		}
	}
	if err := repro.ValidateMerge(units); err != nil {
		fmt.Fprintf(stderr, "kkt reproduce merge: %v\n", err)
		return exitBadInput
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			fmt.Fprintf(stderr, "kkt reproduce merge: %v\n", err)
			return exitBadInput
		}
	}
	env := &repro.Env{Full: *full, Seed: *seed, DataDir: *data, OutDir: *out, Progress: io.Discard, Stderr: stderr}
	all, err := repro.Finalize(env, experiments, results, stderr)
	if perr := printSummary(stdout, stderr, all, *asJSON, *full, *seed, *data); perr != nil {
		return exitBadInput
	}
	var oe repro.OutputError
	if errors.As(err, &oe) {
		return exitBadInput // an output file could not be written (reported above)
	}
	if err != nil {
		return exitNotConverge
	}
	return exitOK
}
