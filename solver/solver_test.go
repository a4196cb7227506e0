package solver

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestZeroIsNotTerminated(t *testing.T) {
	var s Status
	if s != NotTerminated || s.Converged() || s.Err() == nil || s.ExitCode() != 1 {
		t.Fatalf("zero Status = %v, want NotTerminated that is not a success", s)
	}
}

func TestNamesRoundTrip(t *testing.T) {
	for s := NotTerminated; s < numStatuses; s++ {
		if statusNames[s] == "" {
			t.Fatalf("status %d has no name", int(s))
		}
		b, err := json.Marshal(struct{ S Status }{s})
		if err != nil {
			t.Fatal(err)
		}
		var back struct{ S Status }
		if err := json.Unmarshal(b, &back); err != nil || back.S != s {
			t.Fatalf("%v: round trip gave %v, %v (%s)", s, back.S, err, b)
		}
	}
	if _, err := ParseStatus("converged"); err == nil {
		t.Fatal("ParseStatus accepted a wrong-case name")
	}
	if got := Status(99).String(); got != "Status(99)" {
		t.Fatalf("String of an unknown status = %q", got)
	}
}

func TestErr(t *testing.T) {
	if Converged.Err() != nil || Converged.ExitCode() != 0 {
		t.Fatal("Converged must give no error and exit code 0")
	}
	var se *StatusError
	if err := MaxIterations.Err(); !errors.As(err, &se) || se.Status != MaxIterations {
		t.Fatalf("MaxIterations.Err() = %v", err)
	}
}

func TestWorkers(t *testing.T) {
	if got := Workers(3, 0, 10, 0); got != 3 {
		t.Fatalf("explicit workers: %d", got)
	}
	if got := Workers(0, 5, 10, 0); got != 1 {
		t.Fatalf("small work: %d", got)
	}
	if got := Workers(0, 50, 10, 1); got != 1 {
		t.Fatalf("maxUseful: %d", got)
	}
}
