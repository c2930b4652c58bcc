package probes

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func cmdSpec(command string) *spec.Probe {
	return &spec.Probe{Kind: spec.KindCommand, Target: command, Params: &spec.CommandParams{Command: command}}
}

// uniqueSleep is a sleep argument no other process has: GNU sleep takes
// fractions, so 600.<pid><n> is unique and still sleeps ten minutes.
func uniqueSleep(n int) string {
	return fmt.Sprintf("600.%d%03d", os.Getpid(), n)
}

// pidsWithArg lists live (non-zombie) processes with arg in their command
// line, read straight from /proc — independent of the code under test.
func pidsWithArg(t *testing.T, arg string) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(b, []byte(arg)) {
			continue
		}
		st, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if i := bytes.LastIndexByte(st, ')'); i > 0 && i+2 < len(st) && st[i+2] == 'Z' {
			continue
		}
		out = append(out, pid)
	}
	return out
}

// waitGone waits up to 5s for processes with arg to disappear.
func waitGone(t *testing.T, arg string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if len(pidsWithArg(t, arg)) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("processes with %q still running after the check: %v", arg, pidsWithArg(t, arg))
}

func TestCommand(t *testing.T) {
	dir := t.TempDir()
	withDir := func(s *spec.Probe) *spec.Probe { s.Params.(*spec.CommandParams).Dir = dir; return s }
	withExit := func(s *spec.Probe, code int) *spec.Probe {
		s.Params.(*spec.CommandParams).Exit = code
		return s
	}
	withStdout := func(s *spec.Probe, re string) *spec.Probe {
		s.Params.(*spec.CommandParams).Stdout = regexp.MustCompile(re)
		return s
	}
	tests := []struct {
		name string
		sp   *spec.Probe
		want Status
		msg  string
	}{
		{"exit 0", cmdSpec("true"), OK, "`true` exited 0"},
		{"exit 3", cmdSpec("echo 'relation \"docs\" does not exist' >&2; exit 3"), Fail, `exited 3, expected exit 0: relation "docs" does not exist`},
		{"expected exit", withExit(cmdSpec("exit 3"), 3), OK, "exited 3"},
		{"stdout matches", withStdout(cmdSpec("echo vector 0.7.0"), `vector \d`), OK, `output matches /vector \d/`},
		{"stdout does not match", withStdout(cmdSpec("echo nothing here"), `vector`), Fail, "first line: nothing here"},
		{"runs in Dir", withStdout(withDir(cmdSpec("pwd")), regexp.QuoteMeta(dir)), OK, "matches"},
		{"missing Dir", func() *spec.Probe {
			s := cmdSpec("true")
			s.Params.(*spec.CommandParams).Dir = filepath.Join(dir, "gone")
			return s
		}(), Error, "cannot run `true` in " + dir},
		{"command not found", cmdSpec("no-such-tool-xyz --version"), Fail, "exited 127"},
		{"flood, stdout decides", withStdout(cmdSpec("yes"), `^y\n`), OK, "`yes` was stopped after 64.0 KiB of output, output matches"},
		{"flood, exit unknown", cmdSpec("yes"), Error, "printed more than 64.0 KiB and was stopped before it exited"},
		{"flood, no match in the cap", withStdout(cmdSpec("yes; echo END"), `END`), Fail, "no match for /END/"},
		{"big output that ends", withStdout(cmdSpec("head -c 200000 /dev/zero | tr '\\0' x; echo"), `^x`), OK, "was stopped after 64.0 KiB of output"},
		// Its own session, so no controlling terminal to prompt on: the
		// shell's session ID (field 6 of /proc/PID/stat) is its own PID.
		{"own session, no terminal", cmdSpec(`test "$(cut -d' ' -f6 /proc/$$/stat)" = "$$"`), OK, "exited 0"},
		{"no terminal prompt", cmdSpec(`exec 3<>/dev/tty`), Fail, "exited"},
		{"output just under the cap", withStdout(cmdSpec("head -c 60000 /dev/zero | tr '\\0' x; echo; echo END"), `END`), OK, "exited 0, output matches /END/"},
	}
	r := NewRunner(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, runWith(t, r, tt.sp), tt.want, tt.msg)
		})
	}
}

func TestCommandNoExec(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	res := runWith(t, NewRunner(Options{NoExec: true}), cmdSpec("touch "+marker))
	wantStatus(t, res, Skip, "not run: --no-exec")
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command ran under NoExec")
	}
}

// TestCommandHangsAndChildrenAreKilled: at the timeout the whole process
// group goes, children included; a background child left by a command
// that exited goes too.
func TestCommandHangsAndChildrenAreKilled(t *testing.T) {
	a, b, c, d := uniqueSleep(1), uniqueSleep(2), uniqueSleep(3), uniqueSleep(4)
	hang := cmdSpec("sleep " + a)
	hang.Timeout = 300 * time.Millisecond
	kids := cmdSpec(fmt.Sprintf("sleep %s & sleep %s & wait", b, c))
	kids.Timeout = 300 * time.Millisecond
	leftover := cmdSpec(fmt.Sprintf("sleep %s & echo started", d))
	r := NewRunner(Options{})
	start := time.Now()
	wantStatus(t, runWith(t, r, hang), Error, "timed out after 300ms")
	wantStatus(t, runWith(t, r, kids), Error, "timed out after 300ms")
	wantStatus(t, runWith(t, r, leftover), OK, "exited 0")
	if time.Since(start) > 20*time.Second {
		t.Errorf("the checks took %v", time.Since(start))
	}
	for _, arg := range []string{a, b, c, d} {
		waitGone(t, arg)
	}
}

// TestOutputPatternsPerLine: output patterns match line by line, as the
// plan parser compiles them, and '^$' still means "no output".
func TestOutputPatternsPerLine(t *testing.T) {
	tests := []struct {
		cmd, re string
		want    Status
	}{
		{"echo 42", `^42$`, OK},
		{"echo 420", `^42$`, Fail},
		{"printf 'a\\nready\\nb\\n'", `^ready$`, OK},
		{"true", `^$`, OK},
		{"echo partition-3", `^$`, Fail},
	}
	for _, tt := range tests {
		sp := cmdSpec(tt.cmd)
		sp.Params.(*spec.CommandParams).Stdout = regexp.MustCompile("(?m)" + tt.re)
		wantStatus(t, runSpec(t, sp), tt.want)
	}
}
