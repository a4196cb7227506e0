package completionrepro_test

import (
	"fmt"

	completionrepro "github.com/kkt-go/kkt/internal/repro/completion"
)

// The experiment that `kkt reproduce --only completion` runs.
func ExampleExperiments() {
	for _, e := range completionrepro.Experiments() {
		fmt.Println(e.Name, e.Order)
	}
	// Output: completion 80
}
