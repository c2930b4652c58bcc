package infer

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

const applyPlan = "# Apply\n" +
	"\n" +
	"## Pre-deploy\n" +
	"\n" +
	"### 1. Back up\n" +
	"\n" +
	"```bash\n" +
	"cp config_chromadb.py /tmp/config_chromadb.py.bak\n" +
	"cp app.conf <backup-dir>/\n" +
	"```\n" +
	"\n" +
	"```gonogo\n" +
	"requires:\n" +
	"  - file: config_chromadb.py\n" +
	"    name: the config is there\n" +
	"```\n" +
	"\n" +
	"### 2. Not inferred\n" +
	"\n" +
	"```bash\n" +
	"cp settings.py /srv/missing/settings.py.bak\n" +
	"cp <x> y\n" +
	"```\n" +
	"\n" +
	"```gonogo\n" +
	"infer: false\n" +
	"```\n" +
	"\n" +
	"## Rollback\n" +
	"\n" +
	"### 3. Restore\n" +
	"\n" +
	"```bash\n" +
	"git checkout HEAD -- config_chromadb.py || cp /backup/config_chromadb.py .\n" +
	"sudo systemctl restart app\n" +
	"```\n" +
	"\n" +
	"```gonogo\n" +
	"requires:\n" +
	"  - git: config_chromadb.py\n" +
	"    state: committed\n" +
	"```\n"

func TestApply(t *testing.T) {
	root := fixtureRoot(t)
	p, err := plans.Parse(filepath.Join(root, "plan.md"), []byte(applyPlan), root, plans.LoadOptions{Env: testEnv})
	if err != nil {
		t.Fatal(err)
	}
	a := Analyze(p, Options{Env: testEnv})
	before := len(p.Steps[0].Probes)
	a.Apply()
	a.Apply() // a second call changes nothing

	kinds := func(s *plans.Step) []string {
		var out []string
		for _, ps := range s.Probes {
			if a.Program(ps) != "" {
				continue
			}
			out = append(out, string(ps.Source)+" "+dumpProbe(a, ps, root))
		}
		return out
	}
	s1, s2, s3 := p.Steps[0], p.Steps[1], p.Steps[2]
	// Step 1: the explicit file probe covers the first "source of cp
	// exists"; the done backup (another kind) is still inferred, and the
	// second cp's source is real even though its destination is a blank.
	want1 := []string{
		"explicit requires file config_chromadb.py path=config_chromadb.py",
		"inferred requires file app.conf path=app.conf",
		"inferred done backup /tmp/config_chromadb.py.bak path=/tmp/config_chromadb.py.bak of=config_chromadb.py",
	}
	if got := kinds(s1); strings.Join(got, "\n") != strings.Join(want1, "\n") {
		t.Errorf("step 1 probes:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want1, "\n  "))
	}
	if before != 1 || len(s1.Notes) != 1 || !strings.Contains(s1.Notes[0], "<backup-dir>") {
		t.Errorf("step 1: %d probes before Apply, notes %q", before, s1.Notes)
	}
	for _, ps := range s1.Probes {
		if ps.Source == spec.Inferred && (ps.File != p.File || ps.Line != 8 && ps.Line != 9 || ps.Why == "") {
			t.Errorf("inferred %s: file %q line %d why %q", ps.Label(), ps.File, ps.Line, ps.Why)
		}
	}
	// Step 2 says infer: false: nothing attached, no notes, but its probes
	// are still listed for the findings pass.
	if len(s2.Probes) != 0 || len(s2.Notes) != 0 {
		t.Errorf("step 2 (infer: false) got probes %d notes %q", len(s2.Probes), s2.Notes)
	}
	if len(a.StepProbes(s2.Key)) == 0 {
		t.Errorf("step 2: Analyze inferred nothing; it must read infer: false steps for findings")
	}
	// Step 3: the explicit git probe covers one branch of the any, so the
	// any is left out; the systemd probes stay.
	want3 := []string{
		"explicit requires git config_chromadb.py path=config_chromadb.py state=committed",
		"inferred requires systemd app exists",
		"inferred done systemd app active",
	}
	if got := kinds(s3); strings.Join(got, "\n") != strings.Join(want3, "\n") {
		t.Errorf("step 3 probes:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want3, "\n  "))
	}
	// Probes lists the same pointers Apply attached.
	listed := map[*spec.Probe]bool{}
	for _, ps := range a.Probes() {
		listed[ps] = true
	}
	for _, s := range p.Steps {
		for _, ps := range s.Probes {
			if ps.Source == spec.Inferred && !listed[ps] {
				t.Errorf("step %s: attached %s is not in Probes()", s.Key, ps.Label())
			}
		}
	}
}

func TestAnalyzeNil(t *testing.T) {
	a := Analyze(nil, Options{})
	a.Apply()
	if len(a.Probes()) != 0 || len(a.Findings(nil)) != 0 {
		t.Fatal("a nil plan yields something")
	}
	a = Analyze(&plans.Plan{Steps: []*plans.Step{nil, {Key: "1"}}}, Options{})
	a.Apply()
	if len(a.Probes()) != 0 {
		t.Fatal("an empty step yields probes")
	}
}

// TestSettleBackups: a backup whose source a later step changes on
// purpose only has to exist; one whose source stays must match it.
func TestSettleBackups(t *testing.T) {
	root := fixtureRoot(t)
	p := &plans.Plan{File: "plan.md", Root: root, Steps: []*plans.Step{
		{ID: "1", Key: "1", Scripts: []plans.Script{{Text: "cp .env .env.bak\ncp config_chromadb.py config_chromadb.py.bak", Line: 3}}},
		{ID: "2", Key: "2", Scripts: []plans.Script{{Text: "sed -i 's/chroma/pgvector/' .env", Line: 7}}},
		{ID: "3", Key: "3", Rollback: true, Scripts: []plans.Script{{Text: "cp config_chromadb.py.bak config_chromadb.py", Line: 11}}},
	}}
	a := Analyze(p, Options{Env: testEnv})
	var got []string
	for _, ps := range a.StepProbes("1") {
		if ps.Role == spec.Done {
			got = append(got, dumpProbe(a, ps, root)+" | "+ps.Name)
		}
	}
	want := []string{
		"done backup .env.bak path=.env.bak | backup made by cp exists",
		"done backup config_chromadb.py.bak path=config_chromadb.py.bak of=config_chromadb.py | backup made by cp matches its source",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
