package cutest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// External procedures (§7.1 of the SIF report: F temporaries). A SIF file
// may call external Fortran functions from its element and group code;
// CUTEst links their object code. The one file of the collection that does
// so, HS67, appends the Fortran source after its last ENDATA. This file
// interprets such source: a small subset of Fortran 77 in fixed form —
//
//	[type] FUNCTION name(args)        DOUBLE PRECISION, REAL, INTEGER, LOGICAL
//	type declarations with constant array bounds (at most 2 dimensions)
//	INTRINSIC, EXTERNAL (ignored), IMPLICIT NONE
//	v = e, a(i, j) = e
//	IF (c) THEN / ELSE IF (c) THEN / ELSE / END IF, IF (c) statement
//	GO TO label, label CONTINUE, RETURN, END
//
// with the expression language of the function parts (§9) and Fortran's
// implicit typing (names starting I–N are integers). Anything else is an
// error naming the line. Arguments are passed as in Fortran: an array
// argument by reference (the procedure's writes reach the caller's array), a
// scalar by value (a procedure that assigns a scalar argument is refused).
// A call runs at most fortranMaxSteps (10⁵) statements; beyond that (an
// endless GO TO loop) its results are NaN.

const fortranMaxSteps = 100_000

type fty uint8

const (
	fReal fty = iota
	fInt
	fLogical
)

// fvar is a local variable, dummy argument or the function result.
type fvar struct {
	name  string
	ty    fty
	dims  []int // nil for scalars
	size  int   // number of elements (1 for scalars)
	off   int   // offset in the frame
	arg   int   // position in the argument list, or -1
	wrote bool  // assigned somewhere in the body
}

// fexpr is a compiled expression.
type fexpr struct {
	op   byte // 'k' constant, 'v' variable element, '1' unary intrinsic, 'f' n-ary intrinsic, 'b' binary, 'u' unary minus, '!' not
	ty   fty
	val  float64
	v    *fvar
	idx  []*fexpr
	args []*fexpr
	bop  string
	f1   func(float64) float64
	fn   string
}

// fstmt is one executable statement.
type fstmt struct {
	kind  byte // '=' assign, 'i' IF…THEN (jump to next on false), 'j' jump, 'g' GO TO label, 'r' return, 'n' no-op, 'l' logical IF
	line  int
	dst   *fvar
	idx   []*fexpr
	e     *fexpr
	to    int // jump target (statement index)
	label int // GO TO label (resolved into to)
	then  *fstmt
}

// fproc is one compiled external function.
type fproc struct {
	name  string
	line  int
	args  []*fvar
	res   *fvar
	vars  map[string]*fvar
	size  int // frame length
	body  []fstmt
	pool  sync.Pool
	arity int
}

type fline struct {
	label int
	text  string // statement text, blanks removed, upper case
	line  int
}

// parseFortran compiles the external functions of the text after the last
// ENDATA (lines, the first being line first of the file).
func (it *interp) parseFortran(lines []string, first int) (map[string]*fproc, error) {
	var stmts []fline
	for i, raw := range lines {
		ln := first + i
		if raw == "" || strings.TrimSpace(raw) == "" {
			continue
		}
		switch raw[0] {
		case 'C', 'c', '*', '!':
			continue
		}
		if len(raw) > 72 {
			raw = raw[:72]
		}
		if strings.ContainsRune(raw, '\t') {
			return nil, it.errf(ln, "tab in Fortran source")
		}
		lab := window(raw, 1, 5)
		cont := window(raw, 6, 6)
		text := window(raw, 7, 72)
		if i := strings.IndexByte(text, '!'); i >= 0 {
			text = text[:i]
		}
		if strings.ContainsAny(text, "'\"") {
			return nil, it.errf(ln, "character constants are not supported in external procedures")
		}
		text = strings.ToUpper(strings.Map(func(r rune) rune {
			if r == ' ' {
				return -1
			}
			return r
		}, text))
		if cont != "" && cont != " " && cont != "0" {
			if len(stmts) == 0 {
				return nil, it.errf(ln, "continuation line without a statement")
			}
			stmts[len(stmts)-1].text += text
			continue
		}
		label := 0
		if l := strings.TrimSpace(lab); l != "" {
			v, err := strconv.Atoi(l)
			if err != nil || v <= 0 {
				return nil, it.errf(ln, "bad statement label %q", l)
			}
			label = v
		}
		stmts = append(stmts, fline{label: label, text: text, line: ln})
	}
	procs := map[string]*fproc{}
	for i := 0; i < len(stmts); {
		p, next, err := it.compileProc(stmts, i)
		if err != nil {
			return nil, err
		}
		if _, dup := procs[p.name]; dup {
			return nil, it.errf(p.line, "function %s defined twice", p.name)
		}
		procs[p.name] = p
		i = next
	}
	return procs, nil
}

