package infer

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// pendingPlan has a step for every way a requirement can (or cannot) be
// made by an earlier step: a dump, a commit, a file an earlier step
// removes, a file nothing makes, an old revision, and explicit probes
// before and after the maker.
const pendingPlan = `# Pending

## Pre-deploy

### 2. Check the dump is not there yet

` + "```gonogo\nrequires:\n  - file: DIR/app.dump\n    name: early\n```" + `

### 4. Dump the database

` + "```bash\npg_dump -f DIR/app.dump app\nrm DIR/old.txt\n```" + `

### 8a. Track the config

` + "```bash\ngit add config.py && git commit -m track\n```" + `

## Deployment

### 10. Switch

` + "```gonogo\nrequires:\n  - file: DIR/app.dump\n    name: explicit dump\n  - git: config.py\n    name: explicit commit\n  - git: config.py\n    state: untracked\n    name: wants untracked\n  - file: DIR/app.dump\n    exists: false\n    name: wants absent\n```" + `

## Rollback

### 23. Restore the database

` + "```bash\npg_restore -d app DIR/app.dump\n```" + `

### 24. Restore the config

` + "```bash\ngit checkout HEAD -- config.py || cp DIR/never.txt config.py\n```" + `

### 25. Restore the old file

` + "```bash\ncp DIR/old.txt old.txt\n```" + `

### 26. Restore from an old release

` + "```bash\ngit checkout v1.0 -- config.py\n```" + `
`

func TestMadeBy(t *testing.T) {
	repo := gonogotest.Repo(t)
	dir := t.TempDir()
	gonogotest.WriteFile(t, filepath.Join(dir, "old.txt"), "old\n")
	path := gonogotest.WriteFile(t, filepath.Join(repo, "plan.md"), strings.ReplaceAll(pendingPlan, "DIR", dir))
	p, err := plans.Load(path, plans.LoadOptions{Root: repo})
	if err != nil {
		t.Fatal(err)
	}
	a := Analyze(p, Options{Env: testEnv})
	a.Apply()

	// Every requirement of the plan, also inside any/all, by step and label.
	got := map[string]string{}
	var walk func(step string, ps []*spec.Probe)
	walk = func(step string, ps []*spec.Probe) {
		for _, sp := range ps {
			if sp.Role == spec.Done {
				continue
			}
			m, ok := a.MadeBy(sp)
			k := step + " " + sp.Label()
			switch {
			case ok:
				got[k] = m.Step + " (line " + strconv.Itoa(m.Line) + ": " + m.Command + ") makes " + m.What
			case got[k] == "":
				got[k] = "-"
			}
			walk(step, sp.Children)
		}
	}
	for _, st := range p.Steps {
		walk(st.Key, st.Probes)
	}
	// Makers answers the same for every requirement at once.
	all := a.Makers()
	var check func(ps []*spec.Probe)
	check = func(ps []*spec.Probe) {
		for _, sp := range ps {
			one, ok1 := a.MadeBy(sp)
			bulk, ok2 := all[sp]
			if ok1 != ok2 || one != bulk {
				t.Errorf("%s: MadeBy = %+v %v, Makers = %+v %v", sp.Label(), one, ok1, bulk, ok2)
			}
			check(sp.Children)
		}
	}
	for _, st := range p.Steps {
		check(st.Probes)
	}
	line := func(sub string) string { return strconv.Itoa(lineOf(t, path, sub)) }
	want := map[string]string{
		"2 early":                          "-", // the maker comes later
		"10 explicit dump":                 "4 (line " + line("pg_dump") + ": pg_dump -f " + dir + "/app.dump app) makes " + dir + "/app.dump",
		"10 explicit commit":               "8a (line " + line("git add") + ": git commit -m track) makes the commit of config.py",
		"10 wants untracked":               "-",
		"10 wants absent":                  "-",
		"23 input of pg_restore exists":    "4 (line " + line("pg_dump") + ": pg_dump -f " + dir + "/app.dump app) makes " + dir + "/app.dump",
		"24 git checkout needs it in HEAD": "8a (line " + line("git add") + ": git commit -m track) makes the commit of config.py",
		"24 source of cp exists":           "-", // nothing makes never.txt
		"25 source of cp exists":           "-", // step 4 removes old.txt
		"26 git checkout needs it in v1.0": "-", // a later commit is not in v1.0
		"23 pg_restore is installed":       "-",
		"24 git is installed":              "-",
		"25 cp is installed":               "-",
		"26 git is installed":              "-",
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			// Program probes and combinator names depend on the machine
			// and the reader's wording; only the makers must be found.
			if w != "-" {
				t.Errorf("no requirement %q in the plan; have %v", k, keys(got))
			}
			continue
		}
		if g != w {
			t.Errorf("%s: MadeBy = %s, want %s", k, g, w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && g != "-" {
			t.Errorf("%s: MadeBy = %s, want no maker", k, g)
		}
	}

	if m, ok := a.MadeBy(nil); ok {
		t.Errorf("MadeBy(nil) = %+v", m)
	}
	var nilA *Analysis
	if _, ok := nilA.MadeBy(p.Steps[0].Probes[0]); ok {
		t.Error("a nil analysis found a maker")
	}
}

// TestMadeByRollbackMaker: a rollback step that makes what a later
// rollback step needs is its maker, marked as a rollback step.
func TestMadeByRollbackMaker(t *testing.T) {
	repo := gonogotest.Repo(t)
	plan := "# P\n\n## Rollback\n\n### 1. Save the failed state\n\n```bash\npg_dump -f failed.sql app\n```\n\n" +
		"### 2. Look at it\n\n```bash\npsql -f failed.sql app\n```\n"
	path := gonogotest.WriteFile(t, filepath.Join(repo, "plan.md"), plan)
	p, err := plans.Load(path, plans.LoadOptions{Root: repo})
	if err != nil {
		t.Fatal(err)
	}
	a := Analyze(p, Options{Env: testEnv})
	a.Apply()
	var found bool
	for _, sp := range p.Steps[1].Probes {
		if m, ok := a.MadeBy(sp); ok {
			found = true
			if m.Step != "1" || !m.Rollback || m.What != "failed.sql" {
				t.Errorf("MadeBy(%s) = %+v, want rollback step 1 making failed.sql", sp.Label(), m)
			}
		}
	}
	if !found {
		t.Errorf("no requirement of step 2 is made by step 1")
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
