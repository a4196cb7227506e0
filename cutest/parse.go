package cutest

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Options control how a SIF file is turned into a Problem.
type Options struct {
	// Params overrides $-PARAMETER values: when an active IE or RE card
	// carrying the $-PARAMETER marker assigns a parameter named here, the
	// given value replaces the card's value (integers for IE cards).
	Params map[string]float64
	// MemoryBudget (bytes; 0 means DefaultMemoryBudget) bounds the work of
	// interpreting the file: every card executed (DO loops replay their
	// bodies) and every entity built (variable, group, element, elemental
	// variable, linear or quadratic entry) costs one unit, and a file may
	// spend MemoryBudget/WorkUnitBytes units. A DO loop whose trip count
	// alone exceeds what is left fails at its DO card, before running. The
	// largest file of the CUTEst collection at its default size (CHANDHEU,
	// N = 500) spends 5.0 million units, under a third of the default
	// budget; raise the budget for larger $-PARAMETER choices.
	MemoryBudget int64
	// DeclaredVariablesOnly makes an ELEMENT USES V card that names a
	// variable not declared in VARIABLES an error naming the file and line.
	// By default such a name declares a new variable, appended after the
	// declared ones, as the SIF report specifies ("The name of this variable
	// may have been set in the VARIABLES/COLUMNS section or may be a new
	// variable (often known as a nonlinear variable) introduced here"):
	// BATCH, MINSURFO, NUFFIELD and QRTQUAD rely on it. Set it to catch
	// misspelt names in files that declare all their variables.
	DeclaredVariablesOnly bool
}

const (
	bigInf = 1e20 // |value| ≥ 1e20 means infinity (SIFDecode's "big")

	// DefaultMemoryBudget is the MemoryBudget used when Options leaves it 0:
	// 1 GiB, that is 16,777,216 units of work (a few seconds of CPU at most).
	DefaultMemoryBudget = 1 << 30
	// WorkUnitBytes is the memory one unit of work stands for. A card
	// executed or a linear, quadratic or element entry costs one unit; a
	// named entity (variable, group, element) costs declUnits, for its name,
	// its index entry and the time these take (about 1.4 µs each, against
	// 0.15 µs for a card).
	WorkUnitBytes = 64
	declUnits     = 8
)

type section int

const (
	secNone section = iota
	secVars
	secGroups
	secConst
	secRanges
	secBounds
	secStart
	secQuad
	secEType
	secEUses
	secGType
	secGUses
	secObjBound
)

var sectionOf = map[string]section{
	"VARIABLES": secVars, "COLUMNS": secVars,
	"GROUPS": secGroups, "ROWS": secGroups, "CONSTRAINTS": secGroups,
	"CONSTANTS": secConst, "RHS": secConst, "RHS'": secConst,
	"RANGES": secRanges, "BOUNDS": secBounds, "START POINT": secStart,
	"QUADRATIC": secQuad, "HESSIAN": secQuad, "QUADS": secQuad, "QUADOBJ": secQuad, "QSECTION": secQuad, "QMATRIX": secQuad,
	"ELEMENT TYPE": secEType, "ELEMENT USES": secEUses, "GROUP TYPE": secGType, "GROUP USES": secGUses,
	"OBJECT BOUND": secObjBound,
}

type dcard struct {
	card
	sec  section
	tmpl [3]*nameTmpl
}

// stmt is one statement of a function part (GLOBALS or INDIVIDUALS).
type stmt struct {
	kind   byte // 'A', 'I', 'E', 'F', 'G', 'H'
	f2, f3 string
	c4f2   string // columns 4–14: field 2 with the separator column before it (a name that starts one column early)
	expr   string
	line   int
}

type rEntry struct {
	iv, ev string
	coef   float64
	line   int
}

type fblock struct {
	name  string
	line  int
	rs    []rEntry
	stmts []stmt
}

// funcPart is a parsed ELEMENTS or GROUPS part.
type funcPart struct {
	temps   map[string]byte  // upper-case name → R, I, L, M, F
	arrays  map[string][]int // array temporaries: name → dimensions
	globals []stmt
	blocks  map[string]*fblock
}

type linEntry struct {
	v    int
	coef float64
}

type etypeDef struct {
	name       string
	ev, iv, ep []string
	line       int
}

type elemDef struct {
	name   string
	typ    int
	vars   []int // problem variable per elemental variable (-1 unset)
	params []float64
	pset   []bool
	line   int
}

type gtypeDef struct {
	name string
	gv   string
	gp   []string
	line int
}

type elW struct {
	e int
	w float64
}

// interp executes the data part of a SIF file.
type interp struct {
	file string
	opt  Options
	// Integer parameters live in slots so that cards replayed by loops
	// read them without hashing their names.
	islotOf map[string]int32
	ival    []int
	iset    []bool
	rpar    map[string]float64
	name    string
	class   string

	varNames []string
	varIx    map[string]int
	varScale []float64

	gNames []string
	gIx    map[string]int
	gKind  []byte
	gScale []float64
	gLin   [][]linEntry

	sawVars, sawGroups bool
	colwise            bool

	constVec, rangeVec, boundVec, startVec, objVec string
	constDef, rangeDef                             float64
	constOf, rangeOf                               map[int]float64
	defLo, defUp                                   float64
	loOf, upOf                                     map[int]float64
	startDefV, startDefM                           float64
	startV, startM                                 map[int]float64
	objLo, objUp                                   float64

	quad [][3]float64 // i, j, h

	etypes   []*etypeDef
	etIx     map[string]int
	elems    []*elemDef
	elIx     map[string]int
	defEl    int
	gtypes   []*gtypeDef
	gtIx     map[string]int
	defGT    int // -1 trivial
	gType    []int
	gTypeSet []bool
	gEls     [][]elW
	gPar     [][]float64
	gPset    [][]bool

	work      int64 // units of work spent (cards executed + entities built)
	budget    int64 // units of work allowed
	nameBuf   []byte
	recent    [4]string // recently expanded names
	recentPos int
	lastEl    *elemDef // element of the previous ELEMENT USES card
	pairBuf   []namedVal
	// allocation chunks for elements
	elemChunk []elemDef
	intChunk  []int
	fltChunk  []float64
	boolChunk []bool
	elemPart  *funcPart
	grpPart   *funcPart

	trailer     []string // lines after the last ENDATA (external Fortran procedures)
	trailerLine int      // line number of trailer[0]
	procs       map[string]*fproc
	procsErr    error
	procsDone   bool
}

// externalProcs compiles (once) the external functions appended to the
// file.
func (it *interp) externalProcs() (map[string]*fproc, error) {
	if !it.procsDone {
		it.procsDone = true
		it.procs, it.procsErr = it.parseFortran(it.trailer, it.trailerLine)
	}
	return it.procs, it.procsErr
}

func (it *interp) errf(line int, format string, args ...any) error {
	return &ParseError{File: it.file, Line: line, Err: fmt.Errorf(format, args...)}
}

func (it *interp) grow(k int, line int) error {
	it.work += int64(k)
	if it.work > it.budget {
		return it.overBudget(line, "the problem's entities")
	}
	return nil
}

func (it *interp) overBudget(line int, what string) error {
	return it.errf(line, "%s: over the work budget of %d units (Options.MemoryBudget = %d bytes, %d bytes a unit)",
		what, it.budget, it.budget*WorkUnitBytes, WorkUnitBytes)
}

