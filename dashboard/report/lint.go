package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/infer"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// lint writes `gonogo lint`'s text report: the findings about the plan
// itself, the plan's warnings, every probe gonogo inferred from the plan's
// commands (with the command it came from) and the notes on commands it
// could not read, then the error and warning counts.
func lint(w io.Writer, s *model.Snapshot, o Options) error {
	var b strings.Builder
	var explicit, sidecar, inferred, steps int
	for i := range s.Steps {
		steps++
		for _, p := range s.Steps[i].Probes {
			switch p.Source {
			case spec.Explicit:
				explicit++
			case spec.Sidecar:
				sidecar++
			default:
				inferred++
			}
		}
	}
	fmt.Fprintf(&b, "%s: %s, %s (%d explicit, %d sidecar, %d inferred)\n",
		s.Plan, textfmt.Plural(steps, "step"), textfmt.Plural(explicit+sidecar+inferred, "probe"), explicit, sidecar, inferred)

	warns := 0
	if len(s.Findings) > 0 {
		b.WriteString("\nfindings\n")
		for _, f := range s.Findings {
			sev := "WARNING"
			if f.Severity == infer.SevError {
				sev = "ERROR"
			} else {
				warns++
			}
			loc := s.Plan
			if f.Line > 0 {
				loc += fmt.Sprintf(":%d", f.Line)
			}
			where := "step " + f.Step
			if f.Step == "" {
				where = "plan" // a rollback section gonogo could not read as steps
			}
			fmt.Fprintf(&b, "  %-8s %s: %s: %s\n", sev, loc, where, f.Message)
			if f.Hint != "" {
				fmt.Fprintf(&b, "  %-8s fix: %s\n", "", f.Hint)
			}
		}
	}
	if len(s.Warnings) > 0 {
		b.WriteString("\nplan warnings\n")
		for _, warning := range s.Warnings {
			b.WriteString("  " + warning + "\n")
			warns++
		}
	}

	var lines []string
	for i := range s.Steps {
		v := &s.Steps[i]
		for _, p := range v.Probes {
			if p.Source != spec.Inferred {
				continue
			}
			label := p.Label()
			if p.Name != "" && p.Target != "" {
				label += " [" + string(p.Kind) + " " + p.Target + "]"
			}
			l := fmt.Sprintf("  step %-6s line %-4d %-8s %s", v.Ref(), p.Line, p.Role, label)
			if p.From != "" {
				l += "  ← " + firstLineOf(p.From)
			}
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 {
		b.WriteString("\ninferred probes (read off the plan's commands; --no-infer turns them off)\n")
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	var notes []string
	for i := range s.Steps {
		v := &s.Steps[i]
		for _, n := range v.Notes {
			notes = append(notes, fmt.Sprintf("  step %s (line %d): %s", v.Ref(), v.Line, n))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nnotes\n")
		for _, n := range notes {
			b.WriteString(n + "\n")
		}
	}
	fmt.Fprintf(&b, "\n%s, %s\n", textfmt.Plural(s.Errors(), "error"), textfmt.Plural(warns, "warning"))
	out := b.String()
	if o.ASCII {
		out = model.ASCII(out)
	}
	_, err := io.WriteString(w, out)
	return err
}

// firstLineOf is the first line of a command, with " …" when more follow
// (a heredoc, a multi-line block).
func firstLineOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
