package infer

import (
	"fmt"
	"strings"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/lazyre"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// A Script carries its text and first line, but when comment-numbered
// steps split one shell block ("# 1. Back up", "# 2. Install"), the lines
// above a step's slice — "cd /etc/haproxy", "BACKUP=/srv/bk" — still set
// where its relative paths point. And console blocks lose their output
// lines, so a command's offset in Text is not its offset in the plan. Both
// are read back from the plan file itself, when it can be read.

// fileLines returns the plan file's lines, read once; nil when the plan
// has no readable file (a plan parsed from memory).
func (a *Analysis) fileLines() []string {
	if a.linesRead {
		return a.lines
	}
	a.linesRead = true
	if a.plan == nil || a.plan.File == "" {
		return nil
	}
	// The plan reader's own read: a file swapped for a FIFO since the
	// plan was loaded must not block here either.
	b, err := plans.ReadFile(a.plan.File, "plan", plans.MaxPlanSize)
	if err != nil {
		return nil
	}
	a.lines = strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	return a.lines
}

var fenceRe = lazyre.New("^\\s*(```|~~~)")

// opensBlock reports whether plan line i (0-based) is a fence that opens a
// code block rather than closing one. Fences inside block quotes ("> ```")
// are not seen at all, so a block quote's code never borrows context from
// an unrelated block above it.
func (a *Analysis) opensBlock(i int) bool {
	if a.opening == nil {
		a.opening = map[int]bool{}
		var openChar byte
		openLen := 0
		for j, l := range a.fileLines() {
			t := strings.TrimSpace(l)
			if !strings.HasPrefix(t, "```") && !strings.HasPrefix(t, "~~~") {
				continue
			}
			c := t[0]
			n := len(t) - len(strings.TrimLeft(t, string(c)))
			switch {
			case openLen == 0:
				openChar, openLen = c, n
				a.opening[j] = true
			case c == openChar && n >= openLen && strings.TrimSpace(t[n:]) == "":
				openLen = 0 // the closing fence
			}
		}
	}
	return a.opening[i]
}

// blockPrefix is the text of sc's shell block above sc (prompts stripped),
// "" when sc starts its block or the file cannot tell.
func (a *Analysis) blockPrefix(sc plans.Script) string {
	lines := a.fileLines()
	if sc.Line < 2 || sc.Line-1 > len(lines) {
		return ""
	}
	// lines[sc.Line-1] is sc's first line; walk up to the opening fence.
	first := -1
	for i := sc.Line - 2; i >= 0; i-- {
		if fenceRe.MatchString(lines[i]) {
			first = i + 1
			break
		}
	}
	if first < 0 || first >= sc.Line-1 || !a.opensBlock(first-1) {
		return ""
	}
	pre := lines[first : sc.Line-1]
	if !firstLineMatches(sc.Text, lines[sc.Line-1]) {
		return "" // the file is not the text the plan was parsed from
	}
	prompted := false
	for _, l := range pre {
		if _, ok := plans.PromptLine(l); ok {
			prompted = true
		}
	}
	var out []string
	for _, l := range pre {
		if prompted {
			cmd, ok := plans.PromptLine(l)
			if !ok {
				continue // program output
			}
			l = cmd
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// firstLineMatches reports whether the plan line is (after a prompt) the
// first line of text.
func firstLineMatches(text, planLine string) bool {
	t, _, _ := strings.Cut(text, "\n")
	t = strings.TrimSpace(t)
	return t == "" || strings.HasSuffix(strings.TrimSpace(planLine), t)
}

// lineMap maps each line of sc.Text to its plan line: line i of the text
// is the next plan line at or after the previous one that ends with it.
// Without the file, lines are consecutive from sc.Line.
func (a *Analysis) lineMap(sc plans.Script) []int {
	tl := strings.Split(sc.Text, "\n")
	out := make([]int, len(tl))
	lines := a.fileLines()
	if sc.Line < 1 || sc.Line > len(lines) || !firstLineMatches(sc.Text, lines[sc.Line-1]) {
		lines = nil // not the text the plan was parsed from
	}
	next := sc.Line - 1 // 0-based index of the plan line to try first
	for i, t := range tl {
		out[i] = sc.Line + i
		if lines == nil || next < 0 {
			continue
		}
		t = strings.TrimSpace(t)
		for j := next; j < len(lines) && j < next+200; j++ {
			if strings.HasSuffix(strings.TrimSpace(lines[j]), t) {
				out[i] = j + 1
				next = j + 1
				break
			}
		}
	}
	return out
}

// context walks the block text above a script quietly and returns where
// its cd left the shell and the variables it set.
func (a *Analysis) context(sc plans.Script, w *walker) {
	pre := a.blockPrefix(sc)
	if strings.TrimSpace(pre) == "" {
		return
	}
	src := protectPlaceholders(pre, w.ev.phs)
	f, err := parseBash(src)
	if err != nil {
		return
	}
	scratchA := *a
	scratchA.programs = map[*spec.Probe]string{}
	scratchA.memo = &memo{}
	scratch := &walker{
		a: &scratchA, src: src, line: 1, base: w.base, ev: w.ev, funcs: w.funcs,
		st: &stepInfo{step: &plans.Step{}, leaves: map[string]*spec.Probe{},
			made: map[string]bool{}, gone: map[string]bool{}, programs: map[string]bool{}, noted: map[string]bool{}},
	}
	scratch.stmts(f.Stmts)
	w.base = scratch.base
	if len(scratch.sessions) > 0 && a.scriptWhere(sc) == "" {
		// "ssh inv-app-1" above the "# 1." comment: the step's lines
		// run there.
		where := scratch.sessions[len(scratch.sessions)-1]
		w.sessions = append(w.sessions, scratch.sessions...)
		w.st.note(fmt.Sprintf("line %d: these commands run %s, opened above them in the block; gonogo does not check them from this host", sc.Line, where))
	}
}
