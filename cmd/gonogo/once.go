package main

import (
	"context"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/report"
)

// runOnce checks every probe once, prints the snapshot in the chosen
// format, appends it to --record, and exits with the verdict.
func runOnce(ctx context.Context, ios *IOStreams, opts model.Options, f *flags) error {
	sess, err := model.NewSession(opts)
	if err != nil {
		return planError(err)
	}
	snap := sess.Check(ctx, model.CheckOptions{Force: true})
	if err := render(ios, snap, f.format); err != nil {
		return usageErr(err)
	}
	if f.record != "" {
		if err := record(f.record, snap); err != nil {
			return usageErr(err)
		}
	}
	return verdictExit(snap.Verdict)
}

// render writes the snapshot to ios.Out in one of report.Formats.
func render(ios *IOStreams, snap *model.Snapshot, format string) error {
	switch format {
	case "json":
		return report.JSON(ios.Out, snap)
	case "markdown":
		return report.Markdown(ios.Out, snap)
	default:
		return report.Text(ios.Out, snap, report.TextOptions{Color: ios.Color, Width: ios.Width})
	}
}
