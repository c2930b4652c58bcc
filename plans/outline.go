package plans

import (
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// Whether a heading is a step, a phase or neither depends on what its
// section holds: "## Stop the service" over a shell block is a step,
// "## Preparation" over "### Install the driver" is a phase, "## Replace
// the container" over "### Option A" and "### Option B" is one step done
// one of two ways, "## Troubleshooting" is neither. The outline is read
// once, before the walk, so the walk knows the kind of every heading when
// it meets it. Everything here is linear in the size of the document.

// hkind is what a heading's section is.
type hkind int

const (
	kindPhase       hkind = iota // groups steps (or holds nothing the reader counts)
	kindStep                     // the heading is a step and owns its section
	kindParaStep                 // the section's first instruction paragraph is the step
	kindPart                     // a part of the heading step it sits in (Option A, Verify, Notes)
	kindRollbackSub              // the per-step rollback of the step before it ("#### Rollback")
	kindSkip                     // description, advice, FAQ: nothing in it is a step
	kindTitle                    // the plan's title
)

// hinfo is a heading — a Markdown heading, or a line a person reads as one
// (a wiki "== Procedure ==" line, a bold line on its own) — and what the
// outline decided about it.
type hinfo struct {
	node   ast.Node
	level  int
	text   string
	line   int
	idx    int // index among the top-level nodes
	end    int // first top-level node after the section (next heading at this level or above)
	direct int // first top-level node after the direct content (next heading of any level)
	parent *hinfo
	kids   []*hinfo
	// id and title when the heading begins with an ID.
	id, title string
	pseudo    bool // a line read as a heading, not a Markdown heading
	kind      hkind
	// rollback: the section is a way back (its heading, its first
	// paragraph, or an enclosing section says so).
	rollback bool
	// group: a numbered heading whose section holds steps with IDs
	// extending its own ("## 1. Prepare" over "**1.1**: …").
	group bool
	// facts about the direct content.
	structural bool // holds steps of its own (lists, ID paragraphs, ID comments, step tables)
	// leadStructural: the first thing in it is such a step.
	leadStructural bool
	cmds           bool     // owns commands (a shell block, an inline command in prose)
	blockCmds      bool     // owns a shell block
	content        bool     // holds anything at all
	firstPara      ast.Node // the first paragraph of the direct content
	paraStep       ast.Node // for kindParaStep: the paragraph that is the step
	yields         bool     // the section, with its sub-sections, holds steps
	partCmds       bool     // a part sub-section owns commands
	// alt is the label when the heading names one way of doing its step.
	alt bool
	// What the heading's text says, read once: a section of description,
	// a part of a step (Option A, Verify), the way back, an action.
	skipText, partText, rbText, verbText bool
	// kidYields and kidPartCmds are yieldsKids and partKidsCmds, computed
	// bottom-up once; groupDone/isGroup memoize groupHeading.
	kidYields, kidPartCmds bool
	groupDone, isGroup     bool
}

var wikiHeadingRE = lazyre.New(`^(={2,6})[ \t]*([^=].*?)[ \t]*={2,6}[ \t]*$`)

// pseudoHeading reports whether a top-level paragraph is a heading to a
// reader: a wiki heading ("== Rollback ==") or a bold line on its own with
// no closing punctuation ("**Pause posting**"; "**Steps:**" is a label and
// "**Step 4:** Start" a step). level is the wiki level, or 7 for a bold
// line (deeper than any Markdown heading: it titles what follows up to the
// next heading or bold line).
func (p *mdParser) pseudoHeading(n ast.Node) (level int, text string, ok bool) {
	para, isPara := n.(*ast.Paragraph)
	if !isPara || para.Lines().Len() != 1 {
		return 0, "", false
	}
	seg := para.Lines().At(0)
	raw := strings.TrimSpace(string(seg.Value(p.src)))
	if m := wikiHeadingRE.FindStringSubmatch(raw); m != nil && len(m[1]) == strings.Count(raw[len(raw)-len(m[1]):], "=") {
		return len(m[1]), strings.TrimSpace(m[2]), true
	}
	c := para.FirstChild()
	em, isEm := c.(*ast.Emphasis)
	if !isEm || em.Level != 2 {
		return 0, "", false
	}
	for x := c.NextSibling(); x != nil; x = x.NextSibling() {
		t, isText := x.(*ast.Text)
		if !isText || strings.TrimSpace(string(t.Segment.Value(p.src))) != "" {
			return 0, "", false
		}
	}
	text = strings.TrimSpace(inlineText(em, p.src, false))
	if text == "" || len(text) > 90 || strings.ContainsAny(text[len(text)-1:], ".:!?;,") {
		return 0, "", false
	}
	if _, _, hasID := splitID(text, false); hasID {
		return 0, "", false
	}
	return 7, text, true
}

// buildOutline finds the headings among the top-level nodes, their
// sections and sub-sections, and decides each one's kind.
func (p *mdParser) buildOutline() {
	var hs []*hinfo
	for i, n := range p.nodes {
		if p.stopped(i) {
			return
		}
		var h *hinfo
		switch n := n.(type) {
		case *ast.Heading:
			h = &hinfo{node: n, level: n.Level, text: strings.TrimSpace(inlineText(n, p.src, false))}
		case *ast.Paragraph:
			if lvl, txt, ok := p.pseudoHeading(n); ok {
				h = &hinfo{node: n, level: lvl, text: txt, pseudo: true}
			}
		}
		if h == nil {
			continue
		}
		h.idx = i
		h.line = p.nodeLine(n)
		hs = append(hs, h)
		p.heads[n] = h
	}
	readHeadingTexts(hs)
	// Section extents and the tree, with a stack of open headings.
	var stack []*hinfo
	for k, h := range hs {
		h.direct = len(p.nodes)
		if k+1 < len(hs) {
			h.direct = hs[k+1].idx
		}
		for len(stack) > 0 && stack[len(stack)-1].level >= h.level {
			stack[len(stack)-1].end = h.idx
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			h.parent = stack[len(stack)-1]
			h.parent.kids = append(h.parent.kids, h)
		}
		stack = append(stack, h)
	}
	for _, h := range stack {
		h.end = len(p.nodes)
	}
	p.outline = hs
	// Facts about each section's direct content.
	for k, h := range hs {
		if p.stopped(k) {
			return
		}
		p.sectionFacts(h, h.idx+1, h.direct)
	}
	p.topStructural = p.rangeStructural(0, p.firstHeadingIdx(hs))
	// Sub-sections come after their parent: walking backwards, every
	// kid is settled before its parent looks at it.
	for k := len(hs) - 1; k >= 0; k-- {
		h := hs[k]
		for _, kid := range h.kids {
			if kid.yieldsAsChild() {
				h.kidYields = true
			}
			if kid.partText && (kid.cmds || kid.kidPartCmds) {
				h.kidPartCmds = true
			}
		}
	}
	// Decide kinds top-down: a heading's kind depends on its parent's.
	sawStep := false
	for k, h := range hs {
		if k == 0 && h.level == 1 && h.id == "" && !h.pseudo {
			h.kind = kindTitle
			continue
		}
		p.classify(h, sawStep)
		if h.kind == kindStep || h.kind == kindParaStep || h.structural {
			sawStep = true
		}
	}
}

// readText reads what h's text says: its ID, and whether it names a
// section of description, a part of a step, the way back, an action.
// It depends on the text alone.
func (h *hinfo) readText() {
	if id, title, ok := splitID(h.text, true); ok {
		h.id, h.title = id, title
	}
	h.skipText = isSkipHeading(h.text)
	h.partText = partHeadingRE.MatchStringAt0(stripLeadingSymbols(h.text))
	h.rbText = isRollbackIntro(h.text)
	h.verbText = headingAction(h.text)
}

// parallelHeadings is how many headings a plan has before readHeadingTexts
// splits them between two goroutines (a variable for the test that holds
// both ways to the same outline).
var parallelHeadings = 512

// readHeadingTexts calls readText for every heading. The five regular
// expressions a heading costs were a third of the outline's time on a
// plan of 10,000 steps; they read nothing but the heading's own text and
// write only its hinfo, so on a long plan half of them run on a second
// goroutine (the second core of a small machine).
func readHeadingTexts(hs []*hinfo) {
	if len(hs) < parallelHeadings {
		for _, h := range hs {
			h.readText()
		}
		return
	}
	mid := len(hs) / 2
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, h := range hs[mid:] {
			h.readText()
		}
	})
	for _, h := range hs[:mid] {
		h.readText()
	}
	wg.Wait()
}

