package infer

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// Findings kept from the last call are what the pass itself says, through
// a sequence of answers that change and repeat, and after the untracked
// file a rollback checks out of git is deleted (the message words that
// differently, though no probe answer changed).
func TestFindingsKeptMatchThePass(t *testing.T) {
	planPath, repo, _, _ := seedRepo(t)
	a, _, rs, _ := check(t, planPath)
	real := probes.Failing(rs)
	none := func(*spec.Probe) bool { return false }
	all := func(sp *spec.Probe) bool { return sp != nil }
	steps := []struct {
		name  string
		fails func(*spec.Probe) bool
		setup func()
	}{
		{"the real answers", real, nil},
		{"the same again", real, nil},
		{"nothing fails", none, nil},
		{"everything fails", all, nil},
		{"the real answers once more", real, nil},
		{"config_chromadb.py deleted", real, func() {
			if err := os.Remove(filepath.Join(repo, "config_chromadb.py")); err != nil {
				t.Fatal(err)
			}
		}},
		{"nil", nil, nil},
	}
	differ := 0
	var last []Finding
	for i, s := range steps {
		if s.setup != nil {
			s.setup()
		}
		got := a.Findings(s.fails)
		fails := s.fails
		if fails == nil {
			fails = none
		}
		want := a.findings(fails)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: kept findings differ from the pass:\n got %s\nwant %s", s.name, dumpFindings(got), dumpFindings(want))
		}
		if i > 0 && !reflect.DeepEqual(got, last) {
			differ++
		}
		last = got
		if len(got) > 0 {
			got[0].Message = "changed by the caller" // must not reach the next caller
		}
	}
	if differ < 3 {
		t.Errorf("only %d of the steps changed the findings: the sequence does not test the memo", differ)
	}
}

// Makers, once the inferred probes are applied, is worked out once: the
// same map each time, equal to the walk itself.
func TestMakersKept(t *testing.T) {
	planPath, _, _, _ := seedRepo(t)
	a, _, _, _ := check(t, planPath)
	a.Apply()
	m1, m2 := a.Makers(), a.Makers()
	if reflect.ValueOf(m1).Pointer() != reflect.ValueOf(m2).Pointer() {
		t.Error("Makers worked out twice after Apply")
	}
	if !reflect.DeepEqual(m1, a.makers()) {
		t.Error("kept Makers differ from the walk")
	}
}
