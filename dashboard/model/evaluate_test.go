package model

import (
	"slices"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// pr is one probe of a hand-built step: its role and the status its result
// will carry.
type pr struct {
	role   spec.Role
	status probes.Status
}

func req(s probes.Status) pr  { return pr{spec.Requires, s} }
func done(s probes.Status) pr { return pr{spec.Done, s} }

// st is one hand-built step: ID, phase ("Rollback" makes it a rollback step)
// and its probes.
type st struct {
	id    string
	phase string
	ps    []pr
}

// build turns hand-built steps into a plan and the flattened results
// Evaluate takes, in step order.
func build(steps ...st) (*plans.Plan, []probes.Result) {
	p := &plans.Plan{File: "plan.md", Root: "/srv/app"}
	seen := map[string]bool{}
	var results []probes.Result
	for i, s := range steps {
		phase := s.phase
		if phase == "" {
			phase = "Procedure"
		}
		rb := strings.EqualFold(phase, "rollback")
		if !seen[phase] {
			seen[phase] = true
			p.Phases = append(p.Phases, &plans.Phase{Name: phase, Slug: strings.ToLower(phase), Rollback: rb, Line: i * 10})
		}
		step := &plans.Step{ID: s.id, Key: s.id, Title: "do " + s.id, Phase: phase, Rollback: rb, Line: i*10 + 1}
		for j, q := range s.ps {
			sp := &spec.Probe{Role: q.role, Source: spec.Explicit, Kind: spec.KindFile, Target: "f" + s.id, Line: i*10 + 2 + j}
			step.Probes = append(step.Probes, sp)
			results = append(results, probes.Result{Spec: sp, Status: q.status, Message: "f" + s.id + " is " + string(q.status)})
		}
		p.Steps = append(p.Steps, step)
	}
	return p, results
}

func statuses(s *Snapshot) string {
	var b []string
	for _, v := range s.Steps {
		w := v.ID + "=" + string(v.Status)
		if v.Next {
			w += "*"
		}
		if v.Regressed {
			w += "!"
		}
		b = append(b, w)
	}
	return strings.Join(b, " ")
}

func TestEvaluate(t *testing.T) {
	const (
		ok  = probes.OK
		bad = probes.Fail
		er  = probes.Error
		wn  = probes.Warn
		sk  = probes.Skip
	)
	tests := []struct {
		name     string
		steps    []st
		opts     EvalOptions
		want     string // step statuses: id=STATUS, * next, ! regressed
		next     string
		rollback Gate
		verdict  Gate
		reasons  int // number of reason lines
	}{
		{
			name:  "seed: rollback step cannot run",
			steps: []st{{"8", "", []pr{req(ok)}}, {"23", "Rollback", []pr{req(bad)}}},
			want:  "8=GO* 23=NO-GO", next: "8", rollback: GateNoGo, verdict: GateNoGo, reasons: 1,
		},
		{
			name:  "seed fixed: everything holds",
			steps: []st{{"8", "", []pr{req(ok)}}, {"23", "Rollback", []pr{req(ok)}}},
			want:  "8=GO* 23=GO", next: "8", rollback: GateGo, verdict: GateGo,
		},
		{
			name:  "no DONE step: the first step is next, MANUAL or not",
			steps: []st{{"1", "", nil}, {"2", "", []pr{req(ok)}}, {"3", "", []pr{req(ok)}}},
			want:  "1=MANUAL* 2=GO 3=GO", next: "1", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "next comes after the last DONE step",
			steps: []st{{"1", "", []pr{done(ok)}}, {"2", "", []pr{done(ok), req(ok)}}, {"3", "", []pr{req(bad)}}},
			want:  "1=DONE 2=DONE 3=NO-GO*", next: "3", rollback: GateNone, verdict: GateNoGo, reasons: 1,
		},
		{
			name:  "steps before the last DONE are taken as carried out",
			steps: []st{{"1", "", []pr{req(bad)}}, {"2", "", []pr{done(ok)}}, {"3", "", []pr{req(ok)}}},
			want:  "1=NO-GO 2=DONE 3=GO*", next: "3", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "a MANUAL step is next like any other",
			steps: []st{{"1", "", []pr{done(ok)}}, {"2", "", nil}, {"3", "", []pr{req(er)}}},
			want:  "1=DONE 2=MANUAL* 3=UNKNOWN", next: "2", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "a signed-off MANUAL step is DONE and the next step moves past it",
			steps: []st{{"1", "", []pr{done(ok)}}, {"2", "", nil}, {"3", "", []pr{req(er)}}},
			opts:  EvalOptions{SignOffs: map[string]SignOff{"2": {By: "ann"}}},
			want:  "1=DONE 2=DONE 3=UNKNOWN*", next: "3", rollback: GateNone, verdict: GateUnknown, reasons: 1,
		},
		{
			name:  "a sign-off counts only for a step without done-probes",
			steps: []st{{"1", "", []pr{req(ok), done(bad)}}, {"2", "", []pr{req(ok)}}},
			opts:  EvalOptions{SignOffs: map[string]SignOff{"1": {By: "ann"}, "2": {By: "ann"}}},
			want:  "1=GO 2=DONE", next: "", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "a rollback step cannot be signed off",
			steps: []st{{"1", "", []pr{req(ok)}}, {"r1", "Rollback", []pr{req(bad)}}},
			opts:  EvalOptions{SignOffs: map[string]SignOff{"r1": {By: "ann"}}},
			want:  "1=GO* r1=NO-GO", next: "1", rollback: GateNoGo, verdict: GateNoGo, reasons: 1,
		},
		{
			name:  "every step done: no next step, rollback decides",
			steps: []st{{"1", "", []pr{done(ok)}}, {"9", "Rollback", []pr{req(er)}}},
			want:  "1=DONE 9=UNKNOWN", next: "", rollback: GateUnknown, verdict: GateUnknown, reasons: 1,
		},
		{
			name:  "--at overrides the computed next step",
			steps: []st{{"1", "", []pr{req(ok)}}, {"2", "", []pr{req(bad)}}, {"3", "", []pr{req(ok)}}},
			opts:  EvalOptions{At: "3"},
			want:  "1=GO 2=NO-GO 3=GO*", next: "3", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "--at a DONE step judges its requires",
			steps: []st{{"1", "", []pr{req(bad), done(ok)}}, {"2", "", []pr{req(ok)}}},
			opts:  EvalOptions{At: "1"},
			want:  "1=DONE* 2=GO", next: "1", rollback: GateNone, verdict: GateNoGo, reasons: 1,
		},
		{
			name:  "the next step is never a rollback step",
			steps: []st{{"1", "", []pr{done(ok)}}, {"r1", "Rollback", []pr{req(ok)}}},
			want:  "1=DONE r1=GO", next: "", rollback: GateGo, verdict: GateGo,
		},
		{
			name:  "rollback gate NONE without a rollback phase",
			steps: []st{{"1", "", []pr{req(ok)}}},
			want:  "1=GO*", next: "1", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "rollback gate NO-GO beats UNKNOWN",
			steps: []st{{"1", "", []pr{req(ok)}}, {"r1", "Rollback", []pr{req(er)}}, {"r2", "Rollback", []pr{req(bad)}}},
			want:  "1=GO* r1=UNKNOWN r2=NO-GO", next: "1", rollback: GateNoGo, verdict: GateNoGo, reasons: 2,
		},
		{
			name:  "rollback step whose done-probes hold still needs its requires",
			steps: []st{{"1", "", []pr{req(ok)}}, {"r1", "Rollback", []pr{req(bad), done(ok)}}},
			want:  "1=GO* r1=DONE", next: "1", rollback: GateNoGo, verdict: GateNoGo, reasons: 1,
		},
		{
			name:  "UNKNOWN only when only errors stand in the way",
			steps: []st{{"1", "", []pr{req(er)}}, {"r1", "Rollback", []pr{req(bad)}}},
			want:  "1=UNKNOWN* r1=NO-GO", next: "1", rollback: GateNoGo, verdict: GateNoGo, reasons: 2,
		},
		{
			name:  "a failure outranks an error in the same step",
			steps: []st{{"1", "", []pr{req(er), req(bad)}}},
			want:  "1=NO-GO*", next: "1", rollback: GateNone, verdict: GateNoGo, reasons: 1,
		},
		{
			name:  "warn does not block",
			steps: []st{{"1", "", []pr{req(wn), req(ok)}}},
			want:  "1=GO*", next: "1", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "a failing done-probe is not done, requires decide",
			steps: []st{{"1", "", []pr{req(ok), done(bad)}}},
			want:  "1=GO*", next: "1", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "only skipped probes: MANUAL",
			steps: []st{{"1", "", []pr{req(sk)}}, {"2", "", []pr{req(sk), req(ok)}}},
			want:  "1=MANUAL* 2=GO", next: "1", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "regressed: done-probes before the next step no longer hold",
			steps: []st{{"1", "", []pr{done(bad)}}, {"2", "", []pr{done(ok)}}, {"3", "", []pr{req(ok)}}, {"4", "", []pr{done(bad)}}},
			want:  "1=GO! 2=DONE 3=GO* 4=GO", next: "3", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "an error in a done-probe is not a regression",
			steps: []st{{"1", "", []pr{done(er)}}, {"2", "", []pr{done(ok)}}, {"3", "", []pr{req(ok)}}},
			want:  "1=GO 2=DONE 3=GO*", next: "3", rollback: GateNone, verdict: GateGo,
		},
		{
			name:  "--step narrows the verdict to those steps",
			steps: []st{{"1", "", []pr{req(bad)}}, {"2", "", []pr{req(ok)}}, {"r1", "Rollback", []pr{req(bad)}}},
			opts:  EvalOptions{Steps: []string{"2"}},
			want:  "1=NO-GO* 2=GO r1=NO-GO", next: "1", rollback: GateNoGo, verdict: GateGo,
		},
		{
			name:  "--step over several steps takes the worst",
			steps: []st{{"1", "", []pr{req(er)}}, {"2", "", []pr{req(ok)}}, {"r1", "Rollback", []pr{req(bad)}}},
			opts:  EvalOptions{Steps: []string{"2", "1"}},
			want:  "1=UNKNOWN* 2=GO r1=NO-GO", next: "1", rollback: GateNoGo, verdict: GateUnknown, reasons: 1,
		},
		{
			name:  "--phase narrows the steps shown, not the verdict",
			steps: []st{{"1", "", []pr{req(ok)}}, {"r1", "Rollback", []pr{req(bad)}}},
			opts:  EvalOptions{Phase: "procedure"},
			want:  "1=GO*", next: "1", rollback: GateNoGo, verdict: GateNoGo, reasons: 1,
		},
		{
			name:  "a probe that has not answered yet leaves the verdict undecided, not UNKNOWN",
			steps: []st{{"1", "", []pr{req(probes.Pending)}}, {"r1", "Rollback", []pr{req(probes.Pending)}}},
			want:  "1=UNKNOWN* r1=UNKNOWN", next: "1", rollback: "", verdict: "",
		},
		{
			name:  "a failure is certain while other probes still check",
			steps: []st{{"1", "", []pr{req(probes.Pending)}}, {"r1", "Rollback", []pr{req(bad)}}},
			want:  "1=UNKNOWN* r1=NO-GO", next: "1", rollback: GateNoGo, verdict: GateNoGo, reasons: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, rs := build(tc.steps...)
			s := Evaluate(p, rs, nil, tc.opts)
			if got := statuses(s); got != tc.want {
				t.Errorf("steps = %q, want %q", got, tc.want)
			}
			if s.NextStep != tc.next {
				t.Errorf("next_step = %q, want %q", s.NextStep, tc.next)
			}
			if s.Rollback != tc.rollback {
				t.Errorf("rollback = %q, want %q", s.Rollback, tc.rollback)
			}
			if s.Verdict != tc.verdict {
				t.Errorf("verdict = %q, want %q", s.Verdict, tc.verdict)
			}
			if len(s.Reasons) != tc.reasons {
				t.Errorf("reasons = %q, want %d lines", s.Reasons, tc.reasons)
			}
			if s.Verdict == GateGo && len(s.Reasons) > 0 {
				t.Errorf("verdict GO with reasons %q", s.Reasons)
			}
			if s.Action == "" {
				t.Errorf("no action line")
			}
		})
	}
}

