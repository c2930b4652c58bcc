package plans

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
)

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
		p.cur.Scripts = append(p.cur.Scripts, Script{Lang: lang, Text: b.String(), Line: seg[0].line, Lead: p.lead})
		p.lead = ""
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
