package infer

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
)

// The findings pass and MadeBy ask the event index (index.go) which event
// a need or a backup sees. This file keeps the plain definition those
// answers must equal — every earlier event scanned, in order — and checks
// the index against it on every shipped plan and on generated plans where
// steps, per-step rollbacks and rollback steps touch the same few paths.

// scanBefore lists the events that happen before step i runs, in document
// order. For a step outside the rollback phases: those of earlier steps
// outside them (a rollback runs only when things go wrong). For a rollback
// step: those of earlier steps and of every step outside the rollback
// phases, which all run before a rollback.
func (a *Analysis) scanBefore(i int) []located {
	var out []located
	rb := a.steps[i].step.Rollback
	for j, st := range a.steps {
		switch {
		case j == i:
			continue
		case !rb && (j > i || st.step.Rollback):
			continue
		case rb && j > i && st.step.Rollback:
			continue
		}
		for _, ev := range st.events {
			out = append(out, located{ev, st})
		}
	}
	return out
}

// scanMatches reports whether event ev is about the thing key/path names:
// the same key, or a folder holding it. For a folder need, making
// something inside the folder makes the folder.
func scanMatches(ev *event, key, path string, dirNeed bool) bool {
	if ev.key == key {
		return true
	}
	if path == "" || ev.path == "" {
		return false
	}
	if strings.HasPrefix(path, ev.path+"/") && ev.kind != evOverwrite && !(ev.empty && ev.kind == evProduce) {
		return true // a folder copied or removed whole
	}
	return dirNeed && ev.kind != evDestroy && strings.HasPrefix(ev.path, path+"/")
}

// scanNeed is the event need n of step i sees, by scanning: the last
// matching event before the step, overridden by the last matching earlier
// event of the step itself.
func (a *Analysis) scanNeed(i int, n *need) *event {
	var last *event
	for _, l := range a.scanBefore(i) {
		if scanMatches(l.ev, n.key, n.path, n.kind == needDir) {
			last = l.ev
		}
	}
	for _, ev := range a.steps[i].events {
		if ev.seq < n.seq && scanMatches(ev, n.key, n.path, n.kind == needDir) {
			last = ev
		}
	}
	return last
}

// scanBackup is the event backup b of step i sees, by scanning: the last
// event about its source, or removing a folder holding it.
func (a *Analysis) scanBackup(i int, b *backupFact) *event {
	var last *event
	for _, l := range a.scanBefore(i) {
		if l.ev.key == b.src || l.ev.path != "" && l.ev.kind == evDestroy && strings.HasPrefix(b.src, l.ev.path+"/") {
			last = l.ev
		}
	}
	for _, ev := range a.steps[i].events {
		if ev.seq < b.seq && (ev.key == b.src || (ev.path != "" && ev.kind == evDestroy && strings.HasPrefix(b.src, ev.path+"/"))) {
			last = ev
		}
	}
	return last
}

// indexNeed and indexBackup are what checkNeed and backupFindings ask.
func (a *Analysis) indexNeed(i int, n *need) *event {
	l, ok := a.match(a.inStep(i, n.seq), n.key, n.path, n.kind == needDir)
	if !ok {
		l, ok = a.lastMatch(i, n.key, n.path, n.kind == needDir)
	}
	if !ok {
		return nil
	}
	return l.ev
}

func (a *Analysis) indexBackup(i int, b *backupFact) *event {
	l, ok := a.destroyOf(a.inStep(i, b.seq), b.src)
	if !ok {
		l, ok = a.lastDestroyOf(i, b.src)
	}
	if !ok {
		return nil
	}
	return l.ev
}

// sameAnswers fails the test where the index and the scan disagree, and
// returns how many questions it compared.
func sameAnswers(t *testing.T, name string, a *Analysis) int {
	t.Helper()
	asked := 0
	for i, st := range a.steps {
		for _, n := range st.needs {
			asked++
			if got, want := a.indexNeed(i, n), a.scanNeed(i, n); got != want {
				t.Errorf("%s: step %s, need %s (line %d): index sees %v, scan sees %v", name, st.step.Key, n.key, n.line, got, want)
			}
		}
		for _, b := range st.backups {
			asked++
			if got, want := a.indexBackup(i, b), a.scanBackup(i, b); got != want {
				t.Errorf("%s: step %s, backup of %s (line %d): index sees %v, scan sees %v", name, st.step.Key, b.src, b.line, got, want)
			}
		}
	}
	return asked
}

func TestIndexAnswersAsScan(t *testing.T) {
	files, _ := lintPlans(t)
	asked := 0
	for _, f := range files {
		p, err := plans.Load(f, plans.LoadOptions{Env: goldenEnv})
		if err != nil {
			continue // the parser's tests have plans that must not load
		}
		asked += sameAnswers(t, f, Analyze(p, Options{Env: goldenEnv}))
	}
	root := t.TempDir()
	for seed := range uint64(40) {
		src := tangledPlan(rand.New(rand.NewPCG(seed, 14)), 60)
		p, err := plans.Parse(filepath.Join(root, "plan.md"), []byte(src), root, plans.LoadOptions{Env: goldenEnv})
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, src)
		}
		asked += sameAnswers(t, fmt.Sprintf("tangled plan %d", seed), Analyze(p, Options{Env: goldenEnv}))
	}
	if asked < 2000 {
		t.Errorf("only %d questions compared: the plans no longer exercise the index", asked)
	}
}

// tangledPlan is a plan of n steps whose commands make, overwrite, move,
// remove and restore the same few files and folders, with per-step
// rollbacks between the steps and a rollback phase at the end: every way
// an event can be seen or hidden, many times over.
func tangledPlan(r *rand.Rand, n int) string {
	cmds := []string{
		"cp app.py backup/app.py.bak", "cp backup/app.py.bak app.py", "rm -rf backup", "mkdir -p backup/sub",
		"mv app.py app.py.old", "mv app.py.old app.py", "tar -xzf rel.tgz -C out", "cp -r out backup/",
		"git add app.py && git commit -m x", "git checkout HEAD -- app.py", "rm app.py", "echo x > out/f.txt",
		"cp out/f.txt backup/sub/", "rm -rf out", "mkdir out", "cp -a backup/sub out/", "cat out/f.txt >> log/all.txt",
		"cd out && cp f.txt ../backup/f.txt.orig", "cp app.py.old app.py || cp backup/app.py.bak app.py",
		"pg_dump -f backup/db.sql db", "psql -f backup/db.sql db", "cp config.py{,.bak}", "rm config.py",
	}
	pick := func() string {
		var lines []string
		for range 1 + r.IntN(3) {
			lines = append(lines, cmds[r.IntN(len(cmds))])
		}
		return strings.Join(lines, "\n")
	}
	var b strings.Builder
	b.WriteString("# Tangled\n\n## Procedure\n\n")
	rollback := n - n/4
	for i := 1; i <= n; i++ {
		if i == rollback {
			b.WriteString("## Rollback\n\n")
		}
		fmt.Fprintf(&b, "### %d. Step %d\n\n```bash\n%s\n```\n\n", i, i, pick())
		if i < rollback && r.IntN(3) == 0 {
			fmt.Fprintf(&b, "**Rollback**: `%s`\n\n", cmds[r.IntN(len(cmds))])
		}
	}
	return b.String()
}
