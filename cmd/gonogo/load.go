package main

import (
	"context"
	"errors"

	"github.com/gonogo-dev/gonogo/dashboard/model"
)

// loadSession reads the plan for a command and gives up as soon as ctx is
// done (Ctrl-C, SIGTERM), whatever the load is doing: it checks ctx as it
// goes, but some passes over a plan of megabytes (the Markdown parser's)
// cannot be interrupted, and main exits 128+N once this returns. A plan
// that does not load is a usage error naming its problems.
func loadSession(ctx context.Context, opts model.Options) (*model.Session, error) {
	type loaded struct {
		sess *model.Session
		err  error
	}
	ch := make(chan loaded, 1)
	go func() {
		sess, err := model.NewSessionContext(ctx, opts)
		ch <- loaded{sess, err}
	}()
	var l loaded
	select {
	case l = <-ch:
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		return nil, &exitError{code: exitUsage, err: errStopped}
	}
	if l.err != nil {
		return nil, planError(l.err)
	}
	return l.sess, nil
}

// errStopped says why nothing was answered: a signal came while the plan
// was being read.
var errStopped = errors.New("stopped before the plan was read: nothing was checked")
