package cutest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Params holds $-PARAMETER overrides (Options.Params) and reads them from
// text: Set parses one "NAME=VALUE" (spaces around either side are
// trimmed), so a Params value serves as a repeatable
// command-line flag (flag.Value), e.g. --param N=100 --param M=20.
type Params map[string]float64

// String returns the overrides as fmt prints a map.
func (p Params) String() string { return fmt.Sprint(map[string]float64(p)) }

// Set adds the override s = "NAME=VALUE".
func (p Params) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return errors.New("want NAME=VALUE")
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return fmt.Errorf("bad value in %q", s)
	}
	p[strings.TrimSpace(k)] = f
	return nil
}
