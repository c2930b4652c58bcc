package plans

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// testRoot is the root the golden plans are parsed against; dumps print
// paths under it as <root>.
const testRoot = "/srv/app"

// TestPlansGolden parses every plan under testdata/plans and compares a
// stable dump with testdata/golden/NAME.txt (go test -run
// TestPlansGolden -update rewrites them).
func TestPlansGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/plans/*.md")
	if err != nil || len(files) < 8 {
		t.Fatalf("want at least 8 test plans, got %d (%v)", len(files), err)
	}
	files = append(files, "examples/migrate-chromadb-to-pgvector.md")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(filepath.Base(f), src, testRoot, LoadOptions{Env: testEnv})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			got := dumpPlan(p)
			golden := filepath.Join("testdata", "golden", name+".txt")
			gonogotest.Golden(t, golden, []byte(got))
		})
	}
}

// testEnv is a fixed environment for tests, so ~ and $VAR expansion do not
// depend on the machine.
func testEnv(name string) string {
	switch name {
	case "HOME":
		return "/home/op"
	case "BACKUP_DIR":
		return "/var/backups/app"
	}
	return ""
}

// TestPlanStepKeys asserts the steps each test plan yields, independently
// of the golden dumps, so a golden refreshed by mistake cannot hide a lost
// or invented step.
func TestPlanStepKeys(t *testing.T) {
	tests := []struct {
		file string
		keys []string
	}{
		{"numbered-headings-admonitions.md", []string{"1", "2", "3", "4", "5", "6"}},
		{"checklist-nested.md", []string{"1", "2", "3", "freeze-deploys-in-the-ci", "promote-the-replica", "repoint-the-application", "demote-the-old-primary-back", "repoint-the-application-to-the-old-primary"}},
		{"big-shell-block.md", []string{"1", "2", "3", "4", "5", "6"}},
		{"bold-paragraphs.md", []string{"1", "2", "2a", "3.1", "3.2", "4", "5"}},
		{"front-matter-yaml.md", []string{"1", "2", "3"}},
		{"front-matter-toml.md", []string{"1", "2", "3"}},
		{"html-comments.md", []string{"1", "2", "3"}},
		{"tables-mermaid.md", []string{"cutover/1", "2", "3", "rollback/1"}},
		{"repeated-ids.md", []string{"procedure/1", "procedure/2", "3", "verify/1", "verify/2", "rollback/1"}},
		{"numbered-sections.md", []string{"1.1", "1.2", "2.1", "2.2", "3.1", "4"}},
		{"console-and-untagged.md", []string{"1", "2", "3", "4", "5", "6"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "plans", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(tt.file, src, testRoot, LoadOptions{Env: testEnv})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range p.Steps {
				got = append(got, s.Key)
			}
			if strings.Join(got, " ") != strings.Join(tt.keys, " ") {
				t.Errorf("step keys:\n got  %q\n want %q", got, tt.keys)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
