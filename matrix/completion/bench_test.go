package completion

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkAltMin times a whole alternating-minimisation solve on a
// synthetic 2000×2000 rank-5 problem (its inner loops are rank-k dot
// products and axpys: floats.Dot and floats.AddScaled).
func BenchmarkAltMin(b *testing.B) {
	obs, _, _ := Synthetic(rand.New(rand.NewPCG(1, 2)), 2000, 2000, 5, 0.02)
	for b.Loop() {
		if _, err := AltMin(context.Background(), obs, Settings{Rank: 5, MaxIter: 10, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
