package cutest

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/floats"
)

// CatalogueEntry is one problem of a SIF collection: its name and its
// CUTEst classification string "XXXX-XX-n-m" (objective, constraints,
// smoothness, interval order; origin and internal variables; n; m).
type CatalogueEntry struct {
	Name  string `json:"name"`
	Class string `json:"classification"`
	// N and M are the sizes of the classification ("V" for a variable size,
	// "?" when the classification has no sizes); List replaces a "V" by the
	// size at the default parameters when it filters by size.
	N string `json:"n"`
	M string `json:"m"`
	// EqualityOnly is the equality_only column of catalogue.csv (false
	// when the catalogue has none).
	EqualityOnly bool `json:"-"`
}

// ReadCatalogue reads a catalogue file (CSV with a header naming at least
// the columns name and classification, and optionally equality_only = 0|1;
// the shared data folder's cutest/catalogue.csv).
func ReadCatalogue(file string) ([]CatalogueEntry, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseCatalogue(f, file)
}

// ParseCatalogue parses a catalogue from r; file names it in errors.
func ParseCatalogue(r io.Reader, file string) ([]CatalogueEntry, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", file)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"name", "classification"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("%s: no %s column", file, h)
		}
	}
	var out []CatalogueEntry
	for _, r := range recs[1:] {
		e := CatalogueEntry{Name: r[col["name"]], Class: r[col["classification"]]}
		e.N, e.M = classSizes(e.Class)
		if k, ok := col["equality_only"]; ok {
			e.EqualityOnly = r[k] == "1"
		}
		out = append(out, e)
	}
	return out, nil
}

// classSizes returns n and m of a classification "XXXX-XX-n-m".
func classSizes(class string) (n, m string) {
	f := strings.Split(class, "-")
	if len(f) >= 4 {
		return f[len(f)-2], f[len(f)-1]
	}
	return "?", "?"
}

// ScanCatalogue builds the catalogue of the SIF files in dir from their
// classification comments (a file without one has an empty Class).
func ScanCatalogue(dir string) ([]CatalogueEntry, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []CatalogueEntry
	for _, e := range ents {
		if !strings.HasSuffix(strings.ToUpper(e.Name()), ".SIF") {
			continue
		}
		ce := CatalogueEntry{Name: strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))}
		if f, err := os.Open(filepath.Join(dir, e.Name())); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				l := sc.Text()
				if strings.HasPrefix(l, "*") {
					if c := ClassificationOf(l); c != "" {
						ce.Class = c
						break
					}
				}
			}
			f.Close()
		}
		ce.N, ce.M = classSizes(ce.Class)
		out = append(out, ce)
	}
	return out, nil
}

// ClassMatch matches a classification against a glob pattern (path.Match
// syntax, e.g. "SUR2-*") or, without glob characters, a prefix ("Q").
func ClassMatch(pattern, class string) bool {
	if strings.ContainsAny(pattern, "*?[") {
		ok, _ := path.Match(pattern, class)
		return ok
	}
	return strings.HasPrefix(class, pattern)
}

// ListFilter selects problems for List. The zero value selects all.
type ListFilter struct {
	Class string // classification glob or prefix (ClassMatch); "" for any
	// Constraints is "equality" (m > 0, every constraint an equality),
	// "none" (m = 0) or "any" ("" is "any").
	Constraints string
	MaxN        int // at most MaxN variables when positive
}

// List returns the problems of the SIF directory dir that pass f, sorted by
// name. The classifications come from catalogue.csv beside dir (the shared
// data folder's layout: cutest/catalogue.csv, cutest/sif) when it exists,
// else from the files' classification comments; only problems with a file
// in dir are listed. A problem is loaded (with its default parameters) only
// when the classification cannot decide: a variable size under MaxN, or
// equality constraints without an equality_only column; a problem that
// fails to load is left out of a size filter.
func List(dir string, f ListFilter) ([]CatalogueEntry, error) {
	switch f.Constraints {
	case "", "any", "equality", "none":
	default:
		return nil, fmt.Errorf("cutest: List: constraints %q: want equality, none or any", f.Constraints)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	for _, x := range ents {
		present[strings.TrimSuffix(x.Name(), filepath.Ext(x.Name()))] = true
	}
	var entries []CatalogueEntry
	if cat := filepath.Join(filepath.Dir(filepath.Clean(dir)), "catalogue.csv"); fileExists(cat) {
		entries, err = ReadCatalogue(cat)
	} else {
		entries, err = ScanCatalogue(dir)
	}
	if err != nil {
		return nil, err
	}
	var out []CatalogueEntry
	for _, e := range entries {
		if !present[e.Name] || (f.Class != "" && !ClassMatch(f.Class, e.Class)) {
			continue
		}
		switch f.Constraints {
		case "none":
			if e.M != "0" {
				continue
			}
		case "equality":
			if e.M == "0" || !e.EqualityOnly && !equalityOnly(filepath.Join(dir, e.Name+".SIF")) {
				continue
			}
		}
		if f.MaxN > 0 {
			nv, err := strconv.Atoi(e.N)
			if err != nil { // variable size: load with the default parameters
				p, perr := ParseFile(filepath.Join(dir, e.Name+".SIF"), nil)
				if perr != nil {
					continue
				}
				nv, e.N, e.M = p.N(), strconv.Itoa(p.N()), strconv.Itoa(p.M())
			}
			if nv > f.MaxN {
				continue
			}
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// equalityOnly loads a problem and reports whether it has constraints and
// all of them are equalities.
func equalityOnly(file string) bool {
	p, err := ParseFile(file, nil)
	if err != nil || p.M() == 0 {
		return false
	}
	for j := 0; j < p.M(); j++ {
		if !p.Equality(j) {
			return false
		}
	}
	return true
}

// Locate returns the SIF file of the problem called name in dir: name
// itself when it ends in ".SIF" or contains a path separator, else
// dir/NAME.SIF (the collection's upper-case names), or dir/name.SIF when
// only that exists (a few files have lower-case letters).
func Locate(name, dir string) string {
	if strings.HasSuffix(strings.ToUpper(name), ".SIF") || strings.ContainsRune(name, os.PathSeparator) {
		return name
	}
	p := filepath.Join(dir, strings.ToUpper(name)+".SIF")
	if alt := filepath.Join(dir, name+".SIF"); alt != p && !fileExists(p) && fileExists(alt) {
		return alt
	}
	return p
}

// StartValues are a problem's values at its start point x₀ (and y₀).
type StartValues struct {
	F        float64 // f(x₀)
	GradNorm float64 // ‖∇f(x₀)‖₂
	ConNorm  float64 // ‖c(x₀)‖₂
	NNZJ     int     // stored entries of the Jacobian J(x₀) (0 when m = 0)
	NNZH     int     // stored entries of ∇²L(x₀, y₀), both triangles
}

// AtStart evaluates the problem at its start point.
func (p *Problem) AtStart() StartValues {
	x := p.X0()
	g := make([]float64, p.N())
	p.Gradient(g, x)
	c := make([]float64, p.M())
	p.Constraints(c, x)
	v := StartValues{F: p.Objective(x), GradNorm: floats.Norm(g, 2), ConNorm: floats.Norm(c, 2), NNZH: p.HessLag(x, p.Y0()).NNZ()}
	if p.M() > 0 {
		v.NNZJ = p.Jacobian(x).NNZ()
	}
	return v
}
