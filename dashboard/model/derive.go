package model

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/infer"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// Facts derived from a snapshot. Every view — the board, the text,
// Markdown and JSON reports, lint, the --record file — asks these methods
// instead of working them out again, so no two views can disagree on a
// tally, a step's reference or what changed.

// Ref is the reference a person types for the step (--at, --step, sidecar
// keys) and that views print: its plan-unique key.
func (v *StepView) Ref() string {
	if v.Key != "" {
		return v.Key
	}
	return v.ID
}

// Tally counts a step's top-level probes by status.
type Tally struct {
	OK, Fail, Warn, Error, Skip, Checking int
}

// Total is the number of probes counted.
func (t Tally) Total() int { return t.OK + t.Fail + t.Warn + t.Error + t.Skip + t.Checking }

// String is "ok/total", the PROBES column of every view: a warn did not
// hold, so it is not counted as passing (the step's status says whether it
// blocks).
func (t Tally) String() string {
	return strconv.Itoa(t.OK) + "/" + strconv.Itoa(t.Total())
}

// Tally counts the step's top-level probes by status.
func (v *StepView) Tally() Tally {
	var t Tally
	for _, p := range v.Probes {
		switch p.Status {
		case probes.OK:
			t.OK++
		case probes.Fail:
			t.Fail++
		case probes.Warn:
			t.Warn++
		case probes.Skip:
			t.Skip++
		case probes.Pending:
			t.Checking++
		default:
			t.Error++
		}
	}
	return t
}

// Checking is true while one of the step's probes (or of their children)
// has not answered in a check that is still running.
func (v *StepView) Checking() bool {
	return anyProbe(v.Probes, func(p *ProbeView) bool { return p.Status == probes.Pending })
}

func anyProbe(ps []ProbeView, f func(*ProbeView) bool) bool {
	for i := range ps {
		if f(&ps[i]) || anyProbe(ps[i].Children, f) {
			return true
		}
	}
	return false
}

// Problem is true for a step that needs the operator's attention: blocked
// or unknown, regressed, or with a requirement that fails, warns or could
// not be checked. A failing done-probe of a step not yet carried out is the
// normal state, not a problem.
func (v *StepView) Problem() bool {
	if v.Status == StepNoGo || v.Status == StepUnknown || v.Regressed {
		return true
	}
	for i := range v.Probes {
		if v.Probes[i].Role != spec.Done && v.Probes[i].NeedsAttention() {
			return true
		}
	}
	return false
}

// NeedsAttention is true for a probe that did not hold or could not tell,
// unless it is pending: what it needs is made by a step still to come.
func (p *ProbeView) NeedsAttention() bool {
	if p.Pending {
		return false
	}
	return p.Status == probes.Fail || p.Status == probes.Warn || p.Status == probes.Error
}

// Listed reports whether a report lists probe p under step v. Requirements
// that need attention always are: they are why a step is not GO; so are
// pending ones, with the step that makes what they need. Done-probes that
// do not hold yet are the normal state of a step not yet carried out, so
// they are listed only for the next step (what it has to make) and for a
// regressed step (what no longer holds).
func (v *StepView) Listed(p *ProbeView) bool {
	if p.Pending {
		return true
	}
	if !p.NeedsAttention() {
		return false
	}
	return p.Role != spec.Done || v.Next || v.Regressed
}

// Word is a probe's status word as every view prints it: "pending" for a
// failing requirement an earlier step makes, else its status.
func (p *ProbeView) Word() string {
	if p.Pending {
		return "pending"
	}
	return string(p.Status)
}

// Symbol is the symbol printed beside Word.
func (p *ProbeView) Symbol() string {
	if p.Pending {
		return PendingSymbol
	}
	return ProbeSymbol(p.Status)
}

// Tone is the colour family of the probe's Word.
func (p *ProbeView) Tone() Tone {
	if p.Pending {
		return TonePending
	}
	return ProbeTone(p.Status)
}

// Why is what a view prints after a probe's label: its message, and for a
// pending requirement the step that makes what it needs.
func (p *ProbeView) Why() string {
	if p.Pending {
		if p.Message == "" {
			return "made by step " + p.MadeBy
		}
		return p.Message + " (made by step " + p.MadeBy + ", not reached yet)"
	}
	return p.Message
}

