package probes

import (
	"os"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func TestSystemdNotRunning(t *testing.T) {
	if _, err := os.Stat("/run/systemd/system"); err == nil {
		t.Skip("systemd is running here; this test is for hosts without it")
	}
	sp := &spec.Probe{Kind: spec.KindSystemd, Target: "postgresql", Params: &spec.SystemdParams{Unit: "postgresql", Active: true}}
	wantStatus(t, runSpec(t, sp), Error, "cannot check unit postgresql: systemd is not running on this host (no /run/systemd/system)")
}

func TestSystemdActiveUnit(t *testing.T) {
	if _, err := os.Stat("/run/systemd/system"); err != nil {
		t.Skip("systemd is not running here")
	}
	// Every systemd host has these.
	sp := &spec.Probe{Kind: spec.KindSystemd, Target: "-.mount", Params: &spec.SystemdParams{Unit: "-.mount", Active: true}}
	wantStatus(t, runSpec(t, sp), OK, "is active")
	sp = &spec.Probe{Kind: spec.KindSystemd, Target: "x", Params: &spec.SystemdParams{Unit: "no-such-unit-gonogo.service", Active: true}}
	wantStatus(t, runSpec(t, sp), Fail, "not known to systemd")
}

// TestSystemctlShowArgs: whatever the unit name, systemctl reads it as a
// unit, never as an option ("-.mount" is the root file system's unit).
func TestSystemctlShowArgs(t *testing.T) {
	for _, unit := range []string{"postgresql", "-.mount", "--help", "-Hhost"} {
		args := systemctlShowArgs(unit)
		if len(args) < 2 || args[len(args)-2] != "--" || args[len(args)-1] != unit {
			t.Errorf("systemctlShowArgs(%q) = %q, want the unit last, after --", unit, args)
		}
		for _, a := range args[:len(args)-2] {
			if a == unit {
				t.Errorf("systemctlShowArgs(%q) = %q: the unit appears before --", unit, args)
			}
		}
	}
}

// TestSystemdVerdict decides from `systemctl show` output as systemd
// prints it.
func TestSystemdVerdict(t *testing.T) {
	show := func(load, active, sub string) map[string]string {
		return parseSystemctlShow([]byte("LoadState=" + load + "\nActiveState=" + active + "\nSubState=" + sub + "\nUnitFileState=enabled\n"))
	}
	tests := []struct {
		name  string
		p     spec.SystemdParams
		props map[string]string
		want  Status
		msg   string
	}{
		{"active", spec.SystemdParams{Unit: "pg", Active: true}, show("loaded", "active", "running"), OK, "unit pg is active (running)"},
		{"inactive wanted active", spec.SystemdParams{Unit: "pg", Active: true}, show("loaded", "inactive", "dead"), Fail, "is inactive (dead), expected active: systemctl start pg"},
		{"failed wanted inactive", spec.SystemdParams{Unit: "pg"}, show("loaded", "failed", "failed"), OK, "as required"},
		{"active wanted inactive", spec.SystemdParams{Unit: "chroma"}, show("loaded", "active", "running"), Fail, "expected inactive: systemctl stop chroma"},
		{"unknown unit", spec.SystemdParams{Unit: "pgg", Active: true}, show("not-found", "inactive", "dead"), Fail, "not known to systemd"},
		{"unknown unit, inactive wanted", spec.SystemdParams{Unit: "pgg"}, show("not-found", "inactive", "dead"), OK, "not known to systemd, so it is not active"},
		{"exists only", spec.SystemdParams{Unit: "pg", ExistsOnly: true}, show("loaded", "inactive", "dead"), OK, "is known to systemd (now inactive (dead))"},
		{"exists only, missing", spec.SystemdParams{Unit: "pg", ExistsOnly: true}, show("not-found", "inactive", "dead"), Fail, "not known"},
		{"masked", spec.SystemdParams{Unit: "pg", Active: true}, show("masked", "inactive", "dead"), Fail, "cannot be loaded (LoadState masked)"},
		{"empty output", spec.SystemdParams{Unit: "pg", Active: true}, parseSystemctlShow(nil), Error, "cannot tell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, msg := systemdVerdict(&tt.p, tt.props)
			wantStatus(t, Result{Spec: &spec.Probe{Kind: "systemd", Target: tt.p.Unit}, Status: st, Message: msg}, tt.want, tt.msg)
		})
	}
}

// systemd present without a reachable bus reads as such, not as a failed
// systemctl call, whatever systemctl's wording.
func TestNoBus(t *testing.T) {
	for _, tc := range []struct {
		stderr string
		bus    bool
	}{
		{"Failed to connect to bus: No such file or directory\n", true},
		{"System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n", true},
		{"Failed to get D-Bus connection: Operation not permitted\n", true},
		{"Unit foo.service could not be found.\n", false},
		{"", false},
	} {
		why, ok := noBus(tc.stderr)
		if ok != tc.bus || (ok && !strings.Contains(tc.stderr, why)) {
			t.Errorf("noBus(%q) = %q, %v; want %v", tc.stderr, why, ok, tc.bus)
		}
	}
}
