// Command gonogo answers, for an operator in a migration window, "may I run
// the next step?" and "can I still roll back?" for a Markdown deployment
// plan — live in a terminal board, or once (--once) with an exit code.
//
// main is the only place that looks at the real terminal, the environment
// and the process's exit code; everything else receives an IOStreams.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonogo-dev/gonogo/plans/redact"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
	"github.com/gonogo-dev/gonogo/probes"
)

// Exit codes of gonogo (README, "--once in scripts, CI and cron"). A run
// stopped by a signal exits 128+N: 130 on SIGINT, 143 on SIGTERM.
const (
	exitGo      = 0 // the verdict is GO (or a command succeeded)
	exitNoGo    = 1 // the verdict is NO-GO; lint found an error
	exitUsage   = 2 // bad usage, a bad plan, a failed --record
	exitUnknown = 3 // the verdict is UNKNOWN: only errors stand in the way
)

// exitError carries an exit code out of a command. Err, if set, is printed
// on stderr; a verdict's code carries no Err (the output already says it).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr wraps err as bad usage (exit 2).
func usageErr(err error) error { return &exitError{code: exitUsage, err: err} }

func main() {
	ctx, stopped := stopOnSignal(context.Background())
	code := run(ctx, os.Args[1:], SystemIO(os.Getenv), os.Getenv)
	if sig := stopped(); sig != 0 {
		// Stopped by a signal: say so the way a shell expects, 128+N
		// (130 for Ctrl-C, 143 for SIGTERM), whatever the run returned.
		code = 128 + int(sig)
	}
	// A probe cut off by --timeout or a signal may still be ending its
	// programs: end them now, before they outlive gonogo.
	probes.EndHelpers()
	os.Exit(code)
}

// stopGrace is how long gonogo may take to stop after SIGINT, SIGTERM or
// SIGHUP: the board restores the terminal, serve drains its requests (up
// to 5 s), probes end their programs. Past it, or at a second signal,
// gonogo ends at once: an operator's kill, or a terminal that hung up,
// must never leave a gonogo running, whatever part of it is stuck.
const stopGrace = 10 * time.Second

// stopOnSignal returns a context that ends on SIGINT, SIGTERM or SIGHUP,
// and a function that stops listening and tells which of them arrived
// first (0 for none). The board listens for them too and restores the
// terminal before it returns. If gonogo has not ended stopGrace after the
// signal, or a second one comes, it exits at once.
func stopOnSignal(parent context.Context) (context.Context, func() syscall.Signal) {
	return stopOnSignalAfter(parent, stopGrace, forceExit)
}

// forceExit ends gonogo now, as a signal does (128+N), saying why.
func forceExit(sig syscall.Signal, why string) {
	fmt.Fprintf(os.Stderr, "gonogo: %s; exiting now\n", why)
	probes.EndHelpers()
	os.Exit(128 + int(sig))
}

// stopOnSignalAfter is stopOnSignal with the grace and the forced exit as
// parameters, for tests.
func stopOnSignalAfter(parent context.Context, grace time.Duration, force func(syscall.Signal, string)) (context.Context, func() syscall.Signal) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	var got atomic.Int32
	done := make(chan struct{})
	go func() {
		var first syscall.Signal
		select {
		case s := <-sigs:
			first, _ = s.(syscall.Signal)
			got.Store(int32(first))
			cancel()
		case <-done:
			return
		}
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case s := <-sigs:
			second, _ := s.(syscall.Signal)
			force(second, fmt.Sprintf("%s after %s", unix.SignalName(second), unix.SignalName(first)))
		case <-t.C:
			force(first, fmt.Sprintf("still running %s after %s", grace, unix.SignalName(first)))
		case <-done:
		}
	}()
	return ctx, func() syscall.Signal {
		signal.Stop(sigs)
		close(done)
		cancel()
		return syscall.Signal(got.Load())
	}
}

// run executes one gonogo command line and returns the process exit code.
func run(ctx context.Context, args []string, ios *IOStreams, getenv func(string) string) int {
	cmd := newRootCmd(ios, getenv)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return exitGo
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(ios.ErrOut, "gonogo: "+errText(ee.err))
		}
		return ee.code
	}
	// cobra's own errors: unknown flag, bad flag value, missing argument.
	fmt.Fprintln(ios.ErrOut, "gonogo: "+errText(err))
	fmt.Fprintln(ios.ErrOut, "Run 'gonogo --help' for usage.")
	return exitUsage
}

// errText is an error as gonogo prints it on stderr: a plan error quotes
// the plan, which may hold a secret or a control sequence, so it is
// redacted and made printable like any output.
func errText(err error) string {
	return textfmt.Printable(redact.String(err.Error()))
}
