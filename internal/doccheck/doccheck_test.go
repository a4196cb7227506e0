package doccheck

import (
	"path/filepath"
	"strings"
	"testing"
)

const root = "../.."

// TestREADME: every Go snippet of README.md is part of a runnable Example.
func TestREADME(t *testing.T) {
	errs, err := Check(filepath.Join(root, "README.md"), root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Error(e)
	}
}

// TestCheckCatchesDrift: a snippet that differs from its example by one
// character, or that is not made of whole lines of it, is reported.
func TestCheckCatchesDrift(t *testing.T) {
	body := Normalize("\ta := 1\n\tb := a + 1\n\tfmt.Println(b)\n")
	if !containsLines(body, "b := a + 1\nfmt.Println(b)") {
		t.Error("a contiguous run of lines was not found")
	}
	for _, bad := range []string{"b := a + 2", "a := 1\nfmt.Println(b)", ":= a + 1"} {
		if containsLines(body, bad) {
			t.Errorf("%q reported as part of the body", bad)
		}
	}
	blocks, lines := GoBlocks("text\n```go\nx := 1\n```\n```sh\nls\n```\n  ```go\n\ty()\n  ```\n" + APISummary + "\n```go\nfunc F()\n```\n")
	if len(blocks) != 2 || blocks[0] != "x := 1" || lines[0] != 2 || strings.TrimSpace(blocks[1]) != "y()" {
		t.Errorf("GoBlocks = %q at %v", blocks, lines)
	}
	m, err := MainBody("package main\n\nfunc main() {\n\tprintln(1)\n}\n")
	if err != nil || m != "println(1)" {
		t.Errorf("MainBody = %q, %v", m, err)
	}
}

// TestDocsPages: the same for every page under docs/ (the tutorials
// included).
func TestDocsPages(t *testing.T) {
	pages, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	more, _ := filepath.Glob(filepath.Join(root, "docs", "*", "*.md"))
	pages = append(pages, more...)
	if len(pages) == 0 {
		t.Fatal("no docs pages found")
	}
	for _, p := range pages {
		errs, err := Check(p, root)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range errs {
			t.Error(e)
		}
	}
}
