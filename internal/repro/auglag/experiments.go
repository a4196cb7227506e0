package auglagrepro

import "github.com/kkt-go/kkt/internal/repro"

// Paper is the citation of the experiments.
const Paper = "Hong, Na, Mahoney, Kolar, ICML 2023 (arXiv 2305.18379)"

// Experiments returns the experiments cutest, pde and logreg (fresh values).
func Experiments() []*repro.Experiment {
	return []*repro.Experiment{
		// Sharded: one unit per problem of the authors' list, so a --full sweep
		// spreads over machines (--shard i/n) and merges (kkt reproduce merge).
		{Name: "cutest", Paper: Paper, Order: 11,
			Units:     func(env *repro.Env) int { return max(len(CUTEstList(env)), 1) },
			RunUnit:   RunCUTEstUnit,
			Summarize: SummarizeCUTEst},
		{Name: "pde", Paper: Paper, Order: 12, Run: RunPDE},
		{Name: "logreg", Paper: Paper, Order: 13, Run: RunLogReg},
	}
}
