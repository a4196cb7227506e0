package nlp_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/kkt-go/kkt/nlp"
)

func ExampleWriteSolution() {
	p := hs71()
	res, err := nlp.Solve(context.Background(), p, nlp.Settings{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var sb strings.Builder
	if err := nlp.WriteSolution(&sb, p, res); err != nil {
		fmt.Println(err)
		return
	}
	recs, _ := csv.NewReader(strings.NewReader(sb.String())).ReadAll()
	fmt.Println(strings.Join(recs[0], ","))
	for _, r := range recs[1:] {
		if r[0] == "x" || r[0] == "y" {
			v, _ := strconv.ParseFloat(r[3], 64)
			fmt.Printf("%s,%s,%.3f\n", r[0], r[1], v)
		}
	}
	// Output:
	// kind,index,name,value
	// x,0,1.000
	// x,1,4.743
	// x,2,3.821
	// x,3,1.379
	// y,0,-0.552
	// y,1,0.161
}
