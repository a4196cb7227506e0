package cutest

import (
	"fmt"
	"strings"
	"unicode"
)

// Expression language of the ELEMENTS and GROUPS parts: Fortran 77
// expressions (§9 of the SIF report), case-insensitive, with the Fortran 90
// relational operators accepted as well.

type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tName
	tOp    // + - * / ** ( ) ,
	tRel   // .LT. < ...
	tLogic // .AND. .OR. .NOT.
	tBool  // .TRUE. .FALSE.
)

type token struct {
	kind  tokKind
	s     string  // operator, name (upper case) or relational code
	v     float64 // numeric value
	isInt bool
}

func tokenize(src string) ([]token, error) {
	// Blanks are not significant in Fortran fixed-form source ("* *" is
	// "**" in MGH10LS).
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' {
			return -1
		}
		return unicode.ToUpper(r)
	}, src)
	var toks []token
	i := 0
	for i < len(s) {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\r':
			i++
		case ch >= '0' && ch <= '9' || ch == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i
			isInt := true
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && s[j] == '.' {
				// A dot starting a dotted operator (1.EQ.X) is not a decimal point.
				if !dottedOpAt(s, j) {
					isInt = false
					j++
					for j < len(s) && s[j] >= '0' && s[j] <= '9' {
						j++
					}
				}
			}
			if j < len(s) && (s[j] == 'E' || s[j] == 'D' || s[j] == 'Q') {
				k := j + 1
				if k < len(s) && (s[k] == '+' || s[k] == '-') {
					k++
				}
				if k < len(s) && s[k] >= '0' && s[k] <= '9' {
					for k < len(s) && s[k] >= '0' && s[k] <= '9' {
						k++
					}
					isInt = false
					j = k
				}
			}
			v, err := parseFortranReal(s[i:j])
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tNum, v: v, isInt: isInt})
			i = j
		case ch >= 'A' && ch <= 'Z' || ch == '_' || ch == '$':
			j := i
			for j < len(s) && (s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' || s[j] == '_' || s[j] == '$') {
				j++
			}
			toks = append(toks, token{kind: tName, s: s[i:j]})
			i = j
		case ch == '.':
			j := strings.IndexByte(s[i+1:], '.')
			if j < 0 {
				return nil, fmt.Errorf("unterminated dotted operator in %q", src)
			}
			w := s[i+1 : i+1+j]
			switch w {
			case "LT", "LE", "GT", "GE", "EQ", "NE":
				toks = append(toks, token{kind: tRel, s: w})
			case "AND", "OR", "NOT", "EQV", "NEQV":
				toks = append(toks, token{kind: tLogic, s: w})
			case "TRUE", "FALSE":
				toks = append(toks, token{kind: tBool, s: w})
			default:
				return nil, fmt.Errorf("unknown operator .%s. in %q", w, src)
			}
			i += j + 2
		case ch == '*':
			if i+1 < len(s) && s[i+1] == '*' {
				toks = append(toks, token{kind: tOp, s: "**"})
				i += 2
			} else {
				toks = append(toks, token{kind: tOp, s: "*"})
				i++
			}
		case ch == '/':
			if i+1 < len(s) && s[i+1] == '=' {
				toks = append(toks, token{kind: tRel, s: "NE"})
				i += 2
			} else {
				toks = append(toks, token{kind: tOp, s: "/"})
				i++
			}
		case ch == '+' || ch == '-' || ch == '(' || ch == ')' || ch == ',':
			toks = append(toks, token{kind: tOp, s: string(ch)})
			i++
		case ch == '<' || ch == '>' || ch == '=':
			two := i+1 < len(s) && s[i+1] == '='
			var r string
			switch {
			case ch == '<' && two:
				r = "LE"
			case ch == '<':
				r = "LT"
			case ch == '>' && two:
				r = "GE"
			case ch == '>':
				r = "GT"
			case ch == '=' && two:
				r = "EQ"
			default:
				return nil, fmt.Errorf("unexpected '=' in %q", src)
			}
			toks = append(toks, token{kind: tRel, s: r})
			if two {
				i += 2
			} else {
				i++
			}
		default:
			return nil, fmt.Errorf("unexpected character %q in %q", ch, src)
		}
	}
	return toks, nil
}

func dottedOpAt(s string, j int) bool {
	for _, w := range []string{".LT.", ".LE.", ".GT.", ".GE.", ".EQ.", ".NE.", ".AND.", ".OR.", ".NOT.", ".EQV.", ".NEQV."} {
		if strings.HasPrefix(s[j:], w) {
			return true
		}
	}
	return false
}

// node is an expression AST node.
type node struct {
	op    string  // "num", "bool", "name", "call", "neg", "not", "+", "-", "*", "/", "**", rel codes, "AND", "OR", "EQV", "NEQV"
	v     float64 // num: value; bool: 0/1
	isInt bool    // num: integer literal
	name  string
	args  []*node
}

type exprParser struct {
	toks  []token
	pos   int
	src   string
	depth int
}

const maxExprDepth = 200

