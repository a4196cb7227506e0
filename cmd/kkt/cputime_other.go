//go:build !unix

package main

import "math"

// processCPU is not available on this platform: NaN.
func processCPU() float64 { return math.NaN() }
