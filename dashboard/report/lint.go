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
	// The report goes straight to w (buffered by WriteLint): on a plan of
	// 10,000 steps it is megabytes, and growing it in a strings.Builder
	// first cost more than writing it. In ASCII it is gathered to be
	// transliterated as a whole.
	ew := &errWriter{w: w}
	var b io.Writer = ew
	var ascii *strings.Builder
	if o.ASCII {
		ascii = &strings.Builder{}
		b = ascii
	}
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
	fmt.Fprintf(b, "%s: %s, %s (%d explicit, %d sidecar, %d inferred)\n",
		s.Plan, textfmt.Plural(steps, "step"), textfmt.Plural(explicit+sidecar+inferred, "probe"), explicit, sidecar, inferred)

	warns := 0
	if len(s.Findings) > 0 {
		io.WriteString(b, "\nfindings\n")
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
			fmt.Fprintf(b, "  %-8s %s: %s: %s\n", sev, loc, where, f.Message)
			if f.Hint != "" {
				fmt.Fprintf(b, "  %-8s fix: %s\n", "", f.Hint)
			}
		}
	}
	if len(s.Warnings) > 0 {
		io.WriteString(b, "\nplan warnings\n")
		for _, warning := range s.Warnings {
			io.WriteString(b, "  "+warning+"\n")
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
		io.WriteString(b, "\ninferred probes (read off the plan's commands; --no-infer turns them off)\n")
		for _, l := range lines {
			io.WriteString(b, l)
			io.WriteString(b, "\n")
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
		io.WriteString(b, "\nnotes\n")
		for _, n := range notes {
			io.WriteString(b, n)
			io.WriteString(b, "\n")
		}
	}
	fmt.Fprintf(b, "\n%s, %s\n", textfmt.Plural(s.Errors(), "error"), textfmt.Plural(warns, "warning"))
	if ascii != nil {
		io.WriteString(ew, model.ASCII(ascii.String()))
	}
	return ew.err
}

// errWriter passes writes on to w until one fails, and keeps that error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
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
