package dashboard

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// TestRunSession runs the board on a real model.Session over a sandbox git
// repository: the untracked file blocks step 8a; committing it turns the
// step GO with no key pressed; a plan edit that breaks the probe block
// shows the error over the last good board; fixing it clears the banner.
func TestRunSession(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is needed for the sandbox repository: %v", err)
	}
	sandbox := t.TempDir()
	gonogotest.Git(t, sandbox, "init", "-q")
	write := func(name, text string) {
		t.Helper()
		// Write and rename, as editors save.
		tmp := filepath.Join(sandbox, "."+name+".tmp")
		if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(sandbox, name)); err != nil {
			t.Fatal(err)
		}
	}
	write("README.md", "app\n")
	gonogotest.Git(t, sandbox, "add", "README.md")
	gonogotest.Git(t, sandbox, "commit", "-q", "-m", "init")
	write("config_chromadb.py", "CHROMA = True\n")
	write("plan.md", sandboxPlan)

	sess, err := model.NewSession(model.Options{Plan: filepath.Join(sandbox, "plan.md")})
	if err != nil {
		t.Fatal(err)
	}
	l := start(t, sess, Options{Interval: 100 * time.Millisecond}, 100, 30)
	l.waitFor(t, row("✗ NO-GO", "8a"), row("· MANUAL", "9"), "config_chromadb.py is untracked")

	gonogotest.Git(t, sandbox, "add", "config_chromadb.py")
	gonogotest.Git(t, sandbox, "commit", "-q", "-m", "track config_chromadb.py")
	l.waitFor(t, row("● GO", "8a"), "✓ GO")

	broken := strings.Replace(sandboxPlan, "state: committed", "state: comitted", 1)
	for i := 0; ; i++ { // the watch may start after the first screen
		write("plan.md", broken)
		if l.seen(2*time.Second, "PLAN ERROR") || i == 10 {
			break
		}
	}
	l.waitFor(t, "PLAN ERROR", "plan.md:", row("● GO", "8a"))
	write("plan.md", sandboxPlan)
	l.waitFor(t, row("● GO", "8a"))
	for end := time.Now().Add(15 * time.Second); strings.Contains(l.text(), "PLAN ERROR"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("banner stays after the plan was fixed:\n%s", l.text())
		}
	}
	l.key('q')
	if err := l.wait(t); err != nil {
		t.Fatal(err)
	}
}

// TestRunSessionPlanBecomesFIFO: on a real session, the plan replaced by
// a FIFO shows as a plan error over the last good board; checks go on and
// q quits — nothing waits for a writer that never comes.
func TestRunSessionPlanBecomesFIFO(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.md")
	gonogotest.WriteFile(t, plan, "# P\n\n## Steps\n\n### 1. Check\n\n```gonogo\nrequires:\n  - file: "+plan+"\n    min_size: 1\n```\n")
	sess, err := model.NewSession(model.Options{Plan: plan})
	if err != nil {
		t.Fatal(err)
	}
	l := start(t, sess, Options{Interval: 300 * time.Millisecond}, 100, 30)
	l.waitFor(t, row("● GO", "1"))
	for i := 0; ; i++ { // the watch may start after the first screen
		fifo := filepath.Join(dir, fmt.Sprintf(".plan%d.fifo", i))
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(fifo, plan); err != nil {
			t.Fatal(err)
		}
		if l.seen(2*time.Second, "PLAN ERROR") || i == 10 {
			break
		}
	}
	l.waitFor(t, "PLAN ERROR", "named pipe (FIFO)")
	// The file probe on the plan (now empty) still answers: checks go on.
	l.waitFor(t, row("✗ NO-GO", "1"))
	l.key('q')
	if err := l.wait(t); err != nil {
		t.Fatal(err)
	}
}
