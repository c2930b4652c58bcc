package plans

import (
	"context"
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
	formHeading   stepForm = iota + 1 // ### 8a. Backup, ## Stop the service
	formParagraph                     // 8a. Backup / **8a.** Backup / a prose instruction
	formList                          // 1. item, - [ ] item, a bullet with a command
	formComment                       // # 8a. Backup, inside a shell block
	formTable                         // a row of a table of steps
	formSub                           // a per-step rollback (3.2/rollback)
	formDocument                      // the whole document, when nothing else reads as steps
)

// phaseLevel is an open phase heading on the way to the current position,
// for rollback phases that hold sub-headings ("## Rollback" › "### Database")
// and for returning to the outer phase after a deeper one.
type phaseLevel struct {
	level int
	phase *Phase
	// numbered is true for a numbered section ("## 2. Rollback"), which a
	// numbered heading at its own level ("## 3. Verify") closes.
	numbered bool
}

// readMode is how much the reader accepts as a step: the forms of the
// README first; for a file where they find nothing, instructions in prose;
// at worst the whole document as one step.
type readMode int

const (
	modeForms readMode = iota
	modeProse
	modeDocument
)

// mdParser walks goldmark's tree of one plan in document order and builds
// the Plan. It keeps the step that currently owns content: what follows a
// step belongs to it up to the next step or phase heading.
type mdParser struct {
	// ctx stops the reading when done (see stopped).
	ctx   context.Context
	file  string
	src   []byte
	lines []int // byte offset of the start of each line
	opts  LoadOptions
	plan  *Plan
	errs  ErrorList
	mode  readMode

	nodes   []ast.Node // the document's top-level blocks
	heads   map[ast.Node]*hinfo
	outline []*hinfo
	// topStructural: the content before the first heading holds steps.
	topStructural bool
	regions       []region
	maxEnd        []int     // maxEnd[i]: the last line any of regions[:i+1] reaches
	rnext         int       // next region to enter
	ropen         []*region // regions containing the current node
	blocks        map[ast.Node]*blockInfo
	spans         map[*ast.CodeSpan]bool // code span → reads as a command (cached)

	phase *Phase
	stack []phaseLevel
	// phaseSteps counts the steps in each phase and the phases around it.
	phaseSteps map[*Phase]int
	skipping   bool // inside a section of description (kindSkip)

	cur  *Step // the step that owns content now (a sub-step or top)
	top  *Step // the current step that is not a sub-step
	form stepForm
	// level is the heading level of the current heading step.
	level int
	// absorb: the current heading/paragraph step owns the lists below it.
	absorb bool
	// sub is set while cur is a per-step rollback: how it ends.
	sub *subState
	// lead is the text of the prose paragraph just read inside the current
	// step, "" once anything else (a block, a heading, a list) came after
	// it: the Lead of a script that follows now.
	lead string
	// title is the paragraph that holds the current list step's title; it
	// is no lead.
	title ast.Node
	// alt is the way of doing the current step that the content now
	// belongs to (an Option A heading, a tab), with the line of the first
	// way of its set and the heading level that ends it.
	alt      string
	altSet   int
	altLevel int
	// listSteps are the steps of the last top-level list, by ID, for a
	// paragraph after it that says how to undo one of them.
	listSteps map[string]*Step
	// session is where an inline command of the current step left the
	// shell ("su - mastodon"), for its sub-steps.
	session string

	// paraStep is the paragraph the current section's step is (kindParaStep).
	paraStep ast.Node

	subSeq  map[*Step]int
	slugged []*Step // steps whose ID is made from their title, in order
	decoder decoder
}

// subState is how a per-step rollback ends: at a heading at or above
// level (a "#### Rollback" sub-heading), at the end of a region (an
// admonition titled "Rolling back"), at the next paragraph that is not a
// lead to more of it (a "**Rollback:**" label), or at once (a rollback
// sentence with its command inline).
type subState struct {
	owner    *Step
	level    int     // heading level, 0 if not from a heading
	region   *region // the region it came from
	paraOnly bool    // ends at the next paragraph
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
	if t, ok := n.(*ast.Text); ok {
		return p.lineOf(t.Segment.Start)
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if l := p.nodeLine(c); l > 0 {
			return l
		}
	}
	return 0
}

