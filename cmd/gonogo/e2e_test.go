package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/probes"
)

// binary is the gonogo binary TestMain builds once for the package.
var binary string

func TestMain(m *testing.M) {
	if os.Getenv("GONOGO_STUCK_GRACE") != "" {
		stuckChild() // a child of TestStopGrace: builds nothing, never returns
	}
	dir, err := os.MkdirTemp("", "gonogo-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "gonogo")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gonogo:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

// gonogo runs the built binary in dir with a watchdog: a run that outlives
// it fails the test (the binary must end on its own).
func gonogo(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=", "CLICOLOR_FORCE=")
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("gonogo %v did not end within 60s", args)
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("gonogo %v: %v", args, err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// snapshot runs --once --format json and decodes the snapshot.
func snapshot(t *testing.T, dir string, args ...string) (*model.Snapshot, result) {
	t.Helper()
	r := gonogo(t, dir, nil, append([]string{"--once", "--format", "json"}, args...)...)
	var s model.Snapshot
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("gonogo %v: exit %d, stdout is not a JSON snapshot: %v\nstdout: %s\nstderr: %s", args, r.code, err, r.stdout, r.stderr)
	}
	return &s, r
}

func step(t *testing.T, s *model.Snapshot, id string) model.StepView {
	t.Helper()
	for _, v := range s.Steps {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("no step %s in the snapshot", id)
	return model.StepView{}
}

// seedPlan is the seed's case: step 8a backs config_chromadb.py up but no
// step commits it; rollback step 23 restores it from git.
const seedPlan = `# Migrate the vector store: ChromaDB to pgvector

## Pre-deploy checklist

### 1. The app is committed

` + "```gonogo" + `
requires:
  - git: app.py
    state: committed
` + "```" + `

### 8a. Backup untracked files required for rollback

` + "```bash" + `
cp config_chromadb.py backups/config_chromadb.py.bak
` + "```" + `

` + "```gonogo" + `
done:
  - git: config_chromadb.py
    state: committed
` + "```" + `

## Deployment

### 9. Switch the config

` + "```bash" + `
cp config_pgvector.py config.py
` + "```" + `

## Rollback

### 23. Restore ChromaDB config

` + "```bash" + `
git checkout HEAD -- config_chromadb.py
` + "```" + `

` + "```gonogo" + `
requires:
  - git: config_chromadb.py
    state: committed
` + "```" + `
`

// pendingPlan is the seed's plan as the example writes it: step 8a also
// commits config_chromadb.py, so before step 8a the rollback is pending,
// not broken.
var pendingPlan = strings.Replace(seedPlan, "cp config_chromadb.py backups/config_chromadb.py.bak\n",
	"cp config_chromadb.py backups/config_chromadb.py.bak\ngit add config_chromadb.py\ngit commit -m \"chore: track config_chromadb.py for rollback safety\"\n", 1)

// seedSandbox builds the seed's repository with the git CLI: app.py and
// the plan committed, config_chromadb.py untracked, no backup.
func seedSandbox(t *testing.T, plan string) string {
	t.Helper()
	dir := t.TempDir()
	gonogotest.Git(t, dir, "init", "-q")
	gonogotest.WriteFile(t, filepath.Join(dir, "app.py"), "print('advisor')\n")
	gonogotest.WriteFile(t, filepath.Join(dir, "config_pgvector.py"), "DSN = 'postgresql://advisor@db/app'\n")
	gonogotest.WriteFile(t, filepath.Join(dir, "docs/plan.md"), plan)
	gonogotest.Git(t, dir, "add", "app.py", "config_pgvector.py", "docs/plan.md")
	gonogotest.Git(t, dir, "commit", "-q", "-m", "initial")
	gonogotest.WriteFile(t, filepath.Join(dir, "config_chromadb.py"), "CHROMA_PATH = 'data/chroma'\n")
	return dir
}

// indexState is what gonogo must never change: the bytes and mtime of
// .git/index.
func indexState(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, ".git", "index")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x %s", sha256.Sum256(b), fi.ModTime())
}

func TestSeedCase(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	if st := gonogotest.Git(t, dir, "status", "--porcelain", "--", "config_chromadb.py"); !strings.HasPrefix(st, "?? config_chromadb.py") {
		t.Fatalf("sandbox: git status says %q, want the file untracked", st)
	}
	before := indexState(t, dir)

	s, r := snapshot(t, dir, "docs/plan.md")
	if r.code != exitNoGo {
		t.Errorf("exit %d, want 1 (NO-GO); stderr %s", r.code, r.stderr)
	}
	if got := step(t, s, "23").Status; got != model.StepNoGo {
		t.Errorf("step 23 = %s, want NO-GO", got)
	}
	if s.Rollback != model.GateNoGo || s.Verdict != model.GateNoGo {
		t.Errorf("rollback %s verdict %s, want NO-GO NO-GO", s.Rollback, s.Verdict)
	}
	if s.NextStep != "1" {
		t.Errorf("next step %q, want 1 (no step is done yet)", s.NextStep)
	}
	if s.Plan != "docs/plan.md" || s.Root != dir || s.Version != 1 {
		t.Errorf("plan %q root %q version %d", s.Plan, s.Root, s.Version)
	}
	p := step(t, s, "23").Probes[0]
	if p.Kind != "git" || p.Target != "config_chromadb.py" || p.Status != probes.Fail || !strings.Contains(p.Message, "config_chromadb.py") {
		t.Errorf("step 23's probe: %+v", p)
	}
	if got := indexState(t, dir); got != before {
		t.Error("gonogo changed .git/index: it must only look")
	}

	// The text table says the same, verdict first, without colour in a pipe.
	// What to do first and last, the verdict right under the first line.
	r = gonogo(t, dir, nil, "--once", "docs/plan.md")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	action := "Don't start step 1: rollback step 23 cannot run. Fix: commit it now (git add config_chromadb.py && git commit), or back it up in a pre-deploy step"
	if r.code != exitNoGo || lines[0] != "▸ "+action || !strings.Contains(lines[2], "┃  NO-GO  ┃") || strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("text: exit %d, output:\n%s", r.code, r.stdout)
	}
	if last := lines[len(lines)-1]; last != "✗ NO-GO  "+action {
		t.Errorf("text: the last line is %q, want the verdict and the action", last)
	}
	if s.Action != action {
		t.Errorf("JSON action = %q, want %q", s.Action, action)
	}
	if !regexp.MustCompile(`(?m)^  ✗ NO-GO\s+23\s+Restore ChromaDB config`).MatchString(r.stdout) {
		t.Errorf("text: no NO-GO row for step 23:\n%s", r.stdout)
	}

	// Committing the file (step 8a's second half) makes step 23 GO.
	gonogotest.Git(t, dir, "add", "config_chromadb.py")
	gonogotest.Git(t, dir, "commit", "-q", "-m", "chore: track config_chromadb.py")
	s, r = snapshot(t, dir, "docs/plan.md")
	if got := step(t, s, "23").Status; got != model.StepGo {
		t.Errorf("after commit: step 23 = %s (%s), want GO", got, step(t, s, "23").Probes[0].Message)
	}
	if s.Rollback != model.GateGo || s.Verdict != model.GateGo || r.code != exitGo {
		t.Errorf("after commit: rollback %s verdict %s exit %d, want GO GO 0 (reasons %q)", s.Rollback, s.Verdict, r.code, s.Reasons)
	}
	// Step 8a is done once its backup exists too.
	gonogotest.WriteFile(t, filepath.Join(dir, "backups", "config_chromadb.py.bak"), "CHROMA_PATH = 'data/chroma'\n")
	s, _ = snapshot(t, dir, "docs/plan.md")
	if got := step(t, s, "8a").Status; got != model.StepDone || s.NextStep != "9" {
		t.Errorf("after the backup: step 8a = %s, next %q; want DONE, 9", got, s.NextStep)
	}
}

func TestBackupChecksum(t *testing.T) {
	plan := seedPlan + "\n### 24. Restore from the backup\n\n```gonogo\nrequires:\n  - backup: backups/config_chromadb.py.bak\n    of: config_chromadb.py\n```\n"
	dir := seedSandbox(t, plan)
	tests := []struct {
		name   string
		backup string // "" = no backup file
		want   probes.Status
	}{
		{"no backup", "", probes.Fail},
		{"backup differs from its source", "CHROMA_PATH = 'data/chroma-OLD'\n", probes.Fail},
		{"backup matches its source", "CHROMA_PATH = 'data/chroma'\n", probes.OK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bak := filepath.Join(dir, "backups", "config_chromadb.py.bak")
			os.Remove(bak)
			if tc.backup != "" {
				gonogotest.WriteFile(t, bak, tc.backup)
			}
			// Step 8a makes the backup: before it the restore is
			// pending; past it (--at 9) a backup that is missing or
			// differs blocks.
			s, _ := snapshot(t, dir, "docs/plan.md")
			if tc.want == probes.Fail && step(t, s, "24").Status != model.StepPending {
				t.Errorf("before step 8a: step 24 = %s, want PENDING", step(t, s, "24").Status)
			}
			s, _ = snapshot(t, dir, "--at", "9", "docs/plan.md")
			p := step(t, s, "24").Probes[0]
			if p.Kind != "backup" || p.Status != tc.want {
				t.Errorf("backup probe: %s %s (%s), want %s", p.Kind, p.Status, p.Message, tc.want)
			}
			if tc.want == probes.Fail && step(t, s, "24").Status != model.StepNoGo {
				t.Errorf("past step 8a: step 24 = %s, want NO-GO", step(t, s, "24").Status)
			}
		})
	}
}

// sleepProcesses counts processes running exactly argv.
func sleepProcesses(t *testing.T, argv string) int {
	t.Helper()
	n := 0
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc to look for leftover processes")
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.TrimRight(strings.ReplaceAll(string(b), "\x00", " "), " ") == argv {
			n++
		}
	}
	return n
}

