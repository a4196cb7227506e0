package nlp

// SetCondenseMin sets the size above which inequality rows are condensed.
func SetCondenseMin(n int) int { old := condenseMin; condenseMin = n; return old }
