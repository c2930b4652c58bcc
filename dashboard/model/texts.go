package model

import "github.com/gonogo-dev/gonogo/plans/redact"

// eachText calls f with a pointer to every text of the snapshot that came
// from the world — the plan's words (titles, phases, IDs, commands,
// notes), the probes' targets, names and messages, findings, warnings,
// reasons, the action line, blockers, pending requirements, sign-offs, the
// plan and root paths, the host's CPU model and disk paths.
// It is the one list of them: redaction and the views' sanitising both
// walk it, so a text added to the snapshot is covered by adding it here.
func (s *Snapshot) eachText(f func(*string)) {
	f(&s.Plan)
	f(&s.Root)
	f(&s.At)
	f(&s.NextStep)
	for i := range s.Steps {
		v := &s.Steps[i]
		f(&v.ID)
		f(&v.Key)
		f(&v.Title)
		f(&v.Phase)
		if v.SignedOff != nil {
			f(&v.SignedOff.Step)
			f(&v.SignedOff.By)
		}
		eachOf(v.Notes, f)
		eachOf(v.Commands, f)
		for j := range v.Probes {
			v.Probes[j].eachText(f)
		}
	}
	for i := range s.Findings {
		fd := &s.Findings[i]
		f(&fd.Step)
		f(&fd.Message)
		f(&fd.Hint)
	}
	eachOf(s.Warnings, f)
	eachOf(s.Reasons, f)
	f(&s.Action)
	for i := range s.Blockers {
		bl := &s.Blockers[i]
		f(&bl.Step)
		f(&bl.Probe)
		f(&bl.Message)
		f(&bl.Fix)
		f(&bl.Text)
	}
	for i := range s.Pending {
		pd := &s.Pending[i]
		f(&pd.Step)
		f(&pd.Probe)
		f(&pd.What)
		f(&pd.MadeBy)
		f(&pd.Command)
	}
	for i := range s.SignOffs {
		f(&s.SignOffs[i].Step)
		f(&s.SignOffs[i].By)
	}
	if s.Host != nil {
		f(&s.Host.CPUModel)
		for i := range s.Host.Disks {
			f(&s.Host.Disks[i].Path)
		}
	}
}

// eachText calls f with every text of a probe and its children.
func (p *ProbeView) eachText(f func(*string)) {
	f(&p.Target)
	f(&p.Name)
	f(&p.Message)
	f(&p.From)
	f(&p.MadeBy)
	f(&p.Program)
	f(&p.Capture)
	f(&p.Captured)
	for i := range p.Children {
		p.Children[i].eachText(f)
	}
}

func eachOf(l []string, f func(*string)) {
	for i := range l {
		f(&l[i])
	}
}

// redactAll hides the secrets in every text of the snapshot, in place:
// Evaluate's last step, so that no view — text, JSON, Markdown, the
// record, the board — can show one.
func (s *Snapshot) redactAll() {
	s.eachText(func(p *string) { *p = redact.String(*p) })
}

// MapTexts returns the snapshot with f applied to every text from the
// world (see eachText): how a view makes them safe for its medium
// (textfmt.Printable for a terminal) without touching the snapshot others
// share. When f changes no text — nearly always — it returns s itself
// rather than a copy (a 10,000-step plan's snapshot took a tenth of a
// lint run to copy); otherwise a deep copy. Either way, read it only.
func (s *Snapshot) MapTexts(f func(string) string) *Snapshot {
	same := true
	s.eachText(func(p *string) {
		if same && f(*p) != *p {
			same = false
		}
	})
	if same {
		return s
	}
	c := s.clone()
	c.eachText(func(p *string) { *p = f(*p) })
	return c
}

// clone is a deep copy of the snapshot: every slice and pointer it holds
// is copied.
func (s *Snapshot) clone() *Snapshot {
	c := *s
	if s.Steps != nil {
		c.Steps = make([]StepView, len(s.Steps))
		for i, v := range s.Steps {
			v.Notes = cloneStrings(v.Notes)
			v.Commands = cloneStrings(v.Commands)
			v.Probes = cloneProbes(v.Probes)
			if v.SignedOff != nil {
				so := *v.SignedOff
				v.SignedOff = &so
			}
			c.Steps[i] = v
		}
	}
	if s.Findings != nil {
		c.Findings = append([]Finding{}, s.Findings...)
	}
	c.Warnings = cloneStrings(s.Warnings)
	c.Reasons = cloneStrings(s.Reasons)
	if s.Blockers != nil {
		c.Blockers = append([]Blocker{}, s.Blockers...)
	}
	if s.Pending != nil {
		c.Pending = append([]Pending{}, s.Pending...)
	}
	if s.SignOffs != nil {
		c.SignOffs = append([]SignOff{}, s.SignOffs...)
	}
	if s.Host != nil {
		h := *s.Host
		if h.Disks != nil {
			h.Disks = append([]Disk{}, h.Disks...)
		}
		c.Host = &h
	}
	return &c
}

func cloneProbes(ps []ProbeView) []ProbeView {
	if ps == nil {
		return nil
	}
	out := make([]ProbeView, len(ps))
	for i, p := range ps {
		p.Children = cloneProbes(p.Children)
		out[i] = p
	}
	return out
}

func cloneStrings(l []string) []string {
	if l == nil {
		return nil
	}
	return append([]string{}, l...)
}
