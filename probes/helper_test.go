package probes

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// needTools skips the test unless the programs it starts are installed.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}

// writeScript writes an executable shell script.
func writeScript(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// readPid reads a pid a test's script wrote, waiting for the file (the
// script may still be writing it).
func readPid(t *testing.T, path string) int {
	t.Helper()
	for range 500 {
		b, err := os.ReadFile(path)
		if n, cerr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && cerr == nil && n > 0 {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: no pid written", path)
	return 0
}

// running reports whether pid is a live process (a zombie is not: it
// has ended and only waits to be collected).
func running(pid int) bool {
	st, ok := readStat(pid)
	return ok && st.state != 'Z'
}

// wantEnded fails the test for every pid still running, and kills it so
// that a failing test leaves nothing behind.
func wantEnded(t *testing.T, what string, pids ...int) {
	t.Helper()
	for _, pid := range pids {
		if running(pid) {
			t.Errorf("%s: process %d is still running after the probe ended", what, pid)
			_ = exec.Command("kill", "-9", strconv.Itoa(pid)).Run()
		}
	}
}

// cmdIn is a command probe run in dir.
func cmdIn(command, dir string) *spec.Probe {
	sp := cmdSpec(command)
	sp.Params.(*spec.CommandParams).Dir = dir
	return sp
}

// runCommandDirect calls the command checker itself under the probe's
// timeout, so the test sees the state right after the checker has
// cleaned up (the runner stops waiting for a checker at its deadline).
func runCommandDirect(t *testing.T, sp *spec.Probe) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), sp.EffectiveTimeout())
	defer cancel()
	st, msg := checkCommand(ctx, NewRunner(Options{}), sp, sp.Params.(*spec.CommandParams))
	return Result{Spec: sp, Status: st, Message: msg}
}

// TestCommandDoubleForkEnded: a command probe whose command starts a
// daemon the classic way — a double fork with setsid, out of the probe's
// session and process group — and one that just runs in the background;
// neither outlives the check.
func TestCommandDoubleForkEnded(t *testing.T) {
	needTools(t, "setsid", "sleep")
	dir := t.TempDir()
	daemon, bg := filepath.Join(dir, "daemon.pid"), filepath.Join(dir, "bg.pid")
	// setsid -f forks and starts a new session; the shell around it exits
	// at once, so sleep is re-parented: the double fork of a daemon.
	command := "sh -c 'setsid -f sh -c \"echo \\$\\$ > " + daemon + "; exec sleep 300\" </dev/null >/dev/null 2>&1'; " +
		"sleep 301 </dev/null >/dev/null 2>&1 & echo $! > " + bg + "; " +
		"while [ ! -s " + daemon + " ]; do sleep 0.01; done; echo started"
	res := runSpec(t, cmdIn(command, dir))
	wantStatus(t, res, OK, "exited 0")
	wantEnded(t, "double-forked daemon", readPid(t, daemon))
	wantEnded(t, "background child", readPid(t, bg))
}

// TestCommandDaemonTimeoutEnded: the same when the probe times out while
// its daemon's own child is still being started: every generation ends.
func TestCommandDaemonTimeoutEnded(t *testing.T) {
	needTools(t, "setsid", "sleep")
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.pid"), filepath.Join(dir, "b.pid")
	command := "setsid -f sh -c 'sleep 302 & echo $! > " + b + "; echo $$ > " + a + "; exec sleep 303' </dev/null >/dev/null 2>&1; exec sleep 304"
	sp := cmdIn(command, dir)
	sp.Timeout = 2 * time.Second // room for every generation to start on a loaded machine
	res := runCommandDirect(t, sp)
	if res.Status != Error {
		t.Fatalf("status %s (%q), want error (timed out)", res.Status, res.Message)
	}
	wantEnded(t, "daemon", readPid(t, a))
	wantEnded(t, "daemon's child", readPid(t, b))
}

// TestSweepLeavesOthersAlone: ending one helper's leftovers touches no
// process of another helper, nor a child gonogo waits for elsewhere.
func TestSweepLeavesOthersAlone(t *testing.T) {
	needTools(t, "setsid", "sleep")
	other := exec.Command("sleep", "30")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Process.Kill(); _ = other.Wait() }()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "x.pid")
	res := runSpec(t, cmdIn("setsid -f sh -c 'echo $$ > "+pidFile+"; exec sleep 300' </dev/null >/dev/null 2>&1; while [ ! -s "+pidFile+" ]; do sleep 0.01; done", dir))
	wantStatus(t, res, OK)
	wantEnded(t, "daemon", readPid(t, pidFile))
	if !running(other.Process.Pid) {
		t.Fatalf("a child that is no probe's (pid %d) was ended", other.Process.Pid)
	}
	if err := other.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Its exit status is still there for its own Wait.
	if err := other.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("Wait of the other child = %v, want its own \"signal: killed\"", err)
	}
}
