package sinkhorn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

// MNISTTestImages is the path of the MNIST test images (IDX, gzip) relative
// to a kkt data directory (KKT_DATA).
const MNISTTestImages = "mnist/t10k-images-idx3-ubyte.gz"

// ImageConvention says how a pair of images becomes an OT instance: where
// the pixels sit, how the cost is scaled and what happens to zero pixels.
// The SNS paper (Tang et al., ICLR 2024) states none of these for its MNIST
// cases; docs/sinkhorn.md §6 compares candidates.
type ImageConvention struct {
	// Grid is "unit" (pixel centres (i/(h−1), j/(w−1)) in the unit square,
	// as Grid) or "pixel" (integer pixel indices (i, j)).
	Grid string
	// Normalize divides the cost by its largest entry.
	Normalize bool
	// Floor is an intensity (pixels are in [0, 1]) added to every pixel
	// before the image is normalised to mass one (ImageMeasure).
	Floor float64
	// Mix > 0 replaces each normalised image a by (1 − Mix/8)a + Mix/(8n)
	// (MixUniform).
	Mix float64
}

// MNISTConvention is the MNIST instance of `kkt reproduce sinkhorn` and the
// default of `kkt ot --mnist`: the unit-square grid, a pixel floor of 1e-3,
// the cost as computed.
func MNISTConvention() ImageConvention { return ImageConvention{Grid: "unit", Floor: 1e-3} }

// Check returns an error naming the field (grid, floor or mix) whose value
// is outside its range.
func (ic ImageConvention) Check() error {
	if ic.Grid != "unit" && ic.Grid != "pixel" {
		return fmt.Errorf("grid %q: want unit or pixel", ic.Grid)
	}
	if !(ic.Floor >= 0) || math.IsInf(ic.Floor, 0) {
		return fmt.Errorf("floor %v: want a finite value ≥ 0", ic.Floor)
	}
	if !(ic.Mix >= 0 && ic.Mix <= 8) {
		return fmt.Errorf("mix %v: want 0 ≤ ε ≤ 8", ic.Mix)
	}
	return nil
}

// Measure turns an image into a probability vector: ImageMeasure with the
// convention's floor, then MixUniform when Mix > 0.
func (ic ImageConvention) Measure(img []float64) ([]float64, error) {
	a, err := ImageMeasure(img, ic.Floor)
	if err != nil || ic.Mix == 0 {
		return a, err
	}
	return MixUniform(a, a, ic.Mix), nil
}

// Cost returns the ground cost between the pixels of two h×w images (pixel
// k = i·w + j).
func (ic ImageConvention) Cost(h, w int, metric Metric, p float64) *mat.Dense {
	g := Grid(h, w)
	if ic.Grid == "pixel" {
		for k := 0; k < h*w; k++ {
			g.Set(k, 0, float64(k/w))
			g.Set(k, 1, float64(k%w))
		}
	}
	c := CostMatrix(g, g, metric, p)
	if ic.Normalize {
		Normalize(c)
	}
	return c
}

// String describes the convention, e.g. "unit grid, pixel floor 0.001".
func (ic ImageConvention) String() string {
	s := ic.Grid + " grid"
	if ic.Normalize {
		s += ", cost/max"
	}
	switch {
	case ic.Mix > 0:
		s += fmt.Sprintf(", mix ε=%g", ic.Mix)
		if ic.Floor > 0 {
			s += fmt.Sprintf(" after floor %g", ic.Floor)
		}
	case ic.Floor > 0:
		s += fmt.Sprintf(", pixel floor %g", ic.Floor)
	default:
		s += ", no floor"
	}
	return s
}

// RandomProblem returns the random case of the SNS paper's Table 1: an n×n
// cost with C_ij ~ U[0,1] (PCG stream (seed, 0x5eed)) and the uniform
// marginal a = 1/n (use it for both marginals).
func RandomProblem(n int, seed uint64) (c *mat.Dense, a []float64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	c = mat.NewDense(n, n, nil)
	raw := c.RawMatrix().Data
	for i := range raw {
		raw[i] = rng.Float64()
	}
	a = make([]float64, n)
	for i := range a {
		a[i] = 1 / float64(n)
	}
	return c, a
}

// CheckMemory refuses an OT problem whose dense n×m arrays (the cost, the
// Gibbs kernel and the plan: three of them) are over the memory budget
// (matrix.CheckAlloc); source names the input that implies the size.
func CheckMemory(source string, n, m int) error {
	return matrix.CheckAlloc(source, 0, fmt.Sprintf("an optimal-transport problem with %d×%d dense cost, kernel and plan", n, m), matrix.MulBytes(3, int64(n), int64(m), 8))
}

