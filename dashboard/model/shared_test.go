package model

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// A question asked by many probes is answered once, and every probe gets
// the answer it would have got alone: the scaled plan's probes, checked
// together, read the same as each checked by itself, under their own
// Spec, in the results and through the runner's callback.
func TestSharedAnswersMatchAlone(t *testing.T) {
	dir := gitRepo(t, map[string]string{"app.py": "print('app')\n", "plan.md": gonogotest.ScaledPlan(120)},
		map[string]string{"config_chromadb.py": "HOST = 1\n", "backups/app-8.py": "x\n", "out/1/marker": "done\n"})
	sess, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md"), NoExec: true})
	if err != nil {
		t.Fatal(err)
	}
	// Every probe a forced check runs, watched result by result through
	// the runner's callback (what feeds the board's partial snapshots).
	p, a := sess.Plan(), sess.Analysis()
	var due []*spec.Probe
	for _, st := range p.Steps {
		due = append(due, st.Probes...)
	}
	due = append(due, extraProbes(p, a)...)
	keys := map[checkKey]bool{}
	for _, sp := range due {
		if k, ok := sharedKey(sp); ok {
			keys[k] = true
		}
	}
	if len(keys) == 0 || len(keys) >= len(due) {
		t.Fatalf("%d probes ask %d questions: the plan no longer repeats one, and this test shows nothing", len(due), len(keys))
	}
	// The session keeps the grouping of the last list it was handed: a
	// list in another order, a shorter one and the first one again must
	// each be grouped for what they are.
	back := slices.Clone(due)
	slices.Reverse(back)
	alone := probes.NewRunner(probes.Options{NoExec: true})
	for _, due := range [][]*spec.Probe{due, due, back, back[:len(back)/3], due} {
		var mu sync.Mutex
		partial := map[*spec.Probe]probes.Result{}
		got := sess.runShared(context.Background(), due, func(i int, r probes.Result) {
			mu.Lock()
			defer mu.Unlock()
			if r.Spec != due[i] {
				t.Errorf("onResult(%d) carries the spec of another probe", i)
			}
			if _, dup := partial[due[i]]; dup {
				t.Errorf("onResult(%d) called twice", i)
			}
			partial[due[i]] = r
		})
		if len(partial) != len(due) {
			t.Errorf("onResult heard %d of %d probes", len(partial), len(due))
		}
		for i, sp := range due {
			want := alone.Run(context.Background(), []*spec.Probe{sp}, nil)[0]
			if got[i].Spec != sp || got[i].Status != want.Status || got[i].Message != want.Message {
				t.Fatalf("probe %d (%s, line %d): shared %s %q (spec %p), alone %s %q (spec %p)",
					i, sp.Label(), sp.Line, got[i].Status, got[i].Message, got[i].Spec, want.Status, want.Message, sp)
			}
			if r := partial[sp]; r.Status != got[i].Status || r.Message != got[i].Message {
				t.Fatalf("probe %d: onResult said %s %q, the result is %s %q", i, r.Status, r.Message, got[i].Status, got[i].Message)
			}
		}
	}
}

// Only looks at files are shared: two steps with the same command probe
// run it twice, as before.
func TestSharedNotForCommands(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Plan\n\n## Steps\n\n")
	for i := 1; i <= 2; i++ {
		fmt.Fprintf(&b, "### %d. Count\n\n```gonogo\nrequires:\n  - command: echo run >> runs.txt\n  - file: README.md\n```\n\n", i)
	}
	dir := gitRepo(t, map[string]string{"README.md": "x\n", "plan.md": b.String(), ".gitignore": "runs.txt\n"}, nil)
	sess, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md"), NoInfer: true})
	if err != nil {
		t.Fatal(err)
	}
	snap := sess.Check(context.Background(), CheckOptions{Force: true})
	if got := countRuns(t, dir); got != 2 {
		t.Errorf("the command probe of two steps ran %d times, want 2", got)
	}
	for _, key := range []string{"1", "2"} {
		for _, pv := range stepByKey(snap, key).Probes {
			if pv.Status != probes.OK {
				t.Errorf("step %s: %s reads %s %q, want ok", key, pv.Name, pv.Status, pv.Message)
			}
		}
	}
}

// Two file probes of one path, one of them capturing its line count, are
// two questions: merged, the capture would never be taken (the probe
// checked would be the one that captures nothing) and its reader could
// not tell. Checked through a real session, with a real file.
func TestSharedNotAcrossCaptures(t *testing.T) {
	plan := "# Plan\n\n## Steps\n\n" +
		"### 1. Look\n\n```gonogo\ndone:\n  - file: export.jsonl\n```\n\n" +
		"### 2. Count\n\n```gonogo\ndone:\n  - file: export.jsonl\n    capture: rows\n```\n\n" +
		"### 3. Compare\n\n```gonogo\ndone:\n  - command: echo 3\n    expect: == captures.rows\n```\n"
	dir := gitRepo(t, map[string]string{"plan.md": plan, "export.jsonl": "a\nb\nc\n"}, nil)
	sess, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md"), NoInfer: true})
	if err != nil {
		t.Fatal(err)
	}
	look, count := sess.Plan().Steps[0].Probes[0], sess.Plan().Steps[1].Probes[0]
	if _, ok := sharedKey(look); !ok {
		t.Fatal("a file probe has no shared key: this test shows nothing")
	}
	if a, _ := sharedKey(look); a == func() checkKey { k, _ := sharedKey(count); return k }() {
		t.Error("a probe that captures and one that does not have one key")
	}
	snap := sess.Check(context.Background(), CheckOptions{Force: true})
	if pv := stepByKey(snap, "2").Probes[0]; pv.Capture != "rows" || pv.Captured != "3" {
		t.Errorf("the capturing probe: capture %q captured %q (%s)", pv.Capture, pv.Captured, pv.Message)
	}
	if pv := stepByKey(snap, "1").Probes[0]; pv.Capture != "" || pv.Captured != "" || pv.Status != probes.OK {
		t.Errorf("the plain probe: %s capture %q captured %q", pv.Status, pv.Capture, pv.Captured)
	}
	if pv := stepByKey(snap, "3").Probes[0]; pv.Status != probes.OK || !strings.Contains(pv.Message, "== captures.rows (3)") {
		t.Errorf("the reader: %s %q", pv.Status, pv.Message)
	}
}