var ftypes = []struct {
	kw string
	ty fty
}{{"DOUBLEPRECISION", fReal}, {"REAL*8", fReal}, {"REAL", fReal}, {"INTEGER", fInt}, {"LOGICAL", fLogical}}

func implicitType(name string) fty {
	if c := name[0]; c >= 'I' && c <= 'N' {
		return fInt
	}
	return fReal
}

func isFortranName(s string) bool {
	if s == "" || !(s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// splitTop splits s at top-level commas (outside parentheses).
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// nameParen splits "NAME(inner)" into NAME and inner (ok=false when s has
// another shape); "NAME" gives inner "" and paren false.
func nameParen(s string) (name, inner string, paren, ok bool) {
	i := strings.IndexByte(s, '(')
	if i < 0 {
		return s, "", false, isFortranName(s)
	}
	if !strings.HasSuffix(s, ")") || !isFortranName(s[:i]) {
		return "", "", false, false
	}
	inner = s[i+1 : len(s)-1]
	depth := 0
	for j := 0; j < len(inner); j++ {
		switch inner[j] {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return "", "", false, false
			}
		}
	}
	return s[:i], inner, true, depth == 0
}

func (it *interp) compileProc(stmts []fline, i int) (*fproc, int, error) {
	head := stmts[i]
	t := head.text
	resTy := fty(255)
	for _, ft := range ftypes {
		if strings.HasPrefix(t, ft.kw+"FUNCTION") {
			resTy, t = ft.ty, t[len(ft.kw):]
			break
		}
	}
	if !strings.HasPrefix(t, "FUNCTION") {
		return nil, 0, it.errf(head.line, "expected a FUNCTION statement in the external procedure text (only functions are supported)")
	}
	name, inner, paren, ok := nameParen(t[len("FUNCTION"):])
	if !ok || !paren {
		return nil, 0, it.errf(head.line, "malformed FUNCTION statement")
	}
	if resTy == 255 {
		resTy = implicitType(name)
	}
	p := &fproc{name: name, line: head.line, vars: map[string]*fvar{}}
	p.res = &fvar{name: name, ty: resTy, size: 1, arg: -1}
	p.vars[name] = p.res
	if inner != "" {
		for k, a := range strings.Split(inner, ",") {
			if !isFortranName(a) {
				return nil, 0, it.errf(head.line, "bad dummy argument %q", a)
			}
			if _, dup := p.vars[a]; dup {
				return nil, 0, it.errf(head.line, "dummy argument %s repeated", a)
			}
			v := &fvar{name: a, ty: implicitType(a), size: 1, arg: k}
			p.vars[a] = v
			p.args = append(p.args, v)
		}
	}
	p.arity = len(p.args)
	// Declarations, then executable statements up to END.
	j := i + 1
	for ; j < len(stmts); j++ {
		s := stmts[j]
		if s.label != 0 {
			break
		}
		t := s.text
		if strings.HasPrefix(t, "INTRINSIC") || strings.HasPrefix(t, "EXTERNAL") && !strings.Contains(t, "=") {
			continue
		}
		if t == "IMPLICITNONE" {
			continue // names are declared or typed implicitly; both work
		}
		if strings.HasPrefix(t, "IMPLICIT") || strings.HasPrefix(t, "COMMON") || strings.HasPrefix(t, "DATA") && !strings.Contains(t, "=") ||
			strings.HasPrefix(t, "SAVE") || strings.HasPrefix(t, "PARAMETER(") || strings.HasPrefix(t, "EQUIVALENCE") || strings.HasPrefix(t, "DIMENSION") {
			return nil, 0, it.errf(s.line, "unsupported Fortran statement in external procedure %s", p.name)
		}
		decl := false
		for _, ft := range ftypes {
			if !strings.HasPrefix(t, ft.kw) || strings.Contains(t, "=") || strings.HasPrefix(t, ft.kw+"FUNCTION") {
				continue
			}
			decl = true
			for _, item := range splitTop(t[len(ft.kw):]) {
				vn, dimsText, paren, ok := nameParen(item)
				if !ok {
					return nil, 0, it.errf(s.line, "bad declaration %q", item)
				}
				v := p.vars[vn]
				if v == nil {
					v = &fvar{name: vn, size: 1, arg: -1}
					p.vars[vn] = v
				}
				v.ty = ft.ty
				if paren {
					if v.dims != nil {
						return nil, 0, it.errf(s.line, "%s dimensioned twice", vn)
					}
					ds := strings.Split(dimsText, ",")
					if len(ds) > 2 {
						return nil, 0, it.errf(s.line, "%s: at most 2 dimensions are supported", vn)
					}
					v.size = 1
					for _, d := range ds {
						n, err := strconv.Atoi(d)
						if err != nil || n < 1 || n > 100_000 {
							return nil, 0, it.errf(s.line, "%s: array bounds must be integer constants in 1…100000", vn)
						}
						v.dims = append(v.dims, n)
						v.size *= n
					}
					if v.size > 100_000 {
						return nil, 0, it.errf(s.line, "%s: array too large", vn)
					}
				}
			}
			break
		}
		if !decl {
			break
		}
	}
	labels := map[int]int{}
	type pendingIf struct {
		idx   []int // IF/ELSE IF statements whose false branch must be patched
		exits []int // jumps to the END IF
	}
	var ifs []pendingIf
	ended := false
	for ; j < len(stmts); j++ {
		s := stmts[j]
		t := s.text
		if s.label != 0 {
			if _, dup := labels[s.label]; dup {
				return nil, 0, it.errf(s.line, "label %d defined twice", s.label)
			}
			labels[s.label] = len(p.body)
		}
		switch {
		case t == "END":
			ended = true
		case t == "ENDIF":
			if len(ifs) == 0 {
				return nil, 0, it.errf(s.line, "END IF without IF")
			}
			top := ifs[len(ifs)-1]
			ifs = ifs[:len(ifs)-1]
			for _, k := range top.idx {
				p.body[k].to = len(p.body)
			}
			for _, k := range top.exits {
				p.body[k].to = len(p.body)
			}
			p.body = append(p.body, fstmt{kind: 'n', line: s.line})
		case t == "ELSE" || strings.HasPrefix(t, "ELSEIF("):
			if len(ifs) == 0 {
				return nil, 0, it.errf(s.line, "ELSE without IF")
			}
			top := &ifs[len(ifs)-1]
			top.exits = append(top.exits, len(p.body))
			p.body = append(p.body, fstmt{kind: 'j', line: s.line})
			for _, k := range top.idx {
				p.body[k].to = len(p.body)
			}
			top.idx = top.idx[:0]
			if t != "ELSE" {
				cond, rest, ok := ifCond(t[len("ELSEIF"):])
				if !ok || rest != "THEN" {
					return nil, 0, it.errf(s.line, "malformed ELSE IF")
				}
				e, err := p.expr(cond)
				if err != nil {
					return nil, 0, it.errf(s.line, "%v", err)
				}
				top.idx = append(top.idx, len(p.body))
				p.body = append(p.body, fstmt{kind: 'i', line: s.line, e: e})
			}
		case strings.HasPrefix(t, "IF("):
			cond, rest, ok := ifCond(t[2:])
			if !ok || rest == "" {
				return nil, 0, it.errf(s.line, "malformed IF")
			}
			e, err := p.expr(cond)
			if err != nil {
				return nil, 0, it.errf(s.line, "%v", err)
			}
			if rest == "THEN" {
				ifs = append(ifs, pendingIf{idx: []int{len(p.body)}})
				p.body = append(p.body, fstmt{kind: 'i', line: s.line, e: e})
				break
			}
			inner, err := p.simple(rest, s.line, it)
			if err != nil {
				return nil, 0, err
			}
			p.body = append(p.body, fstmt{kind: 'l', line: s.line, e: e, then: inner})
		default:
			st, err := p.simple(t, s.line, it)
			if err != nil {
				return nil, 0, err
			}
			p.body = append(p.body, *st)
		}
		if ended {
			j++
			break
		}
	}
	if !ended {
		return nil, 0, it.errf(head.line, "function %s has no END", p.name)
	}
	if len(ifs) > 0 {
		return nil, 0, it.errf(head.line, "function %s: IF block without END IF", p.name)
	}
	resolve := func(st *fstmt) error {
		if st.kind == 'g' {
			to, ok := labels[st.label]
			if !ok {
				return it.errf(st.line, "GO TO %d: no such label", st.label)
			}
			st.to = to
		}
		return nil
	}
	for k := range p.body {
		if err := resolve(&p.body[k]); err != nil {
			return nil, 0, err
		}
		if p.body[k].then != nil {
			if err := resolve(p.body[k].then); err != nil {
				return nil, 0, err
			}
		}
	}
	for _, v := range p.vars {
		if v.arg >= 0 && v.dims == nil && v.wrote {
			return nil, 0, it.errf(head.line, "function %s assigns its scalar argument %s (not supported)", p.name, v.name)
		}
		v.off = p.size
		p.size += v.size
	}
	return p, j, nil
}

// ifCond splits "(cond)rest".
func ifCond(s string) (cond, rest string, ok bool) {
	if !strings.HasPrefix(s, "(") {
		return "", "", false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s[1:i], s[i+1:], true
			}
		}
	}
	return "", "", false
}

