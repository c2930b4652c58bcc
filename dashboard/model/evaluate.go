package model

import (
	"fmt"
	"strings"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/infer"
	"github.com/gonogo-dev/gonogo/plans/redact"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
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
	// Analysis is what inference read off the plan's commands (nil under
	// --no-infer): which earlier step makes what a failing requirement
	// needs (pending), and which probes check that a program is installed.
	Analysis *infer.Analysis
	// SignOffs are the operator's sign-offs by step key: such a step
	// without done-probes counts as DONE.
	SignOffs map[string]SignOff
	// Refreshing marks the probes whose result is their previous answer
	// while a check re-runs them.
	Refreshing map[*spec.Probe]bool
}

// Evaluate is the one place the README's rules for the verdict, the next
// step, the rollback gate, pending requirements and the action line live.
// It is pure: the plan plus one result per probe — flattened in step
// order, each step's Probes in order — become a Snapshot with step
// statuses, the next step, the rollback gate, the verdict, regressed steps,
// the reasons the verdict is not GO and what to do now. A missing result
// counts as an error ("no result"), so a short results slice never panics
// and never reads as GO. Every text in the snapshot has its secrets hidden
// (redactAll), whatever view draws it.
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
		Steps:      make([]StepView, 0, len(p.Steps)),
		Findings:   []Finding{},
		At:         opts.At,
		Host:       opts.Host,
	}
	for _, f := range findings {
		snap.Findings = append(snap.Findings, f)
	}
	for _, w := range p.Warnings {
		snap.Warnings = append(snap.Warnings, w.Error())
	}
	for _, w := range opts.Warnings {
		snap.Warnings = append(snap.Warnings, w)
	}
	if n := countProbes(p); n == 0 && len(p.Steps) > 0 {
		snap.Warnings = append(snap.Warnings, "nothing is probed: every step is MANUAL, so GO means only that nothing was checked; add ```gonogo blocks to the steps (or a --probes file)")
	}

	ev := &evaluator{opts: opts, index: make(map[string]int, len(p.Steps))}
	for i, st := range p.Steps {
		ev.index[st.Key] = i
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
		evals[i] = ev.step(st, rs)
	}

	next := nextStep(p, evals, opts.At)
	if next >= 0 {
		snap.NextStep = p.Steps[next].Key
	}
	// Only now, with the next step known, is a requirement that an
	// earlier step makes pending or broken.
	for i, st := range p.Steps {
		snap.Pending = append(snap.Pending, evals[i].settle(st, next)...)
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
	var gates []stepGate
	hints := newFindingHints(snap.Findings)
	if len(opts.Steps) > 0 {
		for _, key := range opts.Steps {
			if i, ok := ev.index[key]; ok {
				gates = append(gates, evals[i].gate(p.Steps[i], hints))
			}
		}
	} else {
		if next >= 0 {
			gates = append(gates, evals[next].gate(p.Steps[next], hints))
		}
		for i, st := range p.Steps {
			if st.Rollback {
				gates = append(gates, evals[i].gate(st, hints))
			}
		}
		if g, ok := gapGate(p); ok {
			gates = append(gates, g)
		}
	}
	verdict := GateGo
	for _, g := range gates {
		verdict = worse(verdict, g.gate)
		for _, b := range g.blockers {
			snap.Blockers = append(snap.Blockers, b)
			snap.Reasons = append(snap.Reasons, b.Text)
		}
	}
	snap.Verdict = verdict
	if verdict == gateChecking {
		// Not decided until every probe that matters has answered once:
		// never UNKNOWN just because a check is running.
		snap.Verdict = ""
	}

	for i, st := range p.Steps {
		if so := evals[i].view.SignedOff; so != nil {
			snap.SignOffs = append(snap.SignOffs, *so)
		}
		if opts.Phase != "" && !PhaseMatches(p, st, opts.Phase) {
			continue
		}
		snap.Steps = append(snap.Steps, evals[i].view)
	}
	snap.Action = action(snap)
	snap.redactAll()
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

// gateChecking is, inside Evaluate, the gate of a step whose only
// requirements in the way have not answered yet (the first check is still
// running); the snapshot's verdict is then "" — not decided — rather than
// UNKNOWN.
const gateChecking Gate = "checking"

// worse is the gate that blocks more: NO-GO, UNKNOWN, checking, then GO.
// PENDING does not block the verdict.
func worse(a, b Gate) Gate {
	rank := func(g Gate) int {
		switch g {
		case GateNoGo:
			return 3
		case GateUnknown:
			return 2
		case gateChecking:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// evaluator holds what every step's evaluation needs besides the step.
type evaluator struct {
	opts  EvalOptions
	index map[string]int // step key → index in the plan
	// makers are the analysis' makers of requirements, asked for once.
	makers map[*spec.Probe]infer.Maker
}

// stepEval is one step's evaluated state plus what the verdict needs.
type stepEval struct {
	view StepView
	// reqs are the step's requirements in order.
	reqs []requirement
	// requires is the gate of the step's requirements alone: NO-GO if one
	// failed (and is not pending), UNKNOWN if one errored, checking if one
	// has not answered yet, PENDING if only pending ones fail, GO
	// otherwise. settle decides it.
	requires Gate
	// failing are the requirements standing in the way, for Reasons.
	failing []requirement
	// doneFailed is true when a done-probe answered fail.
	doneFailed bool
	hasDone    bool
	doneAll    bool
	// ran counts the probes that were not skipped.
	ran     int
	signOff *SignOff
}

// requirement is one requires-probe of a step: its view (an index into
// view.Probes) and, when it fails, the step that makes what it needs.
type requirement struct {
	probe int
	maker int // index of the making step, -1 if none
	made  infer.Maker
	// passed is set when the next step is past the maker and the
	// requirement still fails.
	passed bool
}

// regressed is true when the step has done-probes and one of them now fails.
func (e *stepEval) regressed() bool { return e.hasDone && e.doneFailed }

// done is true when the step counts as carried out: signed off, or every
// done-probe holds.
func (e *stepEval) done() bool {
	return e.signOff != nil || (e.ran > 0 && e.hasDone && e.doneAll)
}

// stepGate is one step's contribution to the verdict.
type stepGate struct {
	gate     Gate
	blockers []Blocker
}

// step evaluates one step's probes; settle finishes it once the next step
// is known.
func (ev *evaluator) step(st *plans.Step, rs []probes.Result) stepEval {
	e := stepEval{
		view: StepView{
			ID:        st.ID,
			Title:     st.Title,
			Phase:     st.Phase,
			Rollback:  st.Rollback,
			Line:      st.Line,
			Checked:   st.Checked,
			Generated: st.Generated,
			Probes:    make([]ProbeView, 0, len(st.Probes)),
		},
		doneAll: true,
	}
	if st.Key != st.ID {
		e.view.Key = st.Key
	}
	for _, n := range st.Notes {
		e.view.Notes = append(e.view.Notes, n)
	}
	if len(st.Commands) > 0 {
		e.view.Commands = make([]string, 0, len(st.Commands))
	}
	for _, c := range st.Commands {
		e.view.Commands = append(e.view.Commands, c.Text)
	}
	for j, sp := range st.Probes {
		r := probes.Result{Spec: sp, Status: probes.Error, Message: "no result for this probe"}
		if j < len(rs) {
			r = rs[j]
			if r.Spec == nil {
				r.Spec = sp
			}
		}
		pv := ev.probeView(sp, r)
		e.view.Probes = append(e.view.Probes, pv)
		if pv.Status != probes.Skip {
			e.ran++
		}
		if pv.Role == spec.Done {
			e.hasDone = true
			if pv.Status != probes.OK {
				e.doneAll = false
			}
			if pv.Status == probes.Fail {
				e.doneFailed = true
			}
			continue
		}
		if e.reqs == nil {
			e.reqs = make([]requirement, 0, len(st.Probes)-j)
		}
		rq := requirement{probe: len(e.view.Probes) - 1, maker: -1}
		if pv.Status == probes.Fail {
			rq.maker, rq.made = ev.maker(sp, r)
		}
		e.reqs = append(e.reqs, rq)
	}
	if so, ok := ev.opts.SignOffs[st.Key]; ok && !st.Rollback && !e.hasDone {
		so.Step = st.Key
		e.signOff = &so
	}
	return e
}

// maker is the index of the step that makes what a failing requirement
// needs, -1 if no step does. An any holds once one way's maker has run and
// an all once every failing part's maker has; both wait for the last maker.
func (ev *evaluator) maker(sp *spec.Probe, r probes.Result) (int, infer.Maker) {
	a := ev.opts.Analysis
	if a == nil || sp == nil {
		return -1, infer.Maker{}
	}
	if sp.Kind != spec.KindAny && sp.Kind != spec.KindAll {
		if ev.makers == nil {
			ev.makers = a.Makers() // once per evaluation, when a requirement fails
		}
		m, ok := ev.makers[sp]
		if !ok {
			return -1, infer.Maker{}
		}
		i, ok := ev.index[m.Step]
		if !ok {
			return -1, infer.Maker{}
		}
		return i, m
	}
	best, bestM := -1, infer.Maker{}
	for j, c := range sp.Children {
		if j >= len(r.Children) {
			return -1, infer.Maker{}
		}
		cr := r.Children[j]
		if cr.Status != probes.Fail && cr.Status != probes.Warn {
			if sp.Kind == spec.KindAll && cr.Status != probes.OK {
				return -1, infer.Maker{} // a part that could not tell
			}
			continue
		}
		i, m := ev.maker(c, cr)
		if i < 0 {
			if sp.Kind == spec.KindAll {
				return -1, infer.Maker{} // a part that nothing makes
			}
			continue
		}
		if i > best {
			best, bestM = i, m
		}
	}
	return best, bestM
}

// settle decides, with the next step known, the step's requirement gate
// and status, and returns its pending requirements. A failing requirement
// whose maker the operator has not passed — the next step is at or before
// the maker, or the maker is a rollback step, which runs first in the
// rollback — is pending and does not block; once the next step is past the
// maker (or every step is done) and it still fails, it blocks.
func (e *stepEval) settle(st *plans.Step, next int) []Pending {
	var out []Pending
	var failed, errored, checking, pending bool
	for i := range e.reqs {
		rq := &e.reqs[i]
		pv := &e.view.Probes[rq.probe]
		switch pv.Status {
		case probes.Fail:
			if rq.maker >= 0 {
				pv.MadeBy = rq.made.Step
				if rq.made.Rollback || (next >= 0 && next <= rq.maker) {
					pv.Pending = true
					pending = true
					out = append(out, Pending{Step: st.Key, Probe: pv.Label(), What: redact.String(rq.made.What),
						MadeBy: rq.made.Step, Line: rq.made.Line, Command: redact.String(rq.made.Command)})
					continue
				}
				rq.passed = true
			}
			failed = true
			e.failing = append(e.failing, *rq)
		case probes.Pending:
			checking = true
			e.failing = append(e.failing, *rq)
		case probes.Error, "":
			errored = true
			e.failing = append(e.failing, *rq)
		}
	}
	// Keep the requirements of the gate the step gets: errors beside a
	// failure are not why it is NO-GO, probes still checking beside an
	// error not why it is UNKNOWN.
	keep := func(f func(probes.Status) bool) {
		out := e.failing[:0]
		for _, rq := range e.failing {
			if f(e.view.Probes[rq.probe].Status) {
				out = append(out, rq)
			}
		}
		e.failing = out
	}
	switch {
	case failed:
		e.requires = GateNoGo
		keep(func(s probes.Status) bool { return s == probes.Fail })
	case errored:
		e.requires = GateUnknown
		keep(func(s probes.Status) bool { return s != probes.Pending })
	case checking:
		e.requires = gateChecking
	case pending:
		e.requires = GatePending
	default:
		e.requires = GateGo
	}
	switch e.view.Gate = e.requires; e.requires {
	case GatePending:
		e.view.Gate = GateGo
	case gateChecking:
		e.view.Gate = ""
	}

	switch {
	case e.signOff != nil:
		e.view.Status = StepDone
		e.view.SignedOff = e.signOff
	case e.ran == 0:
		// Nothing to probe, or every probe skipped (--no-exec): the
		// operator has to judge this step.
		e.view.Status = StepManual
	case e.done():
		e.view.Status = StepDone
	case failed:
		e.view.Status = StepNoGo
	case errored || checking:
		e.view.Status = StepUnknown
	case pending:
		e.view.Status = StepPending
	default:
		e.view.Status = StepGo
	}
	return out
}

// gate is the step's contribution to the verdict, with one blocker per
// requirement in the way. A pending step does not block.
func (e *stepEval) gate(st *plans.Step, hints *findingHints) stepGate {
	switch e.requires {
	case GateGo, GatePending:
		return stepGate{gate: GateGo}
	case gateChecking:
		return stepGate{gate: gateChecking}
	}
	g := stepGate{gate: e.requires}
	what := "step " + st.Key
	if st.Rollback {
		what = "rollback step " + st.Key
	}
	if st.Title != "" {
		// Clipped: every blocker's text repeats it, and a step titled by
		// a long inline command has as many blockers as operands.
		what += " (" + textfmt.Clip(st.Title, maxTitleInText) + ")"
	}
	for i, rq := range e.failing {
		pv := &e.view.Probes[rq.probe]
		b := Blocker{Gate: e.requires, Step: st.Key, Rollback: st.Rollback, Probe: pv.Label(), Message: pv.Message, Fix: hints.stepHint(st.Key, pv, i == 0)}
		if b.Message == "" {
			b.Message = string(pv.Status)
		}
		if rq.passed {
			state := "does not exist"
			if !rq.made.Commit && !strings.Contains(pv.Message, "does not exist") && pv.Message != "" {
				state = "is not as it should be (" + pv.Message + ")"
			}
			b.Message = fmt.Sprintf("step %s was passed but %s %s (line %d: `%s`)",
				rq.made.Step, redact.String(rq.made.What), state, rq.made.Line, redact.String(rq.made.Command))
			if b.Fix == "" {
				b.Fix = fmt.Sprintf("carry out step %s again (%s)", rq.made.Step, redact.String(rq.made.Command))
			}
		}
		// An any/all's message names its parts and their answers; its
		// label would say the same again.
		detail := b.Probe + ": " + b.Message
		if (pv.Kind == spec.KindAny || pv.Kind == spec.KindAll) && pv.Message != "" && !rq.passed {
			detail = b.Message
		}
		if e.requires == GateUnknown {
			b.Text = fmt.Sprintf("could not check %s: %s", what, detail)
		} else {
			b.Text = fmt.Sprintf("%s cannot run: %s", what, detail)
		}
		g.blockers = append(g.blockers, b)
	}
	if len(g.blockers) == 0 {
		text := what + " cannot run"
		if e.requires == GateUnknown {
			text = "could not check " + what
		}
		g.blockers = append(g.blockers, Blocker{Gate: e.requires, Step: st.Key, Rollback: st.Rollback, Text: text})
	}
	return g
}

// maxTitleInText bounds the step title a blocker's text quotes.
const maxTitleInText = 120

// stepHint is the fix a finding about the step gives for requirement pv,
// errors first: one read off the same command line as the probe (or one of
// an any/all's parts), else — for the step's first blocker only — the first
// finding about the step. Findings know the plan ("commit it now (git add
// F && git commit)"); a probe knows only its own target.
func (h *findingHints) stepHint(key string, pv *ProbeView, first bool) string {
	lines := map[int]bool{}
	var walk func(p *ProbeView)
	walk = func(p *ProbeView) {
		if p.Line > 0 {
			lines[p.Line] = true
		}
		for i := range p.Children {
			walk(&p.Children[i])
		}
	}
	walk(pv)
	for _, sameLine := range []bool{true, false} {
		if !sameLine && !first {
			break
		}
		for _, sev := range []infer.Severity{infer.SevError, infer.SevWarning} {
			best := -1
			if sameLine {
				for line := range lines {
					if i, ok := h.first[hintKey{key, sev, line}]; ok && (best < 0 || i < best) {
						best = i
					}
				}
			} else if i, ok := h.first[hintKey{key, sev, anyLine}]; ok {
				best = i
			}
			if best >= 0 {
				return h.findings[best].Hint
			}
		}
	}
	return ""
}

// findingHints indexes the findings with a hint by step, severity and
// line, once per evaluation: each failing requirement of each gating step
// asks for its hint, and scanning every finding for each made a plan of
// thousands of failing requirements quadratic (issue 13).
type findingHints struct {
	findings []Finding
	// first is the index of the first finding with a hint for a step,
	// severity and line (anyLine: any line).
	first map[hintKey]int
}

type hintKey struct {
	step string
	sev  infer.Severity
	line int
}

// anyLine keys the first finding of a step and severity on any line.
const anyLine = -1

func newFindingHints(findings []Finding) *findingHints {
	h := &findingHints{findings: findings, first: map[hintKey]int{}}
	for i, f := range findings {
		if f.Hint == "" {
			continue
		}
		for _, line := range []int{f.Line, anyLine} {
			k := hintKey{f.Step, f.Severity, line}
			if _, ok := h.first[k]; !ok {
				h.first[k] = i
			}
		}
	}
	return h
}

func (ev *evaluator) probeView(sp *spec.Probe, r probes.Result) ProbeView {
	pv := ProbeView{
		Role:       sp.Role,
		Kind:       sp.Kind,
		Target:     sp.Target,
		Name:       sp.Name,
		Source:     sp.Source,
		Status:     r.Status,
		Message:    r.Message,
		DurationMS: ms(r.Duration),
		Severity:   sp.Severity,
		Line:       sp.Line,
		From:       redact.String(sp.Why),
		Refreshing: ev.opts.Refreshing[sp],
		Capture:    sp.Capture,
		Captured:   r.Captured,
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
	if a := ev.opts.Analysis; a != nil {
		if prog := a.Program(sp); prog != "" {
			programView(&pv, prog, sp)
		}
	}
	for i, c := range sp.Children {
		cr := probes.Result{Spec: c, Status: probes.Error, Message: "no result for this probe"}
		if i < len(r.Children) {
			cr = r.Children[i]
		} else if r.Status == probes.Skip || r.Status == probes.Pending {
			cr.Status, cr.Message = r.Status, ""
		}
		child := ev.probeView(c, cr)
		child.Refreshing = child.Refreshing || pv.Refreshing
		pv.Children = append(pv.Children, child)
	}
	return pv
}

// programView makes an inferred "PROG is installed" check read as one: the
// label names the program, and a failure says that it is missing and how to
// get it, rather than "PROG is installed: /usr/bin/PROG does not exist".
func programView(pv *ProbeView, prog string, sp *spec.Probe) {
	pv.Program = prog
	pv.Name = "program " + prog
	if pv.Status != probes.Fail && pv.Status != probes.Warn {
		return
	}
	where := pv.Target + " no longer exists"
	if strings.Contains(sp.Name, "not on PATH") {
		where = "it is not on PATH and " + pv.Target + " does not exist"
	}
	pv.Message = fmt.Sprintf("%s is not installed (%s): install it, or run gonogo with the PATH the plan's commands run with", prog, where)
}

// nextStep returns the index of the next step, or -1 when there is none:
// --at, else the first step outside the rollback phases after the last
// DONE one, MANUAL steps included (the operator signs them off). Only
// done-probes and sign-offs make a step DONE, so what settle decides later
// cannot move it.
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
		if !st.Rollback && evals[i].done() {
			lastDone = i
		}
	}
	for i := lastDone + 1; i < len(p.Steps); i++ {
		if !p.Steps[i].Rollback && !evals[i].done() {
			return i
		}
	}
	return -1
}

// rollbackGate is NONE without a rollback phase, else the worst of the
// rollback steps: NO-GO, then UNKNOWN, then PENDING, else GO. Rollback
// content the plan reader could not take as steps (plans.Plan.RollbackGaps)
// makes a GO or PENDING UNKNOWN: a way back gonogo could not read is not
// one it checked. A rollback step whose requirements have not answered yet
// (the first check still running) holds it at "" — not decided.
func rollbackGate(p *plans.Plan, evals []stepEval) Gate {
	has := len(p.RollbackGaps) > 0
	for _, ph := range p.Phases {
		if ph.Rollback {
			has = true
		}
	}
	gate := GateGo
	rank := map[Gate]int{GateGo: 0, GatePending: 1, gateChecking: 2, GateUnknown: 3, GateNoGo: 4}
	for i, st := range p.Steps {
		if !st.Rollback {
			continue
		}
		has = true
		if g := evals[i].requires; rank[g] > rank[gate] {
			gate = g
		}
	}
	if !has {
		return GateNone
	}
	if (gate == GateGo || gate == GatePending) && len(p.RollbackGaps) > 0 {
		return GateUnknown
	}
	if gate == gateChecking {
		return ""
	}
	return gate
}

// gapGate is the verdict's share of the rollback gaps: UNKNOWN, with the
// lines gonogo could not read as the reason.
func gapGate(p *plans.Plan) (stepGate, bool) {
	if len(p.RollbackGaps) == 0 {
		return stepGate{}, false
	}
	g := stepGate{gate: GateUnknown}
	for _, d := range p.RollbackGaps {
		msg := redact.String(d.Error())
		g.blockers = append(g.blockers, Blocker{Gate: GateUnknown, Rollback: true, Message: msg,
			Fix:  "write the rollback as steps gonogo can read (numbered headings or list items with their commands), or check it by hand",
			Text: "could not check the rollback: rollback is UNKNOWN: " + msg})
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
