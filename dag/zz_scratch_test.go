package dag

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

func TestZZScratch(t *testing.T) {
	d, _ := strconv.Atoi(os.Getenv("SD"))
	if d == 0 {
		t.Skip()
	}
	sim := Simulate(rand.New(rand.NewPCG(1, 0)), SimSettings{Graph: ER, K: 4, D: d, N: 1000})
	r, err := Fit(context.Background(), sim.X, CoLiDEEV, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	mt := CountAccuracy(sim.W, r.B)
	fmt.Println(r.Status, r.Iterations, r.Retries, r.Time, "SHD", mt.SHD, "TPR", mt.TPR, "sig", r.Sigma[0])
}
