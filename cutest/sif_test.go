package cutest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fc formats a fixed-format data card: code in columns 2–3, names in 5–14,
// 15–24 and 40–49, numbers in 25–36 and 50–61.
func fc(code, f2, f3, f4, f5, f6 string) string {
	b := []byte(strings.Repeat(" ", 61))
	put := func(col int, s string) { copy(b[col-1:], s) }
	put(2, code)
	put(5, f2)
	put(15, f3)
	put(25, f4)
	put(40, f5)
	put(50, f6)
	return strings.TrimRight(string(b), " ")
}

// ec formats an expression card of the ELEMENTS or GROUPS part.
func ec(code, f2, f3, expr string) string {
	b := []byte(strings.Repeat(" ", 24))
	copy(b[1:], code)
	copy(b[4:], f2)
	copy(b[14:], f3)
	return string(b) + expr
}

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// toySIF is a small hand-made problem that exercises parameters, loops,
// array names, all group kinds, constants, ranges, bounds with the MPS
// rules, start values for variables and multipliers, a quadratic term, an
// element type with a range transformation and a parameter, and a scaled
// non-trivial group:
//
//	f = (6(x1−x2)² + x3 − 1)² / 2 + x1² + x2·x3
//	c1 = x1 + x2 + x3 − 3 (E), c2 = x1·x3 − 1 (L, range 5), c3 = 2x2/0.5 (G).
var toySIF = lines(
	"NAME          TOY",
	"* a comment card",
	"*   classification QQR2-AN-3-3",
	fc("IE", "1", "", "1", "", ""),
	fc("IE", "N", "", "3", "", "")+"             $-PARAMETER",
	fc("RE", "P", "", "3.0", "", ""),
	fc("RE", "HALF", "", "0.5", "", ""),
	"VARIABLES",
	fc("DO", "I", "1", "", "N", ""),
	fc("X", "X(I)", "", "", "", ""),
	fc("ND", "", "", "", "", ""),
	"GROUPS",
	fc("N", "OBJ", "X3", "1.0", "", ""),
	fc("N", "OBJ", "'SCALE'", "2.0", "", ""),
	fc("E", "C1", "X1", "1.0", "X2", "1.0"),
	fc("E", "C1", "X3", "1.0", "", ""),
	fc("L", "C2", "", "", "", ""),
	fc("XG", "C3", "X2", "2.0", "", ""),
	fc("ZG", "C3", "'SCALE'", "", "HALF", ""),
	"CONSTANTS",
	fc("", "TOY", "OBJ", "1.0", "C1", "3.0"),
	fc("", "TOY", "C2", "1.0", "", ""),
	fc("", "OTHER", "C2", "99.0", "", ""),
	"RANGES",
	fc("", "TOY", "C2", "-5.0", "", ""),
	"BOUNDS",
	fc("FR", "TOY", "X1", "", "", ""),
	fc("XU", "TOY", "X2", "0.0", "", ""),
	fc("LO", "TOY", "X3", "-1.0", "", ""),
	fc("UP", "TOY", "X3", "4.0", "", ""),
	"START POINT",
	fc("XV", "TOY", "'DEFAULT'", "2.0", "", ""),
	fc("", "TOY", "X1", "1.0", "X2", "-0.5"),
	fc("", "TOY", "C1", "0.5", "", ""),
	"QUADRATIC",
	fc("", "X1", "X1", "2.0", "", ""),
	fc("", "X2", "X3", "1.0", "", ""),
	"ELEMENT TYPE",
	fc("EV", "SQ2", "V1", "", "V2", ""),
	fc("IV", "SQ2", "U", "", "", ""),
	fc("EP", "SQ2", "P", "", "", ""),
	fc("EV", "PROD", "V1", "", "V2", ""),
	"ELEMENT USES",
	fc("T", "E1", "SQ2", "", "", ""),
	fc("V", "E1", "V1", "", "X1", ""),
	fc("V", "E1", "V2", "", "X2", ""),
	fc("ZP", "E1", "P", "", "P", ""),
	fc("T", "E2", "PROD", "", "", ""),
	fc("V", "E2", "V1", "", "X1", ""),
	fc("V", "E2", "V2", "", "X3", ""),
	"GROUP TYPE",
	fc("GV", "L2", "GVAR", "", "", ""),
	"GROUP USES",
	fc("T", "OBJ", "L2", "", "", ""),
	fc("E", "OBJ", "E1", "2.0", "", ""),
	fc("E", "C2", "E2", "", "", ""),
	"OBJECT BOUND",
	fc("LO", "TOY", "", "0.0", "", ""),
	"ENDATA",
	"ELEMENTS      TOY",
	"TEMPORARIES",
	ec("R", "T", "", ""),
	"INDIVIDUALS",
	ec("T", "SQ2", "", ""),
	fc("R", "U", "V1", "1.0", "V2", "-1.0"),
	ec("A", "T", "", "P * U"),
	ec("F", "", "", "T *"),
	ec("F+", "", "", "  U"),
	ec("G", "U", "", "2.0 * T"),
	ec("H", "U", "U", "2.0 * P"),
	ec("T", "PROD", "", ""),
	ec("F", "", "", "V1 * V2"),
	ec("G", "V1", "", "V2"),
	ec("G", "V2", "", "V1"),
	ec("H", "V1", "V2", "1.0D0"),
	"ENDATA",
	"GROUPS        TOY",
	"INDIVIDUALS",
	ec("T", "L2", "", ""),
	ec("F", "", "", "GVAR * GVAR"),
	ec("G", "", "", "2.0 * GVAR"),
	ec("H", "", "", "2.0"),
	"ENDATA",
	"trailing text after the last ENDATA is ignored",
)

