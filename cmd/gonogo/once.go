package main

import (
	"context"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/report"
)

// runOnce loads the plan, answers once and exits with the verdict.
func runOnce(ctx context.Context, ios *IOStreams, opts model.Options, f *flags) error {
	sess, err := loadSession(ctx, opts)
	if err != nil {
		return err
	}
	snap, err := answerOnce(ctx, ios, sess, f.format, f.record)
	if err != nil {
		return err
	}
	return verdictExit(snap.Verdict)
}

// answerOnce is the --once path, shared by gonogo --once and demo --once:
// check every probe once, print the snapshot in format, append it to the
// record file (if any) and hand it back.
func answerOnce(ctx context.Context, ios *IOStreams, sess *model.Session, format report.Format, recordPath string) (*model.Snapshot, error) {
	snap := sess.Check(ctx, model.CheckOptions{Force: true})
	if err := render(ios, snap, format); err != nil {
		return nil, usageErr(err)
	}
	if recordPath != "" {
		if err := record(recordPath, snap); err != nil {
			return nil, usageErr(err)
		}
	}
	return snap, nil
}

// render writes the snapshot to ios.Out in format f, coloured and sized
// as main decided for the real terminal.
func render(ios *IOStreams, snap *model.Snapshot, f report.Format) error {
	return report.Write(ios.Out, snap, f, report.Options{Color: ios.Color, Width: ios.Width, ASCII: ios.ASCII})
}
