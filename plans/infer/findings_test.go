package infer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// seedPlan is the seed's situation as a plan nobody annotated: a backup to
// a temp folder in step 8a, and a rollback step 23 that restores from git
// or from a backup folder no step fills.
const seedPlan = "# Migrate the RAG pipeline from ChromaDB to pgvector\n" +
	"\n" +
	"## Pre-deploy checklist\n" +
	"\n" +
	"### 8. Stop the pipeline\n" +
	"\n" +
	"```bash\n" +
	"sudo systemctl stop rag-pipeline\n" +
	"```\n" +
	"\n" +
	"### 8a. Backup untracked files required for rollback\n" +
	"\n" +
	"```bash\n" +
	"cp config_chromadb.py TMPDIR/config_chromadb.py.bak\n" +
	"echo \"Backup location: TMPDIR/config_chromadb.py.bak\" | tee -a logs/pre_migration_baseline.txt\n" +
	"```\n" +
	"\n" +
	"## Deployment\n" +
	"\n" +
	"### 9. Switch the store\n" +
	"\n" +
	"```bash\n" +
	"python scripts/migrate.py --to pgvector\n" +
	"```\n" +
	"\n" +
	"## Rollback\n" +
	"\n" +
	"### 23. Restore ChromaDB config\n" +
	"\n" +
	"If you made a backup before starting:\n" +
	"\n" +
	"```bash\n" +
	"git checkout HEAD -- config_chromadb.py || cp BACKUPDIR/config_chromadb.py .\n" +
	"```\n"

// seedStep23 are the ways runbooks write step 23's fallback: with "||",
// as prose between two blocks (the example plan), and as an inline command
// in prose (the seed's original plan). All three mean the same.
var seedStep23 = map[string]string{
	"or-or": "",
	"prose between blocks": "```bash\ngit checkout HEAD -- config_chromadb.py\n```\n\n" +
		"If you made a backup before starting:\n\n```bash\ncp BACKUPDIR/config_chromadb.py .\n```\n",
	"inline fallback": "```bash\ngit checkout HEAD -- config_chromadb.py\n```\n\n" +
		"If you made a backup before starting: `cp BACKUPDIR/config_chromadb.py .`\n",
}

// seedPlanWith is seedPlan with step 23's body replaced by body ("" keeps
// the "||" form).
func seedPlanWith(body string) string {
	if body == "" {
		return seedPlan
	}
	i := strings.Index(seedPlan, "### 23.")
	return seedPlan[:i] + "### 23. Restore ChromaDB config\n\n" + body
}

// seedRepo makes the sandbox: a git repository with one commit, an
// untracked config_chromadb.py, and the plan. It returns the plan path,
// the repository and the backup folder the plan names (not created).
func seedRepo(t *testing.T) (planPath, repo, backupDir, tmpDir string) {
	return seedRepoWith(t, seedPlan)
}

// seedRepoWith is seedRepo with another plan text.
func seedRepoWith(t *testing.T, seedPlan string) (planPath, repo, backupDir, tmpDir string) {
	t.Helper()
	base := t.TempDir()
	repo = filepath.Join(base, "app")
	backupDir = filepath.Join(base, "backup")
	tmpDir = filepath.Join(base, "tmp")
	if err := os.MkdirAll(tmpDir, 0o755); err != nil {
		t.Fatal(err)
	}
	gonogotest.Git(t, base, "init", "-q", "-b", "main", repo)
	gonogotest.WriteFile(t, filepath.Join(repo, "README.md"), "rag pipeline\n")
	gonogotest.WriteFile(t, filepath.Join(repo, "logs", ".keep"), "")
	gonogotest.Git(t, repo, "add", "README.md", "logs/.keep")
	gonogotest.Git(t, repo, "commit", "-q", "-m", "init")
	gonogotest.WriteFile(t, filepath.Join(repo, "config_chromadb.py"), "FAILOVER = 'chromadb'\n")
	plan := strings.NewReplacer("TMPDIR", tmpDir, "BACKUPDIR", backupDir).Replace(seedPlan)
	planPath = filepath.Join(repo, "docs", "plan.md")
	gonogotest.WriteFile(t, planPath, plan)
	if st := gonogotest.Git(t, repo, "status", "--porcelain", "--", "config_chromadb.py"); st != "?? config_chromadb.py\n" {
		t.Fatalf("sandbox: git status says %q, want the file untracked", st)
	}
	return planPath, repo, backupDir, tmpDir
}