// ParseSparsity reads a Hessian density for SNSSettings.Sparsity: empty
// (0, the default 2/n), a number λ in (0, 1], or "k/n" meaning
// λ = 2k/(n′+m′) with n′, m′ the numbers of entries of a and b that are > 0
// (the problem SNS solves after removing zero-mass entries; k/n is the
// paper's notation for square problems without zeros). Errors start with
// "sparsity".
func ParseSparsity(s string, a, b []float64) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if k, ok := strings.CutSuffix(s, "/n"); ok {
		v, err := strconv.ParseFloat(k, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("sparsity %q: want a number or k/n with k > 0", s)
		}
		k := len(positive(a)) + len(positive(b))
		if k == 0 {
			return 0, fmt.Errorf("sparsity %q: a and b have no positive entries", s)
		}
		return 2 * v / float64(k), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0 && v <= 1) {
		return 0, fmt.Errorf("sparsity %q: want a density in (0, 1] or k/n", s)
	}
	return v, nil
}

// ReadCSVFile reads a dense matrix from a file (ReadCSV).
func ReadCSVFile(path string) (*mat.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCSV(f, path)
}

// ReadVectorFile reads a vector from a file (ReadVector).
func ReadVectorFile(path string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadVector(f, path)
}

// ReadIDXImagesFile reads the images of an IDX file, gzip-compressed or
// not (ReadIDXImages).
func ReadIDXImagesFile(path string) (imgs [][]float64, h, w int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer f.Close()
	return ReadIDXImages(f, path)
}

// MNISTPair loads images i and j of an IDX file as measures on the pixel
// grid with the given ground cost, following the image convention.
func MNISTPair(path string, i, j int, metric Metric, p float64, conv ImageConvention) (a, b []float64, c *mat.Dense, err error) {
	imgs, h, w, err := ReadIDXImagesFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	if i < 0 || j < 0 || i >= len(imgs) || j >= len(imgs) {
		return nil, nil, nil, fmt.Errorf("%s has %d images; index out of range", path, len(imgs))
	}
	if a, err = conv.Measure(imgs[i]); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: image %d: %v", path, i, err)
	}
	if b, err = conv.Measure(imgs[j]); err != nil {
		return nil, nil, nil, fmt.Errorf("%s: image %d: %v", path, j, err)
	}
	if err := CheckMemory(path, h*w, h*w); err != nil {
		return nil, nil, nil, err
	}
	return a, b, conv.Cost(h, w, metric, p), nil
}

// Sources names where an OT problem comes from: exactly one cost source
// (Cost; X and Y; ImageA and ImageB; MNIST; Random), plus the marginal
// files A and B when the source does not give them. These are the inputs of
// `kkt ot`, and Load's errors name them by its flags (--cost, --x, ...).
type Sources struct {
	A, B           string // marginal files (ReadVectorFile)
	Cost           string // cost matrix file (ReadCSVFile)
	X, Y           string // point files, n×d and m×d (cost by Metric)
	ImageA, ImageB string // image files, h×w intensities (measures and cost by Convention)
	MNIST          string // "i,j": MNIST test images i and j under DataDir
	DataDir        string // data directory holding MNISTTestImages
	Random         int    // n > 0: RandomProblem(n, Seed)
	Seed           uint64
	Metric         Metric  // ground cost of points and images
	P              float64 // exponent of Minkowski
	Convention     ImageConvention
	// Normalize divides a cost that does not come from images by its
	// largest entry (image costs follow Convention.Normalize).
	Normalize bool
}

// Input is a loaded OT problem.
type Input struct {
	A, B   []float64
	C      *mat.Dense
	Source string // a description for output
	Image  bool   // built from images (the cost is scaled by the convention)
}

