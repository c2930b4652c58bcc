package plans

import (
	"bytes"
	"regexp"
)

// admonitionRE matches the opening line of a MkDocs / Python-Markdown
// admonition (!!! note), a collapsible one (??? / ???+) or a content tab
// (=== "Tab"), at the start of a line.
var admonitionRE = regexp.MustCompile(`^(?:(?:!!!|\?\?\?\+?)[ \t]+\w|===\+?[ \t]+")`)

// dedentAdmonitions un-indents the bodies of MkDocs admonitions and content
// tabs by four columns, so the Markdown inside them (a ```bash fence, say)
// is read as Markdown rather than as one indented code block. Lines keep
// their numbers. CommonMark renderers show such bodies as code; runbooks
// written for MkDocs mean them as nested Markdown.
func dedentAdmonitions(src []byte) []byte {
	if !bytes.Contains(src, []byte("!!!")) && !bytes.Contains(src, []byte("???")) && !bytes.Contains(src, []byte("===")) {
		return src
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	out := make([]byte, 0, len(src))
	in, fence := false, false
	for _, l := range lines {
		switch {
		case !fence && admonitionRE.Match(l):
			in = true
		case in && len(bytes.TrimSpace(l)) == 0:
		case in && bytes.HasPrefix(l, []byte("    ")):
			l = l[4:]
		case in && bytes.HasPrefix(l, []byte("\t")):
			l = l[1:]
		default:
			in = false
		}
		if !in {
			// Do not take "=== " inside a top-level code fence for a tab.
			if t := bytes.TrimLeft(l, " "); bytes.HasPrefix(t, []byte("```")) || bytes.HasPrefix(t, []byte("~~~")) {
				fence = !fence
			}
		}
		out = append(out, l...)
	}
	return out
}
