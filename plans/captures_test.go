package plans

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// capturePlan is a plan of two steps whose probe blocks are a and b.
func capturePlan(a, b string) string {
	return "# Migrate\n\n### 1. Export\n\n```gonogo\n" + a + "\n```\n\n### 2. Load\n\n```gonogo\n" + b + "\n```\n"
}

// TestCapturesRead reads every producer and consumer form and checks what
// each probe captures and reads.
func TestCapturesRead(t *testing.T) {
	p := mustParse(t, capturePlan(
		"done:\n  - file: export.jsonl\n    capture: chroma_rows\n  - command: wc -l < export.jsonl\n    capture: wc_rows",
		"done:\n  - postgres: postgres://db/app\n    query: SELECT count(*) FROM posts\n    capture: pg_rows\n"+
			"  - postgres: postgres://db/app\n    query: SELECT count(*) FROM posts\n    expect: '>= captures.chroma_rows * 0.99'\n"+
			"  - command: echo 3\n    expect: == captures.wc_rows\n    stdout: '^3$'\n"+
			"  - any:\n      - command: echo 1\n        expect: '== captures.chroma_rows + captures.wc_rows'\n      - file: x"))
	var got []string
	for _, st := range p.Steps {
		for _, sp := range st.Probes {
			e := ""
			if x := sp.Expect(); x != nil {
				e = x.String()
			}
			got = append(got, fmt.Sprintf("%s capture=%q reads=%v expect=%q", sp.Kind, sp.Capture, sp.Reads(), e))
		}
	}
	want := []string{
		`file capture="chroma_rows" reads=[] expect=""`,
		`command capture="wc_rows" reads=[] expect=""`,
		`postgres capture="pg_rows" reads=[] expect=""`,
		`postgres capture="" reads=[chroma_rows] expect=">= captures.chroma_rows * 0.99"`,
		`command capture="" reads=[wc_rows] expect="== captures.wc_rows"`,
		`any capture="" reads=[chroma_rows wc_rows] expect=""`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A plain expect keeps the plain comparison: no expression compiled.
	pl := mustParse(t, probePlan("done:\n  - command: echo 5\n    expect: '>= 4'"))
	if e := pl.Steps[0].Probes[0].Expect(); e == nil || len(e.Captures) != 0 || !e.Match("5") {
		t.Errorf("a plain expect on a command: %+v", e)
	}
}

// TestCaptureErrors loads plans (and sidecars) whose captures are wrong;
// testdata/golden/capture-errors.txt holds every message (go test -run
// TestCaptureErrors -update rewrites it). Each case also names the line
// and field its first error must have, so a golden refreshed by mistake
// cannot move an error silently.
func TestCaptureErrors(t *testing.T) {
	tests := []struct {
		name, a, b string
		sidecar    string
		line       int    // of the first error
		field      string // of the first error
	}{
		{"unknown name, did you mean", "done:\n  - file: export.jsonl\n    capture: chroma_rows",
			"done:\n  - command: echo 1\n    expect: == captures.chroma_row", "", 16, "expect"},
		{"no capture in the plan", "done:\n  - file: export.jsonl",
			"done:\n  - command: echo 1\n    expect: == captures.rows", "", 15, "expect"},
		{"typo of captures", "done:\n  - file: export.jsonl\n    capture: rows",
			"done:\n  - command: echo 1\n    expect: == capture.rows", "", 16, "expect"},
		{"same name twice", "done:\n  - file: export.jsonl\n    capture: rows",
			"done:\n  - command: wc -l < x\n    capture: rows", "", 16, "capture"},
		{"inside any", "done:\n  - any:\n      - file: export.jsonl\n        capture: rows\n      - file: b", "done:\n  - file: c", "", 9, "capture"},
		{"reader that captures", "done:\n  - file: export.jsonl\n    capture: rows",
			"done:\n  - command: echo 1\n    expect: == captures.rows\n    capture: again", "", 17, "capture"},
		{"name not an identifier", "done:\n  - file: export.jsonl\n    capture: 1rows", "done:\n  - file: c", "", 8, "capture"},
		{"bad syntax", "done:\n  - file: export.jsonl\n    capture: rows",
			"done:\n  - command: echo 1\n    expect: '>= captures.rows *'", "", 16, "expect"},
		{"not a number comparison", "done:\n  - file: export.jsonl\n    capture: rows",
			"done:\n  - command: echo 1\n    expect: '== captures.rows == 1'", "", 16, "expect"},
		{"dynamic name", "done:\n  - file: export.jsonl\n    capture: rows",
			"done:\n  - command: echo 1\n    expect: '== captures[value]'", "", 16, "expect"},
		{"file that must not exist", "done:\n  - file: export.jsonl\n    exists: false\n    capture: rows", "done:\n  - file: c", "", 9, "capture"},
		{"folder", "done:\n  - file: export\n    dir: true\n    capture: rows", "done:\n  - file: c", "", 9, "capture"},
		{"postgres check that is not a query", "done:\n  - postgres: postgres://db/app\n    table: posts\n    capture: rows", "done:\n  - file: c", "", 9, "capture"},
		{"capture on a kind without values", "done:\n  - git: config.py\n    capture: rows", "done:\n  - file: c", "", 8, "capture"},
		{"sidecar reads an unknown name", "done:\n  - file: export.jsonl\n    capture: chroma_rows", "done:\n  - file: c",
			"steps:\n  \"2\":\n    done:\n      - command: echo 1\n        expect: == captures.chroma_rws\n", 5, "expect"},
		{"sidecar captures a name the plan captures", "done:\n  - file: export.jsonl\n    capture: rows", "done:\n  - file: c",
			"steps:\n  \"2\":\n    done:\n      - command: wc -l < x\n        capture: rows\n", 5, "capture"},
	}
	var golden strings.Builder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			plan := filepath.Join(dir, "plan.md")
			if err := os.WriteFile(plan, []byte(capturePlan(tt.a, tt.b)), 0o644); err != nil {
				t.Fatal(err)
			}
			opts := LoadOptions{Env: testEnv, Root: dir}
			if tt.sidecar != "" {
				opts.Probes = filepath.Join(dir, "probes.yml")
				if err := os.WriteFile(opts.Probes, []byte(tt.sidecar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Load(plan, opts)
			var el ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("want a load error, got %v", err)
			}
			wantFile := "plan.md"
			if tt.sidecar != "" {
				wantFile = "probes.yml"
			}
			if d := el[0]; filepath.Base(d.File) != wantFile || d.Line != tt.line || d.Field != tt.field {
				t.Errorf("first error at %s:%d %s, want %s:%d %s: %v", filepath.Base(d.File), d.Line, d.Field, wantFile, tt.line, tt.field, err)
			}
			fmt.Fprintf(&golden, "== %s\n", tt.name)
			for _, d := range el {
				fmt.Fprintf(&golden, "%s\n", strings.ReplaceAll(d.Error(), dir+string(filepath.Separator), ""))
			}
		})
	}
	gonogotest.Golden(t, filepath.Join("testdata", "golden", "capture-errors.txt"), []byte(golden.String()))
}

