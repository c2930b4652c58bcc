package plans

import (
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
	// numbered is true for a numbered section ("## 2. Rollback"), which a
	// numbered heading at its own level ("## 3. Verify") closes.
	numbered bool
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
	// lead is the text of the prose paragraph just read inside the current
	// step, "" once anything else (a block, a heading, a list) came after
	// it: the Lead of a script that follows now.
	lead string
	// title is the paragraph that holds the current list step's title; it
	// is no lead and its code spans are no commands.
	title ast.Node

	// sections are numbered headings that hold numbered sub-headings.
	sections map[*ast.Heading]bool
	slugs    map[*Step]string
	genSeq   map[string]int
	decoder  decoder
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
	p.sections = p.findSections(doc)
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
		if !nested {
			cur := p.cur
			p.paragraph(n)
			if p.cur != cur {
				return // the paragraph is a step's title
			}
		}
		p.prose(n, nested || p.form == formHeading || p.form == formParagraph)
	case *ast.List:
		p.list(n, nested)
		p.lead = ""
	case *ast.FencedCodeBlock:
		info := ""
		if n.Info != nil {
			info = string(n.Info.Segment.Value(p.src))
		}
		p.code(n, fenceLang(info), p.nodeLine(n)+1)
		p.lead = ""
	case *ast.CodeBlock:
		if n.Lines().Len() > 0 {
			p.code(n, "", p.lineOf(n.Lines().At(0).Start))
		}
		p.lead = ""
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			p.block(c, true)
		}
	case *ast.HTMLBlock:
		// Comments and other raw HTML are invisible on the rendered page:
		// a lead above them still reads as the lead of what follows.
	default:
		// Tables, thematic breaks: never steps, never commands, and
		// whatever prose came before them is no lead of what follows.
		p.lead = ""
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
