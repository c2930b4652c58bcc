package plans

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// The bounds of one fuzz input: its size (the corpus runbooks fit), and
// what it may cost — a plan is read in time and memory about linear in
// its length.
const (
	maxFuzzInput = 64 << 10
	fuzzBase     = 64 << 20
	fuzzPerByte  = 4 << 10
)

// FuzzParse feeds arbitrary bytes to the parser. Whatever the input, Parse
// must not panic, and its answer must be coherent: either a plan whose
// steps have IDs and unique keys at lines inside the file, or an ErrorList
// of located diagnostics. Seeds: every test plan, the runbook corpus, the
// example, and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/plans/*.md")
	corpus, _ := filepath.Glob("testdata/corpus/*.md")
	files = append(files, corpus...)
	files = append(files, "examples/migrate-chromadb-to-pgvector.md")
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(probePlan("requires:\n  - any:\n      - git: a\n      - all: [ {file: b}, {host: disk, min_free: 1G} ]\n")))
	f.Add([]byte("```bash\n# 1. a\nls\n# 1. a\n```\n"))
	f.Add([]byte("### 23. R\n\n```bash\ngit checkout HEAD -- c\n```\n\nIf you made a backup: `cp /b/c .` or `sudo -u x psql -f a`\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > maxFuzzInput {
			t.Skip("input over the fuzz bound")
		}
		var (
			p   *Plan
			err error
		)
		gonogotest.Bounded(t, len(src), fuzzBase, fuzzPerByte, func() {
			p, err = Parse("f.md", src, "/root", LoadOptions{Env: testEnv})
		})
		lines := strings.Count(string(src), "\n") + 1
		if err != nil {
			var el ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %T %v", err, err)
			}
			for _, d := range el {
				if d.File != "f.md" || d.Line < 0 || d.Line > lines || d.Msg == "" {
					t.Fatalf("badly located diagnostic %+v (file has %d lines)", d, lines)
				}
			}
			return
		}
		if len(p.Steps) == 0 {
			t.Fatal("a plan without steps must be an error")
		}
		keys := map[string]bool{}
		for _, s := range p.Steps {
			if s.ID == "" || s.Key == "" || keys[s.Key] {
				t.Fatalf("step with empty ID or repeated key: %+v", s)
			}
			keys[s.Key] = true
			if s.Line < 1 || s.Line > lines {
				t.Fatalf("step %s at line %d outside the file (%d lines)", s.Key, s.Line, lines)
			}
			if ref, err := p.StepByRef(s.Key); err != nil || ref != s {
				t.Fatalf("StepByRef(%q) = %v, %v", s.Key, ref, err)
			}
			if !utf8.ValidString(s.Title) {
				t.Fatalf("title not UTF-8: %q", s.Title)
			}
			for _, c := range s.Commands {
				if c.Text == "" || c.Line < 1 || c.Line > lines {
					t.Fatalf("bad command %+v", c)
				}
			}
			for _, pr := range s.Probes {
				checkSpec(t, pr)
			}
		}
	})
}

// checkSpec asserts the ProbeSpec invariant: exactly one of Params and
// Children, matching the kind.
func checkSpec(t *testing.T, s *spec.Probe) {
	t.Helper()
	switch s.Kind {
	case spec.KindAny, spec.KindAll:
		if s.Params != nil || len(s.Children) == 0 {
			t.Fatalf("combinator %+v", s)
		}
		for _, c := range s.Children {
			checkSpec(t, c)
		}
	default:
		if s.Params == nil || s.Params.Kind() != s.Kind || len(s.Children) != 0 {
			t.Fatalf("probe %+v", s)
		}
	}
}

// FuzzSidecar feeds arbitrary YAML as a sidecar to a fixed plan.
func FuzzSidecar(f *testing.F) {
	f.Add([]byte("steps:\n  \"8a\":\n    requires:\n      - git: a\n"))
	f.Add([]byte("steps: {1: {done: [{any: [{port: ':80'}]}]}, rollback/1: {infer: false}}"))
	f.Add([]byte("steps:\n  x: &a {requires: *a}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > maxFuzzInput {
			t.Skip("input over the fuzz bound")
		}
		p, err := Parse("plan.md", []byte(sidecarPlan), testRoot, LoadOptions{Env: testEnv})
		if err != nil {
			t.Fatal(err)
		}
		gonogotest.Bounded(t, len(src), fuzzBase, fuzzPerByte, func() {
			err = ApplySidecar(p, "probes.yaml", src, LoadOptions{Env: testEnv})
		})
		if err != nil {
			var el ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %T %v", err, err)
			}
			return
		}
		for _, s := range p.Steps {
			for _, pr := range s.Probes {
				checkSpec(t, pr)
			}
		}
	})
}
