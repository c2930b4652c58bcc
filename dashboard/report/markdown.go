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
// the verdict as a heading, the reasons, next step and rollback gate, the
// findings, a table of steps and the probes that did not hold.
func markdown(w io.Writer, s *model.Snapshot) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## gonogo: %s — %s\n\n", s.Verdict, headline(s))
	for _, r := range s.Reasons {
		fmt.Fprintf(&b, "- %s\n", mdText(r))
	}
	if len(s.Reasons) > 0 {
		b.WriteString("\n")
	}
	next := "none"
	if s.NextStep != "" {
		next = "`" + s.NextStep + "`"
		for _, v := range s.Steps {
			if v.Next {
				next += " " + mdText(v.Title) + " (" + string(v.Status) + ")"
			}
		}
	}
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| **Verdict** | %s |\n", s.Verdict)
	fmt.Fprintf(&b, "| **Next step** | %s |\n", next)
	if s.At != "" {
		fmt.Fprintf(&b, "| **Operator at** | `%s` |\n", s.At)
	}
	fmt.Fprintf(&b, "| **Rollback** | %s |\n", s.Rollback)
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
			where := "step `" + f.Step + "`"
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

	b.WriteString("\n### Steps\n\n")
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
		fmt.Fprintf(&b, "| %s %s | `%s` | %s | %s | %s | %s |\n",
			model.StepSymbol(v.Status), v.Status, mdCode(v.Ref()), mdCell(v.Title), mdCell(v.Phase), v.Tally(), strings.Join(tags, ", "))
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
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("write Markdown snapshot: %w", err)
	}
	return nil
}

func mdProbes(out []string, step string, p model.ProbeView, indent string) []string {
	if !p.NeedsAttention() {
		return out
	}
	out = append(out, fmt.Sprintf("%s- `%s` %s %s `%s` (%s): %s",
		indent, mdCode(step), p.Status, p.Role, mdCode(p.Label()), p.Source, mdText(p.Message)))
	for _, c := range p.Children {
		out = mdProbes(out, step, c, indent+"  ")
	}
	return out
}

// mdText keeps a message on one line.
func mdText(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r", ""), "\n", " ")
}

// mdCell escapes what would break a table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(mdText(s), "|", `\|`)
}

// mdCode keeps a code span intact: no backticks or pipes inside.
func mdCode(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(mdText(s), "`", "'"), "|", `\|`)
}
