package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// boundedRun runs the binary in dir under a memory cap (ulimit -v, 2 GiB)
// and a generous deadline, and fails the test if it does not finish in
// time. Neither bound is a measurement: they only stop a run that has gone
// super-linear from taking the machine with it.
func boundedRun(t *testing.T, dir string, deadline time.Duration, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", append([]string{"-c", `ulimit -v 2097152 && exec "$0" "$@"`, binary}, args...)...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("gonogo %s did not finish in %s: reading the plan is not linear", strings.Join(args, " "), deadline)
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// TestHostilePlansFinish runs issue 13's hostile plans through the real
// binary at the sizes the review used: 1,000 "||" alternatives on one line
// (over 100 s and 11.6 GB before), one cp of 20,000 sources (237 s), a 1 MB
// inline code span (over 12 minutes). Each now takes well under a second;
// the deadline is a minute, for a loaded machine, and memory is capped at
// 2 GiB.
func TestHostilePlansFinish(t *testing.T) {
	var or, cp, span strings.Builder
	for i := range 1000 {
		if i > 0 {
			or.WriteString(" || ")
		}
		fmt.Fprintf(&or, "cp /backup/f%d /tmp/f%d", i, i)
	}
	cp.WriteString("cp")
	for i := range 20000 {
		fmt.Fprintf(&cp, " src/file%d.txt", i)
	}
	cp.WriteString(" /tmp/dst/")
	span.WriteString("cp")
	for i := 0; span.Len() < 1<<20; i++ {
		fmt.Fprintf(&span, " src/f%d.txt", i)
	}
	span.WriteString(" /tmp/x")
	for _, tc := range []struct{ name, plan string }{
		{"alternatives", "# P\n\n## Rollback\n\n### 1. Restore\n\n```bash\n" + or.String() + "\n```\n"},
		{"cp sources", "# P\n\n## Rollback\n\n### 1. Restore\n\n```bash\n" + cp.String() + "\n```\n"},
		{"inline span", "# P\n\n## Procedure\n\n1. Run `" + span.String() + "` now\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			gonogotest.WriteFile(t, filepath.Join(dir, "plan.md"), tc.plan)
			out, errs, code := boundedRun(t, dir, time.Minute, "--once", "--no-exec", "--format", "json", "plan.md")
			var snap struct {
				Verdict string
				Steps   []json.RawMessage
			}
			if err := json.Unmarshal([]byte(out), &snap); err != nil || code != exitNoGo || len(snap.Steps) != 1 {
				t.Fatalf("exit %d, %d steps, verdict %q (%v): %s", code, len(snap.Steps), snap.Verdict, err, errs)
			}
			if _, errs, code := boundedRun(t, dir, time.Minute, "lint", "plan.md"); code != exitNoGo && code != exitGo {
				t.Errorf("lint: exit %d: %s", code, errs)
			}
		})
	}
}

// TestSignalDuringLoad: Ctrl-C or SIGTERM while a plan of the largest size
// gonogo reads is still being read ends the run at once, with 130 or 143 and
// nothing answered. Reading such a plan takes seconds; gonogo used to finish
// it (and, before the reader was linear, took many minutes) before it
// looked at the signal.
func TestSignalDuringLoad(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("# Big\n\n## Procedure\n\n")
	for i := 1; ; i++ {
		step := fmt.Sprintf("### %d. Step %d\n\n```bash\ncp app.py backups/app-%d.py\n```\n\n", i, i, i)
		if b.Len()+len(step) > plans.MaxPlanSize {
			break
		}
		b.WriteString(step)
	}
	gonogotest.WriteFile(t, filepath.Join(dir, "plan.md"), b.String())
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		args []string
	}{
		{syscall.SIGINT, 130, []string{"--once", "--no-exec", "plan.md"}},
		{syscall.SIGTERM, 143, []string{"lint", "plan.md"}},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			cmd := exec.Command(binary, tc.args...)
			cmd.Dir = dir
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Past start-up, inside the read (which takes seconds).
			time.Sleep(300 * time.Millisecond)
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("gonogo %s went on reading the plan for 10 s after %s", strings.Join(tc.args, " "), tc.sig)
			}
			if got := cmd.ProcessState.ExitCode(); got != tc.code {
				t.Errorf("exit %d after %s, want %d\n%s%s", got, tc.sig, tc.code, out.String(), errb.String())
			}
			if out.Len() > 0 || !strings.Contains(errb.String(), "stopped before the plan was read") {
				t.Errorf("after %s: stdout %q, stderr %q; want no answer and a word on why", tc.sig, out.String(), errb.String())
			}
		})
	}
}
