package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// The real binary's board in tmux, as an operator uses it (issue 11).

// verdictBlock is the pane's verdict block: the first four rows, as many
// columns as the block is wide at that size.
func verdictBlock(screen string, width int) string {
	var out []string
	for i, l := range strings.SplitN(screen, "\n", 5) {
		if i == 4 {
			break
		}
		r := []rune(l)
		out = append(out, strings.TrimSpace(string(r[:min(len(r), width)])))
	}
	return strings.Join(out, " ")
}

// sh runs a shell script in dir, as the operator would in another pane.
func sh(t *testing.T, dir, script string, env ...string) {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
}

// backupPlan backs app.db up in step 4; rollback step 23 restores that
// backup.
const backupPlan = "# Upgrade the app\n\n## Pre-deploy\n\n" +
	"### 4. Back up the database\n\n```bash\nmkdir -p backup\ncp app.db backup/app.db.bak\n```\n\n" +
	"### 5. Migrate\n\n```gonogo\nrequires:\n  - file: app.db\n```\n\n" +
	"## Rollback\n\n### 23. Restore the database\n\n```bash\ncp backup/app.db.bak app.db\n```\n"

// Pending → GO: the rollback restores a backup step 4 makes. Before step
// 4 the board reads GO with the rollback PENDING (after step 4) and says
// to run step 4; once the step is carried out in the sandbox, the
// rollback turns GO and the next step moves on, with no key pressed.
func TestPendingToGoE2E(t *testing.T) {
	dir := seedSandbox(t, backupPlan)
	gonogotest.WriteFile(t, filepath.Join(dir, "app.db"), "rows\n")
	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "100", "-y", "30", "-c", dir,
		fmt.Sprintf("%s --interval 300ms docs/plan.md; echo gonogo-exit=$?; sleep 60", binary))
	screen := tm.waitFor("rollback ◔ PENDING after step 4")
	for _, want := range []string{"▸ Run step 4 next: Back up the database. It makes what step 23 needs.",
		"next ▶ 4", "◔ step 23 needs backup/app.db.bak: step 4 makes it"} {
		if !strings.Contains(screen, want) {
			t.Errorf("before step 4 the board lacks %q:\n%s", want, screen)
		}
	}
	if b := verdictBlock(screen, 15); !strings.Contains(b, "✓ GO") {
		t.Errorf("pending is GO, the verdict block says %q:\n%s", b, screen)
	}

	sh(t, dir, "mkdir -p backup && cp app.db backup/app.db.bak") // step 4, by hand
	screen = tm.waitFor("rollback ✓ GO every rollback step can run")
	for _, want := range []string{"next ▶ 5", "▸ Run step 5 next: Migrate."} {
		if !strings.Contains(screen, want) {
			t.Errorf("after step 4 the board lacks %q:\n%s", want, screen)
		}
	}
	tm.run("send-keys", "-t", "g", "q")
	tm.waitFor("gonogo-exit=0")
}

// A probe that takes longer than the interval never turns a known verdict
// into UNKNOWN or CHECKING between two checks that agree: the last answers
// stay, marked ⟳ while they are re-checked.
func TestSlowProbeNoFlickerE2E(t *testing.T) {
	plan := "# Slow\n\n## Steps\n\n### 1. Look\n\n```gonogo\nrequires:\n  - command: sleep 1.3\n    timeout: 10s\n  - file: app.py\n```\n"
	dir := seedSandbox(t, plan)
	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "100", "-y", "30", "-c", dir,
		fmt.Sprintf("%s --interval 300ms docs/plan.md; echo gonogo-exit=$?; sleep 60", binary))
	tm.waitFor("✓ GO")
	refreshing := false
	for end := time.Now().Add(6 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		screen := tm.run("capture-pane", "-p", "-t", "g")
		b := verdictBlock(screen, 15)
		if !strings.Contains(b, "✓ GO") || strings.Contains(screen, "UNKNOWN") || strings.Contains(screen, "CHECKING") {
			t.Fatalf("between checks that agree the board changed its answer (block %q):\n%s", b, screen)
		}
		refreshing = refreshing || strings.Contains(screen, "⟳") || strings.Contains(screen, "checking 1 probe")
	}
	if !refreshing {
		t.Error("no re-check was ever seen running in six seconds at a 300ms interval")
	}
	tm.run("send-keys", "-t", "g", "q")
	tm.waitFor("gonogo-exit=0")
}

