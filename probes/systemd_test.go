package probes

import (
	"os"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
)

func TestSystemdNotRunning(t *testing.T) {
	if _, err := os.Stat("/run/systemd/system"); err == nil {
		t.Skip("systemd is running here; this test is for hosts without it")
	}
	spec := &plans.ProbeSpec{Kind: plans.KindSystemd, Target: "postgresql", Params: &plans.SystemdParams{Unit: "postgresql", Active: true}}
	wantStatus(t, runSpec(t, spec), Error, "cannot check unit postgresql: systemd is not running on this host (no /run/systemd/system)")
}

func TestSystemdActiveUnit(t *testing.T) {
	if _, err := os.Stat("/run/systemd/system"); err != nil {
		t.Skip("systemd is not running here")
	}
	// Every systemd host has these.
	spec := &plans.ProbeSpec{Kind: plans.KindSystemd, Target: "-.mount", Params: &plans.SystemdParams{Unit: "-.mount", Active: true}}
	wantStatus(t, runSpec(t, spec), OK, "is active")
	spec = &plans.ProbeSpec{Kind: plans.KindSystemd, Target: "x", Params: &plans.SystemdParams{Unit: "no-such-unit-gonogo.service", Active: true}}
	wantStatus(t, runSpec(t, spec), Fail, "not known to systemd")
}

// TestSystemdVerdict decides from `systemctl show` output as systemd
// prints it.
func TestSystemdVerdict(t *testing.T) {
	show := func(load, active, sub string) map[string]string {
		return parseSystemctlShow([]byte("LoadState=" + load + "\nActiveState=" + active + "\nSubState=" + sub + "\nUnitFileState=enabled\n"))
	}
	tests := []struct {
		name  string
		p     plans.SystemdParams
		props map[string]string
		want  Status
		msg   string
	}{
		{"active", plans.SystemdParams{Unit: "pg", Active: true}, show("loaded", "active", "running"), OK, "unit pg is active (running)"},
		{"inactive wanted active", plans.SystemdParams{Unit: "pg", Active: true}, show("loaded", "inactive", "dead"), Fail, "is inactive (dead), expected active: systemctl start pg"},
		{"failed wanted inactive", plans.SystemdParams{Unit: "pg"}, show("loaded", "failed", "failed"), OK, "as required"},
		{"active wanted inactive", plans.SystemdParams{Unit: "chroma"}, show("loaded", "active", "running"), Fail, "expected inactive: systemctl stop chroma"},
		{"unknown unit", plans.SystemdParams{Unit: "pgg", Active: true}, show("not-found", "inactive", "dead"), Fail, "not known to systemd"},
		{"unknown unit, inactive wanted", plans.SystemdParams{Unit: "pgg"}, show("not-found", "inactive", "dead"), OK, "not known to systemd, so it is not active"},
		{"exists only", plans.SystemdParams{Unit: "pg", ExistsOnly: true}, show("loaded", "inactive", "dead"), OK, "is known to systemd (now inactive (dead))"},
		{"exists only, missing", plans.SystemdParams{Unit: "pg", ExistsOnly: true}, show("not-found", "inactive", "dead"), Fail, "not known"},
		{"masked", plans.SystemdParams{Unit: "pg", Active: true}, show("masked", "inactive", "dead"), Fail, "cannot be loaded (LoadState masked)"},
		{"empty output", plans.SystemdParams{Unit: "pg", Active: true}, parseSystemctlShow(nil), Error, "cannot tell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, msg := systemdVerdict(&tt.p, tt.props)
			wantStatus(t, Result{Spec: &plans.ProbeSpec{Kind: "systemd", Target: tt.p.Unit}, Status: st, Message: msg}, tt.want, tt.msg)
		})
	}
}
