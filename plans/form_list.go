package plans

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// generatedID names an unnumbered item: the phase's slug and the item's
// ordinal among unnumbered items of phases with that slug
// ("pre-deploy-checklist-3"; "top-1" before any phase). It depends only on
// the document, so it is the same on every read of an unchanged file.
func (p *mdParser) generatedID() string {
	slug := "top"
	if p.phase != nil {
		slug = p.phase.Slug
	}
	p.genSeq[slug]++
	return slug + "-" + strconv.Itoa(p.genSeq[slug])
}

// list makes steps of ordered-list items and task-list items, unless the
// list belongs to a heading or paragraph step (then it is that step's
// sub-items) or sits inside another step's item. A plain bullet item is
// not a step, but lists nested in it may hold steps.
func (p *mdParser) list(l *ast.List, nested bool) {
	if isTOC(l) {
		return
	}
	mayStep := !nested && !(p.cur != nil && p.absorb)
	nums := p.itemNumbers(l)
	i := 0
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		item, ok := it.(*ast.ListItem)
		if !ok {
			continue
		}
		num := nums[i]
		i++
		box := taskBox(item)
		if !mayStep || (!l.IsOrdered() && box == nil) {
			p.lead = ""
			for c := item.FirstChild(); c != nil; c = c.NextSibling() {
				p.block(c, nested || !mayStep)
			}
			continue
		}
		first := ""
		if c := item.FirstChild(); c != nil && (c.Kind() == ast.KindParagraph || c.Kind() == ast.KindTextBlock) {
			first = strings.TrimSpace(firstLineText(c, p.src))
		}
		s := &Step{Line: p.nodeLine(item), Title: first}
		if box != nil {
			s.Checked = box.IsChecked
		}
		switch {
		case l.IsOrdered():
			s.ID = num
		default:
			if id, title, ok := splitID(first, false); ok {
				s.ID, s.Title = id, title
			} else {
				s.ID, s.Generated = p.generatedID(), true
			}
		}
		p.startStep(s, formList)
		p.absorb = false
		for c := item.FirstChild(); c != nil; c = c.NextSibling() {
			if c == item.FirstChild() && (c.Kind() == ast.KindParagraph || c.Kind() == ast.KindTextBlock) {
				p.lineSteps(c, formList)
				p.title = c
			}
			p.block(c, true)
		}
	}
}

// itemNumbers are the IDs of an ordered list's items: the numbers as
// written, except in a list that writes the same number on every item
// ("1." each time, a common Markdown habit), where the numbers are the
// rendered ones (start, start+1, …), as a reader of the rendered page
// sees them.
func (p *mdParser) itemNumbers(l *ast.List) []string {
	var written []string
	same := true
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		w := ""
		if pos := it.Pos(); pos >= 0 && pos < len(p.src) {
			j := pos
			for j < len(p.src) && p.src[j] >= '0' && p.src[j] <= '9' {
				j++
			}
			if j > pos {
				if v, err := strconv.Atoi(string(p.src[pos:j])); err == nil {
					w = strconv.Itoa(v)
				}
			}
		}
		if len(written) > 0 && w != written[0] {
			same = false
		}
		written = append(written, w)
	}
	for i := range written {
		if written[i] == "" || (same && len(written) > 1) {
			written[i] = strconv.Itoa(l.Start + i)
		}
	}
	return written
}

// taskBox is the task-list checkbox of a list item, or nil.
func taskBox(item *ast.ListItem) *east.TaskCheckBox {
	c := item.FirstChild()
	if c == nil {
		return nil
	}
	if b, ok := c.FirstChild().(*east.TaskCheckBox); ok {
		return b
	}
	return nil
}

// isTOC reports whether a list is a table of contents: every item is
// just a link to a heading of the page ("1. [Rollback](#rollback)"). Its
// items are not steps.
func isTOC(l *ast.List) bool {
	items := 0
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		first := it.FirstChild()
		if first == nil || (first.Kind() != ast.KindParagraph && first.Kind() != ast.KindTextBlock) {
			return false
		}
		link, ok := first.FirstChild().(*ast.Link)
		if !ok || link.NextSibling() != nil || !strings.HasPrefix(string(link.Destination), "#") {
			return false
		}
		items++
	}
	return items > 0
}
