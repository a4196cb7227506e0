// Package doccheck keeps the Go code shown in the Markdown documentation
// compiled: every ```go block of a page must be the body (or a contiguous
// part of the body) of a runnable Example function somewhere in the module,
// so that `go test ./...` compiles and runs it. A block that is a whole
// program (package main) is checked through the body of its main function.
package doccheck

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// APISummary, on the line before a ```go fence, marks a block that lists
// declarations or signatures for reference rather than code to run;
// GoBlocks skips it.
const APISummary = "<!-- api summary: not compiled -->"

// GoBlocks returns the contents of the ```go fenced blocks of a Markdown
// text, with the line number of each opening fence, except blocks marked
// with APISummary.
func GoBlocks(md string) (blocks []string, lines []int) {
	var cur []string
	in, skip := false, false
	start := 0
	prev := ""
	for i, l := range strings.Split(md, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case !in && t == "```go":
			in, cur, start, skip = true, nil, i+1, prev == APISummary
		case in && t == "```" && skip:
			in = false
		case in && t == "```":
			in = false
			blocks, lines = append(blocks, strings.Join(cur, "\n")), append(lines, start)
		case in:
			cur = append(cur, l)
		}
		prev = t
	}
	return blocks, lines
}

// ExampleBodies returns the bodies of the Example functions in the
// *_test.go files under root (directories named testdata or starting with
// "." or "_" are skipped), keyed by "path:name". A body is the text between
// the braces, with the "// Output:" comment and what follows it removed and
// one level of tab indentation stripped.
func ExampleBodies(root string) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		bodies, err := funcBodies(path, src, func(fn string) bool { return strings.HasPrefix(fn, "Example") })
		for fn, b := range bodies {
			out[path+":"+fn] = b
		}
		return err
	})
	return out, err
}

// MainBody returns the body of func main in a Go program, normalised like
// ExampleBodies.
func MainBody(program string) (string, error) {
	b, err := funcBodies("program", []byte(program), func(fn string) bool { return fn == "main" })
	if err != nil {
		return "", err
	}
	body, ok := b["main"]
	if !ok {
		return "", fmt.Errorf("doccheck: program has no func main")
	}
	return body, nil
}

func funcBodies(name string, src []byte, want func(string) bool) (map[string]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Body == nil || !want(fd.Name.Name) {
			continue
		}
		lo := fset.Position(fd.Body.Lbrace).Offset + 1
		hi := fset.Position(fd.Body.Rbrace).Offset
		body := string(src[lo:hi])
		if i := strings.Index(body, "// Output:"); i >= 0 {
			body = body[:i]
		}
		if i := strings.Index(body, "// Unordered output:"); i >= 0 {
			body = body[:i]
		}
		out[fd.Name.Name] = Normalize(body)
	}
	return out, nil
}

// Normalize strips one leading tab from every line (when all non-empty
// lines have one), trailing blanks, and leading and trailing empty lines.
func Normalize(s string) string {
	lines := strings.Split(s, "\n")
	indented := true
	for _, l := range lines {
		if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "\t") {
			indented = false
		}
	}
	var b bytes.Buffer
	for _, l := range lines {
		if indented {
			l = strings.TrimPrefix(l, "\t")
		}
		b.WriteString(strings.TrimRight(l, " \t"))
		b.WriteByte('\n')
	}
	return strings.Trim(b.String(), "\n")
}

// Check verifies every ```go block of the Markdown file page against the
// Example bodies under root and returns one error per block that is not
// found.
func Check(page, root string) ([]error, error) {
	md, err := os.ReadFile(page)
	if err != nil {
		return nil, err
	}
	bodies, err := ExampleBodies(root)
	if err != nil {
		return nil, err
	}
	blocks, lines := GoBlocks(string(md))
	var errs []error
	for i, blk := range blocks {
		want := Normalize(blk)
		if strings.HasPrefix(strings.TrimSpace(blk), "package main") {
			if want, err = MainBody(blk); err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: %v", page, lines[i], err))
				continue
			}
		}
		found := false
		for _, body := range bodies {
			if containsLines(body, want) {
				found = true
				break
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("%s:%d: go block is not part of any Example function:\n%s", page, lines[i], want))
		}
	}
	return errs, nil
}

// containsLines reports whether want occurs in body as a run of whole lines.
func containsLines(body, want string) bool {
	return strings.Contains("\n"+body+"\n", "\n"+want+"\n")
}
