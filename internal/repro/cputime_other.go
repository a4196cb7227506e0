//go:build !unix

package repro

import "math"

// ProcessCPU is not available on this platform: NaN.
func ProcessCPU() float64 { return math.NaN() }
