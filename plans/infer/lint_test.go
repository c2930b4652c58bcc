package infer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// lintPlans are the plans the parser's tests, examples and runbook corpus
// ship, and this package's own (the seed, blanks, a shared block, a copy of
// the example migration, contexts). Only this package's own have golden
// files: the others change with the parser's tests.
func lintPlans(t *testing.T) (files []string, golden map[string]bool) {
	t.Helper()
	golden = map[string]bool{}
	for _, pat := range []string{"../testdata/plans/*.md", "../examples/*.md", "../testdata/corpus/*.md", "testdata/plans/*.md"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if filepath.Base(f) == "README.md" {
				continue
			}
			golden[f] = strings.HasPrefix(pat, "testdata/")
			files = append(files, f)
		}
	}
	return files, golden
}

// goldenEnv makes $VAR expansion the same on every machine.
func goldenEnv(k string) string {
	switch k {
	case "HOME":
		return "/home/op"
	case "PATH":
		return os.Getenv("PATH")
	}
	return ""
}

// TestLintPlans infers over every shipped plan, runs the probes with the
// real runner and the findings pass: nothing may panic, and no inferred
// probe may be built from a placeholder. The inferred probes, notes and
// the findings that need no state go to a golden file per plan.
func TestLintPlans(t *testing.T) {
	files, hasGolden := lintPlans(t)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".md")
		t.Run(file, func(t *testing.T) {
			p, err := plans.Load(file, plans.LoadOptions{Env: goldenEnv})
			if err != nil {
				t.Fatalf("plan does not load: %v", err)
			}
			a := Analyze(p, Options{Env: goldenEnv})
			for _, ps := range a.Probes() {
				noPlaceholder(t, ps)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			rs := probes.NewRunner(probes.Options{NoExec: true}).Run(ctx, a.Probes(), nil)
			_ = a.Findings(probes.Failing(rs))

			a.Apply()
			a.Apply()
			for _, s := range p.Steps {
				n := 0
				for _, ps := range s.Probes {
					if ps.Source == spec.Inferred {
						n++
					}
				}
				if !s.NoInfer && n > len(a.StepProbes(s.Key)) {
					t.Errorf("step %s: Apply attached %d inferred probes, more than the %d inferred", s.Key, n, len(a.StepProbes(s.Key)))
				}
			}
			if !hasGolden[file] {
				return
			}
			got := dumpAnalysis(a, p)
			golden := filepath.Join("testdata", "golden", name+".txt")
			gonogotest.Golden(t, golden, []byte(got))
		})
	}
}

// blankMarks are, independently of placeholderIn, the marks of a blank
// that no inferred probe target should hold.
var blankMarks = []string{"<", ">", "…", "...", "{{", "YOUR", "XXX", "x.x", "path/to", "$", tokenPrefix}

// noPlaceholder fails when a probe's target or path holds a blank.
func noPlaceholder(t *testing.T, ps *spec.Probe) {
	t.Helper()
	for _, s := range []string{ps.Target, donePath(ps)} {
		for _, m := range blankMarks {
			if strings.Contains(s, m) {
				t.Errorf("probe %q (line %d) is built from a placeholder %q: %s", ps.Label(), ps.Line, m, s)
			}
		}
	}
	if g, ok := ps.Params.(*spec.GitParams); ok && (placeholderIn(g.Rev) != "" || placeholderIn(g.Path) != "") {
		t.Errorf("git probe %q (line %d) is built from a placeholder: %s @ %s", ps.Label(), ps.Line, g.Path, g.Rev)
	}
	for _, c := range ps.Children {
		noPlaceholder(t, c)
	}
}

// dumpAnalysis renders what inference says about a plan, step by step.
func dumpAnalysis(a *Analysis, p *plans.Plan) string {
	var b strings.Builder
	for _, s := range p.Steps {
		ps, notes := a.StepProbes(s.Key), a.StepNotes(s.Key)
		if len(ps) == 0 && len(notes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "step %s (line %d, rollback %v)\n", s.Key, s.Line, s.Rollback)
		for _, x := range ps {
			name := x.Name
			if a.Program(x) != "" {
				name = "-" // says where the program was found: differs by machine
			}
			fmt.Fprintf(&b, "  %s  # %s, line %d: %s\n", dumpProbe(a, x, p.Root), name, x.Line, x.Why)
		}
		for _, n := range notes {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
	}
	for _, f := range a.Findings(nil) {
		fmt.Fprintf(&b, "finding %s step %s line %d: %s\n  hint: %s\n", f.Severity, f.Step, f.Line, f.Message, f.Hint)
	}
	return b.String()
}
