package auglag

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/nlp"
	sol "github.com/kkt-go/kkt/solver"
)

// ipoptRef reads ipopt.csv (IPOPT 3.14 run on the shared SIF files):
// name → (status, objective).
func ipoptRef(t *testing.T, path string) map[string]struct {
	status string
	f      float64
} {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]struct {
		status string
		f      float64
	}{}
	for _, r := range rows[1:] {
		f, _ := strconv.ParseFloat(r[5], 64)
		out[r[0]] = struct {
			status string
			f      float64
		}{r[3], f}
	}
	return out
}

// TestSolveNLPSweep runs SolveNLP on every shared SIF problem with
// 2 ≤ n ≤ 100 that has a finite variable bound or an inequality and counts
// those IPOPT solved (Solve_Succeeded in ipopt.csv) where SolveNLP ends
// Converged at Tol = 1e-8 with an objective equal to IPOPT's to 1e-6
// relative (|f − f*| ≤ 1e-6·max(1, |f*|)) or lower. It must solve at least
// 85 % of them. Heavy (minutes): set KKT_ALM_SWEEP=1 to run it;
// KKT_ALM_SWEEP=NAME,NAME runs only those problems.
func TestSolveNLPSweep(t *testing.T) {
	sw := os.Getenv("KKT_ALM_SWEEP")
	if sw == "" {
		t.Skip("set KKT_ALM_SWEEP=1 to run the sweep over the shared SIF folder")
	}
	only := map[string]bool{}
	if sw != "1" {
		for _, s := range strings.Split(sw, ",") {
			only[s] = true
		}
	}
	dir := kktdata.Require(t, "cutest/sif")
	ref := ipoptRef(t, filepath.Join(filepath.Dir(dir), "ipopt.csv"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.SIF"))
	sort.Strings(files)
	var total, solved, relaxed int
	var fails, others, relax []string
	for _, file := range files {
		p, err := cutest.ParseFile(file, nil)
		if err != nil {
			continue
		}
		name := p.Name()
		if len(only) > 0 && !only[name] {
			continue
		}
		s, err := nlp.Classify(p)
		if err != nil || s.N < 2 || s.N > 100 || (!s.HasBounds() && s.Inequalities == 0) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		t0 := time.Now()
		res, err := SolveNLP(ctx, p, NLPSettings{})
		cancel()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		r, ok := ref[name]
		line := fmt.Sprintf("%-12s n=%3d m=%3d %-16v it=%3d f=%-22.15g ipopt=%-16s %-22.15g infpr=%.1e infdu=%.1e compl=%.1e %.2fs %s",
			name, s.N, s.M, res.Status, res.Iterations, res.F, r.status, r.f, res.InfPr, res.InfDu, res.Compl, time.Since(t0).Seconds(), res.Message)
		if !ok || r.status != "Solve_Succeeded" {
			others = append(others, line)
			continue
		}
		total++
		switch {
		case res.Status == sol.Converged && (math.Abs(res.F-r.f) <= 1e-6*math.Max(1, math.Abs(r.f)) || res.F < r.f):
			solved++
			t.Log("ok   " + line)
		case res.Status == sol.Converged && res.F-r.f <= 1e-6*math.Max(1, math.Abs(r.f))+relaxGap(p, res):
			// IPOPT relaxes every bound by 1e-8·max(1, |b|)
			// (bound_relax_factor); to first order that lowers its
			// objective by Σ |multiplier|·1e-8·max(1, |b|). Counted apart.
			relaxed++
			relax = append(relax, line)
		default:
			fails = append(fails, line)
		}
	}
	for _, l := range relax {
		t.Log("RELAX " + l)
	}
	for _, l := range fails {
		t.Log("FAIL " + l)
	}
	for _, l := range others {
		t.Log("noref " + l)
	}
	t.Logf("solved %d of %d problems IPOPT solved (%.1f%%); %d more Converged above IPOPT's objective by no more than IPOPT's bound relaxation explains (RELAX); %d more without an IPOPT optimum",
		solved, total, 100*float64(solved)/float64(max(total, 1)), relaxed, len(others))
	if len(only) == 0 && float64(solved) < 0.85*float64(total) {
		t.Errorf("solved %d of %d < 85%%", solved, total)
	}
}

// relaxGap is the first-order objective decrease that IPOPT's bound
// relaxation (every finite bound moved outward by 1e-8·max(1, |b|)) allows
// at the multipliers of res: Σ |yⱼ|·1e-8·max(1, |b|) + Σ zᵢ·1e-8·max(1, |b|),
// with 10 % margin.
func relaxGap(p nlp.Problem, res *nlp.Result) float64 {
	b := func(v float64) float64 {
		if math.IsInf(v, 0) {
			return 1
		}
		return math.Max(1, math.Abs(v))
	}
	cl, cu, xl, xu := p.CL(), p.CU(), p.XL(), p.XU()
	var g float64
	for j, y := range res.Y {
		switch {
		case y > 0:
			g += y * 1e-8 * b(cu[j])
		case y < 0:
			g -= y * 1e-8 * b(cl[j])
		}
	}
	for i := range res.ZL {
		g += res.ZL[i]*1e-8*b(xl[i]) + res.ZU[i]*1e-8*b(xu[i])
	}
	return 1.1 * g
}
