package plans

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// list makes steps of the items of a list that holds steps: an ordered
// list, a task list, or a bullet list whose items carry commands (or, in a
// rollback section, instructions). A list under a heading or paragraph
// step is that step's: its numbered items that are actions are sub-steps
// ("4/1"), anything else sub-items. So is a list nested in a step's item.
// A plain bullet item that is not a step may hold a list that is.
func (p *mdParser) list(l *ast.List, nested bool) {
	if isTOC(l) {
		return
	}
	if p.mode == modeDocument {
		p.items(l, true)
		return
	}
	owned := nested || (p.cur != nil && p.absorb)
	if owned {
		if l.IsOrdered() && p.top != nil && p.cur == p.top && p.actionList(l) && !p.inNoteRegion(p.nodeLine(l)) {
			p.subSteps(l)
			return
		}
		p.items(l, true)
		return
	}
	steps := l.IsOrdered() || hasTaskItem(l) || p.bulletSteps(l)
	if !steps {
		// Plain bullets: description, but lists nested in them may hold
		// steps.
		p.items(l, false)
		return
	}
	nums := p.itemNumbers(l)
	p.listSteps = map[string]*Step{}
	i := 0
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		item, ok := it.(*ast.ListItem)
		if !ok {
			continue
		}
		num := nums[i]
		i++
		box := taskBox(item)
		if !l.IsOrdered() && box == nil && !p.bulletIsStep(l, item) {
			p.lead = ""
			for c := item.FirstChild(); c != nil; c = c.NextSibling() {
				p.block(c, true, -1)
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
		if l.IsOrdered() {
			s.ID = num
		} else if id, title, ok := splitID(first, false); ok {
			s.ID, s.Title = id, title
		}
		p.startStep(s, formList)
		p.absorb = false
		p.listSteps[s.ID] = s
		p.readItem(item)
		if p.sub != nil {
			p.endSub() // a "To roll back:" in the item ends with it
		}
	}
}

// readItem reads a list item that is a step: its first paragraph is its
// title (its code spans are commands, it is no lead), the rest its
// content.
func (p *mdParser) readItem(item *ast.ListItem) {
	for c := item.FirstChild(); c != nil; c = c.NextSibling() {
		if c == item.FirstChild() && (c.Kind() == ast.KindParagraph || c.Kind() == ast.KindTextBlock) {
			p.lineSteps(c, formList)
			p.title = c
			p.prose(c, true)
			p.lead = ""
			continue
		}
		if para, ok := c.(*ast.Paragraph); ok && p.sub != nil && p.sub.paraOnly && !p.continuesSub(para) {
			p.endSub()
		}
		p.block(c, true, -1)
	}
}

// items reads a list's items as content of the current owner (owned), or
// as description whose nested lists may hold steps.
func (p *mdParser) items(l *ast.List, owned bool) {
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		p.lead = ""
		for c := it.FirstChild(); c != nil; c = c.NextSibling() {
			if owned {
				p.block(c, true, -1)
				continue
			}
			if sub, ok := c.(*ast.List); ok {
				p.list(sub, false)
				continue
			}
			p.block(c, true, -1)
		}
	}
}

// subSteps makes the items of an ordered list owned by a step its
// sub-steps: "4/1", "4/2", … under step 4.
func (p *mdParser) subSteps(l *ast.List) {
	owner := p.top
	nums := p.itemNumbers(l)
	i := 0
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		item, ok := it.(*ast.ListItem)
		if !ok {
			continue
		}
		num := nums[i]
		i++
		first := ""
		if c := item.FirstChild(); c != nil && (c.Kind() == ast.KindParagraph || c.Kind() == ast.KindTextBlock) {
			first = strings.TrimSpace(firstLineText(c, p.src))
		}
		s := &Step{ID: num, Title: first, Line: p.nodeLine(item), parent: owner, Phase: owner.Phase, Rollback: owner.Rollback}
		if box := taskBox(item); box != nil {
			s.Checked = box.IsChecked
		}
		p.countStep(s)
		p.plan.Steps = append(p.plan.Steps, s)
		session := p.session
		p.cur, p.form = s, formList
		s.form = formList
		p.lead = ""
		p.readItem(item)
		if p.sub != nil {
			p.endSub()
		}
		p.session = session
	}
	p.cur, p.form = owner, owner.form
	p.lead = ""
}

// actionList reports whether an ordered list's items are separate actions
// (one starts with an instruction or carries a command), not a list of
// conditions ("1. latest base backup is less than 24h old").
func (p *mdParser) actionList(l *ast.List) bool {
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		c := it.FirstChild()
		if c == nil {
			continue
		}
		if c.Kind() == ast.KindParagraph || c.Kind() == ast.KindTextBlock {
			if startsWithVerb(firstLineText(c, p.src)) {
				return true
			}
		}
		for x := c; x != nil; x = x.NextSibling() {
			if p.ownsCommands(x) {
				return true
			}
		}
	}
	return false
}

// bulletSteps reports whether a bullet list holds steps: an item carries
// an inline command or a shell block (the list is a procedure written as
// bullets), or the list sits in a rollback section and an item is an
// instruction.
func (p *mdParser) bulletSteps(l *ast.List) bool {
	if l.IsOrdered() {
		return false
	}
	if p.listHasCommand(l) {
		return true
	}
	return false
}

// bulletIsStep: in a bullet list that holds steps, an item is one when it
// carries a command or is an instruction ("Log in and push a commit");
// a statement among them ("Sessions in Redis are lost") is a remark on
// the step before it.
func (p *mdParser) bulletIsStep(l *ast.List, item *ast.ListItem) bool {
	for c := item.FirstChild(); c != nil; c = c.NextSibling() {
		if p.ownsCommands(c) {
			return true
		}
		if c == item.FirstChild() && (c.Kind() == ast.KindParagraph || c.Kind() == ast.KindTextBlock) {
			if isInstruction(firstSentence(inlineText(c, p.src, false))) {
				return true
			}
		}
	}
	return false
}

// listHasCommand reports whether an item of l (not of a nested list)
// carries an inline command in its text or a shell block.
func (p *mdParser) listHasCommand(l *ast.List) bool {
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		for c := it.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Paragraph, *ast.TextBlock:
				if p.hasInlineCommand(c) {
					return true
				}
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				if p.blockInfo(c).shell {
					return true
				}
			}
		}
	}
	return false
}

// itemNumbers are the IDs of an ordered list's items: the numbers as
// written, except in a list that writes the same number on every item
// ("1." each time, a common Markdown habit), where the numbers are the
// rendered ones (start, start+1, …), as a reader of the rendered page
// sees them. Bullet items get "".
func (p *mdParser) itemNumbers(l *ast.List) []string {
	var written []string
	same := true
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		w := ""
		if pos := it.Pos(); l.IsOrdered() && pos >= 0 && pos < len(p.src) {
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
	if !l.IsOrdered() {
		return written
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