// A results slice shorter than the plan's probes (a runner cut short)
// must never panic nor read as GO.
func TestEvaluateMissingResults(t *testing.T) {
	p, rs := build(st{"1", "", []pr{req(probes.OK), req(probes.OK)}}, st{"r1", "Rollback", []pr{req(probes.OK)}})
	for n := range len(rs) {
		s := Evaluate(p, rs[:n], nil, EvalOptions{})
		if s.Verdict != GateUnknown {
			t.Errorf("with %d of %d results: verdict %q, want UNKNOWN", n, len(rs), s.Verdict)
		}
	}
	s := Evaluate(p, nil, nil, EvalOptions{})
	if got := s.Steps[0].Probes[0].Message; !strings.Contains(got, "no result") {
		t.Errorf("missing result message = %q", got)
	}
}

func TestEvaluateReasonsNameStepAndMessage(t *testing.T) {
	p, rs := build(st{"8", "", []pr{req(probes.OK)}}, st{"23", "Rollback", []pr{req(probes.Fail)}})
	rs[1].Message = "config_chromadb.py is not in HEAD (untracked)"
	s := Evaluate(p, rs, nil, EvalOptions{})
	want := "rollback step 23 (do 23) cannot run: file f23: config_chromadb.py is not in HEAD (untracked)"
	if !slices.Contains(s.Reasons, want) {
		t.Errorf("reasons = %q, want %q among them", s.Reasons, want)
	}
}

