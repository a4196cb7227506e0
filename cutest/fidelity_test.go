package cutest

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
)

// Small SIF fragments reproducing constructs of real files whose reading
// was in question (PDE1/PDE2, n3PK, TAX1C, SIMPLEU, SCHMVETT, CHANDHEULS).

// A group's kind is fixed by its first card (the SIF report, GROUPS
// row-wise: "Subsequent contradictory information will be ignored"), as in
// PDE1's "XL D(I,0) T -1.0" followed by "ZG D(I,0) X(I,0) SQRTAH".
func TestGroupKindFirstCardWins(t *testing.T) {
	src := lines(
		"NAME          KIND",
		fc("RE", "H", "", "2.0", "", ""),
		"VARIABLES",
		fc("", "T", "", "", "", ""),
		fc("", "X", "", "", "", ""),
		"GROUPS",
		fc("N", "OBJ", "T", "1.0", "", ""),
		fc("XL", "D", "T", "-1.0", "", ""),
		fc("ZG", "D", "X", "", "H", ""),
		"ENDATA",
	)
	p, err := Parse(strings.NewReader(src), "kind.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.M() != 1 || !math.IsInf(p.CL()[0], -1) || p.CU()[0] != 0 {
		t.Fatalf("m = %d, bounds [%v, %v]; want one constraint c ≤ 0", p.M(), p.CL(), p.CU())
	}
	c := consOf(p, []float64{1, 3})
	if c[0] != -1+2*3 {
		t.Errorf("c = %v, want -t + 2x = 5", c)
	}
}

// A GROUP USES card whose field 2 is 'DEFAULT' sets the default group type
// whatever its code (SIFDecode tests field 2 first); n3PK has
// "    'DEFAULT' SQUARE" with a blank code.
func TestGroupUsesDefaultBlankCode(t *testing.T) {
	src := lines(
		"NAME          GDEF",
		"VARIABLES",
		fc("", "X", "", "", "", ""),
		"GROUPS",
		fc("N", "G1", "X", "1.0", "", ""),
		fc("N", "G2", "X", "2.0", "", ""),
		"GROUP TYPE",
		fc("GV", "SQUARE", "A", "", "", ""),
		"GROUP USES",
		fc("", "'DEFAULT'", "SQUARE", "", "", ""),
		"ENDATA",
		"GROUPS        GDEF",
		"INDIVIDUALS",
		ec("T", "SQUARE", "", ""),
		ec("F", "", "", "A * A"),
		ec("G", "", "", "2.0 * A"),
		ec("H", "", "", "2.0"),
		"ENDATA",
	)
	p, err := Parse(strings.NewReader(src), "gdef.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := p.Objective([]float64{3}); f != 9+36 {
		t.Errorf("f(3) = %g, want 3² + 6² = 45", f)
	}
}

