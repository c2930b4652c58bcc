package plans

import (
	"strings"

	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// expectList formats "expected a, b, c" with a "did you mean" when one
// candidate is a plausible typo of got.
func expectList(got string, candidates []string) string {
	return "expected " + strings.Join(candidates, ", ") + textfmt.DidYouMean(got, candidates)
}