func (p *mdParser) firstHeadingIdx(hs []*hinfo) int {
	if len(hs) == 0 {
		return len(p.nodes)
	}
	return hs[0].idx
}

// rangeStructural reports whether top-level nodes [from, to) hold steps of
// their own.
func (p *mdParser) rangeStructural(from, to int) bool {
	for _, n := range p.nodes[from:to] {
		if p.structuralNode(n) {
			return true
		}
	}
	return false
}

// sectionFacts reads the direct content [from, to) of h.
func (p *mdParser) sectionFacts(h *hinfo, from, to int) {
	for _, n := range p.nodes[from:to] {
		switch n.(type) {
		case *ast.HTMLBlock:
			continue
		case *ast.Paragraph, *ast.TextBlock:
			if h.firstPara == nil && !p.inNoteRegion(p.nodeLine(n)) {
				h.firstPara = n
			}
		}
		st := p.structuralNode(n)
		if !h.content {
			h.leadStructural = st
		}
		h.content = true
		if st {
			h.structural = true
		}
		if p.ownsCommands(n) {
			h.cmds = true
			switch n.(type) {
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				h.blockCmds = true
			}
		}
	}
}

// structuralNode reports whether a top-level node holds steps of its own:
// an ordered or task list (not a table of contents), a paragraph that
// begins with an ID, a shell block with ID comments, a bullet list whose
// items carry commands, a table of steps.
func (p *mdParser) structuralNode(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.List:
		if isTOC(n) {
			return false
		}
		if n.IsOrdered() || hasTaskItem(n) {
			return true
		}
		return p.bulletSteps(n)
	case *ast.Paragraph, *ast.TextBlock:
		_, _, ok := splitID(firstLineText(n, p.src), false)
		return ok
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		bi := p.blockInfo(n)
		return bi.shell && bi.idComments
	case *east.Table:
		return p.stepTable(n) != nil
	}
	return false
}

