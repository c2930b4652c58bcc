package plans

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// stepForm is how a step was written; it decides what the step absorbs.
type stepForm int

const (
	formHeading   stepForm = iota + 1 // ### 8a. Backup
	formParagraph                     // 8a. Backup / **8a.** Backup
	formList                          // 1. item, - [ ] item
	formComment                       // # 8a. Backup, inside a shell block
)

// phaseLevel is an open phase heading on the way to the current position,
// for rollback phases that hold sub-headings ("## Rollback" › "### Database")
// and for returning to the outer phase after a deeper one.
type phaseLevel struct {
	level int
	phase *Phase
}

// mdParser walks goldmark's tree of one plan in document order and builds
// the Plan. It keeps the step that currently owns content: what follows a
// step belongs to it up to the next step or phase heading.
type mdParser struct {
	file  string
	src   []byte
	lines []int // byte offset of the start of each line
	opts  LoadOptions
	plan  *Plan
	errs  ErrorList

	phase  *Phase
	stack  []phaseLevel
	cur    *Step
	form   stepForm
	level  int  // heading level of the current heading step
	absorb bool // the current heading/paragraph step owns the lists below it

	slugs   map[*Step]string
	genSeq  map[string]int
	decoder decoder
}

// newMarkdown is goldmark with the GFM extensions plans use: tables (so
// their cells never become steps) and task lists.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM))
}

// lineOf is the 1-based line of byte offset off.
func (p *mdParser) lineOf(off int) int {
	if off < 0 {
		return 0
	}
	return sort.Search(len(p.lines), func(i int) bool { return p.lines[i] > off })
}

// nodeLine is the line where block n starts.
func (p *mdParser) nodeLine(n ast.Node) int {
	if pos := n.Pos(); pos >= 0 {
		return p.lineOf(pos)
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return p.lineOf(n.Lines().At(0).Start)
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if l := p.nodeLine(c); l > 0 {
			return l
		}
	}
	return 0
}

func (p *mdParser) walk(doc ast.Node) {
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		p.block(n, false)
	}
}

// block handles one block node. nested is true inside a list item or
// quote that already belongs to a step: such content never opens list or
// paragraph steps of its own.
func (p *mdParser) block(n ast.Node, nested bool) {
	switch n := n.(type) {
	case *ast.Heading:
		if nested {
			return
		}
		p.heading(n)
	case *ast.Paragraph, *ast.TextBlock:
		if nested {
			return
		}
		line := firstLineText(n, p.src)
		if id, title, ok := splitID(line, false); ok {
			p.startStep(&Step{ID: id, Title: title, Line: p.nodeLine(n)}, formParagraph)
			p.absorb = true
			p.lineSteps(n, formParagraph)
		}
	case *ast.List:
		p.list(n, nested)
	case *ast.FencedCodeBlock:
		info := ""
		if n.Info != nil {
			info = string(n.Info.Segment.Value(p.src))
		}
		p.code(n, fenceLang(info), p.nodeLine(n)+1)
	case *ast.CodeBlock:
		if n.Lines().Len() > 0 {
			p.code(n, "", p.lineOf(n.Lines().At(0).Start))
		}
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			p.block(c, true)
		}
	}
	// HTML blocks (comments included), tables, thematic breaks: never
	// steps, never commands.
}

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

// startStep appends s in the current phase and makes it the owner of
// what follows.
func (p *mdParser) startStep(s *Step, form stepForm) {
	slug := "top"
	if p.phase != nil {
		s.Phase, s.Rollback, slug = p.phase.Name, p.phase.Rollback, p.phase.Slug
	}
	if s.Title == "" {
		s.Title = "Step " + s.ID
	}
	p.slugs[s] = slug
	p.plan.Steps = append(p.plan.Steps, s)
	p.cur, p.form = s, form
}

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

// lineSteps opens a step at each later line of a step's first paragraph
// that begins with an ID. CommonMark folds such lines into the paragraph:
// "8a." is no list marker, so a line "8a. Backup untracked files" right
// under the item "8. Announce the window" continues item 8, and a line
// "9. Stop the pipeline" under a paragraph "8a. …" continues that
// paragraph (only a list starting at 1 may interrupt one). Lines of
// ordinary paragraphs, which do not start with an ID, are never split.
func (p *mdParser) lineSteps(n ast.Node, form stepForm) {
	segs := n.Lines()
	for i := 1; i < segs.Len(); i++ {
		seg := segs.At(i)
		raw := strings.TrimSpace(string(seg.Value(p.src)))
		if id, title, ok := splitID(stripMarks(raw), false); ok {
			p.startStep(&Step{ID: id, Title: title, Line: p.lineOf(seg.Start)}, form)
		}
	}
}

// stripMarks removes the Markdown emphasis and code marks from a raw line,
// so "**8a.** Backup `config.py`" reads "8a. Backup config.py".
var stripMarks = strings.NewReplacer("**", "", "__", "", "`", "").Replace

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