// check loads the plan, infers, runs the inferred probes with the real
// runner and returns the analysis, the results and the findings.
func check(t *testing.T, planPath string) (*Analysis, *plans.Plan, []probes.Result, []Finding) {
	t.Helper()
	p, err := plans.Load(planPath, plans.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := Analyze(p, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs := probes.NewRunner(probes.Options{}).Run(ctx, a.Probes(), nil)
	return a, p, rs, a.Findings(probes.Failing(rs))
}

// lineOf is the 1-based line of the first line of file that holds sub.
func lineOf(t *testing.T, file, sub string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, sub) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", file, sub)
	return 0
}

func TestSeedFindings(t *testing.T) {
	for name, body := range seedStep23 {
		t.Run(name, func(t *testing.T) { testSeedFindings(t, seedPlanWith(body)) })
	}
}

func testSeedFindings(t *testing.T, plan string) {
	planPath, repo, backupDir, tmpDir := seedRepoWith(t, plan)
	backup := filepath.Join(backupDir, "config_chromadb.py")
	tmpBak := filepath.Join(tmpDir, "config_chromadb.py.bak")

	// As the seed found it: untracked, no backup anywhere.
	a, _, rs, fs := check(t, planPath)
	if len(fs) != 2 {
		t.Fatalf("want step 23's two problems, got %d:\n%s", len(fs), dumpFindings(fs))
	}
	t.Log("\n" + dumpFindings(fs))
	gitF, cpF := fs[0], fs[1]
	for _, f := range fs {
		if f.Severity != SevError || f.Step != "23" || !strings.Contains(f.Message, "cannot work either") {
			t.Errorf("finding %+v: want an error on step 23, the other way broken too", f)
		}
	}
	if want := lineOf(t, planPath, "git checkout HEAD"); gitF.Line != want {
		t.Errorf("git finding at line %d, want the command's line %d", gitF.Line, want)
	}
	if want := lineOf(t, planPath, "cp "+backupDir); cpF.Line != want {
		t.Errorf("backup finding at line %d, want the command's line %d", cpF.Line, want)
	}
	for _, want := range []string{"git checkout HEAD -- config_chromadb.py", "cannot restore config_chromadb.py", "untracked", "cp " + backup} {
		if !strings.Contains(gitF.Message, want) {
			t.Errorf("git finding %q lacks %q", gitF.Message, want)
		}
	}
	if !strings.Contains(gitF.Hint, "commit it now") || !strings.Contains(gitF.Hint, "back it up in a pre-deploy step") {
		t.Errorf("git hint %q", gitF.Hint)
	}
	for _, want := range []string{backup, "does not exist now", "no step of the plan creates it", "git checkout HEAD -- config_chromadb.py"} {
		if !strings.Contains(cpF.Message, want) {
			t.Errorf("backup finding %q lacks %q", cpF.Message, want)
		}
	}
	if !strings.Contains(cpF.Hint, tmpBak) || !strings.Contains(cpF.Hint, "step 8a") {
		t.Errorf("backup hint %q: want the closest thing the plan makes, %s (step 8a)", cpF.Hint, tmpBak)
	}

	// The inferred probes make step 23 NO-GO: its any() fails.
	reqs23 := 0
	for _, ps := range a.StepProbes("23") {
		if ps.Role == spec.Requires && a.Program(ps) == "" {
			reqs23++
		}
	}
	any23 := a.StepProbes("23")[0]
	if any23.Kind != spec.KindAny || len(any23.Children) != 2 || reqs23 != 1 {
		t.Fatalf("step 23's first inferred probe is %s (of %d requirements), want the one any of both ways", any23.Label(), reqs23)
	}
	if got := statusIn(rs, any23); got != probes.Fail {
		t.Errorf("step 23's any: %s, want fail", got)
	}

	// Committing the file clears the first problem; the second stays, as
	// a warning now that the other way works.
	gonogotest.Git(t, repo, "add", "config_chromadb.py")
	gonogotest.Git(t, repo, "commit", "-q", "-m", "chore: track config_chromadb.py for rollback safety")
	a, _, rs, fs = check(t, planPath)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, backup) || fs[0].Severity != SevWarning || !strings.Contains(fs[0].Message, "may still work") {
		t.Fatalf("after commit: want only the backup problem, as a warning; got\n%s", dumpFindings(fs))
	}
	if got := statusIn(rs, a.StepProbes("23")[0]); got != probes.OK {
		t.Errorf("after commit: step 23's any: %s, want ok (the git way)", got)
	}

	// Creating the backup clears the second.
	gonogotest.WriteFile(t, backup, "FAILOVER = 'chromadb'\n")
	a, _, rs, fs = check(t, planPath)
	any23 = a.StepProbes("23")[0]
	if len(fs) != 0 {
		t.Fatalf("after commit and backup: want no findings, got\n%s", dumpFindings(fs))
	}
	if got := statusIn(rs, any23); got != probes.OK {
		t.Errorf("step 23's any: %s, want ok", got)
	}
}

