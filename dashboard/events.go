package dashboard

import (
	"strings"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
	"github.com/gonogo-dev/gonogo/probes"
)

// event is one line of the event log, the record of the migration window:
// a status that changed (From → To, and why), or a notice (plan reloaded,
// plan error, "I am at this step") with From and To empty.
type event struct {
	At   time.Time
	Step string // step key, "verdict", "rollback" or "plan"
	From string
	To   string
	Why  string
}

// diffSnapshots lists what changed between two complete snapshots: the
// verdict, the rollback gate and every step whose status changed, in plan
// order. Steps that appear or disappear (a plan edit) are not changes.
func diffSnapshots(old, cur *model.Snapshot, at time.Time) []event {
	if old == nil || cur == nil {
		return nil
	}
	var out []event
	if old.Verdict != cur.Verdict {
		out = append(out, event{At: at, Step: "verdict", From: old.Verdict, To: cur.Verdict, Why: firstOr(cur.Reasons, "")})
	}
	if old.Rollback != cur.Rollback {
		out = append(out, event{At: at, Step: "rollback", From: old.Rollback, To: cur.Rollback})
	}
	prev := make(map[string]*model.StepView, len(old.Steps))
	for i := range old.Steps {
		prev[stepKey(&old.Steps[i])] = &old.Steps[i]
	}
	for i := range cur.Steps {
		s := &cur.Steps[i]
		o, ok := prev[stepKey(s)]
		if !ok || o.Status == s.Status {
			continue
		}
		out = append(out, event{At: at, Step: stepKey(s), From: string(o.Status), To: string(s.Status), Why: why(o, s)})
	}
	return out
}

// why explains a step's change by the first probe whose status changed,
// else by its first probe that does not pass.
func why(old, cur *model.StepView) string {
	for i := range cur.Probes {
		p := &cur.Probes[i]
		for j := range old.Probes {
			q := &old.Probes[j]
			if q.Role == p.Role && q.Kind == p.Kind && q.Target == p.Target && q.Name == p.Name && q.Status != p.Status {
				return p.Label() + " " + string(q.Status) + " → " + string(p.Status) + ": " + textfmt.OneLine(p.Message)
			}
		}
	}
	for i := range cur.Probes {
		p := &cur.Probes[i]
		if p.Status != probes.OK {
			return p.Label() + " " + string(p.Status) + ": " + textfmt.OneLine(p.Message)
		}
	}
	return ""
}

func firstOr(l []string, def string) string {
	if len(l) > 0 {
		return l[0]
	}
	return def
}

// String is the event as the log shows it, without colour:
// "21:04:05  8a  NO-GO → GO  git config_chromadb.py fail → ok: …".
func (e event) String() string {
	var b strings.Builder
	b.WriteString(e.At.Format("15:04:05"))
	b.WriteString("  ")
	b.WriteString(e.Step)
	if e.From != "" || e.To != "" {
		b.WriteString("  " + e.From + " → " + e.To)
	}
	if e.Why != "" {
		b.WriteString("  " + textfmt.OneLine(e.Why))
	}
	return b.String()
}
