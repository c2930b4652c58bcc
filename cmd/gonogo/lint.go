package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/report"
)

func newLintCmd(ios *IOStreams, getenv func(string) string) *cobra.Command {
	var (
		root, probesFile string
		noExec           bool
		timeout          time.Duration
		format           = report.Text
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
  gonogo lint --probes migrate.probes.yaml docs/plans/migrate.md
  gonogo lint --format json docs/plans/migrate.md | jq '.findings'`,
		Args:          planArg,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(report.LintFormats(), format) {
				return usageErr(fmt.Errorf("--format %s: lint writes %s", format, formatList(report.LintFormats())))
			}
			sess, err := loadSession(cmd.Context(), model.Options{Plan: args[0], Root: root, Probes: probesFile, NoExec: noExec, Timeout: timeout, Env: getenv})
			if err != nil {
				return err
			}
			snap := sess.Check(cmd.Context(), model.CheckOptions{Force: true})
			if err := report.WriteLint(ios.Out, snap, format, report.Options{Color: ios.Color, Width: ios.Width, ASCII: ios.ASCII}); err != nil {
				return usageErr(fmt.Errorf("lint: %w", err))
			}
			if snap.Errors() > 0 {
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
	fl.Var(&format, "format", "`FORMAT` of the report: "+formatList(report.LintFormats()))
	return cmd
}
