package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// profilePair profiles gonogo's side of a case as NAME and the peer's, if
// any, as NAME-peer, so the two can be read side by side.
func profilePair(ctx context.Context, dir, name string, a, b *job) error {
	if err := profile(ctx, dir, name, a); err != nil {
		return err
	}
	if b == nil {
		return nil
	}
	return profile(ctx, dir, name+"-peer", b)
}

// profile runs j once more, untimed, under `perf record -g` and writes
// DIR/NAME.perf.data and DIR/NAME.txt: the hottest symbols by own time and
// by time including callees, for whoever optimises gonogo next. gonogo has
// no profiling flag and the harness does not patch its source, so a
// sampling profiler from outside is the way in; perf unwinds Go's frame
// pointers and sees the kernel side (system calls, page faults) too.
func profile(ctx context.Context, dir, name string, j *job) error {
	perf, err := exec.LookPath("perf")
	if err != nil {
		return fmt.Errorf("-perf needs perf(1) on $PATH: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data := filepath.Join(dir, name+".perf.data")
	rec := &job{tool: "perf record", dir: j.dir, ok: j.ok,
		argv: append([]string{perf, "record", "-q", "-F", "2999", "-g", "-o", data, "--"}, j.argv...)}
	if _, _, err := output(ctx, rec); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\ncommand: %s (in %s)\n", name, j, j.dir)
	for _, view := range []struct{ title, flag, fields string }{
		{"own time (self), by process and symbol", "--no-children", "overhead,comm,sym"},
		{"including callees (children)", "--children", "children,overhead,comm,sym"},
	} {
		cmd := exec.CommandContext(ctx, perf, "report", "-i", data, view.flag, "-F", view.fields, "-g", "none",
			"--percent-limit", "1", "--stdio")
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("perf report %s: %w", data, err)
		}
		fmt.Fprintf(&b, "\n== %s\n", view.title)
		for _, l := range strings.Split(string(out), "\n") {
			if l = strings.TrimRight(l, " "); l != "" && !strings.HasPrefix(l, "#") {
				b.WriteString(l + "\n")
			}
		}
	}
	return os.WriteFile(filepath.Join(dir, name+".txt"), []byte(b.String()), 0o644)
}
