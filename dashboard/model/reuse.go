package model

import (
	"maps"
	"slices"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/infer"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// lastEval is the last complete snapshot a Session evaluated and what it
// was evaluated from. An idle board re-checks every probe each interval
// and nearly always gets the same answers: then the evaluation — statuses,
// findings, reasons, the redaction of every text, most of a tick's CPU and
// garbage on a plan of a thousand steps (issue 14) — would come out the
// same, and reuse hands back this snapshot with the time of the check, the
// host facts and the probes' durations of the new check instead.
type lastEval struct {
	snap     *Snapshot
	plan     *plans.Plan
	analysis *infer.Analysis
	opts     EvalOptions // CheckedAt, Duration and Host aside
}

// matches reports whether an evaluation of plan p with analysis a and
// options o would read the same inputs as the last one, besides the probe
// answers (the caller compares those) and the three fields reuse replaces.
func (l *lastEval) matches(p *plans.Plan, a *infer.Analysis, o EvalOptions) bool {
	return l != nil && l.snap != nil && l.plan == p && l.analysis == a &&
		o.Refreshing == nil && l.opts.Refreshing == nil &&
		o.At == l.opts.At && o.Phase == l.opts.Phase &&
		slices.Equal(o.Steps, l.opts.Steps) && slices.Equal(o.Warnings, l.opts.Warnings) &&
		maps.Equal(o.SignOffs, l.opts.SignOffs)
}

// reuse is the snapshot Evaluate would make of plan p with options o and
// the answers in current, given that every answer has the same status and
// message as when l.snap was evaluated: l.snap with o's time of check,
// duration and host, and each probe's duration from current. The steps
// and their probe lists are copied (the durations differ); everything else
// — findings, reasons, blockers, notes, commands — is shared with l.snap,
// which nobody modifies. It returns nil when the steps do not line up
// with the plan, and the caller then evaluates.
func (l *lastEval) reuse(p *plans.Plan, o EvalOptions, current map[*spec.Probe]probes.Result) *Snapshot {
	c := *l.snap
	c.CheckedAt = o.CheckedAt
	c.DurationMS = ms(o.Duration)
	c.Host = o.Host
	if o.Host != nil {
		(&Snapshot{Host: o.Host}).redactAll() // as Evaluate redacts it
	}
	c.Steps = slices.Clone(l.snap.Steps)
	// One array holds every step's probes: a plan of a thousand steps
	// would otherwise cost a thousand small allocations a tick.
	n := 0
	for i := range c.Steps {
		n += len(c.Steps[i].Probes)
	}
	all := make([]ProbeView, 0, n)
	k := 0
	for _, st := range p.Steps {
		if o.Phase != "" && !PhaseMatches(p, st, o.Phase) {
			continue
		}
		if k >= len(c.Steps) || len(c.Steps[k].Probes) != len(st.Probes) {
			return nil
		}
		v := &c.Steps[k]
		k++
		if len(v.Probes) == 0 {
			continue
		}
		from := len(all)
		all = append(all, v.Probes...)
		v.Probes = all[from:len(all):len(all)]
		for j, sp := range st.Probes {
			r, ok := current[sp]
			if !ok {
				return nil
			}
			setDurations(&v.Probes[j], r)
		}
	}
	if k != len(c.Steps) {
		return nil
	}
	return &c
}

// setDurations gives pv and its children the durations of r, as
// probeView does (a child without a result took 0).
func setDurations(pv *ProbeView, r probes.Result) {
	pv.DurationMS = ms(r.Duration)
	if len(pv.Children) == 0 {
		return
	}
	pv.Children = slices.Clone(pv.Children)
	for i := range pv.Children {
		var cr probes.Result
		if i < len(r.Children) {
			cr = r.Children[i]
		}
		setDurations(&pv.Children[i], cr)
	}
}

// sameAnswer reports whether two results of a probe say the same thing:
// the same probe, status and message, and the same of each child. The
// duration is not part of the answer.
func sameAnswer(a, b probes.Result) bool {
	if a.Spec != b.Spec || a.Status != b.Status || a.Message != b.Message || a.Captured != b.Captured || len(a.Children) != len(b.Children) {
		return false
	}
	for i := range a.Children {
		if !sameAnswer(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}
