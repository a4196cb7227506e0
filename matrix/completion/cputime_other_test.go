//go:build !unix

package completion

import "math"

// processCPU is not available on this platform.
func processCPU() float64 { return math.NaN() }
