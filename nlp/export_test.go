package nlp

// SetCondenseMin sets the size above which inequality rows are condensed.
func SetCondenseMin(n int) int { old := condenseMin; condenseMin = n; return old }

// SetSparseMin sets the order above which the sparse KKT path is used.
func SetSparseMin(n int) int { old := sparseMin; sparseMin = n; return old }

// WithResto3119 returns s with the rest of IPOPT 3.11.9's restoration-phase
// rules switched on (params.resto3119), for trajectory comparisons.
func WithResto3119(s Settings) Settings { s.resto3119 = true; return s }
