package model

import (
	"strconv"

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

// NeedsAttention is true for a probe that did not hold or could not tell.
func (p *ProbeView) NeedsAttention() bool {
	return p.Status == probes.Fail || p.Status == probes.Warn || p.Status == probes.Error
}

// Listed reports whether a report lists probe p under step v. Requirements
// that need attention always are: they are why a step is not GO.
// Done-probes that do not hold yet are the normal state of a step not yet
// carried out, so they are listed only for the next step (what it has to
// make) and for a regressed step (what no longer holds).
func (v *StepView) Listed(p *ProbeView) bool {
	if !p.NeedsAttention() {
		return false
	}
	return p.Role != spec.Done || v.Next || v.Regressed
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

// RollbackBlocking lists the references of the rollback steps that hold
// the rollback gate back (NO-GO or UNKNOWN), in plan order.
func (s *Snapshot) RollbackBlocking() []string {
	var out []string
	for i := range s.Steps {
		st := &s.Steps[i]
		if st.Rollback && (st.Status == StepNoGo || st.Status == StepUnknown) {
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
