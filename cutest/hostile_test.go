package cutest

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/nlp"
)

// *Problem is the general NLP form the solvers consume.
var _ nlp.Problem = (*Problem)(nil)

// parseErr parses src and returns its error message ("" when it parses).
func parseErr(t *testing.T, src string, opt *Options) string {
	t.Helper()
	_, err := Parse(strings.NewReader(src), "h.SIF", opt)
	if err == nil {
		return ""
	}
	if _, ok := err.(*ParseError); !ok {
		t.Fatalf("error of type %T: %v", err, err)
	}
	return err.Error()
}

// A loop of 10⁹ iterations fails at its DO card, before running, naming the
// file, the line and the size.
func TestBudgetHugeLoop(t *testing.T) {
	src, err := os.ReadFile("testdata/hostile/bigloop.SIF")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(strings.NewReader(string(src)), "bigloop.SIF", nil)
	if err == nil {
		t.Fatal("a 10⁹-iteration loop was accepted")
	}
	msg := err.Error()
	for _, want := range []string{"bigloop.SIF:5:", "1000000000 iterations", "16777216 units"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	// The budget is the caller's (Options.MemoryBudget).
	opt := &Options{MemoryBudget: 1 << 20}
	_, err = Parse(strings.NewReader(string(src)), "bigloop.SIF", opt)
	if err == nil || !strings.Contains(err.Error(), "16384 units") {
		t.Errorf("MemoryBudget 1 MiB: %v", err)
	}
}

// Nested loops whose product exceeds the budget stop when the budget is
// spent, at the card that spends the last unit.
func TestBudgetNestedLoops(t *testing.T) {
	src := lines(
		"NAME          NEST",
		fc("IE", "1", "", "1", "", ""),
		fc("IE", "K", "", "3000", "", ""),
		fc("DO", "I", "1", "", "K", ""),
		fc("DO", "J", "1", "", "K", ""),
		fc("IA", "L", "J", "1", "", ""),
		fc("ND", "", "", "", "", ""),
		"VARIABLES",
		fc("", "X", "", "", "", ""),
		"GROUPS",
		fc("N", "OBJ", "", "", "", ""),
		"ENDATA",
	)
	msg := parseErr(t, src, &Options{MemoryBudget: 64 << 20})
	if !strings.Contains(msg, "h.SIF:") || !strings.Contains(msg, "the cards executed: over the work budget of 1048576 units") {
		t.Errorf("got %q", msg)
	}
}

// Real parameters must be finite: 1/0, 0/0, EXP(1000) and literals beyond
// the double range are errors naming the file and line.
func TestRealParamNotFinite(t *testing.T) {
	cases := map[string][]string{
		"1/0": {fc("RE", "ONE", "", "1.0", "", ""), fc("RE", "ZERO", "", "0.0", "", ""), fc("R/", "Q", "ONE", "", "ZERO", "")},
		"0/0": {fc("RE", "ZERO", "", "0.0", "", ""), fc("R/", "Q", "ZERO", "", "ZERO", "")},
		"RD":  {fc("RE", "ZERO", "", "0.0", "", ""), fc("RD", "Q", "ZERO", "1.0", "", "")},
		"EXP": {fc("RF", "Q", "EXP", "1000.0", "", "")},
		"R*":  {fc("RE", "B", "", "1.0D+200", "", ""), fc("R*", "Q", "B", "", "B", "")},
		"lit": {fc("RE", "Q", "", "1.0D+400", "", "")},
	}
	for name, cards := range cases {
		src := lines(append(append([]string{"NAME          P"}, cards...),
			"VARIABLES", fc("", "X", "", "", "", ""), "GROUPS", fc("N", "OBJ", "X", "1.0", "", ""), "ENDATA")...)
		line := len(cards) + 1
		msg := parseErr(t, src, nil)
		if !strings.HasPrefix(msg, "h.SIF:"+strconv.Itoa(line)+":") {
			t.Errorf("%s: got %q, want an error at h.SIF:%d", name, msg, line)
		}
	}
	// A $-PARAMETER override is checked too.
	src := lines("NAME          P", fc("RE", "Q", "", "1.0", "", "")+"  $-PARAMETER",
		"VARIABLES", fc("", "X", "", "", "", ""), "GROUPS", fc("N", "OBJ", "X", "1.0", "", ""), "ENDATA")
	inf := 1.0
	for range 2000 {
		inf *= 10
	}
	if msg := parseErr(t, src, &Options{Params: map[string]float64{"Q": inf}}); !strings.HasPrefix(msg, "h.SIF:2:") {
		t.Errorf("Params Q=+Inf: got %q", msg)
	}
}

func TestIntegerParamOverflow(t *testing.T) {
	src := lines("NAME          P",
		fc("IE", "B", "", "3000000000", "", ""),
		fc("I*", "C", "B", "", "B", ""),
		"VARIABLES", fc("", "X", "", "", "", ""), "GROUPS", fc("N", "OBJ", "X", "1.0", "", ""), "ENDATA")
	if msg := parseErr(t, src, nil); !strings.HasPrefix(msg, "h.SIF:3:") || !strings.Contains(msg, "out of range") {
		t.Errorf("got %q", msg)
	}
}

// An ELEMENT USES card may introduce a new ("nonlinear") variable, as the
// SIF report allows; Options.DeclaredVariablesOnly turns it into an error.
func TestElementUsesUndeclaredVariable(t *testing.T) {
	src := lines(
		"NAME          EU",
		"VARIABLES",
		fc("", "X", "", "", "", ""),
		"GROUPS",
		fc("N", "OBJ", "", "", "", ""),
		"ELEMENT TYPE",
		fc("EV", "SQ", "V", "", "", ""),
		"ELEMENT USES",
		fc("T", "E", "SQ", "", "", ""),
		fc("V", "E", "V", "", "Y", ""),
		"GROUP USES",
		fc("E", "OBJ", "E", "", "", ""),
		"ENDATA",
		"ELEMENTS      EU",
		"INDIVIDUALS",
		fc("T", "SQ", "", "", "", ""),
		" F                      V * V",
		" G  V                   2.0 * V",
		" H  V         V         2.0",
		"ENDATA",
	)
	p, err := Parse(strings.NewReader(src), "h.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.N() != 2 {
		t.Errorf("n = %d, want 2 (X and the new Y)", p.N())
	}
	msg := parseErr(t, src, &Options{DeclaredVariablesOnly: true})
	if !strings.HasPrefix(msg, "h.SIF:10:") || !strings.Contains(msg, `"Y"`) {
		t.Errorf("DeclaredVariablesOnly: got %q", msg)
	}
}

// The fuzzer's slowest find: "IE BIG 200000     2" (field 4 reads 2000002)
// and a loop declaring X(1)…X(BIG). Every variable costs declUnits, so the
// budget stops it after about two million of them, at the X card, in about
// two seconds of CPU; it is a unit test rather than a seed of FuzzParse
// because the fuzzing engine kills any input that runs ten seconds of wall
// time, which an oversubscribed machine reaches.
func TestBudgetManyVariables(t *testing.T) {
	if testing.Short() {
		t.Skip("two seconds of CPU")
	}
	src := "NAME\n IE 1         \n IE BIG                 200000     20000\nVARIABLES\n DO I         1                        BIG\n X  X(I)\n ND\nENDATA"
	msg := parseErr(t, src, nil)
	if !strings.HasPrefix(msg, "h.SIF:6: the problem's entities: over the work budget of 16777216 units") {
		t.Errorf("got %q", msg)
	}
}