// TestSidecarReadsPlanCapture: a sidecar's probe may read what the plan
// captures, and the reverse.
func TestSidecarReadsPlanCapture(t *testing.T) {
	p := mustParse(t, capturePlan("done:\n  - file: export.jsonl\n    capture: chroma_rows", "done:\n  - file: c"))
	side := "steps:\n  \"2\":\n    done:\n      - command: wc -l < x\n        expect: '== captures.chroma_rows'\n        capture: wc\n"
	if err := ApplySidecar(p, "probes.yml", []byte(side), LoadOptions{Env: testEnv}); err == nil {
		t.Fatal("a sidecar probe that reads and captures was accepted")
	}
	if len(p.Steps[1].Probes) != 1 {
		t.Fatalf("a refused sidecar changed the plan: %d probes in step 2", len(p.Steps[1].Probes))
	}
	side = "steps:\n  \"2\":\n    done:\n      - command: wc -l < x\n        expect: '== captures.chroma_rows'\n"
	if err := ApplySidecar(p, "probes.yml", []byte(side), LoadOptions{Env: testEnv}); err != nil {
		t.Fatal(err)
	}
	sp := p.Steps[1].Probes[1]
	if sp.Source != spec.Sidecar || len(sp.Reads()) != 1 || sp.Reads()[0] != "chroma_rows" {
		t.Errorf("sidecar probe: %+v reads %v", sp, sp.Reads())
	}
}
