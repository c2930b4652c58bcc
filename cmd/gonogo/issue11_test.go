package main

import (
	"bytes"
	"context"
	"encoding/json"
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

// The seed's plan as the example writes it: step 8a commits the file
// rollback step 23 restores. Before step 8a that is pending, not a NO-GO;
// past it without the commit it is NO-GO, and the reason says step 8a was
// passed.
func TestSeedCasePending(t *testing.T) {
	dir := seedSandbox(t, pendingPlan)
	s, r := snapshot(t, dir, "docs/plan.md")
	if r.code != exitGo || s.Verdict != model.GateGo || s.Rollback != model.GatePending {
		t.Fatalf("before 8a: exit %d verdict %s rollback %s (reasons %q), want 0 GO PENDING", r.code, s.Verdict, s.Rollback, s.Reasons)
	}
	if got := step(t, s, "23").Status; got != model.StepPending {
		t.Errorf("step 23 = %s, want PENDING", got)
	}
	if len(s.Pending) != 1 || s.Pending[0].Step != "23" || s.Pending[0].MadeBy != "8a" || s.Pending[0].What != "the commit of config_chromadb.py" {
		t.Errorf("pending = %+v, want step 23 waiting for the commit step 8a makes", s.Pending)
	}
	if s.Action != "Run step 1 next: The app is committed." {
		t.Errorf("action = %q", s.Action)
	}
	text := gonogo(t, dir, nil, "--once", "docs/plan.md")
	if text.code != exitGo || !strings.Contains(text.stdout, "rollback    ◔ PENDING  (after step 8a)") {
		t.Errorf("text: exit %d:\n%s", text.code, text.stdout)
	}

	// The operator says they are past 8a, but the file is not committed.
	s, r = snapshot(t, dir, "--at", "9", "docs/plan.md")
	if r.code != exitNoGo || s.Rollback != model.GateNoGo {
		t.Fatalf("past 8a: exit %d rollback %s, want 1 NO-GO", r.code, s.Rollback)
	}
	want := "step 8a was passed but the commit of config_chromadb.py does not exist"
	if len(s.Reasons) != 1 || !strings.Contains(s.Reasons[0], want) {
		t.Errorf("reasons %q, want %q", s.Reasons, want)
	}
	if !strings.HasPrefix(s.Action, "Don't start step 9: rollback step 23 cannot run. Fix: ") {
		t.Errorf("action = %q", s.Action)
	}
}

// readSignOffs: the last line about a step wins, a withdrawal undoes, and
// lines about another plan, snapshots and a line cut short are passed over.
func TestReadSignOffs(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "window.jsonl")
	plan, other := "/srv/app/docs/plan.md", "/srv/other/plan.md"
	at := time.Date(2026, 2, 26, 21, 4, 5, 0, time.UTC)
	if err := record(rec, &model.Snapshot{Version: 1, Plan: "docs/plan.md", Verdict: model.GateGo}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct {
		plan, step, by string
		withdrawn      bool
	}{
		{plan, "1", "ann", false},
		{plan, "2", "bob", false},
		{other, "3", "cid", false},
		{plan, "2", "bob", true},
		{plan, "4", "dee", false},
		{plan, "1", "eve", false},
	} {
		if err := recordSignOff(rec, l.plan, model.SignOff{Step: l.step, By: l.by, At: at}, l.withdrawn); err != nil {
			t.Fatal(err)
		}
	}
	fh, err := os.OpenFile(rec, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString(`{"event":"signoff","plan":"/srv/app/docs/plan.md","step":"9","by":"cut sh`) // a crash mid-line
	fh.Close()

	got, err := readSignOffs(rec, plan)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, so := range got {
		s = append(s, so.Step+" by "+so.By)
		if !so.At.Equal(at) {
			t.Errorf("sign-off of step %s at %v, want %v", so.Step, so.At, at)
		}
	}
	if strings.Join(s, ", ") != "1 by eve, 4 by dee" {
		t.Errorf("sign-offs read back: %q, want 1 by eve, 4 by dee", s)
	}
	// Every line but the one cut short is one JSON object, the
	// snapshot's and the sign-offs' alike.
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines[:len(lines)-1] {
		if !json.Valid([]byte(l)) {
			t.Errorf("line %d is not JSON: %s", i+1, l)
		}
	}
	if got, err := readSignOffs(filepath.Join(dir, "none.jsonl"), plan); err != nil || got != nil {
		t.Errorf("a missing record: %v, %v", got, err)
	}
	if fi, err := os.Stat("/dev/full"); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		if got, err := readSignOffs("/dev/full", plan); err != nil || got != nil {
			t.Errorf("/dev/full (endless zeros) as the record: %v, %v", got, err)
		}
	}
}

// --once --record reads the board's sign-offs back: a signed-off manual
// step is done, and the next step moves past it.
func TestOnceReadsSignOffs(t *testing.T) {
	plan := "# P\n\n## Steps\n\n### 1. Announce the window\n\nTell the team.\n\n### 2. Look\n\n```gonogo\nrequires:\n  - file: app.py\n```\n"
	dir := seedSandbox(t, plan)
	rec := filepath.Join(t.TempDir(), "window.jsonl")
	s, _ := snapshot(t, dir, "--record", rec, "docs/plan.md")
	if s.NextStep != "1" || step(t, s, "1").Status != model.StepManual {
		t.Fatalf("before the sign-off: next %q, step 1 %s; want 1, MANUAL", s.NextStep, step(t, s, "1").Status)
	}
	abs := filepath.Join(dir, "docs", "plan.md")
	if err := recordSignOff(rec, abs, model.SignOff{Step: "1", By: "ann", At: time.Now()}, false); err != nil {
		t.Fatal(err)
	}
	s, _ = snapshot(t, dir, "--record", rec, "docs/plan.md")
	if s.NextStep != "2" || step(t, s, "1").Status != model.StepDone || len(s.SignOffs) != 1 || s.SignOffs[0].By != "ann" {
		t.Errorf("after the sign-off: next %q, step 1 %s, sign-offs %+v; want 2, DONE, ann", s.NextStep, step(t, s, "1").Status, s.SignOffs)
	}
	// Without --record there is nothing to read back.
	if s, _ = snapshot(t, dir, "docs/plan.md"); s.NextStep != "1" {
		t.Errorf("without --record: next %q, want 1", s.NextStep)
	}
}

// A run stopped by a signal exits 128+N, as a shell expects: 130 for
// SIGINT, 143 for SIGTERM.
func TestSignalExitCodes(t *testing.T) {
	const slow = "sleep 617.5"
	plan := "# Slow\n\n## Steps\n\n### 1. Wait\n\n```gonogo\nrequires:\n  - command: " + slow + "\n    timeout: 10m\n```\n"
	dir := seedSandbox(t, plan)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			// The last run's probe is gone first: the one we wait for
			// below is this run's.
			for deadline := time.Now().Add(10 * time.Second); sleepProcesses(t, slow) > 0 && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond)
			}
			cmd := exec.Command(binary, "--once", "docs/plan.md")
			cmd.Dir = dir
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Signal once the probe runs: gonogo is busy, not starting up.
			for deadline := time.Now().Add(30 * time.Second); sleepProcesses(t, slow) == 0; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("the slow probe never started")
				}
			}
			cmd.Process.Signal(tc.sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("gonogo did not stop on %s", tc.sig)
			}
			if got := cmd.ProcessState.ExitCode(); got != tc.code {
				t.Errorf("exit %d after %s, want %d\n%s", got, tc.sig, tc.code, out.String())
			}
		})
	}
	for deadline := time.Now().Add(5 * time.Second); sleepProcesses(t, slow) > 0 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if n := sleepProcesses(t, slow); n > 0 {
		t.Errorf("%d %q processes left behind", n, slow)
	}
}

