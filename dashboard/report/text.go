package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// ANSI SGR sequences used by the text table.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
)

// toneSGR is the SGR sequence of a tone in running text: the text
// report's side of the one status → colour table in dashboard/model.
func toneSGR(t model.Tone) string {
	switch t {
	case model.ToneGood:
		return "\x1b[32m"
	case model.ToneDone:
		return "\x1b[36m"
	case model.ToneBad:
		return "\x1b[31m"
	case model.ToneUnsure, model.TonePending:
		return "\x1b[33m"
	case model.ToneQuiet:
		return "\x1b[2m"
	}
	return ""
}

// toneBlock is the SGR sequence of a tone as a filled block (the verdict
// banner): the word on the tone's colour, bright white on red and plain
// black on green and yellow — never bold black, which many terminals draw
// as dark grey.
func toneBlock(t model.Tone) string {
	switch t {
	case model.ToneGood:
		return "\x1b[30;42m"
	case model.ToneBad:
		return "\x1b[1;97;41m"
	case model.ToneUnsure, model.TonePending:
		return "\x1b[30;43m"
	}
	return ansiBold
}

// maxReasons is how many reasons the text table lists under the verdict;
// the rest are in the step table.
const maxReasons = 8

// textWriter remembers the first write error so rendering code stays flat.
type textWriter struct {
	w   io.Writer
	o   Options
	err error
}

func (t *textWriter) line(s string) {
	if t.err != nil {
		return
	}
	if t.o.ASCII {
		s = model.ASCII(s)
		if t.o.Width > 0 && !textfmt.Fits(stripANSI(s), t.o.Width) {
			s = model.ASCII(cut(s, t.o.Width-2)) // "…" becomes "..."
		}
	} else if t.o.Width > 0 {
		s = cut(s, t.o.Width)
	}
	_, t.err = io.WriteString(t.w, s+"\n")
}

// wrap writes text after prefix, folded at word boundaries to the width so
// that no part of a message (the fix, usually at its end) is cut off; the
// following lines start with indent. Without a width it is one line.
func (t *textWriter) wrap(prefix, indent, text string) {
	if t.o.Width <= 0 {
		t.line(prefix + text)
		return
	}
	first := true
	for text != "" {
		lead := prefix
		if !first {
			lead = indent
		}
		room := t.o.Width - textfmt.Width(stripANSI(lead))
		if room < 20 { // too narrow to fold usefully: cut instead
			t.line(lead + text)
			return
		}
		head, rest := fold(text, room)
		t.line(lead + head)
		text, first = rest, false
	}
}

// fold splits s after at most n columns, at the last space when there is
// one, and returns the head and the rest without its leading spaces.
func fold(s string, n int) (string, string) {
	if textfmt.Fits(s, n) {
		return s, ""
	}
	w, cutAt, lastSpace := 0, 0, -1
	for i, r := range s {
		rw := textfmt.Width(string(r))
		if w+rw > n {
			cutAt = i
			break
		}
		if r == ' ' {
			lastSpace = i
		}
		w += rw
	}
	if lastSpace > 0 {
		cutAt = lastSpace
	}
	if cutAt == 0 { // a first rune wider than n
		_, size := utf8.DecodeRuneInString(s)
		cutAt = size
	}
	return strings.TrimRight(s[:cutAt], " "), strings.TrimLeft(s[cutAt:], " ")
}

// paint wraps s in an ANSI sequence when colour is on.
func (t *textWriter) paint(code, s string) string {
	if !t.o.Color || code == "" || s == "" {
		return s
	}
	return code + s + ansiReset
}

func init() {
	register(Text, renderer{snapshot: text, lint: lint})
}

