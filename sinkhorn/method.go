package sinkhorn

import (
	"context"
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// ErrUnknownMethod is returned by Solve for a method name it does not know.
var ErrUnknownMethod = errors.New("sinkhorn: unknown method")

// Solve runs the entropic solver named by method on the problem (a, b, C):
// "sinkhorn" (Sinkhorn with s.Settings, the scaling domain when safe),
// "sinkhorn-log" or "log" (Sinkhorn in the log domain) or "sns" (SNS with
// s). An unknown name gives an error wrapping ErrUnknownMethod.
func Solve(ctx context.Context, method string, a, b []float64, c *mat.Dense, s SNSSettings) (*Result, error) {
	switch method {
	case "sinkhorn":
		return Sinkhorn(ctx, a, b, c, s.Settings)
	case "sinkhorn-log", "log":
		s.Domain = Log
		return Sinkhorn(ctx, a, b, c, s.Settings)
	case "sns":
		return SNS(ctx, a, b, c, s)
	}
	return nil, fmt.Errorf("%w %q (want sinkhorn, sinkhorn-log or sns)", ErrUnknownMethod, method)
}
