package auglag

import "github.com/kkt-go/kkt/nlp"

// nlpResult is nlp.Result: SolveNLP reports in the shape of the
// interior-point method, so a user learns one Result.
type nlpResult = nlp.Result