// reset clears what a walk built, for another walk in a laxer mode.
func (p *mdParser) reset(mode readMode) {
	p.mode = mode
	p.plan.Title, p.plan.Phases, p.plan.Steps, p.plan.Warnings, p.plan.RollbackGaps = "", nil, nil, nil, nil
	p.errs = nil
	p.phase, p.stack, p.cur, p.top, p.sub = nil, nil, nil, nil, nil
	p.form, p.level, p.absorb, p.skipping = 0, 0, false, false
	p.lead, p.title, p.alt, p.altSet, p.altLevel, p.session = "", nil, "", 0, 0, ""
	p.rnext, p.ropen = 0, nil
	p.phaseSteps = map[*Phase]int{}
	p.subSeq = map[*Step]int{}
	p.slugged = nil
	p.listSteps = nil
}

// walk reads the top-level blocks in order.
func (p *mdParser) walk() {
	if p.mode == modeDocument {
		s := &Step{Title: p.documentTitle(), Line: 1}
		p.startStep(s, formDocument)
		p.absorb = true
	}
	for i, n := range p.nodes {
		if p.stopped(i) {
			return
		}
		p.enterRegions(p.nodeLine(n))
		if h := p.heads[n]; h != nil {
			p.heading(h, i)
			continue
		}
		if p.skipping {
			continue
		}
		p.block(n, false, i)
	}
}

// stopped reports, every 64th node, whether the parse's context is done:
// the walk then stops where it is (and the parse returns the context's
// error), so a plan of megabytes is left at once on Ctrl-C.
func (p *mdParser) stopped(i int) bool {
	return i%64 == 0 && p.ctx != nil && p.ctx.Err() != nil
}

// enterRegions keeps ropen to the regions containing line, ending the
// per-step rollback of a region that closed.
func (p *mdParser) enterRegions(line int) {
	if line <= 0 {
		return
	}
	k := 0
	for _, r := range p.ropen {
		if line <= r.end {
			p.ropen[k] = r
			k++
			continue
		}
		if p.sub != nil && p.sub.region == r {
			p.endSub()
		}
		if r.kind == regionAlt && p.alt == r.title && p.altSet == r.set {
			p.alt, p.altSet = "", 0
		}
	}
	p.ropen = p.ropen[:k]
	for p.rnext < len(p.regions) && p.regions[p.rnext].start <= line {
		r := &p.regions[p.rnext]
		p.rnext++
		if line > r.end {
			continue
		}
		p.ropen = append(p.ropen, r)
		p.openRegion(r)
	}
}

// openRegion applies a container's meaning when the walk enters it.
func (p *mdParser) openRegion(r *region) {
	switch r.kind {
	case regionRollback:
		if p.cur != nil && p.mode != modeDocument {
			p.startSub(r.title, r.start, &subState{region: r})
		}
	case regionAlt:
		if p.cur != nil {
			p.alt, p.altSet, p.altLevel = r.title, r.set, 0
			p.lead = ""
		}
	}
}

// inNoteRegion reports whether line lies in a note container (an
// admonition or <details> that is a remark): its prose is no step. A
// binary search finds the last region that starts at or before line; the
// running maximum of the regions' ends bounds the walk back to those that
// may still contain it.
func (p *mdParser) inNoteRegion(line int) bool {
	i := sort.Search(len(p.regions), func(i int) bool { return p.regions[i].start > line }) - 1
	for ; i >= 0 && p.maxEnd[i] >= line; i-- {
		if r := &p.regions[i]; line <= r.end && r.kind == regionNote {
			return true
		}
	}
	return false
}

