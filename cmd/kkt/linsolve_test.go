package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kkt-go/kkt/matrix"
)

func writePoisson(t *testing.T, dir string, nx int) string {
	t.Helper()
	path := filepath.Join(dir, "A.mtx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := matrix.WriteMatrixMarket(f, matrix.Poisson2D(nx, nx)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

func TestLinsolveCommandMethods(t *testing.T) {
	dir := t.TempDir()
	a := writePoisson(t, dir, 12)
	cases := [][]string{
		{"--method", "cg"},
		{"--method", "cg", "--workers", "2"},
		{"--method", "pcg"},
		{"--method", "pcg", "--precond", "ssor", "--omega", "1.5"},
		{"--method", "minres", "--precond", "jacobi"},
		{"--method", "gmres", "--precond", "ilu0", "--restart", "10"},
		{"--method", "bicgstab"},
		{"--method", "lsqr", "--rtol", "1e-10"},
		{"--method", "jacobi", "--maxiter", "5000"},
		{"--method", "gs"},
		{"--method", "sor", "--omega", "1.6"},
		{"--method", "ssor", "--omega", "1.5"},
		{"--method", "direct"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		args := append([]string{"linsolve", "--matrix", a, "--json"}, c...)
		if st := run(args, &stdout, &stderr); st != exitOK {
			t.Errorf("%v: exit %d, stderr %s, stdout %s", c, st, stderr.String(), stdout.String())
			continue
		}
		var out linsolveOut
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("%v: bad JSON %q: %v", c, stdout.String(), err)
		}
		if out.N != 144 || out.NNZ != 5*144-4*12 || out.Status != "Converged" || out.Method != c[1] {
			t.Errorf("%v: %+v", c, out)
		}
		if out.RelResidual > 1.1e-8 || math.IsNaN(out.RelResidual) {
			t.Errorf("%v: rel_residual %g", c, out.RelResidual)
		}
	}
}

func TestLinsolveCommandExitCodes(t *testing.T) {
	dir := t.TempDir()
	a := writePoisson(t, dir, 20)
	xout := filepath.Join(dir, "x.mtx")
	var stdout, stderr bytes.Buffer
	if st := run([]string{"linsolve", "--matrix", a, "--x-out", xout}, &stdout, &stderr); st != exitOK {
		t.Fatalf("exit %d: %s", st, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Converged") {
		t.Errorf("text output: %s", stdout.String())
	}
	x, err := matrix.ReadMatrixMarketDenseFile(xout)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != 400 || c != 1 || math.Abs(x.At(17, 0)-1) > 1e-6 {
		t.Errorf("x-out: %d×%d, x[17] = %v (want 1)", r, c, x.At(17, 0))
	}
	// The solution as right-hand side file: A·x ≈ A·1 again, then b = x.
	stdout.Reset()
	if st := run([]string{"linsolve", "--matrix", a, "--rhs", xout, "--json"}, &stdout, &stderr); st != exitOK {
		t.Fatalf("--rhs: exit %d: %s", st, stderr.String())
	}
	// Not converged.
	stdout.Reset()
	if st := run([]string{"linsolve", "--matrix", a, "--maxiter", "2", "--json"}, &stdout, &stderr); st != exitNotConverge {
		t.Errorf("--maxiter 2: exit %d", st)
	}
	if !strings.Contains(stdout.String(), `"status":"MaxIterations"`) {
		t.Errorf("--maxiter 2 output: %s", stdout.String())
	}
	// Malformed file: exit 2 with file and line in the message.
	bad := filepath.Join(dir, "bad.mtx")
	os.WriteFile(bad, []byte("%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 4\n2 x 1\n"), 0o644)
	stderr.Reset()
	if st := run([]string{"linsolve", "--matrix", bad}, &stdout, &stderr); st != exitBadInput {
		t.Errorf("malformed: exit %d", st)
	}
	if msg := stderr.String(); !strings.Contains(msg, "bad.mtx") || !strings.Contains(msg, "4") {
		t.Errorf("malformed: message %q does not name file and line 4", msg)
	}
	// Usage errors and unsuitable input.
	for _, args := range [][]string{
		{"linsolve"},
		{"linsolve", "--matrix", a, "--method", "nope"},
		{"linsolve", "--matrix", a, "--method", "sor", "--omega", "2.5"},
		{"linsolve", "--matrix", a, "--method", "lsqr", "--precond", "ic0"},
		{"linsolve", "--matrix", filepath.Join(dir, "missing.mtx")},
	} {
		stderr.Reset()
		if st := run(args, &stdout, &stderr); st != exitBadInput || stderr.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, st, stderr.String())
		}
	}
}

// TestLinsolveCommandRectangular: lsqr and direct accept a rectangular A
// (b = A·1 is consistent, so the residual is small); cg refuses it.
func TestLinsolveCommandRectangular(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rect.mtx")
	var sb strings.Builder
	sb.WriteString("%%MatrixMarket matrix coordinate real general\n30 10 60\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&sb, "%d %d %g\n%d %d %g\n", i, (i-1)%10+1, 1+float64(i)/7, i, (3*i)%10+1, math.Sin(float64(i)))
	}
	os.WriteFile(path, []byte(sb.String()), 0o644)
	for _, m := range []string{"lsqr", "direct"} {
		var stdout, stderr bytes.Buffer
		if st := run([]string{"linsolve", "--matrix", path, "--method", m, "--rtol", "1e-12", "--json"}, &stdout, &stderr); st != exitOK {
			t.Errorf("%s: exit %d: %s %s", m, st, stderr.String(), stdout.String())
			continue
		}
		var out linsolveOut
		json.Unmarshal(stdout.Bytes(), &out)
		if out.Rows != 30 || out.N != 10 || out.RelResidual > 1e-9 {
			t.Errorf("%s: %+v", m, out)
		}
	}
	var stdout, stderr bytes.Buffer
	if st := run([]string{"linsolve", "--matrix", path, "--method", "cg"}, &stdout, &stderr); st != exitBadInput {
		t.Errorf("cg on a rectangular matrix: exit %d", st)
	}
}

// TestLinsolveCommandSparseDirect: a 4900×4900 nonsymmetric 5-point
// (convection–diffusion) system, above the old dense limit of 3000, solves
// through --method direct and --method lu with every ordering, and the JSON
// reports the factorisation, the fill and the times.
func TestLinsolveCommandSparseDirect(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cd70.mtx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := matrix.WriteMatrixMarket(f, matrix.ConvectionDiffusion2D(70, 3)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, c := range [][]string{
		{"--method", "direct"},
		{"--method", "lu", "--ordering", "amd"},
		{"--method", "lu", "--ordering", "colamd", "--pivot-tol", "1"},
		{"--method", "lu", "--ordering", "rcm"},
		{"--method", "lu", "--ordering", "natural"},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"linsolve", "--matrix", path, "--json"}, c...)
		if st := run(args, &stdout, &stderr); st != exitOK {
			t.Fatalf("%v: exit %d: %s", c, st, stderr.String())
		}
		var out linsolveOut
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		want := "amd"
		if len(c) > 2 {
			want = c[3]
		}
		if out.N != 4900 || out.RelResidual > 1e-12 || out.Factorization != "lu" || out.Ordering != want ||
			out.Fill < out.NNZ || out.FactorTimeS == nil || out.SolveTimeS == nil {
			t.Errorf("%v: %+v", c, out)
		}
	}
	var stdout, stderr bytes.Buffer
	if st := run([]string{"linsolve", "--matrix", path, "--method", "lu"}, &stdout, &stderr); st != exitOK ||
		!strings.Contains(stdout.String(), "fill") || !strings.Contains(stdout.String(), "factor") {
		t.Errorf("text output: exit %d %s %s", st, stdout.String(), stderr.String())
	}
	for _, bad := range [][]string{
		{"--method", "cg", "--ordering", "amd"},
		{"--method", "lu", "--ordering", "metis"},
		{"--method", "lu", "--pivot-tol", "2"},
		{"--method", "cholesky", "--ordering", "colamd"},
	} {
		stdout.Reset()
		stderr.Reset()
		if st := run(append([]string{"linsolve", "--matrix", path}, bad...), &stdout, &stderr); st != exitBadInput {
			t.Errorf("%v: exit %d", bad, st)
		}
	}
}

