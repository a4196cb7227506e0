package cutestrepro

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/internal/repro"
)

func TestRunNoData(t *testing.T) {
	rows, err := Run(context.Background(), &repro.Env{Progress: io.Discard})
	if err != nil || len(rows) != 1 || rows[0].Status != "info" || !strings.Contains(rows[0].Note, "no CUTEst data") {
		t.Errorf("no-data experiment: %v %+v", err, rows)
	}
}

// TestRunSmall runs the experiment on a data folder with two problems of
// the shared set: HS6 with its reference row and HS7 with a reference f0
// changed in the fifth digit, which must be caught.
func TestRunSmall(t *testing.T) {
	ref, err := os.ReadFile(kktdata.Require(t, "cutest/reference.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(ref), "\n")
	keep := []string{lines[0]}
	for _, l := range lines[1:] {
		if name, rest, _ := strings.Cut(l, ","); name == "HS6" {
			keep = append(keep, l)
		} else if name == "HS7" {
			// n, m, params, then f0 = -0.39056208756589972.
			f := strings.Split(rest, ",")
			if !strings.HasPrefix(f[3], "-0.3905") {
				t.Fatalf("HS7's f0 is %s, not the value this test changes", f[3])
			}
			f[3] = "-0.3906"
			keep = append(keep, name+","+strings.Join(f, ","))
		}
	}
	if len(keep) != 3 {
		t.Fatalf("HS6 and HS7 not in reference.csv (%d rows kept)", len(keep)-1)
	}
	dir := t.TempDir()
	sif := filepath.Join(dir, "cutest", "sif")
	if err := os.MkdirAll(sif, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"HS6", "HS7"} {
		b, err := os.ReadFile(kktdata.Require(t, "cutest/sif/"+p+".SIF"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(sif, p+".SIF"), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "cutest", "reference.csv"), []byte(strings.Join(keep, "\n")+"\n"), 0o644)
	var progress bytes.Buffer
	rows, err := Run(context.Background(), &repro.Env{DataDir: dir, Full: true, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Value != 0.5 || rows[0].Status != "differs" || rows[1].Value != 0.5 || !rows[2].Timing {
		t.Errorf("rows: %+v", rows)
	}
	if !strings.Contains(progress.String(), "1/2 problems match; failures: HS7") {
		t.Errorf("progress: %q", progress.String())
	}
}

func TestExperimentsFresh(t *testing.T) {
	a := Experiments()
	a[0].Order = -1
	if b := Experiments(); len(b) != 1 || b[0].Name != "cutest-sif" || b[0].Order != 20 {
		t.Errorf("Experiments: %+v", b)
	}
}
