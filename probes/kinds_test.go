package probes

import (
	"slices"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
)

// TestKindsMatchDecoders: every kind a plan may declare has a checker, and
// every checker a kind a plan can declare. A kind added on one side only
// would either be rejected in plans or answered "unknown probe kind".
func TestKindsMatchDecoders(t *testing.T) {
	decoded := plans.KindNames()
	decoded = slices.DeleteFunc(decoded, func(k string) bool { return k == "any" || k == "all" })
	// The runner's own tests register test-only kinds.
	checked := slices.DeleteFunc(Kinds(), func(k string) bool { return strings.HasPrefix(k, "test-") })
	if !slices.Equal(decoded, checked) {
		t.Errorf("plan decoders know %v, checkers know %v", decoded, checked)
	}
}
