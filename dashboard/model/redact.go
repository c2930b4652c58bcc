package model

import "github.com/gonogo-dev/gonogo/plans/redact"

// redactAll hides the secrets in every text of the snapshot: the plan's
// words (titles, phases, commands, notes), the probes' targets, names and
// messages, findings, warnings and reasons. It is the one place this is
// done for what the views draw — text, JSON, Markdown, the record, the
// board — so a text added to the snapshot is covered when it is added
// here, and no view needs to think of it.
func (s *Snapshot) redactAll() {
	s.Plan = redact.String(s.Plan)
	s.Root = redact.String(s.Root)
	for i := range s.Steps {
		v := &s.Steps[i]
		v.Title = redact.String(v.Title)
		v.Phase = redact.String(v.Phase)
		redactList(v.Notes)
		redactList(v.Commands)
		for j := range v.Probes {
			v.Probes[j].redact()
		}
	}
	for i := range s.Findings {
		f := &s.Findings[i]
		f.Message = redact.String(f.Message)
		f.Hint = redact.String(f.Hint)
	}
	redactList(s.Warnings)
	redactList(s.Reasons)
	s.Action = redact.String(s.Action)
	for i := range s.Blockers {
		b := &s.Blockers[i]
		b.Probe = redact.String(b.Probe)
		b.Message = redact.String(b.Message)
		b.Fix = redact.String(b.Fix)
		b.Text = redact.String(b.Text)
	}
	for i := range s.Pending {
		p := &s.Pending[i]
		p.Probe = redact.String(p.Probe)
		p.What = redact.String(p.What)
		p.Command = redact.String(p.Command)
	}
}

// redact hides the secrets in a probe's texts and its children's.
func (p *ProbeView) redact() {
	p.Target = redact.String(p.Target)
	p.Name = redact.String(p.Name)
	p.Message = redact.String(p.Message)
	p.From = redact.String(p.From)
	for i := range p.Children {
		p.Children[i].redact()
	}
}

// redactList redacts every string of l in place.
func redactList(l []string) {
	for i, s := range l {
		l[i] = redact.String(s)
	}
}
