package plans

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// Change requests exported from change-management tools write the plan
// as a table: one row a step, with a column for the step's number, one for
// what to do and often one for the command. A table whose header has both
// an ID column and an action column is read that way; any other table
// (fields, risks, an escalation list, hosts) is not steps.

// tableCols says which columns of a table of steps hold what.
type tableCols struct {
	id, title, cmd int // column indexes; cmd is -1 without a command column
}

var (
	idHeaderRE     = lazyre.New(`(?i)^(?:#|no\.?|nr\.?|id|step|step #|seq|order|n)$`)
	titleHeaderRE  = lazyre.New(`(?i)^(?:action|actions|step|task|what|description|activity|check|instruction|instructions|title|name|do)$`)
	cmdHeaderRE    = lazyre.New(`(?i)\b(?:command|commands|cli|how|run|script)\b`)
	tableCellIDRE  = lazyre.New(`^(?:[A-Z]{1,3}-?)?[0-9]{1,4}[a-z]?(?:\.[0-9]{1,4}[a-z]?)*\.?$`)
	tableRowIDWord = lazyre.New(`(?i)^step\s+`)
)

// stepTable returns the columns of a table of steps, nil for any other
// table.
func (p *mdParser) stepTable(t *east.Table) *tableCols {
	var header *east.TableHeader
	for c := t.FirstChild(); c != nil; c = c.NextSibling() {
		if h, ok := c.(*east.TableHeader); ok {
			header = h
			break
		}
	}
	if header == nil {
		return nil
	}
	cols := &tableCols{id: -1, title: -1, cmd: -1}
	i := 0
	for c := header.FirstChild(); c != nil; c = c.NextSibling() {
		h := strings.TrimSpace(inlineText(c, p.src, false))
		switch {
		case cols.id < 0 && idHeaderRE.MatchString(h):
			cols.id = i
		case cols.title < 0 && titleHeaderRE.MatchString(h):
			cols.title = i
		case cols.cmd < 0 && cmdHeaderRE.MatchString(h):
			cols.cmd = i
		}
		i++
	}
	if cols.id < 0 || cols.title < 0 || cols.cmd < 0 {
		// Without a command column a numbered table is an overview of
		// the plan ("| # | What | Who |"), not its steps.
		return nil
	}
	// Every row's ID cell must hold an ID.
	rows := 0
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		row, ok := r.(*east.TableRow)
		if !ok {
			continue
		}
		if _, ok := rowID(p, row, cols.id); !ok {
			return nil
		}
		rows++
	}
	if rows == 0 {
		return nil
	}
	return cols
}

// rowID is the ID in a row's ID cell ("3", "B1", "Step 4").
func rowID(p *mdParser, row *east.TableRow, col int) (string, bool) {
	c := cell(row, col)
	if c == nil {
		return "", false
	}
	t := strings.TrimSpace(inlineText(c, p.src, false))
	t = tableRowIDWord.ReplaceAllString(t, "")
	if !tableCellIDRE.MatchString(t) {
		return "", false
	}
	return strings.TrimSuffix(t, "."), true
}

// cell is column i of a row.
func cell(row ast.Node, i int) ast.Node {
	k := 0
	for c := row.FirstChild(); c != nil; c = c.NextSibling() {
		if k == i {
			return c
		}
		k++
	}
	return nil
}

// table makes steps of the rows of a table of steps. Any other table in a
// rollback section, outside a step, is content the reader cannot take as
// steps: the rollback gate cannot be GO over it.
func (p *mdParser) table(t *east.Table, nested bool) {
	cols := p.stepTable(t)
	line := p.nodeLine(t)
	if cols == nil || nested || (p.cur != nil && p.absorb) || p.mode == modeDocument || p.skipping {
		if cols == nil && (p.inRollback() || p.cur != nil && p.cur.Rollback) && !p.skipping {
			// Rows of hosts or actions in a rollback: a way back gonogo
			// cannot check, whether or not a step holds the table.
			p.gap(line, line+countRows(t), "a table")
		}
		return
	}
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		row, ok := r.(*east.TableRow)
		if !ok {
			continue
		}
		id, _ := rowID(p, row, cols.id)
		title := ""
		if c := cell(row, cols.title); c != nil {
			title = strings.TrimSpace(inlineText(c, p.src, false))
		}
		rl := p.nodeLine(row)
		if rl == 0 {
			rl = line
		}
		p.startStep(&Step{ID: id, Title: title, Line: rl}, formTable)
		p.absorb = false
		for _, ci := range []int{cols.cmd, cols.title} {
			if ci < 0 {
				continue
			}
			c := cell(row, ci)
			if c == nil {
				continue
			}
			ps := p.pieces(c)
			for k, x := range ps {
				if x.span == nil || !p.spanCommand(x.span, x.text, ci == cols.cmd || cueBefore(ps, k)) {
					continue
				}
				if x.line == 0 {
					x.line = rl
				}
				p.addScript(Script{Lang: "inline", Text: x.text, Line: x.line})
				p.cur.Commands = append(p.cur.Commands, Command{Text: x.text, Line: x.line})
			}
		}
	}
	// What follows a table belongs to no row.
	p.cur, p.top, p.form = nil, nil, 0
}

// countRows is the number of lines a table spans after its header line:
// the delimiter row and the body rows.
func countRows(t *east.Table) int {
	n := 0
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		n++
	}
	return n
}
