package dag

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// ReadTruth reads a ground-truth graph from r (name labels errors). Two
// formats are accepted:
//
//   - a d×d adjacency matrix as ReadCSV reads it (weights or 0/1, entry
//     [i,j] ≠ 0 meaning i → j; header row of node names optional), returned
//     with its header (nil when absent);
//   - an edge list of two name columns, one edge "cause,effect" per line,
//     with an optional first line "Cause,Effect" (the form of the cdt
//     package's Sachs target). Its node names are names when names is not
//     nil (every edge must then name two of them), else the names in order of
//     first appearance; the graph is returned as a 0/1 matrix in that order
//     with those names.
//
// A file that is neither reports the matrix reader's error.
func ReadTruth(r io.Reader, name string, names []string) (*mat.Dense, []string, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	B, header, err := ReadCSV(bytes.NewReader(raw), name)
	if err == nil {
		return B, header, nil
	}
	// Not numeric: try the two-column edge list.
	var edges [][2]string
	for ln, line := range strings.Split(strings.ReplaceAll(string(raw), "\r", ""), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, ",")
		if len(f) != 2 {
			return nil, nil, err // neither format: report the matrix reader's error
		}
		a, b := strings.Trim(strings.TrimSpace(f[0]), `"`), strings.Trim(strings.TrimSpace(f[1]), `"`)
		if ln == 0 && strings.EqualFold(a, "cause") && strings.EqualFold(b, "effect") {
			continue
		}
		if a == "" || b == "" {
			return nil, nil, fmt.Errorf("%s:%d: empty node name in the edge list", name, ln+1)
		}
		edges = append(edges, [2]string{a, b})
	}
	if len(edges) == 0 {
		return nil, nil, err
	}
	if names == nil {
		seen := map[string]bool{}
		for _, e := range edges {
			for _, v := range e {
				if !seen[v] {
					seen[v] = true
					names = append(names, v)
				}
			}
		}
	}
	pos := map[string]int{}
	for i, v := range names {
		pos[v] = i
	}
	B = mat.NewDense(len(names), len(names), nil)
	for _, e := range edges {
		i, ok1 := pos[e[0]]
		j, ok2 := pos[e[1]]
		if !ok1 || !ok2 {
			return nil, nil, fmt.Errorf("%s: edge %s → %s names a node that is not a data column (%s)", name, e[0], e[1], strings.Join(names, ", "))
		}
		B.Set(i, j, 1)
	}
	return B, names, nil
}

// NodeMatch says how AlignTruth matched a truth's nodes to the data's
// columns.
type NodeMatch string

const (
	ByName     NodeMatch = "name"     // both had names; the truth was reordered to the data's
	ByPosition NodeMatch = "position" // one had no names: node i of the truth is column i
)

// AlignTruth returns the truth B (node names truthNames, nil when its file
// has no header; name labels errors) in the node order of the data (column
// names dataNames, nil when absent). When both have names the nodes are
// matched by name — an error when the two name sets differ or a name
// repeats —, otherwise by position, and note (empty for a match by name)
// says why. B must be square.
func AlignTruth(B *mat.Dense, truthNames, dataNames []string, name string) (aligned *mat.Dense, match NodeMatch, note string, err error) {
	r, c := B.Dims()
	d := len(dataNames)
	if dataNames == nil || truthNames == nil {
		if r != c {
			return nil, "", "", fmt.Errorf("%s: truth is %d×%d, not square", name, r, c)
		}
		which := "the truth file has no header"
		if dataNames == nil {
			which = "the data file has no header"
		}
		return B, ByPosition, which + ": nodes matched by position (column i of the data is node i of the truth)", nil
	}
	if r != c || r != len(truthNames) {
		return nil, "", "", fmt.Errorf("%s: truth is %d×%d with %d names", name, r, c, len(truthNames))
	}
	pos := make(map[string]int, r)
	for i, v := range truthNames {
		if _, dup := pos[v]; dup {
			return nil, "", "", fmt.Errorf("%s: node name %q appears twice in the header", name, v)
		}
		pos[v] = i
	}
	inData := make(map[string]bool, d)
	var onlyData, onlyTruth []string
	perm := make([]int, d)
	for j, v := range dataNames {
		if inData[v] {
			return nil, "", "", fmt.Errorf("data column name %q appears twice", v)
		}
		inData[v] = true
		if i, ok := pos[v]; ok {
			perm[j] = i
		} else {
			onlyData = append(onlyData, v)
		}
	}
	for _, v := range truthNames {
		if !inData[v] {
			onlyTruth = append(onlyTruth, v)
		}
	}
	if len(onlyData) > 0 || len(onlyTruth) > 0 {
		return nil, "", "", fmt.Errorf("%s: node names differ from the data's: data only [%s], truth only [%s] (rename the columns of one file, or drop the header of the truth to match by position)",
			name, strings.Join(onlyData, ", "), strings.Join(onlyTruth, ", "))
	}
	aligned = mat.NewDense(d, d, nil)
	for a := 0; a < d; a++ {
		for b := 0; b < d; b++ {
			aligned.Set(a, b, B.At(perm[a], perm[b]))
		}
	}
	return aligned, ByName, "", nil
}

// Standardize scales every column of X in place to zero mean and unit
// standard deviation (the population one, divisor n); a constant column is
// left unchanged. The methods of this package centre X themselves; use it
// for data whose columns have arbitrary units (at the cost of the
// varsortability the raw scales carry).
func Standardize(X *mat.Dense) {
	n, d := X.Dims()
	for j := 0; j < d; j++ {
		var s, s2 float64
		for i := 0; i < n; i++ {
			s += X.At(i, j)
		}
		m := s / float64(n)
		for i := 0; i < n; i++ {
			s2 += (X.At(i, j) - m) * (X.At(i, j) - m)
		}
		sd := math.Sqrt(s2 / float64(n))
		if sd == 0 {
			continue
		}
		for i := 0; i < n; i++ {
			X.Set(i, j, (X.At(i, j)-m)/sd)
		}
	}
}

// ParseGraphType parses "er" or "sf" (any case).
func ParseGraphType(s string) (GraphType, error) {
	switch strings.ToLower(s) {
	case "er":
		return ER, nil
	case "sf":
		return SF, nil
	}
	return 0, fmt.Errorf("unknown graph %q (er or sf)", s)
}

// ParseNoiseType parses gauss (or gaussian, normal), exp (exponential),
// gumbel or laplace, in any case.
func ParseNoiseType(s string) (NoiseType, error) {
	switch strings.ToLower(s) {
	case "gauss", "gaussian", "normal":
		return Gaussian, nil
	case "exp", "exponential":
		return Exponential, nil
	case "gumbel":
		return Gumbel, nil
	case "laplace":
		return Laplace, nil
	}
	return 0, fmt.Errorf("unknown noise %q (gauss, exp, gumbel or laplace)", s)
}