// At 80x24 the action line and at least three reasons are on screen.
func TestActionAndReasons80x24(t *testing.T) {
	plan := "# Release\n\n## Steps\n\n### 1. Ship it\n\n```gonogo\nrequires:\n  - file: release/app.tar\n```\n\n" +
		"### 2. Tell the team\n\nPost in the channel.\n\n## Rollback\n\n" +
		"### 8. Put the old release back\n\n```gonogo\nrequires:\n  - file: release/app-old.tar\n```\n\n" +
		"### 9. Restore the settings\n\n```gonogo\nrequires:\n  - file: settings.bak\n```\n"
	dir := seedSandbox(t, plan)
	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "80", "-y", "24", "-c", dir,
		fmt.Sprintf("%s docs/plan.md; echo gonogo-exit=$?; sleep 60", binary))
	screen := tm.waitFor("▸ Don't start step 1: it needs file release/app.tar")
	reasons := regexp.MustCompile(`(?m)^│✗ (step 1|rollback step 8|rollback step 9) \(`).FindAllString(screen, -1)
	if len(reasons) != 3 {
		t.Errorf("%d reasons on the 80x24 board, want all three:\n%s", len(reasons), screen)
	}
	if lines := strings.Split(strings.TrimRight(screen, "\n"), "\n"); len(lines) > 24 {
		t.Errorf("the board draws %d lines on a 24-line pane", len(lines))
	}
	t.Logf("80x24:\n%s", screen)
	tm.run("send-keys", "-t", "g", "q")
	tm.waitFor("gonogo-exit=0")
}

// Sign-off round trip: x on the board's next step — a MANUAL one — records
// "done by USER" in the --record file and the next step moves past it; x
// again withdraws it; --once --record reads the sign-off back.
func TestSignOffRoundTripE2E(t *testing.T) {
	plan := "# P\n\n## Steps\n\n### 1. Announce the window\n\nTell the team.\n\n### 2. Look\n\n```gonogo\nrequires:\n  - file: app.py\n```\n"
	dir := seedSandbox(t, plan)
	rec := filepath.Join(t.TempDir(), "window.jsonl")
	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "120", "-y", "30", "-c", dir, "-e", "USER=ann",
		fmt.Sprintf("%s --interval 300ms --record %s docs/plan.md; echo gonogo-exit=$?; sleep 60", binary, shellQuote(rec)))
	tm.waitFor("next ▶ 1 · MANUAL Announce the window")
	tm.run("send-keys", "-t", "g", "x")
	screen := tm.waitFor("next ▶ 2")
	if !strings.Contains(screen, "Announce the window (signed off by ann)") {
		t.Errorf("the board does not show the sign-off:\n%s", screen)
	}
	tm.run("send-keys", "-t", "g", "x") // the selection stays on step 1
	tm.waitFor("next ▶ 1 · MANUAL")
	tm.run("send-keys", "-t", "g", "x")
	tm.waitFor("next ▶ 2")
	tm.run("send-keys", "-t", "g", "q")
	tm.waitFor("gonogo-exit=0")

	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `"event":"signoff"`); n != 3 {
		t.Errorf("the record holds %d sign-off lines, want 3 (sign, withdraw, sign):\n%s", n, b)
	}
	s, r := snapshot(t, dir, "--record", rec, "docs/plan.md")
	if s.NextStep != "2" || step(t, s, "1").Status != model.StepDone || len(s.SignOffs) != 1 || s.SignOffs[0].By != "ann" {
		t.Errorf("--once --record: next %q, step 1 %s, sign-offs %+v; want 2, DONE, by ann (exit %d)", s.NextStep, step(t, s, "1").Status, s.SignOffs, r.code)
	}

	// Without --record the board says where a sign-off would be kept.
	tm2 := newTmux(t)
	tm2.run("new-session", "-d", "-s", "g", "-x", "120", "-y", "30", "-c", dir,
		fmt.Sprintf("%s docs/plan.md; echo gonogo-exit=$?; sleep 60", binary))
	tm2.waitFor("next ▶ 1")
	tm2.run("send-keys", "-t", "g", "x")
	tm2.waitFor("sign-off needs --record FILE")
	tm2.run("send-keys", "-t", "g", "q")
	tm2.waitFor("gonogo-exit=0")
}

