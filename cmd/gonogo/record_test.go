package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/gonogo-dev/gonogo/dashboard"
	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// recordLines reads the record file as snapshots, one a line; a missing
// file holds none. It reads under a shared lock, as a reader that must
// not see a record half written does: gonogo appends a record in one
// write under an exclusive lock, but a reader without the lock may see
// that write part done.
func recordLines(t *testing.T, path string) []*model.Snapshot {
	t.Helper()
	fh, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := syscall.Flock(int(fh.Fd()), syscall.LOCK_SH); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(fh)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("the record does not end with a newline: %q", b)
	}
	var out []*model.Snapshot
	for i, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if l == "" {
			continue
		}
		var s model.Snapshot
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("record line %d is not a JSON snapshot: %v\n%s", i+1, err, l)
		}
		out = append(out, &s)
	}
	return out
}

// waitLines polls the record file until it holds n lines.
func waitLines(t *testing.T, path string, n int) []*model.Snapshot {
	t.Helper()
	var got []*model.Snapshot
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got = recordLines(t, path); len(got) >= n {
			break
		}
	}
	if len(got) != n {
		t.Fatalf("the record holds %d lines, want %d", len(got), n)
	}
	return got
}

// changedSteps lists the steps whose status differs between two lines.
func changedSteps(a, b *model.Snapshot) []string {
	var out []string
	for i := range b.Steps {
		for j := range a.Steps {
			if a.Steps[j].ID == b.Steps[i].ID && a.Steps[j].Status != b.Steps[i].Status {
				out = append(out, fmt.Sprintf("%s %s→%s", b.Steps[i].ID, a.Steps[j].Status, b.Steps[i].Status))
			}
		}
	}
	return out
}

// TestBoardRecordRun runs the board (dashboard.Run on a simulation
// screen) on a real session over a sandbox repository, with the
// recorder --record installs: the first check is one line; committing
// config_chromadb.py turns rollback step 23 GO and adds exactly one line;
// re-checks that change nothing add none.
func TestBoardRecordRun(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	rec := filepath.Join(t.TempDir(), "window.jsonl")
	sess, err := model.NewSession(model.Options{Plan: filepath.Join(dir, "docs/plan.md")})
	if err != nil {
		t.Fatal(err)
	}
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		t.Fatal(err)
	}
	scr.SetSize(100, 30)
	var calls atomic.Int64
	br := &boardRecord{path: rec}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- dashboard.Run(ctx, sess, dashboard.Options{
			Interval: 100 * time.Millisecond,
			Screen:   scr,
			OnSnapshot: func(s *model.Snapshot) error {
				calls.Add(1)
				return br.onSnapshot(s)
			},
		})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	waitCalls := func(n int64) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); calls.Load() < n; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the board made %d checks, want %d", calls.Load(), n)
			}
		}
	}

	first := waitLines(t, rec, 1)[0]
	if s := step(t, first, "23"); s.Status != model.StepNoGo {
		t.Fatalf("first line: rollback step 23 is %s, want NO-GO (config_chromadb.py is untracked)", s.Status)
	}
	waitCalls(calls.Load() + 3) // unchanged re-checks
	if n := len(recordLines(t, rec)); n != 1 {
		t.Fatalf("after re-checks that changed nothing the record holds %d lines, want 1", n)
	}

	gonogotest.Git(t, dir, "add", "config_chromadb.py")
	gonogotest.Git(t, dir, "commit", "-q", "-m", "track config_chromadb.py")
	lines := waitLines(t, rec, 2)
	if s := step(t, lines[1], "23"); s.Status != model.StepGo {
		t.Errorf("second line: rollback step 23 is %s, want GO once the file is committed", s.Status)
	}
	if ch := changedSteps(lines[0], lines[1]); len(ch) == 0 {
		t.Errorf("the second line changes no step status")
	} else {
		t.Logf("second line: %s; verdict %s → %s, rollback %s → %s", strings.Join(ch, ", "), lines[0].Verdict, lines[1].Verdict, lines[0].Rollback, lines[1].Rollback)
	}
	waitCalls(calls.Load() + 3)
	if n := len(recordLines(t, rec)); n != 2 {
		t.Errorf("after re-checks that changed nothing the record holds %d lines, want 2", n)
	}
}

