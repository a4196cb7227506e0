package auglag

import (
	"math/rand/v2"

	"github.com/kkt-go/kkt/matrix"
)

// LogRegConstraints is the number of random linear constraints A x = b of
// the paper's logistic-regression experiment.
const LogRegConstraints = 10

// ReadLogReg reads the LIBSVM file at path (names ending in .gz or .bz2 are
// decompressed; see matrix.ReadLIBSVMFile), maps its labels to ±1 and
// returns the problem LogReg with LogRegConstraints random linear
// constraints whose entries are drawn from PCG(seed, 0x6c6f67). The same
// file and seed give the same problem; errors name path (and the line).
func ReadLogReg(path string, seed uint64) (*LogReg, error) {
	ds, err := matrix.ReadLIBSVMFile(path, matrix.LIBSVMOptions{Labels: matrix.LabelsPlusMinusOne})
	if err != nil {
		return nil, err
	}
	return NewLogReg(ds.X, ds.Y, LogRegConstraints, rand.New(rand.NewPCG(seed, 0x6c6f67)))
}
