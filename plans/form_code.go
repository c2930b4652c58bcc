package plans

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// blockInfo is what a code block is, decided once (the outline asks
// first, the walk again).
type blockInfo struct {
	lang  string
	first int // plan line of the block's first text line
	lines []srcLine
	probe bool // a ```gonogo block
	shell bool // commands: shell lines, prompts stripped, output dropped
	// sh are the shell lines (after prompts and output are removed).
	sh         []srcLine
	idComments bool // some line is an ID comment ("# 8a. Backup")
	// fileContent: a shell fence holding file lines (requirements,
	// dotenv, properties), which are not commands.
	fileContent bool
}

// heuristicLangs are info strings of fences that may or may not hold
// commands; they count when the text reads as shell.
var heuristicLangs = map[string]bool{
	"": true, "text": true, "plain": true, "txt": true, "plaintext": true, "no-highlight": true,
	"nohighlight": true, "none": true, "nolang": true, "default": true,
}

func (p *mdParser) blockInfo(n ast.Node) *blockInfo {
	if bi, ok := p.blocks[n]; ok {
		return bi
	}
	bi := &blockInfo{}
	p.blocks[n] = bi
	switch n := n.(type) {
	case *ast.FencedCodeBlock:
		if n.Info != nil {
			bi.lang = fenceLang(string(n.Info.Segment.Value(p.src)))
		}
		bi.first = p.nodeLine(n) + 1
	case *ast.CodeBlock:
		if n.Lines().Len() == 0 {
			return bi
		}
		bi.first = p.lineOf(n.Lines().At(0).Start)
	}
	segs := n.Lines()
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		t := strings.Repeat(" ", seg.Padding) + string(seg.Value(p.src))
		bi.lines = append(bi.lines, srcLine{text: strings.TrimRight(t, "\r\n"), line: p.lineOf(seg.Start)})
	}
	if bi.lang == "gonogo" {
		bi.probe = true
		return bi
	}
	console := isConsoleLang(bi.lang)
	switch {
	case console && !hasPrompt(bi.lines):
		// A console block written without prompts: plain commands, if
		// it reads as shell at all.
		console = false
		bi.shell = looksLikeShell(bi.lines)
	case shellLangs[bi.lang]:
		bi.shell = true
		if isFileContent(bi.lines) {
			bi.shell, bi.fileContent = false, true
		}
	case heuristicLangs[bi.lang]:
		bi.shell = looksLikeShell(bi.lines)
	}
	if !bi.shell {
		return bi
	}
	bi.sh = shellText(bi.lines, console || hasHostRootPrompt(bi.lines))
	for _, l := range bi.sh {
		if isIDComment(l.text) {
			bi.idComments = true
			break
		}
	}
	if len(trimBlank(bi.sh)) == 0 {
		bi.shell = false
	}
	return bi
}

// code handles a code block: a ```gonogo probe block, a shell block (split
// at ID comments), or anything else (configuration, output, diagrams),
// which is ignored.
func (p *mdParser) code(n ast.Node) {
	bi := p.blockInfo(n)
	if bi.probe {
		if p.skipping {
			return
		}
		p.probeBlock(bi.lines, bi.first-1)
		return
	}
	if !bi.shell {
		if p.inRollback() && p.cur == nil && !p.skipping && len(bi.lines) > 0 && bi.lang != "" {
			p.gap(bi.first-1, bi.lines[len(bi.lines)-1].line+1, "a "+bi.lang+" block")
		}
		return
	}
	if p.cur == nil && !bi.idComments {
		p.unowned(bi.first-1, "shell block")
		if p.inRollback() {
			p.gap(bi.first-1, bi.lines[len(bi.lines)-1].line+1, "a shell block outside any step")
		}
		return
	}
	p.shell(bi.sh, bi.lang)
}

// inRollback reports whether the walk is in a rollback section.
func (p *mdParser) inRollback() bool { return p.phase != nil && p.phase.Rollback }

