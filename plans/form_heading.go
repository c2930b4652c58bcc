package plans

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// heading makes a step of a heading that begins with an ID, the plan's
// title of the first H1 without one, and a phase of any other heading,
// except that a plain sub-heading inside a heading step ("#### Verify"
// under "### 8a. Backup") stays part of that step.
func (p *mdParser) heading(h *ast.Heading) {
	txt := strings.TrimSpace(inlineText(h, p.src, false))
	line := p.nodeLine(h)
	if id, title, ok := splitID(txt, true); ok {
		// A step heading closes deeper phases ("#### Rollback for step
		// 5" ends at "### 6. …"), but not one at its own level: "##
		// Rollback" followed by "## Step 23: …" is the usual layout.
		p.popPhases(h.Level + 1)
		p.startStep(&Step{ID: id, Title: title, Line: line}, formHeading)
		p.level, p.absorb = h.Level, true
		return
	}
	if h.Level == 1 && p.plan.Title == "" && len(p.plan.Phases) == 0 && len(p.plan.Steps) == 0 {
		p.plan.Title = txt
		return
	}
	if p.cur != nil && p.form == formHeading && h.Level > p.level && !IsRollbackHeading(txt) {
		return
	}
	p.popPhases(h.Level)
	rb := IsRollbackHeading(txt)
	for _, s := range p.stack {
		rb = rb || s.phase.Rollback
	}
	p.phase = &Phase{Name: txt, Slug: Slug(txt), Rollback: rb, Line: line}
	p.stack = append(p.stack, phaseLevel{h.Level, p.phase})
	if p.phase.Slug == "" {
		p.phase.Slug = "phase-" + strconv.Itoa(len(p.plan.Phases)+1)
	}
	p.plan.Phases = append(p.plan.Phases, p.phase)
	p.cur, p.form, p.absorb = nil, 0, false
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
