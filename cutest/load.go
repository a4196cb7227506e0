package cutest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kkt-go/kkt/internal/kktdata"
	"github.com/kkt-go/kkt/matrix"
)

// Parse reads a SIF problem from r. file names the input in error messages.
// opt may be nil (default parameters).
func Parse(r io.Reader, file string, opt *Options) (*Problem, error) {
	if file == "" {
		file = "<input>"
	}
	it, cards, err := readSIF(r, file, opt)
	if err != nil {
		return nil, err
	}
	if err := it.run(cards); err != nil {
		return nil, err
	}
	return it.build()
}

// ParseFile reads the SIF file at path.
func ParseFile(path string, opt *Options) (*Problem, error) {
	// matrix.Open: kkt's one file layer (a gzip or bzip2 SIF file is
	// decompressed, told by its content).
	return matrix.ReadFile(path, func(r io.Reader, name string) (*Problem, error) { return Parse(r, name, opt) })
}

// SIFDir returns the directory searched by Load: $MASTSIF when set, else
// cutest/sif inside the data folder of kkt's one rule (internal/kktdata:
// $KKT_DATA, a relative value taken from the working directory, else from
// the module root; when unset, ../shared/data or shared/data beside the
// working directory), else "". The kkt command resolves it the same way.
func SIFDir() string {
	if d := os.Getenv("MASTSIF"); d != "" {
		return d
	}
	if d := kktdata.Default(); d != "" {
		return filepath.Join(d, "cutest", "sif")
	}
	return ""
}

// Load reads the problem called name (e.g. "HS21") from SIFDir(), or from
// the path name itself when it ends in ".SIF" or contains a path separator.
func Load(name string, opt *Options) (*Problem, error) {
	if strings.HasSuffix(strings.ToUpper(name), ".SIF") || strings.ContainsRune(name, os.PathSeparator) {
		return ParseFile(name, opt)
	}
	dir := SIFDir()
	if dir == "" {
		return nil, fmt.Errorf("cutest: cannot locate %s: set MASTSIF (or KKT_DATA) to the SIF directory", name)
	}
	return ParseFile(filepath.Join(dir, name+".SIF"), opt)
}
