package plans

import (
	"strings"

	"github.com/yuin/goldmark/ast"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// startsParagraphStep makes a step of a top-level paragraph when it is one
// and reports whether it did (the paragraph is then read): a paragraph
// whose first line begins with an ID, plain or bold ("8a. Backup config",
// "**8a.** Backup config", "**Step 4:** Start", "**R1:** Drain"); the
// instruction that opens a section whose heading names no action ("##
// Pre-release": "Open a pull request …"); and, in a file where nothing
// else reads as steps, the paragraphs of prose that carry out an action.
func (p *mdParser) startsParagraphStep(n ast.Node, i int) bool {
	line := p.nodeLine(n)
	if p.mode == modeDocument || p.inNoteRegion(line) {
		return false
	}
	first := firstLineText(n, p.src)
	if id, title, ok := splitID(first, false); ok {
		p.startStep(&Step{ID: id, Title: title, Line: line}, formParagraph)
		p.absorb = true
		p.lineSteps(n, formParagraph)
		p.readOwnText(n)
		return true
	}
	if p.paraStep == n {
		p.paraStep = nil
		p.startStep(&Step{Title: firstSentence(inlineText(n, p.src, false)), Line: line}, formParagraph)
		p.absorb = true
		p.readOwnText(n)
		return true
	}
	if p.mode == modeProse && p.proseStep(n, i) {
		return true
	}
	return false
}

// readOwnText reads the code spans of a step's own paragraph as its
// commands, without making the paragraph a lead.
func (p *mdParser) readOwnText(n ast.Node) {
	p.prose(n, true)
	p.lead = ""
}

// proseStep makes a step of a paragraph in a file of prose: one that is
// the lead of a shell block right below it, carries an inline command,
// opens the way back ("If something goes wrong, …"), or is an instruction
// ("Before packing anything, look through the CSVs …"). Its title is its
// first sentence.
func (p *mdParser) proseStep(n ast.Node, i int) bool {
	text := inlineText(n, p.src, false)
	sentence := firstSentence(text)
	rollback := rollbackIntroRE.MatchString(sentence) || strings.HasPrefix(strings.ToLower(sentence), "to roll back")
	leadOfBlock := false
	if i >= 0 && i+1 < len(p.nodes) {
		switch nx := p.nodes[i+1].(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			leadOfBlock = p.blockInfo(nx).shell
		}
	}
	if !(leadOfBlock || rollback || p.hasInlineCommand(n) || isInstruction(sentence)) {
		return false
	}
	p.startStep(&Step{Title: sentence, Line: p.nodeLine(n), Rollback: rollback}, formParagraph)
	p.absorb = true
	p.prose(n, true)
	return true
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

// stepRefRE finds "step 4" in a sentence.
var stepRefRE = lazyre.New(`(?i)\bsteps?\s+([0-9]{1,4}[a-z]?(?:\.[0-9]{1,4}[a-z]?)*)\b`)

// undoWordsRE are the words of a sentence that says how to undo a step.
var undoWordsRE = lazyre.New(`(?i)\b(?:restore|undo|roll(?:ed|ing)? ?back|revert|put (?:it |them |the \w+ )?back|go back)\b`)

// afterListRollback makes a per-step rollback of a paragraph right after
// an ordered list that says how to undo one of its steps ("If a migration
// fails in step 4, restore the dump from step 3 …" is 4/rollback), and
// reports whether it did.
func (p *mdParser) afterListRollback(n ast.Node) bool {
	if p.form != formList || len(p.listSteps) == 0 {
		return false
	}
	text := inlineText(n, p.src, false)
	sentence := firstSentence(text)
	if !strings.HasPrefix(strings.ToLower(sentence), "if ") || !undoWordsRE.MatchString(sentence) {
		return false
	}
	m := stepRefRE.FindStringSubmatch(sentence)
	if m == nil {
		return false
	}
	owner := p.listSteps[m[1]]
	if owner == nil {
		return false
	}
	top, cur, form := p.top, p.cur, p.form
	p.top = owner
	p.startSub(sentence, p.nodeLine(n), &subState{paraOnly: true})
	p.prose(n, true)
	p.endSub()
	p.top, p.cur, p.form = top, cur, form
	return true
}

// continuesSub reports whether a paragraph goes on with the per-step
// rollback a label opened ("**Rollback:**" then a block, then "If that
// fails, …" and another block): a fallback lead does, anything else ends
// it.
func (p *mdParser) continuesSub(n ast.Node) bool {
	t := strings.ToLower(strings.TrimSpace(inlineText(n, p.src, false)))
	for _, w := range []string{"if ", "or ", "otherwise", "alternatively", "else", "failing that", "then "} {
		if strings.HasPrefix(t, w) {
			return true
		}
	}
	return false
}