// simple compiles an assignment, GO TO, CONTINUE or RETURN.
func (p *fproc) simple(t string, line int, it *interp) (*fstmt, error) {
	switch {
	case t == "CONTINUE":
		return &fstmt{kind: 'n', line: line}, nil
	case t == "RETURN":
		return &fstmt{kind: 'r', line: line}, nil
	case strings.HasPrefix(t, "GOTO"):
		l, err := strconv.Atoi(t[4:])
		if err != nil || l <= 0 {
			return nil, it.errf(line, "malformed GO TO (computed and assigned GO TO are not supported)")
		}
		return &fstmt{kind: 'g', line: line, label: l}, nil
	}
	// Assignment: a top-level '=' not part of a relational operator.
	depth, eq := 0, -1
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '(':
			depth++
		case ')':
			depth--
		case '=':
			if depth == 0 && eq < 0 && !(i+1 < len(t) && t[i+1] == '=') && !(i > 0 && strings.ContainsRune("<>/=", rune(t[i-1]))) {
				eq = i
			}
		}
	}
	if eq > 0 {
		name, inner, paren, ok := nameParen(t[:eq])
		if ok && !(strings.HasPrefix(t, "DO") && strings.Contains(t[eq:], ",")) {
			v := p.lookup(name)
			if v == nil {
				return nil, it.errf(line, "%s cannot be assigned", name)
			}
			st := &fstmt{kind: '=', line: line, dst: v}
			if paren != (v.dims != nil) {
				return nil, it.errf(line, "%s: wrong use of an array", name)
			}
			if paren {
				ix := strings.Split(inner, ",")
				if len(ix) != len(v.dims) {
					return nil, it.errf(line, "%s has %d dimension(s)", name, len(v.dims))
				}
				for _, x := range ix {
					e, err := p.expr(x)
					if err != nil {
						return nil, it.errf(line, "%v", err)
					}
					st.idx = append(st.idx, e)
				}
			}
			e, err := p.expr(t[eq+1:])
			if err != nil {
				return nil, it.errf(line, "%v", err)
			}
			st.e = e
			v.wrote = true
			return st, nil
		}
	}
	return nil, it.errf(line, "unsupported Fortran statement in external procedure %s", p.name)
}

