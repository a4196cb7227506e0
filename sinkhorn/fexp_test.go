package sinkhorn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ulps returns the distance in units in the last place between a and b
// (both finite, same sign).
func ulps(a, b float64) int64 {
	d := int64(math.Float64bits(a)) - int64(math.Float64bits(b))
	if d < 0 {
		d = -d
	}
	return d
}

func TestFexpAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst := int64(0)
	check := func(x float64) {
		got, want := fexp(x), math.Exp(x)
		if x <= expMin {
			if got != 0 {
				t.Fatalf("fexp(%v) = %v, want 0 (flushed)", x, got)
			}
			return
		}
		if u := ulps(got, want); u > worst {
			worst = u
			if u > 2 {
				t.Fatalf("fexp(%v) = %v, math.Exp = %v: %d ulps", x, got, want, u)
			}
		}
	}
	for i := 0; i < 400000; i++ {
		check(-720 + 1440*rng.Float64())
		check(-2 + 4*rng.Float64())
	}
	for _, x := range []float64{0, 1, -1, expMin, math.Nextafter(expMin, 0), -708.3, 709, 708.99, 1e-300, -1e-300, 0.5 * math.Ln2 / 256, -0.5 * math.Ln2 / 256} {
		check(x)
	}
	// every table boundary near the bottom of the range
	for k := -261630; k < -261500; k++ {
		x := float64(k) * math.Ln2 / 256
		check(x)
		check(math.Nextafter(x, 0))
		check(math.Nextafter(x, -1000))
	}
	if !math.IsNaN(fexp(math.NaN())) || fexp(math.Inf(-1)) != 0 || !math.IsInf(fexp(math.Inf(1)), 1) || !math.IsInf(fexp(710), 1) {
		t.Fatal("fexp special values")
	}
	t.Logf("worst error %d ulp", worst)
}

var sinkF float64

func BenchmarkExp(b *testing.B) {
	x := make([]float64, 1000)
	for i := range x {
		x[i] = -float64(i) * 0.03
	}
	b.Run("fexp", func(b *testing.B) {
		for b.Loop() {
			s := 0.0
			for _, v := range x {
				s += fexp(v)
			}
			sinkF = s
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			s := 0.0
			for _, v := range x {
				s += math.Exp(v)
			}
			sinkF = s
		}
	})
}
