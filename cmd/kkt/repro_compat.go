package main

import (
	"os"

	"github.com/kkt-go/kkt/internal/repro"
)

// Names of the reproduce framework (internal/repro) used by the experiments
// that still live in the command.
type (
	experiment = repro.Experiment
	row        = repro.Row
	reproEnv   = repro.Env
	figure     = repro.Figure
	series     = repro.Series
)

// registered holds the experiments the command's files declare from init;
// experimentList returns them with the library's in summary order.
var registered []*experiment

func registerExperiment(e *experiment) { registered = append(registered, e) }

// experimentList returns a fresh, sorted list of every experiment of
// `kkt reproduce`.
func experimentList() []*experiment {
	exps := append([]*experiment(nil), registered...)
	repro.Sort(exps)
	return exps
}

func timing(r row) row                  { return repro.Timing(r) }
func compare(r row, relTol float64) row { return repro.Compare(r, relTol) }
func fmtNum(x float64) string           { return repro.FmtNum(x) }
func isTerminal(f *os.File) bool        { return repro.IsTerminal(f) }

func passFail(ok bool) string         { return repro.PassFail(ok) }
func fitSlope(x, y []float64) float64 { return repro.FitSlope(x, y) }
func processCPU() float64             { return repro.ProcessCPU() }
