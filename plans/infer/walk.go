package infer

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/lazyre"
	"github.com/gonogo-dev/gonogo/plans/redact"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// frag is what a piece of shell needs before it runs and what holds once it
// has run, as probes.
type frag struct {
	reqs  []*spec.Probe
	dones []*spec.Probe
}

func (f *frag) add(g *frag) {
	if g == nil {
		return
	}
	f.reqs = append(f.reqs, g.reqs...)
	f.dones = append(f.dones, g.dones...)
}

// walker reads one script of one step.
type walker struct {
	a    *Analysis
	st   *stepInfo
	src  string // script text with placeholders swapped for tokens
	line int    // plan line of the script's first line
	// fixedLine, when set, is the line of every command (the text of a
	// "bash -c '…'" string).
	fixedLine int
	// lmap maps a line of the script to its plan line.
	lmap []int
	// texts remembers text(n): redacting is not cheap.
	texts map[syntax.Node]string
	// lineOff is the script line the text being walked starts at.
	lineOff int
	ev      *evaluator
	// base is the folder relative paths resolve against; "" when a cd to
	// somewhere unknown made it unknowable.
	base string
	// cond > 0 inside if/while/for/case bodies and "|| true": the plan
	// copes when what they need is missing.
	cond  int
	alt   *alt
	funcs map[string]bool
	depth int
	// out gathers the script's probes, chunk by chunk.
	out *frag
	// sessions are the interactive sessions the script has opened ("ssh
	// db-1", "docker exec -it app sh", "su - postgres"), innermost last:
	// while any is open, the lines run there, not on this host, and
	// nothing is read for probes. exit/logout closes one.
	sessions []string
	// pipe > 0 inside a pipeline, whose commands read their input from it.
	pipe int
}

var promptRe = lazyre.New(`(?m)^([ \t]*)\$ `)

// readScript walks one script of st and returns what it needs and makes.
// al places its needs in one way of a prose alternative (nil otherwise).
func (a *Analysis) readScript(st *stepInfo, sc plans.Script, al *alt) *frag {
	text := sc.Text
	if strings.Contains(text, "$ ") {
		text = promptRe.ReplaceAllString(text, "$1")
	}
	phs := map[string]string{}
	w := &walker{
		a: a, st: st, line: sc.Line, base: a.root,
		ev:    &evaluator{env: a.env, vars: map[string]varState{}, phs: phs},
		funcs: map[string]bool{},
		lmap:  a.lineMap(sc),
		alt:   al,
		out:   &frag{},
	}
	w.setBase(a.root)
	if sc.Lang != "inline" {
		// An inline command stands alone: no block above it to read.
		a.context(sc, w)
	}
	if where := a.scriptWhere(sc); where != "" {
		w.sessions = append(w.sessions, where)
		st.note(fmt.Sprintf("line %d: these commands run %s; gonogo does not check them from this host", sc.Line, where))
	}
	budget := maxParseNotes
	w.chunk(strings.Split(protectPlaceholders(text, phs), "\n"), 0, &budget)
	return w.out
}

// maxParseNotes bounds the "could not read shell" notes of one script.
const maxParseNotes = 5

// chunk parses and walks lines (starting at line off of the script). A
// line the shell parser rejects — prose pasted into a block, an
// apostrophe opening a quote that never closes — is noted and skipped,
// and the lines around it are still read, in order.
func (w *walker) chunk(lines []string, off int, budget *int) {
	if len(lines) == 0 || *budget <= 0 {
		return
	}
	src := strings.Join(lines, "\n")
	f, err := parseBash(src)
	if err == nil {
		w.src, w.lineOff, w.texts = src, off, nil
		w.out.add(w.stmts(f.Stmts))
		return
	}
	*budget--
	bad, msg := len(lines)-1, err.Error()
	var pe syntax.ParseError
	if asParseError(err, &pe) {
		msg = pe.Text
		if l := int(pe.Pos.Line()) - 1; l >= 0 && l < len(lines) {
			bad = l
		}
	}
	line := w.line + off + bad
	if off+bad < len(w.lmap) {
		line = w.lmap[off+bad]
	}
	if *budget == 0 {
		w.st.note(fmt.Sprintf("line %d: could not read shell: %s; nothing more inferred from this block", line, w.ev.restore(msg)))
		return
	}
	w.st.note(fmt.Sprintf("line %d: could not read shell: %s; that line is skipped", line, w.ev.restore(msg)))
	w.chunk(lines[:bad], off, budget)
	w.chunk(lines[bad+1:], off+bad+1, budget)
}

