package plans

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// read runs the walk in the strictest mode that finds steps: the forms the
// README lists; for a file where they find none, instructions written as
// prose; at worst the whole document as one step, when it holds commands.
// Only a file with nothing to do is an error, and the error says what the
// file holds.
func (p *mdParser) read() {
	for _, mode := range []readMode{modeForms, modeProse, modeDocument} {
		p.reset(mode)
		p.walk()
		if len(p.plan.Steps) > 0 || p.stopped(0) {
			break
		}
		if mode == modeProse && !p.hasCommands() {
			break
		}
	}
	p.finish()
}

// hasCommands reports whether the document holds a shell block or an
// inline command outside sections of description.
func (p *mdParser) hasCommands() bool {
	skip := false
	for _, n := range p.nodes {
		if h := p.heads[n]; h != nil {
			skip = h.kind == kindSkip
			continue
		}
		if !skip && p.ownsCommands(n) {
			return true
		}
	}
	return false
}

// documentTitle names the one step of a document read as a whole.
func (p *mdParser) documentTitle() string {
	for _, h := range p.outline {
		if h.kind == kindTitle {
			return h.text
		}
	}
	return strings.TrimSuffix(filepath.Base(p.file), filepath.Ext(p.file))
}

// unowned records a shell block or inline command that no step owns: it
// is read by no probe, and the author should know.
func (p *mdParser) unowned(line int, what string) {
	if p.mode == modeForms || len(p.plan.Steps) > 0 {
		p.plan.Warnings = append(p.plan.Warnings, &Diag{File: p.file, Line: line, Field: what,
			Msg: "belongs to no step, so gonogo checks nothing in it: put it under a step heading or in a numbered item, or move it to a section such as \"Notes\""})
	}
}

// gap records content of a rollback section the reader could not take as
// steps, lines from to to (inclusive).
func (p *mdParser) gap(from, to int, what string) {
	name := "the rollback section"
	switch {
	case p.cur != nil && p.cur.Rollback:
		name = fmt.Sprintf("rollback step %q (line %d)", p.cur.Title, p.cur.Line)
	case p.phase != nil:
		name = fmt.Sprintf("rollback section %q (line %d)", p.phase.Name, p.phase.Line)
	}
	d := &Diag{File: p.file, Line: from, Field: "lines " + lineRange(from, to),
		Msg: fmt.Sprintf("%s holds %s that gonogo cannot read as rollback steps, so the rollback gate cannot be GO", name, what)}
	if p.cur != nil && p.cur.Rollback {
		d.step = p.cur
	}
	p.plan.RollbackGaps = append(p.plan.RollbackGaps, d)
}

func lineRange(from, to int) string {
	if to <= from {
		return strconv.Itoa(from)
	}
	return strconv.Itoa(from) + "–" + strconv.Itoa(to)
}

// finish names the steps written without an ID, qualifies repeated IDs,
// records warnings and rollback gaps, and checks the plan has steps.
func (p *mdParser) finish() {
	// Written IDs first, so a title slug never takes one. The maps are
	// sized for the steps up front: on a long plan growing them was a
	// good part of this pass.
	used := make(map[string]bool, len(p.plan.Steps))
	for _, s := range p.plan.Steps {
		if s.parent == nil && !s.Generated {
			used[s.ID] = true
		}
	}
	for _, s := range p.slugged {
		base := StepSlug(s.Title)
		if base == "" {
			base = "step"
		}
		id := base
		for n := 2; used[id]; n++ {
			id = base + "-" + strconv.Itoa(n)
		}
		used[id] = true
		s.ID = id
		if s.Title == "" {
			s.Title = id
		}
	}
	// Sub-steps take their parent's ID as a prefix.
	for _, s := range p.plan.Steps {
		if s.parent != nil {
			s.ID = s.parent.ID + "/" + s.ID
		}
	}
	byID := make(map[string][]*Step, len(p.plan.Steps))
	for _, s := range p.plan.Steps {
		byID[s.ID] = append(byID[s.ID], s)
	}
	keys := make(map[string]*Step, len(p.plan.Steps))
	for _, s := range p.plan.Steps {
		switch {
		case s.parent != nil:
			s.Key = s.parent.Key + strings.TrimPrefix(s.ID, s.parent.ID)
			s.Parent = s.parent.Key
		case len(byID[s.ID]) > 1:
			s.Key = p.phaseSlug(s) + "/" + s.ID
		default:
			s.Key = s.ID
		}
		if keys[s.Key] != nil {
			base := s.Key
			n := 2
			for keys[base+"#"+strconv.Itoa(n)] != nil {
				n++
			}
			s.Key = base + "#" + strconv.Itoa(n)
		}
		keys[s.Key] = s
	}
	// A repeated ID is a warning where a reference to it would be
	// ambiguous: two steps of the plan itself (sub-steps are known by
	// their parent's key).
	for _, s := range p.plan.Steps {
		group := byID[s.ID]
		if s.parent != nil || len(group) < 2 || group[0] == s {
			continue
		}
		p.plan.Warnings = append(p.plan.Warnings, &Diag{File: p.file, Line: s.Line, Field: "step " + s.ID,
			Msg: fmt.Sprintf("repeats the ID of the step at line %d: refer to them as %q and %q", group[0].Line, group[0].Key, s.Key)})
	}
	for _, d := range p.plan.RollbackGaps {
		if d.step != nil {
			d.Step = d.step.Key
		}
	}
	// A rollback phase without a single step is a way back gonogo
	// cannot check.
	byLine := make(map[int]*hinfo, len(p.outline))
	for _, h := range p.outline {
		byLine[h.line] = h
	}
	for _, ph := range p.plan.Phases {
		if ph.Rollback && p.phaseSteps[ph] == 0 && !nestedInRollback(byLine[ph.Line]) {
			p.plan.RollbackGaps = append(p.plan.RollbackGaps, &Diag{File: p.file, Line: ph.Line, Field: "rollback section " + strconv.Quote(ph.Name),
				Msg: "has no step gonogo can read, so the rollback gate cannot be GO"})
		}
	}
	p.unclosedFence()
	if len(p.plan.Steps) == 0 {
		p.errs = append(p.errs, &Diag{File: p.file, Line: 1, Msg: "no steps found: " + p.describe() +
			"; number headings (\"### 8a. Backup config\"), list items (\"1. Stop the pipeline\"), or use task items (\"- [ ] Stop the pipeline\")"})
	}
}

