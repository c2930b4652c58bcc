package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// Issue 10 end to end: the runbooks people write, read by the binary.

// The worst case: a rollback plan whose sub-headings carry no
// number, restoring an untracked file from git and a folder from a backup
// no step makes. gonogo used to answer GO with zero rollback steps; now
// both are rollback steps, NO-GO, until the file is committed and the
// backup exists.
func TestUnnumberedRollbackIsChecked(t *testing.T) {
	plan := "# Move the vector store\n\n## Migration\n\n### Export the collection\n\n```bash\n" +
		"cp config_chromadb.py /tmp/config_chromadb.py.bak\n```\n\n## Rollback Plan\n\n" +
		"### Immediate Rollback\n\n```bash\ngit checkout HEAD -- config_chromadb.py\n```\n\n" +
		"### Data Recovery\n\n```bash\ncp -r backups/chroma data/chroma\n```\n"
	dir := seedSandbox(t, plan)
	s, r := snapshot(t, dir, "docs/plan.md")
	if r.code != exitNoGo || s.Rollback != model.GateNoGo {
		t.Fatalf("exit %d, rollback %s; want 1 and NO-GO\n%s%s", r.code, s.Rollback, r.stdout, r.stderr)
	}
	for _, id := range []string{"immediate-rollback", "data-recovery"} {
		if v := step(t, s, id); !v.Rollback || v.Status != model.StepNoGo {
			t.Errorf("step %s: rollback %v status %s, want a NO-GO rollback step", id, v.Rollback, v.Status)
		}
	}
	l := gonogo(t, dir, nil, "lint", "docs/plan.md")
	if l.code != exitNoGo || len(stepLines(l.stdout, "ERROR", "immediate-rollback")) != 1 || len(stepLines(l.stdout, "ERROR", "data-recovery")) != 1 {
		t.Errorf("lint: exit %d, want 1 with an error on each rollback step:\n%s", l.code, l.stdout)
	}

	gonogotest.Git(t, dir, "add", "config_chromadb.py")
	gonogotest.Git(t, dir, "commit", "-q", "-m", "track the config")
	gonogotest.WriteFile(t, filepath.Join(dir, "backups/chroma/index.bin"), "x")
	s, r = snapshot(t, dir, "docs/plan.md")
	if s.Rollback != model.GateGo {
		t.Errorf("after the commit and the backup: rollback %s, want GO\n%s", s.Rollback, r.stdout)
	}
}

// A rollback section gonogo cannot read as steps makes the gate UNKNOWN
// and --once exit 3 — never GO — and lint names its lines as an error.
func TestUnreadableRollbackIsUnknown(t *testing.T) {
	plan := "# Move\n\n## Migration\n\n### Export the collection\n\n```bash\ncp app.py /tmp/app.py.bak\n```\n\n" +
		"## Rollback\n\n| host | what to do |\n|---|---|\n| app-1 | put the old build back |\n"
	dir := seedSandbox(t, plan)
	s, r := snapshot(t, dir, "docs/plan.md")
	if r.code != exitUnknown || s.Rollback != model.GateUnknown || s.Verdict != model.GateUnknown {
		t.Fatalf("exit %d, rollback %s, verdict %s; want 3, UNKNOWN, UNKNOWN\n%s", r.code, s.Rollback, s.Verdict, r.stdout)
	}
	if !strings.Contains(strings.Join(s.Reasons, "\n"), "lines 13–15") {
		t.Errorf("reasons should name the lines of the table: %q", s.Reasons)
	}
	l := gonogo(t, dir, nil, "lint", "docs/plan.md")
	if l.code != exitNoGo || !strings.Contains(l.stdout, "ERROR") || !strings.Contains(l.stdout, "docs/plan.md:13: step rollback: lines 13–15") {
		t.Errorf("lint: exit %d, want 1 with an error naming lines 13–15:\n%s", l.code, l.stdout)
	}
}

// Runbooks that used to exit 2 "no steps found": un-numbered headings,
// bullets with inline commands, plain prose. Only a file with nothing to
// do still exits 2, and it says what it saw.
func TestRunbooksWithoutNumbersLoad(t *testing.T) {
	for name, plan := range map[string]string{
		"headings": "# Upgrade\n\n## Stop the service\n\n```bash\nsystemctl --version\n```\n\n## Check the web interface\n\nLog in and open a page.\n",
		"bullets":  "# Upgrade\n\n* Keep the old binary. Command: `cp app.py /tmp/app.py.old`\n* Log in and push a commit.\n",
		"prose":    "# Notes\n\nWe move the app.\n\nStart by keeping a copy of it:\n\n```sh\ncp app.py /tmp/app.py.old\n```\n\nThen tell the team.\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := seedSandbox(t, plan)
			s, r := snapshot(t, dir, "docs/plan.md")
			if r.code == exitUsage || len(s.Steps) < 2 {
				t.Errorf("exit %d with %d steps, want the plan read\n%s%s", r.code, len(s.Steps), r.stdout, r.stderr)
			}
		})
	}
	dir := seedSandbox(t, "# Ideas\n\nSome thoughts about the next quarter.\n")
	r := gonogo(t, dir, nil, "--once", "docs/plan.md")
	if r.code != exitUsage || !strings.Contains(r.stderr, "the file has 1 heading, 1 paragraph and no shell commands or instructions") {
		t.Errorf("a file with nothing to do: exit %d, want 2 saying what it holds\n%s", r.code, r.stderr)
	}
}

// Commands typed on another machine are not checked against this one: a
// restore over ssh from a backup that only the remote host has stays GO,
// with a note saying where it runs.
func TestRemoteCommandsAreNotCheckedHere(t *testing.T) {
	if _, err := os.Stat("/var/backups/remote-only.tar"); err == nil {
		t.Skip("the remote-only path exists on this host")
	}
	plan := "# Restore\n\n## Rollback\n\n### Restore on the database host\n\n```bash\nssh db-1\ntar -xf /var/backups/remote-only.tar -C /srv\nexit\n```\n"
	dir := seedSandbox(t, plan)
	s, _ := snapshot(t, dir, "docs/plan.md")
	v := step(t, s, "restore-on-the-database-host")
	if v.Status == model.StepNoGo {
		t.Errorf("a command run on db-1 was checked here: %+v", v.Probes)
	}
	if !strings.Contains(strings.Join(v.Notes, "\n"), "run on db-1") {
		t.Errorf("want a note saying the lines run on db-1: %q", v.Notes)
	}
}
