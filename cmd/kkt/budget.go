package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kkt-go/kkt/matrix"
	"github.com/kkt-go/kkt/matrix/completion"
)

// The memory budget (see matrix.MemoryBudget): every reader refuses a file
// whose declared sizes imply more memory than the budget, and the commands
// check the dense arrays they derive from a file (cost matrices, factor
// matrices, weight vectors) the same way. The default is
// matrix.DefaultBudgetFraction of the machine's memory; the environment
// variable KKT_MEM_BUDGET or the flag --mem-budget SIZE, accepted before or
// after the command name by every command, set it (SIZE as 512MiB, 2G, ...).

const memBudgetEnv = "KKT_MEM_BUDGET"

// applyMemBudget sets the budget from the environment and strips every
// --mem-budget flag from args. It returns the remaining arguments, or an
// error for a bad size.
func applyMemBudget(args []string) ([]string, error) {
	if s := os.Getenv(memBudgetEnv); s != "" {
		b, err := matrix.ParseBytes(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", memBudgetEnv, err)
		}
		matrix.SetMemoryBudget(b)
	}
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "mem-budget" {
			out = append(out, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag needs an argument: --mem-budget")
			}
			i++
			val = args[i]
		}
		b, err := matrix.ParseBytes(val)
		if err != nil {
			return nil, fmt.Errorf("--mem-budget: %v", err)
		}
		matrix.SetMemoryBudget(b)
	}
	return out, nil
}

// completeBudget refuses a completion whose dense factors (U: m×k, V: n×k,
// and the same again for the solver's work copies) are over the budget.
func completeBudget(stderr io.Writer, file string, obs *completion.Observations, rank int) bool {
	m, n := obs.Dims()
	what := fmt.Sprintf("rank-%d factors of a %d×%d matrix", rank, m, n)
	if err := matrix.CheckAlloc(file, 0, what, matrix.MulBytes(2*8, int64(m)+int64(n), int64(max(rank, 1)))); err != nil {
		fmt.Fprintf(stderr, "kkt complete: %v\n", err)
		return false
	}
	return true
}
