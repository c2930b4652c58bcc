package model

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// gitRepo makes a repository with the git CLI, commits the files in
// committed and writes the files in untracked afterwards.
func gitRepo(t testing.TB, committed, untracked map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(files map[string]string) {
		for name, body := range files {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	gonogotest.Git(t, dir, "init", "-q")
	write(committed)
	gonogotest.Git(t, dir, "add", "-A")
	gonogotest.Git(t, dir, "commit", "-q", "-m", "initial")
	write(untracked)
	return dir
}

// seedPlan is the seed's case in small: a pre-deploy step that backs up and
// commits config_chromadb.py, and a rollback step that restores it.
const seedPlan = "# Migrate\n\n## Pre-deploy\n\n### 8a. Backup config\n\n```gonogo\ndone:\n  - git: config_chromadb.py\n    state: committed\n```\n\n" +
	"### 9. Count runs\n\n```gonogo\nrequires:\n  - command: echo run >> runs.txt\n```\n\n" +
	"## Rollback\n\n### 23. Restore ChromaDB config\n\n```gonogo\nrequires:\n  - git: config_chromadb.py\n    state: committed\n```\n"

func seedRepo(t *testing.T) (dir, plan string) {
	dir = gitRepo(t, map[string]string{"README.md": "x\n", "plan.md": seedPlan, ".gitignore": "runs.txt\n"}, map[string]string{"config_chromadb.py": "CHROMA = 1\n"})
	return dir, filepath.Join(dir, "plan.md")
}

func stepByKey(s *Snapshot, key string) *StepView {
	for i := range s.Steps {
		if s.Steps[i].ID == key || s.Steps[i].Key == key {
			return &s.Steps[i]
		}
	}
	return nil
}

func TestSessionSeedCase(t *testing.T) {
	dir, plan := seedRepo(t)
	sess, err := NewSession(Options{Plan: plan, NoInfer: true})
	if err != nil {
		t.Fatal(err)
	}
	snap := sess.Check(context.Background(), CheckOptions{Force: true})
	if got := stepByKey(snap, "23").Status; got != StepNoGo {
		t.Errorf("step 23 = %s, want NO-GO", got)
	}
	if snap.Rollback != GateNoGo || snap.Verdict != GateNoGo || snap.NextStep != "8a" {
		t.Errorf("rollback %s verdict %s next %q, want NO-GO NO-GO 8a", snap.Rollback, snap.Verdict, snap.NextStep)
	}
	if snap.Root != dir {
		t.Errorf("root = %q, want the repository %q", snap.Root, dir)
	}
	if snap.Host == nil {
		t.Error("no host facts in a complete snapshot")
	}

	gonogotest.Git(t, dir, "add", "config_chromadb.py")
	gonogotest.Git(t, dir, "commit", "-q", "-m", "track config")
	snap = sess.Check(context.Background(), CheckOptions{Force: true})
	if got := stepByKey(snap, "23").Status; got != StepGo {
		t.Errorf("after commit: step 23 = %s, want GO", got)
	}
	if got := stepByKey(snap, "8a").Status; got != StepDone {
		t.Errorf("after commit: step 8a = %s, want DONE", got)
	}
	if snap.NextStep != "9" || snap.Verdict != GateGo {
		t.Errorf("after commit: next %q verdict %s, want 9 GO (reasons %q)", snap.NextStep, snap.Verdict, snap.Reasons)
	}
}

func countRuns(t *testing.T, dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, "runs.txt"))
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "run\n")
}