// text writes the snapshot as a table a person reads at a glance: what to
// do now, the verdict with the reasons it is not GO, the next step, the
// rollback gate, pending requirements and sign-offs, findings about the
// plan, and every step with its status, ID, title and probes ok/total, the
// message of each failing probe under it — then the verdict and what to
// do once more, where a long output ends in a terminal or a log.
func text(w io.Writer, s *model.Snapshot, o Options) error {
	t := &textWriter{w: w, o: o}
	code := toneSGR(model.GateTone(s.Verdict))

	if s.Action != "" {
		t.wrap(t.paint(ansiBold, "▸ "), "  ", t.paint(ansiBold, s.Action))
	}
	// The verdict, big: a box a person finds at a glance in a scrolling log.
	verdict := verdictWord(s.Verdict)
	bar := strings.Repeat("━", textfmt.Width(verdict)+4)
	t.line(t.paint(code, "┏"+bar+"┓"))
	t.line(t.paint(code, "┃") + t.paint(toneBlock(model.GateTone(s.Verdict)), "  "+verdict+"  ") + t.paint(code, "┃") + "  " + t.paint(ansiBold, headline(s)))
	t.line(t.paint(code, "┗"+bar+"┛"))
	// Each reason with its gate's symbol: ✗ cannot run, ? could not check.
	type reason struct {
		gate model.Gate
		text string
	}
	var reasons []reason
	for _, b := range s.Blockers {
		reasons = append(reasons, reason{b.Gate, b.Text})
	}
	if len(s.Blockers) == 0 {
		for _, r := range s.Reasons { // a snapshot without blockers (older JSON)
			reasons = append(reasons, reason{s.Verdict, r})
		}
	}
	for i, r := range reasons {
		if i == maxReasons && len(reasons) > maxReasons+1 {
			t.line(fmt.Sprintf("  … and %d more (the steps below say which)", len(reasons)-maxReasons))
			break
		}
		t.wrap("  "+t.paint(toneSGR(model.GateTone(r.gate)), model.GateSymbol(r.gate))+" ", "    ", r.text)
	}
	t.line("")

	next := "none (every step is done)"
	for i := range s.Steps {
		if v := &s.Steps[i]; v.Next {
			next = v.Ref() + "  " + v.Title + "  [" + string(v.Status) + "]"
		}
	}
	if s.NextStep != "" && !strings.HasPrefix(next, s.NextStep+"  ") {
		next = s.NextStep // outside the --phase shown
	}
	if s.At != "" {
		next += "  (you said --at " + s.At + ")"
	}
	t.line("next step   " + next)
	rb := t.paint(toneSGR(model.GateTone(s.Rollback)), model.GateSymbol(s.Rollback)+" "+verdictWord(s.Rollback))
	if note := s.RollbackNote(); note != "" {
		rb += "  (" + note + ")"
	}
	t.line("rollback    " + rb)
	for i, p := range s.Pending {
		lead := "            "
		if i == 0 {
			lead = "pending     "
		}
		t.wrap(lead+t.paint(toneSGR(model.TonePending), model.PendingSymbol)+" ", "              ", pendingLine(p))
	}
	for i, so := range s.SignOffs {
		lead := "            "
		if i == 0 {
			lead = "signed off  "
		}
		t.line(lead + signOffLine(so))
	}
	plan := s.Plan
	if s.Root != "" {
		plan += "  (root " + s.Root + ")"
	}
	t.line("plan        " + plan)
	if !s.CheckedAt.IsZero() {
		t.line(fmt.Sprintf("checked     %s in %s", s.CheckedAt.UTC().Format("2006-01-02 15:04:05 UTC"), textfmt.Millis(s.DurationMS)))
	}

	if len(s.Findings) > 0 {
		t.line("")
		t.line(t.paint(ansiBold, "findings"))
		for _, f := range s.Findings {
			where := "step " + f.Step
			if f.Step == "" {
				where = "plan" // a rollback section gonogo could not read as steps
			}
			if f.Line > 0 {
				where += fmt.Sprintf(" (line %d)", f.Line)
			}
			sev := strings.ToUpper(string(f.Severity))
			code := toneSGR(model.ToneUnsure)
			if f.Severity == "error" {
				code = toneSGR(model.ToneBad)
			}
			t.wrap("  "+t.paint(code, textfmt.Pad(sev, 8)), "  "+textfmt.Pad("", 8), where+": "+f.Message)
			if f.Hint != "" {
				t.wrap("  "+textfmt.Pad("", 8), "  "+textfmt.Pad("", 8)+"     ", "fix: "+f.Hint)
			}
		}
	}
	if len(s.Warnings) > 0 {
		t.line("")
		t.line(t.paint(ansiBold, "plan warnings"))
		for _, w := range s.Warnings {
			t.wrap("  "+t.paint(toneSGR(model.ToneUnsure), "!")+" ", "    ", w)
		}
	}

	t.line("")
	t.stepTable(s.Steps)

	// The answer again, last: a long plan scrolls the top away.
	t.line("")
	t.wrap(t.paint(code, model.GateSymbol(s.Verdict)+" "+verdict)+"  ", "  ", t.paint(ansiBold, s.Action))
	return t.err
}

// verdictWord is a gate's word, "CHECKING" before it is decided.
func verdictWord(g model.Gate) string {
	if g == "" {
		return "CHECKING"
	}
	return string(g)
}

// pendingLine is one pending requirement: "rollback step 23 needs
// backup/db.dump: step 4 makes it (line 12: `pg_dump …`)".
func pendingLine(p model.Pending) string {
	s := "step " + p.Step + " needs " + p.What + ": step " + p.MadeBy + " makes it"
	if p.Line > 0 {
		s += fmt.Sprintf(" (line %d: `%s`)", p.Line, p.Command)
	}
	return s
}

// signOffLine is one sign-off: "step 8 by ann at 2026-02-26 21:04 UTC".
func signOffLine(so model.SignOff) string {
	s := "step " + so.Step
	if so.By != "" {
		s += " by " + so.By
	}
	if !so.At.IsZero() {
		s += " at " + so.At.UTC().Format("2006-01-02 15:04 UTC")
	}
	return s
}

