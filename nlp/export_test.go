package nlp

// SetCondenseMin sets the size above which inequality rows are condensed.
func SetCondenseMin(n int) int { old := condenseMin; condenseMin = n; return old }

// SetSparseMin sets the order above which the sparse KKT path is used.
func SetSparseMin(n int) int { old := sparseMin; sparseMin = n; return old }