func toyF(x []float64) float64 {
	a := 6*(x[0]-x[1])*(x[0]-x[1]) + x[2] - 1
	return a*a/2 + x[0]*x[0] + x[1]*x[2]
}

func toyC(x []float64) []float64 {
	return []float64{x[0] + x[1] + x[2] - 3, x[0]*x[2] - 1, 2 * x[1] / 0.5}
}

func TestToyProblem(t *testing.T) {
	p, err := Parse(strings.NewReader(toySIF), "toy.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "TOY" || p.Classification() != "QQR2-AN-3-3" || p.N() != 3 || p.M() != 3 {
		t.Fatalf("got %s %q n=%d m=%d", p.Name(), p.Classification(), p.N(), p.M())
	}
	inf := math.Inf(1)
	eqs := func(name string, got, want []float64) {
		t.Helper()
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s = %v, want %v", name, got, want)
				return
			}
		}
	}
	eqs("x0", p.X0(), []float64{1, -0.5, 2})
	eqs("xl", p.XL(), []float64{-inf, -inf, -1})
	eqs("xu", p.XU(), []float64{inf, 0, 4})
	eqs("cl", p.CL(), []float64{0, -5, 0})
	eqs("cu", p.CU(), []float64{0, 0, inf})
	eqs("y0", p.Y0(), []float64{0.5, 0, 0})
	if lo, up := p.ObjectiveBounds(); lo != 0 || !math.IsInf(up, 1) {
		t.Errorf("objective bounds %v %v", lo, up)
	}
	if k := string([]byte{p.ConstraintKind(0), p.ConstraintKind(1), p.ConstraintKind(2)}); k != "ELG" {
		t.Errorf("kinds %s", k)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 5; trial++ {
		x := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		if f, want := p.Objective(x), toyF(x); math.Abs(f-want) > 1e-13*math.Max(1, math.Abs(want)) {
			t.Errorf("f(%v) = %v, want %v", x, f, want)
		}
		c, want := consOf(p, x), toyC(x)
		for i := range c {
			if math.Abs(c[i]-want[i]) > 1e-14*math.Max(1, math.Abs(want[i])) {
				t.Errorf("c(%v) = %v, want %v", x, c, want)
			}
		}
		if worst, what := fdCheck(p, x, rng); worst > 1e-7 {
			t.Errorf("finite differences at %v: %.2g in %s", x, worst, what)
		}
	}
}

