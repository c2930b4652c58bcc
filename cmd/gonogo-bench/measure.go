package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// job is one child process the harness times: a gonogo run or the peer's
// run of the same work. Its output goes to /dev/null when timed, so the
// harness reading a pipe costs neither side anything.
type job struct {
	tool string   // "gonogo", "goss v0.4.10", "git 2.39.5"
	argv []string // argv[0] is the executable's path
	dir  string
	ok   []int // exit codes that mean "it ran" (a verdict), not "it failed"
}

func (j *job) String() string { return strings.Join(j.argv, " ") }

// sample is what one run of a job cost. CPU and peak RSS come from the
// child's rusage as wait4 reports it, which on Linux covers the child and
// the descendants it waited for (the shells a command probe starts), the
// same accounting for both tools.
type sample struct {
	wall time.Duration
	cpu  time.Duration // user + system
	rss  int64         // peak resident set, bytes
}

// runOnce runs j once with its output discarded and returns its cost, or
// an error when it could not start or exited with a code j does not
// accept.
func runOnce(ctx context.Context, j *job) (sample, error) {
	cmd := exec.CommandContext(ctx, j.argv[0], j.argv[1:]...)
	cmd.Dir = j.dir
	cmd.Env = childEnv()
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		return sample{}, fmt.Errorf("%s: %w", j.tool, err)
	}
	code := cmd.ProcessState.ExitCode()
	if !slices.Contains(j.ok, code) {
		return sample{}, fmt.Errorf("%s exited %d (%v): %s\n  command: %s", j.tool, code, err, strings.TrimSpace(stderr.String()), j)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return sample{}, fmt.Errorf("%s: no rusage on this platform", j.tool)
	}
	return sample{
		wall: wall,
		cpu:  time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		rss:  ru.Maxrss * 1024, // KiB on Linux
	}, nil
}

// output runs j once and returns its standard output, for the
// verification runs that are never timed.
func output(ctx context.Context, j *job) ([]byte, int, error) {
	cmd := exec.CommandContext(ctx, j.argv[0], j.argv[1:]...)
	cmd.Dir = j.dir
	cmd.Env = childEnv()
	var stderr strings.Builder
	cmd.Stderr = &limitedWriter{w: &stderr, n: 4096}
	out, err := cmd.Output()
	if cmd.ProcessState == nil {
		return nil, -1, fmt.Errorf("%s: %w", j.tool, err)
	}
	code := cmd.ProcessState.ExitCode()
	if !slices.Contains(j.ok, code) {
		return out, code, fmt.Errorf("%s exited %d (%v): %s\n  command: %s", j.tool, code, err, strings.TrimSpace(stderr.String()), j)
	}
	return out, code, nil
}

// childEnv is the harness's environment without colour and paging
// settings that would make one tool do more work than the other.
func childEnv() []string {
	env := []string{"NO_COLOR=1", "LC_ALL=C"}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "NO_COLOR", "LC_ALL", "CLICOLOR_FORCE", "GIT_PAGER", "PAGER":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// limitedWriter keeps the first n bytes written to it, enough to explain a
// failed run without holding a flood of output.
type limitedWriter struct {
	w *strings.Builder
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if room := l.n - l.w.Len(); room > 0 {
		l.w.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// stats are the medians of a job's samples.
type stats struct {
	n              int
	wall, cpu      time.Duration
	rss            int64
	wallLo, wallHi time.Duration // the quartiles of wall time, to show spread
}

// summarize takes the median of each measure separately: the run with the
// median wall time need not be the one with the median CPU.
func summarize(ss []sample) stats {
	if len(ss) == 0 {
		return stats{}
	}
	walls := make([]time.Duration, len(ss))
	cpus := make([]time.Duration, len(ss))
	rsss := make([]int64, len(ss))
	for i, s := range ss {
		walls[i], cpus[i], rsss[i] = s.wall, s.cpu, s.rss
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	slices.Sort(rsss)
	return stats{
		n:      len(ss),
		wall:   median(walls),
		cpu:    median(cpus),
		rss:    median(rsss),
		wallLo: walls[(len(walls)-1)/4],
		wallHi: walls[len(walls)-1-(len(walls)-1)/4],
	}
}

// median of a sorted slice; the mean of the middle two for an even count.
func median[T int64 | time.Duration](xs []T) T {
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// measurePair runs a and b alternately, a b a b …, n times each after one
// untimed warm-up of each (page cache, the dynamic loader, the first fork),
// so that drift in the machine's load falls on both sides alike. b may be
// nil: then a runs alone. When a warm-up run takes longer than slow, the
// pair runs max(5, n/3) times instead: a median of five multi-second runs
// is stable, and the full run stays within minutes. It returns the number
// of timed runs of each side.
func measurePair(ctx context.Context, a, b *job, n int, slow time.Duration) (sa, sb stats, reps int, err error) {
	jobs := []*job{a}
	if b != nil {
		jobs = append(jobs, b)
	}
	reps = n
	for _, j := range jobs {
		s, err := runOnce(ctx, j)
		if err != nil {
			return sa, sb, 0, err
		}
		if s.wall > slow && n > 5 {
			reps = max(5, n/3)
		}
	}
	samples := make([][]sample, len(jobs))
	for range reps {
		for k, j := range jobs {
			s, err := runOnce(ctx, j)
			if err != nil {
				return sa, sb, 0, err
			}
			samples[k] = append(samples[k], s)
		}
	}
	sa = summarize(samples[0])
	if b != nil {
		sb = summarize(samples[1])
	}
	return sa, sb, reps, nil
}
