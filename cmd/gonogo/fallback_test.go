package main

import (
	"os"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/examples"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/probes"
)

// exampleStep23 is the example plan's step 23 as written — a git restore,
// then "If you made a backup before starting:" and a copy from /backup —
// without its gonogo block, so the probes read off the commands decide.
func exampleStep23(t *testing.T) string {
	t.Helper()
	ex := string(examples.MigrationPlan)
	i := strings.Index(ex, "### 23.")
	j := strings.Index(ex[max(i, 0):], "```gonogo")
	if i < 0 || j < 0 || !strings.Contains(ex[i:i+j], "If you made a backup before starting:") {
		t.Fatal("the example plan's step 23 no longer holds the prose fallback this test is about")
	}
	return ex[i : i+j]
}

// stepLines are the lint lines about one step with one severity word.
func stepLines(out, sev, key string) []string {
	var ls []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, sev) && strings.Contains(l, "step "+key+":") {
			ls = append(ls, l)
		}
	}
	return ls
}

// A fallback written as prose between two blocks, or as an inline command,
// is another way to restore the file, as "||" would be: committing the
// file alone turns step 23 GO.
func TestProseFallback(t *testing.T) {
	if _, err := os.Stat("/backup/config_chromadb.py"); err == nil {
		t.Skip("/backup/config_chromadb.py exists on this host: the backup way would work")
	}
	bodies := map[string]string{
		"the example's step 23": exampleStep23(t),
		"the seed's inline fallback": "### 23. Restore ChromaDB config\n\n```bash\ngit checkout HEAD -- config_chromadb.py\n```\n\n" +
			"If you made a backup before starting: `cp /backup/config_chromadb.py .`\n",
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			dir := seedSandbox(t, "# Migrate\n\n## Rollback\n\n"+body)
			any23 := func(s *model.Snapshot) model.ProbeView {
				t.Helper()
				var found []model.ProbeView
				for _, p := range step(t, s, "23").Probes {
					if p.Role == "requires" && p.Kind == "any" {
						found = append(found, p)
					}
				}
				if len(found) != 1 || len(found[0].Children) != 2 || found[0].Children[0].Kind != "git" || found[0].Children[1].Kind != "file" {
					t.Fatalf("step 23: want one any(git, file) requirement, got %+v", step(t, s, "23").Probes)
				}
				return found[0]
			}

			// Untracked, no backup: NO-GO, and lint says both ways are broken.
			s, r := snapshot(t, dir, "--step", "23", "docs/plan.md")
			if got := step(t, s, "23").Status; got != model.StepNoGo || r.code != exitNoGo {
				t.Errorf("step 23 = %s, exit %d; want NO-GO, 1", got, r.code)
			}
			if p := any23(s); p.Status != probes.Fail {
				t.Errorf("step 23's any: %s %q, want fail", p.Status, p.Message)
			}
			l := gonogo(t, dir, nil, "lint", "docs/plan.md")
			errs := stepLines(l.stdout, "ERROR", "23")
			if l.code != exitNoGo || len(errs) != 2 || len(stepLines(l.stdout, "WARNING", "23")) != 0 {
				t.Fatalf("lint: exit %d, want 1 and two errors on step 23:\n%s%s", l.code, l.stdout, l.stderr)
			}
			for i, want := range []string{"git checkout HEAD -- config_chromadb.py", "cp /backup/config_chromadb.py ."} {
				if !strings.Contains(errs[i], "`"+want+"`") || !strings.Contains(errs[i], "cannot work either") {
					t.Errorf("lint error %d: %q, want it about `%s`, the other way broken too", i, errs[i], want)
				}
			}

			// Committed: the git way works, step 23 is GO; the backup way
			// is only a warning now.
			gonogotest.Git(t, dir, "add", "config_chromadb.py")
			gonogotest.Git(t, dir, "commit", "-q", "-m", "chore: track config_chromadb.py")
			s, r = snapshot(t, dir, "--step", "23", "docs/plan.md")
			if got := step(t, s, "23").Status; got != model.StepGo || r.code != exitGo {
				t.Errorf("after commit: step 23 = %s, exit %d; want GO, 0 (reasons %q)", got, r.code, s.Reasons)
			}
			if p := any23(s); p.Status != probes.OK || p.Children[0].Status != probes.OK || p.Children[1].Status != probes.Fail {
				t.Errorf("after commit: any %s (git %s, backup %s), want ok through git", p.Status, p.Children[0].Status, p.Children[1].Status)
			}
			l = gonogo(t, dir, nil, "lint", "docs/plan.md")
			warns := stepLines(l.stdout, "WARNING", "23")
			if l.code != 0 || len(stepLines(l.stdout, "ERROR", "23")) != 0 || len(warns) != 1 ||
				!strings.Contains(warns[0], "/backup/config_chromadb.py") || !strings.Contains(warns[0], "may still work") {
				t.Errorf("after commit: lint exit %d, want 0 with only the backup way as a warning:\n%s%s", l.code, l.stdout, l.stderr)
			}
		})
	}
}

// The example plan itself, gonogo block and all. Its step 8a commits
// config_chromadb.py, so lint finds the git way workable on paper and
// reports only the backup way, as a warning; the live check says step 23
// is PENDING until step 8a is passed, NO-GO past it while the file is not
// committed, GO once it is.
func TestExamplePlanStep23(t *testing.T) {
	if _, err := os.Stat("/backup/config_chromadb.py"); err == nil {
		t.Skip("/backup/config_chromadb.py exists on this host: the backup way would work")
	}
	dir := seedSandbox(t, string(examples.MigrationPlan))
	l := gonogo(t, dir, nil, "lint", "docs/plan.md")
	warns := stepLines(l.stdout, "WARNING", "23")
	if len(stepLines(l.stdout, "ERROR", "23")) != 0 || len(warns) != 1 || !strings.Contains(warns[0], "may still work") {
		t.Errorf("lint: want only the backup way of step 23, as a warning:\n%s", l.stdout)
	}
	// --at 8a: on a host where systemd runs but knows none of the plan's
	// units, step 9's "stopped" done-probes hold and the computed next
	// step would already be past 8a.
	s, _ := snapshot(t, dir, "--step", "23", "--at", "8a", "docs/plan.md")
	if got := step(t, s, "23").Status; got != model.StepPending || s.Verdict != model.GateGo {
		t.Errorf("untracked, before 8a: step 23 = %s, verdict %s; want PENDING, GO", got, s.Verdict)
	}
	s, _ = snapshot(t, dir, "--step", "23", "--at", "9", "docs/plan.md")
	if got := step(t, s, "23").Status; got != model.StepNoGo || len(s.Reasons) == 0 ||
		!strings.Contains(s.Reasons[0], "step 8a was passed but the commit of config_chromadb.py does not exist") {
		t.Errorf("untracked, past 8a: step 23 = %s, reasons %q; want NO-GO because 8a was passed", got, s.Reasons)
	}
	gonogotest.Git(t, dir, "add", "config_chromadb.py")
	gonogotest.Git(t, dir, "commit", "-q", "-m", "chore: track config_chromadb.py")
	s, _ = snapshot(t, dir, "--step", "23", "docs/plan.md")
	if got := step(t, s, "23").Status; got != model.StepGo {
		t.Errorf("after commit: step 23 = %s, want GO (reasons %q)", got, s.Reasons)
	}
}