func asParseError(err error, pe *syntax.ParseError) bool {
	if e, ok := err.(syntax.ParseError); ok {
		*pe = e
		return true
	}
	return false
}

// attach adds a script's probes to the step, once each.
func (st *stepInfo) attach(fr *frag) {
	st.requires = append(st.requires, fr.reqs...)
	st.dones = append(st.dones, fr.dones...)
}

func (st *stepInfo) note(s string) {
	if st.noted[s] {
		return
	}
	st.noted[s] = true
	st.notes = append(st.notes, s)
}

// lineOf is the plan line of a node.
func (w *walker) lineOf(n syntax.Node) int {
	if w.fixedLine > 0 {
		return w.fixedLine
	}
	i := int(n.Pos().Line()) - 1 + w.lineOff
	if i >= 0 && i < len(w.lmap) {
		return w.lmap[i]
	}
	return w.line + i
}

// collapseSpace replaces each run of white space (RE2's \s: tab, newline,
// form feed, carriage return, space) with one space.
func collapseSpace(t string) string {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }
	clean := true
	for i := 0; i < len(t); i++ {
		if c := t[i]; c != ' ' && isSpace(c) || c == ' ' && i+1 < len(t) && isSpace(t[i+1]) {
			clean = false
			break
		}
	}
	if clean {
		return t
	}
	var b strings.Builder
	b.Grow(len(t))
	for i := 0; i < len(t); i++ {
		if !isSpace(t[i]) {
			b.WriteByte(t[i])
			continue
		}
		b.WriteByte(' ')
		for i+1 < len(t) && isSpace(t[i+1]) {
			i++
		}
	}
	return b.String()
}

// text is a node's source, one line, placeholders restored, secrets
// redacted.
func (w *walker) text(n syntax.Node) string {
	if t, ok := w.texts[n]; ok {
		return t
	}
	t := w.textOf(n)
	if w.texts == nil {
		w.texts = map[syntax.Node]string{}
	}
	w.texts[n] = t
	return t
}

func (w *walker) textOf(n syntax.Node) string {
	s, e := int(n.Pos().Offset()), int(n.End().Offset())
	if s < 0 || e > len(w.src) || s >= e {
		return ""
	}
	t := w.src[s:e]
	if hasHeredoc(n) {
		// The body is data, not the command: keep the command's line.
		t = firstLine(t)
	}
	t = strings.ReplaceAll(t, "\\\n", " ")
	t = strings.TrimSpace(collapseSpace(t))
	t = strings.TrimSuffix(t, ";")
	// Redacted whole, then clipped, so no secret is cut where its rule no
	// longer finds it.
	return clipText(redact.String(w.ev.restore(t)), maxCmd)
}

// maxCmd bounds a command's text where it is quoted: probe Why, finding
// messages, notes. Every need of a command carries its text, so a `cp`
// of 20,000 sources quoted whole in each of its 20,000 needs made the
// findings and the report quadratic in the command's length (issue 13).
const maxCmd = 240

// rawText is a node's source with placeholders restored.
func (w *walker) rawText(n syntax.Node) string {
	s, e := int(n.Pos().Offset()), int(n.End().Offset())
	if s < 0 || e > len(w.src) || s >= e {
		return ""
	}
	return w.ev.restore(w.src[s:e])
}

