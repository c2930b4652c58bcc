package dashboard

import (
	"strings"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
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

// diffSnapshots is model.Diff as events of the log, stamped at.
func diffSnapshots(old, cur *model.Snapshot, at time.Time) []event {
	var out []event
	for _, c := range model.Diff(old, cur) {
		out = append(out, event{At: at, Step: c.What, From: c.From, To: c.To, Why: c.Why})
	}
	return out
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
