package main

import (
	"io"

	"github.com/kkt-go/kkt/internal/repro"
)

// runExtra runs the command as run does, with the test experiments extra
// beside the real ones for `kkt reproduce` (no global registry changes).
func runExtra(extra []*repro.Experiment, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "reproduce" {
		exps := append(experimentList(), extra...)
		repro.Sort(exps)
		return reproduceWith(exps, args[1:], stdout, stderr)
	}
	return run(args, stdout, stderr)
}
