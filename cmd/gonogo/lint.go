package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/redact"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func newLintCmd(ios *IOStreams, getenv func(string) string) *cobra.Command {
	var (
		root, probesFile string
		noExec           bool
		timeout          time.Duration
	)
	cmd := &cobra.Command{
		Use:   "lint [flags] PLAN.md",
		Short: "Check a plan itself: findings, and the probes gonogo reads off its commands",
		Long: `lint reads the plan and its commands (without running them) and reports
problems with the plan itself — a rollback step that restores a backup no step
creates, a file it checks out of git that was never committed — together with
the probes gonogo infers from each step's commands and the notes on steps it
could not read. The probes run once, as with --once (--no-exec keeps command
probes from running), because some findings depend on the present state: is
the file committed? does the backup exist?

Exit codes: 0 no error finding, 1 an error finding, 2 the plan cannot be read.`,
		Example: `  gonogo lint docs/plans/migrate.md
  gonogo lint --probes migrate.probes.yaml docs/plans/migrate.md`,
		Args:          planArg,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			sess, err := model.NewSession(model.Options{Plan: args[0], Root: root, Probes: probesFile, NoExec: noExec, Timeout: timeout, Env: getenv})
			if err != nil {
				return planError(err)
			}
			snap := sess.Check(cmd.Context(), model.CheckOptions{Force: true})
			errs := writeLint(ios, sess.Plan(), snap)
			if errs > 0 {
				return &exitError{code: exitNoGo}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&root, "root", "", "folder relative probe paths resolve against")
	fl.StringVar(&probesFile, "probes", "", "sidecar YAML `FILE` with probe blocks keyed by step ID")
	fl.BoolVar(&noExec, "no-exec", false, "never run command probes")
	fl.DurationVar(&timeout, "timeout", 0, "bound on the probes lint runs")
	return cmd
}

// writeLint prints the lint report and returns the number of error
// findings.
func writeLint(ios *IOStreams, p *plans.Plan, snap *model.Snapshot) int {
	w := ios.Out
	var explicit, sidecar, inferred int
	for _, st := range p.Steps {
		for _, sp := range st.Probes {
			switch sp.Source {
			case spec.Explicit:
				explicit++
			case spec.Sidecar:
				sidecar++
			default:
				inferred++
			}
		}
	}
	fmt.Fprintf(w, "%s: %d steps, %d phases, %d probes (%d explicit, %d sidecar, %d inferred)\n",
		p.File, len(p.Steps), len(p.Phases), explicit+sidecar+inferred, explicit, sidecar, inferred)

	errs, warns := 0, 0
	if len(snap.Findings) > 0 {
		fmt.Fprintln(w, "\nfindings")
		for _, f := range snap.Findings {
			sev := "WARNING"
			if f.Severity == "error" {
				sev = "ERROR"
				errs++
			} else {
				warns++
			}
			loc := p.File
			if f.Line > 0 {
				loc += fmt.Sprintf(":%d", f.Line)
			}
			fmt.Fprintf(w, "  %-8s %s: step %s: %s\n", sev, loc, f.Step, f.Message)
			if f.Hint != "" {
				fmt.Fprintf(w, "  %-8s fix: %s\n", "", f.Hint)
			}
		}
	}
	if len(snap.Warnings) > 0 {
		fmt.Fprintln(w, "\nplan warnings")
		for _, s := range snap.Warnings {
			fmt.Fprintln(w, "  "+s)
			warns++
		}
	}

	var lines []string
	for _, st := range p.Steps {
		for _, sp := range st.Probes {
			if sp.Source != spec.Inferred {
				continue
			}
			label := sp.Label()
			if sp.Name != "" && sp.Target != "" {
				label += " [" + string(sp.Kind) + " " + sp.Target + "]"
			}
			l := fmt.Sprintf("  step %-6s line %-4d %-8s %s", st.Key, sp.Line, sp.Role, redactLine(label))
			if sp.Why != "" {
				l += "  ← " + redactLine(oneLine(sp.Why))
			}
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 {
		fmt.Fprintln(w, "\ninferred probes (read off the plan's commands; --no-infer turns them off)")
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
	}
	var notes []string
	for _, v := range snap.Steps {
		for _, n := range v.Notes {
			notes = append(notes, fmt.Sprintf("  step %s (line %d): %s", stepKey(v), v.Line, n))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "\nnotes")
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	fmt.Fprintf(w, "\n%s, %s\n", textfmt.Plural(errs, "error"), textfmt.Plural(warns, "warning"))
	return errs
}

func stepKey(v model.StepView) string {
	if v.Key != "" {
		return v.Key
	}
	return v.ID
}

// redactLine hides secrets in text lint prints straight from the plan.
func redactLine(s string) string { return redact.String(s) }

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
}