func TestParameterOverride(t *testing.T) {
	p, err := Parse(strings.NewReader(toySIF), "toy.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	// N only sizes the VARIABLES loop; X4 and X5 are then free linear-free variables.
	q, err := Parse(strings.NewReader(toySIF), "toy.SIF", &Options{Params: map[string]float64{"N": 5}})
	if err != nil {
		t.Fatal(err)
	}
	if p.N() != 3 || q.N() != 5 {
		t.Fatalf("n = %d, %d; want 3, 5", p.N(), q.N())
	}
	if _, err := Parse(strings.NewReader(toySIF), "toy.SIF", &Options{Params: map[string]float64{"N": 2.5}}); err == nil {
		t.Error("non-integer override of an IE parameter accepted")
	}
}

func TestParseReal(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
	}{
		{".5", 0.5}, {"5.", 5}, {"1D3", 1000}, {"1.0d-4", 1e-4}, {"3.478+04", 34780}, {"- 1.0", -1},
		{"1.0 13322", 1.013322}, {"-.003", -0.003}, {"1.0E+3", 1000}, {"2", 2}, {"1.0D+30", 1e30},
	} {
		got, empty, err := parseReal(c.in)
		if err != nil || empty || got != c.want {
			t.Errorf("parseReal(%q) = %v, %v, %v; want %v", c.in, got, empty, err, c.want)
		}
	}
	if v, empty, err := parseReal("   "); v != 0 || !empty || err != nil {
		t.Errorf("empty field: %v %v %v", v, empty, err)
	}
	for _, bad := range []string{"abc", "1.2.3", "1E", "--1", "1e+"} {
		if _, _, err := parseReal(bad); err == nil {
			t.Errorf("parseReal(%q) accepted", bad)
		}
	}
}

// evalExpr compiles src with the named inputs and evaluates it once.
func evalExpr(src string, names []string, vals []float64) (float64, error) {
	n, err := parseExpr(src)
	if err != nil {
		return 0, err
	}
	b := newBuilder(len(names))
	s := &scope{b: b, names: map[string]value{}}
	for i, nm := range names {
		s.names[nm] = value{int32(i), tyReal}
	}
	v, err := s.gen(n)
	if err != nil {
		return 0, err
	}
	k := b.finish(v.reg, nil, nil)
	regs := k.newRegs()
	for i, x := range vals {
		regs[i*lanes] = x
	}
	k.run(levelF, regs, 1)
	return regs[int(k.outF)*lanes], nil
}

