// Package solver holds the vocabulary that every kkt solver package shares:
// how a run ended (Status), how progress is observed (Recorder), what a run
// cost (Stats) and what Workers means. It imports only the standard library,
// so every package can use it.
//
// The shape follows gonum's optimize package: the zero Status is
// NotTerminated, so a Result whose status was never set can never read as a
// success. Bad input (a dimension mismatch, NaN in the data, a malformed
// file) is reported by an error return; how a run on valid input ended is a
// Status, and Status.Err turns it into an error for callers that want one.
package solver

import (
	"fmt"
	"runtime"
	"time"
)

// Status says how a solver run ended. The zero value NotTerminated means the
// run has not ended (or the Status was never set).
type Status int

// The statuses shared by every solver. A package documents which of them its
// solvers return and what each means for its method.
const (
	// NotTerminated: the run has not ended (the zero value).
	NotTerminated Status = iota
	// Converged: the method's stopping rule was met.
	Converged
	// MaxIterations: the iteration limit was reached first.
	MaxIterations
	// Stagnated: the iterates stopped changing before the tolerance was met.
	Stagnated
	// Breakdown: a division by (near) zero in a recurrence, e.g. pᵀAp ≤ 0 in
	// CG, or an indefinite preconditioner.
	Breakdown
	// NumericalFailure: NaN or Inf appeared, or a factorization failed.
	NumericalFailure
	// Singular: a matrix the method must factor or invert is (nearly) singular.
	Singular
	// LineSearchFailed: no acceptable step was found along the search direction.
	LineSearchFailed
	// Infeasible: the problem is (locally) infeasible — the method converged to
	// a stationary point of the infeasibility.
	Infeasible
	// Unbounded: the objective decreases without bound or the iterates diverge.
	Unbounded
	// RestorationFailed: the feasibility-restoration phase could not find an
	// acceptable point.
	RestorationFailed
	// NotApplicable: the method does not apply to this instance (for example a
	// structural assumption fails); the message says which.
	NotApplicable
	// Canceled: the context was canceled or the Recorder asked to stop.
	Canceled
	// MaxTime: the time limit was reached first.
	MaxTime
	numStatuses
)

var statusNames = [numStatuses]string{
	"NotTerminated", "Converged", "MaxIterations", "Stagnated", "Breakdown",
	"NumericalFailure", "Singular", "LineSearchFailed", "Infeasible", "Unbounded",
	"RestorationFailed", "NotApplicable", "Canceled", "MaxTime",
}

// String returns the status's name, as it appears in JSON output.
func (s Status) String() string {
	if s >= 0 && s < numStatuses {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Converged reports whether s is Converged.
func (s Status) Converged() bool { return s == Converged }

// Err returns nil for Converged and a *StatusError for every other status.
func (s Status) Err() error {
	if s == Converged {
		return nil
	}
	return &StatusError{Status: s}
}

// ExitCode is the command-line exit code of a run that ended with s: 0 for
// Converged, 1 for every other status (2 is reserved for bad input).
func (s Status) ExitCode() int {
	if s == Converged {
		return 0
	}
	return 1
}

// MarshalText encodes the status by name, so JSON output reads
// "status": "MaxIterations".
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a status name written by MarshalText.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseStatus returns the status with the given name.
func ParseStatus(name string) (Status, error) {
	for i, n := range statusNames {
		if n == name {
			return Status(i), nil
		}
	}
	return NotTerminated, fmt.Errorf("solver: unknown status %q", name)
}

// StatusError is the error form of a Status other than Converged.
type StatusError struct {
	Status Status
	// Message, when not empty, says more (for example which pivot failed).
	Message string
}

func (e *StatusError) Error() string {
	if e.Message != "" {
		return "solver ended with status " + e.Status.String() + ": " + e.Message
	}
	return "solver ended with status " + e.Status.String()
}

// Recorder observes a run: a solver calls it once per iteration with the
// package's iterate type T; returning false stops the run with Status
// Canceled. A nil Recorder is never called.
type Recorder[T any] func(it T) bool

// Stats is what a run cost. Packages embed it in their Result.
type Stats struct {
	// Iterations is the number of (outer) iterations performed.
	Iterations int
	// Evaluations counts calls of the problem's functions or operator
	// products, as the package documents (zero where not counted).
	Evaluations int
	// Time is the wall time of the run.
	Time time.Duration
}

// Workers resolves a Workers setting to a number of goroutines: a positive w
// is taken as it is; 0 (automatic) and negative values use every core
// (GOMAXPROCS) when the work is at least minWork units, else one; the result
// is at most maxUseful when maxUseful > 0. This is the one meaning of Workers
// across kkt: 0 = automatic.
func Workers(w, work, minWork, maxUseful int) int {
	n := w
	if n <= 0 {
		n = 1
		if work >= minWork {
			n = runtime.GOMAXPROCS(0)
		}
	}
	if maxUseful > 0 && n > maxUseful {
		n = maxUseful
	}
	if n < 1 {
		n = 1
	}
	return n
}