// ownsCommands reports whether a top-level node gives its owner commands:
// a shell block, or a paragraph with an inline command.
func (p *mdParser) ownsCommands(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return p.blockInfo(n).shell
	case *ast.Paragraph, *ast.TextBlock:
		return p.hasInlineCommand(n)
	case *ast.List:
		if n.IsOrdered() || hasTaskItem(n) {
			return false
		}
		return p.listHasCommand(n)
	}
	return false
}

func hasTaskItem(l *ast.List) bool {
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		if item, ok := it.(*ast.ListItem); ok && taskBox(item) != nil {
			return true
		}
	}
	return false
}

// classify decides h's kind from its text, its facts, its sub-sections and
// its parent's kind. sawStep says whether a step came before h.
func (p *mdParser) classify(h *hinfo, sawStep bool) {
	par := h.parent
	if par != nil && par.kind == kindTitle {
		par = nil
	}
	// A numbered heading is a step or a group: it is a rollback only in a
	// rollback phase ("### 8a. Backup untracked files required for
	// rollback" is not one) or as a group ("## 12. Rollback").
	h.rollback = h.rbText && (h.id == "" || p.groupHeading(h))
	if par != nil && par.rollback && par.kind != kindStep && par.kind != kindParaStep {
		h.rollback = true
	}
	if par != nil && par.kind == kindSkip {
		h.kind = kindSkip
		return
	}
	h.alt = isAltTitle(h.text)
	// Inside a heading step, a deeper heading is part of it, its rollback,
	// or — when numbered itself — the step was a group after all (see
	// groupHeading, decided before the kids are classified).
	if par != nil && (par.kind == kindStep || par.kind == kindPart || par.kind == kindRollbackSub) && h.id == "" {
		if strongSkipRE.MatchStringAt0(stripLeadingSymbols(h.text)) {
			h.kind = kindSkip
			return
		}
		switch {
		case h.rollback && (par.kind == kindStep || par.kind == kindPart) && !h.structural:
			h.kind = kindRollbackSub
		case par.kind == kindRollbackSub:
			h.kind = kindPart
			h.rollback = true
		default:
			h.kind = kindPart
		}
		return
	}
	if h.skipText && !h.rollback {
		h.kind = kindSkip
		return
	}
	if !h.rollback && h.id == "" && sawStep && h.firstPara != nil && rollbackContentRE.MatchString(inlineText(h.firstPara, p.src, false)) {
		h.rollback = true
	}
	// A rollback heading deep inside a phase of steps, right after one of
	// them: the rollback of that step ("**1.4**: …" then "#### Rollback").
	if h.rollback && par != nil && !par.rollback && !h.leadStructural && h.level > par.level+1 && par.structural && !h.yieldsKids() {
		h.kind = kindRollbackSub
		return
	}
	if h.id != "" {
		switch {
		case p.groupHeading(h):
			h.group = true
			h.kind = kindPhase
		case descriptiveRE.MatchStringAt0(h.title) && !h.cmds:
			h.kind = kindPhase
		default:
			h.kind = kindStep
		}
		return
	}
	switch {
	case h.structural:
		h.kind = kindPhase
	case h.blockCmds:
		h.kind = kindStep
	case h.yieldsKids():
		h.kind = kindPhase
	case h.cmds && (h.rollback || h.verbText || h.level == 7):
		// Commands only in prose under a heading that names no action
		// ("Checking progress": "… the serial console (`ssh …`)") are
		// hints, not a step.
		h.kind = kindStep
	case h.partKidsCmds():
		h.kind = kindStep
	case h.rollback && (h.content || len(h.kids) > 0):
		h.kind = kindStep
	case len(h.kids) == 0 && h.verbText && h.content:
		h.kind = kindStep
	case len(h.kids) == 0 && h.firstPara != nil && isInstruction(firstSentence(inlineText(h.firstPara, p.src, false))):
		h.kind = kindParaStep
		h.paraStep = h.firstPara
	default:
		h.kind = kindPhase
	}
}

