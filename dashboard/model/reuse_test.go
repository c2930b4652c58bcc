package model

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// reusePlan has what an evaluation reads: a done-probe, an any with
// children, a git requirement, inferred probes and findings (the commands),
// a rollback phase, and a file the test makes to change an answer.
const reusePlan = "# Deploy\n\n## Pre-deploy\n\n" +
	"### 1. Back up the config\n\n```bash\ncp config_chromadb.py backup/config_chromadb.py\n```\n\n" +
	"```gonogo\ndone:\n  - file: backup/config_chromadb.py\n```\n\n" +
	"### 2. Check\n\n```gonogo\nrequires:\n  - any:\n      - file: missing.txt\n      - file: README.md\n    name: either file\n  - git: README.md\n    state: committed\n```\n\n" +
	"### 3. Announce\n\nTell the team.\n\n" +
	"## Rollback\n\n### 23. Restore ChromaDB config\n\n```bash\ngit checkout HEAD -- config_chromadb.py\ncp backup/config_chromadb.py .\n```\n"

// freshSnapshot evaluates the session's cached answers anew, for the check
// that made snap: what Check must return whether or not it reused the
// last evaluation.
func freshSnapshot(t *testing.T, s *Session, snap *Snapshot) *Snapshot {
	t.Helper()
	s.mu.Lock()
	p, a := s.plan, s.analysis
	current := make(map[*spec.Probe]probes.Result, len(s.cache))
	for sp, c := range s.cache {
		current[sp] = c.res
	}
	s.mu.Unlock()
	fresh := s.evaluate(p, a, current, nil, snap.CheckedAt, 0, snap.Host, false, false)
	fresh.DurationMS = snap.DurationMS // the check's own time, which evaluate is handed
	return fresh
}

// shares reports whether two snapshots hold the same findings array: the
// second reused the first's evaluation.
func shares(a, b *Snapshot) bool {
	return len(a.Findings) > 0 && len(b.Findings) == len(a.Findings) && &a.Findings[0] == &b.Findings[0]
}

// TestCheckReusesUnchangedEvaluation checks that a check whose answers are
// all as before returns exactly what a fresh evaluation of its answers
// gives (new durations and time of check included), that it did reuse the
// last evaluation, and that any change — an answer, "I am at", a
// sign-off, a reload, a phase — makes it evaluate again.
func TestCheckReusesUnchangedEvaluation(t *testing.T) {
	for _, phase := range []string{"", "pre-deploy"} {
		t.Run("phase="+phase, func(t *testing.T) {
			dir := gitRepo(t, map[string]string{"README.md": "x\n", "plan.md": reusePlan}, map[string]string{"config_chromadb.py": "HOST = 1\n"})
			s, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md"), NoExec: true, Phase: phase})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			o := CheckOptions{DefaultInterval: time.Nanosecond} // every probe due, as on a board tick
			check := func(what string, wantReuse bool, prev *Snapshot) *Snapshot {
				t.Helper()
				snap := s.Check(ctx, o)
				if fresh := freshSnapshot(t, s, snap); !reflect.DeepEqual(snap, fresh) {
					t.Fatalf("%s: the snapshot differs from a fresh evaluation of the same answers:\n got %+v\nwant %+v", what, snap, fresh)
				}
				if got := shares(prev, snap); got != wantReuse {
					t.Fatalf("%s: reused the last evaluation = %v, want %v", what, got, wantReuse)
				}
				return snap
			}
			first := s.Check(ctx, o)
			if len(first.Findings) == 0 {
				t.Fatal("the plan should have findings (the rollback's restore)")
			}
			snap := check("nothing changed", true, first)
			if snap.CheckedAt.Equal(first.CheckedAt) && snap.DurationMS == first.DurationMS {
				t.Error("the reused snapshot kept the first check's time")
			}
			snap = check("nothing changed again", true, snap)

			if err := os.MkdirAll(filepath.Join(dir, "backup"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "backup", "config_chromadb.py"), []byte("HOST = 1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			changed := check("a backup appeared", false, snap)
			if phase == "" && stepByKey(changed, "1").Status == stepByKey(snap, "1").Status {
				t.Errorf("step 1 stayed %s after its backup appeared", stepByKey(changed, "1").Status)
			}
			snap = check("nothing changed after the backup", true, changed)

			if err := s.SetAt("2"); err != nil {
				t.Fatal(err)
			}
			snap = check("I am at step 2", false, snap)
			snap = check("still at step 2", true, snap)

			if _, err := s.SignOff(SignOff{Step: "3", By: "ops", At: time.Unix(1e9, 0).UTC()}, false); err != nil {
				t.Fatal(err)
			}
			snap = check("step 3 signed off", false, snap)
			snap = check("still signed off", true, snap)

			if err := s.Reload(); err != nil {
				t.Fatal(err)
			}
			snap = check("first check after a reload", false, snap)
			check("second check after a reload", true, snap)
		})
	}
}

// TestSameAnswer covers what counts as the same answer: the status and
// message of the probe and its children, not the time it took.
func TestSameAnswer(t *testing.T) {
	sp, child := &spec.Probe{Kind: spec.KindAny}, &spec.Probe{Kind: spec.KindFile}
	base := probes.Result{Spec: sp, Status: probes.Fail, Message: "none holds", Duration: time.Millisecond,
		Children: []probes.Result{{Spec: child, Status: probes.Fail, Message: "x does not exist"}}}
	for _, tc := range []struct {
		name   string
		change func(*probes.Result)
		same   bool
	}{
		{"duration", func(r *probes.Result) { r.Duration = time.Second; r.Children[0].Duration = time.Second }, true},
		{"status", func(r *probes.Result) { r.Status = probes.OK }, false},
		{"message", func(r *probes.Result) { r.Message = "other" }, false},
		{"probe", func(r *probes.Result) { r.Spec = child }, false},
		{"child status", func(r *probes.Result) { r.Children[0].Status = probes.OK }, false},
		{"child message", func(r *probes.Result) { r.Children[0].Message = "other" }, false},
		{"children", func(r *probes.Result) { r.Children = nil }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			r.Children = append([]probes.Result(nil), base.Children...)
			tc.change(&r)
			if got := sameAnswer(base, r); got != tc.same {
				t.Errorf("sameAnswer = %v, want %v", got, tc.same)
			}
		})
	}
}
