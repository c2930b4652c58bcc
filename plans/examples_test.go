package plans

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/examples"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

func TestExampleMigrationPlan(t *testing.T) {
	onDisk, err := os.ReadFile("examples/" + examples.MigrationPlanFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, examples.MigrationPlan) {
		t.Fatal("embedded plan differs from the file")
	}
	p, err := Parse(examples.MigrationPlanFile, examples.MigrationPlan, testRoot, LoadOptions{Env: testEnv})
	if err != nil {
		t.Fatalf("the example plan must parse: %v", err)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings: %v", p.Warnings)
	}
	var rollbackPhase bool
	for _, ph := range p.Phases {
		rollbackPhase = rollbackPhase || ph.Rollback
	}
	if !rollbackPhase {
		t.Error("no rollback phase")
	}
	s8a, err := p.StepByRef("8a")
	if err != nil || s8a.Rollback || s8a.Phase != "Pre-deploy checklist" {
		t.Fatalf("step 8a: %v %+v", err, s8a)
	}
	if !hasCommand(s8a, "cp config_chromadb.py /tmp/config_chromadb.py.bak") || !hasCommand(s8a, "git add config_chromadb.py") {
		t.Errorf("8a commands: %+v", s8a.Commands)
	}
	if !hasProbe(s8a, spec.Done, spec.KindBackup, "/tmp/config_chromadb.py.bak") {
		t.Error("8a should declare the backup as done")
	}
	s23, err := p.StepByRef("23")
	if err != nil || !s23.Rollback {
		t.Fatalf("step 23: %v %+v", err, s23)
	}
	if !hasCommand(s23, "git checkout HEAD -- config_chromadb.py") || !hasCommand(s23, "cp /backup/config_chromadb.py .") {
		t.Errorf("23 commands: %+v", s23.Commands)
	}
	if !hasProbe(s23, spec.Requires, spec.KindGit, "config_chromadb.py") {
		t.Error("23 should require config_chromadb.py committed")
	}
	withProbes := 0
	kinds := map[spec.Kind]bool{}
	for _, s := range p.Steps {
		if len(s.Probes) > 0 {
			withProbes++
		}
		for _, pr := range s.Probes {
			kinds[pr.Kind] = true
		}
	}
	if withProbes*3 < len(p.Steps)*2 {
		t.Errorf("probe blocks on most steps: %d of %d", withProbes, len(p.Steps))
	}
	for _, k := range []spec.Kind{spec.KindGit, spec.KindBackup, spec.KindHost, spec.KindPort, spec.KindCommand, spec.KindSystemd, spec.KindProcess, spec.KindFile, spec.KindHTTP, spec.KindPostgres} {
		if !kinds[k] {
			t.Errorf("the example uses no %s probe", k)
		}
	}
}

func hasCommand(s *Step, text string) bool {
	for _, c := range s.Commands {
		if c.Text == text {
			return true
		}
	}
	return false
}

func hasProbe(s *Step, role spec.Role, kind spec.Kind, target string) bool {
	for _, p := range s.Probes {
		if p.Role == role && p.Kind == kind && p.Target == target {
			return true
		}
	}
	return false
}

// TestFormatDocExamples parses every probe block and sidecar shown in
// the README's plan format section, so the documentation cannot drift from the parser.
func TestFormatDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```gonogo\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 2 {
		t.Fatalf("want the doc's probe blocks, found %d", len(blocks))
	}
	for _, b := range blocks {
		if _, err := parseString(t, "### 1. Step\n\n```gonogo\n"+b[1]+"```\n"); err != nil {
			t.Errorf("doc block does not parse: %v\n%s", err, b[1])
		}
	}
	side := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindStringSubmatch(string(doc))
	if side == nil {
		t.Fatal("no sidecar example in the doc")
	}
	p := mustParse(t, "## Pre\n\n### 8a. Backup\n\n## Rollback\n\n1. Restore\n\n## Other\n\n1. x\n")
	if err := ApplySidecar(p, "probes.yaml", []byte(side[1]), LoadOptions{}); err != nil {
		t.Errorf("doc sidecar does not apply: %v", err)
	}
	for _, line := range []string{`unknown attribute "stat" for git: expected repo, state, name, severity, timeout (did you mean "state"?)`,
		`timeout: expected a duration with a unit, like 5s or 4h, got "5" without a unit`} {
		if !strings.Contains(string(doc), line) {
			t.Errorf("doc error sample is stale: %s", line)
		}
	}
}

// TestFormatDocStepExamples parses every Markdown example of the README's
// plan format section that is followed by "→ steps `a`, `b`" (or "→
// rollback steps …") and checks the reader finds exactly those steps: the
// README is the contract, and what it shows must be what gonogo does.
func TestFormatDocStepExamples(t *testing.T) {
	doc, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	sec := string(doc)
	if i := strings.Index(sec, "## The plan format"); i >= 0 {
		sec = sec[i:]
	}
	if i := strings.Index(sec, "### Probe blocks"); i >= 0 {
		sec = sec[:i]
	}
	re := regexp.MustCompile("(?s)\n( *)````markdown\n(.*?)\n *````\n *→ (rollback )?steps ([^\n]+)")
	ms := re.FindAllStringSubmatch(sec, -1)
	if len(ms) < 3 {
		t.Fatalf("want the plan format's step examples, found %d", len(ms))
	}
	keyRE := regexp.MustCompile("`([^`]+)`")
	for _, m := range ms {
		indent, body, rollback := m[1], m[2], m[3] != ""
		var lines []string
		for _, l := range strings.Split(body, "\n") {
			lines = append(lines, strings.TrimPrefix(l, indent))
		}
		src := strings.Join(lines, "\n") + "\n"
		var want []string
		for _, k := range keyRE.FindAllStringSubmatch(m[4], -1) {
			want = append(want, k[1])
		}
		p := mustParse(t, src)
		var got []string
		for _, s := range p.Steps {
			got = append(got, s.Key)
			if rollback && !s.Rollback {
				t.Errorf("README example: step %s should be a rollback step\n%s", s.Key, src)
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("README example reads as steps %q, the README says %q\n%s", got, want, src)
		}
	}
}
