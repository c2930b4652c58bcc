package infer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// saidBytes is how much inference and the findings pass say about a plan,
// as people read it: every probe's name and the command it came from (at
// every depth of any/all), the notes, and the findings' messages and hints
// when every need fails. It is the work the report then does, so it must
// grow linearly with the plan.
func saidBytes(a *Analysis) int {
	n := 0
	var walk func(ps []*spec.Probe)
	walk = func(ps []*spec.Probe) {
		for _, p := range ps {
			n += len(p.Name) + len(p.Why)
			walk(p.Children)
		}
	}
	for _, st := range a.steps {
		walk(st.all())
		for _, note := range st.notes {
			n += len(note)
		}
	}
	for _, f := range a.Findings(func(*spec.Probe) bool { return true }) {
		n += len(f.Message) + len(f.Hint)
	}
	return n
}

// TestHostileCommandsStayLinear reads the commands of issue 13's hostile
// plans at two sizes: what is said about them may double when they double,
// not grow fourfold. A line of 500 "||" alternatives took 24 s and 2.4 GB
// (each nested alternative quoted all those inside it) and a cp of 20,000
// sources 237 s (each of its 20,000 needs quoted the whole command); here
// the sizes are small enough that the old code fails this in a second or
// two instead of running for minutes.
func TestHostileCommandsStayLinear(t *testing.T) {
	root := fixtureRoot(t)
	cases := []struct {
		name   string
		n      int
		script func(n int) string
	}{
		{"alternatives on one line", 100, func(n int) string {
			var ways []string
			for i := range n {
				ways = append(ways, fmt.Sprintf("cp /backup/f%d /tmp/f%d", i, i))
			}
			return strings.Join(ways, " || ")
		}},
		{"cp of many sources", 400, func(n int) string {
			var b strings.Builder
			b.WriteString("cp")
			for i := range n {
				fmt.Fprintf(&b, " src/file%d.txt", i)
			}
			b.WriteString(" /tmp/dst/")
			return b.String()
		}},
		{"alternatives in alternatives", 60, func(n int) string {
			var ways []string
			for i := range n {
				ways = append(ways, fmt.Sprintf("(cp /backup/a%d /tmp/a%d || cp /backup/b%d /tmp/b%d)", i, i, i, i))
			}
			return strings.Join(ways, " || ")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			small, big := tc.script(tc.n), tc.script(2*tc.n)
			a1, _ := analyzeOne(root, small, true)
			a2, _ := analyzeOne(root, big, true)
			s1, s2 := saidBytes(a1), saidBytes(a2)
			if s2 > 5*s1/2 {
				t.Errorf("doubling the command from %d to %d bytes took what is said from %d to %d bytes: not linear", len(small), len(big), s1, s2)
			}
			if s2 > 80*len(big) {
				t.Errorf("%d bytes said about a command of %d bytes", s2, len(big))
			}
		})
	}
}

// TestAlternativesAreOneGroup: "a || b || c" is one choice of three ways —
// one any of three, whose findings name the other ways — not an any inside
// an any.
func TestAlternativesAreOneGroup(t *testing.T) {
	root := fixtureRoot(t)
	a, st := analyzeOne(root, "cp /backup/a.py app.py || cp /backup/b.py app.py || cp /backup/c.py app.py || cp /backup/d.py app.py || cp /backup/e.py app.py", true)
	a.Apply()
	var anys []*spec.Probe
	for _, p := range st.Probes {
		if p.Kind == spec.KindAny {
			anys = append(anys, p)
		}
	}
	if len(anys) != 1 || len(anys[0].Children) != 5 {
		t.Fatalf("want one any of 5 ways, got %d anys (%v)", len(anys), dumpAll(st.Probes))
	}
	for _, c := range anys[0].Children {
		if c.Kind == spec.KindAny {
			t.Errorf("a way is itself an any: %s", c.Label())
		}
	}
	fs := a.Findings(func(*spec.Probe) bool { return true })
	if len(fs) != 5 {
		t.Fatalf("want a finding per way, got %d: %v", len(fs), fs)
	}
	want := "the other ways (`cp /backup/b.py app.py`, `cp /backup/c.py app.py`, `cp /backup/d.py app.py` and 1 more) cannot work either"
	if !strings.Contains(fs[0].Message, want) {
		t.Errorf("finding of the first way:\n%s\nwant it to end with %q", fs[0].Message, want)
	}
}

func dumpAll(ps []*spec.Probe) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Label())
	}
	return out
}

// TestHugeCommandsAreBounded: a command of more words than anyone writes,
// or a choice of more ways, is read up to a bound and the step says so,
// instead of costing seconds and gigabytes.
func TestHugeCommandsAreBounded(t *testing.T) {
	root := fixtureRoot(t)
	var b strings.Builder
	b.WriteString("cp")
	for i := range 20000 {
		fmt.Fprintf(&b, " src/file%d.txt", i)
	}
	b.WriteString(" /tmp/dst/")
	a, _ := analyzeOne(root, b.String(), true)
	sources, dst := 0, false
	for _, n := range a.steps[0].needs {
		if strings.Contains(n.path, "/src/file") {
			sources++
		}
	}
	for _, ev := range a.steps[0].events {
		if strings.HasPrefix(ev.path, "/tmp/dst/") {
			dst = true
		}
	}
	if sources != maxArgs-2 || !dst {
		t.Errorf("cp of 20,000 sources: %d sources read (want %d, the words but cp and the destination), destination read: %v", sources, maxArgs-2, dst)
	}
	if notes := strings.Join(a.steps[0].notes, "\n"); !strings.Contains(notes, "has 20002 words: gonogo reads its first 999 and its last") {
		t.Errorf("no note on the cut: %q", notes)
	}

	var ways []string
	for i := range maxWays + 1 {
		ways = append(ways, fmt.Sprintf("cp /backup/f%d /tmp/f%d", i, i))
	}
	a, st := analyzeOne(root, strings.Join(ways, " || "), true)
	a.Apply()
	for _, p := range st.Probes {
		if p.Kind == spec.KindAny {
			t.Fatalf("a choice of %d ways became an any of %d", maxWays+1, len(p.Children))
		}
	}
	if notes := strings.Join(st.Notes, "\n"); !strings.Contains(notes, "offers 1001 ways to do one thing: more than gonogo reads (1000), so it checks none of them") {
		t.Errorf("no note on the skipped choice: %q", notes)
	}
}
