package sinkhorn

import "math"

// Fast exponential for the n×n kernel loops.
//
// exp(t) = 2^m · 2^(j/256) · exp(r) with k = round(256·t/ln 2) = 256m + j and
// r = t − k·ln2/256, |r| ≤ ln2/512 ≈ 1.4e-3. 2^(j/256) comes from a table and
// exp(r) − 1 from its degree-4 Taylor polynomial (truncation < 4e-17). The
// result is within two ulps of math.Exp (itself within one ulp), checked in
// fexp_test.go over the whole range. Results below the smallest normal
// float64 (t ≤ −708.39) are flushed to zero: in every use here such a term is
// added to sums of order 1/n and cannot change them. t > 709 and NaN go
// through math.Exp.

const (
	expTabBits = 8
	expTabN    = 1 << expTabBits
	// expMin is the largest argument whose result is flushed to zero;
	// exp(−708.39) ≈ 2.2e-308 is the smallest normal float64.
	expMin     = -708.39
	expMax     = 709.0
	expInvLn2N = expTabN / math.Ln2
	// ln2/256 split into a high part with 22 trailing zero bits (so k·hi is
	// exact for |k| < 2^22) and the remainder.
	expLn2HiN = 0x1.62e42fec00000p-9
	expLn2LoN = 0x1.d1cf79abc9e3bp-40
	expShift  = 0x1.8p52
)

var expTab [expTabN]float64

func init() {
	for j := range expTab {
		expTab[j] = math.Exp2(float64(j) / expTabN)
	}
}

// fexp returns e^t (see the comment above for accuracy and range).
func fexp(t float64) float64 {
	if !(t > expMin) || t > expMax { // also catches NaN
		if t <= expMin {
			return 0
		}
		return math.Exp(t)
	}
	return fexpCore(t)
}

// fexpCore is fexp for expMin < t ≤ expMax; it is small enough to inline.
func fexpCore(t float64) float64 {
	kf := t*expInvLn2N + expShift
	// The low mantissa bits of kf hold k = round(256·t/ln2) = 256m + j in
	// two's complement (|k| < 2^18): j is bits 0..7 and (k>>8)<<52 is
	// m<<52 modulo 2^64, which adds m to the exponent of s·(1+p).
	k := math.Float64bits(kf)
	kf -= expShift
	r := t - kf*expLn2HiN - kf*expLn2LoN
	s := expTab[k&(expTabN-1)]
	return math.Float64frombits(math.Float64bits(s+s*(r+r*r*(0.5+r*(1.0/6+r*(1.0/24))))) + (k>>8)<<52)
}
