package dagrepro_test

import (
	"context"
	"fmt"
	"io"

	dagrepro "github.com/kkt-go/kkt/internal/repro/dag"
)

// A small sweep: TOPO from a random order on three seeds of ER2 graphs with
// 8 nodes and equal noise variances, as `kkt dag sweep --graphs er2 --d 8
// --variance equal --seeds 3 --methods topo` runs it.
func ExampleSweep() {
	cells, err := dagrepro.ParseCells([]string{"er2"}, []string{"8"}, []string{"equal"})
	if err != nil {
		panic(err)
	}
	stats, err := dagrepro.Sweep(context.Background(), cells, []string{"topo"}, 3, 1, io.Discard)
	if err != nil {
		panic(err)
	}
	for _, s := range stats {
		fmt.Printf("%s %s: SHD %v, mean %.1f, TPR %.2f\n", s.Cell, s.Method, s.SHD, s.MeanSHD, s.TPR)
	}
	// Output: ER2 d=8 ev topo: SHD [0 0 0], mean 0.0, TPR 1.00
}
