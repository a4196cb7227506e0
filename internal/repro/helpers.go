package repro

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// PassFail is the status of a row checked against a target: "reproduced"
// when ok, else "differs".
func PassFail(ok bool) string {
	if ok {
		return "reproduced"
	}
	return "differs"
}

// FitSlope returns the least-squares slope of y against x (for growth
// exponents, pass logarithms).
func FitSlope(x, y []float64) float64 {
	_, beta := stat.LinearRegression(x, y, nil, false)
	return beta
}

// Median is kkt's one median: the middle value of v (the mean of the two
// middle values for an even count), NaN for an empty v; v is not changed.
func Median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