func parseExpr(src string) (*node, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty expression")
	}
	p := &exprParser{toks: toks, src: src}
	n, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q in expression %q", p.peek().s, strings.TrimSpace(src))
	}
	return n, nil
}

func (p *exprParser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{kind: tEOF}
}

func (p *exprParser) isOp(s string) bool {
	t := p.peek()
	return t.kind == tOp && t.s == s
}

func (p *exprParser) enter() error {
	p.depth++
	if p.depth > maxExprDepth {
		return fmt.Errorf("expression nested too deeply")
	}
	return nil
}

func (p *exprParser) orExpr() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	l, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind == tLogic && (t.s == "OR" || t.s == "EQV" || t.s == "NEQV") {
			p.pos++
			r, err := p.andExpr()
			if err != nil {
				return nil, err
			}
			l = &node{op: t.s, args: []*node{l, r}}
			continue
		}
		return l, nil
	}
}

func (p *exprParser) andExpr() (*node, error) {
	l, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind == tLogic && t.s == "AND" {
			p.pos++
			r, err := p.notExpr()
			if err != nil {
				return nil, err
			}
			l = &node{op: "AND", args: []*node{l, r}}
			continue
		}
		return l, nil
	}
}

func (p *exprParser) notExpr() (*node, error) {
	t := p.peek()
	if t.kind == tLogic && t.s == "NOT" {
		p.pos++
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		a, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return &node{op: "not", args: []*node{a}}, nil
	}
	return p.relExpr()
}

func (p *exprParser) relExpr() (*node, error) {
	l, err := p.addExpr()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tRel {
		p.pos++
		r, err := p.addExpr()
		if err != nil {
			return nil, err
		}
		return &node{op: t.s, args: []*node{l, r}}, nil
	}
	return l, nil
}

func (p *exprParser) addExpr() (*node, error) {
	var l *node
	var err error
	if p.isOp("-") || p.isOp("+") {
		neg := p.isOp("-")
		p.pos++
		l, err = p.mulExpr()
		if err != nil {
			return nil, err
		}
		if neg {
			l = &node{op: "neg", args: []*node{l}}
		}
	} else if l, err = p.mulExpr(); err != nil {
		return nil, err
	}
	for p.isOp("+") || p.isOp("-") {
		op := p.peek().s
		p.pos++
		r, err := p.mulExpr()
		if err != nil {
			return nil, err
		}
		l = &node{op: op, args: []*node{l, r}}
	}
	return l, nil
}

func (p *exprParser) mulExpr() (*node, error) {
	l, err := p.powExpr()
	if err != nil {
		return nil, err
	}
	for p.isOp("*") || p.isOp("/") {
		op := p.peek().s
		p.pos++
		r, err := p.powExpr()
		if err != nil {
			return nil, err
		}
		l = &node{op: op, args: []*node{l, r}}
	}
	return l, nil
}

func (p *exprParser) powExpr() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	// Lenient unary sign inside a term (A * -B, X ** -2).
	if p.isOp("-") || p.isOp("+") {
		neg := p.isOp("-")
		p.pos++
		a, err := p.powExpr()
		if err != nil {
			return nil, err
		}
		if neg {
			return &node{op: "neg", args: []*node{a}}, nil
		}
		return a, nil
	}
	base, err := p.primary()
	if err != nil {
		return nil, err
	}
	if p.isOp("**") {
		p.pos++
		e, err := p.powExpr() // right-associative
		if err != nil {
			return nil, err
		}
		return &node{op: "**", args: []*node{base, e}}, nil
	}
	return base, nil
}

func (p *exprParser) primary() (*node, error) {
	t := p.peek()
	switch t.kind {
	case tNum:
		p.pos++
		return &node{op: "num", v: t.v, isInt: t.isInt}, nil
	case tBool:
		p.pos++
		v := 0.0
		if t.s == "TRUE" {
			v = 1
		}
		return &node{op: "bool", v: v}, nil
	case tName:
		p.pos++
		if p.isOp("(") {
			p.pos++
			var args []*node
			if !p.isOp(")") {
				for {
					a, err := p.orExpr()
					if err != nil {
						return nil, err
					}
					args = append(args, a)
					if p.isOp(",") {
						p.pos++
						continue
					}
					break
				}
			}
			if !p.isOp(")") {
				return nil, fmt.Errorf("missing ')' after arguments of %s in %q", t.s, strings.TrimSpace(p.src))
			}
			p.pos++
			return &node{op: "call", name: t.s, args: args}, nil
		}
		return &node{op: "name", name: t.s}, nil
	case tOp:
		if t.s == "(" {
			p.pos++
			n, err := p.orExpr()
			if err != nil {
				return nil, err
			}
			if !p.isOp(")") {
				return nil, fmt.Errorf("missing ')' in %q", strings.TrimSpace(p.src))
			}
			p.pos++
			return n, nil
		}
	}
	if t.kind == tEOF {
		return nil, fmt.Errorf("unexpected end of expression %q", strings.TrimSpace(p.src))
	}
	return nil, fmt.Errorf("unexpected %q in expression %q", t.s, strings.TrimSpace(p.src))
}
