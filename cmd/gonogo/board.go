package main

import (
	"context"

	"github.com/gonogo-dev/gonogo/dashboard"
	"github.com/gonogo-dev/gonogo/dashboard/model"
)

// runBoard opens the live board on the plan until the operator quits. The
// --record file is checked once the plan has loaded.
func runBoard(ctx context.Context, ios *IOStreams, opts model.Options, f *flags, user string) error {
	sess, err := loadSession(ctx, opts)
	if err != nil {
		return err
	}
	if err := checkRecord(f.record); err != nil {
		return err
	}
	return showBoard(ctx, ios, sess, dashboard.Options{Interval: f.interval, Mouse: f.mouse, User: user}, f.record)
}

// showBoard hands a session to the dashboard; the terminal is restored when
// it returns. With a record path (already checked by openRecord) the board
// appends its changes there, and the operator's sign-offs (x): without
// one, x says that sign-off needs --record.
func showBoard(ctx context.Context, ios *IOStreams, sess *model.Session, opts dashboard.Options, recordPath string) error {
	opts.NoColor = !ios.Color
	opts.ErrOut = ios.ErrOut
	if recordPath != "" {
		opts.OnSnapshot = (&boardRecord{path: recordPath}).onSnapshot
		plan := ""
		if files := sess.Files(); len(files) > 0 {
			plan = files[0]
		}
		opts.SignOff = func(so model.SignOff, withdraw bool) error {
			return recordSignOff(recordPath, plan, so, withdraw)
		}
	}
	err := dashboard.Run(ctx, sess, opts)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	return nil
}
