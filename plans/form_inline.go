package plans

import (
	"path/filepath"
	"strings"

	"github.com/yuin/goldmark/ast"
	"mvdan.cc/sh/v3/syntax"
)

// prose handles a paragraph inside the current step that is not its title:
// its text becomes the lead of a block right below it, and a code span in
// it that reads as a command gonogo understands ("If you made a backup
// before starting: `cp /backup/config_chromadb.py .`") becomes a Script of
// Lang "inline". Paragraphs outside steps, headings and tables never give
// commands. With commands false (a top-level paragraph after a list step's
// list, which may be the next phase's intro as much as the item's
// continuation) only the lead is kept.
func (p *mdParser) prose(n ast.Node, commands bool) {
	p.lead = ""
	if p.cur == nil || n == p.title {
		return
	}
	var before strings.Builder // text since the last command span
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.CodeSpan:
				code, line := p.codeSpan(c)
				if !commands || !inlineCommand(code) {
					before.WriteString(code)
					continue
				}
				lead := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(before.String()), ",;.)"))
				p.cur.Scripts = append(p.cur.Scripts, Script{Lang: "inline", Text: code, Line: line, Lead: lead})
				p.cur.Commands = append(p.cur.Commands, Command{Text: code, Line: line})
				before.Reset()
			case *ast.Link, *ast.Image:
				// A code span in a link names a page, not a command.
				before.WriteString(inlineText(c, p.src, false))
			case *ast.Text:
				before.Write(c.Segment.Value(p.src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					before.WriteByte(' ')
				}
			case *ast.String:
				before.Write(c.Value)
			case *ast.RawHTML:
			default:
				walk(c)
			}
		}
	}
	walk(n)
	p.lead = strings.TrimSpace(inlineText(n, p.src, false))
}

// codeSpan is a code span's text and line.
func (p *mdParser) codeSpan(c *ast.CodeSpan) (string, int) {
	var b strings.Builder
	line := 0
	for t := c.FirstChild(); t != nil; t = t.NextSibling() {
		if tx, ok := t.(*ast.Text); ok {
			if line == 0 {
				line = p.lineOf(tx.Segment.Start)
			}
			b.Write(tx.Segment.Value(p.src))
			if tx.SoftLineBreak() {
				b.WriteByte(' ')
			}
		}
	}
	return strings.TrimSpace(b.String()), line
}

// inlinePrograms are the programs whose inline commands become scripts:
// the ones inference reads for files, git and services. Anything else in
// backticks — a file name, a setting, a SQL keyword — stays prose.
var inlinePrograms = map[string]bool{
	"cp": true, "mv": true, "rsync": true, "install": true, "tar": true,
	"git": true, "systemctl": true, "service": true,
	"pg_dump": true, "pg_restore": true, "psql": true, "tee": true,
}

// inlineCommand reports whether a code span's text parses as shell whose
// every command runs one of inlinePrograms (directly or under sudo) with
// at least one argument: "cp /backup/config.py .", "git checkout HEAD --
// config.py || cp /backup/config.py .". "config.py", "VECTOR_STORE=chroma"
// and a bare "git" are not commands.
func inlineCommand(s string) bool {
	if s == "" || strings.ContainsAny(s, "\n`") {
		return false
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(s), "")
	if err != nil || len(f.Stmts) == 0 {
		return false
	}
	for _, st := range f.Stmts {
		if !inlineStmt(st) {
			return false
		}
	}
	return true
}

func inlineStmt(st *syntax.Stmt) bool {
	if st == nil || st.Background || st.Negated {
		return false
	}
	switch c := st.Cmd.(type) {
	case *syntax.BinaryCmd:
		return inlineStmt(c.X) && inlineStmt(c.Y)
	case *syntax.CallExpr:
		args := c.Args
		if len(args) > 0 && args[0].Lit() == "sudo" {
			args = args[1:]
			for len(args) > 0 && strings.HasPrefix(args[0].Lit(), "-") {
				if sudoValueFlags[args[0].Lit()] && len(args) > 1 {
					args = args[1:] // sudo -u postgres …
				}
				args = args[1:]
			}
		}
		if len(args) < 2 {
			return false
		}
		prog := args[0].Lit()
		base := filepath.Base(prog)
		return prog != "" && inlinePrograms[base] && (prog == base || filepath.IsAbs(prog))
	}
	return false
}

// sudoValueFlags are sudo's options that take a value ("-u postgres").
var sudoValueFlags = map[string]bool{"-u": true, "-g": true, "-C": true, "-D": true, "-h": true, "-p": true, "-r": true, "-t": true, "-U": true, "-T": true}
