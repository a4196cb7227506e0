package cutest_test

import (
	"flag"
	"fmt"
	"strings"

	"github.com/kkt-go/kkt/cutest"
)

func ExampleProblem_AtStart() {
	p, err := cutest.Parse(strings.NewReader(hs6), "HS6.SIF", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	v := p.AtStart()
	fmt.Printf("f(x0) = %.4f, |grad f(x0)| = %.4f, |c(x0)| = %.4f, nnz(J) = %d, nnz(H) = %d\n", v.F, v.GradNorm, v.ConNorm, v.NNZJ, v.NNZH)
	// Output:
	// f(x0) = 4.8400, |grad f(x0)| = 4.4000, |c(x0)| = 4.4000, nnz(J) = 2, nnz(H) = 1
}

func ExampleParams() {
	// A repeatable --param flag overriding $-PARAMETER values.
	params := cutest.Params{}
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.Var(params, "param", "override a $-PARAMETER value (NAME=VALUE)")
	if err := fs.Parse([]string{"--param", "N=5"}); err != nil {
		fmt.Println(err)
		return
	}
	src := strings.Replace(hs6, "VARIABLES\n", " IE N                   2              $-PARAMETER\n IE 1                   1\nVARIABLES\n DO I         1                        N\n X  Y(I)\n ND\n", 1)
	p, _ := cutest.Parse(strings.NewReader(src), "HS6.SIF", &cutest.Options{Params: params})
	fmt.Println(params, p.N())
	// Output:
	// map[N:5] 7
}

func ExampleClassMatch() {
	for _, pattern := range []string{"QQR2-*", "Q", "SUR2-*"} {
		fmt.Println(pattern, cutest.ClassMatch(pattern, "QQR2-AN-2-1"))
	}
	// Output:
	// QQR2-* true
	// Q true
	// SUR2-* false
}
