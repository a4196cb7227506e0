package bilevelrepro_test

import (
	"fmt"

	bilevelrepro "github.com/kkt-go/kkt/internal/repro/bilevel"
)

// Scoring the flags of a cleaning run: a sample is flagged when its log
// weight decreased.
func ExampleFlagScores() {
	corrupted := []bool{true, true, false, false}
	c0 := []float64{-5, -5, -5, -5}
	c := []float64{-6, -4, -5.5, -4.5}
	f1, auc, frac := bilevelrepro.FlagScores(corrupted, c0, c)
	fmt.Printf("F1 %.2f, AUC %.2f, flagged %.0f%%, random flagging %.2f\n", f1, auc, 100*frac, bilevelrepro.RandomF1(0.5, frac))
	// Output: F1 0.50, AUC 0.50, flagged 50%, random flagging 0.50
}
