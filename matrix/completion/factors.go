package completion

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

// factorRow is one line of the JSON Lines factor format: the layout of
// Spark MLlib's ALSModel userFactors/itemFactors DataFrames (an integer id
// and a features array), which Spark reads with spark.read.json.
type factorRow struct {
	ID       int       `json:"id"`
	Features []float64 `json:"features"`
}

// WriteFactors writes the rows of F as JSON Lines {"id": i+1, "features": [...]}
// (1-based ids, as MovieLens and most ratings files number users and items).
func WriteFactors(w io.Writer, F *mat.Dense) error {
	r, _ := F.Dims()
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i := 0; i < r; i++ {
		if err := enc.Encode(factorRow{ID: i + 1, Features: mat.Row(nil, i, F)}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadFactors reads a JSON Lines factor file written by WriteFactors or
// exported from Spark (ids are 1-based and may come in any order; missing
// ids get zero rows). All rows must have the same length.
func ReadFactors(r io.Reader, name string) (*mat.Dense, error) {
	r, err := matrix.Decompress(r, name)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	var rows []factorRow
	k, maxID, line := -1, 0, 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var fr factorRow
		if err := json.Unmarshal(sc.Bytes(), &fr); err != nil {
			return nil, &ParseError{File: name, Line: line, Err: err}
		}
		if fr.ID < 1 || fr.ID > 1<<26 {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("id %d out of range", fr.ID)}
		}
		if k == -1 {
			k = len(fr.Features)
		}
		if len(fr.Features) != k || k == 0 {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("%d features, want %d", len(fr.Features), k)}
		}
		for _, v := range fr.Features {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("non-finite feature")}
			}
		}
		rows = append(rows, fr)
		maxID = max(maxID, fr.ID)
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: name, Line: line + 1, Err: err}
	}
	if len(rows) == 0 {
		return nil, &ParseError{File: name, Line: 0, Err: fmt.Errorf("no factor rows")}
	}
	if err := matrix.CheckFloats(name, 0, fmt.Sprintf("a %d×%d factor matrix (largest id %d)", maxID, k, maxID), maxID, k); err != nil {
		return nil, err
	}
	F := mat.NewDense(maxID, k, nil)
	seen := make([]bool, maxID)
	for _, fr := range rows {
		if seen[fr.ID-1] {
			return nil, &ParseError{File: name, Line: 0, Err: fmt.Errorf("id %d repeated", fr.ID)}
		}
		seen[fr.ID-1] = true
		F.SetRow(fr.ID-1, fr.Features)
	}
	return F, nil
}