// hasHeredoc reports a here-document anywhere in n.
func hasHeredoc(n syntax.Node) bool {
	found := false
	syntax.Walk(n, func(x syntax.Node) bool {
		if r, ok := x.(*syntax.Redirect); ok && (r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc) {
			found = true
		}
		return !found
	})
	return found
}

// firstLine is s up to its first newline that does not continue a line.
func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' && (i == 0 || s[i-1] != '\\') {
			return s[:i]
		}
	}
	return s
}

func (w *walker) stmts(list []*syntax.Stmt) *frag {
	f := &frag{}
	for i, s := range list {
		if i%256 == 255 && w.a.stopped() {
			break // AnalyzeContext returns the context's error
		}
		f.add(w.stmt(s))
	}
	return f
}

func (w *walker) stmt(s *syntax.Stmt) *frag {
	if s == nil {
		return nil
	}
	if len(w.sessions) > 0 {
		w.elsewhere(s)
		return nil
	}
	f := &frag{}
	// Input redirections are opened before the command runs.
	f.add(w.redirs(s, true))
	switch c := s.Cmd.(type) {
	case *syntax.CallExpr:
		f.add(w.call(s, c))
	case *syntax.BinaryCmd:
		f.add(w.binary(c))
	case *syntax.Block:
		f.add(w.stmts(c.Stmts))
	case *syntax.Subshell:
		base, vars := w.base, w.ev.vars
		w.ev.vars = copyVars(vars)
		f.add(w.stmts(c.Stmts))
		w.base, w.ev.vars = base, vars
	case *syntax.IfClause:
		w.cond++
		for ic := c; ic != nil; ic = ic.Else {
			f.add(w.stmts(ic.Cond))
			f.add(w.stmts(ic.Then))
		}
		w.cond--
	case *syntax.WhileClause:
		w.cond++
		f.add(w.stmts(c.Cond))
		f.add(w.stmts(c.Do))
		w.cond--
	case *syntax.ForClause:
		if wi, ok := c.Loop.(*syntax.WordIter); ok && wi.Name != nil {
			w.ev.vars[wi.Name.Value] = varState{dynamic: true}
		}
		w.cond++
		f.add(w.stmts(c.Do))
		w.cond--
	case *syntax.CaseClause:
		w.cond++
		for _, it := range c.Items {
			f.add(w.stmts(it.Stmts))
		}
		w.cond--
	case *syntax.TimeClause:
		f.add(w.stmt(c.Stmt))
	case *syntax.DeclClause:
		for _, as := range c.Args {
			w.assign(as, c.Variant != nil && c.Variant.Value == "local")
		}
	case *syntax.FuncDecl:
		// A function's body runs only if called; its name is not a program.
		if c.Name != nil {
			w.funcs[c.Name.Value] = true
		}
	}
	f.add(w.redirs(s, false))
	return f
}

// setBase moves the walker to folder d ("" = unknown) and keeps $PWD in
// step: $PWD is where the operator's shell is, not where gonogo runs.
func (w *walker) setBase(d string) {
	w.base = d
	if d == "" {
		w.ev.vars["PWD"] = varState{dynamic: true}
		return
	}
	w.ev.vars["PWD"] = varState{val: d}
}

