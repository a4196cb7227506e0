package completion

import (
	"io"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/internal/atomicfile"
)

// WriteFactorFiles writes U and V with WriteFactors to dir/U.json and
// dir/V.json (JSON Lines, the layout of Spark's ALS factor tables), creating
// dir if needed. Each file is replaced atomically: a reader never sees a
// partly written file.
func WriteFactorFiles(dir string, U, V *mat.Dense) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, F := range map[string]*mat.Dense{"U.json": U, "V.json": V} {
		if err := atomicfile.Write(filepath.Join(dir, name), func(w io.Writer) error { return WriteFactors(w, F) }); err != nil {
			return err
		}
	}
	return nil
}