// shell gives a shell block's lines to the current step, opening a new
// step at each ID comment ("# 8a. Backup untracked files"). Inside a step
// whose ID the comment does not extend ("# 1. Pull the images" in step
// 10.3), the comment opens a sub-step ("10.3/1"); elsewhere, a step of its
// own. Lines typed at another machine's prompt ("ledgerly@app-1:~$") are
// a script of their own that records the prompt.
func (p *mdParser) shell(lines []srcLine, lang string) {
	split := p.mode != modeDocument && p.form != formSub
	var owner *Step
	if p.cur != nil && split {
		switch {
		case p.cur.parent != nil && p.form == formComment:
			owner = p.cur.parent
		case p.cur.parent != nil:
			split = false // the block of a numbered sub-item: its comments are notes
		case p.form != formComment:
			owner = p.cur
		}
	}
	start := 0
	subs := 0 // sub-steps this block opened
	flush := func(end int) {
		seg := trimBlank(lines[start:end])
		if len(seg) == 0 {
			return
		}
		if p.cur == nil {
			// The lines above the first ID comment ("cd /etc/haproxy")
			// set where the steps below run: inference reads them there.
			return
		}
		p.addScripts(seg, lang)
		p.cur.Commands = append(p.cur.Commands, logicalCommands(seg)...)
	}
	for i, l := range lines {
		if !split {
			break
		}
		id, title, ok := idComment(l.text)
		if !ok || (p.cur != nil && p.cur.parent == nil && p.cur.ID == id) || (owner != nil && owner.ID == id && subs == 0 && p.cur == owner) {
			// "# 8a. …" under the step 8a itself just repeats its title.
			continue
		}
		flush(i)
		if owner != nil && !extendsID(id, owner.ID) {
			s := &Step{ID: id, Title: title, Line: l.line, parent: owner, Phase: owner.Phase, Rollback: owner.Rollback, form: formComment}
			p.countStep(s)
			p.plan.Steps = append(p.plan.Steps, s)
			p.cur, p.form = s, formComment
			p.lead = ""
			subs++
		} else {
			p.startStep(&Step{ID: id, Title: title, Line: l.line}, formComment)
			owner = nil
		}
		start = i + 1
	}
	flush(len(lines))
	if subs > 0 && owner != nil && p.cur != nil && p.cur.parent == owner {
		// What follows the block is about the whole step again.
		p.cur, p.form = owner, owner.form
		p.lead = ""
	}
}

// extendsID reports whether a comment's ID is a step of its own next to
// the step it sits in: "4a" or "4.1" in step 4.
func extendsID(id, owner string) bool {
	return len(id) > len(owner) && strings.HasPrefix(id, owner) && owner != ""
}

// addScripts adds a block's lines as scripts, one per run of lines typed
// at the same prompt.
func (p *mdParser) addScripts(seg []srcLine, lang string) {
	start := 0
	emit := func(end int) {
		part := seg[start:end]
		if len(trimBlank(part)) == 0 {
			return
		}
		part = trimBlank(part)
		var b strings.Builder
		for i, l := range part {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(l.text)
		}
		lead := p.lead
		if start > 0 {
			lead = ""
		}
		p.addScript(Script{Lang: lang, Text: b.String(), Line: part[0].line, Lead: lead, Prompt: part[0].prompt})
	}
	for i := 1; i < len(seg); i++ {
		if seg[i].prompt != seg[start].prompt && strings.TrimSpace(seg[i].text) != "" && !seg[i].cont {
			emit(i)
			start = i
		}
	}
	emit(len(seg))
	p.lead = ""
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

var (
	requirementRE = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[\w,. -]+\])?\s*(?:===|==|>=|<=|~=|!=|>|<)\s*[\w.*+!-]+(?:\s*,\s*(?:==|>=|<=|~=|!=|>|<)\s*[\w.*+!-]+)*(?:\s*;.*)?$`)
	dotenvRE      = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|[^\s'"$` + "`" + `;&|<>()]*)$`)
	propertiesRE  = lazyre.New(`^[A-Za-z][\w-]*(?:\.[\w-]+)+\s*[=:]\s*\S.*$`)
	iniSectionRE  = lazyre.New(`^\[[^\]]+\]$`)
	iniKeyRE      = lazyre.New(`^[A-Za-z_][\w.-]*\s+=\s+\S.*$`)
)

// isFileContent reports whether a shell fence holds the lines of a file
// rather than commands: requirements ("pgvector>=0.3.6"), dotenv lines
// ("VECTOR_BACKEND=pgvector", nothing but assignments, which as commands
// would do nothing), Java properties ("log.message.format.version=3.6") or
// INI ("[queue]", "backend = redis"). Comments and blank lines aside,
// every line must be such a line.
// fileLine reports whether t, a trimmed line, reads as a line of one of
// those files. Each of their patterns needs an =, :, < or > or a leading
// [, so a line with none — most shell lines ("cp app.py backups/") — is
// answered without running five regular expressions.
func fileLine(t string) bool {
	if !strings.ContainsAny(t, "=:<>") && !strings.HasPrefix(t, "[") {
		return false
	}
	return requirementRE.MatchString(t) || dotenvRE.MatchString(t) || propertiesRE.MatchString(t) ||
		iniSectionRE.MatchString(t) || iniKeyRE.MatchString(t)
}

func isFileContent(lines []srcLine) bool {
	n := 0
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if !fileLine(t) {
			return false
		}
		n++
	}
	return n > 0
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
