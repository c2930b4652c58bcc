package plans

import (
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

const sidecarPlan = `# Migrate

## Pre-deploy

### 8a. Backup config

` + "```gonogo" + `
done:
  - file: /tmp/config.bak
` + "```" + `

## Procedure

1. Stop
2. Start

## Rollback

1. Restore
`

func TestSidecar(t *testing.T) {
	p := mustParse(t, sidecarPlan)
	side := `# probes for a plan we may not edit
steps:
  "8a":
    requires:
      - git: config_chromadb.py
        state: untracked
    done:
      - backup: /tmp/config_chromadb.py.bak
        of: config_chromadb.py
  2:
    done:
      - systemd: app
    interval: 15s
  rollback/1: { requires: [ { git: config_chromadb.py } ], infer: false }
`
	if err := ApplySidecar(p, "probes.yaml", []byte(side), LoadOptions{Env: testEnv}); err != nil {
		t.Fatal(err)
	}
	s8a, _ := p.StepByRef("8a")
	if len(s8a.Probes) != 3 {
		t.Fatalf("8a probes: %d", len(s8a.Probes))
	}
	if s8a.Probes[0].Source != spec.Explicit || s8a.Probes[1].Source != spec.Sidecar {
		t.Errorf("explicit probes come first, then sidecar ones: %v, %v", s8a.Probes[0].Source, s8a.Probes[1].Source)
	}
	g := s8a.Probes[1]
	if g.File != "probes.yaml" || g.Line != 5 || g.Role != spec.Requires || g.Params.(*spec.GitParams).Path != testRoot+"/config_chromadb.py" {
		t.Errorf("sidecar probe: %+v %+v", g, g.Params)
	}
	if b := s8a.Probes[2]; b.Role != spec.Done || b.Line != 8 || b.Params.(*spec.BackupParams).Of != testRoot+"/config_chromadb.py" {
		t.Errorf("sidecar backup: %+v", b)
	}
	s2, _ := p.StepByRef("2")
	if len(s2.Probes) != 1 || s2.Interval.String() != "15s" || s2.Probes[0].Line != 12 {
		t.Errorf("step 2 (an integer YAML key): %+v", s2)
	}
	r1, _ := p.StepByRef("rollback/1")
	if len(r1.Probes) != 1 || !r1.NoInfer || r1.Probes[0].Line != 14 {
		t.Errorf("rollback/1 by qualified key, flow style: %+v", r1)
	}
}

func TestSidecarErrors(t *testing.T) {
	tests := []struct {
		name, side string
		want       []string
	}{
		{"unknown step suggests", "steps:\n  \"8b\":\n    requires:\n      - git: a\n",
			[]string{`2:step 8b: no such step in plan.md: expected 8a, procedure/1, 2, rollback/1 (did you mean "8a"?)`}},
		{"ambiguous step", "steps:\n  \"1\":\n    requires:\n      - git: a\n",
			[]string{`2:step 1: is ambiguous, the ID is repeated: use one of "procedure/1" (line 14) "rollback/1" (line 19)`}},
		{"probe errors use sidecar lines", "steps:\n  \"8a\":\n    requires:\n      - git: a\n        timeout: 5\n",
			[]string{"5:timeout: expected a duration with a unit, like 5s"}},
		{"unknown step and its block both reported", "steps:\n  nope:\n    requires:\n      - gti: a\n",
			[]string{`2:step nope: no such step`, "4:gti: unknown probe kind"}},
		{"same step twice", "steps:\n  \"8a\": {done: [{file: a}]}\n  8a: {done: [{file: b}]}\n",
			[]string{`3:step 8a: names step "8a" again (first at line 2)`}},
		{"unknown top key", "step:\n  \"8a\": {}\n", []string{`1:step: unknown key in probes file: expected steps (did you mean "steps"?)`}},
		{"steps not a map", "steps:\n  - 8a\n", []string{"2:steps: expected a map of step IDs to probe blocks"}},
		{"empty step block", "steps:\n  \"8a\":\n", []string{"2:step 8a: is empty"}},
		{"empty file", "", []string{"1:is empty"}},
		{"not a map", "- a\n", []string{"1:expected a map with \"steps:\""}},
		{"bad yaml", "steps:\n  8a: [\n", []string{"probes file: is not valid YAML"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, sidecarPlan)
			before := len(p.Steps[0].Probes)
			err := ApplySidecar(p, "probes.yaml", []byte(tt.side), LoadOptions{Env: testEnv})
			if tt.name == "bad yaml" {
				if err == nil || !strings.Contains(err.Error(), "probes.yaml:") || !strings.Contains(err.Error(), tt.want[0]) {
					t.Errorf("got %v", err)
				}
				return
			}
			assertDiags(t, err, "probes.yaml", tt.want)
			if len(p.Steps[0].Probes) != before {
				t.Error("a sidecar with errors must not change the plan")
			}
		})
	}
}
