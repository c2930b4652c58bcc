package infer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// TestProgramProbes: a program found on $PATH is a file probe of where it
// was found; one that is not is a probe of /usr/bin/NAME that says so; a
// path with a slash is a probe of that file. Rollback steps block on them,
// other steps only warn.
func TestProgramProbes(t *testing.T) {
	bin := t.TempDir()
	tool := filepath.Join(bin, "pg_restore")
	if err := os.WriteFile(tool, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Not executable: a shell would not run it, so it does not count.
	if err := os.WriteFile(filepath.Join(bin, "psql"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "PATH" {
			return "relative/bin:" + bin
		}
		return ""
	}
	root := t.TempDir()
	mk := func(rollback bool) *plans.Step {
		return &plans.Step{ID: "1", Key: "1", Rollback: rollback, Scripts: []plans.Script{{
			Text: "pg_restore -d app x.dump\npsql -c 'select 1'\n./scripts/rollback.sh\necho done", Line: 3}}}
	}
	for _, rollback := range []bool{true, false} {
		st := mk(rollback)
		a := Analyze(&plans.Plan{File: "p.md", Root: root, Steps: []*plans.Step{st}}, Options{Env: env})
		var got []string
		for _, ps := range a.Probes() {
			if a.Program(ps) == "" {
				continue
			}
			fp := ps.Params.(*spec.FileParams)
			got = append(got, a.Program(ps)+" "+fp.Path+" "+string(ps.Severity)+" | "+ps.Name)
		}
		sev := ""
		if !rollback {
			sev = "warn"
		}
		want := []string{
			"pg_restore " + tool + " " + sev + " | pg_restore is installed",
			"psql /usr/bin/psql " + sev + " | psql is installed (not on PATH when the plan was read; checking /usr/bin/psql)",
			"./scripts/rollback.sh " + filepath.Join(root, "scripts/rollback.sh") + " " + sev + " | ./scripts/rollback.sh exists",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("rollback %v:\ngot\n  %s\nwant\n  %s", rollback, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	}
}
