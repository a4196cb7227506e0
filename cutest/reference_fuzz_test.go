package cutest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/matrix"
)

// FuzzReadReference feeds arbitrary text as reference.csv (production
// limits, 64 MiB memory budget): no input panics, errors name the file.
func FuzzReadReference(f *testing.F) {
	old := matrix.SetMemoryBudget(64 << 20)
	f.Cleanup(func() { matrix.SetMemoryBudget(old) })
	header := "name,params,n,m," + strings.Join(ReferenceQuantityNames, ",") + ",nlb,nub,status\n"
	f.Add(header + "HS6,,2,1" + strings.Repeat(",1", 16) + ",0,0,ok\n")
	f.Add(header)
	f.Add("name\n")
	f.Add("\"unterminated\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s string) {
		p := filepath.Join(dir, "reference.csv")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Skip(err)
		}
		rows, err := ReadReference(p)
		if err != nil {
			if !strings.Contains(err.Error(), "reference.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		_ = rows
	})
}
