package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/report"
	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// flags are the root command's options.
type flags struct {
	once     bool
	format   report.Format
	root     string
	probes   string
	noExec   bool
	noInfer  bool
	timeout  time.Duration
	record   string
	at       string
	steps    []string
	phase    string
	interval time.Duration
	mouse    bool
	wait     time.Duration
	failFast bool
	textfile string
}

const rootExamples = `  # Watch a plan in a tmux pane while you work through it
  gonogo docs/plans/migrate.md

  # Answer once, for a script or cron; the exit code is the verdict
  gonogo --once docs/plans/migrate.md && ./run-next-step.sh

  # The same as JSON, appended to an audit trail for the migration window
  gonogo --once --format json --record /var/log/migrate.gonogo.jsonl docs/plans/migrate.md

  # The board, keeping the window's record on disk: one JSON line per change
  gonogo --record /var/log/migrate.gonogo.jsonl docs/plans/migrate.md

  # Only ask about the rollback step, give it at most 10 seconds
  gonogo --once --step 23 --timeout 10s docs/plans/migrate.md

  # A plan you may not edit: keep its probes in a sidecar file
  gonogo --once --probes migrate.probes.yaml docs/plans/migrate.md

  # A CI job: wait up to 10 minutes for GO, stop early if waiting cannot help
  gonogo --once --wait 10m --fail-fast --format junit docs/plans/migrate.md > gonogo.xml

  # Cron on a host with node_exporter: the verdict as gauges in its textfile folder
  gonogo --once --textfile /var/lib/prometheus/node-exporter docs/plans/migrate.md

  # The same answers over HTTP for Prometheus, Consul or a load balancer
  gonogo serve docs/plans/migrate.md

  # See it work on a throwaway sandbox
  gonogo demo`

func newRootCmd(ios *IOStreams, getenv func(string) string) *cobra.Command {
	f := &flags{}
	cmd := &cobra.Command{
		Use:   "gonogo [flags] PLAN.md",
		Short: "Go/no-go for the next step of a deployment plan, and for its rollback",
		Long: `gonogo reads a Markdown deployment plan (pre-deploy checklist, steps, rollback),
runs read-only probes for every step (git state, backups, host resources,
services) and answers two questions: may I run the next step, and can I still
roll back?

Without --once it opens a live board (run it in a tmux pane). With --once it
answers once and exits with the verdict:

  0  GO       the next step may run and every rollback step can run
  1  NO-GO    something stands in the way (the output says what, and how to fix it)
  3  UNKNOWN  only probes that could not answer stand in the way
  2  bad usage or a bad plan (the error names file and line)

Either way, --record FILE keeps the migration window's audit trail on disk as
JSON lines: --once appends its answer; the board appends its first check and
then every change of the verdict, the rollback gate, the next step or a step.

gonogo only looks: it never writes to the plan, the repository (not even
.git/index), backups or services, and never runs the plan's own commands.`,
		Example:       rootExamples,
		Args:          planArg,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.validate(); err != nil {
				return usageErr(err)
			}
			opts := f.sessionOptions(args[0], getenv)
			if f.record != "" {
				// Sign-offs made on the board count for --once too.
				sos, err := readSignOffs(f.record, absPath(args[0]))
				if err != nil {
					return usageErr(err)
				}
				opts.SignOffs = sos
			}
			if f.once {
				return runOnce(cmd.Context(), ios, opts, f)
			}
			if !ios.IsTTY {
				return usageErr(errors.New("stdout is not a terminal: use --once (gonogo --once " + args[0] + ") to print the verdict once, or run gonogo in a terminal or tmux pane for the live board"))
			}
			if f.format != report.Text {
				return usageErr(errors.New("--format goes with --once: the live board draws itself (for a JSON record of the board's window, use --record FILE)"))
			}
			return runBoard(cmd.Context(), ios, opts, f, user(getenv))
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.once, "once", false, "answer once and exit with the verdict (0 GO, 1 NO-GO, 3 UNKNOWN, 2 bad usage or plan)")
	f.format = report.Text
	fl.Var(&f.format, "format", "`FORMAT` of --once: "+formatList(report.Formats()))
	fl.StringVar(&f.root, "root", "", "resolve relative probe paths against `DIR` (default: the git work tree holding the plan, else its folder)")
	fl.StringVar(&f.probes, "probes", "", "sidecar YAML `FILE` with probe blocks keyed by step ID, for plans you may not edit")
	fl.BoolVar(&f.noExec, "no-exec", false, "never run command probes (they show as skip)")
	fl.BoolVar(&f.noInfer, "no-infer", false, "only use explicit and sidecar probes, infer none from the plan's commands")
	fl.DurationVar(&f.timeout, "timeout", 0, "bound on the whole check, e.g. 30s: probes that have not answered by then are errors")
	fl.StringVar(&f.record, "record", "", "append JSON snapshots to `FILE`, one a line (created 0600 if missing; never through a symbolic link): --once its answer, the board its first check and every change")
	fl.StringVar(&f.at, "at", "", "the step `ID` you are at: it becomes the next step")
	fl.StringArrayVar(&f.steps, "step", nil, "narrow the verdict to this step `ID` (repeatable)")
	fl.StringVar(&f.phase, "phase", "", "show only the steps of the phase `NAME` (the verdict still covers the whole plan)")
	fl.DurationVar(&f.interval, "interval", 5*time.Second, "board and --wait: how often probes are re-checked, unless a step sets its own interval")
	fl.DurationVar(&f.wait, "wait", 0, "with --once: re-check every --interval until the answer is GO, for at most `DURATION` (then exit with the last verdict)")
	fl.BoolVar(&f.failFast, "fail-fast", false, "with --wait: stop waiting as soon as it cannot help (an error finding in the plan, a regressed step)")
	fl.StringVar(&f.textfile, "textfile", "", "with --once: also write the answer as Prometheus gauges to `DIR`/gonogo_PLAN.prom, atomically (node_exporter's textfile collector)")
	fl.BoolVar(&f.mouse, "mouse", false, "board: enable the mouse")
	cmd.Flags().SortFlags = false

	cmd.CompletionOptions.HiddenDefaultCmd = true
	cmd.AddCommand(newLintCmd(ios, getenv), newVersionCmd(ios), newDemoCmd(ios, getenv), newServeCmd(ios, getenv))
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w%s (see '%s --help')", err, flagHint(c, err), c.CommandPath())
	})
	return cmd
}

