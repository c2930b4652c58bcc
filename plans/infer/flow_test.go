package infer

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/probes"
)

// flowStep is one step of a hand-built plan for the data-flow tests.
type flowStep struct {
	key      string
	rollback bool
	script   string
}

// flowRepo is a sandbox repository with one commit (README.md),
// config.py untracked and new/config.py, plus an empty folder outside it.
func flowRepo(t *testing.T) (repo, out string) {
	t.Helper()
	base := t.TempDir()
	repo = filepath.Join(base, "repo")
	out = filepath.Join(base, "out")
	gonogotest.Git(t, base, "init", "-q", "-b", "main", repo)
	gonogotest.WriteFile(t, filepath.Join(repo, "README.md"), "x\n")
	gonogotest.Git(t, repo, "add", "README.md")
	gonogotest.Git(t, repo, "commit", "-q", "-m", "init")
	gonogotest.WriteFile(t, filepath.Join(repo, "config.py"), "A = 1\n")
	gonogotest.WriteFile(t, filepath.Join(repo, "new", "config.py"), "A = 2\n")
	gonogotest.WriteFile(t, filepath.Join(out, ".keep"), "")
	return repo, out
}

// runFlow builds the plan, runs its inferred probes with the real runner
// and returns the findings.
func runFlow(t *testing.T, repo, out string, steps []flowStep) []Finding {
	t.Helper()
	p := &plans.Plan{File: filepath.Join(repo, "plan.md"), Root: repo}
	for i, s := range steps {
		text := strings.ReplaceAll(s.script, "OUT", out)
		p.Steps = append(p.Steps, &plans.Step{ID: s.key, Key: s.key, Rollback: s.rollback, Line: 10 * (i + 1),
			Scripts: []plans.Script{{Lang: "sh", Text: text, Line: 10*(i+1) + 2}}})
	}
	a := Analyze(p, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs := probes.NewRunner(probes.Options{}).Run(ctx, a.Probes(), nil)
	return a.Findings(probes.Failing(rs))
}

func TestFindingsFlow(t *testing.T) {
	repo, out := flowRepo(t)
	cases := []struct {
		name  string
		steps []flowStep
		// want: "severity step: message substring", in order.
		want []string
	}{
		{name: "backup after rm", steps: []flowStep{
			{key: "1", script: "rm config.py"},
			{key: "2", script: "cp config.py OUT/config.py.bak"},
		}, want: []string{
			"warning 2: needs config.py, but step 1 removes it first",
			"error 2: `cp config.py " + out + "/config.py.bak` backs up config.py after step 1 removes it",
		}},
		{name: "backup after overwrite", steps: []flowStep{
			{key: "1", script: "cp new/config.py config.py"},
			{key: "2", script: "cp config.py OUT/config.py.bak"},
		}, want: []string{"error 2: backs up config.py after step 1 overwrites it (line 12"}},
		{name: "backup after mv away", steps: []flowStep{
			{key: "1", script: "mv config.py /srv/elsewhere/"},
			{key: "2", script: "cp config.py OUT/config.py.bak"},
		}, want: []string{
			"warning 2: needs config.py, but step 1 moves it away first",
			"error 2: backs up config.py after step 1 moves it away",
		}},
		{name: "dump after DROP TABLE", steps: []flowStep{
			{key: "1", script: `psql -c "DROP TABLE IF EXISTS embeddings" app`},
			{key: "2", script: "pg_dump -t embeddings app -f OUT/embeddings.sql"},
		}, want: []string{"error 2: backs up table embeddings after step 1 drops it"}},
		{name: "dump after dropdb, in one step", steps: []flowStep{
			{key: "1", script: "dropdb app && pg_dump app > OUT/app.sql"},
		}, want: []string{"error 1: backs up db app after an earlier command of this step drops it"}},
		{name: "edit before backup in one step", steps: []flowStep{
			{key: "1", script: "sed -i 's/1/2/' config.py && cp config.py config.py.orig"},
		}, want: []string{"error 1: backs up config.py after an earlier command of this step overwrites it"}},
		{name: "saving the failed state in a rollback is deliberate", steps: []flowStep{
			{key: "13", script: "cp new/config.py config.py"},
			{key: "24", rollback: true, script: "cp config.py OUT/config.py.failed && cp OUT/config.py.failed config.py"},
		}},
		{name: "backup before destroy is fine", steps: []flowStep{
			{key: "1", script: "cp config.py OUT/config.py.bak"},
			{key: "2", script: "rm config.py"},
		}},
		{name: "mkdir makes the folder, not the file in it", steps: []flowStep{
			{key: "1", script: "mkdir -p OUT/bk"},
			{key: "2", rollback: true, script: "cd OUT/bk && cp config.py.bak /nonexistent/"},
		}, want: []string{"error 2: `cp config.py.bak /nonexistent/` needs the file " + out + "/bk/config.py.bak, which does not exist now"}},
		{name: "rollback need made by an earlier step", steps: []flowStep{
			{key: "1", script: "cp config.py OUT/bk/config.py.bak"},
			{key: "2", rollback: true, script: "cp OUT/bk/config.py.bak config.py"},
		}},
		{name: "rollback need made then removed", steps: []flowStep{
			{key: "1", script: "cp config.py OUT/bk/config.py.bak"},
			{key: "2", script: "rm -rf OUT/bk"},
			{key: "3", rollback: true, script: "cp OUT/bk/config.py.bak config.py"},
		}, want: []string{"error 3: needs " + out + "/bk/config.py.bak, but step 2 removes it first"}},
		{name: "rollback need made by a step written after the rollback", steps: []flowStep{
			{key: "r1", rollback: true, script: "cp OUT/late.bak config.py"},
			{key: "9", script: "cp config.py OUT/late.bak"},
		}},
		{name: "non-rollback need missing is a warning, once per step", steps: []flowStep{
			{key: "1", script: "psql -f migrations/001.sql app\npsql -f migrations/001.sql other"},
		}, want: []string{"warning 1: needs the file migrations/001.sql, which does not exist now"}},
		{name: "guarded need is the plan's business", steps: []flowStep{
			{key: "1", rollback: true, script: "if [ -f /nonexistent/x ]; then cp /nonexistent/x .; fi"},
		}},
		{name: "git checkout after a step commits it", steps: []flowStep{
			{key: "1", script: "git add config.py && git commit -m track"},
			{key: "2", rollback: true, script: "git checkout HEAD -- config.py"},
		}},
		{name: "git checkout of an untracked file", steps: []flowStep{
			{key: "2", rollback: true, script: "git checkout HEAD -- config.py"},
		}, want: []string{"error 2: `git checkout HEAD -- config.py` cannot restore config.py: it is untracked now"}},
		{name: "git show of a missing revision path", steps: []flowStep{
			{key: "2", rollback: true, script: "git show HEAD:settings.py > settings.py"},
		}, want: []string{"error 2: `git show HEAD:settings.py > settings.py` needs settings.py in HEAD, but it is not committed"}},
		{name: "tracked file restores fine", steps: []flowStep{
			{key: "2", rollback: true, script: "git checkout HEAD -- README.md"},
		}},
		{name: "missing folder for cd", steps: []flowStep{
			{key: "2", rollback: true, script: "cd /nonexistent/app && ls"},
		}, want: []string{"error 2: `cd /nonexistent/app` needs the folder /nonexistent/app"}},
		{name: "one way works: the other is a warning", steps: []flowStep{
			{key: "2", rollback: true, script: "cp OUT/nothing.bak config.py || git checkout HEAD -- README.md"},
		}, want: []string{"warning 2: needs the file " + out + "/nothing.bak, which does not exist now, and no step of the plan creates it; the other way, `git checkout HEAD -- README.md`, may still work"}},
		{name: "the other way needs nothing", steps: []flowStep{
			{key: "2", rollback: true, script: "cp OUT/nothing.bak config.py || echo 'restore by hand'"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := runFlow(t, repo, out, c.steps)
			if len(fs) != len(c.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(fs), len(c.want), dumpFindings(fs))
			}
			for i, w := range c.want {
				sev, rest, _ := strings.Cut(w, " ")
				step, msg, _ := strings.Cut(rest, ": ")
				f := fs[i]
				if string(f.Severity) != sev || f.Step != step || !strings.Contains(f.Message, msg) || f.Hint == "" || f.Line == 0 {
					t.Errorf("finding %d:\n%s\nwant %s step %s containing %q", i, dumpFindings(fs[i:i+1]), sev, step, msg)
				}
			}
		})
	}
}

func TestFindingsHint(t *testing.T) {
	repo, out := flowRepo(t)
	fs := runFlow(t, repo, out, []flowStep{
		{key: "8a", script: "cp config.py OUT/saved/config.py"},
		{key: "23", rollback: true, script: "cp /nonexistent/backup/confg.py config.py"},
		{key: "24", rollback: true, script: "cp /nonexistent/backup/settings.py settings.py"},
	})
	if len(fs) != 2 {
		t.Fatalf("want 2 findings:\n%s", dumpFindings(fs))
	}
	if want := "the plan makes " + out + "/saved/config.py (step 8a"; !strings.Contains(fs[0].Hint, want) {
		t.Errorf("hint %q, want one close by edit distance: %q", fs[0].Hint, want)
	}
	if want := "add a pre-deploy step that makes it: cp settings.py /nonexistent/backup/settings.py"; fs[1].Hint != want {
		t.Errorf("hint %q, want %q", fs[1].Hint, want)
	}

	// A missing original: its own backup is no hint, nor is "back it up".
	fs = runFlow(t, repo, out, []flowStep{
		{key: "8a", script: "cp gone.py OUT/gone.py.bak"},
	})
	if len(fs) != 1 || fs[0].Hint != "make it in an earlier step, or fix the path" {
		t.Errorf("missing original: got\n%s", dumpFindings(fs))
	}
}

func TestFindingsWithoutState(t *testing.T) {
	repo, out := flowRepo(t)
	p := &plans.Plan{File: "plan.md", Root: repo, Steps: []*plans.Step{
		{ID: "1", Key: "1", Rollback: true, Scripts: []plans.Script{{Text: "cp /nonexistent/x .", Line: 3}}},
		{ID: "2", Key: "2", Scripts: []plans.Script{{Text: "rm " + out + "/a\ncp " + out + "/a " + out + "/a.bak", Line: 7}}},
	}}
	// Nothing ran: needs that only state can judge are not reported, but
	// what the plan itself says (a backup after its source is gone) is.
	fs := Analyze(p, Options{}).Findings(nil)
	if len(fs) != 2 || fs[0].Step != "2" || !strings.Contains(fs[0].Message, "removes it first") || !strings.Contains(fs[1].Message, "backs up") {
		t.Fatalf("got\n%s", dumpFindings(fs))
	}
}