func copyVars(m map[string]varState) map[string]varState {
	c := make(map[string]varState, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// assign records NAME=value so later $NAME reads it.
func (w *walker) assign(as *syntax.Assign, dynamic bool) {
	if as == nil || as.Name == nil {
		return
	}
	name := as.Name.Value
	if as.Value == nil || as.Array != nil || as.Index != nil || as.Append || dynamic {
		if as.Value == nil && !as.Naked {
			w.ev.vars[name] = varState{}
			return
		}
		if as.Naked && as.Value == nil {
			return // "export NAME": keeps its value
		}
		w.ev.vars[name] = varState{dynamic: true}
		return
	}
	v := w.ev.word(as.Value)
	w.ev.vars[name] = varState{val: v.s, dynamic: v.dynamic || v.placeholder != "" || v.windows}
}

// binary handles a && b, a || b and pipelines.
func (w *walker) binary(c *syntax.BinaryCmd) *frag {
	if c.Op == syntax.Pipe || c.Op == syntax.PipeAll {
		w.pipe++
		defer func() { w.pipe-- }()
	}
	if c.Op != syntax.OrStmt {
		f := w.stmt(c.X)
		if f == nil {
			f = &frag{}
		}
		f.add(w.stmt(c.Y))
		return f
	}
	switch handler(c.Y) {
	case handlerFail:
		// "a || exit 1": a's needs stand on their own.
		return w.stmt(c.X)
	case handlerIgnore:
		// "a || true": the plan copes when a fails.
		w.cond++
		defer func() { w.cond-- }()
		return w.stmt(c.X)
	}
	ways := orChain(c)
	if len(ways) > maxWays {
		// Reading fewer ways would make the choice stricter than it is.
		w.st.note(fmt.Sprintf("line %d: `%s` offers %d ways to do one thing: more than gonogo reads (%d), so it checks none of them",
			w.lineOf(c), clipText(w.text(c), 80), len(ways), maxWays))
		return nil
	}
	g := &altGroup{line: w.lineOf(c), cmd: w.text(c), ways: make([]string, len(ways))}
	for i, way := range ways {
		g.ways[i] = w.text(way)
	}
	outer := w.alt
	reqs := make([][]*spec.Probe, len(ways))
	var dones [][]*spec.Probe // of the ways that make something
	for i, way := range ways {
		w.alt = &alt{group: g, branch: i}
		// A failed way may have left the shell anywhere; the next one
		// starts where it did.
		if f := w.stmt(way); f != nil {
			reqs[i] = f.reqs
			if len(f.dones) > 0 {
				dones = append(dones, f.dones)
			}
		}
	}
	w.alt = outer
	out := &frag{reqs: w.a.eitherReqs(reqs, g)}
	switch len(dones) {
	case 0:
	case 1:
		out.dones = dones[0]
	default:
		out.dones = []*spec.Probe{w.a.combine(spec.Done, dones, g)}
	}
	return out
}

// maxWays bounds the ways of one "a || b || …" that inference reads.
const maxWays = 1000

// orChain lists the ways of "a || b || c", which the parser nests as
// ((a || b) || c): one group of three ways, not groups inside groups,
// whose names and messages would each quote all the ways inside them — a
// line of 500 alternatives took 24 s and 2.4 GB (issue 13). A way that is
// itself "x || exit 1" error handling, or a grouped "(a || b)", stays one
// way.
func orChain(c *syntax.BinaryCmd) []*syntax.Stmt {
	var rev []*syntax.Stmt
	for {
		rev = append(rev, c.Y)
		x := c.X
		inner, ok := x.Cmd.(*syntax.BinaryCmd)
		if !ok || inner.Op != syntax.OrStmt || handler(inner.Y) != handlerNone ||
			len(x.Redirs) > 0 || x.Negated || x.Background || x.Coprocess {
			rev = append(rev, x)
			break
		}
		c = inner
	}
	slices.Reverse(rev)
	return rev
}

// eitherReqs is the requirement of alternative ways whose requirements
// are branches: one any of them, or, when a way needs nothing, the
// others' requirements as warnings (they cannot block). It records which
// branches are empty in g.
func (a *Analysis) eitherReqs(branches [][]*spec.Probe, g *altGroup) []*spec.Probe {
	g.empty = make([]bool, len(branches))
	anyEmpty := false
	var flat []*spec.Probe
	for i, b := range branches {
		g.empty[i] = len(b) == 0
		anyEmpty = anyEmpty || len(b) == 0
		flat = append(flat, b...)
	}
	if !anyEmpty {
		return []*spec.Probe{a.combine(spec.Requires, branches, g)}
	}
	// One way needs nothing, so the others' needs cannot block.
	for _, r := range flat {
		warnAll(r)
	}
	return flat
}

func warnAll(ps *spec.Probe) {
	ps.Severity = spec.Warn
	for _, c := range ps.Children {
		warnAll(c)
	}
}

// combine builds any(all(branch 1), all(branch 2), …); a branch of one
// probe stays that probe.
func (a *Analysis) combine(role spec.Role, branches [][]*spec.Probe, g *altGroup) *spec.Probe {
	var kids []*spec.Probe
	var names []string
	sev := spec.Warn
	for _, list := range branches {
		b := list[0]
		if len(list) > 1 {
			b = &spec.Probe{
				Role: role, Source: spec.Inferred, Kind: spec.KindAll,
				Name: "all of: " + labels(list), Children: list,
				File: a.plan.File, Line: g.line, Why: g.cmd,
			}
		}
		if b.Severity != spec.Warn {
			sev = spec.Block
		}
		kids = append(kids, b)
		names = append(names, b.Label())
	}
	name := "either will do"
	if role == spec.Done {
		name = "done either way"
	}
	return &spec.Probe{
		Role: role, Source: spec.Inferred, Kind: spec.KindAny, Severity: sev,
		Name:     name + ": " + strings.Join(names, " | "),
		Children: kids,
		File:     a.plan.File, Line: g.line, Why: g.cmd,
	}
}

func labels(list []*spec.Probe) string {
	var s []string
	for _, p := range list {
		s = append(s, p.Label())
	}
	return strings.Join(s, ", ")
}

type handlerKind int

const (
	handlerNone   handlerKind = iota
	handlerFail               // exit/return/false: stop on failure
	handlerIgnore             // true/:, echo only: carry on regardless
)

// handler classifies the right side of "a || b": error handling such as
// "|| exit 1" or "|| true" is not an alternative way to do a.
func handler(s *syntax.Stmt) handlerKind {
	if s == nil {
		return handlerNone
	}
	switch c := s.Cmd.(type) {
	case *syntax.Block:
		return handlerList(c.Stmts)
	case *syntax.Subshell:
		return handlerList(c.Stmts)
	case *syntax.BinaryCmd:
		if c.Op == syntax.AndStmt || c.Op == syntax.Pipe {
			return handlerList([]*syntax.Stmt{c.X, c.Y})
		}
	case *syntax.CallExpr:
		if len(c.Args) == 0 {
			return handlerNone
		}
		switch c.Args[0].Lit() {
		case "exit", "return", "false", "die", "fail", "abort":
			return handlerFail
		case "true", ":", "echo", "printf", "logger":
			return handlerIgnore
		}
	}
	return handlerNone
}

func handlerList(list []*syntax.Stmt) handlerKind {
	k := handlerNone
	for _, s := range list {
		switch handler(s) {
		case handlerNone:
			return handlerNone
		case handlerFail:
			k = handlerFail
		case handlerIgnore:
			if k == handlerNone {
				k = handlerIgnore
			}
		}
	}
	return k
}

// redirs handles a statement's redirections: inputs (< F) before the
// command, outputs (> F, >> F) after it.
func (w *walker) redirs(s *syntax.Stmt, inputs bool) *frag {
	if len(s.Redirs) == 0 {
		return nil
	}
	f := &frag{}
	line, cmd := w.lineOf(s), w.text(s)
	prog := stmtProg(s)
	for _, r := range s.Redirs {
		if r.Word == nil {
			continue
		}
		switch r.Op {
		case syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
			// The text fed to psql is SQL: read it for DROP/TRUNCATE.
			body := r.Hdoc
			if r.Op == syntax.WordHdoc {
				body = r.Word
			}
			if inputs && prog == "psql" && body != nil {
				if t := w.rawText(body); t != "" {
					w.sql(t, cmdCtx{prog: prog, line: line, text: cmd})
				}
			}
		case syntax.RdrIn, syntax.RdrInOut:
			if !inputs {
				continue
			}
			v := w.ev.word(r.Word)
			f.add(w.requireFile(v, false, "input of "+prog+" exists", prog, line, cmd, ""))
		case syntax.RdrOut, syntax.RdrClob, syntax.RdrAll, syntax.RdrAllClob:
			if inputs || (r.N != nil && r.N.Value != "1") {
				continue // 2> err.log is a side file, not what the step makes
			}
			v := w.ev.word(r.Word)
			if w.special(v) {
				continue
			}
			if spec := versionRedirect(s, r, v); spec != "" {
				w.st.lint(line, fmt.Sprintf("`%s`: the shell reads the > in the unquoted `%s` as a redirection, so %s runs without the version bound and writes its output to a file named `%s`",
					cmd, spec, prog, v.s), "quote it: '"+spec+"'")
				continue
			}
			f.add(w.doneFile(v, "output of "+prog+" written", line, cmd))
		case syntax.AppOut, syntax.AppAll, syntax.AppClob, syntax.AppAllClob:
			if !inputs {
				continue
			}
			v := w.ev.word(r.Word)
			if w.special(v) {
				continue
			}
			f.add(w.requireFolderOf(v, "folder for >> exists", ">>", line, cmd))
			if p := w.resolve(v); p != "" {
				w.produce(p, false, evProduce, line, cmd, ">>")
			}
		}
	}
	return f
}

// special reports /dev/null and other device and process files, which no
// probe should look at.
func (w *walker) special(v value) bool {
	return strings.HasPrefix(v.s, "/dev/") || strings.HasPrefix(v.s, "/proc/") || v.s == "-"
}

func stmtProg(s *syntax.Stmt) string {
	if c, ok := s.Cmd.(*syntax.CallExpr); ok && len(c.Args) > 0 {
		if l := c.Args[0].Lit(); l != "" {
			p := filepath.Base(l)
			if p == "sudo" || p == "env" || p == "nohup" || p == "time" {
				for _, a := range c.Args[1:] {
					if l := a.Lit(); l != "" && !strings.HasPrefix(l, "-") && !strings.Contains(l, "=") {
						return filepath.Base(l)
					}
				}
			}
			return p
		}
	}
	return "the command"
}

// opensSession reports where the lines after a command run, when the
// command opens an interactive session there (plans.SessionOpener): "ssh
// db-1", "su - postgres", "docker exec -it app sh", an interactive psql.
// A command fed from a pipe or a redirect is not interactive.
func (w *walker) opensSession(s *syntax.Stmt, args []value) string {
	if w.pipe > 0 || len(args) == 0 {
		return ""
	}
	for _, r := range s.Redirs {
		switch r.Op {
		case syntax.RdrIn, syntax.RdrInOut, syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
			return ""
		}
	}
	words := make([]string, 0, len(args))
	for _, a := range args {
		if !a.literal() {
			return ""
		}
		words = append(words, a.s)
	}
	return plans.SessionOpener(words)
}

// elsewhere reads a statement typed into an open session: exit or logout
// closes the session, a session opened inside it nests, and nothing else
// is read — the files it names are on another machine, in a container, or
// SQL at a database prompt.
func (w *walker) elsewhere(s *syntax.Stmt) {
	c, ok := s.Cmd.(*syntax.CallExpr)
	if !ok || len(c.Args) == 0 {
		return
	}
	switch c.Args[0].Lit() {
	case "exit", "logout", `\q`, "quit", `\quit`:
		w.sessions = w.sessions[:len(w.sessions)-1]
		return
	}
	var words []string
	for _, a := range c.Args {
		words = append(words, a.Lit())
	}
	if where := plans.SessionOpener(words); where != "" && w.pipe == 0 {
		w.sessions = append(w.sessions, where)
	}
}

// noteRemote notes, once per step and target, that a command runs on
// another machine or in a container and is not checked from this host.
func (w *walker) noteRemote(prog string, args []value, line int, text string) {
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i].s
		if strings.HasPrefix(a, "-") {
			if prog == "ssh" && len(a) == 2 && strings.ContainsAny(a[1:], "bcDEeFIiJLlmOopQRSWw") {
				i++ // an option with a value
			}
			continue
		}
		if !args[i].literal() {
			return
		}
		pos = append(pos, a)
	}
	target := ""
	switch {
	case prog == "ssh" && len(pos) > 0:
		target = "on " + pos[0][strings.LastIndexByte(pos[0], '@')+1:]
	case (prog == "docker" || prog == "podman") && len(pos) > 1 && pos[0] == "exec":
		target = "in the container " + pos[1]
	case (prog == "docker" || prog == "podman") && len(pos) > 2 && pos[0] == "compose" && (pos[1] == "exec" || pos[1] == "run"):
		target = "in the compose service " + pos[2]
	case prog == "kubectl" && len(pos) > 0 && pos[0] == "exec":
		target = "in a pod"
	}
	if target == "" || w.st.remoteNoted[target] {
		return
	}
	if w.st.remoteNoted == nil {
		w.st.remoteNoted = map[string]bool{}
	}
	w.st.remoteNoted[target] = true
	w.st.note(fmt.Sprintf("line %d: `%s` runs %s; gonogo does not check what it does there", line, clipText(text, 80), target))
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// scriptWhere is where a script's lines run when the plan says so: the
// session an earlier command of the step opened (plans.Script.Session), or
// the machine of the prompt they were typed at, unless that is this host.
func (a *Analysis) scriptWhere(sc plans.Script) string {
	if sc.Session != "" {
		return sc.Session
	}
	if sc.Prompt == "" {
		return ""
	}
	user, host, _ := strings.Cut(sc.Prompt, "@")
	if a.localHost(host) {
		return ""
	}
	return "on " + host + " as " + user + " (the prompt " + sc.Prompt + ")"
}

// localHost reports whether a prompt's host is the machine gonogo runs on.
func (a *Analysis) localHost(host string) bool {
	if host == "" || host == "localhost" {
		return true
	}
	if a.hostname == "" {
		a.hostname, _ = os.Hostname()
		if a.hostname == "" {
			a.hostname = "\x00"
		}
	}
	h := strings.ToLower(a.hostname)
	short, _, _ := strings.Cut(h, ".")
	host = strings.ToLower(host)
	return host == h || host == short
}

// versionRedirect reports a version bound the shell took for a
// redirection: "pip install pkg>=2.7" unquoted is "pip install pkg" with
// its output in a file named "=2.7". It returns the bound as the author
// wrote it ("pkg>=2.7"), "" when the redirection is a real one: the
// operator must touch the word before it and the file name start with
// "=" or a digit.
func versionRedirect(s *syntax.Stmt, r *syntax.Redirect, v value) string {
	if r.Op != syntax.RdrOut || r.N != nil || v.s == "" || !(v.s[0] == '=' || v.s[0] >= '0' && v.s[0] <= '9') {
		return ""
	}
	c, ok := s.Cmd.(*syntax.CallExpr)
	if !ok {
		return ""
	}
	for _, a := range c.Args {
		if a.End().Offset() == r.OpPos.Offset() {
			name := a.Lit()
			if name == "" || strings.HasPrefix(name, "-") {
				return ""
			}
			return name + ">" + v.s
		}
	}
	return ""
}

// bashParsers keeps shell parsers for reuse (a parser may parse again once
// it is done, not concurrently): each holds 2 KiB of buffers, and a plan of
// 10,000 shell blocks allocated a new one for every block and command.
var bashParsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}

// parseBash parses src as bash with a pooled parser.
func parseBash(src string) (*syntax.File, error) {
	p := bashParsers.Get().(*syntax.Parser)
	defer bashParsers.Put(p)
	return p.Parse(strings.NewReader(src), "")
}
