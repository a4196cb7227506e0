package linsolve

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/james-bowman/sparse"

	"github.com/kkt-go/kkt/matrix"
)

// TestPeerFill writes the peer matrices as Matrix Market files and prints
// kkt's AMD nnz(L) for each, for the SuiteSparse comparison in
// docs/benchmarks.md (testdata/sparse_peer.sh). It runs only when
// KKT_SPARSE_PEER names an output directory; KKT_SPARSE_PEER_SIZES
// (comma-separated names) restricts the set.
func TestPeerFill(t *testing.T) {
	dir := os.Getenv("KKT_SPARSE_PEER")
	if dir == "" {
		t.Skip("set KKT_SPARSE_PEER=dir to write the peer matrices")
	}
	want := map[string]bool{}
	for _, s := range strings.Split(os.Getenv("KKT_SPARSE_PEER_SIZES"), ",") {
		if s != "" {
			want[s] = true
		}
	}
	cases := peerMatrices(t)
	for name := range want {
		var k int
		if _, err := fmt.Sscanf(name, "poisson2d_%d", &k); err == nil && k > 0 {
			cases = append(cases, peerCase{name, func() *sparse.CSR { return matrix.Poisson2D(k, k) }})
		} else if _, err := fmt.Sscanf(name, "poisson3d_%d", &k); err == nil && k > 0 {
			cases = append(cases, peerCase{name, func() *sparse.CSR { return matrix.Poisson3D(k, k, k) }})
		}
	}
	done := map[string]bool{}
	for _, c := range cases {
		if done[c.name] {
			continue
		}
		done[c.name] = true
		if len(want) > 0 && !want[c.name] {
			continue
		}
		a := c.build()
		path := filepath.Join(dir, c.name+".mtx")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := matrix.WriteMatrixMarket(f, a); err != nil {
			t.Fatal(err)
		}
		f.Close()
		s, err := AnalyzeSymmetric(a, SymbolicSettings{})
		if err != nil {
			t.Fatal(err)
		}
		n, _ := a.Dims()
		fmt.Printf("%s n %d kkt_amd_lnz %d\n", c.name, n, s.NNZL())
	}
}

type peerCase struct {
	name  string
	build func() *sparse.CSR
}

func peerMatrices(t testing.TB) []peerCase {
	cs := []peerCase{
		{"poisson2d_40", func() *sparse.CSR { return matrix.Poisson2D(40, 40) }},
		{"poisson2d_1000", func() *sparse.CSR { return matrix.Poisson2D(1000, 1000) }},
		{"poisson3d_60", func() *sparse.CSR { return matrix.Poisson3D(60, 60, 60) }},
	}
	return append(cs, cutestKKTCases(t)...)
}

// largestCUTEst are the ten constrained problems of the shared CUTEst set
// with the largest n+m at their default parameters (from reference.csv and
// catalogue.csv).
var largestCUTEst = []string{"SPECANNE", "DMN37143", "DMN15333", "DMN15103", "DIAMON3D",
	"DMN37142", "DMN15332", "DMN15102", "DIAMON2D", "TWIRIBG1"}

func cutestKKTCases(t testing.TB) []peerCase {
	if os.Getenv("KKT_DATA") == "" {
		return nil
	}
	var cs []peerCase
	for _, name := range largestCUTEst {
		cs = append(cs, peerCase{"kkt_" + strings.ToLower(name), func() *sparse.CSR {
			a, err := cutestKKT(name, 1e-8, 1e-8)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}})
	}
	return cs
}
