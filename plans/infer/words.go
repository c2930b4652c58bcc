package infer

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// value is what inference can say about one shell word without running
// anything: its literal text when it has one, or why it has none.
type value struct {
	// s is the word after quote removal, ~ and $VAR expansion.
	s string
	// raw is the word as written (after placeholder tokens were put back).
	raw string
	// dynamic is set when the word depends on something only known when
	// the command runs: $(…), arithmetic, $1, a loop variable, ${x/y/z}.
	dynamic bool
	// glob is set when the word holds an unquoted *, ? or [ … ].
	glob bool
	// placeholder is the placeholder found in the word ("<commit-hash>",
	// "$BACKUP_DIR (not set)"), "" when none.
	placeholder string
	// windows is set for C:\… and \\server\share paths.
	windows bool
}

// literal reports whether v is a plain string a probe can be built from.
func (v value) literal() bool {
	return !v.dynamic && !v.glob && v.placeholder == "" && !v.windows
}

// varState is what the walker knows about a shell variable assigned in the
// script itself.
type varState struct {
	val     string
	dynamic bool
}

// evaluator turns words into values. env answers for variables the script
// does not assign; vars holds the script's own assignments.
type evaluator struct {
	env  func(string) string
	vars map[string]varState
	// phs maps the tokens that stand in for <placeholders> back to their
	// text; see protectPlaceholders.
	phs map[string]string
}

// appendWords evaluates w, brace-expanding literal braces first
// ("f{,.old}" is two words), and appends its values to dst: a command's
// arguments are read into one slice, not a slice a word.
func (e *evaluator) appendWords(dst []value, w *syntax.Word) []value {
	if w == nil {
		return dst
	}
	if hasBraces(w) {
		c := cloneWord(w)
		if syntax.SplitBraces(c) {
			var out []value
			// Lazily, and at most 64 words: "a{1..99999999}" is not a
			// list of files anyone means to check.
			for x, err := range expand.BracesSeq(nil, c) {
				if err != nil || len(out) == 64 {
					return append(dst, value{s: "", raw: "", dynamic: true})
				}
				out = append(out, e.word(x))
			}
			return append(dst, out...)
		}
	}
	return append(dst, e.word(w))
}

func hasBraces(w *syntax.Word) bool {
	for _, p := range w.Parts {
		if l, ok := p.(*syntax.Lit); ok && strings.ContainsAny(l.Value, "{") {
			return true
		}
	}
	return false
}

// cloneWord copies the part list so SplitBraces does not change the tree
// other passes read.
func cloneWord(w *syntax.Word) *syntax.Word {
	c := &syntax.Word{Parts: make([]syntax.WordPart, len(w.Parts))}
	copy(c.Parts, w.Parts)
	return c
}

// word evaluates one word (no brace expansion).
func (e *evaluator) word(w *syntax.Word) value {
	var v value
	var sb, raw strings.Builder
	for i, p := range w.Parts {
		e.part(&v, &sb, &raw, p, i == 0, false)
	}
	v.s = sb.String()
	v.raw = e.restore(raw.String())
	if tok := findToken(v.s); tok != "" && v.placeholder == "" {
		v.placeholder = e.phs[tok]
	}
	v.s = e.restore(v.s)
	if v.placeholder == "" {
		v.placeholder = placeholderIn(v.s)
	}
	if isWindowsPath(v.raw) || isWindowsPath(v.s) {
		v.windows = true
	}
	return v
}