// Trivial is true for a probe a view may fold away while it holds: an
// inferred check that a program is installed.
func (p *ProbeView) Trivial() bool {
	return p.Program != "" && p.Status == probes.OK
}

// CanSignOff reports whether the operator may sign the step off (the
// board's x): a step outside the rollback phases without done-probes,
// which gonogo can never see done by itself.
func (v *StepView) CanSignOff() bool {
	if v.Rollback {
		return false
	}
	for i := range v.Probes {
		if v.Probes[i].Role == spec.Done {
			return false
		}
	}
	return true
}

// Refreshing is true while a check re-runs one of the step's probes that
// had answered before.
func (v *StepView) Refreshing() bool {
	return anyProbe(v.Probes, func(p *ProbeView) bool { return p.Refreshing })
}

// Rechecking counts the top-level probes a running check has not answered
// yet: refreshing (their last answer shown) and checking (none yet).
func (s *Snapshot) Rechecking() int {
	n := 0
	for i := range s.Steps {
		for j := range s.Steps[i].Probes {
			if p := &s.Steps[i].Probes[j]; p.Refreshing || p.Status == probes.Pending {
				n++
			}
		}
	}
	return n
}

// WaitsFor lists the steps the rollback's pending requirements wait for,
// in plan order without repeats: "PENDING (after step 4)".
func (s *Snapshot) WaitsFor() []string {
	rollback := map[string]bool{}
	for i := range s.Steps {
		if s.Steps[i].Rollback {
			rollback[s.Steps[i].Ref()] = true
		}
	}
	var out []string
	for _, p := range s.Pending {
		if rollback[p.Step] && !slices.Contains(out, p.MadeBy) {
			out = append(out, p.MadeBy)
		}
	}
	return out
}

// RollbackNote is what every view prints beside the rollback gate's word:
// which steps hold it back or what it waits for.
func (s *Snapshot) RollbackNote() string {
	switch s.Rollback {
	case GateGo:
		return "every rollback step can run"
	case GateNone:
		return "the plan has no rollback phase"
	case GatePending:
		if w := s.WaitsFor(); len(w) > 0 {
			return "after step " + strings.Join(w, ", ")
		}
		return "waits for a step still to come"
	case GateNoGo:
		if b := s.RollbackBlocking(); len(b) > 0 {
			return steps(b) + " cannot run: fix it before you go on"
		}
		return "a rollback step cannot run: fix it before you go on"
	case GateUnknown:
		if b := s.RollbackBlocking(); len(b) > 0 {
			return steps(b) + " could not be checked"
		}
		return "part of the rollback could not be read or checked"
	case "":
		return "checking…"
	}
	return ""
}

// Step finds a step of the snapshot by key, else by ID; nil if none.
func (s *Snapshot) Step(ref string) *StepView {
	if s == nil || ref == "" {
		return nil
	}
	for i := range s.Steps {
		if s.Steps[i].Ref() == ref {
			return &s.Steps[i]
		}
	}
	for i := range s.Steps {
		if s.Steps[i].ID == ref {
			return &s.Steps[i]
		}
	}
	return nil
}

// steps is "step 23" or "steps 22, 25".
func steps(refs []string) string {
	if len(refs) == 1 {
		return "step " + refs[0]
	}
	return "steps " + strings.Join(refs, ", ")
}

// RollbackBlocking lists the references of the rollback steps that hold
// the rollback gate at its value (NO-GO or UNKNOWN), in plan order: those
// the verdict's blockers name, else (the verdict narrowed by --step) those
// whose status says so.
func (s *Snapshot) RollbackBlocking() []string {
	var out []string
	for _, b := range s.Blockers {
		if b.Rollback && b.Step != "" && b.Gate == s.Rollback && !slices.Contains(out, b.Step) {
			out = append(out, b.Step)
		}
	}
	if len(out) > 0 {
		return out
	}
	want := StepNoGo
	if s.Rollback == GateUnknown {
		want = StepUnknown
	}
	for i := range s.Steps {
		st := &s.Steps[i]
		if st.Rollback && st.Status == want {
			out = append(out, st.Ref())
		}
	}
	return out
}

// Errors is the number of error findings: `gonogo lint` exits 1 when there
// is one.
func (s *Snapshot) Errors() int {
	n := 0
	for _, f := range s.Findings {
		if f.Severity == infer.SevError {
			n++
		}
	}
	return n
}
