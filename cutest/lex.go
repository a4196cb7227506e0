package cutest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kkt-go/kkt/matrix"
)

// ParseError is the error returned for malformed SIF input: it is
// matrix.ParseError, kkt's one parse error, so errors.As(err, &pe) with
// pe *matrix.ParseError (or *cutest.ParseError, the same type) finds it. File
// is the file name given to the parser ("<input>" when none), Line the
// 1-based line number (0 when the error concerns the whole file), Err the
// cause; its message has the form "file:line: cause".
type ParseError = matrix.ParseError

// card is one fixed-format SIF line split into its fields (§3 of the SIF
// report: columns 2–3, 5–14, 15–24, 25–36, 40–49, 50–61; field 7 = 25–65).
type card struct {
	line   int
	raw    string
	code   string // field 1, trimmed
	f2, f3 string // fields 2 and 3, trimmed
	f4     string // field 4, raw window (blanks inside kept)
	f5     string // field 5, trimmed
	f6     string // field 6, raw window
	f7     string // columns 25–65 (expression field of function parts)
	param  bool   // the line carries a $-PARAMETER marker
}

func window(s string, from, to int) string {
	// from, to are 1-based inclusive column numbers.
	if from > len(s) {
		return ""
	}
	if to > len(s) {
		to = len(s)
	}
	return s[from-1 : to]
}

// splitCard extracts the fixed fields of a data card. A field 3 or field 5
// that begins with '$' starts a comment that runs to the end of the card.
func splitCard(line string, lineNo int) card {
	c := card{line: lineNo, raw: line}
	c.code = strings.TrimSpace(window(line, 2, 3))
	c.f2 = strings.TrimSpace(window(line, 5, 14))
	c.f3 = strings.TrimSpace(window(line, 15, 24))
	c.f7 = window(line, 25, 65)
	c.param = strings.Contains(line, "$-PARAMETER")
	if strings.HasPrefix(c.f3, "$") {
		c.f3 = ""
		return c
	}
	c.f4 = window(line, 25, 36)
	c.f5 = strings.TrimSpace(window(line, 40, 49))
	if strings.HasPrefix(c.f5, "$") || strings.HasPrefix(strings.TrimSpace(window(line, 37, 39)), "$") {
		c.f5 = ""
		return c
	}
	c.f6 = window(line, 50, 61)
	return c
}

// parseReal reads a Fortran F12.0 number with blanks ignored: "- 1.0",
// "1.0 13322", "1D3", "3.478+04", ".5", "5.". An empty field is 0 with
// ok=false for "empty".
func parseReal(s string) (v float64, empty bool, err error) {
	if strings.IndexByte(s, ' ') >= 0 || strings.IndexByte(s, '\t') >= 0 {
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, s)
	}
	if s == "" {
		return 0, true, nil
	}
	v, err = parseFortranReal(s)
	return v, false, err
}

func parseFortranReal(s string) (float64, error) {
	b := []byte(s)
	// Locate the exponent: a letter E/D/Q or a sign after the mantissa.
	mant := len(b)
	expStart := -1
	for i := 0; i < len(b); i++ {
		ch := b[i]
		switch {
		case ch == 'E' || ch == 'e' || ch == 'D' || ch == 'd' || ch == 'Q' || ch == 'q':
			mant, expStart = i, i+1
		case (ch == '+' || ch == '-') && i > 0:
			mant, expStart = i, i
		default:
			continue
		}
		break
	}
	m := string(b[:mant])
	if m == "" || m == "+" || m == "-" || m == "." || m == "+." || m == "-." {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	for i, ch := range m {
		if !(ch >= '0' && ch <= '9' || ch == '.' || (i == 0 && (ch == '+' || ch == '-'))) {
			return 0, fmt.Errorf("invalid number %q", s)
		}
	}
	if strings.Count(m, ".") > 1 {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	t := m
	if expStart >= 0 {
		e := string(b[expStart:])
		if e == "" || e == "+" || e == "-" {
			return 0, fmt.Errorf("invalid number %q", s)
		}
		for i, ch := range e {
			if !(ch >= '0' && ch <= '9' || (i == 0 && (ch == '+' || ch == '-'))) {
				return 0, fmt.Errorf("invalid number %q", s)
			}
		}
		t = m + "e" + e
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			if v == 0 {
				return v, nil // underflow: 0 is the nearest double
			}
			return 0, fmt.Errorf("number %q is out of the range of a double", s)
		}
		return 0, fmt.Errorf("invalid number %q", s)
	}
	return v, nil
}

// parseInt reads an integer field (blanks squeezed out).
func parseInt(s string) (int, error) {
	t := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if t == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(t)
	if err != nil {
		f, err2 := parseFortranReal(t)
		if err2 != nil || f != float64(int64(f)) || f > 1e15 || f < -1e15 {
			return 0, fmt.Errorf("invalid integer %q", s)
		}
		return int(f), nil
	}
	return v, nil
}

// indicator keywords, longest first where one is a prefix of another.
var indicators = []string{
	"NAME", "ENDATA", "FREE FORMAT", "FIXED FORMAT",
	"VARIABLES", "COLUMNS", "GROUPS", "ROWS", "CONSTRAINTS",
	"CONSTANTS", "RHS'", "RHS", "RANGES", "BOUNDS", "START POINT",
	"QUADRATIC", "HESSIAN", "QUADS", "QUADOBJ", "QSECTION", "QMATRIX",
	"ELEMENT TYPE", "ELEMENT USES", "GROUP TYPE", "GROUP USES",
	"OBJECT BOUND", "ELEMENTS", "TEMPORARIES", "GLOBALS", "INDIVIDUALS",
}

// indicatorOf returns the keyword of an indicator card or "".
func indicatorOf(line string) string {
	for _, k := range indicators {
		if strings.HasPrefix(line, k) {
			return k
		}
	}
	return ""
}