func TestEvaluateRepeatedIDsUseKeys(t *testing.T) {
	p, rs := build(st{"1", "", []pr{req(probes.Fail)}}, st{"1", "Verify", []pr{req(probes.OK)}})
	p.Steps[0].Key, p.Steps[1].Key = "procedure/1", "verify/1"
	s := Evaluate(p, rs, nil, EvalOptions{At: "verify/1"})
	if s.NextStep != "verify/1" || !s.Steps[1].Next || s.Steps[0].Next {
		t.Errorf("next = %q (%v, %v), want verify/1", s.NextStep, s.Steps[0].Next, s.Steps[1].Next)
	}
	if s.Steps[1].Key != "verify/1" || s.Steps[1].ID != "1" {
		t.Errorf("step view id/key = %q/%q", s.Steps[1].ID, s.Steps[1].Key)
	}
	if s.Verdict != GateGo {
		t.Errorf("verdict = %q, want GO", s.Verdict)
	}
}

func TestEvaluateRedactsMessages(t *testing.T) {
	p, rs := build(st{"1", "", []pr{req(probes.Fail)}})
	rs[0].Message = "cannot reach postgres://app:hunter2@db:5432/app"
	fs := []Finding{{Severity: "error", Step: "1", Message: "uses postgres://app:hunter2@db/app"}}
	s := Evaluate(p, rs, fs, EvalOptions{})
	for _, got := range append([]string{s.Steps[0].Probes[0].Message, s.Findings[0].Message}, s.Reasons...) {
		if strings.Contains(got, "hunter2") {
			t.Errorf("secret leaked: %q", got)
		}
	}
}

