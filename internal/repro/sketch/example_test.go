package sketchrepro_test

import (
	"fmt"

	sketchrepro "github.com/kkt-go/kkt/internal/repro/sketch"
)

// The experiment that `kkt reproduce --only sketch` runs.
func ExampleExperiments() {
	for _, e := range sketchrepro.Experiments() {
		fmt.Println(e.Name, e.Order)
	}
	// Output: sketch 30
}
