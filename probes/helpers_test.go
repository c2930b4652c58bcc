package probes

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// runSpec checks one spec with a fresh runner.
func runSpec(t testing.TB, sp *spec.Probe) Result {
	t.Helper()
	return runWith(t, NewRunner(Options{}), sp)
}

// runWith checks one spec with r.
func runWith(t testing.TB, r *Runner, sp *spec.Probe) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := r.Run(ctx, []*spec.Probe{sp}, nil)
	if len(res) != 1 {
		t.Fatalf("Run returned %d results for 1 spec", len(res))
	}
	return res[0]
}

// gitSpec builds a git probe spec.
func gitSpec(path, state string) *spec.Probe {
	return &spec.Probe{Kind: spec.KindGit, Target: path, Params: &spec.GitParams{Path: path, State: state}}
}

// wantStatus fails the test unless res has status want and its message
// contains every fragment.
func wantStatus(t testing.TB, res Result, want Status, fragments ...string) {
	t.Helper()
	if res.Status != want {
		t.Errorf("%s: status %s (%q), want %s", res.Spec.Label(), res.Status, res.Message, want)
		return
	}
	for _, f := range fragments {
		if !strings.Contains(res.Message, f) {
			t.Errorf("%s: message %q does not contain %q", res.Spec.Label(), res.Message, f)
		}
	}
}
