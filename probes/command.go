package probes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func init() { register(spec.KindCommand, checkCommand) }

// stderrCap bounds the stderr kept for a failure message.
const stderrCap = 4 << 10

// checkCommand runs the probe's command line with sh -c in its own process
// group, reads at most OutputCap bytes of stdout (then closes the pipe, so
// a flooding writer gets SIGPIPE), and checks the exit code and the
// stdout regex. At the deadline the whole group — children included — is
// killed, and after the command exits everything it started is ended (its
// group, and what left it: see helper.end), so nothing it started in the
// background outlives the check. Under --no-exec nothing
// runs and the result is Skip.
func checkCommand(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.CommandParams) (Status, string) {
	show := "`" + textfmt.Clip(p.Command, 60) + "`"
	if r.opts.NoExec {
		return Skip, "not run: --no-exec"
	}
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", p.Command)
	cmd.Dir = p.Dir
	// Our own pipes, read by our own goroutines: Wait then waits only
	// for the shell, not for whoever else holds the pipes.
	outR, outW, err := os.Pipe()
	if err != nil {
		return Error, fmt.Sprintf("cannot run %s: %v", show, err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return Error, fmt.Sprintf("cannot run %s: %v", show, err)
	}
	// A helper (helper.go): no controlling terminal, so a program that
	// would prompt on /dev/tty (psql or ssh asking for a password) fails at
	// once instead of writing over the live board and waiting for the
	// timeout; its session killed whole at the deadline, and whatever it
	// started — also in another session — ended with the check.
	h := newHelper(cmd, append(os.Environ(), "GIT_TERMINAL_PROMPT=0"))
	cmd.Stdout, cmd.Stderr = outW, errW
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		h.end()
		outR.Close()
		errR.Close()
		return Error, fmt.Sprintf("cannot run %s in %s: %v", show, p.Dir, err)
	}
	type read struct {
		b   []byte
		err error
	}
	outc, errc := make(chan read, 1), make(chan read, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(outR, int64(r.opts.OutputCap)+1))
		outR.Close() // a writer still going gets SIGPIPE
		outc <- read{b, err}
	}()
	go func() {
		var buf bytes.Buffer
		_, err := io.Copy(&limitedBuffer{buf: &buf, max: stderrCap}, errR)
		errc <- read{buf.Bytes(), err}
	}()
	waitErr := cmd.Wait()
	h.end() // background leftovers die with the check
	// A process that left the group may still hold a pipe: give it a
	// moment, then close our ends.
	grace := time.AfterFunc(time.Second, func() { outR.Close(); errR.Close() })
	o, e := <-outc, <-errc
	grace.Stop()
	errR.Close()
	out, readErr := o.b, o.err
	stderr := bytes.NewBuffer(e.b)
	truncated := len(out) > r.opts.OutputCap
	if truncated {
		out = out[:r.opts.OutputCap]
	}
	if ctx.Err() != nil {
		return Error, ctx.Err().Error()
	}
	note := ""
	if truncated {
		note = fmt.Sprintf(" (output truncated at %s)", textfmt.Bytes(int64(r.opts.OutputCap)))
	}
	if readErr != nil && !truncated && !errors.Is(readErr, os.ErrClosed) {
		note += fmt.Sprintf(" (reading its output failed: %v)", readErr)
	}
	code, how := exitOf(cmd, waitErr)
	if code == -1 && how == "" {
		return Error, fmt.Sprintf("%s did not run to completion: %v", show, waitErr)
	}
	if truncated && sigpiped(cmd) {
		// We stopped it by closing its output: its exit code is ours,
		// not its own.
		if p.Stdout == nil {
			return Error, fmt.Sprintf("%s printed more than %s and was stopped before it exited, so its exit code is unknown: send its output to /dev/null in the probe",
				show, textfmt.Bytes(int64(r.opts.OutputCap)))
		}
		how, code = "was stopped after "+textfmt.Bytes(int64(r.opts.OutputCap))+" of output", p.Exit
		note = ""
	}
	if code != p.Exit {
		why := textfmt.FirstLine(lastLines(stderr.String()))
		if why == "" {
			why = textfmt.FirstLine(lastLines(string(out)))
		}
		if why != "" {
			why = ": " + textfmt.Clip(why, 120)
		}
		return Fail, fmt.Sprintf("%s %s, expected exit %d%s%s (run it by hand to see why)", show, how, p.Exit, note, why)
	}
	done := show + " " + how
	if p.Stdout != nil {
		if !matchText(p.Stdout, out) {
			got := textfmt.FirstLine(string(out))
			if got == "" {
				got = "no output"
			} else {
				got = "first line: " + textfmt.Clip(got, 80)
			}
			return Fail, fmt.Sprintf("%s %s but its output has no match for /%s/ (%s)%s: run it by hand to see what it prints", show, how, pattern(p.Stdout), got, note)
		}
		done += fmt.Sprintf(", output matches /%s/", pattern(p.Stdout))
	}
	if p.Expect != nil {
		// The output as one value: trimmed, as a shell's $(…) reads it.
		val := strings.TrimSpace(string(out))
		holds, want, err := expectHolds(ctx, p.Expect, val)
		if errors.Is(err, spec.ErrNotComputable) {
			return Error, fmt.Sprintf("could not tell: %s %s and printed %s, but %v%s", show, how, clipValue(val), err, note)
		}
		if err != nil {
			return Fail, fmt.Sprintf("%s %s but its output %v%s", show, how, err, note)
		}
		if !holds {
			return Fail, fmt.Sprintf("%s %s and printed %s, expected %s%s: run it by hand to see what it prints", show, how, clipValue(val), want, note)
		}
		done += fmt.Sprintf(", printed %s %s", clipValue(val), want)
	}
	if sp.Capture != "" {
		if msg := takeNumber(ctx, sp, "its output", string(out)); msg != "" {
			return Fail, fmt.Sprintf("%s %s but %s%s", show, how, msg, note)
		}
		done += fmt.Sprintf(", captured %s = %s", sp.Capture, strings.TrimSpace(string(out)))
	}
	return OK, done + note
}

// exitOf reads how the command ended: its exit code and a phrase ("exited
// 3", "was killed by signal broken pipe"); code -1 for a signal.
func exitOf(cmd *exec.Cmd, waitErr error) (int, string) {
	ps := cmd.ProcessState
	if ps == nil {
		return -1, ""
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, "was killed by signal " + ws.Signal().String()
	}
	return ps.ExitCode(), fmt.Sprintf("exited %d", ps.ExitCode())
}

// lastLines keeps the last few lines of s, where an error usually is.
func lastLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	// The last non-empty line is the most telling.
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) != "" {
			return lines[i]
		}
	}
	return ""
}

// sigpiped reports whether the command (or the last command the shell
// ran) died of SIGPIPE.
func sigpiped(cmd *exec.Cmd) bool {
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ok && ws.Signaled() && ws.Signal() == syscall.SIGPIPE {
		return true
	}
	// sh reports a child killed by SIGPIPE as exit 128+13.
	return cmd.ProcessState.ExitCode() == 128+int(syscall.SIGPIPE)
}