// block handles one block node. nested is true inside a list item or
// quote that already belongs to a step: such content never opens list or
// paragraph steps of its own. i is the node's index among the top-level
// nodes (-1 when nested).
func (p *mdParser) block(n ast.Node, nested bool, i int) {
	switch n := n.(type) {
	case *ast.Heading:
		// Headings inside list items and quotes are read as text.
	case *ast.Paragraph, *ast.TextBlock:
		if !nested {
			if p.sub != nil && p.sub.paraOnly && !p.continuesSub(n) {
				p.endSub()
			}
			if p.startsParagraphStep(n, i) {
				return
			}
			if p.afterListRollback(n) {
				return
			}
		}
		p.prose(n, nested || p.form == formHeading || p.form == formParagraph || p.form == formSub ||
			p.form == formDocument)
	case *ast.List:
		if p.sub != nil && p.sub.paraOnly && !nested {
			p.endSub()
		}
		p.list(n, nested)
		p.lead = ""
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		p.code(n)
		p.lead = ""
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			p.block(c, true, -1)
		}
	case *ast.HTMLBlock:
		// Comments and other raw HTML are invisible on the rendered page:
		// a lead above them still reads as the lead of what follows.
	case *east.Table:
		p.table(n, nested)
		p.lead = ""
	default:
		// Thematic breaks: never steps, never commands, and whatever
		// prose came before them is no lead of what follows.
		p.lead = ""
	}
}

// startStep appends s in the current phase and makes it the owner of
// what follows.
func (p *mdParser) startStep(s *Step, form stepForm) {
	if p.sub != nil {
		p.endSub()
	}
	if s.ID == "" {
		s.Generated = true
		p.slugged = append(p.slugged, s)
	}
	if p.phase != nil {
		s.Phase, s.Rollback, s.phase = p.phase.Name, p.phase.Rollback || s.Rollback, p.phase
	}
	if s.Title == "" && s.ID != "" {
		s.Title = "Step " + s.ID
	}
	p.countStep(s)
	p.plan.Steps = append(p.plan.Steps, s)
	s.form = form
	p.cur, p.top, p.form = s, s, form
	p.lead, p.alt, p.altSet, p.altLevel, p.session = "", "", 0, 0, ""
	p.title = nil
}

// countStep counts s in its phase and the phases around it.
func (p *mdParser) countStep(s *Step) {
	for _, pl := range p.stack {
		p.phaseSteps[pl.phase]++
	}
	if p.phase != nil && (len(p.stack) == 0 || p.stack[len(p.stack)-1].phase != p.phase) {
		p.phaseSteps[p.phase]++
	}
}

// startSub makes a sub-step of the current top step the owner of what
// follows: a per-step rollback ("3.2/rollback") with st saying how it ends.
func (p *mdParser) startSub(title string, line int, st *subState) *Step {
	owner := p.top
	if owner == nil {
		return nil
	}
	if p.sub != nil {
		p.endSub()
	}
	p.subSeq[owner]++
	suffix := "rollback"
	if n := p.subSeq[owner]; n > 1 {
		suffix += "-" + strconv.Itoa(n)
	}
	s := &Step{ID: suffix, Title: title, Line: line, Phase: owner.Phase, Rollback: true, parent: owner}
	if s.Title == "" {
		s.Title = "Roll back " + owner.Title
	}
	p.countStep(s)
	p.plan.Steps = append(p.plan.Steps, s)
	st.owner = owner
	p.sub = st
	s.form = formSub
	p.cur, p.form = s, formSub
	p.lead = ""
	return s
}

// endSub returns ownership from a per-step rollback to its step.
func (p *mdParser) endSub() {
	if p.sub == nil {
		return
	}
	p.cur, p.form = p.sub.owner, p.sub.owner.form
	p.sub = nil
	p.lead = ""
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

// parseMarkdown runs goldmark over src.
func parseMarkdown(src []byte) ast.Node {
	return newMarkdown().Parser().Parse(text.NewReader(src))
}