// readSIF splits the input into the data-part cards and the two function
// parts.
func readSIF(r io.Reader, file string, opt *Options) (*interp, []dcard, error) {
	it := &interp{file: file, islotOf: map[string]int32{}, rpar: map[string]float64{},
		varIx: map[string]int{}, gIx: map[string]int{}, constOf: map[int]float64{}, rangeOf: map[int]float64{},
		defUp: math.Inf(1), loOf: map[int]float64{}, upOf: map[int]float64{},
		startV: map[int]float64{}, startM: map[int]float64{}, objLo: math.Inf(-1), objUp: math.Inf(1),
		etIx: map[string]int{}, elIx: map[string]int{}, defEl: -1, gtIx: map[string]int{}, defGT: -1,
		rangeDef: math.Inf(1)}
	if opt != nil {
		it.opt = *opt
	}
	mb := it.opt.MemoryBudget
	if mb <= 0 {
		mb = DefaultMemoryBudget
	}
	it.budget = max(mb/WorkUnitBytes, 1)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var cards []dcard
	part := 0 // 0 before NAME, 1 data, 2 after first ENDATA, 3 in function part, 4 done
	sec := secNone
	var fp *funcPart
	fsub := ""
	var blk *fblock
	lineNo := 0
	sawName := false
	free := false
	var pending []string // fixed-format cards translated from a free-format line
	for {
		var line string
		if len(pending) > 0 {
			line, pending = pending[0], pending[1:]
		} else {
			if !sc.Scan() {
				break
			}
			lineNo++
			line = strings.TrimRight(sc.Text(), "\r")
			if free && len(line) > 0 && line[0] != '*' {
				var err error
				if pending, err = translateFree(line, part == 3); err != nil {
					return nil, nil, it.errf(lineNo, "%v", err)
				}
				continue
			}
		}
		if part == 4 || (part == 2 && (it.elemPart != nil || it.grpPart != nil) && len(line) > 0 &&
			line[0] != ' ' && line[0] != '*' && !strings.HasPrefix(line, "ELEMENTS") && !strings.HasPrefix(line, "GROUPS")) {
			// Text after the last part ends the SIF input (SIFDecode stops
			// reading there too). It is kept: HS67 appends the Fortran
			// source of its external function there.
			if err := it.readTrailer(sc, line, lineNo); err != nil {
				return nil, nil, err
			}
			break
		}
		if len(line) > 0 && line[0] == '%' {
			// Not a SIF comment card (the SIF report knows only '*'), but
			// CHANDHEULS has one; S2MPJ ignores it, SIFDecode rejects it.
			// Accepted as a comment: the line can mean nothing else.
			continue
		}
		if len(line) == 0 || line[0] == '*' {
			if it.class == "" && len(line) > 0 {
				it.class = ClassificationOf(line)
			}
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if line[0] != ' ' {
			kw := indicatorOf(line)
			switch {
			case kw == "":
				return nil, nil, it.errf(lineNo, "unknown indicator card %q", strings.TrimSpace(line))
			case kw == "FREE FORMAT":
				free = true
				continue
			case kw == "FIXED FORMAT":
				free = false
				continue
			case kw == "ENDATA":
				free = false
			}
			switch part {
			case 0:
				if kw != "NAME" {
					return nil, nil, it.errf(lineNo, "expected NAME card, found %s", kw)
				}
				it.name = strings.TrimSpace(window(line, 15, 24))
				sawName = true
				part = 1
			case 1:
				if kw == "ENDATA" {
					part = 2
					continue
				}
				s, ok := sectionOf[kw]
				if !ok {
					return nil, nil, it.errf(lineNo, "indicator %s not allowed in the data part", kw)
				}
				if s == secVars && !it.sawGroups {
					it.sawVars = true
				}
				if s == secGroups && !it.sawVars {
					it.colwise = true
				}
				if s == secGroups {
					it.sawGroups = true
				}
				if s == secVars {
					it.sawVars = true
				}
				sec = s
				cards = append(cards, dcard{card: card{line: lineNo, code: "<SECTION>"}, sec: s})
			case 2:
				switch kw {
				case "ELEMENTS":
					if it.elemPart != nil {
						return nil, nil, it.errf(lineNo, "duplicate ELEMENTS part")
					}
					fp = &funcPart{temps: map[string]byte{}, blocks: map[string]*fblock{}}
					it.elemPart = fp
				case "GROUPS":
					if it.grpPart != nil {
						return nil, nil, it.errf(lineNo, "duplicate GROUPS part")
					}
					fp = &funcPart{temps: map[string]byte{}, blocks: map[string]*fblock{}}
					it.grpPart = fp
				default:
					return nil, nil, it.errf(lineNo, "expected ELEMENTS or GROUPS after ENDATA, found %s", kw)
				}
				fsub, blk = "", nil
				part = 3
			case 3:
				switch kw {
				case "ENDATA":
					part = 2
					if it.elemPart != nil && it.grpPart != nil {
						part = 4
					}
					fp = nil
				case "TEMPORARIES", "GLOBALS", "INDIVIDUALS":
					fsub, blk = kw, nil
				default:
					return nil, nil, it.errf(lineNo, "indicator %s not allowed in a function part", kw)
				}
			}
			continue
		}
		// Data card.
		switch part {
		case 0:
			continue
		case 1:
			c := splitCard(line, lineNo)
			cards = append(cards, dcard{card: c, sec: sec})
		case 2:
			continue // text between parts is ignored
		case 3:
			c := splitCard(line, lineNo)
			if err := it.funcCard(fp, fsub, &blk, c); err != nil {
				return nil, nil, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, it.errf(lineNo, "read error: %v", err)
	}
	if !sawName {
		return nil, nil, it.errf(0, "no NAME card")
	}
	if part == 1 {
		return nil, nil, it.errf(lineNo, "missing ENDATA at end of data part")
	}
	if part == 3 {
		return nil, nil, it.errf(lineNo, "missing ENDATA at end of function part")
	}
	return it, cards, nil
}

// ClassificationOf returns the classification string of a SIF comment
// line such as "*   classification SUR2-AN-2-0", or "".
func ClassificationOf(line string) string {
	const key = "classification"
	for i := 0; i+len(key) <= len(line); i++ {
		match := true
		for k := 0; k < len(key); k++ {
			ch := line[i+k]
			if ch >= 'A' && ch <= 'Z' {
				ch += 'a' - 'A'
			}
			if ch != key[k] {
				match = false
				break
			}
		}
		if match {
			if f := strings.Fields(line[i+len(key):]); len(f) > 0 {
				return f[0]
			}
			return ""
		}
	}
	return ""
}

// translateFree turns one free-format line into fixed-format cards (§2.3
// of the SIF report): strings are separated by blanks, '_' ends a string
// and contributes an empty one, ';' ends a card, '$' starts a comment. The
// strings of a card go to columns 2, 5, 15, 25, 40 and 50 (an expression,
// in the function parts, to columns 25–65). A card whose text starts with an
// indicator keyword is an indicator card.
func translateFree(line string, funcPart bool) ([]string, error) {
	if len(line) > 160 {
		return nil, fmt.Errorf("free-format line longer than 160 characters")
	}
	if i := strings.IndexByte(line, '$'); i >= 0 {
		line = line[:i]
	}
	var out []string
	for _, text := range strings.Split(line, ";") {
		t := strings.TrimSpace(text)
		if t == "" {
			continue
		}
		if kw := indicatorOf(t); kw != "" {
			rest := strings.Fields(t[len(kw):])
			card := kw
			if len(rest) > 0 {
				card = fmt.Sprintf("%-14s%s", kw, rest[0])
			}
			out = append(out, card)
			continue
		}
		var strs []string
		cur, have := "", false
		for i := 0; i < len(text); i++ {
			switch ch := text[i]; ch {
			case ' ', '\t':
				if have {
					strs, cur, have = append(strs, cur), "", false
				}
			case '_':
				if have {
					strs = append(strs, cur)
				}
				strs, cur, have = append(strs, ""), "", false
			default:
				cur += string(ch)
				have = true
			}
		}
		if have {
			strs = append(strs, cur)
		}
		if len(strs) == 0 {
			continue
		}
		code := strings.TrimSuffix(strs[0], "+")
		expr := funcPart && len(strs[0]) <= 2 && len(code) == 1 && strings.Contains("AIEFGH", code)
		cols := []int{2, 5, 15, 25, 40, 50}
		widths := []int{2, 10, 10, 12, 10, 12}
		if expr {
			widths[3] = 41
		}
		if len(strs) > 6 || (expr && len(strs) > 4) {
			return nil, fmt.Errorf("too many strings on a free-format card")
		}
		b := []byte(strings.Repeat(" ", 65))
		for k, str := range strs {
			if len(str) > widths[k] {
				return nil, fmt.Errorf("free-format string %q longer than %d characters", str, widths[k])
			}
			copy(b[cols[k]-1:], str)
		}
		out = append(out, strings.TrimRight(string(b), " "))
	}
	return out, nil
}

// funcCard records one card of an ELEMENTS or GROUPS part.
func (it *interp) funcCard(fp *funcPart, sub string, blk **fblock, c card) error {
	code := c.code
	switch sub {
	case "":
		return nil // stray cards before the first sub-section are ignored
	case "TEMPORARIES":
		if len(code) != 1 || !strings.Contains("RILMF", code) {
			return it.errf(c.line, "unknown TEMPORARIES code %q", code)
		}
		if c.f2 == "" {
			return it.errf(c.line, "missing temporary name")
		}
		name := strings.ToUpper(strings.ReplaceAll(c.f2, " ", ""))
		if open := strings.IndexByte(name, '('); open >= 0 {
			// An array temporary such as R Y(8) or R G(8,3) (HS67), used to
			// receive the arrays an external function fills in.
			if code != "R" && code != "I" && code != "L" {
				return it.errf(c.line, "array temporary %s must be R, I or L", name)
			}
			if !strings.HasSuffix(name, ")") {
				return it.errf(c.line, "malformed array temporary %q", c.f2)
			}
			var dims []int
			size := 1
			for _, d := range strings.Split(name[open+1:len(name)-1], ",") {
				n, err := strconv.Atoi(d)
				if err != nil || n < 1 || n > 10_000 {
					return it.errf(c.line, "array temporary %s: bounds must be integer constants in 1…10000", name)
				}
				dims = append(dims, n)
				size *= n
			}
			if len(dims) > 2 || size > 10_000 {
				return it.errf(c.line, "array temporary %s: at most 2 dimensions and 10000 elements", name)
			}
			name = name[:open]
			if fp.arrays == nil {
				fp.arrays = map[string][]int{}
			}
			fp.arrays[name] = dims
		}
		fp.temps[name] = code[0]
		return nil
	}
	var list *[]stmt
	if sub == "GLOBALS" {
		list = &fp.globals
	} else {
		if code == "T" {
			if c.f2 == "" {
				return it.errf(c.line, "missing type name")
			}
			if _, dup := fp.blocks[c.f2]; dup {
				return it.errf(c.line, "type %s defined twice", c.f2)
			}
			b := &fblock{name: c.f2, line: c.line}
			fp.blocks[c.f2] = b
			*blk = b
			return nil
		}
		if *blk == nil {
			return it.errf(c.line, "card %q before the first T card", code)
		}
		list = &(*blk).stmts
		if code == "R" {
			if fp == it.grpPart {
				return it.errf(c.line, "R card in the GROUPS part")
			}
			for _, pr := range [][2]string{{c.f3, c.f4}, {c.f5, c.f6}} {
				if pr[0] == "" {
					continue
				}
				v, _, err := parseReal(pr[1])
				if err != nil {
					return it.errf(c.line, "%v", err)
				}
				(*blk).rs = append((*blk).rs, rEntry{iv: strings.ToUpper(c.f2), ev: strings.ToUpper(pr[0]), coef: v, line: c.line})
			}
			return nil
		}
	}
	if len(code) == 2 && code[1] == '+' {
		if len(*list) == 0 || (*list)[len(*list)-1].kind != code[0] {
			return it.errf(c.line, "continuation card %q without a statement to continue", code)
		}
		s := &(*list)[len(*list)-1]
		if len(s.expr) > 50*41 {
			return it.errf(c.line, "too many continuation cards")
		}
		s.expr += " " + c.f7
		return nil
	}
	if len(code) != 1 || !strings.Contains("AIEFGH", code) || (sub == "GLOBALS" && !strings.Contains("AIE", code)) {
		return it.errf(c.line, "unknown %s code %q", sub, code)
	}
	f2 := strings.ToUpper(strings.TrimSpace(window(c.raw, 5, 14)))
	f3 := strings.ToUpper(strings.TrimSpace(window(c.raw, 15, 24)))
	c4f2 := strings.ToUpper(strings.TrimSpace(window(c.raw, 4, 14)))
	*list = append(*list, stmt{kind: code[0], f2: f2, f3: f3, c4f2: c4f2, expr: c.f7, line: c.line})
	return nil
}

// ---------------------------------------------------------------------------
// Data-part execution.

type loopFrame struct {
	name     string
	cur, end int
	inc      int
	body     int
}

func (it *interp) run(cards []dcard) error {
	// Match loops statically.
	closeAt := make([]int, len(cards))
	var stack []int
	for i := range cards {
		switch cards[i].code {
		case "DO":
			stack = append(stack, i)
			if len(stack) > 10 {
				return it.errf(cards[i].line, "DO loops nested too deeply")
			}
		case "OD":
			if len(stack) == 0 {
				return it.errf(cards[i].line, "OD without an open DO loop")
			}
			closeAt[stack[len(stack)-1]] = i
			stack = stack[:len(stack)-1]
		case "ND":
			for _, d := range stack {
				closeAt[d] = i
			}
			stack = stack[:0]
		}
	}
	if len(stack) > 0 {
		return it.errf(cards[stack[0]].line, "DO loop is never closed")
	}
	var frames []loopFrame
	for pc := 0; pc < len(cards); {
		c := &cards[pc]
		it.work++
		if it.work > it.budget {
			return it.overBudget(c.line, "the cards executed")
		}
		switch c.code {
		case "<SECTION>":
			pc++
			continue
		case "DO":
			start, err := it.iparam(c.f3, c.line)
			if err != nil {
				return err
			}
			end, err := it.iparam(c.f5, c.line)
			if err != nil {
				return err
			}
			inc, body := 1, pc+1
			if body < len(cards) && cards[body].code == "DI" {
				if inc, err = it.iparam(cards[body].f3, cards[body].line); err != nil {
					return err
				}
				if inc == 0 {
					return it.errf(cards[body].line, "DI increment is zero")
				}
				body++
			}
			if (inc > 0 && start > end) || (inc < 0 && start < end) {
				cl := closeAt[pc]
				if cards[cl].code == "OD" {
					pc = cl + 1
				} else {
					pc = cl
				}
				continue
			}
			// Each iteration executes at least its closing card: a trip
			// count beyond the budget left fails here, before running.
			trips := (float64(end) - float64(start) + float64(inc)) / float64(inc)
			if float64(it.work)+trips > float64(it.budget) {
				return it.overBudget(c.line, fmt.Sprintf("DO loop %s from %d to %d (%.0f iterations)", c.f2, start, end, math.Floor(trips)))
			}
			it.setI(c.f2, start)
			frames = append(frames, loopFrame{name: c.f2, cur: start, end: end, inc: inc, body: body})
			pc = body
			continue
		case "DI":
			return it.errf(c.line, "DI card not directly after a DO card")
		case "OD", "ND":
			jumped := false
			for len(frames) > 0 {
				f := &frames[len(frames)-1]
				f.cur += f.inc
				if (f.inc > 0 && f.cur <= f.end) || (f.inc < 0 && f.cur >= f.end) {
					it.setI(f.name, f.cur)
					pc = f.body
					jumped = true
					break
				}
				it.setI(f.name, f.end)
				frames = frames[:len(frames)-1]
				if c.code == "OD" {
					break
				}
			}
			if !jumped {
				pc++
			}
			continue
		}
		if err := it.execCard(c); err != nil {
			return err
		}
		pc++
	}
	return nil
}

func (it *interp) iparam(name string, line int) (int, error) {
	return it.islotVal(it.islot(name), name, line)
}

// islot returns the slot of integer parameter name, creating it (unset)
// when needed.
func (it *interp) islot(name string) int32 {
	if s, ok := it.islotOf[name]; ok {
		return s
	}
	s := int32(len(it.ival))
	it.islotOf[name] = s
	it.ival = append(it.ival, 0)
	it.iset = append(it.iset, false)
	return s
}

func (it *interp) islotVal(s int32, name string, line int) (int, error) {
	if !it.iset[s] {
		if _, err := strconv.Atoi(name); err == nil {
			// SIMPLEU's "DO I 1 N". SIFDecode: "index parameter name 1
			// not recognised"; the files define such names first (IE 1 1).
			return 0, it.errf(line, "undefined integer parameter %q (SIF fields hold parameter names, not numbers: define it first, e.g. IE %s %s)", name, name, name)
		}
		return 0, it.errf(line, "undefined integer parameter %q", name)
	}
	return it.ival[s], nil
}

func (it *interp) setI(name string, v int) {
	s := it.islot(name)
	it.ival[s], it.iset[s] = v, true
}

func (it *interp) rparam(name string, line int) (float64, error) {
	v, ok := it.rpar[name]
	if !ok {
		return 0, it.errf(line, "undefined real parameter %q", name)
	}
	return v, nil
}

// nameTmpl is a parsed array name prefix(i,j,k).
type nameTmpl struct {
	prefix string
	idx    []string
	slots  []int32 // integer-parameter slots of idx (resolved on first use)
	plain  bool    // no parenthesis: the name is literal
}

func parseNameTmpl(name string) *nameTmpl {
	open := strings.IndexByte(name, '(')
	if open < 0 {
		return &nameTmpl{prefix: name, plain: true}
	}
	end := strings.IndexByte(name[open:], ')')
	inner := ""
	if end < 0 {
		inner = name[open+1:]
	} else {
		inner = name[open+1 : open+end]
	}
	t := &nameTmpl{prefix: name[:open]}
	for _, ix := range strings.Split(inner, ",") {
		if ix = strings.TrimSpace(ix); ix != "" {
			t.idx = append(t.idx, ix)
		}
	}
	return t
}

// expandT turns an array name prefix(i,j,k) into prefix followed by the
// values of the integer parameters i, j, k joined with commas.
func (it *interp) expandT(t *nameTmpl, line int) (string, error) {
	if t.plain {
		return t.prefix, nil
	}
	buf := it.nameBuf[:0]
	buf = append(buf, t.prefix...)
	if t.slots == nil {
		t.slots = make([]int32, len(t.idx))
		for k, ix := range t.idx {
			t.slots[k] = it.islot(ix)
		}
	}
	for k, s := range t.slots {
		v, err := it.islotVal(s, t.idx[k], line)
		if err != nil {
			return "", err
		}
		if k > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(v), 10)
	}
	it.nameBuf = buf
	// Consecutive cards of a loop body usually expand the same names
	// (XT E(I,J), ZV E(I,J) …): reuse a recent string instead of
	// allocating a new one.
	for _, r := range it.recent {
		if r == string(buf) {
			return r, nil
		}
	}
	name := string(buf)
	it.recent[it.recentPos] = name
	it.recentPos = (it.recentPos + 1) % len(it.recent)
	return name, nil
}

// field returns the expanded field k (0: f2, 1: f3, 2: f5) of c, caching the
// parsed array-name template in the card (cards in loops run many times).
func (it *interp) field(c *dcard, k int) (string, error) {
	if c.tmpl[k] == nil {
		s := [3]string{c.f2, c.f3, c.f5}[k]
		c.tmpl[k] = parseNameTmpl(s)
	}
	return it.expandT(c.tmpl[k], c.line)
}

func (it *interp) real(s string, line int) (float64, error) {
	v, _, err := parseReal(s)
	if err != nil {
		return 0, it.errf(line, "%v", err)
	}
	return v, nil
}

var realFuncs = map[string]func(float64) (float64, bool){
	"ABS":    func(x float64) (float64, bool) { return math.Abs(x), true },
	"SQRT":   func(x float64) (float64, bool) { return math.Sqrt(x), x >= 0 },
	"EXP":    func(x float64) (float64, bool) { return math.Exp(x), true },
	"LOG":    func(x float64) (float64, bool) { return math.Log(x), x > 0 },
	"LOG10":  func(x float64) (float64, bool) { return math.Log10(x), x > 0 },
	"SIN":    func(x float64) (float64, bool) { return math.Sin(x), true },
	"COS":    func(x float64) (float64, bool) { return math.Cos(x), true },
	"TAN":    func(x float64) (float64, bool) { return math.Tan(x), true },
	"ARCSIN": func(x float64) (float64, bool) { return math.Asin(x), x >= -1 && x <= 1 },
	"ARCCOS": func(x float64) (float64, bool) { return math.Acos(x), x >= -1 && x <= 1 },
	"ARCTAN": func(x float64) (float64, bool) { return math.Atan(x), true },
	"HYPSIN": func(x float64) (float64, bool) { return math.Sinh(x), true },
	"HYPCOS": func(x float64) (float64, bool) { return math.Cosh(x), true },
	"HYPTAN": func(x float64) (float64, bool) { return math.Tanh(x), true },
}

// sticky returns f's value and records its error in *err, unless *err is
// already set: then it returns the zero value without calling f, so the
// first error of a card is the one reported.
func sticky[T any](err *error, f func() (T, error)) T {
	var v T
	if *err == nil {
		v, *err = f()
	}
	return v
}

// arith evaluates the arithmetic that integer (I?) and real (R?, A?)
// parameter cards share, with get reading a parameter, lit the card's
// literal (field 4) and div the type's division: A x+lit, S lit−x, M x·lit,
// D lit/x, = x, and + − * / of two parameters (x = field 3, y = field 5).
// Operands are read left to right, so the first error get or lit records is
// the one reported.
func arith[T int | float64](op byte, get func(string) T, lit func() T, f3, f5 string, div func(a, b T) T) T {
	switch op {
	case 'A':
		return get(f3) + lit()
	case 'S':
		return lit() - get(f3)
	case 'M':
		return get(f3) * lit()
	case 'D':
		x := get(f3)
		return div(lit(), x)
	case '=':
		return get(f3)
	case '+':
		return get(f3) + get(f5)
	case '-':
		return get(f3) - get(f5)
	case '*':
		return get(f3) * get(f5)
	case '/':
		x := get(f3)
		return div(x, get(f5))
	}
	return 0
}

// paramCard executes an I?, R? or A? card; it reports whether c was one.
func (it *interp) paramCard(c *dcard) (bool, error) {
	code := c.code
	if len(code) != 2 {
		return false, nil
	}
	line := c.line
	switch code[0] {
	case 'I':
		if !strings.ContainsRune("EASMDR=+-*/", rune(code[1])) {
			return false, nil
		}
		var v int
		var err error
		get := func(n string) int {
			return sticky(&err, func() (int, error) { return it.iparam(n, line) })
		}
		lit := func() int {
			return sticky(&err, func() (int, error) {
				x, e := parseInt(c.f4)
				if e != nil {
					e = it.errf(line, "%v", e)
				}
				return x, e
			})
		}
		switch code[1] {
		case 'E':
			v = lit()
			if c.param {
				if o, ok := it.opt.Params[c.f2]; ok {
					if o != math.Trunc(o) || math.Abs(o) > 1e15 {
						return true, it.errf(line, "parameter %s must be an integer, got %g", c.f2, o)
					}
					v = int(o)
				}
			}
		case 'R':
			var r float64
			r, err = it.rparam(c.f3, line)
			if err == nil && (math.IsNaN(r) || math.Abs(r) > 1e15) {
				err = it.errf(line, "real parameter %s = %g does not fit an integer", c.f3, r)
			}
			v = int(r)
		default:
			v = arith(code[1], get, lit, c.f3, c.f5, func(a, b int) int {
				if err == nil && b == 0 {
					err = it.errf(line, "integer division by zero")
				}
				if err != nil {
					return 0
				}
				return a / b
			})
			if err == nil {
				// The same arithmetic in floating point detects overflow
				// (exact below 2^53, and only the magnitude matters).
				fget := func(n string) float64 { return float64(get(n)) }
				flit := func() float64 { return float64(lit()) }
				fv := arith(code[1], fget, flit, c.f3, c.f5, func(a, b float64) float64 { return a / b })
				if math.Abs(fv) > 1<<53 {
					err = it.errf(line, "integer parameter %s = %g (%s card) is out of range (|i| ≤ 2^53)", c.f2, fv, code)
				}
			}
		}
		if err != nil {
			return true, err
		}
		if c.f2 == "" {
			return true, it.errf(line, "missing parameter name")
		}
		it.setI(c.f2, v)
		return true, nil
	case 'R', 'A':
		if !strings.ContainsRune("EIASMDF=+-*/(", rune(code[1])) {
			return false, nil
		}
		arr := code[0] == 'A'
		f2, f3, f5 := c.f2, c.f3, c.f5
		var err error
		if arr {
			if f2, err = it.field(c, 0); err != nil {
				return true, err
			}
			if code[1] != 'I' && code[1] != 'F' && code[1] != '(' {
				if f3, err = it.field(c, 1); err != nil {
					return true, err
				}
			}
			if f5, err = it.field(c, 2); err != nil {
				return true, err
			}
		}
		get := func(n string) float64 {
			return sticky(&err, func() (float64, error) { return it.rparam(n, line) })
		}
		lit := func() float64 {
			return sticky(&err, func() (float64, error) { return it.real(c.f4, line) })
		}
		fn := func(name string, x float64) float64 {
			if err != nil {
				return 0
			}
			f, ok := realFuncs[name]
			if !ok {
				err = it.errf(line, "unknown function %q", name)
				return 0
			}
			y, ok := f(x)
			if !ok {
				err = it.errf(line, "argument %g out of the domain of %s", x, name)
			}
			return y
		}
		var v float64
		switch code[1] {
		case 'E':
			v = lit()
			if c.param && !arr {
				if o, ok := it.opt.Params[c.f2]; ok {
					v = o
				}
			}
		case 'I':
			var iv int
			iv, err = it.iparam(f3, line)
			v = float64(iv)
		case 'F':
			v = fn(f3, lit())
		case '(':
			v = fn(f3, get(f5))
		default:
			v = arith(code[1], get, lit, f3, f5, func(a, b float64) float64 { return a / b })
		}
		if err != nil {
			return true, err
		}
		if f2 == "" {
			return true, it.errf(line, "missing parameter name")
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			// 1/0, 0/0, EXP(1000), a product that overflows: SIFDecode's
			// Fortran would trap or carry an Inf/NaN into the problem data.
			return true, it.errf(line, "real parameter %s = %g (%s card): the result is not a finite number", f2, v, code)
		}
		it.rpar[f2] = v
		return true, nil
	}
	return false, nil
}

func (it *interp) execCard(c *dcard) error {
	if ok, err := it.paramCard(c); ok || err != nil {
		return err
	}
	switch c.sec {
	case secNone:
		return nil // stray data cards under NAME are ignored (GILBERT, LOADBAL)
	case secVars:
		return it.varCard(c)
	case secGroups:
		return it.groupCard(c)
	case secConst, secRanges:
		return it.constCard(c)
	case secBounds:
		return it.boundCard(c)
	case secStart:
		return it.startCard(c)
	case secQuad:
		return it.quadCard(c)
	case secEType:
		return it.etypeCard(c)
	case secEUses:
		return it.euseCard(c)
	case secGType:
		return it.gtypeCard(c)
	case secGUses:
		return it.guseCard(c)
	case secObjBound:
		return it.objBoundCard(c)
	}
	return it.errf(c.line, "unexpected card")
}

// names expands fields 2, 3 and 5 of X/Z cards (field 5 only where it
// names an entity rather than a real parameter).
func (it *interp) names(c *dcard) (f2, f3, f5 string, err error) {
	f2, f3, f5 = c.f2, c.f3, c.f5
	if c.code != "" && (c.code[0] == 'X' || c.code[0] == 'Z') {
		if f2, err = it.field(c, 0); err != nil {
			return
		}
		if f3, err = it.field(c, 1); err != nil {
			return
		}
		if c.code[0] == 'X' || c.sec == secEUses {
			f5, err = it.field(c, 2)
		}
	}
	return
}

// zvalue returns the value of a Z card: the real parameter named in field 5.
func (it *interp) zvalue(c *dcard) (float64, error) {
	n, err := it.field(c, 2)
	if err != nil {
		return 0, err
	}
	return it.rparam(n, c.line)
}

func (it *interp) declareVar(name string, line int) (int, error) {
	if j, ok := it.varIx[name]; ok {
		return j, nil
	}
	if name == "" {
		return 0, it.errf(line, "missing variable name")
	}
	if err := it.grow(declUnits, line); err != nil {
		return 0, err
	}
	j := len(it.varNames)
	it.varNames = append(it.varNames, name)
	it.varScale = append(it.varScale, 1)
	it.varIx[name] = j
	return j, nil
}

func (it *interp) declareGroup(name string, kind byte, line int) (int, error) {
	if g, ok := it.gIx[name]; ok {
		return g, nil
	}
	if name == "" {
		return 0, it.errf(line, "missing group name")
	}
	if err := it.grow(declUnits, line); err != nil {
		return 0, err
	}
	g := len(it.gNames)
	it.gNames = append(it.gNames, name)
	it.gKind = append(it.gKind, kind)
	it.gScale = append(it.gScale, 1)
	it.gLin = append(it.gLin, nil)
	it.gIx[name] = g
	return g, nil
}

func (it *interp) addLin(g int, varName string, coef float64, line int) error {
	j, ok := it.varIx[varName]
	if !ok {
		return it.errf(line, "unknown variable %q", varName)
	}
	if coef == 0 {
		return nil
	}
	if err := it.grow(1, line); err != nil {
		return err
	}
	it.gLin[g] = append(it.gLin[g], linEntry{j, coef})
	return nil
}

func (it *interp) varCard(c *dcard) error {
	if c.code != "" && c.code != "X" && c.code != "Z" {
		return it.errf(c.line, "unknown VARIABLES code %q", c.code)
	}
	f2, f3, f5, err := it.names(c)
	if err != nil {
		return err
	}
	j, err := it.declareVar(f2, c.line)
	if err != nil {
		return err
	}
	z := c.code == "Z"
	switch f3 {
	case "":
		return nil
	case "'SCALE'":
		var v float64
		if z {
			v, err = it.zvalue(c)
		} else {
			v, err = it.real(c.f4, c.line)
		}
		if err != nil {
			return err
		}
		it.varScale[j] = v
		return nil
	case "'INTEGER'", "'ZERO-ONE'":
		return nil
	}
	if !it.colwise {
		return nil
	}
	ps, err := it.pairs(c, f3, f5)
	if err != nil {
		return err
	}
	for _, p := range ps {
		g, ok := it.gIx[p.name]
		if !ok {
			return it.errf(c.line, "unknown group %q", p.name)
		}
		if p.v != 0 {
			if err := it.grow(1, c.line); err != nil {
				return err
			}
			it.gLin[g] = append(it.gLin[g], linEntry{j, p.v})
		}
	}
	return nil
}

func (it *interp) groupCard(c *dcard) error {
	code := c.code
	prefix := byte(0)
	if len(code) == 2 {
		prefix = code[0]
		code = code[1:]
	}
	if len(code) != 1 || !strings.Contains("NELG", code) || (prefix != 0 && prefix != 'X' && prefix != 'Z') {
		if prefix == 'D' {
			return it.errf(c.line, "D-groups (%s) are not supported", c.code)
		}
		return it.errf(c.line, "unknown GROUPS code %q", c.code)
	}
	f2, f3, f5, err := it.names(c)
	if err != nil {
		return err
	}
	g, err := it.declareGroup(f2, code[0], c.line)
	if err != nil {
		return err
	}
	z := prefix == 'Z'
	if f3 == "'SCALE'" {
		var v float64
		if z {
			v, err = it.zvalue(c)
		} else {
			v, err = it.real(c.f4, c.line)
		}
		if err != nil {
			return err
		}
		it.gScale[g] = v
		return nil
	}
	if it.colwise || f3 == "" {
		return nil
	}
	if z {
		v, err := it.zvalue(c)
		if err != nil {
			return err
		}
		return it.addLin(g, f3, v, c.line)
	}
	v, err := it.real(c.f4, c.line)
	if err != nil {
		return err
	}
	if err := it.addLin(g, f3, v, c.line); err != nil {
		return err
	}
	if f5 != "" {
		v, err := it.real(c.f6, c.line)
		if err != nil {
			return err
		}
		return it.addLin(g, f5, v, c.line)
	}
	return nil
}

// constCard handles CONSTANTS and RANGES (same layout).
func (it *interp) constCard(c *dcard) error {
	if len(c.code) > 0 && c.code[0] != 'X' && c.code[0] != 'Z' {
		return it.errf(c.line, "unknown %s code %q", map[section]string{secConst: "CONSTANTS", secRanges: "RANGES"}[c.sec], c.code)
	}
	vec := &it.constVec
	def := &it.constDef
	of := it.constOf
	if c.sec == secRanges {
		vec, def, of = &it.rangeVec, &it.rangeDef, it.rangeOf
	}
	if *vec == "" {
		*vec = c.f2
	} else if c.f2 != *vec {
		return nil
	}
	_, f3, f5, err := it.names(c)
	if err != nil {
		return err
	}
	ps, err := it.pairs(c, f3, f5)
	if err != nil {
		return err
	}
	for _, p := range ps {
		v := p.v
		if c.sec == secRanges {
			v = math.Abs(v)
		}
		if p.name == "'DEFAULT'" {
			*def = v
			continue
		}
		g, ok := it.gIx[p.name]
		if !ok {
			return it.errf(c.line, "unknown group %q", p.name)
		}
		of[g] = v
	}
	return nil
}

// namedVal is one (name, value) pair of a data card.
type namedVal struct {
	name  string
	v     float64
	empty bool // the numeric field was blank
}

// pairs returns the (name, value) pairs of a card: (f3, field 4) and
// (f5, field 6), or for Z codes the single pair (f3, real parameter f5).
// Pairs with an empty name are left out.
func (it *interp) pairs(c *dcard, f3, f5 string) ([]namedVal, error) {
	out := it.pairBuf[:0]
	if c.code != "" && c.code[0] == 'Z' {
		if f3 != "" {
			v, err := it.zvalue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, namedVal{name: f3, v: v})
		}
	} else {
		for _, p := range [2][2]string{{f3, c.f4}, {f5, c.f6}} {
			if p[0] == "" {
				continue
			}
			v, empty, err := parseReal(p[1])
			if err != nil {
				return nil, it.errf(c.line, "%v", err)
			}
			out = append(out, namedVal{name: p[0], v: v, empty: empty})
		}
	}
	it.pairBuf = out
	return out, nil
}

func infy(v float64) float64 {
	if v >= bigInf {
		return math.Inf(1)
	}
	if v <= -bigInf {
		return math.Inf(-1)
	}
	return v
}

func (it *interp) boundCard(c *dcard) error {
	code := c.code
	var kind byte
	switch code {
	case "LO", "XL", "ZL":
		kind = 'L'
	case "UP", "XU", "ZU":
		kind = 'U'
	case "FX", "XX", "ZX":
		kind = 'X'
	case "FR", "XR":
		kind = 'R'
	case "MI", "XM":
		kind = 'M'
	case "PL", "XP":
		kind = 'P'
	default:
		return it.errf(c.line, "unknown BOUNDS code %q", code)
	}
	if it.boundVec == "" {
		it.boundVec = c.f2
	} else if c.f2 != it.boundVec {
		return nil
	}
	_, f3, _, err := it.names(c)
	if err != nil {
		return err
	}
	var v float64
	if kind == 'L' || kind == 'U' || kind == 'X' {
		if code[0] == 'Z' {
			v, err = it.zvalue(c)
		} else {
			v, err = it.real(c.f4, c.line)
		}
		if err != nil {
			return err
		}
		v = infy(v)
	}
	apply := func(lo, up float64) (float64, float64) {
		inf := math.Inf(1)
		switch kind {
		case 'L':
			lo = v
		case 'U':
			if v == 0 && lo == 0 && up == inf {
				lo = -inf
			}
			up = v
		case 'X':
			lo, up = v, v
		case 'R':
			lo, up = -inf, inf
		case 'M':
			if lo == 0 && up == inf {
				up = 0
			}
			lo = -inf
		case 'P':
			up = inf
		}
		return lo, up
	}
	if f3 == "'DEFAULT'" {
		it.defLo, it.defUp = apply(it.defLo, it.defUp)
		return nil
	}
	j, ok := it.varIx[f3]
	if !ok {
		return it.errf(c.line, "unknown variable %q", f3)
	}
	lo, up := it.defLo, it.defUp
	if l, ok := it.loOf[j]; ok {
		lo = l
	}
	if u, ok := it.upOf[j]; ok {
		up = u
	}
	lo, up = apply(lo, up)
	it.loOf[j], it.upOf[j] = lo, up
	return nil
}

func (it *interp) startCard(c *dcard) error {
	code := c.code
	var which byte // 'B' both/lookup, 'V', 'M'
	switch code {
	case "", "X", "Z":
		which = 'B'
	case "V", "XV", "ZV":
		which = 'V'
	case "M", "XM", "ZM":
		which = 'M'
	default:
		return it.errf(c.line, "unknown START POINT code %q", code)
	}
	if it.startVec == "" {
		it.startVec = c.f2
	} else if c.f2 != it.startVec {
		return nil
	}
	_, f3, f5, err := it.names(c)
	if err != nil {
		return err
	}
	ps, err := it.pairs(c, f3, f5)
	if err != nil {
		return err
	}
	for _, p := range ps {
		v := p.v
		if p.name == "'DEFAULT'" {
			if which != 'M' {
				it.startDefV = v
			}
			if which != 'V' {
				it.startDefM = v
			}
			continue
		}
		if which != 'M' {
			if j, ok := it.varIx[p.name]; ok {
				it.startV[j] = v
				continue
			}
			if which == 'V' {
				return it.errf(c.line, "unknown variable %q", p.name)
			}
		}
		g, ok := it.gIx[p.name]
		if !ok {
			return it.errf(c.line, "unknown variable or group %q", p.name)
		}
		it.startM[g] = v
	}
	return nil
}

func (it *interp) quadCard(c *dcard) error {
	if c.code != "" && c.code != "X" && c.code != "Z" {
		return it.errf(c.line, "unknown QUADRATIC code %q", c.code)
	}
	f2, f3, f5, err := it.names(c)
	if err != nil {
		return err
	}
	i, ok := it.varIx[f2]
	if !ok {
		return it.errf(c.line, "unknown variable %q", f2)
	}
	ps, err := it.pairs(c, f3, f5)
	if err != nil {
		return err
	}
	for _, p := range ps {
		j, ok := it.varIx[p.name]
		if !ok {
			return it.errf(c.line, "unknown variable %q", p.name)
		}
		v := p.v
		if v != 0 {
			if err := it.grow(1, c.line); err != nil {
				return err
			}
			it.quad = append(it.quad, [3]float64{float64(i), float64(j), v})
		}
	}
	return nil
}

func (it *interp) etypeCard(c *dcard) error {
	if c.code != "EV" && c.code != "IV" && c.code != "EP" {
		return it.errf(c.line, "unknown ELEMENT TYPE code %q", c.code)
	}
	if c.f2 == "" {
		return it.errf(c.line, "missing element type name")
	}
	t, ok := it.etIx[c.f2]
	if !ok {
		t = len(it.etypes)
		it.etypes = append(it.etypes, &etypeDef{name: c.f2, line: c.line})
		it.etIx[c.f2] = t
	}
	et := it.etypes[t]
	for _, n := range []string{c.f3, c.f5} {
		if n == "" {
			continue
		}
		n = strings.ToUpper(n)
		list := map[string][]string{"EV": et.ev, "IV": et.iv, "EP": et.ep}[c.code]
		if indexOf(list, n) >= 0 {
			return it.errf(c.line, "name %s declared twice in element type %s", n, et.name)
		}
		switch c.code {
		case "EV":
			et.ev = append(et.ev, n)
		case "IV":
			et.iv = append(et.iv, n)
		case "EP":
			et.ep = append(et.ep, n)
		}
	}
	return nil
}

func (it *interp) element(name string, line int) (*elemDef, error) {
	if it.lastEl != nil && it.lastEl.name == name {
		return it.lastEl, nil
	}
	if e, ok := it.elIx[name]; ok {
		it.lastEl = it.elems[e]
		return it.lastEl, nil
	}
	if it.defEl < 0 {
		return nil, it.errf(line, "element %q has no type and there is no default type", name)
	}
	return it.newElement(name, it.defEl, line)
}

func (it *interp) newElement(name string, t int, line int) (*elemDef, error) {
	if name == "" {
		return nil, it.errf(line, "missing element name")
	}
	et := it.etypes[t]
	if err := it.grow(declUnits+len(et.ev), line); err != nil {
		return nil, err
	}
	// Carve the per-element slices out of shared chunks: files such as
	// DMN15333 declare 150 000 elements.
	nev, nep := len(et.ev), len(et.ep)
	if len(it.elemChunk) == 0 {
		it.elemChunk = make([]elemDef, 1024)
	}
	e := &it.elemChunk[0]
	it.elemChunk = it.elemChunk[1:]
	if len(it.intChunk) < nev {
		it.intChunk = make([]int, max(4096, nev))
	}
	if len(it.fltChunk) < nep {
		it.fltChunk = make([]float64, max(4096, nep))
		it.boolChunk = make([]bool, max(4096, nep))
	}
	*e = elemDef{name: name, typ: t, line: line,
		vars:   it.intChunk[:nev:nev],
		params: it.fltChunk[:nep:nep],
		pset:   it.boolChunk[:nep:nep]}
	it.intChunk = it.intChunk[nev:]
	it.fltChunk = it.fltChunk[nep:]
	it.boolChunk = it.boolChunk[nep:]
	for i := range e.vars {
		e.vars[i] = -1
	}
	it.elIx[name] = len(it.elems)
	it.elems = append(it.elems, e)
	return e, nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func (it *interp) euseCard(c *dcard) error {
	f2, f3, f5, err := it.names(c)
	if err != nil {
		return err
	}
	switch c.code {
	case "T", "XT":
		t, ok := it.etIx[f3]
		if !ok {
			return it.errf(c.line, "unknown element type %q", f3)
		}
		if f2 == "'DEFAULT'" {
			it.defEl = t
			return nil
		}
		if _, dup := it.elIx[f2]; dup {
			return it.errf(c.line, "element %q declared twice", f2)
		}
		_, err := it.newElement(f2, t, c.line)
		return err
	case "V", "ZV":
		// Not XV: a V card carries no number, so it has no X form; SIFDecode
		// rejects XV here ("field 1 XV not recognised in ELEMENT USES
		// section"), and only SIMPLEU, not a valid problem, writes it.
		e, err := it.element(f2, c.line)
		if err != nil {
			return err
		}
		et := it.etypes[e.typ]
		k := indexOf(et.ev, strings.ToUpper(f3))
		if k < 0 {
			return it.errf(c.line, "element type %s has no elemental variable %q", et.name, f3)
		}
		if e.vars[k] >= 0 {
			return it.errf(c.line, "elemental variable %s of element %s bound twice", f3, e.name)
		}
		j, ok := it.varIx[f5]
		if !ok {
			if f5 == "" {
				return it.errf(c.line, "missing problem variable for elemental variable %s of element %s", f3, e.name)
			}
			if it.opt.DeclaredVariablesOnly {
				return it.errf(c.line, "element %s uses %q, which is not a variable declared in VARIABLES (Options.DeclaredVariablesOnly)", e.name, f5)
			}
			if j, err = it.declareVar(f5, c.line); err != nil {
				return err
			}
		}
		e.vars[k] = j
		return nil
	case "P", "XP", "ZP":
		e, err := it.element(f2, c.line)
		if err != nil {
			return err
		}
		et := it.etypes[e.typ]
		ps, err := it.pairs(c, f3, c.f5)
		if err != nil {
			return err
		}
		for _, p := range ps {
			q := indexOf(et.ep, strings.ToUpper(p.name))
			if q < 0 {
				return it.errf(c.line, "element type %s has no parameter %q", et.name, p.name)
			}
			v := p.v
			if e.pset[q] {
				return it.errf(c.line, "parameter %s of element %s set twice", p.name, e.name)
			}
			e.params[q], e.pset[q] = v, true
		}
		return nil
	}
	return it.errf(c.line, "unknown ELEMENT USES code %q", c.code)
}

func (it *interp) gtypeCard(c *dcard) error {
	if c.code != "GV" && c.code != "GP" {
		return it.errf(c.line, "unknown GROUP TYPE code %q", c.code)
	}
	if c.f2 == "" {
		return it.errf(c.line, "missing group type name")
	}
	t, ok := it.gtIx[c.f2]
	if !ok {
		t = len(it.gtypes)
		it.gtypes = append(it.gtypes, &gtypeDef{name: c.f2, line: c.line})
		it.gtIx[c.f2] = t
	}
	gt := it.gtypes[t]
	if c.code == "GV" {
		if gt.gv != "" {
			return it.errf(c.line, "group type %s has two group-type variables", gt.name)
		}
		gt.gv = strings.ToUpper(c.f3)
		return nil
	}
	for _, n := range []string{c.f3, c.f5} {
		if n != "" {
			gt.gp = append(gt.gp, strings.ToUpper(n))
		}
	}
	return nil
}

func (it *interp) ensureGUses() {
	for len(it.gType) < len(it.gNames) {
		it.gType = append(it.gType, -1)
		it.gTypeSet = append(it.gTypeSet, false)
		it.gEls = append(it.gEls, nil)
		it.gPar = append(it.gPar, nil)
		it.gPset = append(it.gPset, nil)
	}
}

func (it *interp) guseCard(c *dcard) error {
	it.ensureGUses()
	f2, f3, f5, err := it.names(c)
	if err != nil {
		return err
	}
	// A card whose field 2 is 'DEFAULT' sets the default group type
	// whatever its code: SIFDecode tests field 2 before field 1, and n3PK
	// has such a card with a blank code.
	if c.code == "T" || c.code == "XT" || f2 == "'DEFAULT'" {
		t, ok := it.gtIx[f3]
		if !ok {
			return it.errf(c.line, "unknown group type %q", f3)
		}
		if f2 == "'DEFAULT'" {
			it.defGT = t
			return nil
		}
		g, ok := it.gIx[f2]
		if !ok {
			return it.errf(c.line, "unknown group %q", f2)
		}
		it.gType[g], it.gTypeSet[g] = t, true
		it.gPar[g] = make([]float64, len(it.gtypes[t].gp))
		it.gPset[g] = make([]bool, len(it.gtypes[t].gp))
		return nil
	}
	g, ok := it.gIx[f2]
	if !ok {
		return it.errf(c.line, "unknown group %q", f2)
	}
	switch c.code {
	case "E", "XE", "ZE":
		ps, err := it.pairs(c, f3, f5)
		if err != nil {
			return err
		}
		for _, p := range ps {
			e, ok := it.elIx[p.name]
			if !ok {
				return it.errf(c.line, "unknown element %q", p.name)
			}
			w := p.v
			if p.empty {
				w = 1 // an empty weight means 1
			}
			if err := it.grow(1, c.line); err != nil {
				return err
			}
			it.gEls[g] = append(it.gEls[g], elW{e, w})
		}
		return nil
	case "P", "XP", "ZP":
		if !it.gTypeSet[g] {
			if it.defGT < 0 {
				return it.errf(c.line, "group %q has parameters but no type", f2)
			}
			t := it.defGT
			it.gType[g], it.gTypeSet[g] = t, true
			it.gPar[g] = make([]float64, len(it.gtypes[t].gp))
			it.gPset[g] = make([]bool, len(it.gtypes[t].gp))
		}
		gt := it.gtypes[it.gType[g]]
		ps, err := it.pairs(c, f3, c.f5)
		if err != nil {
			return err
		}
		for _, p := range ps {
			q := indexOf(gt.gp, strings.ToUpper(p.name))
			if q < 0 {
				return it.errf(c.line, "group type %s has no parameter %q", gt.name, p.name)
			}
			it.gPar[g][q], it.gPset[g][q] = p.v, true
		}
		return nil
	}
	return it.errf(c.line, "unknown GROUP USES code %q", c.code)
}

func (it *interp) objBoundCard(c *dcard) error {
	var lo bool
	switch c.code {
	case "LO", "XL", "ZL":
		lo = true
	case "UP", "XU", "ZU":
	default:
		return it.errf(c.line, "unknown OBJECT BOUND code %q", c.code)
	}
	if it.objVec == "" {
		it.objVec = c.f2
	} else if c.f2 != it.objVec {
		return nil
	}
	var v float64
	var err error
	if c.code[0] == 'Z' {
		v, err = it.zvalue(c)
	} else {
		v, err = it.real(c.f4, c.line)
	}
	if err != nil {
		return err
	}
	if lo {
		it.objLo = infy(v)
	} else {
		it.objUp = infy(v)
	}
	return nil
}

// readTrailer keeps the text after the last part of the file (first is its
// first line, number lineNo), for the external Fortran procedures it may
// hold.
func (it *interp) readTrailer(sc *bufio.Scanner, first string, lineNo int) error {
	it.trailerLine = lineNo
	it.trailer = append(it.trailer, first)
	size := len(first)
	for sc.Scan() {
		size += len(sc.Bytes())
		if len(it.trailer) >= maxTrailerLines || size > maxTrailerBytes {
			return it.errf(lineNo, "more than %d lines or %d bytes after the last ENDATA", maxTrailerLines, maxTrailerBytes)
		}
		it.trailer = append(it.trailer, strings.TrimRight(sc.Text(), "\r"))
	}
	return nil
}

// maxTrailerLines and maxTrailerBytes bound the text kept after the last
// ENDATA (HS67's Fortran is 250 lines).
const (
	maxTrailerLines = 100_000
	maxTrailerBytes = 8 << 20
)
