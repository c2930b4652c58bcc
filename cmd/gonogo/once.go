package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/metrics"
	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/report"
	"github.com/gonogo-dev/gonogo/plans/infer"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// runOnce loads the plan, answers once (or, with --wait, until the answer
// is GO or the wait is over) and exits with the verdict.
func runOnce(ctx context.Context, ios *IOStreams, opts model.Options, f *flags) error {
	sess, err := loadSession(ctx, opts)
	if err != nil {
		return err
	}
	if err := checkRecord(f.record); err != nil {
		return err
	}
	check := func(ctx context.Context) *model.Snapshot { return sess.Check(ctx, model.CheckOptions{Force: true}) }
	var snap *model.Snapshot
	if f.wait > 0 {
		snap = waitForGo(ctx, ios, check, f.wait, f.interval, f.failFast)
	} else {
		snap = check(ctx)
	}
	if err := deliver(ios, snap, f.format, f.record); err != nil {
		return err
	}
	if f.textfile != "" {
		if _, err := metrics.WriteTextfile(f.textfile, snap.Plan, snap); err != nil {
			return usageErr(fmt.Errorf("--textfile %s: %v (the folder must exist and be writable: node_exporter's --collector.textfile.directory)", f.textfile, pathErr(err)))
		}
	}
	return verdictExit(snap.Verdict)
}

// answerOnce is the --once path, shared by gonogo --once and demo --once:
// check every probe once, print the snapshot in format, append it to the
// record file (if any) and hand it back.
func answerOnce(ctx context.Context, ios *IOStreams, sess *model.Session, format report.Format, recordPath string) (*model.Snapshot, error) {
	snap := sess.Check(ctx, model.CheckOptions{Force: true})
	return snap, deliver(ios, snap, format, recordPath)
}

// deliver prints the answer in format and appends it to the record file
// (if any).
func deliver(ios *IOStreams, snap *model.Snapshot, format report.Format, recordPath string) error {
	if err := render(ios, snap, format); err != nil {
		return usageErr(err)
	}
	if recordPath != "" {
		if err := record(recordPath, snap); err != nil {
			return usageErr(err)
		}
	}
	return nil
}

// waitForGo checks every interval until the answer is GO, the wait is
// over, ctx ends (Ctrl-C) or — with failFast — waiting cannot help: the
// plan has an error finding (a plan that is wrong does not right itself)
// or a step before the next one regressed (something undid it: a person
// has to look). Progress goes to stderr, a line when the answer changes;
// the last snapshot is returned for stdout.
func waitForGo(ctx context.Context, ios *IOStreams, check func(context.Context) *model.Snapshot, wait, interval time.Duration, failFast bool) *model.Snapshot {
	start := time.Now()
	deadline := start.Add(wait)
	say := func(format string, args ...any) {
		fmt.Fprintf(ios.ErrOut, "gonogo: "+format+"\n", args...)
	}
	last := ""
	for {
		snap := check(ctx)
		if snap.Verdict == model.GateGo {
			if last != "" {
				say("GO after %s", textfmt.Duration(time.Since(start).Round(time.Second)))
			}
			return snap
		}
		if now := answerLine(snap); now != last {
			say("waiting (%s of %s): %s", textfmt.Duration(time.Since(start).Round(time.Second)), textfmt.Duration(wait), now)
			last = now
		}
		if failFast {
			if why := hopeless(snap); why != "" {
				say("--fail-fast: stopped waiting: %s", why)
				return snap
			}
		}
		if time.Now().Add(interval).After(deadline) {
			say("waited %s and it is still %s; what never held:", textfmt.Duration(wait), snap.Verdict)
			for _, r := range snap.Reasons {
				say("  %s", r)
			}
			return snap
		}
		select {
		case <-ctx.Done():
			say("stopped waiting (%v); the last answer follows", context.Cause(ctx))
			return snap
		case <-time.After(interval):
		}
	}
}

// answerLine is the verdict and its first reason, the progress line of
// --wait.
func answerLine(s *model.Snapshot) string {
	line := string(s.Verdict)
	if len(s.Reasons) > 0 {
		line += ": " + s.Reasons[0]
		if n := len(s.Reasons) - 1; n > 0 {
			line += fmt.Sprintf(" (and %d more)", n)
		}
	}
	return line
}

// hopeless says why waiting for GO cannot help, "" when it may.
func hopeless(s *model.Snapshot) string {
	if n := s.Errors(); n > 0 {
		for _, f := range s.Findings {
			if f.Severity == infer.SevError {
				return fmt.Sprintf("the plan has %s (gonogo lint shows them): step %s: %s", textfmt.Plural(n, "error finding"), f.Step, f.Message)
			}
		}
	}
	for i := range s.Steps {
		if st := &s.Steps[i]; st.Regressed {
			return "step " + st.Ref() + " regressed: its done-probes no longer hold, so something undid it"
		}
	}
	return ""
}

// render writes the snapshot to ios.Out in format f, coloured and sized
// as main decided for the real terminal.
func render(ios *IOStreams, snap *model.Snapshot, f report.Format) error {
	return report.Write(ios.Out, snap, f, report.Options{Color: ios.Color, Width: ios.Width, ASCII: ios.ASCII})
}