// formatList is "json, markdown or text", for help texts.
func formatList(fs []report.Format) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// flagHint is " (did you mean "--interval"?)" for an unknown flag close to
// one the command has, else "".
func flagHint(c *cobra.Command, err error) string {
	msg := err.Error()
	name, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return ""
	}
	name, _, _ = strings.Cut(name, "=")
	var names []string
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	c.InheritedFlags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	if best := textfmt.Closest(name, names); best != "" {
		return ` (did you mean "--` + best + `"?)`
	}
	return ""
}

// planArg demands exactly one plan path. A word that is no file but close
// to one of gonogo's commands ("gonogo dmeo") is a typo of the command.
func planArg(cmd *cobra.Command, args []string) error {
	switch len(args) {
	case 1:
		if _, err := os.Stat(args[0]); err != nil && cmd.HasSubCommands() && !strings.ContainsAny(args[0], "/.") {
			var names []string
			for _, c := range cmd.Commands() {
				if c.IsAvailableCommand() {
					names = append(names, c.Name())
				}
			}
			if best := textfmt.Closest(args[0], names); best != "" {
				return fmt.Errorf("unknown command %q for %s (did you mean %q?): give the path of a plan, or a command: %s",
					args[0], cmd.CommandPath(), best, strings.Join(names, ", "))
			}
		}
		return nil
	case 0:
		return errors.New("which plan? give the path of a Markdown plan: " + cmd.Name() + " PLAN.md (or try: gonogo demo)")
	default:
		return fmt.Errorf("one plan at a time, got %d arguments: %s", len(args), strings.Join(args, " "))
	}
}

func (f *flags) validate() error {
	if f.timeout < 0 {
		return fmt.Errorf("--timeout %s: want a positive duration such as 30s", f.timeout)
	}
	if f.interval <= 0 {
		return fmt.Errorf("--interval %s: want a positive duration such as 5s", f.interval)
	}
	if f.wait < 0 {
		return fmt.Errorf("--wait %s: want a positive duration such as 10m", f.wait)
	}
	if !f.once {
		for _, o := range []struct {
			set  bool
			name string
		}{{f.wait > 0, "--wait"}, {f.failFast, "--fail-fast"}, {f.textfile != "", "--textfile"}} {
			if o.set {
				return errors.New(o.name + " goes with --once (the board and gonogo serve check all the time)")
			}
		}
	}
	if f.failFast && f.wait == 0 {
		return errors.New("--fail-fast goes with --wait: without waiting there is nothing to stop early")
	}
	return nil
}

func (f *flags) sessionOptions(plan string, getenv func(string) string) model.Options {
	return model.Options{
		Plan: plan, Root: f.root, Probes: f.probes,
		NoInfer: f.noInfer, NoExec: f.noExec,
		At: f.at, Steps: f.steps, Phase: f.phase,
		Timeout: f.timeout, Env: getenv,
	}
}

// absPath is path made absolute, as the --record file names plans in its
// sign-off lines; path itself if that fails.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// user is who signs steps off on the board: $USER, else $LOGNAME.
func user(getenv func(string) string) string {
	for _, k := range []string{"USER", "LOGNAME"} {
		if u := getenv(k); u != "" {
			return u
		}
	}
	return "operator"
}

// planError makes a session error a usage error, one problem per line: a
// plans.ErrorList is already located (file:line: field: what was expected).
func planError(err error) error {
	var list plans.ErrorList
	if errors.As(err, &list) && len(list) > 1 {
		return usageErr(fmt.Errorf("%d problems in the plan, fix them and run again:\n  %s", len(list), strings.ReplaceAll(list.Error(), "\n", "\n  ")))
	}
	return usageErr(err)
}

// checkRecord opens the --record file, if any, once the plan has loaded
// and before any probe runs or the board opens: a wrong path fails now,
// not in the middle of the window, and a plan that does not load leaves
// no record file behind.
func checkRecord(path string) error {
	if path == "" {
		return nil
	}
	if err := openRecord(path); err != nil {
		return usageErr(err)
	}
	return nil
}

// verdictExit maps a verdict to the exit code of --once.
func verdictExit(verdict model.Gate) error {
	switch verdict {
	case model.GateGo:
		return nil
	case model.GateUnknown:
		return &exitError{code: exitUnknown}
	default:
		return &exitError{code: exitNoGo}
	}
}
