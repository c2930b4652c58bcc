package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// joined is the pane with wrapped lines joined, so a long path reads whole.
func (tm *tmux) joined() string {
	tm.t.Helper()
	return tm.run("capture-pane", "-p", "-J", "-t", "g")
}

// The real binary's board on a real terminal keeps the window's record:
// the first check, then one line when committing config_chromadb.py turns
// rollback step 23 GO, and none for re-checks that change nothing.
func TestBoardRecordE2E(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	rec := filepath.Join(t.TempDir(), "window.jsonl")
	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "140", "-y", "40", "-c", dir,
		fmt.Sprintf("%s --interval 200ms --record %s docs/plan.md; echo gonogo-exit=$?; sleep 60", binary, shellQuote(rec)))
	tm.waitFor("Restore ChromaDB config")
	if s := step(t, waitLines(t, rec, 1)[0], "23"); s.Status != model.StepNoGo {
		t.Fatalf("first line: step 23 is %s, want NO-GO", s.Status)
	}
	gonogotest.Git(t, dir, "add", "config_chromadb.py")
	gonogotest.Git(t, dir, "commit", "-q", "-m", "track config_chromadb.py")
	lines := waitLines(t, rec, 2)
	if s := step(t, lines[1], "23"); s.Status != model.StepGo || lines[1].Rollback != model.GateGo {
		t.Errorf("second line: step 23 %s, rollback %s; want GO and GO", s.Status, lines[1].Rollback)
	}
	time.Sleep(time.Second) // about five re-checks at 200ms
	tm.run("send-keys", "-t", "g", "q")
	tm.waitFor("gonogo-exit=0")
	if n := len(recordLines(t, rec)); n != 2 {
		t.Errorf("after re-checks that changed nothing the record holds %d lines, want 2", n)
	}
}

// A record that cannot be written mid-window (the file-size limit
// reached, as a full disk would be: every append fails) does not stop the
// board: the banner and the event log say so.
func TestBoardRecordWriteFails(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	rec := filepath.Join(t.TempDir(), "window.jsonl")
	// Past the limit of ulimit -f 4 (4 KiB at most) already: nothing more
	// can be appended.
	full := strings.Repeat(`{"version":1,"verdict":"GO"}`+"\n", 200)
	gonogotest.WriteFile(t, rec, full)
	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "140", "-y", "40", "-c", dir,
		fmt.Sprintf("sh -c 'ulimit -f 4; exec %s --interval 200ms --record %s docs/plan.md'; echo gonogo-exit=$?; sleep 60", binary, rec))
	tm.waitFor("write failed: file too large")
	if !strings.Contains(tm.joined(), "Restore ChromaDB config") {
		t.Errorf("the board is not drawn under the banner:\n%s", tm.joined())
	}
	tm.run("send-keys", "-t", "g", "e")
	tm.waitFor("record  --record ")
	tm.run("send-keys", "-t", "g", "q")
	tm.waitFor("gonogo-exit=0")
	if b, err := os.ReadFile(rec); err != nil || string(b) != full {
		t.Errorf("the record changed although every write failed (%d bytes, %v)", len(b), err)
	}
}

// A --record file in a missing folder stops gonogo before the board opens,
// on a terminal and off one, with exit 2 and a message naming the path.
func TestBoardRecordOpenFails(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	missing := filepath.Join(t.TempDir(), "no-such-dir", "window.jsonl")
	want := "gonogo: --record " + missing + ": cannot open the audit file"

	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "140", "-y", "40", "-c", dir,
		fmt.Sprintf("%s --record %s docs/plan.md; echo gonogo-exit=$?; sleep 60", binary, shellQuote(missing)))
	tm.waitFor("gonogo-exit=")
	screen := tm.joined()
	if !strings.Contains(screen, "gonogo-exit=2") || !strings.Contains(screen, want) || !strings.Contains(screen, "mkdir -p") {
		t.Errorf("on a terminal: want exit 2 and %q:\n%s", want, screen)
	}
	if strings.Contains(screen, "Restore ChromaDB config") || strings.Contains(screen, "NO-GO") {
		t.Errorf("the board was drawn:\n%s", screen)
	}

	r := gonogo(t, dir, nil, "--once", "--record", missing, "docs/plan.md")
	if r.code != exitUsage || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "use --once") || r.stdout != "" {
		t.Errorf("off a terminal: exit %d, stdout %q, stderr %q; want 2 and %q", r.code, r.stdout, r.stderr, want)
	}
	if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
		t.Errorf("gonogo created the missing folder (%v)", err)
	}
}

// gonogo demo takes --record too: --once appends its answer, the board
// its first check.
func TestDemoRecord(t *testing.T) {
	rec := filepath.Join(t.TempDir(), "demo.jsonl")
	r := gonogo(t, t.TempDir(), []string{"TMPDIR=" + t.TempDir()}, "demo", "--once", "--record", rec)
	if r.code != exitGo {
		t.Fatalf("demo --once --record: exit %d, stderr %s", r.code, r.stderr)
	}
	lines := recordLines(t, rec)
	if len(lines) != 1 || lines[0].Rollback != model.GateNoGo {
		t.Fatalf("demo record: %d lines, want 1 with rollback NO-GO", len(lines))
	}
}

func TestDemoBoardRecord(t *testing.T) {
	rec := filepath.Join(t.TempDir(), "demo.jsonl")
	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "140", "-y", "40", "-e", "TMPDIR="+t.TempDir(),
		fmt.Sprintf("%s demo --record %s; echo gonogo-exit=$?; sleep 60", binary, shellQuote(rec)))
	tm.waitFor("Press Enter")
	tm.run("send-keys", "-t", "g", "Enter")
	tm.waitFor("Restore ChromaDB config")
	if l := waitLines(t, rec, 1)[0]; l.Rollback != model.GateNoGo {
		t.Errorf("demo board record: rollback %s, want NO-GO", l.Rollback)
	}
	tm.run("send-keys", "-t", "g", "q")
	tm.waitFor("gonogo-exit=0")
}