// The demo tells the whole story: the end-to-end test follows the
// instructions the demo prints, and the board turns GO, then moves on as
// the plan's first steps are carried out. Its git commit works without a
// git identity on the machine.
func TestDemoE2E(t *testing.T) {
	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "140", "-y", "40", "-e", "TMPDIR="+t.TempDir(), "-e", "USER=ann",
		fmt.Sprintf("%s demo; echo gonogo-exit=$?; sleep 60", binary))
	tm.waitFor("Press Enter")
	intro := tm.run("capture-pane", "-p", "-J", "-t", "g")
	fix, steps := demoInstructions(t, intro)
	tm.run("send-keys", "-t", "g", "Enter")
	screen := tm.waitFor("Restore ChromaDB config")
	if b := verdictBlock(screen, 25); !strings.Contains(b, "✗ NO-GO") {
		t.Fatalf("the demo does not start NO-GO: %q\n%s", b, screen)
	}
	if !strings.Contains(screen, "demo — 1. in another shell: cd ") {
		t.Errorf("the instructions are not on the board:\n%s", screen)
	}

	// 1. The fix, as printed, in another shell without a git identity.
	sh(t, "/", strings.Join(fix, " && "), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	screen = tm.waitFor("▸ Do step 1 by hand next")
	if b := verdictBlock(screen, 25); !strings.Contains(b, "✓ GO") {
		t.Errorf("after the printed fix the verdict is not GO: %q\n%s", b, screen)
	}
	if !strings.Contains(screen, "rollback ◔ PENDING after step 3") {
		t.Errorf("the rollback does not wait for step 3:\n%s", screen)
	}
	// 2. x signs step 1 off (the next step is selected), then step 3's
	// commands make the export rollback step 24 restores.
	tm.run("send-keys", "-t", "g", "x")
	tm.waitFor("next ▶ 2")
	sh(t, "/", fix[0]+" && "+strings.Join(steps, " && "))
	screen = tm.waitFor("next ▶ 9")
	if !strings.Contains(screen, "rollback ✓ GO") {
		t.Errorf("after step 3 the rollback is not GO:\n%s", screen)
	}
	if b := verdictBlock(screen, 25); !strings.Contains(b, "✓ GO") {
		t.Errorf("after step 3 the verdict is not GO: %q\n%s", b, screen)
	}
	tm.run("send-keys", "-t", "g", "q")
	tm.waitFor("gonogo-exit=0")
}

// demoInstructions reads the commands the demo printed: those under "1."
// (the fix) and those under "2." (the plan's first steps).
func demoInstructions(t *testing.T, intro string) (fix, steps []string) {
	t.Helper()
	part := 0
	for _, l := range strings.Split(intro, "\n") {
		switch {
		case strings.HasPrefix(l, "1. "):
			part = 1
		case strings.HasPrefix(l, "2. "):
			part = 2
		case strings.HasPrefix(l, "  $ ") && part == 1:
			fix = append(fix, strings.TrimPrefix(l, "  $ "))
		case strings.HasPrefix(l, "  $ ") && part == 2:
			steps = append(steps, strings.TrimPrefix(l, "  $ "))
		}
	}
	if len(fix) < 2 || !strings.HasPrefix(fix[0], "cd ") || len(steps) == 0 {
		t.Fatalf("the demo's instructions: fix %q, steps %q:\n%s", fix, steps, intro)
	}
	return fix, steps
}

// SIGTERM to the board: the terminal is restored and gonogo exits 143.
func TestBoardSIGTERM(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "100", "-y", "30", "-c", dir,
		fmt.Sprintf("%s docs/plan.md; echo gonogo-exit=$?; sleep 60", binary))
	tm.waitFor("Restore ChromaDB config")
	pid := boardPID(t, dir)
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	screen := tm.waitFor("gonogo-exit=")
	if !strings.Contains(screen, "gonogo-exit=143") {
		t.Errorf("after SIGTERM:\n%s", screen)
	}
	if strings.Contains(screen, "Restore ChromaDB config") {
		t.Errorf("the board is still on the screen after SIGTERM:\n%s", screen)
	}
}

// boardPID finds the gonogo process running in dir.
func boardPID(t *testing.T, dir string) int {
	t.Helper()
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		cwd, _ := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if strings.HasPrefix(string(cmdline), binary+"\x00") && cwd == dir {
			return pid
		}
	}
	t.Fatalf("no gonogo process in %s", dir)
	return 0
}