// lookup returns the variable name, creating a local with the implicit
// type on first use.
func (p *fproc) lookup(name string) *fvar {
	if v, ok := p.vars[name]; ok {
		return v
	}
	if _, intrinsic := fIntrinsics[name]; intrinsic {
		return nil
	}
	v := &fvar{name: name, ty: implicitType(name), size: 1, arg: -1}
	p.vars[name] = v
	return v
}

func (p *fproc) expr(src string) (*fexpr, error) {
	n, err := parseExpr(src)
	if err != nil {
		return nil, err
	}
	return p.compileNode(n)
}

var fIntrinsics = map[string]bool{
	"ABS": true, "DABS": true, "IABS": true, "SQRT": true, "DSQRT": true, "EXP": true, "DEXP": true,
	"LOG": true, "DLOG": true, "ALOG": true, "LOG10": true, "DLOG10": true, "SIN": true, "DSIN": true,
	"COS": true, "DCOS": true, "TAN": true, "DTAN": true, "ASIN": true, "DASIN": true, "ACOS": true,
	"DACOS": true, "ATAN": true, "DATAN": true, "SINH": true, "DSINH": true, "COSH": true, "DCOSH": true,
	"TANH": true, "DTANH": true, "DBLE": true, "REAL": true, "FLOAT": true, "DFLOAT": true, "INT": true,
	"IDINT": true, "NINT": true, "IDNINT": true, "ATAN2": true, "DATAN2": true, "SIGN": true, "DSIGN": true,
	"MOD": true, "DMOD": true, "MAX": true, "MIN": true, "DMAX1": true, "DMIN1": true, "AMAX1": true,
	"AMIN1": true, "MAX0": true, "MIN0": true,
}

