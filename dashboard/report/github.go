package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/infer"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// GitHub is GitHub Actions' workflow commands: ::error and ::warning
// annotations that point at the plan's lines, shown on the run and on the
// pull request's diff. Run gonogo from the repository's top so the plan's
// path is the one GitHub knows.
const GitHub Format = "github"

func init() {
	register(GitHub, renderer{snapshot: githubSnapshot, lint: githubLint})
}

// githubSnapshot annotates what stands in the way — each of the model's
// blockers, at its probe's line (the command it was read from, for an
// inferred one) or its step's, and each regressed step — then the
// findings, and ends with the verdict and the action as a notice.
func githubSnapshot(w io.Writer, s *model.Snapshot, _ Options) error {
	var b strings.Builder
	for _, bl := range s.Blockers {
		level := "error"
		if bl.Gate != model.GateNoGo {
			level = "warning"
		}
		line := 0
		if v := s.Step(bl.Step); v != nil {
			line = v.Line
			for j := range v.Probes {
				if p := &v.Probes[j]; p.Label() == bl.Probe && p.Line > 0 {
					line = p.Line
					break
				}
			}
		}
		msg := bl.Text
		if bl.Fix != "" {
			msg += "\nfix: " + bl.Fix
		}
		annotate(&b, level, s.Plan, line, "gonogo: "+string(bl.Gate), msg)
	}
	for i := range s.Steps {
		v := &s.Steps[i]
		if !v.Regressed {
			continue
		}
		for j := range v.Probes {
			if p := &v.Probes[j]; v.Listed(p) {
				line := p.Line
				if line == 0 {
					line = v.Line
				}
				annotate(&b, "error", s.Plan, line, "gonogo: step "+v.Ref()+" regressed", p.Label()+": "+p.Message)
			}
		}
	}
	findingAnnotations(&b, s)
	summary := fmt.Sprintf("%s; next step %s; rollback %s", s.Action, orNone(s.NextStep), s.Rollback)
	annotate(&b, "notice", s.Plan, 0, "gonogo "+string(s.Verdict), summary)
	_, err := io.WriteString(w, b.String())
	return err
}

// githubLint annotates lint's findings, plan warnings and notes, and ends
// with the counts.
func githubLint(w io.Writer, s *model.Snapshot, _ Options) error {
	var b strings.Builder
	findingAnnotations(&b, s)
	for i := range s.Steps {
		v := &s.Steps[i]
		for _, n := range v.Notes {
			annotate(&b, "notice", s.Plan, v.Line, "gonogo: step "+v.Ref(), n)
		}
	}
	errs := s.Errors()
	annotate(&b, "notice", s.Plan, 0, "gonogo lint", textfmt.Plural(errs, "error")+", "+textfmt.Plural(len(s.Findings)-errs+len(s.Warnings), "warning"))
	_, err := io.WriteString(w, b.String())
	return err
}

// findingAnnotations annotates the findings at their lines, and the plan's
// warnings on the plan.
func findingAnnotations(b *strings.Builder, s *model.Snapshot) {
	for _, f := range s.Findings {
		level := "warning"
		if f.Severity == infer.SevError {
			level = "error"
		}
		msg := f.Message
		if f.Hint != "" {
			msg += "\nfix: " + f.Hint
		}
		annotate(b, level, s.Plan, f.Line, "gonogo: step "+f.Step, msg)
	}
	for _, w := range s.Warnings {
		annotate(b, "warning", s.Plan, 0, "gonogo", w)
	}
}

// annotate writes one workflow command: ::LEVEL file=F,line=N,title=T::MSG
// with GitHub's escaping, so a message with a newline, a comma or a colon
// stays one annotation.
func annotate(b *strings.Builder, level, file string, line int, title, msg string) {
	props := []string{"file=" + ghProperty(file)}
	if line > 0 {
		props = append(props, fmt.Sprintf("line=%d", line))
	}
	props = append(props, "title="+ghProperty(title))
	fmt.Fprintf(b, "::%s %s::%s\n", level, strings.Join(props, ","), ghData(msg))
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
