package plans

import (
	"strings"

	"github.com/yuin/goldmark/ast"
)

// paragraph makes a step of a paragraph whose first line begins with an
// ID, plain or bold: "8a. Backup config", "**8a.** Backup config",
// "**Step 4:** Start". Such a step owns the lists that follow it.
func (p *mdParser) paragraph(n ast.Node) {
	line := firstLineText(n, p.src)
	if id, title, ok := splitID(line, false); ok {
		p.startStep(&Step{ID: id, Title: title, Line: p.nodeLine(n)}, formParagraph)
		p.absorb = true
		p.lineSteps(n, formParagraph)
	}
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
