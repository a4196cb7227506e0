package cutest

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"gonum.org/v1/gonum/floats"

	"github.com/kkt-go/kkt/matrix"
)

// Validation against the reference values of the project's CUTEst data
// (reference.csv). ReferenceQuantities follows the definitions of
// REFERENCE.md exactly so that the same numbers can be compared.

// ReferenceRow is one row of the reference.csv file distributed with the
// project's CUTEst data (values computed by S2MPJ's Python translations; see
// REFERENCE.md next to it). Fields hold the CSV text ("" when absent).
type ReferenceRow struct {
	Name   string
	Params string
	N, M   string
	Values map[string]string // the 16 quantities, "" when absent
	NLB    string
	NUB    string
	Status string
}

// ReferenceQuantityNames are the 16 quantity columns of reference.csv.
var ReferenceQuantityNames = []string{"f0", "gnorm0", "gu0", "uHu0", "cnorm0", "wc0", "wJu0", "uCu0",
	"f1", "gnorm1", "gu1", "uHu1", "cnorm1", "wc1", "wJu1", "uCu1"}

// ReadReference reads reference.csv.
func ReadReference(path string) ([]ReferenceRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty file (want a header line)", path)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range append([]string{"name", "params", "n", "m", "nlb", "nub", "status"}, ReferenceQuantityNames...) {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("%s:1: no %q column", path, h)
		}
	}
	var rows []ReferenceRow
	for _, r := range recs[1:] {
		row := ReferenceRow{Name: r[col["name"]], Params: r[col["params"]], N: r[col["n"]], M: r[col["m"]],
			NLB: r[col["nlb"]], NUB: r[col["nub"]], Status: r[col["status"]], Values: map[string]string{}}
		for _, q := range ReferenceQuantityNames {
			row.Values[q] = r[col[q]]
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// ReferenceResult is the outcome of checking one problem against its
// reference row.
type ReferenceResult struct {
	Name     string
	Class    string
	OK       bool
	Checked  int    // quantities compared
	Reason   string // why the problem fails ("" when OK)
	WorstQty string
	WorstErr float64
	Dur      time.Duration
}

// ReferenceTolerance is the acceptance threshold of CheckReference.
const ReferenceTolerance = 1e-10

// ReferenceError is the error measure of the acceptance criterion: relative error,
// absolute where |ref| < 1e-8. NaN matches NaN.
func ReferenceError(got, ref float64) float64 {
	if math.IsNaN(ref) || math.IsNaN(got) {
		if math.IsNaN(ref) && math.IsNaN(got) {
			return 0
		}
		return math.Inf(1)
	}
	d := math.Abs(got - ref)
	if math.Abs(ref) < 1e-8 {
		return d
	}
	return d / math.Abs(ref)
}

// ReferenceQuantities computes the 16 reference quantities for p (REFERENCE.md): u_i =
// sin(i+1), w_j = cos(j+1) with j the S2MPJ constraint position (all L, then
// all E, then all G groups), x1 = x0 + 0.01u.
func ReferenceQuantities(p *Problem) map[string]float64 {
	n, m := p.N(), p.M()
	u := make([]float64, n)
	for i := range u {
		u[i] = math.Sin(float64(i + 1))
	}
	w := make([]float64, m)
	pos := 0
	for _, kind := range []byte{'L', 'E', 'G'} {
		for j := 0; j < m; j++ {
			if p.ConstraintKind(j) == kind {
				w[j] = math.Cos(float64(pos + 1))
				pos++
			}
		}
	}
	out := map[string]float64{}
	x := p.X0()
	g := make([]float64, n)
	hv := make([]float64, n)
	c := make([]float64, m)
	ju := make([]float64, m)
	for k, sfx := range []string{"0", "1"} {
		if k == 1 {
			for i := range x {
				x[i] += 0.01 * u[i]
			}
		}
		out["f"+sfx] = p.Objective(x)
		p.Gradient(g, x)
		out["gnorm"+sfx] = floats.Norm(g, 2)
		out["gu"+sfx] = floats.Dot(g, u)
		p.HessVec(hv, x, 1, nil, u)
		out["uHu"+sfx] = floats.Dot(u, hv)
		if m > 0 {
			p.Constraints(c, x)
			out["cnorm"+sfx] = floats.Norm(c, 2)
			out["wc"+sfx] = floats.Dot(w, c)
			matrix.MulVec(ju, p.Jacobian(x), u)
			out["wJu"+sfx] = floats.Dot(w, ju)
			p.HessVec(hv, x, 0, w, u)
			out["uCu"+sfx] = floats.Dot(u, hv)
		}
	}
	return out
}

// CheckReference loads dir/NAME.SIF with default parameters and compares n,
// m, the bound counts and the 16 quantities of r. A problem passes when every
// quantity present in r has ReferenceError ≤ ReferenceTolerance; rows
// without values fail with a Reason starting "no reference values".
func CheckReference(dir string, r ReferenceRow) (res ReferenceResult) {
	res.Name = r.Name
	defer func() {
		if e := recover(); e != nil {
			res.OK, res.Reason = false, fmt.Sprintf("panic: %v", e)
		}
	}()
	p, err := ParseFile(filepath.Join(dir, r.Name+".SIF"), nil)
	if err != nil {
		res.Reason = "parse: " + err.Error()
		return
	}
	res.Class = p.Classification()
	if r.Status != "ok" && r.Values["f0"] == "" && r.N == "" {
		res.Reason = "no reference values (" + r.Status + ")"
		return
	}
	ints := []struct {
		q   string
		got int
	}{{"n", p.N()}, {"m", p.M()}}
	if r.NLB != "" {
		nlb, nub := 0, 0
		for i := 0; i < p.N(); i++ {
			if !math.IsInf(p.xl[i], 0) {
				nlb++
			}
			if !math.IsInf(p.xu[i], 0) {
				nub++
			}
		}
		ints = append(ints, struct {
			q   string
			got int
		}{"nlb", nlb}, struct {
			q   string
			got int
		}{"nub", nub})
	}
	boundMsg := ""
	want := map[string]string{"n": r.N, "m": r.M, "nlb": r.NLB, "nub": r.NUB}
	for _, c := range ints {
		if want[c.q] == "" {
			continue
		}
		w, _ := strconv.Atoi(want[c.q])
		if w != c.got {
			if c.q == "n" || c.q == "m" {
				res.Reason = fmt.Sprintf("%s = %d, reference %d", c.q, c.got, w)
				return
			}
			boundMsg = fmt.Sprintf("%s = %d, reference %d", c.q, c.got, w)
		}
	}
	got := ReferenceQuantities(p)
	res.OK = true
	for _, q := range ReferenceQuantityNames {
		s := r.Values[q]
		if s == "" {
			continue
		}
		ref, err := strconv.ParseFloat(s, 64)
		if err != nil {
			res.OK, res.Reason = false, "bad reference value "+s
			return
		}
		g, have := got[q]
		if !have {
			res.OK, res.Reason = false, "quantity "+q+" not computed"
			return
		}
		res.Checked++
		if e := ReferenceError(g, ref); e > res.WorstErr || math.IsNaN(e) {
			res.WorstErr, res.WorstQty = e, fmt.Sprintf("%s: got %.17g, reference %.17g", q, g, ref)
		}
	}
	if res.WorstErr > ReferenceTolerance {
		res.OK = false
		res.Reason = fmt.Sprintf("error %.2g in %s", res.WorstErr, res.WorstQty)
	}
	if boundMsg != "" {
		res.OK = false
		if res.Reason == "" {
			res.Reason = boundMsg + "; all reference values match"
		} else {
			res.Reason = boundMsg + "; " + res.Reason
		}
	}
	if res.OK && res.Checked == 0 {
		res.OK, res.Reason = false, "no reference values ("+r.Status+")"
	}
	return
}

// CheckReferences checks every row with CheckReference using the given
// number of worker goroutines (each problem has its own Problem value).
func CheckReferences(sifDir string, rows []ReferenceRow, workers int) []ReferenceResult {
	if workers < 1 {
		workers = 1
	}
	results := make([]ReferenceResult, len(rows))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				results[i] = CheckReference(sifDir, rows[i])
				results[i].Dur = time.Since(t0)
			}
		}()
	}
	for i := range rows {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}