// Typos of flags and commands get a "did you mean", and exit 2.
func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--intervall", "2s", "plan.md"}, `unknown flag: --intervall (did you mean "--interval"?)`},
		{[]string{"--onec", "plan.md"}, `(did you mean "--once"?)`},
		{[]string{"dmeo"}, `unknown command "dmeo" for gonogo (did you mean "demo"?)`},
		{[]string{"lnit", "plan.md"}, ""}, // two arguments: not a command typo
		{[]string{"demo", "--onc"}, `(did you mean "--once"?)`},
		{[]string{"lint", "--no-exce", "plan.md"}, `(did you mean "--no-exec"?)`},
	} {
		ios, _, errb := testIO()
		code := run(context.Background(), tc.args, ios, func(string) string { return "" })
		if code != exitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("gonogo %v: exit %d, stderr %q; want 2 and %q", tc.args, code, errb.String(), tc.want)
		}
	}
	// A plan that exists is never taken for a command typo.
	dir := t.TempDir()
	gonogotest.WriteFile(t, filepath.Join(dir, "dmeo"), "# P\n\n## S\n\n### 1. Look\n\n```gonogo\nrequires:\n  - file: dmeo\n```\n")
	if r := gonogo(t, dir, nil, "--once", "dmeo"); r.code != exitGo {
		t.Errorf("a plan named dmeo: exit %d\n%s", r.code, r.stderr)
	}
}

// Under a locale that is not UTF-8 the text report is ASCII with the same
// words; a UTF-8 locale keeps the symbols and box.
func TestLocaleASCII(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	for _, tc := range []struct {
		env   []string
		ascii bool
	}{
		{[]string{"LC_ALL=", "LC_CTYPE=", "LANG=C"}, true},
		{[]string{"LC_ALL=POSIX"}, true},
		{[]string{"LC_ALL=", "LC_CTYPE=", "LANG=en_US.UTF-8"}, false},
		{[]string{"LC_ALL=C.utf8"}, false},
	} {
		r := gonogo(t, dir, tc.env, "--once", "docs/plan.md")
		nonASCII := strings.IndexFunc(r.stdout, func(r rune) bool { return r > 0x7e }) >= 0
		if r.code != exitNoGo || nonASCII == tc.ascii {
			t.Errorf("%v: exit %d, non-ASCII output %v, want ASCII %v:\n%s", tc.env, r.code, nonASCII, tc.ascii, r.stdout)
		}
		if tc.ascii && (!strings.Contains(r.stdout, "|  NO-GO  |") || !strings.Contains(r.stdout, "x NO-GO ") || !strings.Contains(r.stdout, "> Don't start step 1")) {
			t.Errorf("%v: the ASCII report lacks its box, marks or words:\n%s", tc.env, r.stdout)
		}
	}
}
