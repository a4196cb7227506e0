package nlp_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kkt-go/kkt/internal/repro"

	"github.com/kkt-go/kkt/cutest"
	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/nlp"
	"github.com/kkt-go/kkt/solver"
)

// TestSweepIPOPT runs Solve on the CUTEst problems of ipopt.csv and compares
// with IPOPT's results. It is a sweep (minutes): it runs only when
// NLP_SWEEP is set (NLP_SWEEP=HS for the Hock–Schittkowski set only,
// NLP_SWEEP=all for every problem with 2 ≤ n ≤ 100 that has bounds or
// inequalities, NLP_SWEEP=NAME1,NAME2 for a list); NLP_SWEEP_OUT names a
// CSV file for the per-problem results. NLP_RESTO=3119 switches on the
// rest of IPOPT 3.11.9's restoration-phase rules (off by default; see
// docs/nlp.md).
func TestSweepIPOPT(t *testing.T) {
	sel := os.Getenv("NLP_SWEEP")
	if sel == "" || testing.Short() {
		t.Skip("set NLP_SWEEP=HS|all|NAMES to run the sweep")
	}
	if v := os.Getenv("NLP_CONDENSE"); v != "" {
		n, _ := strconv.Atoi(v)
		defer nlp.SetCondenseMin(nlp.SetCondenseMin(n))
	}
	if v := os.Getenv("NLP_SPARSE"); v != "" {
		n, _ := strconv.Atoi(v)
		defer nlp.SetSparseMin(nlp.SetSparseMin(n))
	}
	data := kktdata.Dir()
	if data == "" {
		t.Skip("KKT_DATA not set")
	}
	var settings nlp.Settings
	if os.Getenv("NLP_RESTO") == "3119" {
		settings = nlp.WithResto3119(settings)
	}
	f, err := os.Open(filepath.Join(data, "cutest", "ipopt.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	if sel != "HS" && sel != "all" {
		names = strings.Split(sel, ",")
	}
	var out *csv.Writer
	if o := os.Getenv("NLP_SWEEP_OUT"); o != "" {
		fo, err := os.Create(o)
		if err != nil {
			t.Fatal(err)
		}
		defer fo.Close()
		out = csv.NewWriter(fo)
		defer out.Flush()
		out.Write([]string{"name", "n", "m", "ipopt_status", "ipopt_iter", "ipopt_f", "status", "acceptable", "iter", "f", "infpr", "infdu", "compl", "seconds", "message"})
	}
	var (
		total, ipoptSolved, ours, both, agree, oursOnly, ipoptOnly int
		hsTotal, hsOK                                              int
		itRatio                                                    []float64
		itOurs, itIpopt                                            []float64
		failures                                                   []string
	)
	for _, r := range rows[1:] {
		name := r[0]
		if names != nil && !slices.Contains(names, name) {
			continue
		}
		isHS := strings.HasPrefix(name, "HS")
		if sel == "HS" && !isHS {
			continue
		}
		path := filepath.Join(data, "cutest", "sif", name+".SIF")
		if _, err := os.Stat(path); err != nil {
			continue
		}
		p, err := cutest.ParseFile(path, nil)
		if err != nil {
			t.Logf("%s: %v", name, err)
			continue
		}
		shape, err := nlp.Classify(p)
		if err != nil {
			t.Logf("%s: %v", name, err)
			continue
		}
		n := p.N()
		if names == nil && sel == "all" && (n < 2 || n > 100 || (!shape.HasBounds() && shape.Inequalities == 0)) {
			continue
		}
		ipStatus := r[3]
		ipIter, _ := strconv.Atoi(r[4])
		ipF, _ := strconv.ParseFloat(r[5], 64)
		ipOK := ipStatus == "Solve_Succeeded"
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		t0 := time.Now()
		res, err := nlp.Solve(ctx, p, settings)
		cancel()
		sec := time.Since(t0).Seconds()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		total++
		conv := res.Status == solver.Converged && !res.Acceptable
		rel := math.Abs(res.F-ipF) / max(1, math.Abs(ipF))
		if ipOK {
			ipoptSolved++
		}
		if conv {
			ours++
		}
		// Same optimum, or a better feasible point.
		match := rel <= 1e-6 || (conv && res.F < ipF && res.InfPr <= 1e-6)
		if isHS && ipOK {
			hsTotal++
			if conv && match {
				hsOK++
			}
		}
		switch {
		case conv && ipOK:
			both++
			if rel <= 1e-6 {
				agree++
			}
			itOurs = append(itOurs, float64(res.Iterations))
			itIpopt = append(itIpopt, float64(ipIter))
			itRatio = append(itRatio, float64(res.Iterations)/float64(max(1, ipIter)))
		case conv:
			oursOnly++
		case ipOK:
			ipoptOnly++
		}
		tag := ""
		if ipOK && (!conv || !match) {
			tag = "  <-- IPOPT solved"
			failures = append(failures, fmt.Sprintf("%s(%v,%d it,f=%.6g vs %.6g)", name, res.Status, res.Iterations, res.F, ipF))
		}
		fmt.Printf("%-10s n=%3d m=%4d ipopt=%-28s %4d f=%-14.8g | %-17v acc=%-5v %4d f=%-14.8g pr=%.1e du=%.1e %.2fs%s\n",
			name, n, p.M(), ipStatus, ipIter, ipF, res.Status, res.Acceptable, res.Iterations, res.F, res.InfPr, res.InfDu, sec, tag)
		if out != nil {
			out.Write([]string{name, strconv.Itoa(n), strconv.Itoa(p.M()), ipStatus, r[4], r[5], res.Status.String(), strconv.FormatBool(res.Acceptable),
				strconv.Itoa(res.Iterations), strconv.FormatFloat(res.F, 'g', 17, 64), fmt.Sprintf("%.3e", res.InfPr), fmt.Sprintf("%.3e", res.InfDu),
				fmt.Sprintf("%.3e", res.Compl), fmt.Sprintf("%.3f", sec), res.Message})
			out.Flush()
		}
	}
	med := repro.Median
	fmt.Printf("\nproblems %d; IPOPT solved %d, ipm solved %d (tol 1e-8, acceptable not counted); both %d (objective agrees to 1e-6: %d); ipm only %d; IPOPT only %d\n",
		total, ipoptSolved, ours, both, agree, oursOnly, ipoptOnly)
	fmt.Printf("median iterations on problems both solve: ipm %.1f, IPOPT %.1f; median per-problem ratio %.3f\n", med(itOurs), med(itIpopt), med(itRatio))
	if hsTotal > 0 {
		fmt.Printf("HS solved by IPOPT: %d; ipm at IPOPT's objective (1e-6) or better: %d (%.1f%%)\n", hsTotal, hsOK, 100*float64(hsOK)/float64(hsTotal))
	}
	fmt.Printf("IPOPT solved, ipm did not (or other optimum): %s\n", strings.Join(failures, " "))
}