// TAX1C's GLOBALS card " A EPSLON  0.1D0" has its name one column early:
// field 2 (columns 5–14) reads PSLON, which TEMPORARIES does not declare, so
// the strict reading has no meaning (SIFDecode rejects the card). kkt reads
// the name from column 4 when that names a declared temporary; otherwise the
// card is an error that names the undeclared name. A card whose strict
// reading is declared is read strictly, whatever column 4 holds.
func TestMisalignedTemporary(t *testing.T) {
	src := func(globals string, temps ...string) string {
		l := []string{
			"NAME          TAXC",
			"VARIABLES",
			fc("", "X", "", "", "", ""),
			"GROUPS",
			fc("N", "OBJ", "", "", "", ""),
			"ELEMENT TYPE",
			fc("EV", "A1", "C", "", "", ""),
			"ELEMENT USES",
			fc("T", "E", "A1", "", "", ""),
			fc("V", "E", "C", "", "X", ""),
			"GROUP USES",
			fc("E", "OBJ", "E", "", "", ""),
			"ENDATA",
			"ELEMENTS      TAXC",
			"TEMPORARIES",
		}
		for _, tm := range temps {
			l = append(l, ec("R", tm, "", ""))
		}
		l = append(l, "GLOBALS", globals, "INDIVIDUALS",
			ec("T", "A1", "", ""),
			ec("F", "", "", "EPSLON * C"),
			ec("G", "C", "", "EPSLON"),
			"ENDATA")
		return lines(l...)
	}
	const early = " A EPSLON               0.1D0"
	for _, tc := range []struct {
		name, globals string
		temps         []string
		f             float64 // at x = 2, when no error is wanted
		err           string
	}{
		{"as TAX1C", early, []string{"EPSLON"}, 0.2, ""},
		{"aligned", ec("A", "EPSLON", "", "0.1D0"), []string{"EPSLON"}, 0.2, ""},
		// The strict reading PSLON is declared: it is the one taken, and
		// EPSLON is then used unassigned.
		{"strict reading declared", early, []string{"EPSLON", "PSLON"}, math.NaN(),
			"taxc.SIF:22: temporary EPSLON is used before it is assigned"},
		// Neither reading is declared.
		{"neither declared", " A EPSLOX               0.1D0", []string{"EPSLON"}, math.NaN(),
			"taxc.SIF:18: PSLOX is assigned but not declared in TEMPORARIES"},
	} {
		p, err := Parse(strings.NewReader(src(tc.globals, tc.temps...)), "taxc.SIF", nil)
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("%s: got %v, want an error starting %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if f := p.Objective([]float64{2}); math.Abs(f-tc.f) > 1e-16 {
			t.Errorf("%s: f(2) = %g, want %g", tc.name, f, tc.f)
		}
	}
}

