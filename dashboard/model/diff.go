package model

import (
	"github.com/gonogo-dev/gonogo/plans/textfmt"
	"github.com/gonogo-dev/gonogo/probes"
)

// Change is one thing that differs between two complete snapshots: the
// verdict, the rollback gate, the next step, or a step's status. The
// board's event log and the --record file both follow these.
type Change struct {
	// What changed: "verdict", "rollback", "next", "plan" (the steps
	// themselves: a plan edit), or a step's reference.
	What string
	From string
	To   string
	// Why explains it: the first reason for a verdict, the probe whose
	// status changed for a step.
	Why string
}

// Change targets besides step references.
const (
	ChangeVerdict  = "verdict"
	ChangeRollback = "rollback"
	ChangeNext     = "next"
	ChangePlan     = "plan"
)

// Diff lists what changed from old to cur, in this order: verdict,
// rollback gate, next step, the list of steps (a plan edit that adds,
// removes or reorders steps), then every step present in both whose status
// changed, in plan order. Nil snapshots have no changes.
func Diff(old, cur *Snapshot) []Change {
	if old == nil || cur == nil {
		return nil
	}
	var out []Change
	if old.Verdict != cur.Verdict {
		why := ""
		if len(cur.Reasons) > 0 {
			why = cur.Reasons[0]
		}
		out = append(out, Change{What: ChangeVerdict, From: string(old.Verdict), To: string(cur.Verdict), Why: why})
	}
	if old.Rollback != cur.Rollback {
		out = append(out, Change{What: ChangeRollback, From: string(old.Rollback), To: string(cur.Rollback)})
	}
	if old.NextStep != cur.NextStep {
		out = append(out, Change{What: ChangeNext, From: orNone(old.NextStep), To: orNone(cur.NextStep)})
	}
	if !sameSteps(old, cur) {
		out = append(out, Change{What: ChangePlan, From: textfmt.Plural(len(old.Steps), "step"), To: textfmt.Plural(len(cur.Steps), "step"), Why: "the plan's steps changed"})
	}
	prev := make(map[string]*StepView, len(old.Steps))
	for i := range old.Steps {
		prev[old.Steps[i].Ref()] = &old.Steps[i]
	}
	for i := range cur.Steps {
		s := &cur.Steps[i]
		o, ok := prev[s.Ref()]
		if !ok || o.Status == s.Status {
			continue
		}
		out = append(out, Change{What: s.Ref(), From: string(o.Status), To: string(s.Status), Why: why(o, s)})
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// why explains a step's change by the first probe whose status changed,
// else by its first probe that does not pass.
func why(old, cur *StepView) string {
	for i := range cur.Probes {
		p := &cur.Probes[i]
		for j := range old.Probes {
			q := &old.Probes[j]
			if q.Role == p.Role && q.Kind == p.Kind && q.Target == p.Target && q.Name == p.Name && q.Status != p.Status {
				return p.Label() + " " + string(q.Status) + " → " + string(p.Status) + ": " + p.Message
			}
		}
	}
	for i := range cur.Probes {
		p := &cur.Probes[i]
		if p.Status != probes.OK {
			return p.Label() + " " + string(p.Status) + ": " + p.Message
		}
	}
	return ""
}

// sameSteps reports whether two snapshots show the same steps in the same
// order.
func sameSteps(a, b *Snapshot) bool {
	if len(a.Steps) != len(b.Steps) {
		return false
	}
	for i := range a.Steps {
		if a.Steps[i].Ref() != b.Steps[i].Ref() {
			return false
		}
	}
	return true
}
