package probes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
)

func init() { register(plans.KindCommand, checkCommand) }

// stderrCap bounds the stderr kept for a failure message.
const stderrCap = 4 << 10

// checkCommand runs the probe's command line with sh -c in its own process
// group, reads at most OutputCap bytes of stdout (then closes the pipe, so
// a flooding writer gets SIGPIPE), and checks the exit code and the
// stdout regex. At the deadline the whole group — children included — is
// killed, and it is killed again after the command exits so nothing it
// started in the background outlives the check. Under --no-exec nothing
// runs and the result is Skip.
func checkCommand(ctx context.Context, r *Runner, spec *plans.ProbeSpec) (Status, string) {
	p, ok := spec.Params.(*plans.CommandParams)
	if !ok {
		return Error, fmt.Sprintf("command probe has %T parameters (internal error)", spec.Params)
	}
	show := "`" + clip(p.Command, 60) + "`"
	if r.opts.NoExec {
		return Skip, "not run: --no-exec"
	}
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", p.Command)
	cmd.Dir = p.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: stderrCap}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Error, fmt.Sprintf("cannot run %s: %v", show, err)
	}
	if err := cmd.Start(); err != nil {
		return Error, fmt.Sprintf("cannot run %s in %s: %v", show, p.Dir, err)
	}
	// A grandchild that left the group could hold the pipe open forever:
	// closing our end at the deadline ends the read whatever happens.
	stop := context.AfterFunc(ctx, func() { stdout.Close() })
	out, readErr := io.ReadAll(io.LimitReader(stdout, int64(r.opts.OutputCap)+1))
	stop()
	truncated := len(out) > r.opts.OutputCap
	if truncated {
		out = out[:r.opts.OutputCap]
	}
	stdout.Close() // a writer still going gets SIGPIPE
	waitErr := cmd.Wait()
	_ = killGroup(cmd) // background leftovers
	if ctx.Err() != nil {
		return Error, ctx.Err().Error()
	}
	note := ""
	if truncated {
		note = fmt.Sprintf(" (output truncated at %s)", humanBytes(int64(r.opts.OutputCap)))
	}
	if readErr != nil && !truncated {
		note += fmt.Sprintf(" (reading its output failed: %v)", readErr)
	}
	code, how := exitOf(cmd, waitErr)
	if code == -1 && how == "" {
		return Error, fmt.Sprintf("%s did not run to completion: %v", show, waitErr)
	}
	if code != p.Exit {
		why := firstLine(lastLines(stderr.String()))
		if why == "" {
			why = firstLine(lastLines(string(out)))
		}
		if why != "" {
			why = ": " + clip(why, 120)
		}
		return Fail, fmt.Sprintf("%s %s, expected exit %d%s%s", show, how, p.Exit, note, why)
	}
	if p.Stdout != nil {
		if !p.Stdout.Match(out) {
			got := firstLine(string(out))
			if got == "" {
				got = "no output"
			} else {
				got = "first line: " + clip(got, 80)
			}
			return Fail, fmt.Sprintf("%s %s but its output has no match for /%s/ (%s)%s", show, how, p.Stdout, got, note)
		}
		return OK, fmt.Sprintf("%s %s, output matches /%s/%s", show, how, p.Stdout, note)
	}
	return OK, fmt.Sprintf("%s %s%s", show, how, note)
}

// killGroup kills the command's whole process group.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
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

// clip shortens s to n runes with an ellipsis, on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
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