func TestEvaluateCombinatorChildren(t *testing.T) {
	p, rs := build(st{"1", "", []pr{req(probes.Fail)}})
	parent := p.Steps[0].Probes[0]
	parent.Kind, parent.Target = spec.KindAny, ""
	parent.Children = []*spec.Probe{
		{Role: spec.Requires, Kind: spec.KindFile, Target: "a"},
		{Role: spec.Requires, Kind: spec.KindFile, Target: "b"},
	}
	rs[0].Children = []probes.Result{{Status: probes.Fail, Message: "a missing"}} // second child lost
	s := Evaluate(p, rs, nil, EvalOptions{})
	ch := s.Steps[0].Probes[0].Children
	if len(ch) != 2 || ch[0].Message != "a missing" || ch[1].Status != probes.Error {
		t.Errorf("children = %+v", ch)
	}
}

func TestEvaluateNothingProbedWarns(t *testing.T) {
	p, rs := build(st{"1", "", nil}, st{"2", "", nil})
	s := Evaluate(p, rs, nil, EvalOptions{})
	if s.Verdict != GateGo || len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "nothing is probed") {
		t.Errorf("verdict %s warnings %q", s.Verdict, s.Warnings)
	}
	p, rs = build(st{"1", "", []pr{req(probes.OK)}})
	if s := Evaluate(p, rs, nil, EvalOptions{}); len(s.Warnings) != 0 {
		t.Errorf("a probed plan warns: %q", s.Warnings)
	}
	if s := Evaluate(nil, nil, nil, EvalOptions{}); s.Verdict != GateGo || s.Rollback != GateNone {
		t.Errorf("nil plan: %+v", s)
	}
}

