package tutorials_test

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// pages are the tutorials whose ```go blocks must be compiled examples.
var pages = []string{"kaczmarz.md", "sinkhorn-newton.md"}

// codeBlock is one ```go or ```text block of a Markdown page.
type codeBlock struct {
	page   string
	line   int      // line of the opening fence (1-based)
	output bool     // a ```text block: an excerpt of an example's output
	lines  []string // the block's lines, trailing blanks removed
}

// want returns the lines the block must match in an Example body: the Go
// lines themselves, or for an output excerpt each line as a "// " comment.
func (b codeBlock) want() []string {
	if !b.output {
		return b.lines
	}
	w := make([]string, len(b.lines))
	for k, l := range b.lines {
		w[k] = strings.TrimRight("// "+l, " ")
	}
	return w
}

// example is the body of one Example function, dedented by one tab.
type example struct {
	name    string
	file    string
	lines   []string
	covered []bool // lines matched by some code block
}

// readBlocks returns the ```go and ```text blocks of a Markdown file. A
// fence that is never closed is an error naming the file and line.
func readBlocks(path string) ([]codeBlock, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		blocks  []codeBlock
		cur     *codeBlock
		inOther bool // inside a fenced block of another language
		ln      int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ln++
		text := strings.TrimRight(sc.Text(), " \t\r")
		fence := strings.HasPrefix(text, "```")
		switch {
		case cur != nil && fence:
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, text)
		case inOther && fence:
			inOther = false
		case inOther:
		case text == "```go" || text == "```text":
			cur = &codeBlock{page: filepath.Base(path), line: ln, output: text == "```text"}
		case fence:
			inOther = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: ```go block is never closed", path, cur.line)
	}
	if inOther {
		return nil, fmt.Errorf("%s: a fenced block is never closed", path)
	}
	return blocks, nil
}

// readExamples parses every _test.go file of the directory and returns the
// bodies of its Example functions, each line with one leading tab removed.
func readExamples(dir string) ([]*example, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	var out []*example
	fset := token.NewFileSet()
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Example") || fn.Body == nil {
				continue
			}
			lo := fset.Position(fn.Body.Lbrace).Offset + 1
			hi := fset.Position(fn.Body.Rbrace).Offset
			body := strings.Split(string(src[lo:hi]), "\n")
			// The text after "{" and before "}" on their own lines is empty.
			body = body[1 : len(body)-1]
			ex := &example{name: fn.Name.Name, file: filepath.Base(file)}
			for _, l := range body {
				l = strings.TrimRight(l, " \t\r")
				ex.lines = append(ex.lines, strings.TrimPrefix(l, "\t"))
			}
			ex.covered = make([]bool, len(ex.lines))
			out = append(out, ex)
		}
	}
	return out, nil
}

// match marks and reports every place where the block's lines equal a
// contiguous run of an example's lines.
func match(b codeBlock, exs []*example) bool {
	found := false
	want := b.want()
	for _, ex := range exs {
		for start := 0; start+len(want) <= len(ex.lines); start++ {
			ok := true
			for k, l := range want {
				if ex.lines[start+k] != l {
					ok = false
					break
				}
			}
			if ok {
				found = true
				for k := range want {
					ex.covered[start+k] = true
				}
			}
		}
	}
	return found
}

// checkPages returns one message per problem: a ```go block that is not a
// run of lines of an Example body, a ```text block that is not a run of its
// // Output: lines, or an Example line that no block shows (the
// "// Output:" marker itself excepted).
func checkPages(blocks []codeBlock, exs []*example) []string {
	var problems []string
	for _, b := range blocks {
		if len(b.lines) == 0 {
			problems = append(problems, fmt.Sprintf("%s:%d: empty ```go block", b.page, b.line))
			continue
		}
		if !match(b, exs) {
			what := "```go block is not a run of lines of any Example body (dedented by one tab)"
			if b.output {
				what = "```text block is not a run of // Output: lines of any Example"
			}
			problems = append(problems, fmt.Sprintf("%s:%d: this %s; edit the page and example_test.go together:\n%s",
				b.page, b.line, what, strings.Join(b.lines, "\n")))
		}
	}
	for _, ex := range exs {
		var missing []string
		for k, l := range ex.lines {
			if !ex.covered[k] && strings.TrimSpace(l) != "" && l != "// Output:" {
				missing = append(missing, l)
			}
		}
		if len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("%s: %s has %d lines that no tutorial shows, first: %q",
				ex.file, ex.name, len(missing), missing[0]))
		}
	}
	sort.Strings(problems)
	return problems
}

func loadAll(t *testing.T) ([]codeBlock, []*example) {
	t.Helper()
	var blocks []codeBlock
	for _, p := range pages {
		bs, err := readBlocks(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) == 0 {
			t.Fatalf("%s has no ```go blocks", p)
		}
		blocks = append(blocks, bs...)
	}
	exs, err := readExamples(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) == 0 {
		t.Fatal("no Example functions found")
	}
	return blocks, exs
}

// TestCodeBlocksAreExamples is the guarantee that the tutorials cannot rot:
// every ```go block of the two pages is a contiguous run of lines of an
// Example function (which go test compiles, runs and checks against its
// // Output: lines), every ```text block is a run of those // Output:
// lines, and every line of every Example appears in a page.
func TestCodeBlocksAreExamples(t *testing.T) {
	blocks, exs := loadAll(t)
	for _, p := range checkPages(blocks, exs) {
		t.Error(p)
	}
}

// TestCheckerRejectsEdits shows that the check above can fail: changing one
// character of a block, or one line of an example, is reported.
func TestCheckerRejectsEdits(t *testing.T) {
	blocks, exs := loadAll(t)
	if p := checkPages(blocks, exs); len(p) > 0 {
		t.Skip("the pages do not pass TestCodeBlocksAreExamples")
	}
	reset := func() {
		for _, ex := range exs {
			clear(ex.covered)
		}
	}

	// A block whose last line gains a character matches nothing.
	reset()
	edited := make([]codeBlock, len(blocks))
	copy(edited, blocks)
	b := edited[0]
	b.lines = append(append([]string(nil), b.lines[:len(b.lines)-1]...), b.lines[len(b.lines)-1]+" ")
	edited[0] = b
	if p := checkPages(edited, exs); len(p) == 0 {
		t.Error("an edited block was accepted")
	}

	// An example with one extra line is no longer fully shown.
	reset()
	ex := exs[0]
	saved := ex.lines
	ex.lines = append(append([]string(nil), saved...), "fmt.Println(42)")
	ex.covered = make([]bool, len(ex.lines))
	if p := checkPages(blocks, exs); len(p) == 0 {
		t.Error("an edited example was accepted")
	}
	ex.lines = saved
	ex.covered = make([]bool, len(saved))
}
