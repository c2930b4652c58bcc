package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func init() {
	register(Markdown, renderer{snapshot: func(w io.Writer, s *model.Snapshot, _ Options) error { return markdown(w, s) }})
}

// markdown writes the snapshot for pasting into a ticket or a pull request:
// the verdict as a heading, what to do, the reasons, a summary table (next
// step, rollback gate, pending requirements, sign-offs), the findings, the
// probes that did not hold, and the table of steps folded in a <details>
// block so that a long plan does not bury the answer.
func markdown(w io.Writer, s *model.Snapshot) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## gonogo: %s %s — %s\n\n", model.GateSymbol(s.Verdict), verdictWord(s.Verdict), headline(s))
	if s.Action != "" {
		fmt.Fprintf(&b, "**%s**\n\n", mdText(s.Action))
	}
	for _, r := range s.Blockers {
		fmt.Fprintf(&b, "- %s %s\n", model.GateSymbol(r.Gate), mdText(r.Text))
	}
	if len(s.Blockers) == 0 {
		for _, r := range s.Reasons {
			fmt.Fprintf(&b, "- %s\n", mdText(r))
		}
	}
	if len(s.Reasons) > 0 {
		b.WriteString("\n")
	}
	next := "none"
	if s.NextStep != "" {
		next = "`" + mdCode(s.NextStep) + "`"
		for _, v := range s.Steps {
			if v.Next {
				next += " " + mdCell(v.Title) + " (" + string(v.Status) + ")"
			}
		}
	}
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| **Verdict** | %s %s |\n", model.GateSymbol(s.Verdict), verdictWord(s.Verdict))
	fmt.Fprintf(&b, "| **Next step** | %s |\n", next)
	if s.At != "" {
		fmt.Fprintf(&b, "| **Operator at** | `%s` |\n", mdCode(s.At))
	}
	rb := model.GateSymbol(s.Rollback) + " " + verdictWord(s.Rollback)
	if note := s.RollbackNote(); note != "" {
		rb += " (" + note + ")"
	}
	fmt.Fprintf(&b, "| **Rollback** | %s |\n", mdCell(rb))
	for _, p := range s.Pending {
		fmt.Fprintf(&b, "| **Pending** | %s %s |\n", model.PendingSymbol, mdCell(pendingLine(p)))
	}
	for _, so := range s.SignOffs {
		fmt.Fprintf(&b, "| **Signed off** | %s |\n", mdCell(signOffLine(so)))
	}
	fmt.Fprintf(&b, "| **Plan** | `%s` |\n", mdCode(s.Plan))
	if s.Root != "" {
		fmt.Fprintf(&b, "| **Root** | `%s` |\n", mdCode(s.Root))
	}
	if !s.CheckedAt.IsZero() {
		fmt.Fprintf(&b, "| **Checked** | %s (%s) |\n", s.CheckedAt.UTC().Format("2006-01-02 15:04:05 UTC"), textfmt.Millis(s.DurationMS))
	}

	if len(s.Findings) > 0 {
		b.WriteString("\n### Findings\n\n")
		for _, f := range s.Findings {
			where := "step `" + mdCode(f.Step) + "`"
			if f.Step == "" {
				where = "plan" // a rollback section gonogo could not read as steps
			}
			if f.Line > 0 {
				where += fmt.Sprintf(", line %d", f.Line)
			}
			fmt.Fprintf(&b, "- **%s** (%s): %s", f.Severity, where, mdText(f.Message))
			if f.Hint != "" {
				fmt.Fprintf(&b, " — fix: %s", mdText(f.Hint))
			}
			b.WriteString("\n")
		}
	}
	if len(s.Warnings) > 0 {
		b.WriteString("\n### Plan warnings\n\n")
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "- %s\n", mdText(w))
		}
	}

	var failing []string
	for i := range s.Steps {
		v := &s.Steps[i]
		for j := range v.Probes {
			if v.Listed(&v.Probes[j]) {
				failing = mdProbes(failing, v.Ref(), v.Probes[j], "")
			}
		}
	}
	if len(failing) > 0 {
		b.WriteString("\n### Probes that did not hold\n\n")
		for _, l := range failing {
			b.WriteString(l + "\n")
		}
	}

	fmt.Fprintf(&b, "\n<details>\n<summary>Steps (%d)</summary>\n\n", len(s.Steps))
	b.WriteString("| Status | ID | Title | Phase | Probes | |\n|---|---|---|---|---|---|\n")
	for i := range s.Steps {
		v := &s.Steps[i]
		var tags []string
		if v.Next {
			tags = append(tags, "**next**")
		}
		if v.Rollback {
			tags = append(tags, "rollback")
		}
		if v.Regressed {
			tags = append(tags, "regressed")
		}
		if v.SignedOff != nil {
			tags = append(tags, mdCell("signed off by "+v.SignedOff.By))
		}
		fmt.Fprintf(&b, "| %s %s | `%s` | %s | %s | %s | %s |\n",
			model.StepSymbol(v.Status), v.Status, mdCode(v.Ref()), mdCell(v.Title), mdCell(v.Phase), v.Tally(), strings.Join(tags, ", "))
	}
	b.WriteString("\n</details>\n")

	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("write Markdown snapshot: %w", err)
	}
	return nil
}

func mdProbes(out []string, step string, p model.ProbeView, indent string) []string {
	if !p.NeedsAttention() && !p.Pending {
		return out
	}
	out = append(out, fmt.Sprintf("%s- `%s` %s %s %s `%s` (%s): %s",
		indent, mdCode(step), p.Symbol(), p.Word(), p.Role, mdCode(p.Label()), p.Source, mdText(p.Why())))
	for _, c := range p.Children {
		out = mdProbes(out, step, c, indent+"  ")
	}
	return out
}

// mdText keeps a text from the world on one line and inert in a ticket:
// outside its code spans "<" and ">" become entities, so no raw HTML from
// a probe's output or the plan reaches the page, and "[" and "]" are
// escaped, so it makes no link or image. A text with an unmatched backtick
// has its backticks turned into quotes first (a span left open would run
// into what follows).
func mdText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r", ""), "\n", " ")
	if strings.Count(s, "`")%2 == 1 {
		s = strings.ReplaceAll(s, "`", "'")
	}
	parts := strings.Split(s, "`")
	for i := 0; i < len(parts); i += 2 { // the even parts are outside code spans
		parts[i] = mdInert.Replace(parts[i])
	}
	return strings.Join(parts, "`")
}

// mdInert makes text outside code spans inert.
var mdInert = strings.NewReplacer("<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)

// mdCell escapes what would break a table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(mdText(s), "|", `\|`)
}

// mdCode keeps a code span intact: no backticks or pipes inside.
func mdCode(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(mdText(s), "`", "'"), "|", `\|`)
}
