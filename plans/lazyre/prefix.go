package lazyre

import (
	"regexp/syntax"
	"strings"
	"sync"
	"unicode"
)

// A pattern anchored at the start of the text ("^(?:overview|summary|…)")
// can only match a text that begins with one of a few short prefixes. Go's
// regexp finds that out by running its machine over a large alternation on
// every call, which is slow for a pattern asked of every heading of a long
// plan. MayMatchAt0 answers "certainly not" from the text's first bytes
// instead, and the caller runs the pattern only when it may match.

// prefixLen is how many bytes of the text the prefixes look at.
const prefixLen = 3

// prefix is a lower-case ASCII string a matching text starts with (in any
// case); open means the pattern's first bytes were not all known, so the
// text need only start with s.
type prefix struct {
	s    string
	open bool
}

// prefixes is what MayMatchAt0 knows about a pattern, computed once.
type prefixes struct {
	once sync.Once
	ok   bool // the pattern is anchored at the text's start and its prefixes are known
	list []string
}

// MayMatchAt0 reports whether r may match s. It is false only when r is
// anchored at the start of the text (^ outside multi-line mode, or \A) and
// s does not begin with any of the prefixes a match must begin with; then
// r certainly does not match s. It is true whenever that cannot be told
// from the first bytes of s (r not anchored, s not ASCII there).
func (r *Regexp) MayMatchAt0(s string) bool {
	r.pre.once.Do(func() { r.pre.ok, r.pre.list = anchoredPrefixes(r.pattern) })
	if !r.pre.ok {
		return true
	}
	for i := 0; i < len(s) && i < prefixLen; i++ {
		if s[i] >= 0x80 {
			return true // case folding reaches ASCII letters from beyond (K, ſ)
		}
	}
	for _, p := range r.pre.list {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return true
		}
	}
	return false
}

// anchoredPrefixes parses pattern and returns the prefixes every match of
// it starts with, when the pattern is anchored at the text's start.
func anchoredPrefixes(pattern string) (bool, []string) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return false, nil
	}
	if !anchoredAt0(re) {
		return false, nil
	}
	ps, ok := firsts(re, prefixLen)
	if !ok {
		return false, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range ps {
		if p.s == "" {
			return false, nil // a match may start with anything
		}
		if !seen[p.s] {
			seen[p.s] = true
			out = append(out, p.s)
		}
	}
	return true, out
}

// anchoredAt0 reports whether every match of re starts at the text's start.
func anchoredAt0(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginText:
		return true
	case syntax.OpCapture:
		return anchoredAt0(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if anchoredAt0(sub) {
				return true
			}
			if !zeroWidth(sub) {
				return false
			}
		}
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !anchoredAt0(sub) {
				return false
			}
		}
		return len(re.Sub) > 0
	}
	return false
}

func zeroWidth(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpBeginLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	return false
}

// maxPrefixes bounds the prefix list; a pattern with more gives up.
const maxPrefixes = 512

// firsts returns the prefixes, up to k bytes long, of the texts re
// matches; a prefix shorter than k that is not open is one re can end
// after. ok is false when they are not known (a pattern too wide to list).
func firsts(re *syntax.Regexp, k int) ([]prefix, bool) {
	if k == 0 {
		return []prefix{{}}, true
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpBeginLine, syntax.OpEndText, syntax.OpEndLine,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []prefix{{}}, true
	case syntax.OpLiteral:
		var b strings.Builder
		for _, c := range re.Rune {
			if b.Len() == k {
				break
			}
			if c >= 0x80 {
				// A non-ASCII rune: the text is not ASCII there and
				// MayMatchAt0 lets it through; what is known so far
				// is a prefix of every match.
				return []prefix{{s: b.String(), open: true}}, true
			}
			b.WriteRune(unicode.ToLower(c))
		}
		return []prefix{{s: b.String(), open: b.Len() < len(re.Rune)}}, true
	case syntax.OpCharClass:
		var out []prefix
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo >= 0x80 {
				continue // only non-ASCII texts, which MayMatchAt0 lets through
			}
			hi = min(hi, 0x7f)
			if hi-lo > 16 {
				return []prefix{{open: true}}, true
			}
			for c := lo; c <= hi; c++ {
				out = append(out, prefix{s: string(unicode.ToLower(c)), open: true})
			}
		}
		if len(out) == 0 {
			return []prefix{{open: true}}, true
		}
		return dedupe(out), true
	case syntax.OpCapture:
		return firsts(re.Sub[0], k)
	case syntax.OpQuest:
		ps, ok := firsts(re.Sub[0], k)
		return append(ps, prefix{}), ok
	case syntax.OpAlternate:
		var out []prefix
		for _, sub := range re.Sub {
			ps, ok := firsts(sub, k)
			if !ok {
				return nil, false
			}
			out = append(out, ps...)
			if len(out) > maxPrefixes {
				return nil, false
			}
		}
		return dedupe(out), true
	case syntax.OpConcat:
		cur := []prefix{{}}
		for _, sub := range re.Sub {
			var next []prefix
			for _, p := range cur {
				if p.open || len(p.s) == k {
					next = append(next, p)
					continue
				}
				ps, ok := firsts(sub, k-len(p.s))
				if !ok {
					return nil, false
				}
				for _, q := range ps {
					next = append(next, prefix{s: p.s + q.s, open: q.open})
				}
			}
			cur = dedupe(next)
			if len(cur) > maxPrefixes {
				return nil, false
			}
		}
		return cur, true
	}
	// Repetition, any character, anything else: nothing is known of the
	// first byte on.
	return []prefix{{open: true}}, true
}

func dedupe(ps []prefix) []prefix {
	seen := make(map[prefix]bool, len(ps))
	out := ps[:0:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// MatchStringAt0 is MatchString for a pattern anchored at the text's
// start, with MayMatchAt0 asked first: the heading classifiers, asked of
// every heading of a plan, rule most headings out from their first
// letters.
func (r *Regexp) MatchStringAt0(s string) bool { return r.MayMatchAt0(s) && r.MatchString(s) }
