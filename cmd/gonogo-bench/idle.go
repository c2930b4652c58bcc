package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// idleSteps is the plan size of the idle case (issue 14: the board idle on
// a plan of a thousand steps).
const idleSteps = 1000

// idleGoal is issue 14's goal for the idle board: at most 0.3 s of CPU a
// minute, 0.5 % of a core, at the default 5 s interval.
var idleGoal = &goal{
	text: "≤0.3 s CPU/min",
	eval: func(r *row) []string {
		if x := perMinute(r); x > 0.3 {
			return []string{fmt.Sprintf("%.2f s/min", x)}
		}
		return nil
	},
}

// perMinute is an idle row's CPU seconds per minute of wall time.
func perMinute(r *row) float64 {
	if r.a.wall <= 0 {
		return 0
	}
	return r.a.cpu.Seconds() * 60 / r.a.wall.Seconds()
}

// idleStartup is how long the board may take to show its first complete
// check before the case gives up; idleSettle how long it then runs before
// the window opens (the start-up's garbage collected, the first tick
// past).
const (
	idleStartup = 30 * time.Second
	idleSettle  = 3 * time.Second
)

// idleRow measures the live board doing nothing: the real binary in a tmux
// pane of 120×40 (a pseudo-terminal, as an operator runs it) on the
// scaled plan of idleSteps steps in the plans' repository, --no-exec, at
// the default 5 s interval, nobody pressing a key. Once the board shows
// its first check and has settled, it reads the process's CPU time
// (utime+stime in /proc/PID/stat) at the start and end of a window of
// c.idle, and its resident memory (VmRSS, VmHWM) at the end: one run, as
// the window itself is the average of many ticks.
func idleRow(ctx context.Context, c *config, bin string, progress func(string)) (row, error) {
	name := "idle-" + short(idleSteps)
	r := row{family: "idle", name: name, size: idleSteps, n: 1, goal: idleGoal}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		return r, fmt.Errorf("the idle case runs the board in a tmux pane: %w", err)
	}
	repo := filepath.Join(c.work, "idle")
	if err := planRepo(ctx, repo); err != nil {
		return r, err
	}
	plan := fmt.Sprintf("plan-%d.md", idleSteps)
	if err := writeFile(filepath.Join(repo, plan), []byte(gonogotest.ScaledPlan(idleSteps)), 0o644); err != nil {
		return r, err
	}
	// The files are a day old, as a deployment's working tree is: a file
	// written a moment ago reads "modified 12s ago", its probe's answer
	// changes every tick and the board evaluates the plan every tick —
	// the case would measure the harness's fresh repository. A day old,
	// the age ("24h3m") moves once a minute, so the window holds about
	// one such change a minute.
	dayAgo := time.Now().Add(-24 * time.Hour)
	for _, f := range []string{"app.py", "config_chromadb.py", plan} {
		if err := os.Chtimes(filepath.Join(repo, f), dayAgo, dayAgo); err != nil {
			return r, err
		}
	}
	// A server of its own (-S), with no configuration read (-f), in
	// UTF-8 (-u, and the board's locale) as an operator's terminal is:
	// the harness's LC_ALL=C would make the board draw ASCII fallbacks.
	sock := filepath.Join(c.work, "idle-tmux.sock")
	env := append(childEnv(), "LC_ALL=C.UTF-8")
	tm := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, tmux, append([]string{"-u", "-S", sock, "-f", os.DevNull}, args...)...)
		cmd.Env = env
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			return out, fmt.Errorf("tmux %s: %v: %s", args[0], err, bytes.TrimSpace(out))
		}
		return out, nil
	}
	defer tm("kill-server")
	// exec: the pane's process is gonogo itself, whose pid tmux reports.
	if _, err := tm("new-session", "-d", "-s", "idle", "-x", "120", "-y", "40", "-c", repo,
		"exec "+shellQuote(bin)+" --no-exec "+plan); err != nil {
		return r, err
	}
	out, err := tm("display-message", "-p", "-t", "idle", "#{pane_pid}")
	if err != nil {
		return r, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return r, fmt.Errorf("tmux gave no pane pid: %q", out)
	}
	screen := func() string {
		out, _ := tm("capture-pane", "-p", "-t", "idle")
		return string(out)
	}
	// The strip under the header reads "checked HH:MM:SS" once the first
	// check is on the board.
	deadline := time.Now().Add(idleStartup)
	for !strings.Contains(screen(), "checked") {
		if time.Now().After(deadline) {
			return r, fmt.Errorf("the board showed no check within %s:\n%s", idleStartup, screen())
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return r, err
		}
	}
	if err := sleep(ctx, idleSettle); err != nil {
		return r, err
	}
	progress(name)
	cpu0, err := procCPU(pid)
	if err != nil {
		return r, err
	}
	t0 := time.Now()
	if err := sleep(ctx, c.idle); err != nil {
		return r, err
	}
	cpu1, err := procCPU(pid)
	if err != nil {
		return r, fmt.Errorf("the board is gone after %s idle: %w\n%s", time.Since(t0).Round(time.Second), err, screen())
	}
	wall := time.Since(t0)
	rss, hwm, err := procRSS(pid)
	if err != nil {
		return r, err
	}
	r.a = stats{n: 1, wall: wall, cpu: cpu1 - cpu0, rss: rss, wallLo: wall, wallHi: wall}
	r.note = fmt.Sprintf("%.3f s CPU/min (%.2f%% of a core) over %s idle at the 5 s interval, --no-exec, 120×40; peak RSS %s",
		perMinute(&r), 100*(cpu1-cpu0).Seconds()/wall.Seconds(), wall.Round(time.Second), mib(hwm))
	return r, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// procCPU is the user plus system CPU time process pid has used, from
// /proc/PID/stat in clock ticks (USER_HZ, which is 100 on every Linux
// architecture Go builds for).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: the fields
	// counted from 3 start after its closing parenthesis.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected %q", pid, s)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected %q", pid, s)
	}
	var ticks int64
	for _, k := range f[11:13] { // utime, stime: fields 14 and 15
		v, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// userHZ is the unit of the times in /proc/PID/stat.
const userHZ = 100

// procRSS is process pid's resident memory now and at its peak, in bytes.
func procRSS(pid int) (rss, hwm int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v << 10
		case "VmHWM:":
			hwm = v << 10
		}
	}
	if rss == 0 {
		return 0, 0, fmt.Errorf("/proc/%d/status has no VmRSS", pid)
	}
	return rss, hwm, nil
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
