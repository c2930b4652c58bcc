package plans

import (
	"strconv"
)

// heading acts on a heading (or a line read as one) as the outline decided:
// a step, a phase, the plan's title, a part of the step it sits in, the
// per-step rollback of the step before it, or a section of description
// whose content is skipped.
func (p *mdParser) heading(h *hinfo, i int) {
	p.lead = "" // a block right under a heading has no lead
	if p.sub != nil && p.sub.level > 0 && h.level <= p.sub.level {
		p.endSub()
	}
	if p.alt != "" && p.altLevel > 0 && h.level <= p.altLevel && !(h.kind == kindPart && h.alt && h.level == p.altLevel) {
		p.alt, p.altSet, p.altLevel = "", 0, 0
	}
	p.skipping = false
	if p.mode == modeDocument {
		p.skipping = h.kind == kindSkip
		return
	}
	switch h.kind {
	case kindTitle:
		if p.plan.Title == "" {
			p.plan.Title = h.text
		}
		return
	case kindSkip:
		p.popPhases(h.level)
		p.skipping = true
		p.cur, p.top, p.form, p.absorb = nil, nil, 0, false
		return
	case kindPart:
		if p.top == nil {
			break
		}
		if h.alt {
			if p.altLevel != h.level || p.alt == "" {
				p.altSet = h.line
			}
			p.alt, p.altLevel = h.text, h.level
		}
		if p.sub != nil && p.sub.level > 0 && h.level <= p.sub.level {
			p.endSub()
		}
		if h.rollback && p.sub == nil {
			// A heading inside a rollback sub-section of the step.
			p.startSub(h.text, h.line, &subState{level: h.level})
		}
		return
	case kindRollbackSub:
		if p.top != nil && !p.nothingToUndoSection(h) {
			p.startSub(h.text, h.line, &subState{level: h.level})
			return
		}
		if p.top != nil {
			// "#### Rollback" saying there is nothing to undo: skip it.
			p.cur = nil
			p.sub = &subState{owner: p.top, level: h.level}
			return
		}
		// No step before it: a rollback section of its own.
		h.kind = kindStep
		h.rollback = true
	}
	switch h.kind {
	case kindStep:
		// A step heading closes deeper phases ("#### Rollback for step
		// 5" ends at "### 6. …"), but not one at its own level: "##
		// Rollback" followed by "## Step 23: …" is the usual layout.
		// A heading step without an ID is a section of its own: it closes
		// the phase at its level too ("## Rollback" after "## Upgrade").
		p.popPhases(h.level + 1)
		if n := len(p.stack); n > 0 && (p.stack[n-1].numbered || h.id == "") && p.stack[n-1].level == h.level {
			p.popPhases(h.level)
		}
		title := h.title
		if h.id == "" {
			title = h.text
		}
		s := &Step{ID: h.id, Title: title, Line: h.line, Rollback: h.rollback}
		p.startStep(s, formHeading)
		p.level, p.absorb = h.level, true
	default:
		if h.level == 7 {
			// A bold line that is no step ("**Important**") is a remark
			// in the section it sits in, not a phase of its own.
			return
		}
		p.pushPhase(h)
		p.cur, p.top, p.form, p.absorb = nil, nil, 0, false
	}
}

// pushPhase opens a phase for h.
func (p *mdParser) pushPhase(h *hinfo) {
	p.popPhases(h.level)
	rb := h.rollback
	for _, s := range p.stack {
		rb = rb || s.phase.Rollback
	}
	p.phase = &Phase{Name: h.text, Slug: Slug(h.text), Rollback: rb, Line: h.line}
	p.stack = append(p.stack, phaseLevel{h.level, p.phase, h.group})
	if p.phase.Slug == "" {
		p.phase.Slug = "phase-" + strconv.Itoa(len(p.plan.Phases)+1)
	}
	p.plan.Phases = append(p.plan.Phases, p.phase)
	if h.kind == kindParaStep {
		p.paraStep = h.paraStep
	}
}

// popPhases closes the open phases at heading level lvl or deeper; the
// current phase becomes the innermost one left open.
func (p *mdParser) popPhases(lvl int) {
	n := len(p.stack)
	for len(p.stack) > 0 && p.stack[len(p.stack)-1].level >= lvl {
		p.stack = p.stack[:len(p.stack)-1]
	}
	if len(p.stack) == n {
		return
	}
	p.phase = nil
	if len(p.stack) > 0 {
		p.phase = p.stack[len(p.stack)-1].phase
	}
}

// nothingToUndoSection reports whether a rollback sub-heading's section
// says there is nothing to undo ("#### Rollback" / "Nothing to undo.").
func (p *mdParser) nothingToUndoSection(h *hinfo) bool {
	if h.cmds || h.firstPara == nil {
		return false
	}
	return nothingToUndoRE.MatchString(inlineText(h.firstPara, p.src, false))
}
