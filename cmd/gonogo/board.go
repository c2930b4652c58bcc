package main

import (
	"context"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard"
	"github.com/gonogo-dev/gonogo/dashboard/model"
)

// runBoard opens the live board on the plan until the operator quits.
func runBoard(ctx context.Context, ios *IOStreams, opts model.Options, f *flags) error {
	sess, err := model.NewSession(opts)
	if err != nil {
		return planError(err)
	}
	return showBoard(ctx, ios, sess, f.interval, f.mouse)
}

// showBoard hands a session to the dashboard; the terminal is restored when
// it returns.
func showBoard(ctx context.Context, ios *IOStreams, sess *model.Session, interval time.Duration, mouse bool) error {
	err := dashboard.Run(ctx, sess, dashboard.Options{Interval: interval, Mouse: mouse, NoColor: !ios.Color})
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	return nil
}
