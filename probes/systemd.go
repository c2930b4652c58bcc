package probes

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func init() { register(spec.KindSystemd, checkSystemd) }

// systemdRunDir exists only while systemd is the init system (this is the
// test sd_booted() does). A variable for the tests.
var systemdRunDir = "/run/systemd/system"

// checkSystemd answers a systemd probe with `systemctl show UNIT`. Where
// systemd is not running (containers, other init systems) the answer is
// Error — we cannot tell — never Fail.
//
// Why systemctl and not systemd's D-Bus API: it needs no new dependency
// and no bus connection kept open, it reads the same properties, and what
// made it risky is closed here — the unit must be a systemd unit name
// (spec.CheckUnitName: never an option such as -Hhost), it comes after
// "--", --no-ask-password keeps polkit from prompting, and systemctl runs
// as a helper (helper.go): no terminal, its own session, ended whole with
// the probe.
func checkSystemd(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.SystemdParams) (Status, string) {
	if err := spec.CheckUnitName(p.Unit); err != nil {
		return Error, "not checked: " + err.Error()
	}
	if _, err := os.Stat(systemdRunDir); err != nil {
		return Error, fmt.Sprintf("cannot check unit %s: systemd is not running on this host (no %s); check the service another way (process: or port:)", p.Unit, systemdRunDir)
	}
	bin, err := exec.LookPath("systemctl")
	if err != nil {
		return Error, fmt.Sprintf("cannot check unit %s: systemctl is not installed or not on PATH", p.Unit)
	}
	cmd := exec.CommandContext(ctx, bin, systemctlShowArgs(p.Unit)...)
	h := newHelper(cmd, append(os.Environ(), "SYSTEMD_PAGER=", "SYSTEMD_COLORS=0"))
	// A grandchild that keeps systemctl's output open cannot hold Output
	// past the deadline.
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 4096}
	var stdout bytes.Buffer
	cmd.Stdout = &limitedBuffer{buf: &stdout, max: 64 << 10}
	err = cmd.Run()
	h.end()
	if err != nil {
		if ctx.Err() != nil {
			return Error, fmt.Sprintf("systemctl did not answer in time: check the unit by hand (systemctl status %s)", p.Unit)
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if why, ok := noBus(stderr.String()); ok {
				return Error, fmt.Sprintf("cannot check unit %s: systemd runs on this host but its bus cannot be reached (%s): run gonogo where systemctl works (the host itself, not a container or a session without D-Bus), or check the service another way (process: or port:)", p.Unit, why)
			}
			return Error, fmt.Sprintf("systemctl show %s failed (%v): %s", p.Unit, err, textfmt.FirstLine(stderr.String()))
		}
		return Error, fmt.Sprintf("cannot run systemctl: %v", err)
	}
	return systemdVerdict(p, parseSystemctlShow(stdout.Bytes()))
}

// noBus reports whether systemctl's stderr says it could not reach
// systemd's D-Bus (a container with /run/systemd mounted, a user session
// without a bus), and the line that says so.
func noBus(stderr string) (string, bool) {
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(l)
		for _, s := range []string{"Failed to connect to bus", "Failed to get D-Bus connection", "not been booted with systemd", "Failed to connect to system scope bus"} {
			if strings.Contains(l, s) {
				return l, true
			}
		}
	}
	return "", false
}

// systemctlShowArgs is the argument list of `systemctl show` for unit. The
// unit comes after "--": a unit name may start with "-" ("-.mount", the root
// file system), which systemctl would otherwise read as options.
func systemctlShowArgs(unit string) []string {
	return []string{"show", "--no-pager", "--no-ask-password", "--property=LoadState,ActiveState,SubState,UnitFileState", "--", unit}
}

// parseSystemctlShow reads the KEY=VALUE lines of `systemctl show`.
func parseSystemctlShow(out []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m
}

// systemdVerdict decides from the unit's properties.
func systemdVerdict(p *spec.SystemdParams, props map[string]string) (Status, string) {
	load, active, sub := props["LoadState"], props["ActiveState"], props["SubState"]
	if load == "" {
		return Error, fmt.Sprintf("systemctl show %s gave no LoadState: cannot tell", p.Unit)
	}
	state := active
	if sub != "" {
		state += " (" + sub + ")"
	}
	if load != "loaded" {
		if load == "not-found" {
			if !p.Active && !p.ExistsOnly && !p.MustExist {
				return OK, fmt.Sprintf("unit %s is not known to systemd, so it is not active", p.Unit)
			}
			return Fail, fmt.Sprintf("unit %s is not known to systemd (LoadState not-found): check the unit name with systemctl list-unit-files", p.Unit)
		}
		if p.ExistsOnly || p.Active {
			return Fail, fmt.Sprintf("unit %s cannot be loaded (LoadState %s): see systemctl status %s", p.Unit, load, p.Unit)
		}
	}
	if p.ExistsOnly {
		return OK, fmt.Sprintf("unit %s is known to systemd (now %s)", p.Unit, state)
	}
	if p.Active {
		if active == "active" || active == "reloading" {
			return OK, fmt.Sprintf("unit %s is %s", p.Unit, state)
		}
		return Fail, fmt.Sprintf("unit %s is %s, expected active: systemctl start %s (see journalctl -u %s)", p.Unit, state, p.Unit, p.Unit)
	}
	if active == "inactive" || active == "failed" {
		return OK, fmt.Sprintf("unit %s is %s, as required", p.Unit, state)
	}
	return Fail, fmt.Sprintf("unit %s is %s, expected inactive: systemctl stop %s", p.Unit, state, p.Unit)
}

// limitedBuffer keeps the first max bytes written and discards the rest,
// so a chatty child cannot fill memory.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

// Write keeps what fits and reports everything written, so the writer
// never blocks or fails.
func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		if len(p) > room {
			l.buf.Write(p[:room])
		} else {
			l.buf.Write(p)
		}
	}
	return len(p), nil
}
