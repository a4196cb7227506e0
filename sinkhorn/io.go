package sinkhorn

import (
	"fmt"
	"io"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

// ReadCSV reads a dense matrix of finite numbers, one row per line, with
// matrix.ReadDenseCSV: entries separated by commas or semicolons, or by
// blanks on lines without either; empty lines and lines starting with '#'
// are skipped; no header. Compressed input (gzip, bzip2) is decompressed.
// Errors wrap ErrBadInput and a *matrix.ParseError naming the file (name),
// the line and the field.
func ReadCSV(r io.Reader, name string) (*mat.Dense, error) {
	m, _, err := matrix.ReadDenseCSV(r, name, matrix.CSVOptions{})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	return m, nil
}

// ReadVector reads a vector written as one column or one row (see ReadCSV).
func ReadVector(r io.Reader, name string) ([]float64, error) {
	m, err := ReadCSV(r, name)
	if err != nil {
		return nil, err
	}
	rr, cc := m.Dims()
	if rr != 1 && cc != 1 {
		return nil, fmt.Errorf("%w: %s: a %d×%d matrix, want one row or one column", ErrBadInput, name, rr, cc)
	}
	return m.RawMatrix().Data, nil
}

// ReadIDXImages reads images in the IDX format of the MNIST files
// (magic 0x00000803, big-endian count, rows, columns, then one unsigned byte
// per pixel), compressed or not, with matrix.ReadIDX. It returns each image
// flattened in row-major order with intensities scaled to [0, 1], and the
// image height and width. Errors wrap ErrBadInput and a *matrix.ParseError
// naming the file and the byte offset.
func ReadIDXImages(r io.Reader, name string) (imgs [][]float64, h, w int, err error) {
	a, err := matrix.ReadIDX(r, name, 3)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	count, h, w := a.Dims[0], a.Dims[1], a.Dims[2]
	if h == 0 || w == 0 || h > 1<<12 || w > 1<<12 {
		return nil, 0, 0, fmt.Errorf("%w: %s: offset 8: implausible image size %d×%d", ErrBadInput, name, h, w)
	}
	imgs = make([][]float64, count)
	for k := range imgs {
		img := make([]float64, h*w)
		for i, b := range a.Data[k*h*w : (k+1)*h*w] {
			img[i] = float64(b) / 255
		}
		imgs[k] = img
	}
	return imgs, h, w, nil
}

// ReadIDXLabels reads labels in the IDX format (magic 0x00000801),
// compressed or not, with matrix.ReadIDX. Errors as for ReadIDXImages.
func ReadIDXLabels(r io.Reader, name string) ([]int, error) {
	a, err := matrix.ReadIDX(r, name, 1)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	out := make([]int, len(a.Data))
	for i, b := range a.Data {
		out[i] = int(b)
	}
	return out, nil
}

// ImageMeasure turns an image (intensities ≥ 0) into a probability vector:
// each pixel gets intensity + floor, then the vector is divided by its sum.
// A floor > 0 keeps every pixel in the support (the paper's MNIST instances
// have n = 784); floor = 0 keeps the raw intensities, whose zero pixels must
// then be removed (Settings.DropZeros).
func ImageMeasure(img []float64, floor float64) ([]float64, error) {
	out := make([]float64, len(img))
	var s float64
	for i, v := range img {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, fmt.Errorf("%w: pixel %d = %v, want a finite intensity ≥ 0", ErrBadInput, i, v)
		}
		out[i] = v + floor
		s += out[i]
	}
	if !(s > 0) {
		return nil, fmt.Errorf("%w: image has zero total intensity", ErrBadInput)
	}
	for i := range out {
		out[i] /= s
	}
	return out, nil
}

// MixUniform returns (1 − ε/8)·a + ε/(8n)·1 for a probability vector a of
// length n: every entry becomes at least ε/(8n) > 0 and the total mass is
// kept. This is the marginal smoothing of the complexity analyses of
// Sinkhorn-type methods (e.g. Dvurechensky, Gasnikov and Kroshnin, ICML
// 2018), used with ε = 0.01 on MNIST in the SSNS benchmark scripts (Tang and
// Qiu, NeurIPS 2024). It writes into dst
// (allocated when nil) and panics if ε ∉ [0, 8] or the lengths differ.
func MixUniform(dst, a []float64, eps float64) []float64 {
	if !(eps >= 0 && eps <= 8) {
		panic(fmt.Sprintf("sinkhorn: MixUniform: ε = %v outside [0, 8]", eps))
	}
	if dst == nil {
		dst = make([]float64, len(a))
	}
	if len(dst) != len(a) {
		panic(fmt.Sprintf("sinkhorn: MixUniform: dst has length %d, a %d", len(dst), len(a)))
	}
	u := eps / (8 * float64(len(a)))
	for i, v := range a {
		dst[i] = (1-eps/8)*v + u
	}
	return dst
}