// Only due probes run again; Force runs them all.
func TestSessionCheckRunsOnlyDueProbes(t *testing.T) {
	dir, plan := seedRepo(t)
	sess, err := NewSession(Options{Plan: plan, NoInfer: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	steps := []struct {
		o    CheckOptions
		want int
	}{
		{CheckOptions{DefaultInterval: time.Hour}, 1}, // never ran: due
		{CheckOptions{DefaultInterval: time.Hour}, 1}, // answered a moment ago: not due
		{CheckOptions{Force: true}, 2},                // forced
		{CheckOptions{DefaultInterval: 0}, 3},         // no interval: always due
		{CheckOptions{DefaultInterval: time.Hour}, 3}, // fresh again
		{CheckOptions{DefaultInterval: time.Nanosecond}, 4},
	}
	for i, s := range steps {
		snap := sess.Check(ctx, s.o)
		if got := countRuns(t, dir); got != s.want {
			t.Fatalf("check %d: the command probe ran %d times in all, want %d", i, got, s.want)
		}
		if got := stepByKey(snap, "9").Probes[0].Status; got != probes.OK {
			t.Errorf("check %d: cached command probe reads %s, want ok", i, got)
		}
	}
}

func TestSessionNoExecSkipsCommands(t *testing.T) {
	dir, plan := seedRepo(t)
	sess, err := NewSession(Options{Plan: plan, NoInfer: true, NoExec: true})
	if err != nil {
		t.Fatal(err)
	}
	snap := sess.Check(context.Background(), CheckOptions{Force: true})
	if got := stepByKey(snap, "9"); got.Status != StepManual || got.Probes[0].Status != probes.Skip {
		t.Errorf("step 9 under --no-exec: %s / %s, want MANUAL / skip", got.Status, got.Probes[0].Status)
	}
	if n := countRuns(t, dir); n != 0 {
		t.Errorf("--no-exec ran the command %d times", n)
	}
}

func TestSessionPartialSnapshots(t *testing.T) {
	dir := gitRepo(t, map[string]string{"plan.md": "# P\n\n## Steps\n\n### 1. Slow\n\n```gonogo\nrequires:\n  - command: sleep 0.5\n  - file: plan.md\n```\n"}, nil)
	sess, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md"), NoInfer: true})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		partials []*Snapshot
	)
	final := sess.Check(context.Background(), CheckOptions{Force: true, OnPartial: func(s *Snapshot) {
		mu.Lock()
		partials = append(partials, s)
		mu.Unlock()
	}})
	mu.Lock()
	defer mu.Unlock()
	if len(partials) == 0 {
		t.Fatal("no partial snapshot while a 0.5s probe ran")
	}
	first := partials[0].Steps[0]
	if first.Probes[0].Status != probes.Pending || first.Status != StepUnknown {
		t.Errorf("first partial: probe %s step %s, want checking / UNKNOWN", first.Probes[0].Status, first.Status)
	}
	if got := final.Steps[0]; got.Status != StepGo || got.Probes[0].Status != probes.OK {
		t.Errorf("final: step %s probe %s, want GO ok", got.Status, got.Probes[0].Status)
	}
}

func TestSessionTimeoutEndsCheck(t *testing.T) {
	dir := gitRepo(t, map[string]string{"plan.md": "# P\n\n## Steps\n\n### 1. Hang\n\n```gonogo\nrequires:\n  - command: sleep 600\n    timeout: 10m\n```\n"}, nil)
	sess, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md"), NoInfer: true, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *Snapshot, 1)
	go func() { done <- sess.Check(context.Background(), CheckOptions{Force: true}) }()
	select {
	case snap := <-done:
		p := snap.Steps[0].Probes[0]
		if p.Status != probes.Error || snap.Verdict != GateUnknown {
			t.Errorf("hung probe: %s (%s), verdict %s; want error, UNKNOWN", p.Status, p.Message, snap.Verdict)
		}
	case <-time.After(time.Minute):
		t.Fatal("Check did not return after its 300ms timeout")
	}
}

func TestSessionRefs(t *testing.T) {
	_, plan := seedRepo(t)
	tests := []struct {
		name string
		opts Options
		want string // error substring, "" for none
	}{
		{"at ok", Options{At: "23"}, ""},
		{"at unknown lists steps", Options{At: "99"}, `no step "99"`},
		{"step unknown", Options{Steps: []string{"8b"}}, "--step"},
		{"phase by name any case", Options{Phase: "rollback"}, ""},
		{"phase unknown lists phases", Options{Phase: "verify"}, `"Pre-deploy"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Plan, tc.opts.NoInfer = plan, true
			_, err := NewSession(tc.opts)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestSessionSetAtAndPhase(t *testing.T) {
	_, plan := seedRepo(t)
	sess, err := NewSession(Options{Plan: plan, NoInfer: true, NoExec: true, Phase: "Rollback"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.SetAt("9"); err != nil {
		t.Fatal(err)
	}
	snap := sess.Check(context.Background(), CheckOptions{Force: true})
	if snap.NextStep != "9" || snap.At != "9" {
		t.Errorf("after SetAt(9): next %q at %q", snap.NextStep, snap.At)
	}
	if len(snap.Steps) != 1 || snap.Steps[0].ID != "23" {
		t.Errorf("--phase Rollback shows %v, want only step 23", statuses(snap))
	}
	if err := sess.SetAt("nope"); err == nil {
		t.Error("SetAt(nope): no error")
	}
	if err := sess.SetAt(""); err != nil {
		t.Fatal(err)
	}
	if snap := sess.Check(context.Background(), CheckOptions{Force: true}); snap.NextStep != "8a" {
		t.Errorf("after SetAt(\"\"): next %q, want 8a", snap.NextStep)
	}
}

func TestSessionReloadKeepsLastGoodPlan(t *testing.T) {
	_, plan := seedRepo(t)
	sess, err := NewSession(Options{Plan: plan, NoInfer: true, NoExec: true})
	if err != nil {
		t.Fatal(err)
	}
	if files := sess.Files(); len(files) != 1 || files[0] != plan {
		t.Errorf("Files() = %q, want [%q]", files, plan)
	}
	// A broken probe block: the reload fails and the old plan stays.
	broken := strings.Replace(seedPlan, "state: committed", "state: comitted", 1)
	if err := os.WriteFile(plan, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	err = sess.Reload()
	var list plans.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Reload of a broken plan: %v, want a plans.ErrorList", err)
	}
	snap := sess.Check(context.Background(), CheckOptions{Force: true})
	if len(snap.Steps) != 3 || len(snap.Warnings) == 0 || !strings.Contains(snap.Warnings[0], "last good") {
		t.Errorf("after a failed reload: %d steps, warnings %q", len(snap.Steps), snap.Warnings)
	}
	// A good edit is picked up.
	if err := os.WriteFile(plan, []byte(seedPlan+"\n### 24. Restart\n\n```gonogo\nrequires:\n  - file: README.md\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := sess.Reload(); err != nil {
		t.Fatal(err)
	}
	snap = sess.Check(context.Background(), CheckOptions{Force: true})
	if stepByKey(snap, "24") == nil || len(snap.Warnings) != 0 {
		t.Errorf("after a good reload: %s, warnings %q", statuses(snap), snap.Warnings)
	}
}

func TestDiskPathsOnePerFilesystem(t *testing.T) {
	dir := t.TempDir()
	p := &plans.Plan{Root: dir, Steps: []*plans.Step{{Key: "1", Probes: []*spec.Probe{
		{Kind: spec.KindFile, Params: &spec.FileParams{Path: filepath.Join(dir, "a")}},
		{Kind: spec.KindBackup, Params: &spec.BackupParams{Path: filepath.Join(dir, "not", "yet", "made")}},
		{Kind: spec.KindAny, Children: []*spec.Probe{{Kind: spec.KindHost, Params: &spec.HostParams{Target: spec.HostDisk}}}},
		{Kind: spec.KindHost, Params: &spec.HostParams{Target: spec.HostDisk, Path: "/proc"}},
	}}}}
	got := DiskPaths(p)
	// The oracle: df names the mount point of each path.
	want := []string{dfMount(t, dir), "/proc"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("DiskPaths = %q, want %q (the temp dir's filesystem once, /proc on its own)", got, want)
	}
}

// dfMount asks df for the mount point of the filesystem holding path.
func dfMount(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("df", "--output=target", path).Output()
	if err != nil {
		t.Skipf("df: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// pendingPlan backs up app.db in step 4, and its rollback restores that
// backup: before step 4 the restore is pending, not broken.
const pendingPlan = "# Upgrade\n\n## Pre-deploy\n\n### 1. Announce the window\n\nTell the team.\n\n" +
	"### 4. Back up the database\n\n```bash\nmkdir -p backup\ncp app.db backup/app.db.bak\n```\n\n" +
	"### 5. Migrate\n\n```gonogo\nrequires:\n  - file: app.db\n```\n\n" +
	"## Rollback\n\n### 23. Restore the database\n\n```bash\ncp backup/app.db.bak app.db\n```\n"

// TestSessionPending follows the plan: pending while the backup step is
// ahead, NO-GO once the operator says they are past it without the backup,
// GO once the backup exists.
func TestSessionPending(t *testing.T) {
	dir := gitRepo(t, map[string]string{"plan.md": pendingPlan, "app.db": "rows\n"}, nil)
	sess, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	check := func() *Snapshot { return sess.Check(ctx, CheckOptions{Force: true}) }

	snap := check()
	if snap.Verdict != GateGo || snap.Rollback != GatePending || snap.NextStep != "1" {
		t.Fatalf("before step 4: verdict %s rollback %s next %q (reasons %q), want GO PENDING 1", snap.Verdict, snap.Rollback, snap.NextStep, snap.Reasons)
	}
	if got := stepByKey(snap, "23").Status; got != StepPending {
		t.Errorf("step 23 = %s, want PENDING", got)
	}
	if len(snap.Pending) != 1 || snap.Pending[0].Step != "23" || snap.Pending[0].MadeBy != "4" || snap.Pending[0].What != "backup/app.db.bak" {
		t.Errorf("pending = %+v, want step 23 waiting for backup/app.db.bak made by step 4", snap.Pending)
	}
	if got := snap.RollbackNote(); got != "after step 4" {
		t.Errorf("rollback note = %q, want after step 4", got)
	}
	if want := "Do step 1 by hand next: Announce the window. Sign it off when it is done (x on the board)."; snap.Action != want {
		t.Errorf("action = %q, want %q", snap.Action, want)
	}

	// The manual step signed off: step 4 is next, and it makes the backup.
	if _, err := sess.SignOff(SignOff{Step: "1", By: "ann", At: time.Unix(0, 0).UTC()}, false); err != nil {
		t.Fatal(err)
	}
	snap = check()
	if snap.NextStep != "4" || snap.Rollback != GatePending || snap.Verdict != GateGo {
		t.Fatalf("after the sign-off: next %q rollback %s verdict %s, want 4 PENDING GO", snap.NextStep, snap.Rollback, snap.Verdict)
	}
	if v := stepByKey(snap, "1"); v.Status != StepDone || v.SignedOff == nil || v.SignedOff.By != "ann" {
		t.Errorf("signed-off step 1: %s %+v", v.Status, v.SignedOff)
	}
	if len(snap.SignOffs) != 1 || snap.SignOffs[0].Step != "1" {
		t.Errorf("sign-offs = %+v", snap.SignOffs)
	}
	if want := "Run step 4 next: Back up the database. It makes what step 23 needs."; snap.Action != want {
		t.Errorf("action = %q, want %q", snap.Action, want)
	}

	// Past step 4 without its backup: the rollback is broken now.
	if err := sess.SetAt("5"); err != nil {
		t.Fatal(err)
	}
	snap = check()
	if snap.Verdict != GateNoGo || snap.Rollback != GateNoGo || len(snap.Pending) != 0 {
		t.Fatalf("at step 5 without the backup: verdict %s rollback %s pending %+v, want NO-GO NO-GO none", snap.Verdict, snap.Rollback, snap.Pending)
	}
	if len(snap.Reasons) != 1 || !strings.Contains(snap.Reasons[0], "step 4 was passed but backup/app.db.bak does not exist") {
		t.Errorf("reasons = %q, want step 4 was passed but its backup does not exist", snap.Reasons)
	}
	if want := "Don't start step 5: rollback step 23 cannot run. Fix: carry out step 4 again (cp app.db backup/app.db.bak)"; snap.Action != want {
		t.Errorf("action = %q\nwant     %q", snap.Action, want)
	}

	// The backup made: step 4 is done, the rollback can run.
	if err := sess.SetAt(""); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "backup"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("cp", filepath.Join(dir, "app.db"), filepath.Join(dir, "backup", "app.db.bak")).Run(); err != nil {
		t.Fatal(err)
	}
	snap = check()
	if snap.Verdict != GateGo || snap.Rollback != GateGo || snap.NextStep != "5" || len(snap.Pending) != 0 {
		t.Errorf("after the backup: verdict %s rollback %s next %q pending %+v (reasons %q), want GO GO 5 none",
			snap.Verdict, snap.Rollback, snap.NextStep, snap.Pending, snap.Reasons)
	}

	// Sign-offs a rollback step or a step with done-probes refuse.
	for _, ref := range []string{"23", "4"} {
		if _, err := sess.SignOff(SignOff{Step: ref, By: "ann"}, false); err == nil {
			t.Errorf("step %s was signed off", ref)
		}
	}
	if _, err := sess.SignOff(SignOff{Step: "1"}, true); err != nil {
		t.Fatal(err)
	}
	if snap = check(); len(snap.SignOffs) != 0 || stepByKey(snap, "1").Status != StepManual {
		t.Errorf("after withdrawing: sign-offs %+v, step 1 %s", snap.SignOffs, stepByKey(snap, "1").Status)
	}
}

// TestSessionRefreshKeepsAnswers: a re-check never shows a known answer
// as checking. While a slow probe re-runs, every partial snapshot carries
// its last answer, marked refreshing, and the verdict of the check before;
// a quick probe's new answer shows before the slow one is back.
func TestSessionRefreshKeepsAnswers(t *testing.T) {
	dir := gitRepo(t, map[string]string{"plan.md": "# P\n\n## Steps\n\n### 1. Slow\n\n```gonogo\nrequires:\n  - command: sleep 1\n  - file: plan.md\n```\n"}, nil)
	sess, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md"), NoInfer: true})
	if err != nil {
		t.Fatal(err)
	}
	first := sess.Check(context.Background(), CheckOptions{Force: true})
	if first.Verdict != GateGo {
		t.Fatalf("first check: %s %q", first.Verdict, first.Reasons)
	}
	var (
		mu       sync.Mutex
		partials []*Snapshot
	)
	final := sess.Check(context.Background(), CheckOptions{Force: true, OnPartial: func(s *Snapshot) {
		mu.Lock()
		partials = append(partials, s)
		mu.Unlock()
	}})
	mu.Lock()
	defer mu.Unlock()
	if len(partials) == 0 {
		t.Fatal("no partial snapshot while a 1s probe ran")
	}
	quickFirst := false
	for i, s := range partials {
		slow, quick := s.Steps[0].Probes[0], s.Steps[0].Probes[1]
		if s.Verdict != first.Verdict || slow.Status != probes.OK || quick.Status != probes.OK {
			t.Errorf("partial %d: verdict %s, probes %s %s; want GO and the last answers, never checking", i, s.Verdict, slow.Status, quick.Status)
		}
		if i == 0 && (!slow.Refreshing || !quick.Refreshing) {
			t.Errorf("first partial: refreshing %v %v, want both marked", slow.Refreshing, quick.Refreshing)
		}
		if slow.Refreshing && !quick.Refreshing {
			quickFirst = true
		}
	}
	if !quickFirst {
		t.Error("the quick probe's new answer never showed while the slow one ran")
	}
	if p := final.Steps[0].Probes[0]; p.Refreshing || final.Rechecking() != 0 || final.Verdict != GateGo {
		t.Errorf("final: refreshing=%v rechecking=%d verdict %s", p.Refreshing, final.Rechecking(), final.Verdict)
	}
}

// PartialAfter holds partial snapshots back: none while a check is
// younger than it, and they come as before once it is older.
func TestSessionPartialAfter(t *testing.T) {
	dir := gitRepo(t, map[string]string{"plan.md": "# P\n\n## Steps\n\n### 1. Slow\n\n```gonogo\nrequires:\n  - command: sleep 0.5\n  - file: plan.md\n```\n"}, nil)
	sess, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md"), NoInfer: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		after time.Duration
		some  bool
	}{{time.Hour, false}, {50 * time.Millisecond, true}} {
		var mu sync.Mutex
		n := 0
		final := sess.Check(context.Background(), CheckOptions{Force: true, PartialAfter: tc.after, OnPartial: func(*Snapshot) {
			mu.Lock()
			n++
			mu.Unlock()
		}})
		mu.Lock()
		if (n > 0) != tc.some {
			t.Errorf("PartialAfter %s: %d partial snapshots during a 0.5 s check, want some: %v", tc.after, n, tc.some)
		}
		mu.Unlock()
		if got := final.Steps[0].Status; got != StepGo {
			t.Errorf("PartialAfter %s: final step %s, want GO", tc.after, got)
		}
	}
}
