package model

import (
	"fmt"
	"strings"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/redact"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// SnapshotVersion is the version of the JSON contract a Snapshot follows.
const SnapshotVersion = 1

// EvalOptions narrow and annotate one evaluation. The zero value evaluates
// the whole plan with the next step computed from the results.
type EvalOptions struct {
	// At is the key of the step the operator says they are at (--at, or the
	// board's key); it becomes the next step. "" computes the next step.
	At string
	// Steps are keys of the steps the verdict is narrowed to (--step).
	Steps []string
	// Phase narrows the steps shown to one phase, by name or slug, any
	// case (--phase). The verdict is unaffected.
	Phase string
	// CheckedAt and Duration are copied to the snapshot.
	CheckedAt time.Time
	Duration  time.Duration
	// Warnings are copied to the snapshot after the plan's own warnings.
	Warnings []string
	// Host is copied to the snapshot.
	Host *HostFacts
}

// Evaluate is the one place the README's rules for the verdict, the next
// step and the rollback gate ("What you see") live. It is pure: the
// plan plus one result per probe — flattened in step order, each step's
// Probes in order — become a Snapshot with step statuses, the next step, the
// rollback gate, the verdict, regressed steps and the reasons the verdict is
// not GO. A missing result counts as an error ("no result"), so a short
// results slice never panics and never reads as GO.
func Evaluate(p *plans.Plan, results []probes.Result, findings []Finding, opts EvalOptions) *Snapshot {
	if p == nil {
		p = &plans.Plan{}
	}
	snap := &Snapshot{
		Version:    SnapshotVersion,
		Plan:       p.File,
		Root:       p.Root,
		CheckedAt:  opts.CheckedAt,
		DurationMS: ms(opts.Duration),
		Steps:      []StepView{},
		Findings:   []Finding{},
		At:         opts.At,
		Host:       opts.Host,
	}
	for _, f := range findings {
		f.Message = redact.String(f.Message)
		f.Hint = redact.String(f.Hint)
		snap.Findings = append(snap.Findings, f)
	}
	for _, w := range p.Warnings {
		snap.Warnings = append(snap.Warnings, redact.String(w.Error()))
	}
	for _, w := range opts.Warnings {
		snap.Warnings = append(snap.Warnings, redact.String(w))
	}
	if n := countProbes(p); n == 0 && len(p.Steps) > 0 {
		snap.Warnings = append(snap.Warnings, "nothing is probed: every step is MANUAL, so GO means only that nothing was checked; add ```gonogo blocks to the steps (or a --probes file)")
	}

	evals := make([]stepEval, len(p.Steps))
	k := 0
	for i, st := range p.Steps {
		n := len(st.Probes)
		var rs []probes.Result
		if k < len(results) {
			rs = results[k:min(k+n, len(results))]
		}
		k += n
		evals[i] = evalStep(st, rs)
	}

	next := nextStep(p, evals, opts.At)
	if next >= 0 {
		snap.NextStep = p.Steps[next].Key
	}
	for i, st := range p.Steps {
		if next >= 0 && i < next && !st.Rollback && evals[i].regressed() {
			evals[i].view.Regressed = true
		}
	}
	if next >= 0 {
		evals[next].view.Next = true
	}

	snap.Rollback = rollbackGate(p, evals)

	// The verdict: what stands in the way, and whether all of it is errors.
	var blockers []stepGate
	if len(opts.Steps) > 0 {
		for _, key := range opts.Steps {
			for i, st := range p.Steps {
				if st.Key == key {
					blockers = append(blockers, evals[i].gate(st))
				}
			}
		}
	} else {
		if next >= 0 {
			blockers = append(blockers, evals[next].gate(p.Steps[next]))
		}
		for i, st := range p.Steps {
			if st.Rollback {
				g := evals[i].gate(st)
				g.rollback = true
				blockers = append(blockers, g)
			}
		}
		if g, ok := gapGate(p); ok {
			blockers = append(blockers, g)
		}
	}
	snap.Verdict = GateGo
	for _, g := range blockers {
		switch g.gate {
		case GateNoGo:
			snap.Verdict = GateNoGo
		case GateUnknown:
			if snap.Verdict == GateGo {
				snap.Verdict = GateUnknown
			}
		}
		snap.Reasons = append(snap.Reasons, g.reasons...)
	}

	for i, st := range p.Steps {
		if opts.Phase != "" && !PhaseMatches(p, st, opts.Phase) {
			continue
		}
		snap.Steps = append(snap.Steps, evals[i].view)
	}
	return snap
}

// PhaseMatches reports whether step st sits in the phase named name (by
// name or slug, any case).
func PhaseMatches(p *plans.Plan, st *plans.Step, name string) bool {
	if strings.EqualFold(st.Phase, name) {
		return true
	}
	for _, ph := range p.Phases {
		if ph.Name == st.Phase && strings.EqualFold(ph.Slug, name) {
			return true
		}
	}
	return false
}

// stepEval is one step's evaluated state plus what the verdict needs.
type stepEval struct {
	view StepView
	// requires is the gate of the step's requires-probes alone: NO-GO if one
	// failed, UNKNOWN if one errored (or has not answered), GO otherwise.
	requires Gate
	// failing are the requires-probes standing in the way, for Reasons.
	failing []ProbeView
	// doneFailed is true when a done-probe answered fail.
	doneFailed bool
	hasDone    bool
}

// regressed is true when the step has done-probes and one of them now fails.
func (e *stepEval) regressed() bool { return e.hasDone && e.doneFailed }

// stepGate is one step's contribution to the verdict.
type stepGate struct {
	gate     Gate
	rollback bool
	reasons  []string
}

func (e *stepEval) gate(st *plans.Step) stepGate {
	g := stepGate{gate: e.requires}
	if e.requires == GateGo {
		return g
	}
	what := "step " + st.Key
	if st.Rollback {
		what = "rollback step " + st.Key
	}
	if st.Title != "" {
		what += " (" + st.Title + ")"
	}
	for _, pv := range e.failing {
		label := pv.Label()
		msg := pv.Message
		if msg == "" {
			msg = string(pv.Status)
		}
		g.reasons = append(g.reasons, fmt.Sprintf("%s is %s: %s: %s", what, e.requires, label, msg))
	}
	if len(g.reasons) == 0 {
		g.reasons = append(g.reasons, fmt.Sprintf("%s is %s", what, e.requires))
	}
	return g
}

func evalStep(st *plans.Step, rs []probes.Result) stepEval {
	e := stepEval{
		view: StepView{
			ID:       st.ID,
			Title:    st.Title,
			Phase:    st.Phase,
			Rollback: st.Rollback,
			Line:     st.Line,
			Checked:  st.Checked,
			Probes:   []ProbeView{},
		},
		requires: GateGo,
	}
	if st.Key != st.ID {
		e.view.Key = st.Key
	}
	for _, n := range st.Notes {
		e.view.Notes = append(e.view.Notes, redact.String(n))
	}
	for _, c := range st.Commands {
		e.view.Commands = append(e.view.Commands, redact.String(c.Text))
	}

	var failed, errored bool
	doneAll, doneAny := true, false
	ran := 0
	for j, sp := range st.Probes {
		r := probes.Result{Spec: sp, Status: probes.Error, Message: "no result for this probe"}
		if j < len(rs) {
			r = rs[j]
			if r.Spec == nil {
				r.Spec = sp
			}
		}
		pv := probeView(sp, r)
		e.view.Probes = append(e.view.Probes, pv)
		if r.Status != probes.Skip {
			ran++
		}
		switch sp.Role {
		case spec.Done:
			doneAny = true
			if r.Status != probes.OK {
				doneAll = false
			}
			if r.Status == probes.Fail {
				e.doneFailed = true
			}
		default: // requires
			switch r.Status {
			case probes.Fail:
				failed = true
				e.failing = append(e.failing, pv)
			case probes.Error, probes.Pending, "":
				errored = true
				e.failing = append(e.failing, pv)
			}
		}
	}
	e.hasDone = doneAny
	switch {
	case failed:
		e.requires = GateNoGo
		// Errors alongside a failure are not why the step is NO-GO.
		keep := e.failing[:0]
		for _, pv := range e.failing {
			if pv.Status == probes.Fail {
				keep = append(keep, pv)
			}
		}
		e.failing = keep
	case errored:
		e.requires = GateUnknown
	}

	switch {
	case ran == 0:
		// Nothing to probe, or every probe skipped (--no-exec): the
		// operator has to judge this step.
		e.view.Status = StepManual
	case doneAny && doneAll:
		e.view.Status = StepDone
	case failed:
		e.view.Status = StepNoGo
	case errored:
		e.view.Status = StepUnknown
	default:
		e.view.Status = StepGo
	}
	return e
}

func probeView(sp *spec.Probe, r probes.Result) ProbeView {
	pv := ProbeView{
		Role:       sp.Role,
		Kind:       sp.Kind,
		Target:     redact.String(sp.Target),
		Name:       redact.String(sp.Name),
		Source:     sp.Source,
		Status:     r.Status,
		Message:    redact.String(r.Message),
		DurationMS: ms(r.Duration),
		Severity:   sp.Severity,
		Line:       sp.Line,
		From:       redact.String(sp.Why),
	}
	if pv.Role == "" {
		pv.Role = spec.Requires
	}
	if pv.Status == "" {
		pv.Status = probes.Error
		if pv.Message == "" {
			pv.Message = "the probe gave no answer"
		}
	}
	for i, c := range sp.Children {
		cr := probes.Result{Spec: c, Status: probes.Error, Message: "no result for this probe"}
		if i < len(r.Children) {
			cr = r.Children[i]
		} else if r.Status == probes.Skip || r.Status == probes.Pending {
			cr.Status, cr.Message = r.Status, ""
		}
		pv.Children = append(pv.Children, probeView(c, cr))
	}
	return pv
}

// nextStep returns the index of the next step, or -1 when there is none.
func nextStep(p *plans.Plan, evals []stepEval, at string) int {
	if at != "" {
		for i, st := range p.Steps {
			if st.Key == at {
				return i
			}
		}
	}
	lastDone := -1
	for i, st := range p.Steps {
		if !st.Rollback && evals[i].view.Status == StepDone {
			lastDone = i
		}
	}
	for i := lastDone + 1; i < len(p.Steps); i++ {
		if !p.Steps[i].Rollback && evals[i].view.Status != StepManual && evals[i].view.Status != StepDone {
			return i
		}
	}
	return -1
}

// rollbackGate is NONE without a rollback phase, else the worst of the
// rollback steps: NO-GO, then UNKNOWN, else GO. Rollback content the plan
// reader could not take as steps (plans.Plan.RollbackGaps) makes a GO
// UNKNOWN: a way back gonogo could not read is not one it checked.
func rollbackGate(p *plans.Plan, evals []stepEval) Gate {
	has := len(p.RollbackGaps) > 0
	for _, ph := range p.Phases {
		if ph.Rollback {
			has = true
		}
	}
	gate := GateGo
	for i, st := range p.Steps {
		if !st.Rollback {
			continue
		}
		has = true
		switch evals[i].requires {
		case GateNoGo:
			gate = GateNoGo
		case GateUnknown:
			if gate == GateGo {
				gate = GateUnknown
			}
		}
	}
	if !has {
		return GateNone
	}
	if gate == GateGo && len(p.RollbackGaps) > 0 {
		return GateUnknown
	}
	return gate
}

// gapGate is the verdict's share of the rollback gaps: UNKNOWN, with the
// lines gonogo could not read as the reason.
func gapGate(p *plans.Plan) (stepGate, bool) {
	if len(p.RollbackGaps) == 0 {
		return stepGate{}, false
	}
	g := stepGate{gate: GateUnknown, rollback: true}
	for _, d := range p.RollbackGaps {
		g.reasons = append(g.reasons, "rollback is UNKNOWN: "+redact.String(d.Error()))
	}
	return g, true
}

func countProbes(p *plans.Plan) int {
	n := 0
	for _, st := range p.Steps {
		n += len(st.Probes)
	}
	return n
}

func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
