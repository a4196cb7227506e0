package completion

import (
	"strings"
	"testing"

	"github.com/kkt-go/kkt/matrix"
)

// fuzzBudget runs a fuzz target with the readers' production limits and a
// 64 MiB memory budget (as a user would set with --mem-budget).
func fuzzBudget(tb testing.TB) {
	old := matrix.SetMemoryBudget(64 << 20)
	tb.Cleanup(func() { matrix.SetMemoryBudget(old) })
}

func FuzzReadFactors(f *testing.F) {
	fuzzBudget(f)
	f.Add(`{"id":1,"features":[1,2]}` + "\n" + `{"id":3,"features":[3,4]}` + "\n")
	f.Add(`{"id":67108864,"features":[1,2,3,4,5,6,7,8,9,10]}` + "\n")
	f.Add(`{"id":1,"features":[]}`)
	f.Add(`{"id":2,"features":[1e400]}`)
	f.Fuzz(func(t *testing.T, s string) {
		F, err := ReadFactors(strings.NewReader(s), "fuzz.jsonl")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.jsonl") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		r, c := F.Dims()
		if r < 1 || c < 1 {
			t.Fatalf("%d×%d factors without error", r, c)
		}
	})
}

func TestReadFactorsBudget(t *testing.T) {
	old := matrix.SetMemoryBudget(1 << 20)
	defer matrix.SetMemoryBudget(old)
	_, err := ReadFactors(strings.NewReader(`{"id":67108864,"features":[1,2,3,4,5,6,7,8,9,10]}`+"\n"), "f.jsonl")
	if err == nil || !strings.Contains(err.Error(), "f.jsonl: a 67108864×10 factor matrix") {
		t.Errorf("err = %v", err)
	}
	_, err = Read(strings.NewReader("67108864 1 1\n"), "r.coo", FormatCOO)
	if err == nil || !strings.Contains(err.Error(), "r.coo:1: entry (67108864, 1)") {
		t.Errorf("err = %v", err)
	}
}