func (t *textWriter) stepTable(steps []model.StepView) {
	if len(steps) == 0 {
		t.line("no steps to show")
		return
	}
	idW, titleW, phaseW := len("ID"), len("TITLE"), len("PHASE")
	for i := range steps {
		v := &steps[i]
		idW = max(idW, textfmt.Width(v.Ref()))
		titleW = max(titleW, textfmt.Width(v.Title))
		phaseW = max(phaseW, textfmt.Width(v.Phase))
	}
	titleW = min(titleW, 48)
	phaseW = min(phaseW, 24)
	const statusW = len("✗ UNKNOWN")
	if t.o.Width > 0 {
		// Fit the terminal, the tags ("← next", "rollback") included:
		// shorten titles to 30, then drop the phase column, then shorten
		// titles further.
		const tagsW = 2 + len("regressed")
		fixed := 2 + statusW + 2 + idW + 2 + 2 + len("PROBES") + tagsW
		if fixed+titleW+2+phaseW > t.o.Width {
			titleW = max(min(titleW, 30), t.o.Width-fixed-2-phaseW)
		}
		if fixed+titleW+2+phaseW > t.o.Width {
			phaseW = 0
		}
		if fixed+titleW > t.o.Width {
			titleW = max(12, t.o.Width-fixed)
		}
	}
	phaseCol := func(s string) string {
		if phaseW == 0 {
			return ""
		}
		return textfmt.Pad(cut(s, phaseW), phaseW) + "  "
	}
	t.line(t.paint(ansiBold, "  "+textfmt.Pad("STATUS", statusW)+"  "+textfmt.Pad("ID", idW)+"  "+textfmt.Pad("TITLE", titleW)+"  "+phaseCol("PHASE")+"PROBES"))
	indent := strings.Repeat(" ", 2+statusW+2)
	for i := range steps {
		v := &steps[i]
		mark := "  "
		if v.Next {
			mark = t.paint(ansiBold, "▶ ")
		}
		status := t.paint(toneSGR(model.StepTone(v.Status)), textfmt.Pad(model.StepSymbol(v.Status)+" "+string(v.Status), statusW))
		row := mark + status + "  " + textfmt.Pad(v.Ref(), idW) + "  " + textfmt.Pad(cut(v.Title, titleW), titleW) + "  " + phaseCol(v.Phase) + v.Tally().String()
		var tags []string
		if v.Next {
			tags = append(tags, "← next")
		}
		if v.Rollback {
			tags = append(tags, "rollback")
		}
		if v.Regressed {
			tags = append(tags, t.paint(toneSGR(model.ToneUnsure), "regressed"))
		}
		if len(tags) > 0 {
			row += "  " + strings.Join(tags, ", ")
		}
		t.line(strings.TrimRight(row, " "))
		for j := range v.Probes {
			if v.Listed(&v.Probes[j]) {
				t.probeLines(indent, v.Probes[j])
			}
		}
		for _, n := range v.Notes {
			t.wrap(indent, indent+"      ", "note: "+n)
		}
	}
}

// probeLines prints a probe that did not hold (or is pending), with the
// children of an any/all that explain why.
func (t *textWriter) probeLines(indent string, p model.ProbeView) {
	if !p.NeedsAttention() && !p.Pending {
		return
	}
	word := t.paint(toneSGR(p.Tone()), p.Symbol()+" "+p.Word())
	why := p.Why()
	if len(p.Children) > 0 {
		// "any: none of 2 holds: a: …; b: …" — the parts follow below.
		if parts := strings.SplitN(why, ": ", 3); len(parts) == 3 {
			why = parts[0] + ": " + parts[1]
		}
	}
	t.wrap(indent+word+"  ", indent+"  ", string(p.Role)+" "+p.Label()+": "+why)
	for _, c := range p.Children {
		t.probeLines(indent+"  ", c)
	}
}

// cut shortens s to at most n columns, ending in "…" when cut. ANSI
// sequences are kept whole and take no columns.
func cut(s string, n int) string {
	if n <= 0 || textfmt.Fits(stripANSI(s), n) {
		return s
	}
	var b strings.Builder
	w := 0
	colored := false
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				break
			}
			b.WriteString(s[i : i+j+1])
			colored = true
			i += j + 1
			continue
		}
		cl, rest, cw, _ := uniseg.FirstGraphemeClusterInString(s[i:], -1)
		if w+cw > n-1 {
			break
		}
		b.WriteString(cl)
		w += cw
		i = len(s) - len(rest)
	}
	b.WriteString("…")
	if colored {
		b.WriteString(ansiReset)
	}
	return b.String()
}

func stripANSI(s string) string {
	if !strings.Contains(s, "\x1b") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			if j := strings.IndexByte(s[i:], 'm'); j >= 0 {
				i += j
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
