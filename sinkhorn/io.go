package sinkhorn

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/kkt-go/kkt/matrix"
)

// ReadCSV reads a dense matrix of numbers: one row per line, entries
// separated by commas and/or blanks; empty lines and lines starting with '#'
// are skipped. Every row must have the same number of entries and every
// entry must be a finite number. Errors name the file (name), the line and
// the cause.
func ReadCSV(r io.Reader, name string) (*mat.Dense, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<28)
	var data []float64
	cols, rows, line := -1, 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		fields, bad := splitCSVFields(text)
		if bad > 0 {
			return nil, fmt.Errorf("%w: %s:%d: field %d is empty", ErrBadInput, name, line, bad)
		}
		if len(fields) == 0 {
			return nil, fmt.Errorf("%w: %s:%d: no numbers on the line", ErrBadInput, name, line)
		}
		if cols >= 0 && len(fields) != cols {
			return nil, fmt.Errorf("%w: %s:%d: %d entries, previous rows have %d", ErrBadInput, name, line, len(fields), cols)
		}
		cols = len(fields)
		for k, f := range fields {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return nil, fmt.Errorf("%w: %s:%d: entry %d %q is not a number", ErrBadInput, name, line, k+1, f)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: %s:%d: entry %d is %v", ErrBadInput, name, line, k+1, v)
			}
			data = append(data, v)
		}
		rows++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s:%d: %v", ErrBadInput, name, line+1, err)
	}
	if rows == 0 {
		return nil, fmt.Errorf("%w: %s: no data", ErrBadInput, name)
	}
	return mat.NewDense(rows, cols, data), nil
}

// splitCSVFields splits a line at commas or semicolons, each field then
// split at blanks (a line without commas is blank-separated). An empty
// comma-separated field ("0.5,,0.5", a trailing comma) is not skipped: its
// 1-based position is returned in bad.
func splitCSVFields(text string) (fields []string, bad int) {
	if !strings.ContainsAny(text, ",;") {
		return strings.Fields(text), 0
	}
	for k, p := range splitAny(text, ",;") {
		fs := strings.Fields(p)
		if len(fs) == 0 {
			return nil, k + 1
		}
		fields = append(fields, fs...)
	}
	return fields, 0
}

func splitAny(s, seps string) []string {
	var out []string
	for {
		i := strings.IndexAny(s, seps)
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
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
// per pixel), gzip-compressed or not. It returns each image flattened in
// row-major order with intensities scaled to [0, 1], and the image height
// and width. Errors name the file and the byte offset.
func ReadIDXImages(r io.Reader, name string) (imgs [][]float64, h, w int, err error) {
	br, err := maybeGzip(r, name)
	if err != nil {
		return nil, 0, 0, err
	}
	var hdr [16]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %s: offset 0: short IDX header: %v", ErrBadInput, name, err)
	}
	if magic := binary.BigEndian.Uint32(hdr[0:]); magic != 0x803 {
		return nil, 0, 0, fmt.Errorf("%w: %s: offset 0: magic %#x, want 0x803 (IDX unsigned-byte images)", ErrBadInput, name, magic)
	}
	count := binary.BigEndian.Uint32(hdr[4:])
	hh, ww := binary.BigEndian.Uint32(hdr[8:]), binary.BigEndian.Uint32(hdr[12:])
	if hh == 0 || ww == 0 || hh > 1<<12 || ww > 1<<12 || uint64(count)*uint64(hh)*uint64(ww) > 1<<31 {
		return nil, 0, 0, fmt.Errorf("%w: %s: offset 4: implausible dimensions %d×%d×%d", ErrBadInput, name, count, hh, ww)
	}
	h, w = int(hh), int(ww)
	// The images are returned as float64: 8 bytes a pixel.
	if err := matrix.CheckAlloc(name, 0, fmt.Sprintf("offset 4: %d images of %d×%d pixels", count, h, w), matrix.MulBytes(int64(count), int64(h), int64(w), 9)); err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	buf := make([]byte, h*w)
	for k := 0; k < int(count); k++ {
		if _, err := io.ReadFull(br, buf); err != nil {
			return nil, 0, 0, fmt.Errorf("%w: %s: offset %d: image %d truncated: %v", ErrBadInput, name, 16+k*h*w, k, err)
		}
		img := make([]float64, h*w)
		for i, b := range buf {
			img[i] = float64(b) / 255
		}
		imgs = append(imgs, img)
	}
	return imgs, h, w, nil
}

// ReadIDXLabels reads labels in the IDX format (magic 0x00000801), gzip-
// compressed or not.
func ReadIDXLabels(r io.Reader, name string) ([]int, error) {
	br, err := maybeGzip(r, name)
	if err != nil {
		return nil, err
	}
	var hdr [8]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, fmt.Errorf("%w: %s: offset 0: short IDX header: %v", ErrBadInput, name, err)
	}
	if magic := binary.BigEndian.Uint32(hdr[0:]); magic != 0x801 {
		return nil, fmt.Errorf("%w: %s: offset 0: magic %#x, want 0x801 (IDX labels)", ErrBadInput, name, magic)
	}
	count := binary.BigEndian.Uint32(hdr[4:])
	if count > 1<<28 {
		return nil, fmt.Errorf("%w: %s: offset 4: implausible count %d", ErrBadInput, name, count)
	}
	if err := matrix.CheckAlloc(name, 0, fmt.Sprintf("offset 4: %d labels", count), matrix.MulBytes(int64(count), 9)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	// Read what is there (memory grows with the data, not the header).
	buf, err := io.ReadAll(io.LimitReader(br, int64(count)))
	if err != nil || len(buf) < int(count) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("%w: %s: offset %d: labels truncated (header says %d): %v", ErrBadInput, name, 8+len(buf), count, err)
	}
	out := make([]int, count)
	for i, b := range buf {
		out[i] = int(b)
	}
	return out, nil
}

func maybeGzip(r io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(2)
	if bytes.Equal(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: offset 0: bad gzip header: %v", ErrBadInput, name, err)
		}
		return zr, nil
	}
	return br, nil
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