// TestSeedBackupOnly: with the backup in place but the file still
// untracked, the git way is the one reported, as a warning.
func TestSeedBackupOnly(t *testing.T) {
	planPath, _, backupDir, _ := seedRepo(t)
	gonogotest.WriteFile(t, filepath.Join(backupDir, "config_chromadb.py"), "x\n")
	_, _, _, fs := check(t, planPath)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "untracked") || fs[0].Severity != SevWarning {
		t.Fatalf("want only the untracked problem, as a warning; got\n%s", dumpFindings(fs))
	}
}

func dumpFindings(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + string(f.Severity) + " step " + f.Step + ": " + f.Message + "\n    hint: " + f.Hint + "\n")
	}
	return b.String()
}

// statusIn is the status the run rs gave probe sp, looking inside any/all
// groups too; "" when sp did not run.
func statusIn(rs []probes.Result, sp *spec.Probe) probes.Status {
	for _, r := range rs {
		if r.Spec == sp {
			return r.Status
		}
		if s := statusIn(r.Children, sp); s != "" {
			return s
		}
	}
	return ""
}

// A rollback section the reader could not take as steps is an error
// finding naming its lines (lint exits 1), attached to the rollback step
// that holds it, or to no step when none does.
func TestRollbackGapFindings(t *testing.T) {
	src := "# Plan\n\n## Deploy\n\n1. Stop\n   ```bash\n   systemctl stop app\n   ```\n\n## Rollback\n\n### Restore the hosts\n\n| host | what |\n|---|---|\n| app-1 | start |\n\n## Revert the DNS\n"
	p, err := plans.Parse("plan.md", []byte(src), t.TempDir(), plans.LoadOptions{Env: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	fs := Analyze(p, Options{Env: func(string) string { return "" }}).Findings(nil)
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%s %s %d %s", f.Severity, f.Step, f.Line, f.Message))
	}
	want := []string{
		`error restore-the-hosts 14 lines 14–16: rollback step "Restore the hosts" (line 12) holds a table that gonogo cannot read as rollback steps, so the rollback gate cannot be GO`,
		`error  18 rollback section "Revert the DNS": has no step gonogo can read, so the rollback gate cannot be GO`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
