package infer

import (
	"strings"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/redact"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// Runbooks write a fallback as prose between two blocks:
//
//	```bash
//	git checkout HEAD -- config_chromadb.py
//	```
//	If you made a backup before starting:
//	```bash
//	cp /backup/config_chromadb.py .
//	```
//
// The second block is another way to do what the first does, exactly like
// "git checkout HEAD -- config_chromadb.py || cp /backup/config_chromadb.py .",
// so the step needs any of the two ways' requirements, not both.

// fallbackPrefixes start a lead (plans.Script.Lead) that offers its
// script as another way to do what the scripts above it do.
var fallbackPrefixes = []string{
	"if ", "or ", "or,", "otherwise", "alternatively", "else", "failing that",
	"fallback", "fall back", "if that fails", "if you made a backup",
}

// isFallbackLead reports whether a script's lead reads as an alternative:
// it starts (case-insensitive, after trimming) with "if ", "or ",
// "otherwise", "alternatively", "else", "failing that", "fallback", or
// contains the word "instead".
func isFallbackLead(lead string) bool {
	l := strings.ToLower(strings.TrimSpace(lead))
	if l == "" {
		return false
	}
	for _, p := range fallbackPrefixes {
		// Whole words only: "elsewhere" is no "else".
		if strings.HasPrefix(l, p) && (len(l) == len(p) || !isLetter(l[len(p)]) || !isLetter(p[len(p)-1])) {
			return true
		}
	}
	for _, f := range strings.FieldsFunc(l, func(r rune) bool { return r > 0x7f || !isLetter(byte(r)) }) {
		if f == "instead" {
			return true
		}
	}
	return false
}

// readScripts reads a step's scripts in order. Scripts are grouped into
// ways: a script with a fallback lead opens another way of the group of
// scripts above it; a script without a lead (a block right after a block)
// continues the way above it; any other lead ("Then verify:") closes the
// group and starts a new one. A group of several ways needs any of its
// ways' requirements (each way an all, or its one probe); what the ways
// make (done probes) is kept as it is.
func (a *Analysis) readScripts(st *stepInfo, scripts []plans.Script) {
	var groups [][][]plans.Script // group → way → scripts
	prevAlt, prevSet := "", 0
	for _, sc := range scripts {
		n := len(groups)
		switch {
		case sc.Alt != "" && n > 0 && prevAlt != "" && sc.AltSet == prevSet && sc.Alt != prevAlt:
			// Option B after Option A, the "Binary" tab after "Docker":
			// another way of the same set.
			groups[n-1] = append(groups[n-1], []plans.Script{sc})
		case sc.Alt != "" && n > 0 && sc.Alt == prevAlt && sc.AltSet == prevSet:
			g := groups[n-1]
			g[len(g)-1] = append(g[len(g)-1], sc)
		case sc.Alt != "" || (n > 0 && prevAlt != ""):
			// The first way of a set, or the first script after one.
			groups = append(groups, [][]plans.Script{{sc}})
		case n > 0 && isFallbackLead(sc.Lead):
			groups[n-1] = append(groups[n-1], []plans.Script{sc})
		case n > 0 && sc.Lead == "":
			g := groups[n-1]
			g[len(g)-1] = append(g[len(g)-1], sc)
		default:
			groups = append(groups, [][]plans.Script{{sc}})
		}
		prevAlt, prevSet = sc.Alt, sc.AltSet
	}
	for _, ways := range groups {
		if len(ways) == 1 {
			for _, sc := range ways[0] {
				st.attach(a.readScript(st, sc, nil))
			}
			continue
		}
		g := &altGroup{line: ways[0][0].Line}
		for _, way := range ways {
			g.ways = append(g.ways, wayText(way))
		}
		g.cmd = strings.Join(g.ways, " || ")
		reqs := make([][]*spec.Probe, len(ways))
		for i, way := range ways {
			for _, sc := range way {
				f := a.readScript(st, sc, &alt{group: g, branch: i})
				reqs[i] = append(reqs[i], f.reqs...)
				st.dones = append(st.dones, f.dones...)
			}
		}
		st.requires = append(st.requires, a.eitherReqs(reqs, g)...)
	}
}

// maxWay bounds a way's text in names and findings.
const maxWay = 120

// wayText is a way's commands on one line ("a; b"), secrets redacted.
func wayText(way []plans.Script) string {
	var cmds []string
	for _, sc := range way {
		for _, l := range strings.Split(sc.Text, "\n") {
			l = strings.TrimSpace(promptRe.ReplaceAllString(l, ""))
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			cmds = append(cmds, l)
		}
	}
	t := redact.String(strings.Join(cmds, "; "))
	if r := []rune(t); len(r) > maxWay {
		t = string(r[:maxWay-1]) + "…"
	}
	return t
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