// phaseSlug is the slug that qualifies a repeated ID: the step's phase,
// "top" before any.
func (p *mdParser) phaseSlug(s *Step) string {
	switch {
	case s.phase != nil:
		return s.phase.Slug
	case s.Phase == "":
		return "top"
	}
	return Slug(s.Phase)
}

// nestedInRollback reports whether a rollback phase's heading sits inside
// another rollback section (an empty "### Notes" under "## Rollback" is no
// missing way back: the outer section answers for it).
func nestedInRollback(h *hinfo) bool {
	for a := h; a != nil && a.parent != nil; a = a.parent {
		if a.parent.rollback {
			return true
		}
	}
	return false
}

// describe says what a file without steps holds, for the error.
func (p *mdParser) describe() string {
	heads, paras, blocks, other := 0, 0, 0, 0
	for _, n := range p.nodes {
		switch n.(type) {
		case *ast.Heading:
			heads++
		case *ast.Paragraph, *ast.TextBlock:
			if p.heads[n] != nil {
				heads++
			} else {
				paras++
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if p.blockInfo(n).shell {
				blocks++
			} else {
				other++
			}
		}
	}
	if heads+paras+blocks+other == 0 {
		return "the file is empty"
	}
	parts := []string{plural(heads, "heading"), plural(paras, "paragraph")}
	if other > 0 {
		parts = append(parts, plural(other, "code block")+" that is not shell")
	}
	return "the file has " + strings.Join(parts, ", ") + " and no shell commands or instructions"
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return strconv.Itoa(n) + " " + w + "s"
}

// unclosedFence warns about a code fence that is never closed: CommonMark
// reads the rest of the file as its content, so any steps after it are
// lost. A rollback heading swallowed that way is a rollback gap too.
func (p *mdParser) unclosedFence() {
	open, openLine := "", 0
	lineNo := 0
	start := 0
	var swallowed []int // lines that look like headings after the open fence
	rollbackLine := 0
	for start < len(p.src) {
		end := start
		for end < len(p.src) && p.src[end] != '\n' {
			end++
		}
		lineNo++
		t := strings.TrimLeft(strings.TrimRight(string(p.src[start:end]), "\r"), " ")
		if f := fenceMarker(t); f != "" {
			switch {
			case open == "":
				open, openLine, swallowed, rollbackLine = f, lineNo, nil, 0
			case f[0] == open[0] && len(f) >= len(open) && strings.TrimSpace(t[len(f):]) == "":
				open = ""
			}
		} else if open != "" && strings.HasPrefix(t, "#") {
			if h := strings.TrimLeft(t, "#"); strings.HasPrefix(h, " ") && len(t)-len(h) <= 6 {
				if len(swallowed) < 3 {
					swallowed = append(swallowed, lineNo)
				}
				if rollbackLine == 0 && isRollbackIntro(strings.TrimSpace(h)) {
					rollbackLine = lineNo
				}
			}
		}
		start = end + 1
	}
	if open == "" {
		return
	}
	msg := fmt.Sprintf("is never closed: everything after it (to line %d) is read as one code block", lineNo)
	if len(swallowed) > 0 {
		msg += fmt.Sprintf(", including the heading at line %d", swallowed[0])
	}
	p.plan.Warnings = append(p.plan.Warnings, &Diag{File: p.file, Line: openLine, Field: open + " fence",
		Msg: msg + ": close it with " + open})
	if rollbackLine > 0 {
		p.plan.RollbackGaps = append(p.plan.RollbackGaps, &Diag{File: p.file, Line: rollbackLine, Field: "lines " + lineRange(rollbackLine, lineNo),
			Msg: fmt.Sprintf("the rollback section here is inside the code block the fence at line %d opens, so gonogo cannot read it and the rollback gate cannot be GO", openLine)})
	}
}
