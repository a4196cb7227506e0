package main

import (
	"github.com/kkt-go/kkt/internal/repro"
	auglagrepro "github.com/kkt-go/kkt/internal/repro/auglag"
	bilevelrepro "github.com/kkt-go/kkt/internal/repro/bilevel"
	completionrepro "github.com/kkt-go/kkt/internal/repro/completion"
	cutestrepro "github.com/kkt-go/kkt/internal/repro/cutest"
	dagrepro "github.com/kkt-go/kkt/internal/repro/dag"
	linsolverepro "github.com/kkt-go/kkt/internal/repro/linsolve"
	nlprepro "github.com/kkt-go/kkt/internal/repro/nlp"
	sinkhornrepro "github.com/kkt-go/kkt/internal/repro/sinkhorn"
	sketchrepro "github.com/kkt-go/kkt/internal/repro/sketch"
	sorrepro "github.com/kkt-go/kkt/internal/repro/sor"
)

// experimentList returns a fresh list of every experiment of
// `kkt reproduce`, in summary order: each paper's package under
// internal/repro returns its own (there is no global registry).
func experimentList() []*repro.Experiment {
	var exps []*repro.Experiment
	for _, f := range []func() []*repro.Experiment{
		linsolverepro.Experiments, auglagrepro.Experiments, nlprepro.Experiments, cutestrepro.Experiments,
		sketchrepro.Experiments, bilevelrepro.Experiments, sinkhornrepro.Experiments, dagrepro.Experiments,
		sorrepro.Experiments, completionrepro.Experiments,
	} {
		exps = append(exps, f()...)
	}
	repro.Sort(exps)
	return exps
}
