package main

import (
	"fmt"
	"io"

	"github.com/kkt-go/kkt/internal/jsonout"
)

// writeJSON writes v as one JSON value (see internal/jsonout).
func writeJSON(w io.Writer, v any, indent bool) error { return jsonout.Write(w, v, indent) }

// printJSON writes v to stdout as the --json output of command name. On
// failure it reports on stderr and returns false; the caller exits 2.
func printJSON(stdout, stderr io.Writer, name string, v any, indent bool) bool {
	if err := writeJSON(stdout, v, indent); err != nil {
		fmt.Fprintf(stderr, "kkt %s: writing the JSON output: %v\n", name, err)
		return false
	}
	return true
}
