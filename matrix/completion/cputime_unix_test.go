//go:build unix

package completion

import "syscall"

// processCPU returns the user + system CPU seconds of this process (for the
// benchmarks: not inflated by waiting for a core).
func processCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)*1e-6
}