// Load builds the problem from exactly one cost source of s, checking the
// memory budget (CheckMemory) before the dense cost is built.
func Load(s Sources) (*Input, error) {
	nsrc := 0
	for _, set := range []bool{s.Cost != "", s.X != "" || s.Y != "", s.ImageA != "" || s.ImageB != "", s.MNIST != "", s.Random > 0} {
		if set {
			nsrc++
		}
	}
	if nsrc != 1 {
		return nil, errors.New("give exactly one of --cost, --x/--y, --image-a/--image-b, --mnist, --random")
	}
	in := &Input{}
	var err error
	switch {
	case s.Random > 0:
		if err := CheckMemory("--random", s.Random, s.Random); err != nil {
			return nil, err
		}
		in.C, in.A = RandomProblem(s.Random, s.Seed)
		in.B = append([]float64(nil), in.A...)
		in.Source = fmt.Sprintf("random n=%d seed=%d", s.Random, s.Seed)
	case s.Cost != "":
		if in.C, err = ReadCSVFile(s.Cost); err != nil {
			return nil, err
		}
		in.Source = s.Cost
	case s.X != "" || s.Y != "":
		x, y, err := readPair(s.X, s.Y, "--x and --y")
		if err != nil {
			return nil, err
		}
		_, dx := x.Dims()
		if _, dy := y.Dims(); dx != dy {
			return nil, fmt.Errorf("%s has %d columns but %s has %d", s.X, dx, s.Y, dy)
		}
		if err := CheckMemory(s.X+" and "+s.Y, x.RawMatrix().Rows, y.RawMatrix().Rows); err != nil {
			return nil, err
		}
		in.C = CostMatrix(x, y, s.Metric, s.P)
		in.Source = s.X + " → " + s.Y
	case s.ImageA != "" || s.ImageB != "":
		ia, ib, err := readPair(s.ImageA, s.ImageB, "--image-a and --image-b")
		if err != nil {
			return nil, err
		}
		h, w := ia.Dims()
		if hb, wb := ib.Dims(); hb != h || wb != w {
			return nil, fmt.Errorf("images are %d×%d (%s) and %d×%d (%s)", h, w, s.ImageA, hb, wb, s.ImageB)
		}
		if in.A, err = s.Convention.Measure(ia.RawMatrix().Data); err != nil {
			return nil, fmt.Errorf("%s: %v", s.ImageA, err)
		}
		if in.B, err = s.Convention.Measure(ib.RawMatrix().Data); err != nil {
			return nil, fmt.Errorf("%s: %v", s.ImageB, err)
		}
		if err := CheckMemory(s.ImageA, h*w, h*w); err != nil {
			return nil, err
		}
		in.C = s.Convention.Cost(h, w, s.Metric, s.P)
		in.Source, in.Image = s.ImageA+" → "+s.ImageB+" ("+s.Convention.String()+")", true
	case s.MNIST != "":
		parts := strings.Split(s.MNIST, ",")
		if len(parts) != 2 {
			return nil, fmt.Errorf("--mnist %q: want two indices i,j", s.MNIST)
		}
		var idx [2]int
		for k, p := range parts {
			if idx[k], err = strconv.Atoi(strings.TrimSpace(p)); err != nil || idx[k] < 0 {
				return nil, fmt.Errorf("--mnist %q: bad index %q", s.MNIST, p)
			}
		}
		if s.DataDir == "" {
			return nil, errors.New("--mnist needs the data directory (--data or KKT_DATA)")
		}
		in.A, in.B, in.C, err = MNISTPair(filepath.Join(s.DataDir, MNISTTestImages), idx[0], idx[1], s.Metric, s.P, s.Convention)
		if err != nil {
			return nil, err
		}
		in.Image = true
		in.Source = fmt.Sprintf("MNIST test images %d → %d (%v, %v)", idx[0], idx[1], s.Metric, s.Convention)
	}
	if s.Normalize && !in.Image {
		Normalize(in.C)
	}
	n, m := in.C.Dims()
	if in.A == nil {
		if s.A == "" || s.B == "" {
			return nil, errors.New("--a and --b are required with this cost source")
		}
		if in.A, err = ReadVectorFile(s.A); err != nil {
			return nil, err
		}
		if in.B, err = ReadVectorFile(s.B); err != nil {
			return nil, err
		}
	} else if s.A != "" || s.B != "" {
		return nil, errors.New("--a/--b cannot be combined with this cost source (the marginals come from it)")
	}
	if len(in.A) != n || len(in.B) != m {
		return nil, fmt.Errorf("the cost is %d×%d but a has %d entries and b %d", n, m, len(in.A), len(in.B))
	}
	return in, nil
}

// readPair reads two matrix files given by inputs that go together.
func readPair(p1, p2, what string) (*mat.Dense, *mat.Dense, error) {
	if p1 == "" || p2 == "" {
		return nil, nil, errors.New(what + " go together")
	}
	m1, err := ReadCSVFile(p1)
	if err != nil {
		return nil, nil, err
	}
	m2, err := ReadCSVFile(p2)
	return m1, m2, err
}