// code handles a code block whose text starts at line first: a ```gonogo
// probe block, a shell block (split at ID comments), or anything else
// (configuration, output, diagrams), which is ignored.
func (p *mdParser) code(n ast.Node, lang string, first int) {
	var lines []srcLine
	segs := n.Lines()
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		t := strings.Repeat(" ", seg.Padding) + string(seg.Value(p.src))
		lines = append(lines, srcLine{strings.TrimRight(t, "\r\n"), p.lineOf(seg.Start)})
	}
	// Line numbers from segments are exact; an empty block has none.
	if lang == "gonogo" {
		p.probeBlock(lines, first-1)
		return
	}
	console := isConsoleLang(lang)
	switch {
	case console && !hasPrompt(lines):
		// A console block written without prompts: plain commands, if
		// it reads as shell at all.
		console = false
		if !looksLikeShell(lines) {
			return
		}
	case shellLangs[lang]:
	case lang == "" || lang == "text" || lang == "plain" || lang == "txt":
		if !looksLikeShell(lines) {
			return
		}
	default:
		return
	}
	p.shell(shellText(lines, console), lang)
}

// shell gives a shell block's lines to the current step, opening a new
// step at each ID comment ("# 8a. Backup untracked files").
func (p *mdParser) shell(lines []srcLine, lang string) {
	start := 0
	flush := func(end int) {
		seg := trimBlank(lines[start:end])
		if len(seg) == 0 || p.cur == nil {
			return
		}
		var b strings.Builder
		for i, l := range seg {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(l.text)
		}
		p.cur.Scripts = append(p.cur.Scripts, Script{Lang: lang, Text: b.String(), Line: seg[0].line})
		p.cur.Commands = append(p.cur.Commands, logicalCommands(seg)...)
	}
	for i, l := range lines {
		id, title, ok := idComment(l.text)
		if !ok || (p.cur != nil && p.cur.ID == id) {
			// "# 8a. …" under the step 8a itself just repeats its title.
			continue
		}
		flush(i)
		p.startStep(&Step{ID: id, Title: title, Line: l.line}, formComment)
		start = i + 1
	}
	flush(len(lines))
}

func trimBlank(ls []srcLine) []srcLine {
	for len(ls) > 0 && strings.TrimSpace(ls[0].text) == "" {
		ls = ls[1:]
	}
	for len(ls) > 0 && strings.TrimSpace(ls[len(ls)-1].text) == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// probeBlock decodes a ```gonogo block for the current step. fence is the
// line of the opening fence; YAML line N is plan line fence+N.
func (p *mdParser) probeBlock(lines []srcLine, fence int) {
	if p.cur == nil {
		p.errs = append(p.errs, &Diag{File: p.file, Line: fence, Field: "gonogo block",
			Msg: "is outside any step: put it under the step it checks, e.g. after a heading like \"### 8a. Backup config\" or in a numbered item"})
		return
	}
	var b bytes.Buffer
	// Fenced lines are consecutive, so YAML line N is plan line fence+N.
	for _, l := range lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	d := p.decoder
	d.lineBase = fence
	d.errs = &p.errs
	node, ok := d.parseYAML(b.Bytes(), "gonogo block")
	if !ok {
		return
	}
	decl := d.block(node, "gonogo block")
	decl.apply(p.cur)
}

// inlineText is the plain text of a block's inline content: emphasis,
// links and code spans reduced to their text, raw HTML dropped. With
// firstLine it stops at the first line break.
func inlineText(n ast.Node, src []byte, firstLine bool) string {
	var b strings.Builder
	stop := false
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil && !stop; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					if firstLine {
						stop = true
						return
					}
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.RawHTML, *east.TaskCheckBox:
			case *ast.AutoLink:
				b.Write(c.URL(src))
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// firstLineText is the plain text of the first line of a paragraph.
func firstLineText(n ast.Node, src []byte) string { return inlineText(n, src, true) }

// finish qualifies repeated IDs, records warnings, and checks the plan has
// steps.
func (p *mdParser) finish() {
	byID := map[string][]*Step{}
	for _, s := range p.plan.Steps {
		byID[s.ID] = append(byID[s.ID], s)
	}
	keys := map[string]int{}
	for _, s := range p.plan.Steps {
		group := byID[s.ID]
		s.Key = s.ID
		if len(group) > 1 {
			s.Key = p.slugs[s] + "/" + s.ID
		}
		keys[s.Key]++
		if n := keys[s.Key]; n > 1 {
			s.Key += "#" + strconv.Itoa(n)
		}
	}
	for _, s := range p.plan.Steps {
		group := byID[s.ID]
		if len(group) < 2 || group[0] == s {
			continue
		}
		p.plan.Warnings = append(p.plan.Warnings, &Diag{File: p.file, Line: s.Line, Field: "step " + s.ID,
			Msg: fmt.Sprintf("repeats the ID of the step at line %d: refer to them as %q and %q", group[0].Line, group[0].Key, s.Key)})
	}
	if len(p.plan.Steps) == 0 {
		p.errs = append(p.errs, &Diag{File: p.file, Line: 1,
			Msg: "no steps found: number headings (\"### 8a. Backup config\"), list items (\"1. Stop the pipeline\"), or use task items (\"- [ ] Stop the pipeline\")"})
	}
}

// parseMarkdown runs goldmark over src.
func parseMarkdown(src []byte) ast.Node {
	return newMarkdown().Parser().Parse(text.NewReader(src))
}
