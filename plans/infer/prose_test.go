package infer

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// sc is a script with a lead, at a made-up line.
type sc struct{ lead, text string }

// analyzeScripts reads scripts as the only step of a plan, one script
// every 5 lines from line 10.
func analyzeScripts(root string, scripts []sc, rollback bool) *Analysis {
	st := &plans.Step{ID: "1", Key: "1", Rollback: rollback, Line: 9}
	for i, s := range scripts {
		st.Scripts = append(st.Scripts, plans.Script{Lang: "bash", Text: s.text, Lead: s.lead, Line: 10 + 5*i})
	}
	p := &plans.Plan{File: "plan.md", Root: root, Steps: []*plans.Step{st}}
	return Analyze(p, Options{Env: testEnv})
}

func TestProseAlternatives(t *testing.T) {
	root := fixtureRoot(t)
	const (
		gitWay   = "requires git config_chromadb.py path=config_chromadb.py state=tracked rev=HEAD"
		bakWay   = "requires file /backup/config_chromadb.py path=/backup/config_chromadb.py"
		checkout = "git checkout HEAD -- config_chromadb.py"
		restore  = "cp /backup/config_chromadb.py ."
	)
	cases := []struct {
		name    string
		scripts []sc
		want    []string // every inferred probe but program checks
	}{
		{name: "the example's step 23: a backup fallback",
			scripts: []sc{{"", checkout}, {"If you made a backup before starting:", restore}},
			want:    []string{"requires any(" + gitWay + " | " + bakWay + ")"}},
		{name: "same as ||",
			scripts: []sc{{"", checkout + " || " + restore}},
			want:    []string{"requires any(" + gitWay + " | " + bakWay + ")"}},
		{name: "Then verify: is the next thing to do, not an alternative",
			scripts: []sc{{"", checkout}, {"Then verify:", restore}},
			want:    []string{gitWay, bakWay}},
		{name: "a lead that does not start a fallback",
			scripts: []sc{{"", checkout}, {"Elsewhere, keep a copy:", restore}},
			want:    []string{gitWay, bakWay}},
		{name: "a fallback lead on the first block has nothing to replace",
			scripts: []sc{{"If the file is tracked:", checkout}},
			want:    []string{gitWay}},
		{name: "instead anywhere in the lead",
			scripts: []sc{{"Restore from git:", checkout}, {"On hosts without git, copy the backup instead:", restore}},
			want:    []string{"requires any(" + gitWay + " | " + bakWay + ")"}},
		{name: "a way of several probes is an all",
			scripts: []sc{{"", "cd app && tar -xzf /backup/app.tgz"}, {"Otherwise:", restore}},
			want: []string{"requires any(requires all(requires file app path=app dir | requires file /backup/app.tgz path=/backup/app.tgz) | " +
				bakWay + ")"}},
		{name: "a block right after the way continues it",
			scripts: []sc{{"", checkout}, {"Failing that:", "cd app"}, {"", restore}},
			want:    []string{"requires any(" + gitWay + " | requires all(requires file app path=app dir | " + bakWay + "))"}},
		{name: "three ways",
			scripts: []sc{{"", checkout}, {"Or, from the backup:", restore}, {"Alternatively:", "rsync -a /srv/mirror/config_chromadb.py ."}},
			want: []string{"requires any(" + gitWay + " | " + bakWay +
				" | requires file /srv/mirror/config_chromadb.py path=/srv/mirror/config_chromadb.py)"}},
		{name: "a way that needs nothing: the others only warn",
			scripts: []sc{{"", checkout}, {"Else:", "echo 'recreate it by hand'"}},
			want:    []string{gitWay + " (warn)"}},
		{name: "a new lead closes the group",
			scripts: []sc{{"", checkout}, {"If that fails:", restore}, {"Then restart:", "sudo systemctl restart rag-pipeline"}},
			want: []string{"requires any(" + gitWay + " | " + bakWay + ")",
				"requires systemd rag-pipeline exists", "done systemd rag-pipeline active"}},
		{name: "done probes stay as they are",
			scripts: []sc{{"", "pg_dump -f /srv/backups/app.sql app"}, {"Alternatively:", "cp config_chromadb.py /srv/backups/config.py.bak"}},
			want: []string{"requires any(requires postgres dbname=app | requires file config_chromadb.py path=config_chromadb.py)",
				"done file /srv/backups/app.sql path=/srv/backups/app.sql",
				"done backup /srv/backups/config.py.bak path=/srv/backups/config.py.bak of=config_chromadb.py"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := analyzeScripts(root, c.scripts, true)
			var got []string
			for _, ps := range a.Probes() {
				if line := dumpProbe(a, ps, root); !strings.HasPrefix(line, "program ") {
					got = append(got, line)
					checkInferred(t, ps)
				}
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

// Findings treat prose ways like "||" ways: each way's problem is
// reported, as an error only when every way is broken.
func TestProseAlternativeFindings(t *testing.T) {
	root := fixtureRoot(t) // config_chromadb.py exists, untracked
	gonogotest.Git(t, root, "init", "-q")
	gonogotest.WriteFile(t, filepath.Join(root, "README.md"), "x\n")
	gonogotest.Git(t, root, "add", "README.md")
	gonogotest.Git(t, root, "commit", "-q", "-m", "init")
	scripts := []sc{{"", "git checkout HEAD -- config_chromadb.py"}, {"If you made a backup before starting:", "cp /nonexistent-backup/config_chromadb.py ."}}
	a := analyzeScripts(root, scripts, true)
	fs := a.Findings(stateOf(t, a, root))
	if len(fs) != 2 {
		t.Fatalf("want both ways' problems, got\n%s", dumpFindings(fs))
	}
	for i, want := range []string{"`cp /nonexistent-backup/config_chromadb.py .`, cannot work either", "`git checkout HEAD -- config_chromadb.py`, cannot work either"} {
		if fs[i].Severity != SevError || !strings.Contains(fs[i].Message, want) || fs[i].Line != 10+5*i {
			t.Errorf("finding %d: %+v, want an error at line %d saying %q", i, fs[i], 10+5*i, want)
		}
	}
	// The same step with a "Then" lead: both needed, both errors, no ways.
	scripts[1].lead = "Then copy the backup over it:"
	a = analyzeScripts(root, scripts, true)
	fs = a.Findings(stateOf(t, a, root))
	if len(fs) != 2 || strings.Contains(fs[0].Message+fs[1].Message, "other way") || fs[0].Severity != SevError || fs[1].Severity != SevError {
		t.Errorf("with a Then lead: want two plain errors, got\n%s", dumpFindings(fs))
	}
	// With the backup way made workable (a folder that exists), the git
	// way's problem is only a warning.
	scripts[1] = sc{"Otherwise:", "cp " + root + "/config_chromadb.py /tmp/x"}
	a = analyzeScripts(root, scripts, true)
	fs = a.Findings(stateOf(t, a, root))
	if len(fs) != 1 || fs[0].Severity != SevWarning || !strings.Contains(fs[0].Message, "may still work") {
		t.Errorf("one way works: want one warning, got\n%s", dumpFindings(fs))
	}
}

func TestIsFallbackLead(t *testing.T) {
	for lead, want := range map[string]bool{
		"If you made a backup before starting:": true,
		"  if that fails:":                      true,
		"Or, from the backup:":                  true,
		"or use the mirror":                     true,
		"Otherwise:":                            true,
		"Alternatively, restore from S3:":       true,
		"Else:":                                 true,
		"Failing that:":                         true,
		"Fallback:":                             true,
		"Use the snapshot instead.":             true,
		"Instead, copy it:":                     true,
		"Then verify:":                          false,
		"Run:":                                  false,
		"Elsewhere, keep a copy:":               false,
		"Iffy hosts need care:":                 false,
		"Order matters:":                        false,
		"Insteadfully":                          false,
		"":                                      false,
	} {
		if got := isFallbackLead(lead); got != want {
			t.Errorf("isFallbackLead(%q) = %v, want %v", lead, got, want)
		}
	}
}

// stateOf runs a's probes with the real runner and returns their states.
func stateOf(t *testing.T, a *Analysis, _ string) func(*spec.Probe) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return probes.Failing(probes.NewRunner(probes.Options{}).Run(ctx, a.Probes(), nil))
}