func TestExpressions(t *testing.T) {
	names := []string{"X", "Y", "A"}
	vals := []float64{2, 3, -1.5}
	for _, c := range []struct {
		src  string
		want float64
	}{
		{"-X**2", -4},
		{"2**3**2", 512},
		{"X/Y*A", 2.0 / 3 * -1.5},
		{"-X*Y", -6},
		{"X * -Y", -6},
		{"x + y", 5},
		{"7/2", 3},
		{"7.0/2", 3.5},
		{"-7/2", -3},
		{"2**(-1)", 0},
		{"X**(-1)", 0.5},
		{"A**2", 2.25},
		{"SQRT(X*8.0)", 4},
		{"DSQRT(4.0D0)", 2},
		{"ABS(A) + DABS(A)", 3},
		{"SIGN(X, A)", -2},
		{"MOD(7, 3) + MOD(-7.0, 3.0)", 0},
		{"MAX(X, Y, A) + MIN(X, Y, A)", 1.5},
		{"ATAN2(1.0, 1.0) * 4.0", math.Pi},
		{"LOG10(100.0) + LOG(EXP(X))", 4},
		{"0.103450d-4 * 1.0E+5", 1.0345},
		{"X .GT. Y", 0},
		{"X .LT. Y .AND. A <= 0.0", 1},
		{".NOT. (X >= Y) .OR. .FALSE.", 1},
		{"X /= Y", 1},
		{"V1 * V2 *  * 2.0", math.NaN()}, // replaced below
		{"X * *2", 4},
		{"INT(2.7) + NINT(2.7)", 5},
		{"DBLE(7)/2", 3.5},
	} {
		if strings.HasPrefix(c.src, "V1") {
			continue
		}
		got, err := evalExpr(c.src, names, vals)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if math.Abs(got-c.want) > 1e-15*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s = %v, want %v", c.src, got, c.want)
		}
	}
	for _, bad := range []string{"X +", "(X", "FOO(X)", "X .BAD. Y", "Z + 1", "SQRT(X, Y)", "X ) ", "", "@"} {
		if _, err := evalExpr(bad, names, vals); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestLoopsAndParameters(t *testing.T) {
	// Nested loops with a negative increment, a zero-trip loop, bounds
	// that depend on the outer index, integer and real parameters with the
	// same name, and the parameter functions.
	src := lines(
		"NAME          LOOPS",
		fc("IE", "1", "", "1", "", ""),
		fc("IE", "3", "", "3", "", ""),
		fc("IE", "-1", "", "-1", "", ""),
		fc("IE", "0", "", "0", "", ""),
		fc("RE", "N", "", "2.5", "", ""),
		fc("IR", "N", "N", "", "", ""),
		fc("IS", "M", "N", "10", "", ""),
		fc("IM", "K", "M", "2", "", ""),
		fc("ID", "Q", "N", "9", "", ""),
		fc("RF", "S", "SQRT", "16.0", "", ""),
		fc("R(", "T", "ARCTAN", "", "S", ""),
		fc("RS", "U", "S", "10.0", "", ""),
		"VARIABLES",
		fc("DO", "I", "3", "", "1", ""),
		fc("DI", "I", "-1", "", "", ""),
		fc("DO", "J", "1", "", "I", ""),
		fc("X", "X(I,J)", "", "", "", ""),
		fc("OD", "J", "", "", "", ""),
		fc("OD", "I", "", "", "", ""),
		fc("DO", "I", "1", "", "0", ""),
		fc("X", "NEVER(I)", "", "", "", ""),
		fc("ND", "", "", "", "", ""),
		fc("DO", "I", "1", "", "K", ""),
		fc("DO", "J", "1", "", "0", ""),
		fc("X", "NEVER2(J)", "", "", "", ""),
		fc("ND", "", "", "", "", ""),
		fc("X", "Y(N,M,-1)", "", "", "", ""),
		fc("X", "Z(K,Q)", "", "", "", ""),
		"GROUPS",
		fc("N", "OBJ", "X3,3", "1.0", "X1,1", "2.0"),
		fc("N", "OBJ", "X3,3", "1.0", "", ""),
		fc("ZN", "OBJ", "Y2,8,-1", "", "U", ""),
		fc("ZN", "OBJ", "Z16,4", "", "T", ""),
		"BOUNDS",
		fc("FR", "B", "'DEFAULT'", "", "", ""),
		"ENDATA",
	)
	p, err := Parse(strings.NewReader(src), "loops.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"X3,1", "X3,2", "X3,3", "X2,1", "X2,2", "X1,1", "Y2,8,-1", "Z16,4"}
	got := p.VarNames()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("variables %v, want %v", got, want)
	}
	// f = 2·X3,3 + 2·X1,1 + (10−4)·Y + atan(4)·Z.
	x := []float64{0, 0, 1, 0, 0, 1, 1, 1}
	if f, w := p.Objective(x), 2+2+6+math.Atan(4); math.Abs(f-w) > 1e-15 {
		t.Errorf("f = %v, want %v", f, w)
	}
}

func TestParseErrors(t *testing.T) {
	base := strings.Split(strings.TrimSuffix(toySIF, "\n"), "\n")
	replace := func(old, repl string) string {
		out := make([]string, len(base))
		copy(out, base)
		for i, l := range out {
			if l == old {
				out[i] = repl
				return strings.Join(out, "\n") + "\n"
			}
		}
		t.Fatalf("line %q not found", old)
		return ""
	}
	for _, c := range []struct {
		name, src, want string
	}{
		{"unknown variable", replace(fc("E", "C1", "X3", "1.0", "", ""), fc("E", "C1", "X9", "1.0", "", "")), `toy.SIF:16: unknown variable "X9"`},
		{"bad number", replace(fc("RE", "P", "", "3.0", "", ""), fc("RE", "P", "", "3.0x", "", "")), "toy.SIF:6: invalid number"},
		{"undefined parameter", replace(fc("DO", "I", "1", "", "N", ""), fc("DO", "I", "1", "", "NN", "")), `toy.SIF:9: undefined integer parameter "NN"`},
		{"unclosed loop", replace(fc("ND", "", "", "", "", ""), ""), "toy.SIF:9: DO loop is never closed"},
		{"bad expression", replace(ec("G", "U", "", "2.0 * T"), ec("G", "U", "", "2.0 * (T")), "toy.SIF:69: missing ')'"},
		{"unknown type", replace(fc("T", "E2", "PROD", "", "", ""), fc("T", "E2", "PRODX", "", "", "")), `toy.SIF:48: unknown element type "PRODX"`},
		{"unknown section", replace("QUADRATIC", "QUADRUPLE"), `toy.SIF:35: unknown indicator card "QUADRUPLE"`},
		{"missing ENDATA", strings.Join(base[:57], "\n"), "missing ENDATA"},
		{"no NAME", "VARIABLES\n", "toy.SIF:1: expected NAME card"},
		{"division by zero", replace(fc("IE", "1", "", "1", "", ""), fc("I/", "1", "1", "", "1", "")), "toy.SIF:4: undefined integer parameter"},
		{"integer division by zero, I/", replace(fc("IE", "1", "", "1", "", ""), fc("IE", "1", "", "1", "", "")+"\n"+fc("IE", "Z", "", "0", "", "")+"\n"+fc("I/", "Q", "1", "", "Z", "")), "toy.SIF:6: integer division by zero"},
		{"integer division by zero, ID", replace(fc("IE", "1", "", "1", "", ""), fc("IE", "1", "", "1", "", "")+"\n"+fc("IE", "Z", "", "0", "", "")+"\n"+fc("ID", "Q", "Z", "4", "", "")), "toy.SIF:6: integer division by zero"},
		{"undefined parameter in IA", replace(fc("IE", "1", "", "1", "", ""), fc("IE", "1", "", "1", "", "")+"\n"+fc("IA", "Q", "NOPE", "4", "", "")), `toy.SIF:5: undefined integer parameter "NOPE"`},
	} {
		_, err := Parse(strings.NewReader(c.src), "toy.SIF", nil)
		var pe *ParseError
		if err == nil || !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestEvaluationAllocates(t *testing.T) {
	p, err := Parse(strings.NewReader(toySIF), "toy.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	x := p.X0()
	y := []float64{1, 2, 3}
	g := make([]float64, 3)
	c := make([]float64, 3)
	hv := make([]float64, 3)
	p.Jacobian(x)
	p.HessLag(x, y)
	k := 0
	allocs := testing.AllocsPerRun(50, func() {
		k++
		x[0] = float64(k) // a new point every time
		p.Objective(x)
		p.Gradient(g, x)
		p.Constraints(c, x)
		p.Jacobian(x)
		p.HessLagVec(hv, x, y, g)
		p.HessLag(x, y)
	})
	if allocs != 0 {
		t.Errorf("evaluation allocates %v times per point", allocs)
	}
}

func TestUnconstrainedJacobian(t *testing.T) {
	src := lines("NAME          U", "VARIABLES", "    X", "GROUPS", " N  OBJ       X         1.0", "ENDATA")
	p, err := Parse(strings.NewReader(src), "u.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := p.Jacobian(p.X0()).Dims(); r != 0 || c != 1 {
		t.Errorf("Jacobian of an unconstrained problem is %d×%d, want 0×1", r, c)
	}
	consOf(p, p.X0())
	if h := p.HessLag(p.X0(), nil); h.NNZ() != 0 {
		t.Errorf("Hessian of a linear problem has %d entries", h.NNZ())
	}
}

func TestLoadAndAccessors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "TOY.SIF"), []byte(toySIF), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MASTSIF", dir)
	if SIFDir() != dir {
		t.Fatalf("SIFDir() = %q, want $MASTSIF", SIFDir())
	}
	p, err := Load("TOY", nil)
	if err != nil {
		t.Fatal(err)
	}
	if q, err := Load(filepath.Join(dir, "TOY.SIF"), nil); err != nil || q.N() != p.N() {
		t.Fatalf("Load by path: %v", err)
	}
	if _, err := Load("NOSUCH", nil); err == nil {
		t.Error("Load of a missing problem succeeded")
	}
	if got := strings.Join(p.ConNames(), " "); got != "C1 C2 C3" {
		t.Errorf("ConNames = %s", got)
	}
	if !p.Equality(0) || p.Equality(1) || p.Equality(2) {
		t.Error("Equality flags wrong")
	}
	if s := p.VarScales(); len(s) != 3 || s[0] != 1 {
		t.Errorf("VarScales = %v", s)
	}
	ptr, col := p.JacobianPattern()
	// c1 depends on x1, x2, x3; c2 on x1, x3; c3 on x2.
	if want := []int{0, 3, 5, 6}; fmt.Sprint(ptr) != fmt.Sprint(want) || fmt.Sprint(col) != fmt.Sprint([]int{0, 1, 2, 0, 2, 1}) {
		t.Errorf("Jacobian pattern %v %v", ptr, col)
	}
	if !strings.Contains(p.String(), "TOY (n=3, m=3") {
		t.Errorf("String() = %s", p.String())
	}
	t.Setenv("MASTSIF", "")
	t.Setenv("KKT_DATA", "")
	if _, err := Load("TOY", nil); err == nil || !strings.Contains(err.Error(), "set MASTSIF") {
		t.Errorf("Load without a SIF directory: %v", err)
	}
}

func TestCloneIndependent(t *testing.T) {
	p, err := Parse(strings.NewReader(toySIF), "toy.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Clone()
	x1 := []float64{1, 2, 3}
	x2 := []float64{-1, 0.5, 2}
	f1 := p.Objective(x1)
	f2 := q.Objective(x2)
	if f1 != toyF(x1) || f2 != toyF(x2) || p.Objective(x1) != f1 {
		t.Errorf("clone shares state: %v %v", f1, f2)
	}
}

// TestFreeFormat reads the toy problem written in free format and checks
// that it is the same problem as the fixed-format version.
func TestFreeFormat(t *testing.T) {
	free := lines(
		"NAME TOY",
		"FREE FORMAT",
		"IE 1 _ 1 ; IE N _ 3 $ a comment",
		"RE P _ 3.0; RE HALF _ 0.5",
		"VARIABLES",
		"DO I 1 _ N; X X(I); ND",
		"GROUPS",
		"N OBJ X3 1.0 ; N OBJ 'SCALE' 2.0",
		"E C1 X1 1.0 X2 1.0 ; E C1 X3 1.0",
		"L C2",
		"XG C3 X2 2.0 ; ZG C3 'SCALE' _ HALF",
		"CONSTANTS",
		"_ TOY OBJ 1.0 C1 3.0 ; _ TOY C2 1.0",
		"RANGES",
		"_ TOY C2 -5.0",
		"BOUNDS",
		"FR TOY X1 ; XU TOY X2 0.0 ; LO TOY X3 -1.0 ; UP TOY X3 4.0",
		"START POINT",
		"XV TOY 'DEFAULT' 2.0 ; _ TOY X1 1.0 X2 -0.5 ; _ TOY C1 0.5",
		"QUADRATIC",
		"_ X1 X1 2.0 ; _ X2 X3 1.0",
		"ELEMENT TYPE",
		"EV SQ2 V1 _ V2 ; IV SQ2 U ; EP SQ2 P ; EV PROD V1 _ V2",
		"ELEMENT USES",
		"T E1 SQ2 ; V E1 V1 _ X1 ; V E1 V2 _ X2 ; ZP E1 P _ P",
		"T E2 PROD ; V E2 V1 _ X1 ; V E2 V2 _ X3",
		"GROUP TYPE",
		"GV L2 GVAR",
		"GROUP USES",
		"T OBJ L2 ; E OBJ E1 2.0 ; E C2 E2",
		"ENDATA",
		"ELEMENTS TOY",
		"FREE FORMAT",
		"TEMPORARIES",
		"R T",
		"INDIVIDUALS",
		"T SQ2 ; R U V1 1.0 V2 -1.0",
		"A T _ P*U ; F _ _ T* ; F+ _ _ U",
		"G U _ 2.0*T ; H U U 2.0*P",
		"T PROD ; F _ _ V1*V2 ; G V1 _ V2 ; G V2 _ V1 ; H V1 V2 1.0D0",
		"ENDATA",
		"GROUPS        TOY",
		"INDIVIDUALS",
		ec("T", "L2", "", ""),
		ec("F", "", "", "GVAR * GVAR"),
		ec("G", "", "", "2.0 * GVAR"),
		ec("H", "", "", "2.0"),
		"ENDATA",
	)
	p, err := Parse(strings.NewReader(free), "free.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Parse(strings.NewReader(toySIF), "toy.SIF", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.N() != q.N() || p.M() != q.M() {
		t.Fatalf("free: n=%d m=%d; fixed: n=%d m=%d", p.N(), p.M(), q.N(), q.M())
	}
	x := []float64{0.3, -0.7, 1.1}
	if a, b := p.Objective(x), q.Objective(x); a != b {
		t.Errorf("f: free %v, fixed %v", a, b)
	}
	ca, cb := consOf(p, x), consOf(q, x)
	for i := range ca {
		if ca[i] != cb[i] {
			t.Errorf("c: free %v, fixed %v", ca, cb)
		}
	}
	if a, b := p.XU(), q.XU(); a[1] != b[1] || p.CL()[1] != q.CL()[1] || p.Y0()[0] != q.Y0()[0] {
		t.Errorf("bounds or multipliers differ")
	}
	if _, err := Parse(strings.NewReader("NAME X\nFREE FORMAT\nVARIABLES\n_ ABCDEFGHIJKLMNOP\nENDATA\n"), "long.SIF", nil); err == nil ||
		!strings.Contains(err.Error(), "long.SIF:4: free-format string") {
		t.Errorf("over-long free-format name: %v", err)
	}
}