// part appends one word part's value to sb and its source to raw.
func (e *evaluator) part(v *value, sb, raw *strings.Builder, p syntax.WordPart, first, quoted bool) {
	switch p := p.(type) {
	case *syntax.Lit:
		raw.WriteString(p.Value)
		s := p.Value
		if !quoted {
			if first && strings.HasPrefix(s, "~") {
				rest := s[1:]
				user, after, _ := strings.Cut(rest, "/")
				if user != "" {
					v.dynamic = true // ~user: another account's home
				} else if home := e.lookup(v, "HOME", false); home != "" {
					s = home
					if strings.Contains(rest, "/") {
						s += "/" + after
					}
				}
			}
			if hasGlob(s) {
				v.glob = true
			}
			sb.WriteString(unescape(s, false))
		} else {
			sb.WriteString(unescape(s, true))
		}
	case *syntax.SglQuoted:
		raw.WriteString("'" + p.Value + "'")
		if p.Dollar && strings.Contains(p.Value, `\`) {
			v.dynamic = true
		}
		sb.WriteString(p.Value)
	case *syntax.DblQuoted:
		raw.WriteString(`"`)
		for _, q := range p.Parts {
			e.part(v, sb, raw, q, false, true)
		}
		raw.WriteString(`"`)
	case *syntax.ParamExp:
		e.param(v, sb, raw, p, quoted)
	case *syntax.ExtGlob:
		raw.WriteString(p.Op.String() + p.Pattern.Value + ")")
		v.glob = true
	default:
		// $(…), `…`, $((…)), <(…): only known when the command runs.
		raw.WriteString("$(…)")
		v.dynamic = true
	}
}

// param expands $NAME, ${NAME} and ${NAME:-default}; anything cleverer is
// dynamic.
func (e *evaluator) param(v *value, sb, raw *strings.Builder, p *syntax.ParamExp, quoted bool) {
	if p.Param == nil {
		v.dynamic = true
		raw.WriteString("${…}")
		return
	}
	name := p.Param.Value
	raw.WriteString("$" + name)
	plain := !p.Excl && !p.Length && !p.Width && p.Index == nil && p.Slice == nil &&
		p.Repl == nil && p.Names == 0 && p.NestedParam == nil && len(p.Modifiers) == 0
	if !plain || !isName(name) {
		v.dynamic = true // $1, $@, $?, ${#x}, ${x/a/b} …
		return
	}
	if p.Exp != nil {
		switch p.Exp.Op {
		case syntax.DefaultUnset, syntax.DefaultUnsetOrNull:
			if s := e.lookup(v, name, true); s != "" {
				sb.WriteString(s)
				return
			}
			if p.Exp.Word != nil {
				for _, q := range p.Exp.Word.Parts {
					e.part(v, sb, raw, q, false, quoted)
				}
			}
			return
		default:
			v.dynamic = true
			return
		}
	}
	s := e.lookup(v, name, false)
	if s == "" && !v.dynamic && v.placeholder == "" {
		v.placeholder = "$" + name + " (not set)"
	}
	if !quoted && hasGlob(s) {
		v.glob = true
	}
	if !quoted && strings.ContainsAny(s, " \t\n") {
		v.dynamic = true // split into several words: which is which is a guess
	}
	sb.WriteString(s)
}

// lookup finds a variable's value: the script's own assignment first, then
// the environment. quiet suppresses marking v dynamic.
func (e *evaluator) lookup(v *value, name string, quiet bool) string {
	if st, ok := e.vars[name]; ok {
		if st.dynamic && !quiet {
			v.dynamic = true
		}
		return st.val
	}
	if e.env == nil {
		return ""
	}
	return e.env(name)
}

var nameRe = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

func isName(s string) bool { return nameRe.MatchString(s) }

// hasGlob reports an unescaped *, ? or [ in unquoted text.
func hasGlob(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		case '[':
			if strings.Contains(s[i+1:], "]") {
				return true
			}
		}
	}
	return false
}

// unescape removes the backslashes the shell removes: every one outside
// quotes, only before $ ` " \ and newline inside double quotes.
func unescape(s string, dquoted bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			n := s[i+1]
			if !dquoted || strings.IndexByte("$`\"\\\n", n) >= 0 {
				if n != '\n' {
					b.WriteByte(n)
				}
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

var windowsRe = lazyre.New(`^(?:[A-Za-z]:[\\/]|\\\\[^\\]+\\)`)

// isWindowsPath reports C:\… , C:/… and \\server\share\… paths, which
// cannot be checked from this host.
func isWindowsPath(s string) bool {
	s = strings.Trim(s, `"'`)
	// Every match starts with a drive letter and a colon or with two
	// backslashes: the other words skip the regexp.
	if len(s) < 3 || s[1] != ':' && !strings.HasPrefix(s, `\\`) {
		return false
	}
	return windowsRe.MatchString(s)
}