// TestLinsolveCommandSymmetricDirect: on Poisson (SPD) --method direct
// chooses Cholesky, --method ldl reports the inertia (144, 0, 0) in text and
// JSON, and cholesky refuses a nonsymmetric matrix.
func TestLinsolveCommandSymmetricDirect(t *testing.T) {
	dir := t.TempDir()
	a := writePoisson(t, dir, 12)
	for _, c := range []struct{ method, ord, want string }{
		{"direct", "", "cholesky"}, {"cholesky", "rcm", "cholesky"}, {"ldl", "natural", "ldl"}, {"lu", "", "lu"},
	} {
		var stdout, stderr bytes.Buffer
		args := []string{"linsolve", "--matrix", a, "--json", "--method", c.method}
		if c.ord != "" {
			args = append(args, "--ordering", c.ord)
		}
		if st := run(args, &stdout, &stderr); st != exitOK {
			t.Fatalf("%v: exit %d: %s", c, st, stderr.String())
		}
		var out linsolveOut
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		if out.Factorization != c.want || out.RelResidual > 1e-12 || out.Fill <= 0 {
			t.Errorf("%v: %+v", c, out)
		}
		if c.want != "lu" && (out.Inertia == nil || out.Inertia.Pos != 144 || out.Inertia.Neg != 0) {
			t.Errorf("%v: inertia %+v", c, out.Inertia)
		}
	}
	var stdout, stderr bytes.Buffer
	if st := run([]string{"linsolve", "--matrix", a, "--method", "ldl"}, &stdout, &stderr); st != exitOK ||
		!strings.Contains(stdout.String(), "inertia     144 positive, 0 negative, 0 zero") {
		t.Errorf("ldl text: exit %d %s %s", st, stdout.String(), stderr.String())
	}
	path := filepath.Join(dir, "cd.mtx")
	f, _ := os.Create(path)
	matrix.WriteMatrixMarket(f, matrix.ConvectionDiffusion2D(8, 2))
	f.Close()
	stdout.Reset()
	stderr.Reset()
	if st := run([]string{"linsolve", "--matrix", path, "--method", "cholesky"}, &stdout, &stderr); st != exitBadInput ||
		!strings.Contains(stderr.String(), "symmetric") {
		t.Errorf("cholesky on nonsymmetric: exit %d %s", st, stderr.String())
	}
}
