// Package kktdata locates the public benchmark data (../shared/data) for
// tests, benchmarks and the kkt command.
//
// The data directory is given by the KKT_DATA environment variable. This is
// the one rule every part of kkt uses (tests, the cutest package's SIF
// lookup, the kkt command): an absolute KKT_DATA is taken as it is; a
// relative one is taken from the working directory when it exists there,
// else from the module root (the directory that holds go.mod), so
// `KKT_DATA=../shared/data go test ./...` works from the project root even
// though go test runs each package in its own directory. Default adds the
// fallback used by the command and by cutest.SIFDir when KKT_DATA is unset.
package kktdata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the absolute data directory named by KKT_DATA, or "" when the
// variable is unset.
func Dir() string {
	d := os.Getenv("KKT_DATA")
	if d == "" {
		return ""
	}
	if filepath.IsAbs(d) {
		return d
	}
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		if abs, err := filepath.Abs(d); err == nil {
			return abs
		}
	}
	if root := moduleRoot(); root != "" {
		return filepath.Join(root, d)
	}
	abs, err := filepath.Abs(d)
	if err != nil {
		return d
	}
	return abs
}

// moduleRoot walks up from the working directory to the first directory
// holding a go.mod file.
func moduleRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Require returns the path of rel inside the data directory. The test is
// skipped when KKT_DATA is unset and fails when it is set but rel is missing.
func Require(tb testing.TB, rel string) string {
	tb.Helper()
	d := Dir()
	if d == "" {
		tb.Skipf("KKT_DATA not set; skipping test that needs %s", rel)
	}
	p := filepath.Join(d, rel)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("KKT_DATA=%s is set but %s is missing: %v", os.Getenv("KKT_DATA"), rel, err)
	}
	return p
}

// Default is Dir, or, when KKT_DATA is unset, the shared data folder beside
// the working directory (../shared/data or shared/data) if it exists; "" when
// there is none.
func Default() string {
	if d := Dir(); d != "" {
		return d
	}
	for _, d := range []string{"../shared/data", "shared/data"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			if abs, err := filepath.Abs(d); err == nil {
				return abs
			}
			return d
		}
	}
	return ""
}
