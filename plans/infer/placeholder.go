package infer

import (
	"strconv"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// Runbooks leave blanks for the operator to fill in: <commit-hash>,
// vx.x.x, YOUR_HOST, /path/to/backup, …. A probe built from a blank would
// check a file nobody will ever create, so inference notes the blank on the
// step instead.

// angleRe matches <placeholder> blanks. Written into a shell line they read
// as redirections ("git checkout <commit-hash>" would redirect from a file
// "commit-hash" and then fail to parse), so they are swapped for inert
// tokens before parsing and put back afterwards. Spaces are allowed only
// between words, so "sort <in >out" stays a pair of redirections.
var angleRe = lazyre.New(`<(?:[A-Za-z][A-Za-z0-9_.:/@=-]*(?: [A-Za-z][A-Za-z0-9_.:/@=-]*)*|\.\.\.|…)>`)

const tokenPrefix = "__gonogo_ph"

var tokenRe = lazyre.New(tokenPrefix + `[0-9]+__`)

// protectPlaceholders replaces each <blank> in text with a token the shell
// parser reads as a plain word, and records token → blank in phs.
func protectPlaceholders(text string, phs map[string]string) string {
	if !strings.Contains(text, "<") {
		return text
	}
	n := len(phs)
	out := angleRe.ReplaceAllStringFunc(text, func(m string) string {
		tok := tokenPrefix + strconv.Itoa(n) + "__"
		n++
		phs[tok] = m
		return tok
	})
	return out
}

// findToken returns the first placeholder token in s, "" when none.
func findToken(s string) string { return tokenRe.FindString(s) }

// restore puts the blanks back in place of their tokens.
func (e *evaluator) restore(s string) string {
	if !strings.Contains(s, tokenPrefix) {
		return s
	}
	return tokenRe.ReplaceAllStringFunc(s, func(tok string) string {
		if b, ok := e.phs[tok]; ok {
			return b
		}
		return tok
	})
}

// placeholderRes are the blanks runbooks use besides <…>. Each must not
// match a real path or name: upper-case XXX and TODO, lower-case your-.
// Each comes with the text any match of it contains, so that the words of
// a plan — nearly all without a blank — skip the regexp (every word of
// every command is asked).
var placeholderRes = []struct {
	re    *lazyre.Regexp
	needs func(string) bool
}{
	{lazyre.New(`…`), has("…")},
	{lazyre.New(`\.\.\.`), has("...")},
	{lazyre.New(`<[^<>]*>`), has("<")},
	{lazyre.New(`\bYOUR_[A-Za-z0-9_]*|\b[Yy]our[-_][A-Za-z0-9_-]+`), has("YOUR_", "our-", "our_")},
	{lazyre.New(`(?i)\bv?x\.x(?:\.x)?\b`), has("x.", "X.")},
	{lazyre.New(`(?i)\bv?x\.y\.z\b`), has("x.", "X.")},
	{lazyre.New(`(?:^|/)path/to(?:/|$)`), has("path/to")},
	// Upper-case only, with _ counting as a separator: XXXX_add.sql.
	{lazyre.New(`(?:^|[^A-Za-z0-9])(XXX+|CHANGE_?ME|TODO|REPLACE_?ME|FIXME)(?:[^A-Za-z0-9]|$)`), has("XXX", "CHANGE", "TODO", "REPLACE", "FIXME")},
	{lazyre.New(`\{\{[^}]*\}\}`), has("{{")},
}

// has is a test that s contains one of subs.
func has(subs ...string) func(string) bool {
	return func(s string) bool {
		for _, sub := range subs {
			if strings.Contains(s, sub) {
				return true
			}
		}
		return false
	}
}

// placeholderIn returns the blank found in s, "" when none.
func placeholderIn(s string) string {
	for _, p := range placeholderRes {
		if !p.needs(s) {
			continue
		}
		if m := p.re.FindStringSubmatch(s); m != nil {
			if len(m) > 1 {
				return m[1]
			}
			return strings.TrimPrefix(m[0], "/")
		}
	}
	return ""
}
