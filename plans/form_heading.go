package plans

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// heading makes a step of a heading that begins with an ID, the plan's
// title of the first H1 without one, and a phase of any other heading
// (numbered sections included, see findSections), except that a plain
// sub-heading inside a heading step ("#### Verify" under "### 8a.
// Backup") stays part of that step.
func (p *mdParser) heading(h *ast.Heading) {
	txt := strings.TrimSpace(inlineText(h, p.src, false))
	line := p.nodeLine(h)
	p.lead = "" // a block right under a heading has no lead
	if id, title, ok := splitID(txt, true); ok && !p.sections[h] {
		// A step heading closes deeper phases ("#### Rollback for step
		// 5" ends at "### 6. …"), but not one at its own level: "##
		// Rollback" followed by "## Step 23: …" is the usual layout.
		p.popPhases(h.Level + 1)
		if n := len(p.stack); n > 0 && p.stack[n-1].numbered && p.stack[n-1].level == h.Level {
			p.popPhases(h.Level)
		}
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
	p.stack = append(p.stack, phaseLevel{h.Level, p.phase, p.sections[h]})
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

// findSections returns the numbered headings that are sections rather
// than steps: "## 5. Rollback" followed, before the next heading at its
// level or above, by a deeper heading whose ID extends its own ("### 5.1
// Stop the pipeline"). Such a heading is a phase (a rollback phase here)
// and its sub-headings are the steps.
func (p *mdParser) findSections(doc ast.Node) map[*ast.Heading]bool {
	type hd struct {
		h  *ast.Heading
		id string
	}
	var hs []hd
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			id, _, _ := splitID(inlineText(h, p.src, false), true)
			hs = append(hs, hd{h, id})
		}
	}
	sections := map[*ast.Heading]bool{}
	for i, a := range hs {
		if a.id == "" {
			continue
		}
		for _, b := range hs[i+1:] {
			if b.h.Level <= a.h.Level {
				break
			}
			if strings.HasPrefix(b.id, a.id+".") {
				sections[a.h] = true
				break
			}
		}
	}
	return sections
}