// SIMPLEU loops "DO I 1 N" without defining an integer parameter named "1":
// the SIF report says the parameters named in fields 3 and 5 of a DO card
// "must have been defined on previous data cards".
func TestDoLoopUndefinedBound(t *testing.T) {
	src := lines(
		"NAME          SIMPLE",
		fc("IE", "N", "", "5", "", ""),
		"VARIABLES",
		fc("DO", "I", "1", "", "N", ""),
		fc("X", "X(I)", "", "", "", ""),
		fc("ND", "", "", "", "", ""),
		"GROUPS",
		fc("N", "OBJ", "", "", "", ""),
		"ENDATA",
	)
	_, err := Parse(strings.NewReader(src), "simple.SIF", nil)
	want := `simple.SIF:4: undefined integer parameter "1" (SIF fields hold parameter names, not numbers: define it first, e.g. IE 1 1)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// SIMPLEU binds its elemental variables with "XV OBJELT V(I) X(I)" cards in
// ELEMENT USES. A V card carries no number, so it has no X form: the SIF
// report lists T, XT, V, ZV, P, XP, ZP there, and SIFDecode stops with
// "field 1 XV not recognised in ELEMENT USES section" (checked on a copy of
// SIMPLEU with its first two faults repaired). kkt refuses it too.
func TestElementUsesXV(t *testing.T) {
	src := func(code string) string {
		return lines(
			"NAME          XVUSE",
			"VARIABLES",
			fc("", "X1", "", "", "", ""),
			"GROUPS",
			fc("N", "OBJ", "", "", "", ""),
			"ELEMENT TYPE",
			fc("EV", "SQ", "V1", "", "", ""),
			"ELEMENT USES",
			fc("T", "E", "SQ", "", "", ""),
			fc(code, "E", "V1", "", "X1", ""),
			"GROUP USES",
			fc("E", "OBJ", "E", "", "", ""),
			"ENDATA",
			"ELEMENTS      XVUSE",
			"INDIVIDUALS",
			ec("T", "SQ", "", ""),
			ec("F", "", "", "V1 * V1"),
			ec("G", "V1", "", "2.0 * V1"),
			ec("H", "V1", "V1", "2.0"),
			"ENDATA",
		)
	}
	_, err := Parse(strings.NewReader(src("XV")), "xv.SIF", nil)
	if err == nil || err.Error() != `xv.SIF:10: unknown ELEMENT USES code "XV"` {
		t.Errorf("XV: got %v, want xv.SIF:10: unknown ELEMENT USES code \"XV\"", err)
	}
	for _, code := range []string{"V", "ZV"} {
		p, err := Parse(strings.NewReader(src(code)), "xv.SIF", nil)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if f := p.Objective([]float64{3}); f != 9 {
			t.Errorf("%s: f(3) = %g, want 9", code, f)
		}
	}
}

// Numbers of R cards (and every numeric field) are read to full double
// precision: SCHMVETT writes π as 3.14159265 in an R card; S2MPJ keeps 7
// digits (3.141593), which moves SCHMVETT's f by 1.6e-8 relative.
func TestRCardFullPrecision(t *testing.T) {
	src := lines(
		"NAME          PIR",
		"VARIABLES",
		fc("", "X", "", "", "", ""),
		fc("", "Y", "", "", "", ""),
		"GROUPS",
		fc("N", "OBJ", "", "", "", ""),
		"ELEMENT TYPE",
		fc("EV", "SIN", "V1", "", "V2", ""),
		fc("IV", "SIN", "U", "", "", ""),
		"ELEMENT USES",
		fc("T", "E", "SIN", "", "", ""),
		fc("V", "E", "V1", "", "X", ""),
		fc("V", "E", "V2", "", "Y", ""),
		"GROUP USES",
		fc("E", "OBJ", "E", "", "", ""),
		"ENDATA",
		"ELEMENTS      PIR",
		"INDIVIDUALS",
		ec("T", "SIN", "", ""),
		fc("R", "U", "V1", "3.14159265", "V2", "1.0"),
		ec("F", "", "", "U"),
		ec("G", "U", "", "1.0"),
		"ENDATA",
	)
	p, err := Parse(strings.NewReader(src), "pir.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := p.Objective([]float64{1, 0}); f != 3.14159265 {
		t.Errorf("f = %.17g, want 3.14159265 exactly", f)
	}
}

// SIMPLEU, repaired one fault at a time as SIFDecode 3.1.1 was made to read
// it, fails where SIFDecode fails: the DO card ("index parameter name 1 not
// recognised"), then the START POINT card whose 'DEFAULT' starts in column 14
// ("group/row name not recognised: name is DEFAULT'"), then the XV card of
// ELEMENT USES ("field 1 XV not recognised in ELEMENT USES section").
func TestSIMPLEUFaultsAsSIFDecode(t *testing.T) {
	path := filepath.Join(kktdata.Require(t, "cutest/sif"), "SIMPLEU.SIF")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	repair := func(old, new string) {
		t.Helper()
		if strings.Count(src, old) != 1 {
			t.Fatalf("SIMPLEU.SIF: %q is not there once", old)
		}
		src = strings.Replace(src, old, new, 1)
	}
	for _, step := range []struct{ want, old, new string }{
		{`SIMPLEU.SIF:22: undefined integer parameter "1"`,
			"\n IE N                   5 ", "\n IE 1                   1\n IE N                   5 "},
		{`SIMPLEU.SIF:33: unknown variable "DEFAULT'"`,
			"\n XV SIMPLEU  'DEFAULT'  0.0", "\n XV SIMPLEU   'DEFAULT' 0.0"},
		{`SIMPLEU.SIF:45: unknown ELEMENT USES code "XV"`, "", ""},
	} {
		_, err := Parse(strings.NewReader(src), "SIMPLEU.SIF", nil)
		if err == nil || !strings.HasPrefix(err.Error(), step.want) {
			t.Fatalf("got %v, want an error starting %s", err, step.want)
		}
		if step.old != "" {
			repair(step.old, step.new)
		}
	}
}