var f1funcs = map[string]func(float64) float64{
	"ABS": math.Abs, "DABS": math.Abs, "IABS": math.Abs, "SQRT": math.Sqrt, "DSQRT": math.Sqrt,
	"EXP": math.Exp, "DEXP": math.Exp, "LOG": math.Log, "DLOG": math.Log, "ALOG": math.Log,
	"LOG10": math.Log10, "DLOG10": math.Log10, "SIN": math.Sin, "DSIN": math.Sin, "COS": math.Cos,
	"DCOS": math.Cos, "TAN": math.Tan, "DTAN": math.Tan, "ASIN": math.Asin, "DASIN": math.Asin,
	"ACOS": math.Acos, "DACOS": math.Acos, "ATAN": math.Atan, "DATAN": math.Atan, "SINH": math.Sinh,
	"DSINH": math.Sinh, "COSH": math.Cosh, "DCOSH": math.Cosh, "TANH": math.Tanh, "DTANH": math.Tanh,
	"DBLE": func(x float64) float64 { return x }, "REAL": func(x float64) float64 { return x },
	"FLOAT": func(x float64) float64 { return x }, "DFLOAT": func(x float64) float64 { return x },
	"INT": math.Trunc, "IDINT": math.Trunc, "NINT": math.Round, "IDNINT": math.Round,
}

