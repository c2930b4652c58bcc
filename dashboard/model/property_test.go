package model

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// Random plans and results: Evaluate never panics and the README's rules hold
// as invariants, whatever the mix.
func TestEvaluateInvariants(t *testing.T) {
	all := []probes.Status{probes.OK, probes.Fail, probes.Warn, probes.Error, probes.Skip, probes.Pending, ""}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		var steps []st
		n := rng.IntN(8)
		for j := range n {
			phase := "Procedure"
			if rng.IntN(4) == 0 {
				phase = "Rollback"
			}
			var ps []pr
			for range rng.IntN(4) {
				role := spec.Requires
				if rng.IntN(2) == 0 {
					role = spec.Done
				}
				ps = append(ps, pr{role, all[rng.IntN(len(all))]})
			}
			steps = append(steps, st{fmt.Sprint(j + 1), phase, ps})
		}
		p, rs := build(steps...)
		rs = rs[:rng.IntN(len(rs)+1)] // sometimes short
		var opts EvalOptions
		if n > 0 && rng.IntN(3) == 0 {
			opts.At = fmt.Sprint(rng.IntN(n) + 1)
		}
		if n > 0 && rng.IntN(3) == 0 {
			opts.Steps = []string{fmt.Sprint(rng.IntN(n) + 1)}
		}
		s := Evaluate(p, rs, nil, opts)

		name := fmt.Sprintf("case %d (%s, at %q, steps %v)", i, statuses(s), opts.At, opts.Steps)
		if s.Verdict == GateGo && len(s.Reasons) > 0 {
			t.Fatalf("%s: GO with reasons %q", name, s.Reasons)
		}
		if (s.Verdict == GateNoGo || s.Verdict == GateUnknown) && len(s.Reasons) == 0 {
			t.Fatalf("%s: %s without a reason", name, s.Verdict)
		}
		hasRollback := false
		nexts := 0
		for _, v := range s.Steps {
			hasRollback = hasRollback || v.Rollback
			if v.Next {
				nexts++
				if v.Key == "" && v.ID != s.NextStep {
					t.Fatalf("%s: step %s marked next, next_step %q", name, v.ID, s.NextStep)
				}
				if v.Rollback && opts.At == "" {
					t.Fatalf("%s: a rollback step is next without --at", name)
				}
				if opts.At == "" && v.Status == StepDone {
					t.Fatalf("%s: the next step is %s", name, v.Status)
				}
			}
			if v.Regressed && (v.Rollback || v.Next) {
				t.Fatalf("%s: step %s regressed but rollback or next", name, v.ID)
			}
		}
		if nexts > 1 || (nexts == 1) != (s.NextStep != "") {
			t.Fatalf("%s: %d steps marked next, next_step %q", name, nexts, s.NextStep)
		}
		if (s.Rollback == GateNone) == hasRollback {
			t.Fatalf("%s: rollback gate %s with rollback steps = %v", name, s.Rollback, hasRollback)
		}
		if len(opts.Steps) == 0 && s.Rollback == GateNoGo && s.Verdict != GateNoGo {
			t.Fatalf("%s: rollback NO-GO but verdict %s", name, s.Verdict)
		}
		if len(s.Blockers) != len(s.Reasons) {
			t.Fatalf("%s: %d blockers for %d reasons", name, len(s.Blockers), len(s.Reasons))
		}
		for i, b := range s.Blockers {
			if b.Text != s.Reasons[i] || (b.Gate != GateNoGo && b.Gate != GateUnknown) {
				t.Fatalf("%s: blocker %+v for reason %q", name, b, s.Reasons[i])
			}
			if b.Gate == GateUnknown && !strings.HasPrefix(b.Text, "could not check ") {
				t.Fatalf("%s: an UNKNOWN reason does not say it could not check: %q", name, b.Text)
			}
		}
		stop := strings.HasPrefix(s.Action, "Don't start") || strings.HasPrefix(s.Action, "Every step is done, but")
		if s.Action == "" || stop != (s.Verdict == GateNoGo || s.Verdict == GateUnknown) {
			t.Fatalf("%s: verdict %q with action %q", name, s.Verdict, s.Action)
		}
	}
}