func TestHangingProbeTimesOut(t *testing.T) {
	// An odd duration, so no other test's sleep is mistaken for ours.
	const hang = "sleep 613.25"
	plan := "# Hang\n\n## Steps\n\n### 1. Wait for a slow thing\n\n```gonogo\nrequires:\n  - command: " + hang + "\n    timeout: 10m\n```\n"
	dir := seedSandbox(t, plan)
	s, r := snapshot(t, dir, "--timeout", "1s", "docs/plan.md")
	if r.code != exitUnknown {
		t.Errorf("exit %d, want 3 (UNKNOWN); stderr %s", r.code, r.stderr)
	}
	p := step(t, s, "1").Probes[0]
	if p.Status != probes.Error || s.Verdict != model.GateUnknown {
		t.Errorf("hung probe: %s (%s), verdict %s; want error, UNKNOWN", p.Status, p.Message, s.Verdict)
	}
	if len(s.Reasons) == 0 || !strings.Contains(strings.Join(s.Reasons, "\n"), "step 1") {
		t.Errorf("reasons %q do not name step 1", s.Reasons)
	}
	// The child was not left running behind us.
	deadline := time.Now().Add(5 * time.Second)
	for sleepProcesses(t, hang) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := sleepProcesses(t, hang); n > 0 {
		t.Errorf("%d %q processes still running after gonogo exited", n, hang)
	}
}