// TestBoardRecordRetry: a write that fails (the folder is gone) returns a
// located error that says what to do; the same state again is not retried
// and keeps the error; the next change is written once the folder is back.
func TestBoardRecordRetry(t *testing.T) {
	folder := filepath.Join(t.TempDir(), "audit")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(folder, "window.jsonl")
	snap := func(verdict model.Gate, s8a string) *model.Snapshot {
		return &model.Snapshot{Version: 1, Verdict: verdict, Rollback: model.GateNoGo, NextStep: "8a",
			Steps: []model.StepView{{ID: "8a", Status: model.StepStatus(s8a)}, {ID: "23", Rollback: true, Status: model.StepNoGo}}}
	}
	r := &boardRecord{path: path}
	if err := r.onSnapshot(snap(model.GateNoGo, "NO-GO")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(folder); err != nil {
		t.Fatal(err)
	}
	err := r.onSnapshot(snap(model.GateGo, "GO"))
	if err == nil || !strings.Contains(err.Error(), "--record "+path+": write failed:") || !strings.Contains(err.Error(), "mkdir -p "+folder) {
		t.Fatalf("write into a removed folder: %v", err)
	}
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if again := r.onSnapshot(snap(model.GateGo, "GO")); again == nil || again.Error() != err.Error() {
		t.Errorf("the same state after a failure: %v, want the failure again", again)
	}
	if got := recordLines(t, path); len(got) != 0 {
		t.Errorf("the same state after a failure was written (%d lines), want it retried only on the next change", len(got))
	}
	if err := r.onSnapshot(snap(model.GateGo, "DONE")); err != nil {
		t.Fatalf("the next change: %v", err)
	}
	if got := recordLines(t, path); len(got) != 1 || got[0].Steps[0].Status != model.StepDone {
		t.Errorf("after the next change the record holds %d lines, want the DONE one", len(got))
	}
}

// TestSameState: what makes a board check a new line of the record.
func TestSameState(t *testing.T) {
	base := func() *model.Snapshot {
		return &model.Snapshot{Verdict: model.GateNoGo, Rollback: model.GateNoGo, NextStep: "8a",
			CheckedAt: time.Unix(1, 0), DurationMS: 12,
			Steps: []model.StepView{{ID: "8a", Status: model.StepNoGo, Probes: []model.ProbeView{{Message: "untracked"}}}, {ID: "23", Status: model.StepNoGo}}}
	}
	for _, tc := range []struct {
		name string
		edit func(s *model.Snapshot)
		same bool
	}{
		{"nothing", func(*model.Snapshot) {}, true},
		{"time, duration and messages", func(s *model.Snapshot) {
			s.CheckedAt, s.DurationMS, s.Steps[0].Probes[0].Message = time.Unix(99, 0), 40, "untracked (still)"
		}, true},
		{"verdict", func(s *model.Snapshot) { s.Verdict = model.GateUnknown }, false},
		{"rollback gate", func(s *model.Snapshot) { s.Rollback = model.GateGo }, false},
		{"next step", func(s *model.Snapshot) { s.NextStep = "9" }, false},
		{"a step's status", func(s *model.Snapshot) { s.Steps[1].Status = model.StepGo }, false},
		{"a step added", func(s *model.Snapshot) { s.Steps = append(s.Steps, model.StepView{ID: "24"}) }, false},
		{"a step renamed", func(s *model.Snapshot) { s.Steps[1].ID = "24" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(s)
			if got := sameState(base(), s); got != tc.same {
				t.Errorf("sameState = %v, want %v", got, tc.same)
			}
		})
	}
}

// TestAppendRecordTornTail: a record file whose last line was torn by an
// earlier crash gets the next record on a line of its own; the torn line
// is left as it was, and a whole file gets no blank line.
func TestAppendRecordTornTail(t *testing.T) {
	dir := t.TempDir()
	line := []byte(`{"version":1,"verdict":"NO-GO"}` + "\n")
	tests := []struct{ name, before, after string }{
		{"empty", "", string(line)},
		{"whole", `{"version":1}` + "\n", `{"version":1}` + "\n" + string(line)},
		{"torn", `{"version":1,"verd`, `{"version":1,"verd` + "\n" + string(line)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".jsonl")
			if err := os.WriteFile(path, []byte(tt.before), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := appendLine(path, line); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(path); string(b) != tt.after {
				t.Errorf("after: %q, want %q", b, tt.after)
			}
		})
	}
}

// TestAppendRecordFullDisk fills a real file system — a 64 KiB tmpfs,
// which needs the right to mount (root in a container with CAP_SYS_ADMIN)
// — so that a record fits only in part: the file is left as it was, and
// once there is room again the next record is whole.
func TestAppendRecordFullDisk(t *testing.T) {
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v): TestRecordWholeOrNothingAtSizeLimit covers a short write with a file-size limit", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(mnt, syscall.MNT_DETACH) })
	rec := filepath.Join(mnt, "window.jsonl")
	first := []byte(`{"version":1,"verdict":"GO"}` + "\n")
	if err := appendLine(rec, first); err != nil {
		t.Fatal(err)
	}
	// Fill the rest of the file system, then free 2 KiB: less than a
	// record of 8 KiB.
	filler := filepath.Join(mnt, "filler")
	fh, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1024)
	for {
		if _, err := fh.Write(chunk); err != nil {
			break
		}
	}
	fh.Close()
	st, _ := os.Stat(filler)
	if err := os.Truncate(filler, st.Size()-2048); err != nil {
		t.Fatal(err)
	}
	big := []byte(`{"version":1,"verdict":"NO-GO","reasons":["` + strings.Repeat("x", 8<<10) + `"]}` + "\n")
	err = appendLine(rec, big)
	if err == nil || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), "nothing of this record was kept") {
		t.Fatalf("append on a full disk: %v", err)
	}
	if b, _ := os.ReadFile(rec); string(b) != string(first) {
		t.Fatalf("after the failed write the record holds %d bytes, want it unchanged (%d)", len(b), len(first))
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := appendLine(rec, big); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(rec); string(b) != string(first)+string(big) {
		t.Errorf("after room was made the record holds %d bytes, want both records (%d)", len(b), len(first)+len(big))
	}
}