// TestEvaluateRollbackGaps: a rollback section the plan reader could not
// take as steps (a table, a block outside any step, a section with no
// step) makes the rollback gate UNKNOWN and the verdict at best UNKNOWN,
// with a reason naming the lines — never GO over a way back nobody
// checked. Plans are read by the real reader.
func TestEvaluateRollbackGaps(t *testing.T) {
	const fwd = "# Plan\n\n## Deploy\n\n1. Stop the worker\n   ```bash\n   systemctl stop worker\n   ```\n\n"
	tests := []struct {
		name             string
		src              string
		opts             EvalOptions
		rollback, verdit Gate
		reason           string // a substring of one reason, "" for none
	}{
		{"readable rollback: GO", fwd + "## Rollback\n\n1. Start the worker\n   ```bash\n   systemctl start worker\n   ```\n",
			EvalOptions{}, GateGo, GateGo, ""},
		{"rollback as a table: UNKNOWN", fwd + "## Rollback\n\n| host | what |\n|---|---|\n| app-1 | start the worker |\n",
			EvalOptions{}, GateUnknown, GateUnknown, "plan.md:12: lines 12–14: rollback step \"Rollback\" (line 10) holds a table"},
		{"empty rollback section: UNKNOWN", fwd + "## Rollback\n\n## Notes\n\nNothing.\n",
			EvalOptions{}, GateUnknown, GateUnknown, "has no step gonogo can read"},
		{"shell block outside any rollback step: UNKNOWN", fwd + "## Rollback\n\n```bash\nsystemctl start worker\n```\n\n1. Tell the team\n",
			EvalOptions{}, GateUnknown, GateUnknown, "a shell block outside any step"},
		{"--step leaves the gap out of the verdict, not out of the gate", fwd + "## Rollback\n\n| host | what |\n|---|---|\n| app-1 | start |\n",
			EvalOptions{Steps: []string{"1"}}, GateUnknown, GateGo, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plans.Parse("plan.md", []byte(tc.src), "/srv/app", plans.LoadOptions{Env: func(string) string { return "" }})
			if err != nil {
				t.Fatal(err)
			}
			s := Evaluate(p, nil, nil, tc.opts)
			if s.Rollback != tc.rollback || s.Verdict != tc.verdit {
				t.Errorf("rollback %s verdict %s, want %s %s (gaps %v, reasons %q)", s.Rollback, s.Verdict, tc.rollback, tc.verdit, p.RollbackGaps, s.Reasons)
			}
			found := tc.reason == ""
			for _, r := range s.Reasons {
				if tc.reason != "" && strings.Contains(r, tc.reason) {
					found = true
				}
			}
			if !found {
				t.Errorf("no reason contains %q: %q", tc.reason, s.Reasons)
			}
		})
	}
	// The worst wins: a failing rollback step next to a gap is NO-GO.
	src := fwd + "## Rollback\n\n### 1. Restore\n\n```gonogo\nrequires:\n  - file: /nonexistent/backup.tar\n```\n\n| host | what |\n|---|---|\n| app-1 | start |\n"
	p, err := plans.Parse("plan.md", []byte(src), "/srv/app", plans.LoadOptions{Env: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	var rs []probes.Result
	for _, st := range p.Steps {
		for _, sp := range st.Probes {
			rs = append(rs, probes.Result{Spec: sp, Status: probes.Fail, Message: "missing"})
		}
	}
	if s := Evaluate(p, rs, nil, EvalOptions{}); s.Rollback != GateNoGo || s.Verdict != GateNoGo {
		t.Errorf("failing rollback step and a gap: rollback %s verdict %s, want NO-GO NO-GO", s.Rollback, s.Verdict)
	}
}