func TestNoExec(t *testing.T) {
	plan := "# P\n\n## Steps\n\n### 1. Touch\n\n```gonogo\nrequires:\n  - command: touch ran-it\n  - file: app.py\n```\n"
	dir := seedSandbox(t, plan)
	s, r := snapshot(t, dir, "--no-exec", "docs/plan.md")
	if p := step(t, s, "1").Probes[0]; p.Status != probes.Skip {
		t.Errorf("command probe under --no-exec: %s (%s), want skip", p.Status, p.Message)
	}
	if _, err := os.Stat(filepath.Join(dir, "ran-it")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("--no-exec ran the command (ran-it exists: %v)", err)
	}
	if r.code != exitGo || s.Verdict != model.GateGo {
		t.Errorf("exit %d verdict %s, want 0 GO", r.code, s.Verdict)
	}
	// Without --no-exec the command runs: the probe is real.
	s, _ = snapshot(t, dir, "docs/plan.md")
	if p := step(t, s, "1").Probes[0]; p.Status != probes.OK {
		t.Errorf("command probe: %s (%s), want ok", p.Status, p.Message)
	}
	if _, err := os.Stat(filepath.Join(dir, "ran-it")); err != nil {
		t.Errorf("the command probe did not run: %v", err)
	}
}

func TestBadUsageAndBadPlans(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	gonogotest.WriteFile(t, filepath.Join(dir, "broken.md"), "# P\n\n## Steps\n\n### 1. Check\n\n```gonogo\nrequires:\n  - git: app.py\n    state: comitted\n```\n")
	gonogotest.WriteFile(t, filepath.Join(dir, "twice.md"), "# P\n\n## Procedure\n\n1. Stop it\n2. Move it\n\n## Verify\n\n1. Look at it\n")
	tests := []struct {
		name string
		args []string
		want string // regexp the stderr must match
	}{
		{"ambiguous --at names the choices", []string{"--once", "--at", "1", "twice.md"}, `--at: step "1" is ambiguous: use one of "procedure/1" \(line 5\) "verify/1" \(line 10\)`},
		{"broken plan names file and line", []string{"--once", "broken.md"}, `broken\.md:1[01]\b.*state`},
		{"missing plan", []string{"--once", "nope.md"}, `nope\.md`},
		{"no plan", []string{"--once"}, `which plan\?`},
		{"unknown format", []string{"--once", "--format", "yaml", "docs/plan.md"}, `"--format" flag: unknown format "yaml": want one of github, json, junit, markdown, prometheus, text`},
		{"format typo", []string{"--once", "--format", "jsn", "docs/plan.md"}, `\(did you mean "json"\?\)`},
		{"unknown flag", []string{"--onse", "docs/plan.md"}, `unknown flag: --onse`},
		{"unknown --at step lists steps", []string{"--once", "--at", "99", "docs/plan.md"}, `--at: no step "99" .*steps: 1, 8a, 9, 23`},
		{"unknown --step", []string{"--once", "--step", "8b", "docs/plan.md"}, `--step: no step "8b"`},
		{"unknown --phase lists phases", []string{"--once", "--phase", "verify", "docs/plan.md"}, `"Rollback"`},
		{"board needs a terminal", []string{"docs/plan.md"}, `stdout is not a terminal: use --once`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := gonogo(t, dir, nil, tc.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want 2; stderr %s", r.code, r.stderr)
			}
			if !regexp.MustCompile(tc.want).MatchString(r.stderr) {
				t.Errorf("stderr %q does not match %q", r.stderr, tc.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
		})
	}
}

func TestRecord(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	rec := filepath.Join(dir, "audit", "window.jsonl")
	if err := os.MkdirAll(filepath.Dir(rec), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		format := []string{"text", "json", "markdown"}[i-1]
		r := gonogo(t, dir, nil, "--once", "--format", format, "--record", rec, "docs/plan.md")
		if r.code != exitNoGo {
			t.Fatalf("run %d: exit %d, stderr %s", i, r.code, r.stderr)
		}
		b, err := os.ReadFile(rec)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		if len(lines) != i || !strings.HasSuffix(string(b), "\n") {
			t.Fatalf("after run %d the record holds %d lines", i, len(lines))
		}
		var s model.Snapshot
		if err := json.Unmarshal([]byte(lines[i-1]), &s); err != nil || s.Verdict != model.GateNoGo {
			t.Errorf("line %d: %v, verdict %q", i, err, s.Verdict)
		}
	}
	if fi, err := os.Stat(rec); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("record file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}

	// A record that cannot be written is reported and the exit code is 2.
	r := gonogo(t, dir, nil, "--once", "--record", filepath.Join(dir, "no-such-dir", "x.jsonl"), "docs/plan.md")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--record") || !strings.Contains(r.stderr, "no-such-dir") {
		t.Errorf("unwritable record: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestNarrowing(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	// --step 1: step 1 is GO, so the verdict is GO although rollback is NO-GO.
	s, r := snapshot(t, dir, "--step", "1", "docs/plan.md")
	if r.code != exitGo || s.Verdict != model.GateGo || s.Rollback != model.GateNoGo {
		t.Errorf("--step 1: exit %d verdict %s rollback %s, want 0 GO NO-GO", r.code, s.Verdict, s.Rollback)
	}
	// --step 1 --step 23: the worst of the two.
	if _, r = snapshot(t, dir, "--step", "1", "--step", "23", "docs/plan.md"); r.code != exitNoGo {
		t.Errorf("--step 1 --step 23: exit %d, want 1", r.code)
	}
	// --phase shows only the rollback steps; the verdict is unchanged.
	s, r = snapshot(t, dir, "--phase", "rollback", "docs/plan.md")
	if len(s.Steps) != 1 || s.Steps[0].ID != "23" || r.code != exitNoGo || s.NextStep != "1" {
		t.Errorf("--phase rollback: %d steps, exit %d, next %q", len(s.Steps), r.code, s.NextStep)
	}
	// --at moves the next step.
	s, _ = snapshot(t, dir, "--at", "9", "docs/plan.md")
	if s.NextStep != "9" || s.At != "9" || !step(t, s, "9").Next {
		t.Errorf("--at 9: next %q at %q", s.NextStep, s.At)
	}
}

func TestFormatsAndColour(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	r := gonogo(t, dir, nil, "--once", "--format", "markdown", "docs/plan.md")
	if !strings.HasPrefix(r.stdout, "## gonogo: ✗ NO-GO") || !strings.Contains(r.stdout, "| ✗ NO-GO | `23` |") {
		t.Errorf("markdown:\n%s", r.stdout)
	}
	r = gonogo(t, dir, []string{"CLICOLOR_FORCE=1"}, "--once", "docs/plan.md")
	if !strings.Contains(r.stdout, "\x1b[") || !strings.Contains(r.stdout, "NO-GO") {
		t.Errorf("CLICOLOR_FORCE=1: no colour, or no status word:\n%q", r.stdout)
	}
	r = gonogo(t, dir, []string{"CLICOLOR_FORCE=1", "NO_COLOR=1"}, "--once", "docs/plan.md")
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("NO_COLOR=1 still coloured")
	}
}

func TestLint(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	clean := "# P\n\n## Steps\n\n### 1. Look\n\n```gonogo\nrequires:\n  - file: app.py\n```\n"
	gonogotest.WriteFile(t, filepath.Join(dir, "clean.md"), clean)
	gonogotest.WriteFile(t, filepath.Join(dir, "broken.md"), "# P\n\n### 1. Look\n\n```gonogo\nrequires:\n  - fiel: app.py\n```\n")
	// The seed's flaw: rollback restores from git a file no step commits.
	flawed := "# P\n\n## Deploy\n\n### 9. Switch\n\n```bash\ncp config_pgvector.py config.py\n```\n\n## Rollback\n\n### 23. Restore\n\n```bash\ngit checkout HEAD -- config_chromadb.py\n```\n"
	gonogotest.WriteFile(t, filepath.Join(dir, "flawed.md"), flawed)
	gonogotest.WriteFile(t, filepath.Join(dir, "pending.md"), pendingPlan)
	tests := []struct {
		plan   string
		code   int
		stdout string // substring
	}{
		{"clean.md", 0, "0 errors"},
		{"broken.md", exitUsage, ""},
		{"pending.md", 0, "inferred probes"}, // step 8a commits the file
		{"docs/plan.md", exitNoGo, "no step commits it"},
		{"flawed.md", exitNoGo, "ERROR"},
	}
	for _, tc := range tests {
		t.Run(tc.plan, func(t *testing.T) {
			r := gonogo(t, dir, nil, "lint", tc.plan)
			if r.code != tc.code || !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("lint %s: exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", tc.plan, r.code, tc.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	r := gonogo(t, t.TempDir(), nil, "version")
	if r.code != 0 || !regexp.MustCompile(`^gonogo \S+.* go1\.\d+`).MatchString(r.stdout) {
		t.Errorf("version: exit %d, %q", r.code, r.stdout)
	}
}

// TestVersionAgreesWithBuildInfo: `gonogo version` and the
// gonogo_build_info series name the same version and revision (one place
// reads the build info for both).
func TestVersionAgreesWithBuildInfo(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.md")
	if err := os.WriteFile(plan, []byte("# Plan\n\n## Steps\n\n1. Look around\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v := gonogo(t, dir, nil, "version")
	m := regexp.MustCompile(`^gonogo (\S+)(?: \(([0-9a-f]+)(?:, modified)?\))? go`).FindStringSubmatch(v.stdout)
	if m == nil {
		t.Fatalf("version: %q", v.stdout)
	}
	p := gonogo(t, dir, nil, "--once", "--no-exec", "--format", "prometheus", plan)
	b := regexp.MustCompile(`gonogo_build_info\{goversion="[^"]*",revision="([^"]*)",version="([^"]*)"\} 1`).FindStringSubmatch(p.stdout)
	if b == nil {
		t.Fatalf("no gonogo_build_info in:\n%s\n%s", p.stdout, p.stderr)
	}
	if b[2] != m[1] || !strings.HasPrefix(b[1], m[2]) || (m[2] == "") != (b[1] == "") {
		t.Errorf("version says %q (revision %q), build info says %q (revision %q)", m[1], m[2], b[2], b[1])
	}
}

func TestHelpHasExamples(t *testing.T) {
	r := gonogo(t, t.TempDir(), nil, "--help")
	for _, want := range []string{"--once", "Examples:", "gonogo --once docs/plans/migrate.md", "3  UNKNOWN", "demo"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

var sandboxLine = regexp.MustCompile(`a throwaway sandbox is at (\S+)`)

func TestDemoOnce(t *testing.T) {
	r := gonogo(t, t.TempDir(), []string{"TMPDIR=" + t.TempDir()}, "demo", "--once")
	if r.code != 0 {
		t.Fatalf("demo --once: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	m := sandboxLine.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("demo does not say where the sandbox is:\n%s", r.stderr)
	}
	for _, want := range []string{"$ git add config_chromadb.py && git commit", "rollback step 23", "$ mkdir -p backup && tar -czf backup/chroma_db.tar.gz chroma_db"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("demo's intro lacks %q:\n%s", want, r.stderr)
		}
	}
	if !regexp.MustCompile(`(?m)^  ✗ NO-GO\s+23\s`).MatchString(r.stdout) {
		t.Errorf("demo: step 23 is not NO-GO:\n%s", r.stdout)
	}
	if _, err := os.Stat(m[1]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the sandbox %s is still there after the demo (%v)", m[1], err)
	}
}

// The commands the demo prints do turn step 23 from NO-GO to GO.
func TestDemoFixCommands(t *testing.T) {
	r := gonogo(t, t.TempDir(), []string{"TMPDIR=" + t.TempDir()}, "demo", "--once", "--keep", "--format", "json")
	m := sandboxLine.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("demo does not say where the sandbox is:\n%s", r.stderr)
	}
	sandbox := m[1]
	var demo model.Snapshot
	if err := json.Unmarshal([]byte(r.stdout), &demo); err != nil {
		t.Fatalf("demo --format json: stdout is not one JSON snapshot: %v\n%s", err, r.stdout)
	}
	t.Cleanup(func() { os.RemoveAll(sandbox) })
	plan := filepath.Join(sandbox, demoPlanPath)

	s, _ := snapshot(t, sandbox, "--step", "23", plan)
	if got := step(t, s, "23").Status; got != model.StepNoGo {
		t.Fatalf("demo sandbox: step 23 = %s, want NO-GO", got)
	}
	// The sandbox has its own git identity: the printed commit works on a
	// machine without one.
	script := strings.Join(demoFixCommands(sandbox), " && ")
	cmd := exec.Command("sh", "-c", script)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	s, r = snapshot(t, sandbox, "--step", "23", plan)
	if got := step(t, s, "23").Status; got != model.StepGo || r.code != exitGo {
		t.Errorf("after the demo's fix: step 23 = %s, exit %d, want GO 0; reasons %q", got, r.code, s.Reasons)
	}
}
