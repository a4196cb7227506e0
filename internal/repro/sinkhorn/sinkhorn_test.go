package sinkhornrepro

import (
	"math"
	"testing"

	"github.com/kkt-go/kkt/sinkhorn"
)

func TestExperimentHelpers(t *testing.T) {
	imgs := strokeImages()
	if len(imgs) != 2 || len(imgs[0]) != 784 {
		t.Fatal("stroke images")
	}
	for _, img := range imgs {
		var s float64
		for _, v := range img {
			s += v
		}
		if !(s > 10) {
			t.Errorf("stroke image mass %v", s)
		}
	}
	var h []sinkhorn.Iterate
	for k := 0; k <= 30; k++ {
		h = append(h, sinkhorn.Iterate{Iter: k, MarginalError: math.Pow(0.5, float64(k))})
	}
	if got := extrapolateIterations(h, math.Pow(0.5, 50)); math.Abs(got-50) > 1e-9 {
		t.Errorf("extrapolated %v, want 50", got)
	}
	h = []sinkhorn.Iterate{{Time: 0}, {Time: 1}, {Newton: true, Time: 3}, {Newton: true, Time: 4}, {Newton: true, Time: 9}}
	if got := newtonStepTime(h); got != 2 {
		t.Errorf("median Newton step time %v, want 2", got)
	}
}
