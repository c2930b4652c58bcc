package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestNonRegularInputs: a FIFO or a device given as the plan or the
// sidecar ends gonogo at once with exit 2 and a message naming the file
// and what it is — it never waits for a writer (the watchdog of gonogo()
// fails a run that hangs).
func TestNonRegularInputs(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	fifo := filepath.Join(dir, "in.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"plan is a FIFO", []string{"--once", fifo}, "cannot read plan " + fifo + ": it is a named pipe (FIFO), not a regular file"},
		{"lint of a FIFO", []string{"lint", fifo}, "cannot read plan " + fifo + ": it is a named pipe (FIFO)"},
		{"plan is a device", []string{"--once", "/dev/zero"}, "cannot read plan /dev/zero: it is a character device"},
		{"sidecar is a FIFO", []string{"--once", "--probes", fifo, "docs/plan.md"}, "cannot read probes file " + fifo + ": it is a named pipe (FIFO)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := gonogo(t, dir, nil, tc.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and …%s…", r.code, r.stderr, tc.want)
			}
		})
	}
}
