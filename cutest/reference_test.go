package cutest

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/matrix"
)

// refRow is one row of reference.csv (see REFERENCE.md next to it).
type refRow struct {
	name   string
	params string
	n, m   string
	vals   map[string]string // the 16 quantities, "" when absent
	nlb    string
	nub    string
	status string
}

var refQuantities = []string{"f0", "gnorm0", "gu0", "uHu0", "cnorm0", "wc0", "wJu0", "uCu0",
	"f1", "gnorm1", "gu1", "uHu1", "cnorm1", "wc1", "wJu1", "uCu1"}

func readReference(path string) ([]refRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var rows []refRow
	for _, r := range recs[1:] {
		row := refRow{name: r[col["name"]], params: r[col["params"]], n: r[col["n"]], m: r[col["m"]],
			nlb: r[col["nlb"]], nub: r[col["nub"]], status: r[col["status"]], vals: map[string]string{}}
		for _, q := range refQuantities {
			row.vals[q] = r[col[q]]
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// refResult is the outcome of checking one problem.
type refResult struct {
	name     string
	class    string
	ok       bool
	checked  int // quantities compared
	reason   string
	worstQty string
	worstErr float64
	dur      time.Duration
}

// refErr is the error measure of the acceptance criterion: relative error,
// absolute where |ref| < 1e-8. NaN matches NaN.
func refErr(got, ref float64) float64 {
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

// refValues computes the 16 reference quantities for p (REFERENCE.md): u_i =
// sin(i+1), w_j = cos(j+1) with j the S2MPJ constraint position (all L, then
// all E, then all G groups), x1 = x0 + 0.01u.
func refValues(p *Problem) map[string]float64 {
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
		out["gnorm"+sfx] = norm(g)
		out["gu"+sfx] = dot(g, u)
		p.HessVec(hv, x, 1, nil, u)
		out["uHu"+sfx] = dot(u, hv)
		if m > 0 {
			p.Constraints(c, x)
			out["cnorm"+sfx] = norm(c)
			out["wc"+sfx] = dot(w, c)
			matrix.MulVec(ju, p.Jacobian(x), u)
			out["wJu"+sfx] = dot(w, ju)
			p.HessVec(hv, x, 0, w, u)
			out["uCu"+sfx] = dot(u, hv)
		}
	}
	return out
}

func norm(v []float64) float64 { return math.Sqrt(dot(v, v)) }

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func checkRef(dir string, r refRow) (res refResult) {
	res.name = r.name
	defer func() {
		if e := recover(); e != nil {
			res.ok, res.reason = false, fmt.Sprintf("panic: %v", e)
		}
	}()
	p, err := ParseFile(filepath.Join(dir, r.name+".SIF"), nil)
	if err != nil {
		res.reason = "parse: " + err.Error()
		return
	}
	res.class = p.Classification()
	if r.status != "ok" && r.vals["f0"] == "" && r.n == "" {
		res.reason = "no reference values (" + r.status + ")"
		return
	}
	ints := []struct {
		q   string
		got int
	}{{"n", p.N()}, {"m", p.M()}}
	if r.nlb != "" {
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
	want := map[string]string{"n": r.n, "m": r.m, "nlb": r.nlb, "nub": r.nub}
	for _, c := range ints {
		if want[c.q] == "" {
			continue
		}
		w, _ := strconv.Atoi(want[c.q])
		if w != c.got {
			if c.q == "n" || c.q == "m" {
				res.reason = fmt.Sprintf("%s = %d, reference %d", c.q, c.got, w)
				return
			}
			boundMsg = fmt.Sprintf("%s = %d, reference %d", c.q, c.got, w)
		}
	}
	got := refValues(p)
	res.ok = true
	for _, q := range refQuantities {
		s := r.vals[q]
		if s == "" {
			continue
		}
		ref, err := strconv.ParseFloat(s, 64)
		if err != nil {
			res.ok, res.reason = false, "bad reference value "+s
			return
		}
		g, have := got[q]
		if !have {
			res.ok, res.reason = false, "quantity "+q+" not computed"
			return
		}
		res.checked++
		if e := refErr(g, ref); e > res.worstErr || math.IsNaN(e) {
			res.worstErr, res.worstQty = e, fmt.Sprintf("%s: got %.17g, reference %.17g", q, g, ref)
		}
	}
	if res.worstErr > 1e-10 {
		res.ok = false
		res.reason = fmt.Sprintf("error %.2g in %s", res.worstErr, res.worstQty)
	}
	if boundMsg != "" {
		res.ok = false
		if res.reason == "" {
			res.reason = boundMsg + "; all reference values match"
		} else {
			res.reason = boundMsg + "; " + res.reason
		}
	}
	if res.ok && res.checked == 0 {
		res.ok, res.reason = false, "no reference values ("+r.status+")"
	}
	return
}

// readKnownFailures reads testdata/known_failures.txt: "NAME reason" lines,
// '#' comments.
func readKnownFailures(t testing.TB) map[string]string {
	f, err := os.Open("testdata/known_failures.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, reason, _ := strings.Cut(line, " ")
		known[name] = strings.TrimSpace(reason)
	}
	return known
}

func runReference(t testing.TB) ([]refResult, []refRow) {
	data := kktdata.Require(t, "cutest/reference.csv")
	dir := kktdata.Require(t, "cutest/sif")
	rows, err := readReference(data)
	if err != nil {
		t.Fatal(err)
	}
	results := make([]refResult, len(rows))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				results[i] = checkRef(dir, rows[i])
				results[i].dur = time.Since(t0)
			}
		}()
	}
	for i := range rows {
		next <- i
	}
	close(next)
	wg.Wait()
	return results, rows
}

// TestReference checks n, m, the bound counts and the 16 quantities of
// reference.csv for every problem there. A problem fails when any quantity
// has a relative error above 1e-10 (absolute below 1e-8). The failing set
// must equal testdata/known_failures.txt exactly.
func TestReference(t *testing.T) {
	results, _ := runReference(t)
	known := readKnownFailures(t)
	pass := 0
	for _, r := range results {
		if r.ok {
			pass++
			if _, k := known[r.name]; k {
				t.Errorf("%s passes now: remove it from testdata/known_failures.txt", r.name)
			}
			continue
		}
		if os.Getenv("CUTEST_VERBOSE") != "" {
			fmt.Printf("FAIL %s %s\n", r.name, r.reason)
		}
		if _, k := known[r.name]; !k {
			t.Errorf("%s: %s", r.name, r.reason)
		}
	}
	seen := map[string]bool{}
	for _, r := range results {
		seen[r.name] = true
	}
	for name := range known {
		if !seen[name] {
			t.Errorf("known failure %s is not in reference.csv", name)
		}
	}
	// The acceptance fraction is taken over the problems for which the
	// reference has values; the others are listed (and explained) in
	// known_failures.txt and counted separately.
	noRef := 0
	for _, r := range results {
		if strings.HasPrefix(r.reason, "no reference values") {
			noRef++
		}
	}
	frac := float64(pass) / float64(len(results)-noRef)
	t.Logf("reference.csv: %d of %d problems match to 1e-10 (%d of %d with reference values: %.1f%%)",
		pass, len(results), pass, len(results)-noRef, 100*frac)
	if frac < 0.97 {
		t.Errorf("only %.1f%% of the problems with reference values pass (need ≥ 97%%)", 100*frac)
	}
	if os.Getenv("CUTEST_VERBOSE") != "" {
		byClass := map[string][2]int{}
		for _, r := range results {
			c := "?"
			if len(r.class) >= 3 {
				c = r.class[:3]
			}
			v := byClass[c]
			v[1]++
			if r.ok {
				v[0]++
			}
			byClass[c] = v
		}
		sorted := append([]refResult(nil), results...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].dur > sorted[j].dur })
		for _, r := range sorted[:10] {
			fmt.Printf("SLOW %s %v\n", r.name, r.dur)
		}
		keys := make([]string, 0, len(byClass))
		for k := range byClass {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("CLASS %s %d/%d\n", k, byClass[k][0], byClass[k][1])
		}
	}
}