func (p *fproc) compileNode(n *node) (*fexpr, error) {
	switch n.op {
	case "num":
		ty := fReal
		if n.isInt {
			ty = fInt
		}
		return &fexpr{op: 'k', ty: ty, val: n.v}, nil
	case "bool":
		return &fexpr{op: 'k', ty: fLogical, val: n.v}, nil
	case "name":
		v := p.lookup(n.name)
		if v == nil {
			return nil, fmt.Errorf("intrinsic %s used as a variable", n.name)
		}
		if v.dims != nil {
			return nil, fmt.Errorf("array %s used without subscripts", n.name)
		}
		return &fexpr{op: 'v', ty: v.ty, v: v}, nil
	case "neg", "not":
		a, err := p.compileNode(n.args[0])
		if err != nil {
			return nil, err
		}
		if n.op == "not" {
			return &fexpr{op: '!', ty: fLogical, args: []*fexpr{a}}, nil
		}
		return &fexpr{op: 'u', ty: a.ty, args: []*fexpr{a}}, nil
	case "call":
		args := make([]*fexpr, len(n.args))
		for i, a := range n.args {
			e, err := p.compileNode(a)
			if err != nil {
				return nil, err
			}
			args[i] = e
		}
		if v, ok := p.vars[n.name]; ok && v.dims != nil {
			if len(args) != len(v.dims) {
				return nil, fmt.Errorf("%s has %d dimension(s)", n.name, len(v.dims))
			}
			return &fexpr{op: 'v', ty: v.ty, v: v, idx: args}, nil
		}
		if f, ok := f1funcs[n.name]; ok {
			if len(args) != 1 {
				return nil, fmt.Errorf("%s takes 1 argument", n.name)
			}
			ty := fReal
			switch n.name {
			case "INT", "IDINT", "NINT", "IDNINT":
				ty = fInt
			case "ABS", "IABS":
				ty = args[0].ty
			}
			return &fexpr{op: '1', ty: ty, f1: f, args: args}, nil
		}
		if fIntrinsics[n.name] {
			if len(args) < 2 || (len(args) != 2 && !strings.Contains("MAX MIN DMAX1 DMIN1 AMAX1 AMIN1 MAX0 MIN0", n.name)) {
				return nil, fmt.Errorf("%s: wrong number of arguments", n.name)
			}
			ty := fReal
			if args[0].ty == fInt && args[1].ty == fInt && !strings.HasPrefix(n.name, "D") && !strings.HasPrefix(n.name, "A") {
				ty = fInt
			}
			return &fexpr{op: 'f', ty: ty, fn: n.name, args: args}, nil
		}
		return nil, fmt.Errorf("unknown function or array %s (calls of other external functions are not supported)", n.name)
	}
	if len(n.args) != 2 {
		return nil, fmt.Errorf("malformed expression")
	}
	a, err := p.compileNode(n.args[0])
	if err != nil {
		return nil, err
	}
	b, err := p.compileNode(n.args[1])
	if err != nil {
		return nil, err
	}
	ty := fReal
	switch n.op {
	case "+", "-", "*", "/", "**":
		if a.ty == fInt && b.ty == fInt {
			ty = fInt
		}
	default:
		ty = fLogical
	}
	return &fexpr{op: 'b', ty: ty, bop: n.op, args: []*fexpr{a, b}}, nil
}

// fframe is the storage of one call.
type fframe struct {
	mem   []float64
	in    []float64
	out   []float64
	steps int
	bad   bool // an index out of bounds or the step limit
}

func (p *fproc) index(f *fframe, v *fvar, idx []*fexpr) int {
	if len(idx) == 0 {
		return v.off
	}
	k, stride := 0, 1
	for d, e := range idx {
		i := int(p.eval(f, e)) - 1
		if i < 0 || i >= v.dims[d] {
			f.bad = true
			return -1
		}
		k += i * stride
		stride *= v.dims[d]
	}
	return v.off + k
}