// yieldsKids reports whether a sub-section of h that is not a part of a
// step (an option, a check, notes) holds steps (computed in buildOutline).
func (h *hinfo) yieldsKids() bool { return h.kidYields }

// yieldsAsChild: a sub-section that would hold a step of its own.
func (k *hinfo) yieldsAsChild() bool {
	if k.skipText || k.partText {
		return false
	}
	if k.id != "" || k.structural || k.cmds || k.rbText {
		return true
	}
	if len(k.kids) == 0 && k.verbText && k.content {
		return true
	}
	return k.kidYields
}

// partKidsCmds reports whether a part sub-section of h (Option A, a tab)
// owns commands: then h is the step those parts carry out.
func (h *hinfo) partKidsCmds() bool { return h.kidPartCmds }

// groupHeading reports whether a numbered heading groups steps rather than
// being one: a deeper numbered heading, or an ID paragraph or ordered item,
// in its section carries an ID that extends its own ("## 1. Prepare" over
// "### 1.1 Check disk" or "**1.1**: Record the revision"), or any deeper
// heading of its section is numbered ("## Step 1 — Preflight" over "###
// Step 1.1 — Check cluster health").
func (p *mdParser) groupHeading(h *hinfo) bool {
	if h.groupDone {
		return h.isGroup
	}
	h.groupDone = true
	h.isGroup = p.findGroup(h)
	return h.isGroup
}

func (p *mdParser) findGroup(h *hinfo) bool {
	for _, k := range h.kids {
		if k.id != "" && (strings.HasPrefix(k.id, h.id+".") || k.level > h.level) {
			return true
		}
	}
	for _, n := range p.nodes[h.idx+1 : h.direct] {
		if para, ok := n.(*ast.Paragraph); ok {
			if id, _, ok := splitID(firstLineText(para, p.src), false); ok && strings.HasPrefix(id, h.id+".") {
				return true
			}
		}
	}
	return false
}

// firstSentence is the first sentence of a paragraph's text: up to ". ",
// "! ", "? " or a colon that ends the text or is followed by a space.
func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.', '!', '?':
			if i+1 == len(s) || (s[i+1] == ' ' && i+2 < len(s) && isUpperASCII(s[i+2])) {
				return strings.TrimSpace(s[:i])
			}
		case ':':
			if i+1 == len(s) {
				return strings.TrimSpace(s[:i])
			}
		}
	}
	return s
}

func isUpperASCII(b byte) bool { return b >= 'A' && b <= 'Z' }
