package cutest

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/internal/kktdata"
)

func TestParseCatalogue(t *testing.T) {
	es, err := ParseCatalogue(strings.NewReader("name,classification,equality_only\nHS6,QQR2-AN-2-1,1\nDTOC1L,OLR2-AN-V-V,0\nODD,X,0\n"), "c.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []CatalogueEntry{{"HS6", "QQR2-AN-2-1", "2", "1", true}, {"DTOC1L", "OLR2-AN-V-V", "V", "V", false}, {"ODD", "X", "?", "?", false}}
	if len(es) != len(want) {
		t.Fatalf("%+v", es)
	}
	for i := range want {
		if es[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, es[i], want[i])
		}
	}
	for _, bad := range []string{"", "name\nA\n", "name,classification\nA\n"} {
		if _, err := ParseCatalogue(strings.NewReader(bad), "c.csv"); err == nil || !strings.Contains(err.Error(), "c.csv") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestClassMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, class string
		want           bool
	}{{"SUR2-*", "SUR2-AN-2-0", true}, {"SUR2-*", "QUR2-AN-2-0", false}, {"Q", "QQR2-AN-2-1", true}, {"QL", "QQR2-AN-2-1", false},
		{"?QR2-*-2-1", "QQR2-AN-2-1", true}, {"[", "QQR2", false}} {
		if got := ClassMatch(c.pattern, c.class); got != c.want {
			t.Errorf("ClassMatch(%q, %q) = %v", c.pattern, c.class, got)
		}
	}
}

// TestList lists a folder of four shared problems with and without a
// catalogue beside it.
func TestList(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "sif")
	os.Mkdir(dir, 0o755)
	for _, p := range []string{"BEALE", "HS6", "HS21", "DTOC1L"} {
		b, err := os.ReadFile(kktdata.Require(t, "cutest/sif/"+p+".SIF"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, p+".SIF"), b, 0o644)
	}
	names := func(es []CatalogueEntry) string {
		var s []string
		for _, e := range es {
			s = append(s, e.Name+":"+e.N+":"+e.M)
		}
		return strings.Join(s, " ")
	}
	for _, withCat := range []bool{false, true} {
		if withCat {
			os.WriteFile(filepath.Join(root, "catalogue.csv"), []byte("name,classification,equality_only\nHS6,QQR2-AN-2-1,1\nBEALE,SUR2-AN-2-0,0\n"+
				"HS21,QLR2-AN-2-1,0\nDTOC1L,OLR2-AN-V-V,1\nNOFILE,SUR2-AN-2-0,0\n"), 0o644)
		}
		for _, c := range []struct {
			f    ListFilter
			want string
		}{
			{ListFilter{}, "BEALE:2:0 DTOC1L:V:V HS21:2:1 HS6:2:1"},
			{ListFilter{Class: "SUR2-*"}, "BEALE:2:0"},
			{ListFilter{Constraints: "none"}, "BEALE:2:0"},
			{ListFilter{Constraints: "equality"}, "DTOC1L:V:V HS6:2:1"},
			{ListFilter{Constraints: "equality", MaxN: 50}, "HS6:2:1"}, // DTOC1L: n = 58 at the defaults
			{ListFilter{MaxN: 2000}, "BEALE:2:0 DTOC1L:58:36 HS21:2:1 HS6:2:1"},
		} {
			es, err := List(dir, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(es); got != c.want {
				t.Errorf("catalogue %v, %+v: %s, want %s", withCat, c.f, got, c.want)
			}
		}
	}
	if _, err := List(dir, ListFilter{Constraints: "some"}); err == nil {
		t.Error("unknown constraint filter accepted")
	}
	if _, err := List(filepath.Join(root, "none"), ListFilter{}); err == nil {
		t.Error("missing folder accepted")
	}
}

func TestLocate(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "lower.SIF"), nil, 0o644)
	for _, c := range [][2]string{
		{"hs6", filepath.Join(dir, "HS6.SIF")}, {"lower", filepath.Join(dir, "lower.SIF")},
		{"x/HS6.SIF", "x/HS6.SIF"}, {"HS6.sif", "HS6.sif"},
	} {
		if got := Locate(c[0], dir); got != c[1] {
			t.Errorf("Locate(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

// TestAtStart checks HS6 against reference.csv: f0 = 4.84, ‖c(x₀)‖ = 4.4.
func TestAtStart(t *testing.T) {
	p, err := ParseFile(kktdata.Require(t, "cutest/sif/HS6.SIF"), nil)
	if err != nil {
		t.Fatal(err)
	}
	v := p.AtStart()
	if math.Abs(v.F-4.84) > 1e-12 || math.Abs(v.GradNorm-4.4) > 1e-12 || math.Abs(v.ConNorm-4.4) > 1e-12 || v.NNZJ != 2 || v.NNZH != 1 {
		t.Errorf("HS6 at x₀: %+v", v)
	}
}
