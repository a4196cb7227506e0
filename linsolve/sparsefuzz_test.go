package linsolve

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/james-bowman/sparse"
)

// fuzzMatrix decodes a small symmetric matrix from data: n, then triples
// (i, j, value); values are float64 bits, so NaN, Inf, 0 and denormals occur.
func fuzzMatrix(data []byte) (*sparse.CSR, Ordering, LDLMethod, bool) {
	if len(data) < 2 {
		return nil, 0, 0, false
	}
	n := 1 + int(data[0])%40
	ord := Ordering(int(data[1]) % 3)
	method := LDLMethod(int(data[1]/3) % 3)
	data = data[2:]
	dok := sparse.NewDOK(n, n)
	for len(data) >= 10 {
		i, j := int(data[0])%n, int(data[1])%n
		v := math.Float64frombits(binary.LittleEndian.Uint64(data[2:10]))
		data = data[10:]
		if math.IsNaN(v) {
			v = math.NaN() // a canonical NaN: DOK stores it as is
		}
		dok.Set(i, j, v)
		dok.Set(j, i, v)
	}
	for i := 0; i < n; i++ {
		if dok.At(i, i) == 0 {
			dok.Set(i, i, 0) // keep every diagonal in the pattern
		}
	}
	return dok.ToCSR(), ord, method, true
}

// FuzzSparseFactor: the factorizations never panic, never return NaN in a
// solution without an error (ErrSingular for an overflowing solution,
// ErrInaccurate for an unstable factorization), report indefinite matrices to Cholesky as
// ErrNotPositiveDefinite and zero pivots of LDLᵀ as ErrSingular, and their
// inertia counts sum to n.
func FuzzSparseFactor(f *testing.F) {
	seed := func(n int, entries ...[3]float64) []byte {
		b := []byte{byte(n - 1), 0}
		for _, e := range entries {
			var buf [8]byte
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(e[2]))
			b = append(b, byte(e[0]), byte(e[1]))
			b = append(b, buf[:]...)
		}
		return b
	}
	f.Add(seed(3, [3]float64{0, 0, 4}, [3]float64{1, 1, 4}, [3]float64{2, 2, 4}, [3]float64{0, 1, 1}))
	f.Add(seed(2, [3]float64{0, 1, 1}))
	f.Add(seed(3, [3]float64{0, 0, 1}, [3]float64{1, 1, -1}, [3]float64{2, 2, 0}))
	f.Add(seed(2, [3]float64{0, 0, math.Inf(1)}, [3]float64{1, 1, 1}))
	f.Add(seed(2, [3]float64{0, 0, 1e-300}, [3]float64{1, 1, 1e300}, [3]float64{0, 1, 1}))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, ord, method, ok := fuzzMatrix(data)
		if !ok {
			return
		}
		n, _ := a.Dims()
		s, err := AnalyzeSymmetric(a, SymbolicSettings{Ordering: ord})
		if err != nil {
			t.Fatalf("analysis failed: %v", err)
		}
		b := make([]float64, n)
		for i := range b {
			b[i] = float64(i%3) - 1
		}
		finite := func(x []float64) bool {
			for _, v := range x {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return false
				}
			}
			return true
		}
		ch, err := s.Cholesky(a)
		switch {
		case err == nil:
			x, err := ch.Solve(nil, b)
			if err != nil && !errors.Is(err, ErrSingular) && !errors.Is(err, ErrInaccurate) {
				t.Fatalf("Cholesky solve: %v", err)
			}
			if err == nil && !finite(x) {
				t.Fatalf("Cholesky solution not finite: %v", x)
			}
		case errors.Is(err, ErrNotPositiveDefinite):
		default:
			if !isValueError(err) {
				t.Fatalf("Cholesky: unexpected error %v", err)
			}
		}
		l, err := s.LDL(a, LDLSettings{Method: method})
		switch {
		case err == nil:
			p, q, z := l.Inertia()
			if p+q+z != n || z != 0 {
				t.Fatalf("inertia (%d,%d,%d) for n = %d", p, q, z, n)
			}
			x, err := l.Solve(nil, b)
			if err != nil && !errors.Is(err, ErrSingular) && !errors.Is(err, ErrInaccurate) {
				t.Fatalf("LDL solve: %v", err)
			}
			if err == nil && !finite(x) {
				t.Fatalf("LDL solution not finite: %v", x)
			}
		case errors.Is(err, ErrSingular):
			if p, q, z := l.Inertia(); z == 0 || p+q+z != n {
				t.Fatalf("singular but inertia (%d,%d,%d)", p, q, z)
			}
			if _, err := l.Solve(nil, b); err == nil {
				t.Fatal("Solve after a singular factorization succeeded")
			}
		default:
			if !isValueError(err) {
				t.Fatalf("LDL: unexpected error %v", err)
			}
		}
	})
}

func isValueError(err error) bool {
	return err != nil && !errors.Is(err, ErrPatternChanged) && (containsAny(err.Error(), "NaN", "Inf"))
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		for i := 0; i+len(x) <= len(s); i++ {
			if s[i:i+len(x)] == x {
				return true
			}
		}
	}
	return false
}