func b2fl(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (p *fproc) eval(f *fframe, e *fexpr) float64 {
	switch e.op {
	case 'k':
		return e.val
	case 'v':
		k := p.index(f, e.v, e.idx)
		if k < 0 {
			return math.NaN()
		}
		return f.mem[k]
	case 'u':
		return -p.eval(f, e.args[0])
	case '!':
		return b2fl(p.eval(f, e.args[0]) == 0)
	case '1':
		return e.f1(p.eval(f, e.args[0]))
	case 'f':
		x := p.eval(f, e.args[0])
		switch e.fn {
		case "ATAN2", "DATAN2":
			return math.Atan2(x, p.eval(f, e.args[1]))
		case "SIGN", "DSIGN":
			if p.eval(f, e.args[1]) >= 0 {
				return math.Abs(x)
			}
			return -math.Abs(x)
		case "MOD", "DMOD":
			return math.Mod(x, p.eval(f, e.args[1]))
		}
		min := strings.Contains(e.fn, "MIN")
		for _, a := range e.args[1:] {
			y := p.eval(f, a)
			if min && y < x || !min && y > x {
				x = y
			}
		}
		return x
	}
	x, y := p.eval(f, e.args[0]), p.eval(f, e.args[1])
	switch e.bop {
	case "+":
		return x + y
	case "-":
		return x - y
	case "*":
		return x * y
	case "/":
		if e.ty == fInt {
			if y == 0 {
				f.bad = true
				return math.NaN()
			}
			return math.Trunc(x / y)
		}
		return x / y
	case "**":
		r := math.Pow(x, y)
		if e.ty == fInt {
			r = math.Trunc(r)
		}
		return r
	case "LT":
		return b2fl(x < y)
	case "LE":
		return b2fl(x <= y)
	case "GT":
		return b2fl(x > y)
	case "GE":
		return b2fl(x >= y)
	case "EQ":
		return b2fl(x == y)
	case "NE":
		return b2fl(x != y)
	case "AND":
		return b2fl(x != 0 && y != 0)
	case "OR":
		return b2fl(x != 0 || y != 0)
	case "EQV":
		return b2fl((x != 0) == (y != 0))
	case "NEQV":
		return b2fl((x != 0) != (y != 0))
	}
	f.bad = true
	return math.NaN()
}

func (p *fproc) exec(f *fframe, st *fstmt) (next int, ret bool) {
	switch st.kind {
	case '=':
		v := p.eval(f, st.e)
		switch st.dst.ty {
		case fInt:
			v = math.Trunc(v)
		case fLogical:
			v = b2fl(v != 0)
		}
		if k := p.index(f, st.dst, st.idx); k >= 0 {
			f.mem[k] = v
		}
	case 'r':
		return 0, true
	case 'g', 'j':
		return st.to, false
	case 'i':
		if p.eval(f, st.e) == 0 {
			return st.to, false
		}
	}
	return -1, false
}

// callSite is one call of an external function in a kernel: the registers
// of its flattened arguments before (in) and after (out, -1 where unused)
// the call, and of its value (res).
type callSite struct {
	proc *fproc
	in   []int32
	out  []int32
	res  int32
}

// runLanes executes the call on the first nl lanes of a kernel's registers.
func (p *fproc) runLanes(s *callSite, regs []float64, nl int) {
	f, _ := p.pool.Get().(*fframe)
	if f == nil || len(f.in) != len(s.in) {
		f = &fframe{mem: make([]float64, p.size), in: make([]float64, len(s.in)), out: make([]float64, len(s.in))}
	}
	for i := 0; i < nl; i++ {
		for j, r := range s.in {
			f.in[j] = regs[int(r)*lanes+i]
		}
		regs[int(s.res)*lanes+i] = p.call(f)
		for j, r := range s.out {
			if r >= 0 {
				regs[int(r)*lanes+i] = f.out[j]
			}
		}
	}
	p.pool.Put(f)
}

// call runs the function with the arguments f.in (in order, arrays
// flattened in column-major order) and leaves them, as the function left
// them, in f.out. It returns the function value; on a runtime fault (an
// index out of bounds, an integer division by zero, more than
// fortranMaxSteps statements) the value and every output are NaN.
func (p *fproc) call(f *fframe) float64 {
	clear(f.mem)
	f.steps, f.bad = 0, false
	k := 0
	for _, a := range p.args {
		copy(f.mem[a.off:a.off+a.size], f.in[k:k+a.size])
		k += a.size
	}
	for pc := 0; pc < len(p.body) && !f.bad; {
		f.steps++
		if f.steps > fortranMaxSteps {
			f.bad = true
			break
		}
		st := &p.body[pc]
		if st.kind == 'l' {
			if p.eval(f, st.e) == 0 {
				pc++
				continue
			}
			st = st.then
		}
		next, ret := p.exec(f, st)
		if ret {
			break
		}
		if next >= 0 {
			pc = next
		} else {
			pc++
		}
	}
	res := f.mem[p.res.off]
	k = 0
	for _, a := range p.args {
		copy(f.out[k:k+a.size], f.mem[a.off:a.off+a.size])
		k += a.size
	}
	if f.bad {
		res = math.NaN()
		for i := range f.out[:k] {
			f.out[i] = math.NaN()
		}
	}
	return res
}
