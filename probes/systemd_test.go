package probes

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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
		{"unknown unit, stopped by a step", spec.SystemdParams{Unit: "pgg", MustExist: true}, show("not-found", "inactive", "dead"), Fail, "not known to systemd (LoadState not-found)"},
		{"stopped by a step", spec.SystemdParams{Unit: "pg", MustExist: true}, show("loaded", "inactive", "dead"), OK, "as required"},
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

// fakeSystemctl puts a systemctl script with body first on PATH and makes
// the probe believe systemd runs, for the path that runs systemctl on
// hosts without systemd. It returns the script's folder.
func fakeSystemctl(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	writeScript(t, filepath.Join(dir, "systemctl"), body)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	old := systemdRunDir
	systemdRunDir = dir
	t.Cleanup(func() { systemdRunDir = old })
	return dir
}

// checkSystemdDirect calls the systemd checker itself, so the test sees
// the state right after it returned (the runner stops waiting for a
// checker at its deadline).
func checkSystemdDirect(t *testing.T, unit string, timeout time.Duration) (Status, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	sp := &spec.Probe{Kind: spec.KindSystemd, Target: unit, Params: &spec.SystemdParams{Unit: unit, Active: true}}
	return checkSystemd(ctx, NewRunner(Options{}), sp, sp.Params.(*spec.SystemdParams))
}

// TestSystemdOptionNeverReachesSystemctl: a unit name systemctl would
// read as an option (-H makes it ssh to a host) is refused before any
// program runs — whatever built the spec.
func TestSystemdOptionNeverReachesSystemctl(t *testing.T) {
	dir := fakeSystemctl(t, `printf '%s\n' "$@" >> "$(dirname "$0")/ran"; echo LoadState=loaded; echo ActiveState=active`+"\n")
	for _, unit := range []string{"-Huser@evil.example", "--host=evil.example", "-M", "app --host=x", "app\n-H"} {
		st, msg := checkSystemdDirect(t, unit, 5*time.Second)
		if st != Error || !strings.Contains(msg, "not a systemd unit name") {
			t.Errorf("unit %q: %s %q, want error: not a systemd unit name", unit, st, msg)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "ran")); err == nil {
		t.Errorf("systemctl ran with:\n%s", b)
	}
}

// TestSystemctlRun: systemctl is asked with the unit after "--" and
// --no-ask-password, and its answer read.
func TestSystemctlRun(t *testing.T) {
	dir := fakeSystemctl(t, `printf '%s\n' "$@" > "$(dirname "$0")/args"; printf 'LoadState=loaded\nActiveState=active\nSubState=running\n'`+"\n")
	st, msg := checkSystemdDirect(t, "postgresql@14-main", 5*time.Second)
	if st != OK || msg != "unit postgresql@14-main is active (running)" {
		t.Errorf("got %s %q", st, msg)
	}
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(args) < 2 || args[len(args)-2] != "--" || args[len(args)-1] != "postgresql@14-main" || !slices.Contains(args, "--no-ask-password") {
		t.Errorf("systemctl got %q", args)
	}
}

// TestSystemctlHelperEnded: systemctl runs without a terminal, in a
// session of its own; when it hangs past the probe's timeout it is ended
// with everything it started, also a child in another session (an ssh it
// would have started, say).
func TestSystemctlHelperEnded(t *testing.T) {
	needTools(t, "setsid", "sleep")
	dir := fakeSystemctl(t, `d=$(dirname "$0")
cat /proc/self/stat > "$d/stat.tmp" && mv "$d/stat.tmp" "$d/stat"
echo $$ > "$d/self"
sleep 301 </dev/null >/dev/null 2>&1 & echo $! > "$d/bg"
setsid -f sh -c "echo \$\$ > '$d/daemon'; exec sleep 302" </dev/null >/dev/null 2>&1
exec sleep 303
`)
	st, msg := checkSystemdDirect(t, "app", 2*time.Second) // room for the script to start everything on a loaded machine
	if st != Error || !strings.Contains(msg, "did not answer in time") {
		t.Errorf("got %s %q, want error: did not answer in time", st, msg)
	}
	self := readPid(t, filepath.Join(dir, "self"))
	b, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		t.Fatal(err)
	}
	// cat's stat: its session is the script's, and it has no terminal.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if f[3] != strconv.Itoa(self) {
		t.Errorf("systemctl ran in session %s, want one of its own (%d)", f[3], self)
	}
	if f[4] != "0" {
		t.Errorf("systemctl had a controlling terminal (tty_nr %s)", f[4])
	}
	wantEnded(t, "systemctl", self)
	wantEnded(t, "systemctl's background child", readPid(t, filepath.Join(dir, "bg")))
	wantEnded(t, "systemctl's daemon in another session", readPid(t, filepath.Join(dir, "daemon")))
}
